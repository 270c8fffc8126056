from odoo import api, models

from .product_pricelist import PRICING_KWARGS


class ProductTemplate(models.Model):
    _inherit = "product.template"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_pricing_rules(self):
        """A product's pricing rules are deleted with it (``ondelete="cascade"``,
        its variants' too), which skips the rules' own deletion checks: Odoo
        lets product and inventory managers delete products, a client's
        negotiated rules on them are deleted by sales managers only
        (``product.pricelist.item._check_unlink_rules_of``)."""
        Item = self.env["product.pricelist.item"]
        Item._check_unlink_rules_of("product_tmpl_id", self)
        # sudo: the archived variants too, which the database deletes with them
        variants = self.sudo().with_context(active_test=False).product_variant_ids
        Item._check_unlink_rules_of("product_id", variants.with_env(self.env))

    @api.model
    def _get_configurator_price(
        self, product_or_template, quantity, date, currency, pricelist, **kwargs
    ):
        """The product and combo configurators show the client's price: the
        order's customer (and payment term) come with the request, as the line
        the configurator creates is priced with them.

        The client is read as the user: a salesperson only gets the prices of a
        client they may read, as on a quotation of theirs.

        Odoo's configurator routes pass the request's unknown parameters down to
        here (``**kwargs``): the pricing engine's own arguments are dropped from
        them, so that only ``crm_partner_id`` and ``crm_payment_term_id``, checked
        below, select a client's conditions (and the company is the request's)."""
        for key in PRICING_KWARGS:
            kwargs.pop(key, None)
        partner_id = kwargs.pop("crm_partner_id", None)
        term_id = kwargs.pop("crm_payment_term_id", None)
        if isinstance(partner_id, int) and not isinstance(partner_id, bool) and partner_id > 0:
            partner = self.env["res.partner"].browse(partner_id).exists()
            if partner:
                partner.check_access("read")
                kwargs["partner"] = partner
                if isinstance(term_id, int) and not isinstance(term_id, bool) and term_id > 0:
                    term = self.env["account.payment.term"].browse(term_id).exists()
                    if term:
                        kwargs["payment_term"] = term
        return super()._get_configurator_price(
            product_or_template, quantity, date, currency, pricelist, **kwargs
        )
