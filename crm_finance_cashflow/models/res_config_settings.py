from odoo import fields, models

from odoo.addons.crm_suite_base.models.policy import check_one


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_rate_provider = fields.Selection(related="company_id.crm_rate_provider", readonly=False)
    crm_rate_last_update = fields.Datetime(related="company_id.crm_rate_last_update")
    crm_rate_last_error = fields.Text(related="company_id.crm_rate_last_error")
    crm_rates_by_oca = fields.Boolean(compute="_compute_crm_rates_by_oca")

    def _compute_crm_rates_by_oca(self):
        self.crm_rates_by_oca = self.env["res.company"]._crm_rates_by_oca()

    def action_crm_update_currency_rates(self):
        check_one(self)
        return self.company_id.action_update_currency_rates()
