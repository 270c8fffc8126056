import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.crm_suite_base.models.policy import FREE

from .res_partner_intake import COMPANY_STATUSES

# the lead's company data, fetched together from its tax ID: merged as a whole
_COMPANY_DATA_FIELDS = ("vat", "company_registry", "vat_payer", "company_status")


class CrmLead(models.Model):
    # Lead intake (company lookup by tax ID) kept apart from the other crm.lead extensions on
    # purpose (one concern per file), hence the pylint exception.
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited
    _crm_write_policy = {"company_registry": FREE, "vat_payer": FREE, "company_status": FREE}

    company_registry = fields.Char(string="Trade Register No.")
    vat_payer = fields.Boolean(string="VAT Payer")
    company_status = fields.Selection(COMPANY_STATUSES)

    def _merge_get_fields_specific(self):
        """The company data of a merge (tax ID, trade register number, VAT
        payer, company status) comes as a whole from one lead, as Odoo takes
        the address: they describe one company, fetched together from its tax
        ID. See ``_merge_company_data_source``."""
        return {
            **super()._merge_get_fields_specific(),
            **dict.fromkeys(
                _COMPANY_DATA_FIELDS,
                lambda fname, leads: leads._merge_company_data_source()[fname],
            ),
        }

    def _merge_company_data_source(self):
        """The lead of these (sorted as Odoo merges them) whose company data a
        merge keeps: the first one with a tax ID, else the first one with any
        company data (an empty lead when none has any)."""
        has_vat = self.filtered("vat")
        if has_vat:
            return has_vat[0]
        has_data = self.filtered(lambda lead: any(lead[f] for f in _COMPANY_DATA_FIELDS))
        return has_data[:1]

    def fetch_company_data(self):
        """Fill company name, address, trade register number, VAT-payer status and
        company status from the lead's tax ID. Nothing changes on any error."""
        for lead in self:
            lead.check_access("write")
            Lookup = self.env["crm.company.lookup"]
            data = Lookup._lookup(lead.vat, lead.country_id.code or None)
            vals = Lookup._lead_values(data)
            if not lead.name or lead.name == lead.partner_name:
                vals["name"] = data["name"] or lead.name
            lead.write(vals)
        return True

    @api.model
    def create_from_tax_id(self, vat, country_code=None):
        """Create an Inactive lead from a tax ID (company data fetched first).
        Returns the new lead's id."""
        self.check_access("create")
        data = self.env["crm.company.lookup"]._lookup(vat, country_code)
        return self._create_from_company_data(data).id

    @api.model
    def _create_from_company_data(self, data):
        """The lead ``create_from_tax_id`` creates from the company data of a lookup."""
        vals = self.env["crm.company.lookup"]._lead_values(data)
        vals["name"] = data["name"] or data["vat"]
        return self.create(vals)

    @api.model
    def _create_from_anaf_answer(self, answer, vat):
        """The lead ``create_from_tax_id`` creates for the Romanian tax ID ``vat``,
        from an answer of ANAF recorded earlier (its JSON text) instead of asking
        ANAF: the demo data's lead from a tax ID, which must not need the network.
        Returns the new lead's id."""
        self.check_access("create")
        Lookup = self.env["crm.company.lookup"]
        country, key = Lookup._tax_id_parts(vat)
        if country != "RO":
            raise UserError(self.env._("%(vat)s is not a valid Romanian tax ID (CUI).", vat=vat))
        try:
            decoded = json.loads(answer)
        except (TypeError, ValueError, RecursionError) as exc:
            raise UserError(
                self.env._(
                    "%(service)s sent an answer that cannot be read.", service=self.env._("ANAF")
                )
            ) from exc
        data = Lookup._anaf_company_data(decoded, int(key))
        return self._create_from_company_data(data).id
