from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from odoo.addons.crm_suite_base.tests.common import load_migration

from .common import SupplyCase


@tagged("post_install", "-at_install")
class TestRevisionHandOver(SupplyCase):
    """A revised proforma hands its reservations over to the quotation that
    replaces it (``sale.order._crm_hand_over_to``, called by the code making
    the revision before it cancels the old quotation)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bolt = cls.env["product.product"].create(
            {"name": "Supply Bolt", "is_storable": True, "list_price": 1.0}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.bolt, cls.stock, 10.0)

    def _reserved(self, lines, user=None):
        """A reserved quotation of ``lines`` [(product, qty)], expiring in 5 days."""
        order = self._order(
            lines[0][1],
            product=lines[0][0],
            user=user or self.salesman,
            reservation_expiry_date=self._today(5),
        )
        order.write(
            {
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in lines[1:]
                ]
            }
        )
        order.action_reserve_stock()
        return order

    @staticmethod
    def _held(order):
        return [
            (r.order_line_id, r.product_id, r.quantity, r.date_expiry, r.location_id)
            for r in order.reservation_ids.filtered(lambda r: r.state == "reserved")
        ]

    def test_reservations_follow_the_revision(self):
        order = self._reserved([(self.product, 4), (self.bolt, 3), (self.product, 2)])
        revision = order.copy()
        self.assertFalse(revision.reservation_ids, "reservations are not copied")
        first, bolt_line, second = revision.order_line
        # the revision takes less of the first line: the excess is released
        first.product_uom_qty = 3
        order._crm_hand_over_to(revision)
        self.assertFalse(self._held(order))
        day = self._today(5)
        self.assertEqual(
            self._held(revision),
            [
                (first, self.product, 3.0, day, self.stock),
                (bolt_line, self.bolt, 3.0, day, self.stock),
                (second, self.product, 2.0, day, self.stock),
            ],
        )
        self.assertEqual(revision.reservation_expiry_date, day)
        self.assertEqual(self._figures(), (5.0, 5.0))
        self.assertEqual(self._figures(self.bolt), (3.0, 7.0))
        # cancelling the old quotation releases nothing the revision holds
        order._action_cancel()
        self.assertEqual(len(self._held(revision)), 3)
        self.assertEqual(self._figures(), (5.0, 5.0))
        # and the revision's reservations follow its lines as any others
        second.product_uom_qty = 1
        self.assertEqual(self._figures(), (4.0, 6.0))

    def test_a_line_holds_one_reservation(self):
        # two lines of the product, one left on the revision: it takes the first
        # reservation; the other is released, as one without a line is
        order = self._reserved([(self.product, 4), (self.product, 2), (self.bolt, 3)])
        revision = order.copy()
        revision.order_line[1:].unlink()
        revision.order_line.product_uom_qty = 6
        order._crm_hand_over_to(revision)
        self.assertEqual(
            self._held(revision),
            [(revision.order_line, self.product, 4.0, self._today(5), self.stock)],
        )
        self.assertEqual(
            order.reservation_ids.sorted("quantity").mapped("state"), ["released", "released"]
        )
        self.assertEqual(self._figures(), (4.0, 6.0))
        self.assertEqual(self._figures(self.bolt), (0.0, 10.0))

    def test_another_warehouse_releases(self):
        order = self._reserved([(self.product, 4)])
        revision = order.copy()
        second = self.env["stock.warehouse"].create({"name": "Revision Second", "code": "REV2"})
        revision.warehouse_id = second
        order._crm_hand_over_to(revision)
        self.assertFalse(revision.reservation_ids)
        self.assertEqual(order.reservation_ids.state, "released")
        self.assertEqual(self._figures(), (0.0, 10.0))

    def test_nothing_is_checked_again(self):
        # under "block", the revision keeps what its quotation held even though
        # another proforma holds the rest of the stock
        order = self._reserved([(self.product, 4)])
        self._order(6, user=self.salesman_b).action_reserve_stock()
        self._policy("block")
        revision = order.copy()
        order._crm_hand_over_to(revision)
        self.assertEqual(revision.reservation_ids.quantity, 4.0)
        self.assertEqual(self._figures(), (10.0, 0.0))

    def test_the_revision_is_warned_before_expiry(self):
        """The moved reservations are warned about again, on the revision: they
        kept expiry_warned, the old quotation's to-do stayed on the cancelled
        quotation, and the cron never warned on the revision."""
        Reservation = self.env["sale.stock.reservation"]
        expiry_type = self.env.ref("crm_supply.mail_activity_type_reservation_expiry")
        order = self._reserved([(self.product, 4)])
        order.reservation_expiry_date = self._today(1)
        Reservation._cron_expire()
        self.assertEqual(order.activity_ids.activity_type_id, expiry_type)
        revision = order.copy()
        order._crm_hand_over_to(revision)
        order._action_cancel()
        self.assertFalse(order.activity_ids, "the old quotation's to-do goes")
        self.assertFalse(revision.reservation_ids.expiry_warned)
        Reservation._cron_expire()
        self.assertEqual(revision.activity_ids.activity_type_id, expiry_type)
        self.assertEqual(revision.activity_ids.date_deadline, self._today(1))
        self.assertFalse(order.activity_ids)
        self.assertTrue(revision.reservation_ids.expiry_warned)


@tagged("post_install", "-at_install")
class TestRevisionSupplierOrders(SupplyCase):
    """A revision takes over the supplier orders of the quotation it replaces:
    ordering again for the revision orders only what they do not order yet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create({"name": "Supply Revision Vendor"})
        cls.part = cls.env["product.product"].create(
            {
                "name": "Supply Revision Part",
                "is_storable": True,
                "seller_ids": [Command.create({"partner_id": cls.vendor.id, "price": 2.0})],
            }
        )
        cls.env["stock.quant"]._update_available_quantity(cls.part, cls.stock, 40.0)
        # a purchaser who sees every quotation; the salesperson who revises
        # may not read purchase orders
        cls.buyer = new_test_user(
            cls.env,
            login="supply_revision_buyer",
            groups="sales_team.group_sale_salesman_all_leads,purchase.group_purchase_user",
        )

    def _revise(self, order):
        """What crm_evaluation_sheet's Revise does, as the quotation's salesperson."""
        revision = order.copy()
        order._crm_hand_over_to(revision)
        order._action_cancel()
        return revision

    def _supplier_orders(self, order):
        return order.with_user(self.buyer).crm_purchase_order_ids

    def test_the_revision_orders_only_the_rest(self):
        """S (a quotation of 40) has a draft supplier order of 16 for it; S is
        reserved and revised: the revision's Create Supplier Orders ("all")
        orders 24 more on that draft (40 in all), not 40 more (56)."""
        order = self._order(
            16, product=self.part, user=self.salesman, reservation_expiry_date=self._today(5)
        )
        order.with_user(self.buyer).action_create_supplier_orders("all")
        purchase = self._supplier_orders(order)
        self.assertEqual(purchase.order_line.product_qty, 16.0)
        order.order_line.product_uom_qty = 40
        order.action_reserve_stock()
        revision = self._revise(order)
        self.assertEqual(revision.reservation_ids.quantity, 40.0)
        self.assertEqual(self._supplier_orders(revision), purchase)
        self.assertFalse(self._supplier_orders(order))
        self.assertEqual(purchase.crm_sale_order_ids, revision)
        revision.with_user(self.buyer).action_create_supplier_orders("all")
        self.assertEqual(self._supplier_orders(revision), purchase)
        self.assertEqual(purchase.order_line.product_qty, 40.0)
        # and nothing more once it is all ordered
        revision.with_user(self.buyer).action_create_supplier_orders("all")
        self.assertEqual(purchase.order_line.product_qty, 40.0)

    def test_unreserved_quotation_and_shared_supplier_order(self):
        """A quotation without reservations hands its supplier orders over too;
        a supplier order shared with another document keeps that one."""
        order = self._order(5, product=self.part, user=self.salesman)
        other = self._order(3, product=self.part, user=self.salesman)
        (order | other).with_user(self.buyer).action_create_supplier_orders("all")
        purchase = self._supplier_orders(order)
        self.assertEqual(purchase.crm_sale_order_ids, order | other)
        revision = self._revise(order)
        self.assertEqual(purchase.crm_sale_order_ids, other | revision)
        self.assertEqual(self._supplier_orders(revision), purchase)
        self.assertEqual(self._supplier_orders(other), purchase)
        self.assertFalse(self._supplier_orders(order))

    def _part(self, name):
        """A storable product of a vendor of its own."""
        vendor = self.env["res.partner"].create({"name": f"Supply Revision Vendor {name}"})
        return self.env["product.product"].create(
            {
                "name": f"Supply Revision Part {name}",
                "is_storable": True,
                "seller_ids": [Command.create({"partner_id": vendor.id, "price": 3.0})],
            }
        )

    def _revise_before(self, order):
        """What Revise did before 18.0.1.2.16: the revision made, the quotation
        cancelled, its supplier orders left on it. ``revision_of_id`` is
        crm_evaluation_sheet's column, written as its Revise writes it."""
        revision = order.copy()
        self.env.cr.execute(
            SQL("UPDATE sale_order SET revision_of_id = %s WHERE id = %s", order.id, revision.id)
        )
        order._action_cancel()
        return revision

    def test_migration_hands_over_the_supplier_orders(self):
        """Quotations revised before 18.0.1.2.16 kept their supplier orders,
        cancelled: the 18.0.1.2.26 migration hands them over to the last
        revision of their chain, so that its Create Supplier Orders orders
        only the rest."""
        cr = self.env.cr
        if not column_exists(cr, "sale_order", "revision_of_id"):
            # without crm_evaluation_sheet there are no revisions: nothing to do
            self.assertEqual(
                load_migration("crm_supply", "18.0.1.2.26").hand_over_supplier_orders(self.env), {}
            )
            # its column, for this test only (rolled back with it)
            cr.execute(SQL("ALTER TABLE sale_order ADD COLUMN revision_of_id integer"))
        # S ordered 16, then revised twice (40 each)
        order = self._order(16, product=self.part, user=self.salesman)
        order.with_user(self.buyer).action_create_supplier_orders("all")
        purchase = self._supplier_orders(order)
        order.order_line.product_uom_qty = 40
        first = self._revise_before(order)
        latest = self._revise_before(first)
        # a quotation sharing its supplier order with another, revised once
        part_b = self._part("B")
        shared = self._order(5, product=part_b, user=self.salesman)
        other = self._order(3, product=part_b, user=self.salesman)
        (shared | other).with_user(self.buyer).action_create_supplier_orders("all")
        purchase_b = self._supplier_orders(shared)
        self.assertEqual(purchase_b.crm_sale_order_ids, shared | other)
        shared_revision = self._revise_before(shared)
        # a cancelled quotation never revised keeps its supplier order
        alone = self._order(7, product=self._part("C"), user=self.salesman)
        alone.with_user(self.buyer).action_create_supplier_orders("all")
        purchase_c = self._supplier_orders(alone)
        alone._action_cancel()
        self.env.invalidate_all()
        self.assertEqual(self._supplier_orders(order), purchase)
        self.assertFalse(self._supplier_orders(latest))

        handed = load_migration("crm_supply", "18.0.1.2.26").hand_over_supplier_orders(self.env)
        self.env.invalidate_all()

        self.assertEqual(handed, {order: latest, shared: shared_revision})
        self.assertEqual(self._supplier_orders(latest), purchase)
        self.assertFalse(self._supplier_orders(order))
        self.assertFalse(self._supplier_orders(first))
        self.assertEqual(purchase.crm_sale_order_ids, latest)
        self.assertEqual(purchase_b.crm_sale_order_ids, other | shared_revision)
        self.assertEqual(self._supplier_orders(shared_revision), purchase_b)
        self.assertFalse(self._supplier_orders(shared))
        self.assertEqual(self._supplier_orders(other), purchase_b)
        self.assertEqual(self._supplier_orders(alone), purchase_c)
        # the latest revision orders only the rest: 24 more on the draft of 16
        latest.with_user(self.buyer).action_create_supplier_orders("all")
        self.assertEqual(self._supplier_orders(latest), purchase)
        self.assertEqual(purchase.order_line.product_qty, 40.0)
        # run again, it hands nothing over
        self.assertEqual(
            load_migration("crm_supply", "18.0.1.2.26").hand_over_supplier_orders(self.env), {}
        )
