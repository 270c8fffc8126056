from odoo import fields, models


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    lost_competitor_id = fields.Many2one(
        "crm.competitor",
        string="Lost To",
        help="The competitor the customer chose, for the lost deals report.",
    )

    def action_lost_reason_apply(self):
        if self.lost_competitor_id:
            self.lead_ids.write({"lost_competitor_id": self.lost_competitor_id.id})
        return super().action_lost_reason_apply()
