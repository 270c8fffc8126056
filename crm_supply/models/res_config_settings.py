from odoo import fields, models

from odoo.addons.crm_suite_base.models.policy import writable

from .res_company import RESERVATION_DAYS_BOUNDS


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "crm.write.policy.mixin"]
    # the company's settings, checked here already (the wizard is created, then
    # executed: a bad value never reaches the company)
    _crm_write_policy = {
        "reserved_stock_policy": writable(),
        "reservation_days": writable(bounds=RESERVATION_DAYS_BOUNDS),
    }

    reserved_stock_policy = fields.Selection(
        related="company_id.reserved_stock_policy", readonly=False
    )
    reservation_days = fields.Integer(related="company_id.reservation_days", readonly=False)
