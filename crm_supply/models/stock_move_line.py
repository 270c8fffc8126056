from collections import defaultdict

from odoo import api, models
from odoo.tools import float_compare

#: the values of a move line from which Odoo moves a done line's goods again
#: (``stock.move.line.write``: the quantity and its unit, the locations; a
#: quant gives its location)
DONE_GOODS_FIELDS = ("quantity", "product_uom_id", "location_id", "location_dest_id", "quant_id")


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # ------------------------------------------------------------------
    # The reserved-stock policy after validation: a done transfer that is
    # unlocked and edited takes its extra goods from the stock at once, in
    # Odoo's create and write of done move lines (the quants are updated
    # there, not by a validation), so the policy is applied there too, to
    # what the edit takes beyond what was done.
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """A move line created done (on a done move, or on a done picking,
        which Odoo gives a done move) takes its goods from the stock in
        Odoo's create: the policy is applied to what the new done lines take
        out of warehouses, as ``_check_done_reserved_stock`` says, after
        Odoo's create (the lines' move, locations and quantity are Odoo's
        own then), with what they took added back to free to sell."""
        lines = super().create(vals_list)
        taken = lines._done_leaving_quantities()
        if taken:
            warnings = self.env["stock.picking"]._check_done_reserved_stock(taken, taken=True)
            self.env["res.company"]._log_reserved_stock_notes(warnings)
        return lines

    def write(self, vals):
        """Odoo moves the goods of a done move line again when its quantity,
        unit or locations are written (it puts the old quantity back, then
        takes the new one): the policy is applied first to what these done
        lines take out of each warehouse beyond what they took before, per
        picking, warehouse and product (``_check_done_reserved_stock``). A
        decrease, or an edit that takes nothing more out of a warehouse (a
        line moved to another shelf of it), passes as before."""
        if not isinstance(vals, dict) or not any(name in vals for name in DONE_GOODS_FIELDS):
            return super().write(vals)
        done = self.filtered(lambda line: line.move_id.state == "done")
        raised = done._raised_done_quantities(vals) if done else {}
        warnings = {}
        if raised:
            warnings = self.env["stock.picking"]._check_done_reserved_stock(raised)
        res = super().write(vals)
        self.env["res.company"]._log_reserved_stock_notes(warnings)
        return res

    def _raised_done_quantities(self, vals):
        """{(picking, warehouse): {product: quantity in its unit}} that these
        done lines take out of warehouses once ``vals`` is written, beyond
        what they take now (``_done_leaving_quantities``): only increases,
        per picking, warehouse and product."""
        before = self._done_leaving_quantities()
        raised = defaultdict(dict)
        for key, products in self._done_leaving_quantities(vals).items():
            for product, qty in products.items():
                extra = qty - before.get(key, {}).get(product, 0.0)
                if float_compare(extra, 0.0, precision_rounding=product.uom_id.rounding) > 0:
                    raised[key][product] = extra
        return dict(raised)

    def _done_leaving_quantities(self, vals=None):
        """{(picking, warehouse): {product: quantity in its unit}} that these
        move lines, those of them done, take out of warehouses, with
        ``vals`` written when given (as Odoo's write reads them: a record or
        an id; a quant's location). Under the rules of the validation
        (``stock.picking._check_delivery_reserved_stock``): a line of a
        transfer, not of a scrap, of a storable product, with a quantity,
        from a location of a warehouse to a location outside it
        (``stock.picking._leaving_move_lines``)."""
        values = dict(vals or {})
        if values.get("quant_id"):
            # Odoo's write takes the quant's location (and the rest of it)
            values["location_id"] = self._copy_quant_info(values)["location_id"]
        taken = defaultdict(lambda: defaultdict(float))
        for line in self:
            move = line.move_id
            if (
                move.state != "done"
                or move.scrapped
                or not line.picking_id
                or not line.product_id.is_storable
            ):
                continue
            location = line._written_value(values, "location_id", "stock.location")
            destination = line._written_value(values, "location_dest_id", "stock.location")
            uom = line._written_value(values, "product_uom_id", "uom.uom")
            qty = values.get("quantity", line.quantity) or 0.0
            # the quantity Odoo moves (_compute_quantity_product_uom)
            qty = uom._compute_quantity(qty, line.product_id.uom_id, rounding_method="HALF-UP")
            warehouse = location.warehouse_id
            if (
                not warehouse
                or destination.warehouse_id == warehouse
                or float_compare(qty, 0.0, precision_rounding=line.product_id.uom_id.rounding) <= 0
            ):
                continue
            taken[line.picking_id, warehouse][line.product_id] += qty
        return {key: dict(products) for key, products in taken.items()}

    def _written_value(self, values, name, model):
        """The value of the many2one ``name`` of this line once ``values``
        is written: the record or id written, else the line's own."""
        self.ensure_one()
        if name not in values:
            return self[name]
        value = values[name]
        return value if isinstance(value, models.BaseModel) else self.env[model].browse(value)
