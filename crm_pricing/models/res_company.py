from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_pricing_explanation_on_offers = fields.Boolean(
        string="Price Explanations on Customer Offers",
        help="Print on the quotations and orders customers get (PDF, portal, e-mail) "
        "which pricing rule set each line's price and why. Off: the explanations stay "
        "internal (the salesperson's copy only).",
    )
