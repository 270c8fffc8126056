from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.crm_suite_base.models.policy import FREE

#: The lead import's row limit: what a setting may give.
IMPORT_MAX_ROWS_BOUNDS = (1, 1000000)


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "crm.write.policy.mixin"]
    # access rights give the companies to administrators only
    _crm_write_policy = {"crm_block_duplicate_vat": FREE}

    crm_block_duplicate_vat = fields.Boolean(
        string="One Lead per Tax ID",
        help="Refuse a new lead whose tax ID is already on another lead.",
        groups="base.group_user",
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

    @api.constrains("crm_import_max_rows", "crm_anaf_url", "crm_vies_url")
    def _check_crm_intake_settings(self):
        low, high = IMPORT_MAX_ROWS_BOUNDS
        for settings in self:
            if not low <= settings.crm_import_max_rows <= high:
                raise ValidationError(
                    self.env._(
                        "The lead import row limit is between %(min)s and %(max)s, not "
                        "%(value)s.",
                        min=low,
                        max=high,
                        value=settings.crm_import_max_rows,
                    )
                )
            for url in (settings.crm_anaf_url, settings.crm_vies_url):
                if url and not url.startswith(("https://", "http://")):
                    raise ValidationError(
                        self.env._(
                            "A web service address starts with https://, not %(url)s.", url=url
                        )
                    )
