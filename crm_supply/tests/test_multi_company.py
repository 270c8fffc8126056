from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import SupplyCase


@tagged("post_install", "-at_install")
class TestLowStockPerCompany(SupplyCase):
    """The low-stock alert is each company's: its free-to-sell stock (its own
    warehouses) against the threshold, its flag, its responsible's activity,
    whoever checks (the cron for every company, a reservation for its
    order's company). The alert flipped with the checker: the cron summed
    every company's stock and cleared the flag, a reservation summed the
    caller's selected companies and alerted again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        # (in tests, Odoo gives a new company its warehouse at once)
        cls.company_b = cls.env["res.company"].create({"name": "Supply Low Stock Company B"})
        cls.warehouse_b = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company_b.id)], limit=1
        )
        cls.shared = cls.env["product.product"].create(
            {"name": "Supply Shared Widget", "is_storable": True, "low_stock_threshold": 10}
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.shared, cls.stock, 50.0)
        Quant._update_available_quantity(cls.shared, cls.warehouse_b.lot_stock_id, 3.0)
        both = [Command.set([cls.company_a.id, cls.company_b.id])]
        cls.responsible_a = new_test_user(
            cls.env, login="supply_responsible_a", groups="stock.group_stock_user", company_ids=both
        )
        cls.responsible_b = new_test_user(
            cls.env,
            login="supply_responsible_b",
            groups="stock.group_stock_user",
            company_id=cls.company_b.id,
            company_ids=both,
        )
        # the responsible is Odoo's company-dependent field: one per company
        cls.shared.with_company(cls.company_a).responsible_id = cls.responsible_a
        cls.shared.with_company(cls.company_b).responsible_id = cls.responsible_b
        cls.seller_b = new_test_user(
            cls.env,
            login="supply_sales_company_b",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_b.id,
            company_ids=[Command.set([cls.company_b.id])],
        )
        cls.seller_ab = new_test_user(
            cls.env,
            login="supply_sales_companies_ab",
            groups="sales_team.group_sale_salesman",
            company_ids=both,
        )

    def _alerts(self, responsible):
        return self.shared.product_tmpl_id.activity_ids.filtered(
            lambda activity: activity.user_id == responsible
        )

    def _alerted(self, company):
        product = self.shared.with_context(allowed_company_ids=[company.id])
        product.invalidate_recordset(["low_stock_alerted"])
        return product.low_stock_alerted

    def _cron(self):
        self.env["product.product"]._cron_check_low_stock()

    def _order_b(self, qty, user=None):
        user = user or self.seller_b
        return (
            self.env["sale.order"]
            .with_user(user)
            # B first, then the user's other companies
            .with_context(allowed_company_ids=(self.company_b | user.company_ids).ids)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company_b.id,
                    "warehouse_id": self.warehouse_b.id,
                    "order_line": [
                        Command.create({"product_id": self.shared.id, "product_uom_qty": qty})
                    ],
                }
            )
        )

    def test_each_company_against_the_threshold(self):
        # 50 in A, 3 in B: the cron alerts B's responsible, once, not A's
        self._cron()
        self.assertFalse(self._alerted(self.company_a))
        self.assertTrue(self._alerted(self.company_b))
        self.assertFalse(self._alerts(self.responsible_a))
        [alert] = self._alerts(self.responsible_b)
        self.assertIn(self.company_b.name, alert.summary)
        self.assertIn("3.00 Units free to sell", str(alert.note))
        # a salesperson of B reserves: still below, no second activity
        order = self._order_b(1)
        order.with_user(self.seller_b).action_reserve_stock()
        self.assertEqual(self._alerts(self.responsible_b), alert)
        # the cron keeps B's flag (it cleared it: A's 50 counted)
        self._cron()
        self.assertTrue(self._alerted(self.company_b))
        # released and reserved again: the same crossing, no second activity
        order.with_user(self.seller_b).action_release_stock()
        order.with_user(self.seller_b).action_reserve_stock()
        self.assertEqual(self._alerts(self.responsible_b), alert)
        self.assertFalse(self._alerts(self.responsible_a))

    def test_reservation_checks_its_orders_company_only(self):
        """A salesperson of both companies, both selected, reserves in B: B's
        figures (2 free), not both companies' (52); A is not touched."""
        order = self._order_b(1, user=self.seller_ab)
        order.with_user(self.seller_ab).with_context(
            allowed_company_ids=[self.company_a.id, self.company_b.id]
        ).action_reserve_stock()
        self.assertTrue(self._alerted(self.company_b))
        self.assertEqual(len(self._alerts(self.responsible_b)), 1)
        self.assertFalse(self._alerted(self.company_a))
        self.assertFalse(self._alerts(self.responsible_a))
        # a warehouse in the caller's context does not narrow A's figures
        # (B's 2 would alert A)
        order_a1 = self._order(1, product=self.shared, user=self.seller_ab)
        order_a1.with_user(self.seller_ab).with_context(
            warehouse_id=self.warehouse_b.id,
            allowed_company_ids=[self.company_a.id, self.company_b.id],
        ).action_reserve_stock()
        self.assertFalse(self._alerted(self.company_a))
        order_a1.with_user(self.seller_ab).action_release_stock()
        # A falls below by its own reservation (50 - 45 = 5): A's alert, once
        order_a = self._order(45, product=self.shared, user=self.seller_ab)
        order_a.with_user(self.seller_ab).with_context(
            allowed_company_ids=[self.company_b.id, self.company_a.id]
        ).action_reserve_stock()
        self.assertTrue(self._alerted(self.company_a))
        [alert_a] = self._alerts(self.responsible_a)
        self.assertIn(self.company_a.name, alert_a.summary)
        self.assertIn("5.00 Units free to sell", str(alert_a.note))
        self._cron()
        self.assertEqual(self._alerts(self.responsible_a), alert_a)
        self.assertEqual(len(self._alerts(self.responsible_b)), 1)
        # A back above: the cron re-arms A only
        order_a.with_user(self.seller_ab).action_release_stock()
        self._cron()
        self.assertFalse(self._alerted(self.company_a))
        self.assertTrue(self._alerted(self.company_b))

    def test_product_of_one_company_is_checked_in_it_only(self):
        """A product of company A is not B's (B's responsible is never
        alerted about it, though B holds none)."""
        own = self.env["product.product"].create(
            {
                "name": "Supply Widget of A",
                "is_storable": True,
                "low_stock_threshold": 10,
                "company_id": self.company_a.id,
            }
        )
        self._cron()
        alerted = own.product_tmpl_id.activity_ids
        self.assertEqual(alerted.user_id, own.with_company(self.company_a).responsible_id)
        self.assertEqual(len(alerted), 1)
        self.assertTrue(own.with_context(allowed_company_ids=[self.company_a.id]).low_stock_alerted)
        self.assertFalse(
            own.with_context(allowed_company_ids=[self.company_b.id]).low_stock_alerted
        )

    def test_grouped_per_company(self):
        """The figures of a company are read for all the products at once: as
        many queries for 2 products as for 8."""

        def queries(count):
            products = self.env["product.product"].create(
                [
                    {
                        "name": f"Supply Grouped {count} {i}",
                        "is_storable": True,
                        "low_stock_threshold": 1,
                        "company_id": self.company_a.id,
                    }
                    for i in range(count)
                ]
            )
            for product in products:
                self.env["stock.quant"]._update_available_quantity(product, self.stock, 5.0)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            products._check_low_stock(self.company_a | self.company_b)
            return self.cr.sql_log_count - before

        self.assertEqual(queries(2), queries(8))


