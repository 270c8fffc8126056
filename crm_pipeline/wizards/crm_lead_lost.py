from odoo import fields, models

from odoo.addons.crm_suite_base.models.policy import check_one


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    lost_competitor_id = fields.Many2one(
        "crm.competitor",
        string="Lost To",
        help="The competitor the customer chose, for the lost deals report.",
    )

    def action_lost_reason_apply(self):
        # one wizard, or a clean refusal (Odoo's ensure_one answers a traceback)
        check_one(self)
        if self.lost_competitor_id:
            self.lead_ids.write({"lost_competitor_id": self.lost_competitor_id.id})
        return super().action_lost_reason_apply()
