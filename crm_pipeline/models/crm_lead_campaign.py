from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # A campaign is its company's (sale gives it one, the suite's record rule
    # keeps it from the other companies): a lead links a campaign of its
    # company or a shared one, as Odoo's company check makes it (a UserError,
    # also for a plain create or write).
    campaign_id = fields.Many2one(check_company=True)

    def _compute_company_id(self):
        """Odoo's, then: a lead Odoo leaves without company (no salesperson and
        a sales team without company, as the website's forms and the mail
        gateway create them) takes its campaign's company, as it takes its
        customer's, when that company is one of the current ones: its campaign
        (the visitor's, the mailing's) stays linked to it."""
        res = super()._compute_company_id()
        for lead in self:
            if lead.company_id or not lead.campaign_id:
                continue
            # sudo: only the campaign's company is read, to file the lead in it
            # when it is one of the current ones (any for the superuser)
            company = lead.campaign_id.sudo().company_id
            if company and (self.env.su or company in self.env.companies):
                lead.company_id = company
        return res
