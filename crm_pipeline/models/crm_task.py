from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import LazyTranslate

from odoo.addons.crm_suite_base.models.policy import FREE, owned, privileged

_lt = LazyTranslate(__name__)

_STATUS_HINT = _lt("use the task's status buttons (Start, Develop, Done, Reject, Reopen).")

TASK_KINDS = [
    ("new_contract", "New Contract"),
    ("offer", "Offer"),
    ("sample", "Sample"),
    ("test_product", "Test Product"),
    ("invoice", "Invoice"),
    ("other", "Other"),
]

TASK_STATES = [
    ("assigned", "Assigned"),
    ("in_progress", "In Progress"),
    ("in_development", "In Development"),
    ("done_confirmed", "Completed / Confirmed"),
    ("done_rejected", "Completed / Rejected"),
]
OPEN_STATES = ("assigned", "in_progress", "in_development")
DONE_STATES = ("done_confirmed", "done_rejected")

# the tasks a write leaves with the assignee they had (an object: no caller can
# send it in a context)
_KEPT_KEY = "crm_pipeline_task_assignee_kept"


class _KeptAssignee(frozenset):
    """Ids of the tasks whose assignee the write under way does not change."""


class CrmTask(models.Model):
    """Work assigned to an employee on a client or a lead: a task or a
    commitment made to the client (contract, offer, sample, invoice...)."""

    _name = "crm.task"
    _description = "CRM Task or Commitment"
    _inherit = [
        "crm.client.record.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "crm.write.policy.mixin",
    ]
    _order = "priority desc, date_deadline asc, id desc"
    _crm_write_policy = {
        "name": FREE,
        "kind": FREE,
        "date_deadline": FREE,
        "state": owned(_STATUS_HINT, create=("assigned",)),
        "is_closed": owned(_STATUS_HINT),
        "date_done": owned(_STATUS_HINT),
        "priority": FREE,
        "description": FREE,
        "color": FREE,
    }

    name = fields.Char(string="Title", required=True, tracking=True)
    kind = fields.Selection(TASK_KINDS, required=True, default="other", tracking=True)
    # client, contact person, lead, user and company: crm.client.record.mixin
    partner_id = fields.Many2one(index="btree_not_null")
    lead_id = fields.Many2one(tracking=True)
    # Named user_id and tracked: mail.thread subscribes and notifies the
    # assignee on creation and on every reassignment.
    user_id = fields.Many2one(string="Assignee", tracking=True)
    date_deadline = fields.Date(string="Deadline", index=True, tracking=True)
    state = fields.Selection(
        TASK_STATES,
        string="Status",
        required=True,
        default="assigned",
        index=True,
        tracking=True,
        copy=False,
        group_expand=True,
    )
    is_closed = fields.Boolean(compute="_compute_is_closed", store=True, string="Closed")
    date_done = fields.Datetime(string="Completed On", readonly=True, copy=False)
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], default="0")
    description = fields.Html()
    color = fields.Integer()

    @api.depends("state")
    def _compute_is_closed(self):
        for task in self:
            task.is_closed = task.state in DONE_STATES

    @api.constrains("partner_id", "lead_id")
    def _check_client_or_lead(self):
        for task in self:
            if not task.partner_id and not task.lead_id:
                raise ValidationError(
                    self.env._(
                        "The task %(name)s needs a client or a lead.",
                        name=task.name,
                    )
                )

    # ------------------------------------------------------------------
    # Assignment notification
    # ------------------------------------------------------------------

    def write(self, vals):
        user_id = vals.get("user_id") if isinstance(vals, dict) else None
        if isinstance(user_id, models.BaseModel):
            user_id = user_id.id
        tasks = self
        if user_id:
            # a list's mass edit, or an integration writing every field, gives
            # some tasks the assignee they have: nothing is assigned to them
            kept = self.filtered(lambda task: task.user_id.id == user_id)
            if kept:
                tasks = self.with_context(**{_KEPT_KEY: _KeptAssignee(kept.ids)})
        return super(CrmTask, tasks).write(vals)

    def _message_auto_subscribe_notify(self, partner_ids, template):
        """The assignee is told once: not again when a write gives a task the
        assignee it already has."""
        kept = self.env.context.get(_KEPT_KEY)
        tasks = self
        if isinstance(kept, _KeptAssignee):
            tasks = self.filtered(lambda task: task.id not in kept)
        return super(CrmTask, tasks)._message_auto_subscribe_notify(partner_ids, template)

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        """Notify the assignee with the task's own template (kind, client,
        deadline) instead of the generic "you have been assigned" one."""
        res = super()._message_auto_subscribe_followers(updated_values, default_subtype_ids)
        return [
            (
                partner_id,
                subtypes,
                "crm_pipeline.crm_task_message_user_assigned" if template else template,
            )
            for partner_id, subtypes, template in res
        ]

    # ------------------------------------------------------------------
    # Status actions (public API)
    # ------------------------------------------------------------------

    def _set_state(self, new_state, allowed_from):
        wrong = self.filtered(lambda t: t.state not in allowed_from)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Cannot move %(tasks)s to %(target)s from their current status "
                    "(%(current)s).",
                    tasks=", ".join(wrong.mapped("display_name")),
                    target=labels[new_state],
                    current=", ".join(sorted({labels[s] for s in wrong.mapped("state")})),
                )
            )
        vals = {"state": new_state}
        vals["date_done"] = fields.Datetime.now() if new_state in DONE_STATES else False
        privileged(self).write(vals)
        return True

    def action_start(self):
        """Start working on the task (or resume it after development)."""
        return self._set_state("in_progress", ("assigned", "in_development"))

    def action_develop(self):
        """The task waits on something being developed (a sample, a test product)."""
        return self._set_state("in_development", ("assigned", "in_progress"))

    def action_confirm_done(self):
        """Completed, confirmed by the client."""
        return self._set_state("done_confirmed", OPEN_STATES)

    def action_reject(self):
        """Completed with the client's refusal."""
        return self._set_state("done_rejected", OPEN_STATES)

    def action_reopen(self):
        """Reopen a completed task."""
        return self._set_state("in_progress", DONE_STATES)
