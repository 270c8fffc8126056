from odoo import api, fields, models
from odoo.tools import float_compare

from .stock_policy import check_reserved_stock


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    qty_free_to_sell = fields.Float(
        string="Free to Sell",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        help="Free to sell in the order's warehouse, in the product's unit, this "
        "order's own reservations not counted against it.",
    )
    qty_reserved_proforma = fields.Float(
        string="Reserved by Proformas",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        help="Held by other proformas in the order's warehouse.",
    )

    @api.depends("product_id", "order_id.warehouse_id")
    def _compute_qty_free_to_sell(self):
        self.qty_free_to_sell = 0.0
        self.qty_reserved_proforma = 0.0
        lines = self.filtered(lambda line: line.product_id.is_storable)
        for (warehouse, order), group in lines.grouped(
            lambda line: (line.order_id.warehouse_id, line.order_id._origin)
        ).items():
            products = group.product_id.with_context(warehouse_id=warehouse.id or False)
            figures = products._free_to_sell_figures(exclude_orders=order)
            for line in group:
                line.qty_reserved_proforma, line.qty_free_to_sell = figures[line.product_id.id]

    @api.onchange("product_id", "product_uom_qty", "product_uom")
    def _onchange_sale_batch(self):
        """Raise the quantity to the product's minimum sale batch, with a warning."""
        wanted = self._batch_quantity(self.product_uom_qty)
        if wanted is None:
            return None
        old = self.product_uom_qty
        self.product_uom_qty = wanted
        return {
            "warning": {
                "title": self.env._("Minimum sale batch"),
                "message": self.env._(
                    "%(product)s is sold by at least %(min)s, in multiples of %(multiple)s: "
                    "%(old)s raised to %(new)s.",
                    product=self.product_id.display_name,
                    min=f"{self.product_id.sale_min_qty:g}",
                    multiple=f"{self.product_id.sale_qty_multiple or 1:g}",
                    old=f"{old:g}",
                    new=f"{wanted:g}",
                ),
            }
        }

    def _batch_quantity(self, qty):
        """The quantity (line unit) raised to the product's batch, or None when it
        already fits (or the product has no batch)."""
        product = self.product_id
        if (
            not product
            or self.display_type
            or not (product.sale_min_qty or product.sale_qty_multiple)
        ):
            return None
        uom = self.product_uom or product.uom_id
        in_product_uom = uom._compute_quantity(qty, product.uom_id, round=False)
        batch = product.product_tmpl_id._sale_batch_qty(in_product_uom)
        if float_compare(batch, in_product_uom, precision_rounding=product.uom_id.rounding) <= 0:
            return None
        return product.uom_id._compute_quantity(batch, uom, round=False)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # over XML-RPC too: the batch applies to every new line
        for line in lines:
            wanted = line._batch_quantity(line.product_uom_qty)
            if wanted is not None and line.order_id.state in ("draft", "sent"):
                line.product_uom_qty = wanted
        return lines

    @api.onchange("product_id", "product_uom_qty", "product_uom")
    def _onchange_reserved_stock_warning(self):
        """Warn on the form when the line takes stock that proformas reserve
        (policies warn and block; block refuses later, at reservation or
        confirmation)."""
        product = self.product_id
        company = self.order_id.company_id or self.env.company
        if not product.is_storable or company.reserved_stock_policy == "allow":
            return None
        qty = self.product_uom._compute_quantity(self.product_uom_qty, product.uom_id)
        if (
            float_compare(qty, self.qty_free_to_sell, precision_rounding=product.uom_id.rounding)
            <= 0
        ):
            return None
        return {
            "warning": {
                "title": self.env._("Stock reserved by proformas"),
                "message": self.env._(
                    "%(product)s: %(qty)s wanted, %(free)s free to sell; %(held)s are "
                    "reserved by other proformas.",
                    product=product.display_name,
                    qty=f"{qty:g}",
                    free=f"{max(self.qty_free_to_sell, 0):g}",
                    held=f"{self.qty_reserved_proforma:g}",
                ),
            }
        }

    def write(self, vals):
        if "product_uom_qty" not in vals:
            return super().write(vals)
        before = {line: line.product_uom_qty for line in self}
        increases = {}
        for line in self:
            if line.order_id.state == "sale" and line.product_id.is_storable:
                delta = vals["product_uom_qty"] - line.product_uom_qty
                if delta > 0:
                    qty = line.product_uom._compute_quantity(delta, line.product_id.uom_id)
                    increases.setdefault(line.order_id, {}).setdefault(line.product_id, 0.0)
                    increases[line.order_id][line.product_id] += qty
        for order, needs in increases.items():
            warning = check_reserved_stock(
                self.env,
                order.company_id,
                order.warehouse_id,
                needs,
                order,
                self.env._("Raising the quantities of %(order)s", order=order.name),
            )
            if warning:
                order.message_post(body=warning, subtype_xmlid="mail.mt_note")
        res = super().write(vals)
        for line in self.filtered(lambda ln: ln.order_id.state in ("draft", "sent")):
            wanted = line._batch_quantity(line.product_uom_qty)
            if wanted is not None:
                super(SaleOrderLine, line).write({"product_uom_qty": wanted})
        # a quantity that drops releases what the reservation held beyond it
        dropped = self.filtered(
            lambda line: line.product_uom_qty < before[line]
            and line.order_id.state in ("draft", "sent")
        )
        for order in dropped.order_id:
            if order.reservation_ids.filtered(lambda r: r.state == "reserved"):
                needs = order._reservation_needs()
                active = order.reservation_ids.filtered(lambda r: r.state == "reserved")
                reserved_lines = set(active.order_line_id)
                order._sync_reservations({ln: q for ln, q in needs.items() if ln in reserved_lines})
        return res
