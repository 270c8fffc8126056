from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.crm_suite_base.models.policy import check_one


class CrmLeadResponsibilityCompleteWizard(models.TransientModel):
    _name = "crm.lead.responsibility.complete.wizard"
    _inherit = "crm.lead.responsibility.wizard.mixin"
    _description = "Complete a Responsibility"

    lead_id = fields.Many2one(related="responsibility_id.lead_id")
    type_id = fields.Many2one(related="responsibility_id.type_id")
    next_type_id = fields.Many2one(related="responsibility_id.type_id.next_type_id")
    is_last = fields.Boolean(related="responsibility_id.is_last")
    outcome = fields.Selection(
        [("next", "Open the next step"), ("refused", "Refusal")],
        required=True,
        default="next",
    )
    summary = fields.Text(required=True)
    next_user_id = fields.Many2one(
        "res.users",
        string="Next Responsible",
        domain=lambda self: self.env["crm.lead"]._responsible_user_domain(),
        compute="_compute_next_user_id",
        store=True,
        readonly=False,
    )
    next_deadline = fields.Datetime(compute="_compute_next_deadline", store=True, readonly=False)
    next_meeting = fields.Boolean(
        string="Schedule a Meeting",
        compute="_compute_next_meeting",
        store=True,
        readonly=False,
        help="A calendar event for the next responsible at the next deadline, linked to "
        "the lead. Ticked when the next step is Meeting & evaluation.",
    )
    lost_reason_id = fields.Many2one("crm.lost.reason")
    gate_message = fields.Text(compute="_compute_gate_message")
    contracting_warnings = fields.Text(compute="_compute_contracting_warnings")

    def onchange(self, values, field_names, fields_spec):
        # the form's onchange computes the related fields of a new wizard (from
        # its values or a default of the context) before anything is created
        ids = [
            value
            for value in (
                values.get("responsibility_id"),
                self.env.context.get("default_responsibility_id"),
            )
            if isinstance(value, int) and not isinstance(value, bool)
        ]
        self.env["crm.lead.responsibility"].browse(ids).check_access("write")
        return super().onchange(values, field_names, fields_spec)

    @api.depends("responsibility_id")
    def _compute_next_user_id(self):
        for wiz in self:
            wiz.next_user_id = wiz.responsibility_id.user_id

    @api.depends("responsibility_id")
    def _compute_next_deadline(self):
        now = fields.Datetime.now()
        for wiz in self:
            nxt = wiz.responsibility_id.type_id.next_type_id
            wiz.next_deadline = now + timedelta(days=nxt.duration_days) if nxt else False

    @api.depends("responsibility_id")
    def _compute_next_meeting(self):
        for wiz in self:
            wiz.next_meeting = (
                wiz.responsibility_id.type_id.next_type_id.kind == "meeting_evaluation"
            )

    @api.depends("responsibility_id", "outcome")
    def _compute_gate_message(self):
        for wiz in self:
            wiz.gate_message = (
                wiz.responsibility_id._get_gate_message()
                if wiz.responsibility_id and wiz.outcome == "next"
                else False
            )

    @api.depends("responsibility_id")
    def _compute_contracting_warnings(self):
        for wiz in self:
            resp = wiz.responsibility_id
            if resp and resp.type_id.kind == "contracting":
                wiz.contracting_warnings = "\n".join(resp.get_contracting_warnings()) or False
            else:
                wiz.contracting_warnings = False

    def action_confirm(self):
        check_one(self)
        self.responsibility_id.complete(
            self.outcome,
            self.summary,
            next_user_id=self.next_user_id.id if self.outcome == "next" else None,
            next_deadline=self.next_deadline if self.outcome == "next" else None,
            lost_reason_id=self.lost_reason_id.id if self.outcome == "refused" else None,
            next_meeting=self.next_meeting and self.outcome == "next" and not self.is_last,
        )
        return {"type": "ir.actions.act_window_close"}
