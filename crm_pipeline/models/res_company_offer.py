from odoo import fields, models

from odoo.addons.crm_suite_base.models.policy import NUMBER_MAX, writable

#: the offer approval settings: an amount (0: none) and a percentage (0: none)
OFFER_APPROVAL_AMOUNT_BOUNDS = (0, NUMBER_MAX)
OFFER_APPROVAL_DISCOUNT_BOUNDS = (0, 100)


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited
    # access rights give the companies to administrators only
    _crm_write_policy = {
        "offer_approval_amount": writable(bounds=OFFER_APPROVAL_AMOUNT_BOUNDS),
        "offer_approval_discount": writable(bounds=OFFER_APPROVAL_DISCOUNT_BOUNDS),
    }

    offer_approval_amount = fields.Monetary(
        string="Offer Approval Above",
        currency_field="currency_id",
        help="A quotation whose untaxed amount (in the company currency) is above this "
        "amount needs a sales manager's approval before it is sent, printed, reserved "
        "or confirmed. 0: no limit.",
        groups="base.group_user",
    )
    offer_approval_discount = fields.Float(
        string="Offer Approval Above Discount (%)",
        digits=(16, 2),
        help="A quotation with a line priced more than this percentage below the "
        "client's price (the price of the client's pricelist rule, else the list "
        "price) needs a sales manager's approval. 0: no limit.",
        groups="base.group_user",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    offer_approval_amount = fields.Monetary(
        related="company_id.offer_approval_amount",
        currency_field="currency_id",
        readonly=False,
    )
    offer_approval_discount = fields.Float(
        related="company_id.offer_approval_discount", readonly=False
    )
