from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_evaluation_sheet_required = fields.Boolean(
        related="company_id.crm_evaluation_sheet_required", readonly=False
    )
