from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    reserved_stock_policy = fields.Selection(
        related="company_id.reserved_stock_policy", readonly=False
    )
    reservation_days = fields.Integer(related="company_id.reservation_days", readonly=False)
