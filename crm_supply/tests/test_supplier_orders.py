from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SupplyCase


class _Record(dict):
    """``parent`` in a view's context expression: its fields as attributes."""

    __getattr__ = dict.__getitem__


@tagged("post_install", "-at_install")
class TestSupplierOrderWarehouse(SupplyCase):
    """Supplier orders receive into the customer document's warehouse, count
    what the document's supplier orders order beyond their drafts, and the
    labels of purchase and invoice lines show the figures of their column."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse_2 = cls.env["stock.warehouse"].create(
            {"name": "Supply Second Warehouse", "code": "SSW2"}
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Supply Warehouse Vendor"})
        cls.part = cls.env["product.product"].create(
            {
                "name": "Supply Warehouse Part",
                "is_storable": True,
                "seller_ids": [Command.create({"partner_id": cls.vendor.id, "price": 2.0})],
            }
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.part, cls.stock, 10.0)
        Quant._update_available_quantity(cls.part, cls.warehouse_2.lot_stock_id, 2.0)
        cls.buyer = new_test_user(
            cls.env,
            login="supply_warehouse_buyer",
            groups="sales_team.group_sale_salesman,purchase.group_purchase_user",
        )

    def _doc(self, qty, warehouse):
        order = self._order(qty, product=self.part, user=self.buyer, warehouse_id=warehouse.id)
        return order.with_user(self.buyer)

    def _receive(self, purchase):
        picking = purchase.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking.move_ids.quantity = picking.move_ids.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()

    # ------------------------------------------------------------------
    # 1. the document's warehouse
    # ------------------------------------------------------------------

    def test_supplier_order_receives_in_the_documents_warehouse(self):
        """Stock WH1 10 / WH2 2: an order of 5 in WH2 orders 3 received in WH2
        (it was received in WH1); then an order of 15 in WH1 orders its 5 on
        a supplier order of its own, receiving in WH1 (they were added to the
        line of the WH2 need)."""
        in_wh2 = self._doc(5, self.warehouse_2)
        in_wh2.action_create_supplier_orders()
        po_wh2 = in_wh2.crm_purchase_order_ids
        self.assertEqual(po_wh2.order_line.product_qty, 3.0)
        self.assertEqual(po_wh2.picking_type_id, self.warehouse_2.in_type_id)
        self.assertEqual(
            po_wh2.sudo()._get_destination_location(), self.warehouse_2.lot_stock_id.id
        )
        in_wh1 = self._doc(15, self.warehouse)
        in_wh1.action_create_supplier_orders()
        po_wh1 = in_wh1.crm_purchase_order_ids
        self.assertNotEqual(po_wh1, po_wh2, "a draft receiving elsewhere is not reused")
        self.assertEqual(po_wh1.picking_type_id, self.warehouse.in_type_id)
        self.assertEqual(po_wh1.order_line.product_qty, 5.0)
        self.assertEqual(po_wh2.order_line.product_qty, 3.0)
        # a third document in WH2 (short of 2) reuses the WH2 draft
        again_wh2 = self._doc(4, self.warehouse_2)
        again_wh2.action_create_supplier_orders()
        self.assertEqual(again_wh2.crm_purchase_order_ids, po_wh2)
        self.assertEqual(po_wh2.order_line.product_qty, 5.0)
        # the confirmed WH2 order's receipt goes to WH2's stock
        po_wh2.sudo().button_confirm()
        self.assertEqual(po_wh2.picking_ids.location_dest_id, self.warehouse_2.lot_stock_id)

    def test_documents_of_two_warehouses_at_once(self):
        in_wh2, in_wh1 = self._doc(5, self.warehouse_2), self._doc(15, self.warehouse)
        (in_wh2 | in_wh1).action_create_supplier_orders()
        po_wh2, po_wh1 = in_wh2.crm_purchase_order_ids, in_wh1.crm_purchase_order_ids
        self.assertEqual(len(po_wh2 | po_wh1), 2)
        self.assertEqual(
            (po_wh2.picking_type_id, po_wh2.order_line.product_qty),
            (self.warehouse_2.in_type_id, 3.0),
        )
        self.assertEqual(
            (po_wh1.picking_type_id, po_wh1.order_line.product_qty),
            (self.warehouse.in_type_id, 5.0),
        )
        self.assertEqual(po_wh2.crm_sale_order_ids, in_wh2)
        self.assertEqual(po_wh1.crm_sale_order_ids, in_wh1)

    # ------------------------------------------------------------------
    # 2. ordering again after the RFQ is sent or confirmed
    # ------------------------------------------------------------------

    def test_ordering_again_after_sent_and_confirmed(self):
        """Stock 10, an order of 12: 2 ordered. Sent, confirmed or received,
        ordering again orders nothing more (it ordered 2 more each time); what
        is received is in stock and counted once; a cancelled one counts no
        more."""
        order = self._doc(12, self.warehouse)
        order.action_create_supplier_orders()
        purchase = order.crm_purchase_order_ids
        self.assertEqual(purchase.order_line.product_qty, 2.0)
        purchase.sudo().write({"state": "sent"})
        action = order.action_create_supplier_orders()
        self.assertEqual(order.crm_purchase_order_ids, purchase)
        self.assertEqual(action["res_id"], purchase.id, "the action opens what orders it")
        purchase.sudo().button_confirm()
        self.assertEqual(purchase.state, "purchase")
        order.action_create_supplier_orders()
        self.assertEqual(order.crm_purchase_order_ids, purchase)
        self.assertEqual(purchase.order_line.product_qty, 2.0)
        # received: 12 in stock, all free for it; counted once, not twice
        self._receive(purchase.sudo())
        self.assertEqual(self._figures(self.part)[1], 12.0)
        with self.assertRaisesRegex(UserError, "Nothing to order"):
            order.action_create_supplier_orders()
        self.assertEqual(order.crm_purchase_order_ids, purchase)
        # 3 more: the stock covers 12, the received 2 are in it
        order.order_line.product_uom_qty = 15
        order.action_create_supplier_orders()
        new = order.crm_purchase_order_ids - purchase
        self.assertEqual(new.order_line.product_qty, 3.0)
        self.assertEqual(new.state, "draft")
        # "all": the whole lines of its supplier orders count, received or not
        order.action_create_supplier_orders(mode="all")
        self.assertEqual(order.crm_purchase_order_ids, purchase | new)
        self.assertEqual(new.order_line.product_qty, 13.0, "15 less the 2 ordered")

    def test_cancelled_supplier_order_does_not_count(self):
        order = self._doc(12, self.warehouse)
        order.action_create_supplier_orders()
        purchase = order.crm_purchase_order_ids
        purchase.sudo().button_confirm()
        purchase.sudo().button_cancel()
        order.action_create_supplier_orders()
        new = order.crm_purchase_order_ids - purchase
        self.assertEqual(new.order_line.product_qty, 2.0)

    # ------------------------------------------------------------------
    # 3. the labels of purchase and invoice lines
    # ------------------------------------------------------------------

    def _view_context(self, model, view_xmlid, one2many, values):
        """The context the form ``view_xmlid`` gives the product field of its
        ``one2many`` lines, evaluated with ``values`` (``parent`` included)."""
        arch = self.env[model].get_view(self.env.ref(view_xmlid).id, "form")["arch"]
        node = etree.fromstring(arch).xpath(
            f"//field[@name='{one2many}']/list/field[@name='product_id']"
        )[0]
        return safe_eval(node.get("context"), values)

    def _label(self, free, held=0):
        return f"{self.part.display_name} (free to sell: {free:,.2f}, reserved: {held:,.2f})"

    def test_purchase_line_label_is_its_warehouses(self):
        order = self._doc(5, self.warehouse_2)
        order.action_create_supplier_orders()
        purchase = order.crm_purchase_order_ids
        line = purchase.order_line
        self.assertEqual(line.qty_free_to_sell, 2.0)
        ctx = self._view_context(
            "purchase.order",
            "purchase.purchase_order_form",
            "order_line",
            {
                "parent": _Record(
                    partner_id=purchase.partner_id.id,
                    company_id=purchase.company_id.id,
                    crm_supply_warehouse_id=purchase.crm_supply_warehouse_id.id,
                ),
                "product_qty": line.product_qty,
            },
        )
        self.assertEqual(ctx["warehouse_id"], self.warehouse_2.id)
        label = self.part.with_user(self.buyer).with_context(**ctx).display_name
        self.assertEqual(label, self._label(2))

    def test_invoice_line_label_is_its_companys(self):
        """A user in two companies with both selected: an invoice line's label
        shows its company's figures (the column's), not both companies'; a
        company not among the context's gives no figures."""
        company = self.env.company
        company_b = self.env["res.company"].create({"name": "Supply Label Company"})
        warehouse_b = self.env["stock.warehouse"].search(
            [("company_id", "=", company_b.id)], limit=1
        )
        self.env["stock.quant"].with_company(company_b)._update_available_quantity(
            self.part, warehouse_b.lot_stock_id, 100.0
        )
        user = new_test_user(
            self.env,
            login="supply_label_accountant",
            groups="account.group_account_invoice,sales_team.group_sale_salesman",
            company_id=company.id,
            company_ids=[Command.set((company | company_b).ids)],
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [Command.create({"product_id": self.part.id, "quantity": 1})],
            }
        )
        env = user.with_context(allowed_company_ids=(company | company_b).ids).env
        line = invoice.with_env(env).invoice_line_ids
        self.assertEqual(line.qty_free_to_sell, 12.0)
        ctx = self._view_context(
            "account.move",
            "account.view_move_form",
            "invoice_line_ids",
            {"parent": _Record(company_id=invoice.company_id.id), "context": {}},
        )
        part = self.part.with_env(env)
        self.assertEqual(part.with_context(**ctx).display_name, self._label(12))
        self.assertEqual(
            part.with_context(crm_supply_stock_label=True).display_name,
            self._label(112),
            "without the company: every company of the context",
        )
        # a company the user is not in, or not selected: no figures, no error
        company_c = self.env["res.company"].create({"name": "Supply Foreign Company"})
        only_one = user.with_context(allowed_company_ids=company.ids).env
        for env_, company_id in ((env, company_c.id), (only_one, company_b.id), (env, "1")):
            self.assertEqual(
                self.part.with_env(env_)
                .with_context(crm_supply_stock_label=True, crm_supply_company_id=company_id)
                .display_name,
                self.part.display_name,
            )
