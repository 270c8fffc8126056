import math
from collections import defaultdict
from contextlib import nullcontext

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from odoo.addons.crm_suite_base.models.policy import (
    INTEGER_MAX,
    check_number,
    field_label,
    model_label,
)

#: the fields that make what a line takes from stock
NEED_FIELDS = ("product_id", "product_uom", "product_uom_qty")


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    qty_free_to_sell = fields.Float(
        string="Free to Sell",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        help="Free to sell in the order's warehouse, in the product's unit, this "
        "order's own reservations not counted against it.",
        groups="base.group_user",
    )
    qty_reserved_proforma = fields.Float(
        string="Reserved by Proformas",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        help="Held by other proformas in the order's warehouse.",
        groups="base.group_user",
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
                "message": self._sale_batch_warning(old, wanted),
            }
        }

    def _sale_batch_warning(self, old, new):
        """The text of the warning of a line raised from ``old`` to ``new`` (in
        the line's unit) to its product's batch (in the product's unit): each
        quantity with the name of its unit (a line of 1 Dozen of a product
        sold by at least 18 Units is raised to 1.50 Dozens), and only the
        rules the product has (a minimum, a multiple or both)."""
        product = self.product_id
        quantity = self.env["product.product"]._quantity_formatter()
        names = {
            "product": product.display_name,
            "unit": product.uom_id.name,
            "old": quantity(old),
            "new": quantity(new),
            "line_unit": (self.product_uom or product.uom_id).name,
        }
        minimum = quantity(product.sale_min_qty)
        multiple = quantity(product.sale_qty_multiple)
        if product.sale_min_qty and product.sale_qty_multiple:
            return self.env._(
                "%(product)s is sold by at least %(min)s %(unit)s, in multiples of "
                "%(multiple)s %(unit)s: %(old)s %(line_unit)s raised to %(new)s %(line_unit)s.",
                min=minimum,
                multiple=multiple,
                **names,
            )
        if product.sale_min_qty:
            return self.env._(
                "%(product)s is sold by at least %(min)s %(unit)s: %(old)s %(line_unit)s "
                "raised to %(new)s %(line_unit)s.",
                min=minimum,
                **names,
            )
        return self.env._(
            "%(product)s is sold in multiples of %(multiple)s %(unit)s: %(old)s "
            "%(line_unit)s raised to %(new)s %(line_unit)s.",
            multiple=multiple,
            **names,
        )

    def _batch_quantity(self, qty):
        """The quantity (line unit) raised to the product's batch, or None when it
        already fits (or the product has no batch)."""
        product = self.product_id
        if (
            not product
            or self.display_type
            or not (product.sale_min_qty or product.sale_qty_multiple)
            or not isinstance(qty, int | float)
            or not math.isfinite(qty)
        ):
            return None
        uom = self.product_uom or product.uom_id
        in_product_uom = uom._compute_quantity(qty, product.uom_id, round=False)
        batch = product.product_tmpl_id._sale_batch_qty(in_product_uom)
        if float_compare(batch, in_product_uom, precision_rounding=product.uom_id.rounding) <= 0:
            return None
        return product.uom_id._compute_quantity(batch, uom, round=False)

    @api.onchange("product_id", "product_uom_qty", "product_uom")
    def _onchange_reserved_stock_warning(self):
        """Warn on the form when the line takes stock that proformas reserve
        (policies warn and block; block refuses later, at reservation or
        confirmation). A saved line of a confirmed order takes only what it
        asks more than it did (free to sell counts its delivery as outgoing
        already), as the server checks it (``_needs_after``)."""
        product = self.product_id
        company = self.order_id.company_id or self.env.company
        if (
            not product.is_storable
            or company._reserved_stock_policy_for(self.order_id.warehouse_id) == "allow"
            or not math.isfinite(self.product_uom_qty)
        ):
            return None
        saved = self._origin
        more = bool(saved) and saved.order_id.state == "sale"
        if more:
            changes = {
                "product_id": product,
                "product_uom": self.product_uom,
                "product_uom_qty": self.product_uom_qty,
            }
            qty = saved._needs_after(changes).get(saved.order_id, {}).get(product, 0.0)
        else:
            qty = self.product_uom._compute_quantity(self.product_uom_qty, product.uom_id)
        rounding = product.uom_id.rounding
        if (
            float_compare(qty, 0.0, precision_rounding=rounding) <= 0
            or float_compare(qty, self.qty_free_to_sell, precision_rounding=rounding) <= 0
            # no proforma holds it: an ordinary backorder, as the policy sees it
            or float_compare(self.qty_reserved_proforma, 0.0, precision_rounding=rounding) <= 0
        ):
            return None
        quantity = self.env["product.product"]._quantity_formatter()
        values = {
            "product": product.display_name,
            "qty": quantity(qty),
            "free": quantity(max(self.qty_free_to_sell, 0)),
            "held": quantity(self.qty_reserved_proforma),
        }
        if more:
            message = self.env._(
                "%(product)s: %(qty)s more wanted, %(free)s free to sell; %(held)s are "
                "reserved by other proformas.",
                **values,
            )
        else:
            message = self.env._(
                "%(product)s: %(qty)s wanted, %(free)s free to sell; %(held)s are "
                "reserved by other proformas.",
                **values,
            )
        return {"warning": {"title": self.env._("Stock reserved by proformas"), "message": message}}

    # ------------------------------------------------------------------
    # What a line takes from stock
    # ------------------------------------------------------------------

    def _stock_need(self, product=None, uom=None, qty=None):
        """What this line takes (or would take with ``product``, ``uom``,
        ``qty``), in the product's unit: 0 for a section, a note, a product
        that is not storable or a quantity that is not positive."""
        self.ensure_one()
        product = self.product_id if product is None else product
        uom = (uom if uom is not None else self.product_uom) or product.uom_id
        qty = self.product_uom_qty if qty is None else qty
        if self.display_type or not product.is_storable or not qty or qty <= 0:
            return 0.0
        return uom._compute_quantity(qty, product.uom_id, rounding_method="HALF-UP")

    @api.model
    def _check_need_values(self, vals):
        """The values of ``NEED_FIELDS`` as a number and existing records, or a
        UserError (before anything reads them)."""
        self._check_need_values_list([vals])

    @api.model
    def _check_need_values_list(self, vals_list):
        """``_check_need_values`` of each of ``vals_list``, the ids of each
        field checked in one query: a batch of lines (Odoo's order form, an
        import, ``sale.order.create`` of several orders) costs one existence
        query per field, not one per line."""
        ids = defaultdict(set)
        for vals in vals_list:
            self._check_need_values_mapping(vals)
            for name in ("product_uom_qty", "product_packaging_qty"):
                qty = vals.get(name)
                if qty is not None and qty is not False:
                    check_number(self.env, qty, field_label(self.env, self._fields[name]))
            for name in ("product_id", "product_uom", "product_packaging_id"):
                value = vals.get(name)
                if value is None or value is False or hasattr(value, "_name"):
                    continue
                if isinstance(value, bool) or not isinstance(value, int):
                    self._raise_bad_need_value(name, value)
                if not 0 < value <= INTEGER_MAX:
                    self._raise_bad_need_value(name, value)
                ids[name].add(value)
        for name, values in ids.items():
            comodel = self.env[self._fields[name].comodel_name]
            missing = values - set(comodel.browse(values).exists().ids)
            if missing:
                self._raise_bad_need_value(name, min(missing))

    @api.model
    def _check_need_values_mapping(self, vals):
        if not isinstance(vals, dict):
            raise UserError(
                self.env._("The values to write must be a mapping of field names to values.")
            )

    @api.model
    def _raise_bad_need_value(self, name, value):
        comodel = self.env[self._fields[name].comodel_name]
        raise UserError(
            self.env._(
                "%(field)s of an order line must be the id of an existing "
                "%(model)s, not %(value)r.",
                field=field_label(self.env, self._fields[name]),
                model=model_label(self.env, comodel._name),
                value=value,
            )
        )

    def _needs_after(self, vals):
        """{order: {product: quantity in its unit}} that ``vals`` would add to
        these lines of confirmed orders: per line, what it would take minus what
        its moves already procure of the same product (``_procured_need``),
        when positive; never netted against another line. That is the gap
        ``sale_stock`` procures at the next write of the quantity, whatever the
        line's saved quantity says (an order written to *sale* without
        ``action_confirm`` has no delivery yet; a quantity Odoo recomputed from
        the packaging quantity was never procured). A new product takes all of
        the line's quantity, in the unit Odoo would give the line."""
        increases = defaultdict(lambda: defaultdict(float))
        Product, Uom = self.env["product.product"], self.env["uom.uom"]
        for line in self:
            if line.order_id.state != "sale":
                continue
            product = vals["product_id"] if "product_id" in vals else line.product_id
            if not hasattr(product, "_name"):
                product = Product.browse(product or [])
            if "product_uom" in vals:
                uom = vals["product_uom"]
                uom = uom if hasattr(uom, "_name") else Uom.browse(uom or [])
            elif product != line.product_id and line.product_uom != product.uom_id:
                uom = product.uom_id  # Odoo's compute of the unit on a product change
            else:
                uom = line.product_uom
            qty = line._quantity_after(vals, uom or product.uom_id)
            after = line._stock_need(product, uom, qty or 0.0)
            before = line._procured_need() if product == line.product_id else 0.0
            if after > before:
                increases[line.order_id][product] += after - before
        return increases

    def _quantity_after(self, vals, uom):
        """The line's quantity (in ``uom``, its unit after the write) once
        ``vals`` is written: the written quantity, else the one Odoo computes
        from a written packaging quantity (``_compute_product_uom_qty``: the
        packaging's content times the number of packagings), else the line's."""
        self.ensure_one()
        if "product_uom_qty" in vals:
            return vals["product_uom_qty"]
        if "product_packaging_qty" in vals and not self.display_type:
            packaging = (
                vals["product_packaging_id"]
                if "product_packaging_id" in vals
                else self.product_packaging_id
            )
            if not hasattr(packaging, "_name"):
                packaging = self.env["product.packaging"].browse(packaging or [])
            if packaging:
                return packaging.product_uom_id._compute_quantity(
                    packaging.qty * (vals["product_packaging_qty"] or 0.0), uom
                )
        return self.product_uom_qty

    def _procured_need(self):
        """What this confirmed line's moves already procure, in the product's
        unit: ``sale_stock``'s ``_get_qty_procurement`` (its outgoing moves
        not cancelled, less its returns to refund), which the procurement of
        the next write of the quantity is measured against."""
        self.ensure_one()
        if self.display_type or not self.product_id.is_storable:
            return 0.0
        procured = self._get_qty_procurement()
        if procured <= 0:
            return 0.0
        return self.product_uom._compute_quantity(
            procured, self.product_id.uom_id, rounding_method="HALF-UP"
        )

    def _check_raised_needs(self, increases, label):
        """The policy on ``increases`` ({order: {product: quantity}}, what
        confirmed orders would take more), the orders of one call checked
        together per company and warehouse (``label(orders)`` names the action);
        under "warn", the warning is noted on each of them."""
        warnings = self.env["res.company"]._check_reserved_stock_together(
            [
                (order, order.company_id, order.warehouse_id, needs, order, None)
                for order, needs in increases.items()
            ],
            label,
        )
        self.env["res.company"]._log_reserved_stock_notes(warnings)

    def _new_line_needs(self, vals_list):
        """{order: {product: quantity in its unit}} that the lines of
        ``vals_list`` would take from confirmed orders (a line added to a
        confirmed order takes its goods at once)."""
        increases = defaultdict(lambda: defaultdict(float))
        Order = self.env["sale.order"]
        for vals in vals_list:
            order_id = vals.get("order_id")
            if (
                isinstance(order_id, bool)
                or not isinstance(order_id, int)
                or not vals.get("product_id")
                or vals.get("display_type")
                or Order.browse(order_id).state != "sale"
            ):
                continue
            order = Order.browse(order_id)
            product = self.env["product.product"].browse(vals["product_id"])
            uom = self.env["uom.uom"].browse(vals.get("product_uom") or []) or product.uom_id
            qty = vals.get("product_uom_qty", 1.0) or 0.0
            if product.is_storable and qty > 0:
                need = uom._compute_quantity(qty, product.uom_id, rounding_method="HALF-UP")
                increases[order][product] += need
        return increases

    def _check_stock_need_change(self, vals):
        """Before a write of ``NEED_FIELDS``: the values, then the policy on what
        the lines of confirmed orders would take more (before Odoo's procurement
        takes the goods)."""
        self._check_need_values(vals)
        self._check_raised_needs(
            self._needs_after(vals),
            lambda orders: self.env._(
                "Raising the quantities of %(order)s", order=", ".join(orders.mapped("name"))
            ),
        )

    def _sale_batch_quantities(self):
        """{line: quantity raised to its product's minimum sale batch} for these
        lines of quotations that fall short of it (the form raises them with a
        warning; a create or write raises them too, over XML-RPC as well)."""
        result = {}
        for line in self.filtered(lambda ln: ln.order_id.state in ("draft", "sent")):
            wanted = line._batch_quantity(line.product_uom_qty)
            if wanted is not None:
                result[line] = wanted
        return result

    def _with_need_defaults(self, vals_list):
        """``vals_list`` with the defaults of the fields the policy reads (the
        order, product, unit, quantity and line type), so that a line whose order
        or product comes from the context (``default_order_id``, as the order
        form's lines and any XML-RPC caller may send) is checked as one given in
        its values."""
        keys = ("order_id", "display_type", *NEED_FIELDS)
        missing = [key for key in keys if any(key not in vals for vals in vals_list)]
        defaults = self.default_get(missing) if missing else {}
        return [{**defaults, **vals} for vals in vals_list]

    @api.model_create_multi
    def create(self, vals_list):
        # mappings first (the defaults are merged into them), then every value,
        # the given and the defaulted ones, in one pass
        for vals in vals_list:
            self._check_need_values_mapping(vals)
        checked = self._with_need_defaults(vals_list)
        self._check_need_values_list(checked)
        self._check_raised_needs(
            self._new_line_needs(checked),
            lambda orders: self.env._(
                "Adding lines to %(order)s", order=", ".join(orders.mapped("name"))
            ),
        )
        lines = super().create(vals_list)
        for line, qty in lines._sale_batch_quantities().items():
            super(SaleOrderLine, line).write({"product_uom_qty": qty})
        return lines

    def write(self, vals):
        if not isinstance(vals, dict):
            return super().write(vals)
        if "order_id" in vals:
            self._check_reserved_lines_stay(vals["order_id"])
        need_fields = any(name in vals for name in NEED_FIELDS)
        if need_fields or "product_packaging_qty" in vals:
            # a packaging quantity makes Odoo recompute the quantity
            # (_compute_product_uom_qty): checked as a quantity written
            self._check_stock_need_change(vals)
        # a reserved quotation's reservations follow what its lines take, compared
        # before and after the write whichever field changed it (Odoo recomputes
        # the quantity from the packaging quantity, for one): under a savepoint,
        # so that a refusal of the policy leaves the lines unchanged
        held = self._held_needs()
        if not need_fields and not held:
            return super().write(vals)
        with self.env.cr.savepoint() if held else nullcontext():
            res = super().write(vals)
            if need_fields:
                for line, qty in self._sale_batch_quantities().items():
                    super(SaleOrderLine, line).write({"product_uom_qty": qty})
            changed = self.browse(
                [line.id for line, need in held.items() if line._held_need() != need]
            )
            for order in changed.order_id:
                order._realign_reservations()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_release_reservations(self):
        """A deleted line gives its stock back as Release Stock does: its active
        reservation is released (it stays as history, its line then empty:
        ``order_line_id`` is set null), and the expiry to-do of a quotation
        that no longer holds anything goes (one still holding other lines'
        reservations keeps it: it warns about them)."""
        # sudo: the reservations follow their line, which the user may delete
        # (unlink() checked it before this runs), as they follow a quotation
        # whoever Odoo lets cancel it (sale.order._release_reservations)
        Reservation = self.env["sale.stock.reservation"].sudo()
        active = Reservation.search([("order_line_id", "in", self.ids), ("state", "=", "reserved")])
        if not active:
            return
        orders = active.order_id
        active._set_state("released")
        still = Reservation.search([("order_id", "in", orders.ids), ("state", "=", "reserved")])
        (orders - still.order_id)._crm_drop_expiry_warning()

    def _check_reserved_lines_stay(self, order):
        """Refuse to move to another order (``order``: the written ``order_id``)
        the lines that hold an active reservation: the reservation names its
        quotation and its line, and would stay on the first quotation."""
        order_id = order.id if hasattr(order, "_name") else order
        moving = self.filtered(lambda line: line.order_id.id != order_id)
        if not moving:
            return
        self.env["sale.stock.reservation"]._refuse_while_held(
            [("order_line_id", "in", moving.ids)],
            lambda **names: self.env._(
                "A line holding reserved stock cannot be moved to another order "
                "(%(products)s on %(orders)s): Release Stock first.",
                **names,
            ),
        )

    def _held_needs(self):
        """{line: (product, quantity it takes)} of these lines that hold an
        active reservation on a quotation."""
        quotations = self.order_id.filtered(lambda order: order.state in ("draft", "sent"))
        reserved = quotations.reservation_ids.filtered(
            lambda r: r.state == "reserved" and r.order_line_id in self
        )
        return {line: line._held_need() for line in reserved.order_line_id}

    def _held_need(self):
        return self.product_id, self._stock_need()
