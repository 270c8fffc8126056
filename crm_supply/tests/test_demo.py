from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSupplyDemo(TransactionCase):
    """The client of the story's proforma holds its goods, and what the stock
    does not cover is on a confirmed supplier order, in the vendor's EUR: the
    figures of README's walk-through (step 4)."""

    def setUp(self):
        super().setUp()
        if not self.env["ir.module.module"]._get("crm_supply").demo:
            self.skipTest("installed without demo data")

    def test_demo_company_has_one_warehouse(self):
        """The demo company keeps the one warehouse Odoo gives a company (or
        the demo's, on a database where it came before stock), so Odoo's
        multi-warehouse setting stays off as in Odoo's own demo: a second
        warehouse turned it on for every user, and Odoo's own tests that
        expect it off (stock's route diagram tour) failed with the suite."""
        company = self.env.ref("crm_suite_base.demo_company")
        warehouses = self.env["stock.warehouse"].search([("company_id", "=", company.id)])
        self.assertEqual(len(warehouses), 1)
        self.assertEqual(self.env.ref("crm_supply.demo_proforma_order").warehouse_id, warehouses)
        self.assertNotIn(
            self.env.ref("stock.group_stock_multi_warehouses"),
            self.env.ref("base.group_user").implied_ids,
        )

    def test_demo_proforma_holds_its_goods(self):
        order = self.env.ref("crm_supply.demo_proforma_order")
        self.assertEqual(order.company_id, self.env.ref("crm_suite_base.demo_company"))
        self.assertEqual(order.partner_id, self.env.ref("crm_suite_base.demo_partner_client"))
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.reservation_count, 2)
        self.assertEqual(sorted(order.reservation_ids.mapped("quantity")), [40.0, 120.0])
        shelving = self.env.ref("crm_supply.demo_product_shelving_heavy").with_context(
            warehouse_id=order.warehouse_id.id
        )
        # 40 reserved, 24 on hand: 16 more than the stock until the supplier
        # order's 16 arrive
        self.assertEqual(shelving.qty_available, 24.0)
        self.assertEqual(shelving.qty_reserved_proforma, 40.0)
        self.assertEqual(shelving.qty_free_to_sell, -16.0)
        self.assertEqual(shelving.incoming_qty, 16.0)
        self.assertEqual(shelving.virtual_available, 40.0)
        # the 16 units missing, ordered from the vendor in EUR, confirmed; the
        # proforma is its source document
        purchase = order.crm_purchase_order_ids
        self.assertEqual(len(purchase), 1)
        self.assertEqual(purchase.partner_id, self.env.ref("crm_supply.demo_vendor_nordic"))
        self.assertEqual(purchase.currency_id, self.env.ref("base.EUR"))
        self.assertEqual(purchase.state, "purchase")
        self.assertEqual(purchase.origin, order.name)
        self.assertEqual(purchase.order_line.product_id, shelving)
        self.assertEqual(purchase.order_line.product_qty, 16.0)
        self.assertEqual(purchase.order_line.price_unit, 158.0)
        receipt = purchase.picking_ids
        self.assertEqual(len(receipt), 1)
        self.assertEqual(receipt.picking_type_id.warehouse_id, order.warehouse_id)
        self.assertEqual(receipt.move_ids.product_uom_qty, 16.0)
        self.assertEqual(receipt.state, "assigned")
        # the decks: 200 on hand, 120 reserved
        decks = self.env.ref("crm_supply.demo_product_mesh_deck").with_context(
            warehouse_id=order.warehouse_id.id
        )
        self.assertEqual(decks.qty_free_to_sell, 80.0)

    def test_demo_products_carry_the_taxes(self):
        """The two goods of the proforma carry the demo company's sales and
        purchase taxes, as the suite's other demo products do, whichever addon
        loads the company's chart first (they had none; then no purchase tax, so
        the demo's supplier order was tax-free)."""
        company = self.env.ref("crm_suite_base.demo_company")
        tax, purchase_tax = (
            self.env["account.tax"].search(
                [("company_id", "=", company.id), ("type_tax_use", "=", use)], limit=1
            )
            for use in ("sale", "purchase")
        )
        self.assertTrue(tax)
        self.assertTrue(purchase_tax)
        order = self.env.ref("crm_supply.demo_proforma_order")
        self.assertEqual(order.crm_purchase_order_ids.order_line.taxes_id, purchase_tax)
        for xmlid in ("demo_product_shelving_heavy", "demo_product_mesh_deck"):
            product = self.env.ref(f"crm_supply.{xmlid}")
            self.assertEqual(product.taxes_id.filtered(lambda t: t.company_id == company), tax)
            self.assertEqual(
                product.supplier_taxes_id.filtered(lambda t: t.company_id == company), purchase_tax
            )
            line = order.order_line.filtered(lambda ln, p=product: ln.product_id == p)
            self.assertEqual(line.tax_id, tax)
