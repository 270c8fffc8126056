from odoo import fields, models

# sale.report's own quantity in the product's unit (``product_uom_qty``)
_QTY = "l.product_uom_qty / u.factor * u2.factor"


class SaleReport(models.Model):
    """Products by quantity (the vTiger chart): quantity sold and quantity
    quoted as two measures of Odoo's Sales Analysis, so that one pivot or graph
    sets them side by side per product and period. Everything else (record
    rules, companies, units, the order date as period) is sale.report's."""

    _inherit = "sale.report"

    qty_sold = fields.Float(
        readonly=True,
        help="Quantity of confirmed sale order lines, in the product's unit.",
    )
    qty_quoted = fields.Float(
        readonly=True,
        help="Quantity of quotation lines (draft or sent), in the product's unit.",
    )

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        res["qty_sold"] = (
            f"CASE WHEN l.product_id IS NOT NULL AND s.state = 'sale' THEN SUM({_QTY}) ELSE 0 END"
        )
        res["qty_quoted"] = (
            "CASE WHEN l.product_id IS NOT NULL AND s.state IN ('draft', 'sent') "
            f"THEN SUM({_QTY}) ELSE 0 END"
        )
        return res
