from odoo import api, fields, models

from odoo.addons.crm_suite_base.models.client_counts import count_by_client
from odoo.addons.crm_suite_base.models.policy import check_one


class ResPartner(models.Model):
    """The client file's evaluation sheets smart button."""

    _inherit = "res.partner"

    crm_evaluation_sheet_count = fields.Integer(
        compute="_compute_crm_evaluation_sheet_count",
        string="Evaluation Sheets",
        groups="sales_team.group_sale_salesman",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_crm_evaluation_sheet_count(self):
        counts = count_by_client(self, "crm.evaluation.sheet")
        for partner in self:
            partner.crm_evaluation_sheet_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_view_crm_evaluation_sheets(self):
        """The client's evaluation sheets (smart button)."""
        check_one(self)
        client = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_evaluation_sheet.crm_evaluation_sheet_action"
        )
        action["domain"] = [("partner_id", "child_of", client.id)]
        action["context"] = {"default_partner_id": client.id}
        return action
