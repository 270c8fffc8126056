from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.crm_suite_base.models.policy import is_privileged

from .crm_lead_responsibility import OPEN_STATES

# what ties a to-do to its step: the record it is on, its user and its type
_STEP_BOUND = frozenset({"res_model", "res_model_id", "res_id", "user_id", "activity_type_id"})


class MailActivity(models.Model):
    """The to-do of an open responsibility follows its step: the chain schedules
    it when the step opens, moves it with the step's responsible and deadline,
    and marks it done (or removes it) when the step is completed. Marked done,
    cancelled or archived on its own (the activity widget, ``action_feedback``,
    ``action_done``, ``unlink`` over RPC), or moved to another record, user or
    type, it would leave the step open with no to-do for good: it is refused,
    outside the chain's own paths (``privileged``, a context value no RPC call
    can carry, or the superuser: Odoo's removal of a deleted or archived
    record's activities; archiving a user removes the to-dos of their open
    steps through ``privileged``, res_users.py)."""

    _inherit = "mail.activity"

    def _crm_check_not_open_step(self):
        if is_privileged(self) or not self.ids:
            return
        # sudo: only finds whether one of these activities is the to-do of an open
        # step, to name it in the refusal (the user sees the activity, and with it
        # the lead it is on)
        step = (
            self.env["crm.lead.responsibility"]
            .sudo()
            .search([("activity_id", "in", self.ids), ("state", "in", list(OPEN_STATES))], limit=1)
        )
        if step:
            raise UserError(
                self.env._(
                    "This to-do belongs to the open responsibility %(type)s of lead "
                    "%(lead)s: complete the responsibility on its lead instead.",
                    type=step.type_id.name,
                    lead=step.lead_id.name,
                )
            )

    def _action_done(self, feedback=False, attachment_ids=None):
        self._crm_check_not_open_step()
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def write(self, vals):
        if isinstance(vals, dict) and (
            # archiving is how Odoo marks done an activity of a type that keeps
            # done ones
            ("active" in vals and not vals["active"])
            # moved to another record (then removed with it, or left on none) or
            # handed to another user or type: the step would still be open with
            # its to-do elsewhere. The step moves its responsible into its to-do
            # itself (privileged); the deadline, summary and note stay free: the
            # to-do stays on the lead, with the step's responsible
            or _STEP_BOUND & set(vals)
        ):
            self._crm_check_not_open_step()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_open_step(self):
        self._crm_check_not_open_step()
