from odoo import api, fields, models
from odoo.tools import SQL, float_round


class ProductProduct(models.Model):
    _inherit = "product.product"

    qty_reserved_proforma = fields.Float(
        string="Reserved by Proformas",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        help="Held by quotations issued as proformas (Reserve Stock), in the warehouse "
        "or location of the context.",
    )
    qty_free_to_sell = fields.Float(
        string="Free to Sell",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        help="min(Free Quantity, On Hand - Outgoing) - Reserved by Proformas: what is in "
        "stock, not reserved or promised by Odoo's own transfers, nor held by proformas.",
    )

    @api.depends_context("location", "warehouse_id", "allowed_company_ids")
    def _compute_qty_free_to_sell(self):
        storable = self.filtered(lambda p: p.is_storable)
        (self - storable).qty_reserved_proforma = 0.0
        (self - storable).qty_free_to_sell = 0.0
        if not storable:
            return
        figures = storable._free_to_sell_figures()
        for product in storable:
            product.qty_reserved_proforma, product.qty_free_to_sell = figures[product.id]

    def _free_to_sell_figures(self, exclude_orders=None):
        """{product id: (reserved by proformas, free to sell)} in the context's
        warehouse/location, from Odoo's own grouped quantity queries and one grouped
        query on the reservations. ``exclude_orders``: proformas whose reservations
        do not count (an order is never blocked by its own reservation)."""
        quantities = self._compute_quantities_dict(
            self.env.context.get("lot_id"),
            self.env.context.get("owner_id"),
            self.env.context.get("package_id"),
        )
        reserved = self._proforma_reserved(exclude_orders)
        result = {}
        for product in self:
            qty = quantities[product.id]
            rounding = product.uom_id.rounding
            held = reserved.get(product.id, 0.0)
            free = min(qty["free_qty"], qty["qty_available"] - qty["outgoing_qty"]) - held
            result[product.id] = (
                float_round(held, precision_rounding=rounding),
                float_round(free, precision_rounding=rounding),
            )
        return result

    def _proforma_reserved(self, exclude_orders=None):
        """{product id: quantity reserved by proformas} in the context's locations."""
        domain_quant_loc = self._get_domain_locations()[0]
        domain = [
            ("product_id", "in", self.ids),
            ("state", "=", "reserved"),
            *domain_quant_loc,
        ]
        if exclude_orders:
            domain.append(("order_id", "not in", exclude_orders.ids))
        # sudo: quantities only, summed per product; whose reservations they are
        # is not returned (a salesperson sees what is free, not others' orders)
        groups = (
            self.env["sale.stock.reservation"]
            .sudo()
            ._read_group(domain, ["product_id"], ["quantity:sum"])
        )
        return {product.id: qty for product, qty in groups}

    def _lock_for_stock_check(self):
        """Lock these products' rows in id order (never a deadlock between two
        paths), and touch them so that a concurrent transaction that read the
        stock before this one commits gets a serialization failure on its own
        lock, and is retried by Odoo with fresh figures, instead of selling the
        same units."""
        ids = sorted(set(self.ids))
        if not ids:
            return
        self.env.cr.execute(
            SQL("SELECT id FROM product_product WHERE id = ANY(%s) ORDER BY id FOR UPDATE", ids)
        )
        self.env.cr.execute(
            SQL("UPDATE product_product SET write_date = write_date WHERE id = ANY(%s)", ids)
        )

    @api.depends_context("crm_supply_stock_label", "warehouse_id", "location")
    def _compute_display_name(self):
        super()._compute_display_name()
        if not self.env.context.get("crm_supply_stock_label"):
            return
        storable = self.filtered(lambda p: p.is_storable and p.id)
        if not storable:
            return
        figures = storable._free_to_sell_figures()
        for product in storable:
            held, free = figures[product.id]
            product.display_name = self.env._(
                "%(name)s (free to sell: %(free)s, reserved: %(held)s)",
                name=product.display_name,
                free=format(free, "g"),
                held=format(held, "g"),
            )
