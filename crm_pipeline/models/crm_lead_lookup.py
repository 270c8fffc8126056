from odoo import api, fields, models

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
        Lookup = self.env["crm.company.lookup"]
        data = Lookup._lookup(vat, country_code)
        vals = Lookup._lead_values(data)
        vals["name"] = data["name"] or data["vat"]
        lead = self.create(vals)
        return lead.id
