from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_block_duplicate_vat = fields.Boolean(
        string="One Lead per Tax ID",
        help="Refuse a new lead whose tax ID is already on another lead.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_block_duplicate_vat = fields.Boolean(
        related="company_id.crm_block_duplicate_vat", readonly=False
    )
    crm_import_max_rows = fields.Integer(
        string="Lead Import Row Limit",
        config_parameter="crm_pipeline.import_max_rows",
        default=100000,
    )
    crm_anaf_url = fields.Char(
        string="ANAF Web Service",
        config_parameter="crm_pipeline.anaf_url",
        default="https://webservicesp.anaf.ro/api/PlatitorTvaRest/v9/tva",
    )
    crm_vies_url = fields.Char(
        string="VIES Web Service",
        config_parameter="crm_pipeline.vies_url",
        default="https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number",
    )
