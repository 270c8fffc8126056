from odoo import fields, models

from odoo.addons.crm_suite_base.models.policy import writable


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "crm.write.policy.mixin"]
    # a setting (Sales settings): administrators only
    _crm_write_policy = {
        "crm_pricing_explanation_on_offers": writable(groups=("base.group_system",)),
    }

    crm_pricing_explanation_on_offers = fields.Boolean(
        string="Price Explanations on Customer Offers",
        help="Print on the quotations and orders customers get (PDF, portal, e-mail) "
        "which pricing rule set each line's price and why. Off: the explanations stay "
        "internal (the salesperson's copy only).",
        groups="base.group_user",
    )
