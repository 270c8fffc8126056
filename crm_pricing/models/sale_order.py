from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _pricing_kwargs(self):
        self.ensure_one()
        return {
            "partner": self.partner_id,
            "payment_term": self.payment_term_id,
            "company": self.company_id,
        }

    def action_update_prices(self):
        # Odoo's method returns None, which XML-RPC cannot send: True for its callers
        res = super().action_update_prices()
        return True if res is None else res

    def _recompute_prices(self):
        lines = self._get_update_prices_lines()
        lines.invalidate_recordset(["pricing_details"])
        res = super()._recompute_prices()
        lines.with_context(force_price_recomputation=True)._pricing_write_explanations()
        return res

    def _get_product_catalog_order_data(self, products, **kwargs):
        # the catalog shows the client's price, conditional rules included
        return super()._get_product_catalog_order_data(products, **kwargs, **self._pricing_kwargs())
