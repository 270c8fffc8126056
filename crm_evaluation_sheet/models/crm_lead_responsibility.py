from odoo import models

from odoo.addons.crm_suite_base.models.policy import check_one


class CrmLeadResponsibility(models.Model):
    _inherit = "crm.lead.responsibility"

    def _get_gate_message(self):
        message = super()._get_gate_message()
        if message or self.type_id.kind != "meeting_evaluation":
            return message
        return self._gate_meeting_evaluation()

    def _gate_meeting_evaluation(self):
        """Meeting & evaluation completes with 'next' only once the lead has a
        finalized evaluation sheet, unless the lead's company makes the sheet
        optional (Sales settings, Evaluation Sheet Required)."""
        self.ensure_one()
        company = self.lead_id.company_id or self.env.company
        if not company.crm_evaluation_sheet_required:
            return False
        # sudo: only checks that a finalized sheet of this lead exists, whoever
        # owns it; nothing of the sheet reaches the user.
        finalized = (
            self.env["crm.evaluation.sheet"]
            .sudo()
            .search_count([("lead_id", "=", self.lead_id.id), ("state", "=", "finalized")], limit=1)
        )
        if finalized:
            return False
        return self.env._(
            "Meeting & evaluation cannot move on before lead %(lead)s has a finalized "
            "evaluation sheet: fill one in and finalize it.",
            lead=self.lead_id.display_name,
        )

    def action_open_evaluation_sheets(self):
        """The evaluation sheets of the responsibility's lead (a new one when
        there is none yet)."""
        check_one(self)
        return self.lead_id.action_view_evaluation_sheets()
