from odoo import api, fields, models
from odoo.tools import LazyTranslate

from odoo.addons.crm_suite_base.models.policy import FREE, owned

from . import intake_keys
from .intake_keys import create_email_index

_lt = LazyTranslate(__name__)

COMPANY_STATUSES = [
    ("active", "Active"),
    ("inactive", "Inactive"),
    ("deregistered", "Deregistered"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited
    _crm_write_policy = {
        "intake_vat_key": owned(_lt("kept from the tax ID.")),
        "intake_phone_key": owned(_lt("kept from the phone.")),
        "intake_mobile_key": owned(_lt("kept from the mobile.")),
        "vat_payer": FREE,
        "company_status": FREE,
    }

    intake_vat_key = fields.Char(
        compute="_compute_intake_keys",
        store=True,
        index="btree_not_null",
        copy=False,
        groups="base.group_user",
    )
    intake_phone_key = fields.Char(
        compute="_compute_intake_keys",
        store=True,
        index="btree_not_null",
        copy=False,
        groups="base.group_user",
    )
    intake_mobile_key = fields.Char(
        compute="_compute_intake_keys",
        store=True,
        index="btree_not_null",
        copy=False,
        groups="base.group_user",
    )
    vat_payer = fields.Boolean(
        string="VAT Payer",
        help="Registered for VAT, as the tax authority reported it.",
        groups="base.group_user",
    )
    company_status = fields.Selection(
        COMPANY_STATUSES,
        help="Status of the company at the trade register, as last fetched.",
        groups="base.group_user",
    )

    def init(self):
        res = super().init()
        create_email_index(self.env.cr, self._table)
        return res

    @api.depends("vat", "phone", "mobile")
    def _compute_intake_keys(self):
        for partner in self:
            partner.intake_vat_key = intake_keys.vat_key(partner.vat)
            partner.intake_phone_key = intake_keys.phone_key(partner.phone)
            partner.intake_mobile_key = intake_keys.phone_key(partner.mobile)

    def action_fetch_company_data(self):
        """Fill the company's name, address, registry number, VAT-payer status and
        status from its tax ID (ANAF for Romania, VIES for other EU countries)."""
        for partner in self:
            partner.check_access("write")
            data = self.env["crm.company.lookup"]._lookup(
                partner.vat, partner.country_id.code or None
            )
            partner.write(self.env["crm.company.lookup"]._partner_values(data))
        return True
