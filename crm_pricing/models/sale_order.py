from odoo import api, models

from odoo.addons.crm_suite_base.models.policy import check_one

from .product_pricelist import PRICING_KWARGS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _pricing_kwargs(self):
        self.ensure_one()
        return {
            "partner": self.partner_id,
            "payment_term": self.payment_term_id,
            "company": self.company_id,
        }

    @api.onchange("partner_id", "payment_term_id", "date_order")
    def _onchange_pricing_conditions_show_update_prices(self):
        """With conditional rules, a line's price depends on the client, the
        payment term and the date, not only on the pricelist: when one of them
        changes on a quotation with lines, offer Update Prices, as Odoo does
        when the pricelist changes (the lines keep their prices until then)."""
        if self.order_line and self.state in ("draft", "sent") and self.pricelist_id:
            # sudo: whether the pricelist has conditional rules at all (a
            # boolean), not which; the user reads the order's pricelist
            has_conditions = (
                self.env["product.pricelist.item"]
                .sudo()
                .search_count(
                    [("pricelist_id", "=", self.pricelist_id.id), ("is_conditional", "=", True)],
                    limit=1,
                )
            )
            if has_conditions:
                self.show_update_pricelist = True

    def copy(self, default=None):
        """A copy (Odoo's Duplicate, a revision) keeps its lines' prices: it
        keeps their explanations too (``_pricing_copy_explanations``)."""
        copies = super().copy(default)
        if default and "order_line" in default:
            return copies
        for order, copy in zip(self, copies, strict=True):
            originals = order._get_copiable_order_lines()
            # the copied lines were created in their originals' order; lines
            # another addon added or removed on the copy leave the copy as it is
            lines = copy.order_line.sorted("id")
            if len(lines) == len(originals):
                originals._pricing_copy_explanations(lines)
        return copies

    def action_update_prices(self):
        # one quotation, or a clean refusal (Odoo's ensure_one answers a
        # traceback); Odoo's method returns None, which XML-RPC cannot send:
        # True for its callers
        check_one(self)
        res = super().action_update_prices()
        return True if res is None else res

    def _recompute_prices(self):
        lines = self._get_update_prices_lines()
        lines.invalidate_recordset(["pricing_details"])
        res = super()._recompute_prices()
        lines.with_context(force_price_recomputation=True)._pricing_write_explanations()
        return res

    def _get_product_catalog_order_data(self, products, **kwargs):
        # the catalog shows the client's price, conditional rules included.
        # Odoo's catalog route (/product/catalog/order_lines_info) passes the
        # request's other parameters down (**kwargs): the pricing engine's own
        # arguments are dropped from them, as the configurator's are
        # (product.template._get_configurator_price); the order's are given
        for key in PRICING_KWARGS:
            kwargs.pop(key, None)
        return super()._get_product_catalog_order_data(products, **kwargs, **self._pricing_kwargs())

    def _update_order_line_info(self, product_id, quantity, **kwargs):
        # the price the catalog shows for a product taken off the quotation
        # (Odoo's /product/catalog/update_order_line_info) is the client's too;
        # the request's other parameters (**kwargs) do not choose the pricing
        # engine's arguments
        for key in PRICING_KWARGS:
            kwargs.pop(key, None)
        return super()._update_order_line_info(
            product_id, quantity, **kwargs, **self._pricing_kwargs()
        )