@tagged("post_install", "-at_install")
class TestSupplierOfAnotherCompany(SupplyCase):
    """Create Supplier Orders buys only from vendors the document's company may
    deal with: a vendor contact restricted to another company is no vendor of
    it (Odoo's purchase order does not refuse one); its parent company's
    vendors are (a branch buys from them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Supply Vendor Company B"})
        cls.branch_a = cls.env["res.company"].create(
            {"name": "Supply Vendor Branch A", "parent_id": cls.company_a.id}
        )
        Warehouse = cls.env["stock.warehouse"]
        cls.warehouse_b = Warehouse.search([("company_id", "=", cls.company_b.id)], limit=1)
        cls.warehouse_branch = Warehouse.search([("company_id", "=", cls.branch_a.id)], limit=1)
        cls.vendor_a = cls.env["res.partner"].create(
            {"name": "Supply Vendor of A", "company_id": cls.company_a.id}
        )
        cls.part = cls.env["product.product"].create(
            {
                "name": "Supply Foreign Part",
                "is_storable": True,
                # a vendor line of every company (Odoo's default is the
                # current company's), its vendor contact restricted to A
                "seller_ids": [
                    Command.create(
                        {"partner_id": cls.vendor_a.id, "price": 2.0, "company_id": False}
                    )
                ],
            }
        )
        cls.buyer = new_test_user(
            cls.env,
            login="supply_companies_buyer",
            groups="sales_team.group_sale_salesman,purchase.group_purchase_user",
            company_ids=[Command.set([cls.company_a.id, cls.company_b.id, cls.branch_a.id])],
        )

    def _doc(self, company, warehouse, allowed, product=None):
        Order = (
            self.env["sale.order"]
            .with_user(self.buyer)
            .with_context(allowed_company_ids=allowed.ids)
        )
        return Order.create(
            {
                "partner_id": self.customer.id,
                "company_id": company.id,
                "warehouse_id": warehouse.id,
                "order_line": [
                    Command.create({"product_id": (product or self.part).id, "product_uom_qty": 3})
                ],
            }
        )

    def _purchases_of(self, vendor):
        return self.env["purchase.order"].search([("partner_id", "=", vendor.id)])

    def test_vendor_of_another_company_is_no_vendor(self):
        order = self._doc(self.company_b, self.warehouse_b, self.company_b | self.company_a)
        with self.assertRaisesRegex(UserError, "no vendor: Supply Foreign Part"):
            order.action_create_supplier_orders(mode="all")
        self.assertFalse(self._purchases_of(self.vendor_a))
        self.assertFalse(order.crm_purchase_order_ids)

    def test_only_the_documents_company_selected(self):
        """The vendor's company is not among the selected ones: the same clear
        error (it was an AccessError on the vendor contact)."""
        order = self._doc(self.company_b, self.warehouse_b, self.company_b)
        with self.assertRaisesRegex(UserError, "no vendor: Supply Foreign Part"):
            order.action_create_supplier_orders(mode="all")
        self.assertFalse(self._purchases_of(self.vendor_a))

    def test_another_vendor_of_the_company_is_used(self):
        """The product's next vendor, a shared one, buys for B (the first one
        is A's), whichever companies are selected."""
        shared_vendor = self.env["res.partner"].create({"name": "Supply Shared Vendor"})
        self.part.product_tmpl_id.seller_ids = [
            Command.create(
                {
                    "partner_id": shared_vendor.id,
                    "price": 3.0,
                    "sequence": 20,
                    "company_id": False,
                }
            )
        ]
        for allowed in (self.company_b | self.company_a, self.company_b):
            order = self._doc(self.company_b, self.warehouse_b, allowed)
            order.action_create_supplier_orders(mode="all")
            purchase = order.crm_purchase_order_ids
            self.assertEqual(purchase.partner_id, shared_vendor)
            self.assertEqual(purchase.company_id, self.company_b)
            self.assertEqual(purchase.order_line.price_unit, 3.0)
        self.assertFalse(self._purchases_of(self.vendor_a))

    def test_branch_buys_from_its_parents_vendor(self):
        order = self._doc(self.branch_a, self.warehouse_branch, self.branch_a | self.company_a)
        order.action_create_supplier_orders(mode="all")
        purchase = order.crm_purchase_order_ids
        self.assertEqual(purchase.partner_id, self.vendor_a)
        self.assertEqual(purchase.company_id, self.branch_a)
        self.assertEqual(purchase.order_line.product_qty, 3.0)
