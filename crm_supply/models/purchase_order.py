from odoo import api, fields, models
from odoo.tools import LazyTranslate

from odoo.addons.crm_suite_base.models.policy import check_one, owned

_lt = LazyTranslate(__name__)


class PurchaseOrder(models.Model):
    _name = "purchase.order"
    _inherit = ["purchase.order", "crm.write.policy.mixin"]
    _crm_write_policy = {
        "crm_sale_order_ids": owned(
            _lt(
                "use Create Supplier Orders on the customer documents "
                "(sale.order.action_create_supplier_orders)."
            )
        ),
    }

    crm_sale_order_ids = fields.Many2many(
        "sale.order",
        "crm_supply_sale_purchase_rel",
        "purchase_order_id",
        "sale_order_id",
        string="Customer Documents",
        copy=False,
        help="The quotations, proformas and orders this supplier order was generated for.",
        groups="base.group_user",
    )
    crm_sale_order_count = fields.Integer(
        compute="_compute_crm_sale_order_count",
        groups="base.group_user",
    )
    # the warehouse the order receives into: the scope of the Free to Sell
    # figures of its lines and of their products' labels (the form passes it
    # to the lines' product field)
    crm_supply_warehouse_id = fields.Many2one(
        "stock.warehouse", related="picking_type_id.warehouse_id", string="Receipt Warehouse"
    )

    @api.depends("crm_sale_order_ids")
    def _compute_crm_sale_order_count(self):
        for order in self:
            order.crm_sale_order_count = len(order.crm_sale_order_ids)

    def _add_source_documents(self, names):
        """Add ``names`` (of the customer documents this order gets lines for)
        to its Source Document as Odoo's buy rule does (purchase_stock's
        ``_run_buy``): the names, comma-separated, each once, after those it
        already has. A plain write of Odoo's field, as a purchase user makes it
        (no suite rule: not ``privileged``)."""
        self.ensure_one()
        present = set(self.origin.split(", ")) if self.origin else set()
        missing = [name for name in dict.fromkeys(names) if name and name not in present]
        if missing:
            self.write({"origin": ", ".join(filter(None, [self.origin, *missing]))})

    def action_view_crm_sale_orders(self):
        check_one(self)
        return self.crm_sale_order_ids._get_records_action(name=self.env._("Customer Documents"))


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    qty_free_to_sell = fields.Float(
        string="Free to Sell",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        groups="base.group_user",
    )
    qty_reserved_proforma = fields.Float(
        string="Reserved by Proformas",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        groups="base.group_user",
    )

    @api.depends("product_id", "order_id.picking_type_id")
    def _compute_qty_free_to_sell(self):
        self.qty_free_to_sell = 0.0
        self.qty_reserved_proforma = 0.0
        lines = self.filtered(lambda line: line.product_id.is_storable)
        for warehouse, group in lines.grouped(
            lambda line: line.order_id.picking_type_id.warehouse_id
        ).items():
            figures = group.product_id.with_context(
                warehouse_id=warehouse.id or False
            )._free_to_sell_figures()
            for line in group:
                line.qty_reserved_proforma, line.qty_free_to_sell = figures[line.product_id.id]
