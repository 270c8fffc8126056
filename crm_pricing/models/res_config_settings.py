from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_pricing_explanation_on_offers = fields.Boolean(
        related="company_id.crm_pricing_explanation_on_offers", readonly=False
    )
