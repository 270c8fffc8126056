from odoo import models

from odoo.addons.crm_suite_base.models.policy import privileged

from .crm_lead_responsibility import OPEN_STATES


class ResUsers(models.Model):
    _inherit = "res.users"

    def action_archive(self):
        """Odoo removes the activities of the users it archives (mail): the to-dos
        of their open steps go with them. The steps stay open, held by the
        archived user, for a sales manager to hand on; the new responsible gets
        a new to-do (``crm.lead.responsibility.write``). Whoever should hand a
        step on is reminded: a to-do on its lead (``_remind_hand_on``)."""
        # the caller may archive these users (Odoo's own check, before anything
        # is removed)
        self.check_access("write")
        # sudo: finds the to-dos of the users' open steps, whoever's leads they
        # are on, to remove them as Odoo removes the users' other activities;
        # nothing is returned to the caller
        steps = (
            self.env["crm.lead.responsibility"]
            .sudo()
            .search([("user_id", "in", self.ids), ("state", "in", list(OPEN_STATES))])
        )
        # as the caller, as Odoo removes the others; privileged: the chain's own
        # removal of its to-dos (mail_activity.py)
        privileged(self.env["mail.activity"].browse(steps.activity_id.ids)).unlink()
        res = super().action_archive()
        # sudo (the steps'): the reminder of the chain, on leads the caller, who
        # may archive users (checked above) without Sales rights, may not
        # read; only a to-do naming the archived user is written, nothing read
        # is returned
        steps._remind_hand_on(self)
        # Odoo's method returns None: True for XML-RPC callers
        return True if res is None else res
