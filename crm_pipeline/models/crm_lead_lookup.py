import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.crm_suite_base.models.policy import FREE

from .res_partner_intake import COMPANY_STATUSES


class CrmLead(models.Model):
    # Lead intake (company lookup by tax ID) kept apart from the other crm.lead extensions on
    # purpose (one concern per file), hence the pylint exception.
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited
    _crm_write_policy = {"company_registry": FREE, "vat_payer": FREE, "company_status": FREE}

    company_registry = fields.Char(string="Trade Register No.")
    vat_payer = fields.Boolean(string="VAT Payer")
    company_status = fields.Selection(COMPANY_STATUSES)

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
