from odoo import fields, models


class CrmLeadResponsibilityContact(models.Model):
    """One contact made while working on a responsibility."""

    _name = "crm.lead.responsibility.contact"
    _description = "Responsibility Contact Entry"
    _order = "date desc, id desc"

    responsibility_id = fields.Many2one(
        "crm.lead.responsibility", required=True, ondelete="cascade", index=True
    )
    lead_id = fields.Many2one(related="responsibility_id.lead_id", store=True, index=True)
    company_id = fields.Many2one(related="responsibility_id.company_id")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "E-mail"),
            ("meeting", "Meeting"),
            ("video", "Video call"),
            ("other", "Other"),
        ],
        required=True,
        default="phone",
    )
    partner_id = fields.Many2one("res.partner", string="Person Contacted")
    user_id = fields.Many2one("res.users", string="By", default=lambda self: self.env.user)
    notes = fields.Text()
