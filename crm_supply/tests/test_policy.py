"""The write policy of crm_supply (issue #24): owned statuses and links, bounded
settings, the reserved-stock policy on the gross need, reservations that follow
their lines, and clean refusals of bad arguments."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import SupplyCase


@tagged("post_install", "-at_install")
class TestGrossNeed(SupplyCase):
    """Stock 10; a proforma holds 8: 2 are free to sell. Policy "block"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.other = cls.env["product.product"].create({"name": "Other Widget", "is_storable": True})
        cls.env["stock.quant"]._update_available_quantity(cls.other, cls.stock, 10.0)

    def _hold(self, qty):
        holder = self._order(qty)
        holder.action_reserve_stock()
        return holder

    def test_confirm_checks_the_gross_need(self):
        self._hold(8)
        self._policy("block")
        order = self._order(10)
        order.order_line = [Command.create({"product_id": self.product.id, "product_uom_qty": -8})]
        # net 2 fits in the 2 free units, but the delivery takes 10
        with self.assertRefused("10.00 wanted, 2.00 free"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_reserve_checks_the_gross_need_and_refuses_negative_lines(self):
        self._hold(8)
        self._policy("block")
        order = self._order(3)
        order.order_line = [Command.create({"product_id": self.product.id, "product_uom_qty": -1})]
        with self.assertRaisesRegex(UserError, "negative quantities"):
            order.action_reserve_stock()
        self.assertFalse(order.reservation_ids)

    def test_confirmed_line_to_a_bigger_unit_is_an_increase(self):
        order = self._order(2)
        order.action_confirm()
        self._hold(7)  # on hand 10, 2 going out, 7 held: 1 free
        self._policy("block")
        line = order.order_line
        # 2 Units to 1 Dozen: 10 more units, not 1 less
        with self.assertRaisesRegex(UserError, "10.00 wanted, 1.00 free"):
            line.write({"product_uom": self.dozen.id, "product_uom_qty": 1})
        self.assertEqual((line.product_uom, line.product_uom_qty), (self.product.uom_id, 2.0))
        self.assertEqual(sum(order.picking_ids.move_ids.mapped("product_uom_qty")), 2.0)

    def test_increases_of_lines_are_not_netted(self):
        order = self._order(3)
        order.order_line = [Command.create({"product_id": self.product.id, "product_uom_qty": 3})]
        order.action_confirm()
        self._hold(3)  # 10 on hand, 6 going out, 3 held: 1 free
        self._policy("block")
        first, second = order.order_line
        # +2 on one line, -2 on the other in one write: the delivery takes 2 more
        with self.assertRaisesRegex(UserError, "2.00 wanted, 1.00 free"):
            order.write(
                {
                    "order_line": [
                        Command.update(first.id, {"product_uom_qty": 5}),
                        Command.update(second.id, {"product_uom_qty": 1}),
                    ]
                }
            )
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [3.0, 3.0])

    def test_line_added_to_a_confirmed_order_is_checked(self):
        order = self._order(1)
        order.action_confirm()
        self._hold(8)  # 10 on hand, 1 going out, 8 held: 1 free
        self._policy("block")
        with self.assertRaisesRegex(UserError, "Adding lines"):
            order.order_line = [
                Command.create({"product_id": self.product.id, "product_uom_qty": 2})
            ]
        self.assertEqual(len(order.order_line), 1)
        order.order_line = [Command.create({"product_id": self.product.id, "product_uom_qty": 1})]
        self.assertEqual(len(order.order_line), 2)

    def test_line_given_its_order_by_the_context_is_checked(self):
        """The order (or product, quantity) of a new line taken from the
        context's defaults, as any XML-RPC caller may send them, is checked as
        one given in the values."""
        order = self._order(1, user=self.salesman)
        order.action_confirm()
        self._hold(8)  # 10 on hand, 1 going out, 8 held: 1 free
        self._policy("block")
        Line = self.env["sale.order.line"].with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "Adding lines"):
            Line.with_context(default_order_id=order.id).create(
                {"product_id": self.product.id, "product_uom_qty": 2}
            )
        with self.assertRaisesRegex(UserError, "Adding lines"):
            Line.with_context(
                default_order_id=order.id,
                default_product_id=self.product.id,
                default_product_uom_qty=2,
            ).create({})
        self.assertEqual(len(order.order_line), 1)

    def test_confirmed_product_change_takes_the_new_product(self):
        order = self._order(2, product=self.other)
        order.action_confirm()
        self._hold(9)  # 1 free
        self._policy("block")
        with self.assertRaisesRegex(UserError, "2.00 wanted, 1.00 free"):
            order.order_line.write({"product_id": self.product.id, "product_uom_qty": 2})
        self.assertEqual(order.order_line.product_id, self.other)

    def test_form_warns_on_what_a_confirmed_line_takes_more(self):
        """On a confirmed order, the line's warning compares what the line takes
        more than its saved quantity with free to sell, which counts the order's
        own delivery as outgoing already (as the server check does): 10 on
        hand, 5 confirmed, 2 held by a proforma: raised to 8 is covered (it
        warned "8 wanted, 3 free"), raised to 11 is not."""
        order = self._order(5, user=self.salesman)
        order.with_user(self.salesman).action_confirm()
        self._hold(2)
        self._policy("warn")
        form = Form(order.with_user(self.salesman))
        with self.assertNoLogs("odoo.tests.form.onchange", "WARNING"):
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 8
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 11
        self.assertIn("Supply Widget: 6.00 more wanted, 3.00 free to sell", logs.output[0])
        # a new line of the product takes all of its quantity
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            with form.order_line.new() as line:
                line.product_id = self.product
                line.product_uom_qty = 7
        self.assertIn("Supply Widget: 7.00 wanted, 3.00 free to sell", logs.output[-1])

    def test_warn_is_noted_in_the_chatter(self):
        order = self._order(2)
        order.action_confirm()
        self._hold(8)
        self._policy("warn")
        order.order_line.write({"product_uom": self.dozen.id, "product_uom_qty": 1})
        self.assertTrue(
            order.message_ids.filtered(lambda m: "takes stock reserved by proformas" in m.body)
        )


@tagged("post_install", "-at_install")
class TestReservationsFollowTheLines(SupplyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.other = cls.env["product.product"].create({"name": "Other Widget", "is_storable": True})
        cls.env["stock.quant"]._update_available_quantity(cls.other, cls.stock, 10.0)

    def _active(self, order):
        return order.reservation_ids.filtered(lambda r: r.state == "reserved")

    def test_product_change_moves_the_reservation(self):
        order = self._order(3, user=self.salesman)
        order.action_reserve_stock()
        order.order_line.with_user(self.salesman).product_id = self.other
        active = self._active(order)
        self.assertEqual((active.product_id, active.quantity), (self.other, 3.0))
        self.assertEqual(self._figures(), (0.0, 10.0), "the old product is released")
        self.assertEqual(self._figures(self.other), (3.0, 7.0))
        # reserving again stays aligned (never doubles)
        order.action_reserve_stock()
        self.assertEqual(self._active(order), active)

    def test_reserving_again_realigns_a_stale_reservation(self):
        order = self._order(3)
        order.action_reserve_stock()
        # a stale reservation (left by an earlier version): the old product held
        order.order_line._write({"product_id": self.other.id})
        self.env.invalidate_all()
        order.action_reserve_stock()
        active = self._active(order)
        self.assertEqual((active.product_id, active.quantity), (self.other, 3.0))
        self.assertEqual(self._figures(), (0.0, 10.0))

    def test_unit_change_reserves_in_the_products_unit(self):
        order = self._order(2)
        order.action_reserve_stock()
        order.order_line.write({"product_uom": self.dozen.id, "product_uom_qty": 0.5})
        self.assertEqual(self._active(order).quantity, 6.0)
        self.assertEqual(self._figures(), (6.0, 4.0))

    def test_products_unit_is_kept_while_proformas_hold_it(self):
        """A reservation's quantity is in its product's unit: a change of the
        product's unit (which Odoo allows until the product has stock moves,
        as for a product quoted and reserved before its first receipt) read
        24 Units held as 24 Dozens. Refused while proformas hold it, as Odoo
        refuses it once the product has stock moves."""
        novelty = self.env["product.product"].create(
            {"name": "Supply Novelty", "is_storable": True}
        )
        order = self._order(24, product=novelty, user=self.salesman)
        order.with_user(self.salesman).action_reserve_stock()
        manager = new_test_user(
            self.env, login="supply_uom_manager", groups="stock.group_stock_manager"
        )
        for record in (novelty.product_tmpl_id, novelty):
            with (
                self.subTest(model=record._name),
                self.assertRefused(f"unit of measure of Supply Novelty.*{order.name}"),
            ):
                record.with_user(manager).write({"uom_id": self.dozen.id})
        self.assertEqual(novelty.uom_id, self.env.ref("uom.product_uom_unit"))
        self.assertEqual(self._figures(novelty), (24.0, -24.0))
        # released: the unit may change (the quotation's line keeps its own)
        order.with_user(self.salesman).action_release_stock()
        novelty.with_user(manager).write({"uom_id": self.dozen.id})
        self.assertEqual(novelty.uom_id, self.dozen)

    def test_raising_a_reserved_line_is_checked(self):
        order = self._order(2)
        order.action_reserve_stock()
        self._order(7).action_reserve_stock()  # 1 free beside this order's 2
        self._policy("block")
        with self.assertRaisesRegex(UserError, "reserved lines"):
            order.order_line.product_uom_qty = 4
        self.assertEqual(order.order_line.product_uom_qty, 2.0)
        self.assertEqual(self._active(order).quantity, 2.0)
        order.order_line.product_uom_qty = 3
        self.assertEqual(self._active(order).quantity, 3.0)
        # and a product change under block, onto a product held by others
        self._order(9, product=self.other).action_reserve_stock()
        with self.assertRaisesRegex(UserError, "Other Widget: 3.00 wanted, 1.00 free"):
            order.order_line.product_id = self.other
        self.assertEqual(self._active(order).product_id, self.product)

    def test_packaging_quantity_realigns_the_reservation(self):
        """Odoo recomputes a line's quantity from its packaging quantity: the
        reservation follows it, and what it takes more goes through the policy."""
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock, 90.0)
        box = self.env["product.packaging"].create(
            {"name": "Box10", "product_id": self.product.id, "qty": 10, "sales": True}
        )
        order = self._order(10, user=self.salesman)
        line = order.order_line.with_user(self.salesman)
        self.assertEqual(line.product_packaging_id, box)
        order.with_user(self.salesman).action_reserve_stock()
        line.write({"product_packaging_qty": 2})
        self.assertEqual((line.product_uom_qty, self._active(order).quantity), (20.0, 20.0))
        self._order(75).action_reserve_stock()  # 100 on hand, 75 held by another: 25 free
        self._policy("block")
        with self.assertRaisesRegex(UserError, "Supply Widget: 50.00 wanted, 25.00 free"):
            line.write({"product_packaging_qty": 5})
        self.assertEqual((line.product_uom_qty, self._active(order).quantity), (20.0, 20.0))
        line.write({"product_packaging_qty": 0})
        self.assertEqual(line.product_uom_qty, 0.0)
        self.assertFalse(self._active(order))
        self.assertEqual(self._figures(), (75.0, 25.0))

    def test_warehouse_change_moves_the_reservation(self):
        second = self.env["stock.warehouse"].create({"name": "Supply Second", "code": "SUP2"})
        self.env["stock.quant"]._update_available_quantity(self.product, second.lot_stock_id, 10.0)
        order = self._order(4, user=self.salesman).with_user(self.salesman)
        order.action_reserve_stock()
        order.warehouse_id = second
        active = self._active(order)
        self.assertEqual(
            (active.location_id, active.warehouse_id, active.quantity),
            (second.lot_stock_id, second, 4.0),
        )
        self.assertEqual(self._figures(), (0.0, 10.0), "nothing held in the old warehouse")
        self._policy("block")
        other = self._order(8, user=self.salesman)
        other.with_user(self.salesman).action_reserve_stock()
        # back to the old warehouse, where 2 are free now: refused, nothing changes
        with self.assertRaisesRegex(UserError, "Supply Widget: 4.00 wanted, 2.00 free"):
            order.warehouse_id = self.warehouse
        self.assertEqual((order.warehouse_id, self._active(order)), (second, active))
        self.assertEqual((active.location_id, active.quantity), (second.lot_stock_id, 4.0))
        with self.assertRaisesRegex(UserError, "has no warehouse"):
            order.warehouse_id = False
        self.assertEqual((order.warehouse_id, self._active(order)), (second, active))

    def test_reserved_line_stays_on_its_quotation(self):
        """A line holding a reservation is not moved to another order by a
        write of its order: its reservation would stay on the first quotation
        (counted there, released with it), and reserving the second one then
        broke on the one-reservation-per-line index. Released, it moves."""
        order = self._order(3, user=self.salesman)
        order.with_user(self.salesman).action_reserve_stock()
        other = self._order(1, product=self.other, user=self.salesman)
        line = order.order_line.with_user(self.salesman)
        refusal = "holding reserved stock cannot be moved"
        for target in (other.id, other, False):
            with self.assertRaisesRegex(UserError, refusal), self.env.cr.savepoint():
                line.write({"order_id": target})
        # nor through the other order's lines
        with self.assertRaisesRegex(UserError, refusal):
            other.with_user(self.salesman).write({"order_line": [Command.link(line.id)]})
        self.assertEqual(line.order_id, order)
        self.assertEqual(self._active(order).order_line_id, line)
        line.write({"order_id": order.id, "name": "Same order"})  # not a move
        order.with_user(self.salesman).action_release_stock()
        line.write({"order_id": other.id})
        self.assertEqual(line.order_id, other)
        other.with_user(self.salesman).action_reserve_stock()
        self.assertEqual(self._active(other).order_line_id, other.order_line)
        self.assertEqual(self._figures(), (3.0, 7.0))

    def test_negative_quantity_releases_instead_of_failing(self):
        order = self._order(4)
        order.action_reserve_stock()
        order.order_line.product_uom_qty = -1
        self.assertFalse(self._active(order))
        self.assertEqual(self._figures(), (0.0, 10.0))


@tagged("post_install", "-at_install")
class TestSupplyPolicy(SupplyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.purchase_user = new_test_user(
            cls.env, login="supply_purchase_user", groups="purchase.group_purchase_user"
        )
        cls.buyer_salesman = new_test_user(
            cls.env,
            login="supply_buyer_salesman",
            groups="sales_team.group_sale_salesman,purchase.group_purchase_user",
        )
        cls.employee = new_test_user(cls.env, login="supply_employee", groups="base.group_user")
        cls.vendor = cls.env["res.partner"].create({"name": "Policy Vendor"})
        cls.product.seller_ids = [Command.create({"partner_id": cls.vendor.id, "price": 2.0})]

    def test_statuses_are_owned(self):
        order = self._order(1, user=self.salesman)
        with self.assertRaisesRegex(UserError, "Fulfilment Status"):
            order.with_user(self.salesman).write({"fulfilment_status": "delivered"})
        with self.assertRaises(UserError):
            self._order(1, user=self.salesman, fulfilment_status="delivered")
        purchase = self.env["purchase.order"].create({"partner_id": self.vendor.id})
        with self.assertRaisesRegex(UserError, "Supply Status"):
            purchase.with_user(self.purchase_user).write({"supply_status": "paid"})
        with self.assertRaises(UserError):
            self.env["purchase.order"].with_user(self.purchase_user).create(
                {"partner_id": self.vendor.id, "supply_status": "paid"}
            )
        self.assertEqual((order.fulfilment_status, purchase.supply_status), ("created", "created"))

    def test_links_are_owned(self):
        order = self._order(12, user=self.buyer_salesman)
        purchase = self.env["purchase.order"].create({"partner_id": self.vendor.id})
        with self.assertRaises(UserError):
            order.write({"crm_purchase_order_ids": [(4, purchase.id)]})
        with self.assertRaises(UserError):
            purchase.with_user(self.purchase_user).write({"crm_sale_order_ids": [(4, order.id)]})
        with self.assertRaises(UserError):
            order.write({"reservation_ids": [(5, 0, 0)]})
        self.assertFalse(order.crm_purchase_order_ids)
        # the method links them
        order.action_create_supplier_orders()
        self.assertEqual(order.crm_purchase_order_ids.crm_sale_order_ids, order)

    def test_supplier_orders_on_the_gross_need(self):
        order = self._order(10)
        order.order_line = [Command.create({"product_id": self.product.id, "product_uom_qty": -8})]
        action = order.action_create_supplier_orders(mode="all")
        purchase = self.env["purchase.order"].browse(action["res_id"])
        self.assertEqual(purchase.order_line.product_qty, 10.0)

    def test_expiry_date(self):
        order = self._order(1, user=self.salesman).with_user(self.salesman)
        for value in ("1899-12-31", "2201-01-01", "0001-01-01", "not a date", ["2026-01-01"], 5):
            with self.assertRaises(ValidationError, msg=value):
                order.write({"reservation_expiry_date": value})
        order.reservation_expiry_date = self._today(30)
        order.sudo().action_confirm()
        with self.assertRaisesRegex(UserError, "cannot be changed in this state"):
            order.reservation_expiry_date = self._today(40)

    def test_expiry_date_kept_while_reserved(self):
        """Clearing Reservation Expires On of a quotation holding reservations
        is refused: they would have no date, and the expiry cron would never
        release them. Released, the quotation may go without one (it then
        reserves nothing until it has one again)."""
        order = self._order(2, user=self.salesman).with_user(self.salesman)
        order.action_reserve_stock()
        term = order.reservation_expiry_date
        self.assertTrue(term)
        for value in (False, None):
            with self.assertRaisesRegex(UserError, "Reservation Expires On", msg=value):
                order.write({"reservation_expiry_date": value})
        with self.assertRaisesRegex(UserError, "Reservation Expires On"):
            order.write({"order_line": [], "reservation_expiry_date": False})
        self.assertEqual(order.reservation_expiry_date, term)
        self.assertEqual(order.reservation_ids.date_expiry, term)
        order.reservation_expiry_date = self._today(3)  # a later term is fine
        self.assertEqual(order.reservation_ids.date_expiry, self._today(3))
        order.action_release_stock()
        order.reservation_expiry_date = False
        self.assertFalse(order.reservation_expiry_date)
        with self.assertRaisesRegex(UserError, "expire in the past"):
            order.action_reserve_stock()

    def test_reservation_days_bounds(self):
        company = self.env.company
        for value in (-1, 3651, 10_000_000, 2**40, 1.5, "14", [14]):
            with self.assertRaises(ValidationError, msg=value):
                company.write({"reservation_days": value})
            with self.assertRaises(ValidationError, msg=value):
                self.env["res.config.settings"].create({"reservation_days": value})
        self.env["res.config.settings"].create({"reservation_days": 3650}).execute()
        self.assertEqual(company.reservation_days, 3650)
        self.assertEqual(self._order(1).reservation_expiry_date, self._today(3650))
        with self.assertRaises(ValidationError):
            company.reserved_stock_policy = "maybe"

    def test_a_stored_absurd_setting_never_breaks_an_order(self):
        self.env.cr.execute(
            "UPDATE res_company SET reservation_days = 10000000 WHERE id = %s",
            [self.env.company.id],
        )
        self.env.company.invalidate_recordset(["reservation_days"])
        self.assertEqual(self._order(1).reservation_expiry_date, self._today(3650))

    def test_product_quantities(self):
        template = self.product.product_tmpl_id
        for value in (-1, float("nan"), float("inf"), 1e10, [5], "5"):
            with self.assertRaises(ValidationError, msg=value):
                template.write({"sale_qty_multiple": value})
            with self.assertRaises(ValidationError, msg=value):
                self.product.write({"low_stock_threshold": value})
        with self.assertRaises(UserError):
            self.product.with_user(self.stock_user).write({"low_stock_alerted": True})
        self.assertEqual(template.sale_qty_multiple, 0.0)

    def test_reservations_are_owned(self):
        order = self._order(2, user=self.salesman)
        order.action_reserve_stock()
        reservation = order.reservation_ids.with_user(self.salesman)
        for vals in (
            {"quantity": 9},
            {"state": "released"},
            {"product_id": self.service.id},
            {"expiry_warned": True},
            {"date_expiry": "2200-01-01"},
        ):
            with self.assertRaises(UserError, msg=vals):
                reservation.write(vals)
        with self.assertRaises(UserError):  # owned; and no write right (AccessError)
            reservation.with_user(self.stock_user).write({"quantity": 1})
        self.assertEqual(order.reservation_ids.quantity, 2.0)

    def test_bad_line_values_are_refused_cleanly(self):
        order = self._order(2, user=self.salesman)
        order.action_reserve_stock()
        line = order.order_line.with_user(self.salesman)
        for vals in (
            {"product_uom_qty": float("nan")},
            {"product_uom_qty": 1e300},
            {"product_uom_qty": [3]},
            {"product_uom_qty": "3"},
            {"product_id": [self.product.id]},
            {"product_id": 2**40},
            {"product_id": 999999999},
            {"product_uom": "dozen"},
        ):
            with self.assertRaises(UserError, msg=vals):
                line.write(vals)
        with self.assertRaises(UserError):
            order.with_user(self.salesman).write(
                {
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": float("inf")}
                        )
                    ]
                }
            )
        self.assertEqual((line.product_uom_qty, order.reservation_ids.quantity), (2.0, 2.0))

    def test_public_methods_refuse_bad_arguments(self):
        order = self._order(2, user=self.salesman)
        Order = self.env["sale.order"].with_user(self.salesman)
        missing = Order.browse(999999999)
        for method in ("action_reserve_stock", "action_release_stock"):
            with self.assertRaisesRegex(UserError, "do not exist"):
                getattr(missing, method)()
            for user in (self.employee, self.stock_user):
                with self.assertRaises(AccessError):
                    getattr(order.with_user(user), method)()
            with self.assertRaises(AccessError):
                getattr(order.with_user(self.salesman_b), method)()
        with self.assertRaisesRegex(UserError, "do not exist"):
            missing.action_create_supplier_orders()
        for mode in (["all"], {"all": 1}, None, 1, "ALL"):
            with self.assertRaises(UserError, msg=mode):
                order.with_user(self.salesman).action_create_supplier_orders(mode=mode)
        two = order | self._order(1)
        for method in ("action_view_reservations", "action_view_supplier_orders"):
            with self.assertRaisesRegex(UserError, "one at a time|one .* at a time"):
                getattr(two, method)()
            with self.assertRaises(UserError):
                getattr(Order, method)()
        purchase = self.env["purchase.order"].create({"partner_id": self.vendor.id})
        with self.assertRaises(UserError):
            (purchase | purchase.copy()).action_view_crm_sale_orders()
        far = self._order(1)
        far.reservation_expiry_date = "2200-12-31"
        far.action_reserve_stock()
        self.assertEqual(far.reservation_ids.date_expiry.year, 2200)
        self.assertFalse(order.reservation_ids)


@tagged("post_install", "-at_install")
class TestEveryFieldDeclared(SupplyCase):
    def test_every_stored_field_of_the_addon_is_declared(self):
        undeclared = []
        for model_name in sorted(self.env.registry.models):
            Model = self.env[model_name]
            fields_here = [
                name
                for name, field in Model._fields.items()
                if "crm_supply" in (field._modules or ())
                and (field.store or field.inverse)
                and not field.inherited
                and not field.automatic  # id, create_uid, write_date...
            ]
            if not fields_here:
                continue
            rules = Model._crm_policy()[0] if hasattr(Model, "_crm_policy") else {}
            undeclared += [f"{model_name}.{name}" for name in fields_here if name not in rules]
        self.assertEqual(undeclared, [])
        # owned fields are not copied (a copy would be refused)
        for model_name in ("sale.order", "purchase.order", "product.product"):
            Model = self.env[model_name]
            for name, rule in Model._crm_policy()[0].items():
                if rule.owner == "method":
                    self.assertFalse(Model._fields[name].copy, f"{model_name}.{name}")


@tagged("post_install", "-at_install")
class TestOrderLineValues(SupplyCase):
    def test_bad_line_values_through_the_order(self):
        """Found by fuzzing: a NaN, infinite or text quantity of a new line
        reached the order's totals (a traceback) before the line's checks."""
        for qty in (float("nan"), float("inf"), -1e308, "x", [1], {"a": 1}):
            with self.assertRaises(UserError, msg=qty):
                self._order(qty, user=self.salesman)
        order = self._order(1, user=self.salesman)
        for vals in ({"product_uom_qty": float("nan")}, {"product_id": 0}, {"product_uom": -1}):
            with self.assertRaises(UserError, msg=vals):
                order.write({"order_line": [Command.update(order.order_line.id, vals)]})
            with self.assertRaises(UserError, msg=vals):
                order.order_line.write(vals)
        self.assertEqual(order.order_line.product_uom_qty, 1.0)

    def test_empty_expiry_date_at_creation_is_the_default(self):
        order = self._order(1, reservation_expiry_date="")
        days = self.env.company.reservation_days
        self.assertEqual(order.reservation_expiry_date, self._today(days))


@tagged("post_install", "-at_install")
class TestPolicyMessageNamesTheHolders(SupplyCase):
    def test_only_holders_in_the_warehouse_and_company_are_named(self):
        """The message of the policy names the proformas holding the product in
        the warehouse of the check, never another warehouse's or another
        company's (a company-1 user must not learn company 2's order numbers)."""
        company_2 = self.env["res.company"].create({"name": "Supply Company 2"})
        warehouse_2 = self.env["stock.warehouse"].search([("company_id", "=", company_2.id)])
        self.env["stock.quant"]._update_available_quantity(
            self.product, warehouse_2.lot_stock_id, 10.0
        )
        foreign = (
            self.env["sale.order"]
            .with_company(company_2)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_2.id,
                    "warehouse_id": warehouse_2.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "product_uom_qty": 3})
                    ],
                }
            )
        )
        foreign.with_company(company_2).action_reserve_stock()
        second = self.env["stock.warehouse"].create({"name": "Supply Second", "code": "SUP2"})
        self.env["stock.quant"]._update_available_quantity(self.product, second.lot_stock_id, 10.0)
        # theirs too: left out for its warehouse, not for the user's rights
        elsewhere = self._order(3, user=self.salesman, warehouse_id=second.id)
        elsewhere.with_user(self.salesman).action_reserve_stock()
        # the salesperson's own proforma: named to them (a colleague's would
        # be counted: TestPolicyMessageNamesReadableHolders)
        holder = self._order(8, user=self.salesman)
        holder.with_user(self.salesman).action_reserve_stock()
        self._policy("block")
        order = self._order(5, user=self.salesman).with_user(self.salesman)
        with self.assertRaises(UserError) as refused:
            order.action_reserve_stock()
        message = str(refused.exception)
        self.assertIn(
            f"5.00 wanted, 2.00 free to sell (8.00 reserved by proformas: {holder.name})", message
        )
        self.assertNotIn(foreign.name, message)
        self.assertNotIn(elsewhere.name, message)


@tagged("post_install", "-at_install")
class TestHeldRefusalsNameReadableOrders(SupplyCase):
    """The refusals while proformas hold a product (its unit of measure; a
    reserved line moved to another order) count every active reservation, but
    name only the orders the user may read: never another company's proformas,
    nor those a salesperson with "own documents only" does not see; the others
    are counted. Refused all the same when the user may read none of them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Supply Held Company B"})
        cls.warehouse_b = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company_b.id)], limit=1
        )
        cls.novelty = cls.env["product.product"].create(
            {"name": "Supply Held Novelty", "is_storable": True}
        )
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        only_b = {"company_id": cls.company_b.id, "company_ids": [Command.set(cls.company_b.ids)]}
        cls.manager_b = new_test_user(
            cls.env, login="supply_held_manager_b", groups="stock.group_stock_manager", **only_b
        )
        cls.manager_a = new_test_user(
            cls.env, login="supply_held_manager_a", groups="stock.group_stock_manager"
        )

    def _held_by_a(self, user=None):
        order = self._order(2, product=self.novelty, user=user or self.salesman)
        order.with_user(user or self.salesman).action_reserve_stock()
        return order

    def _held_by_b(self):
        order = (
            self.env["sale.order"]
            .with_company(self.company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company_b.id,
                    "warehouse_id": self.warehouse_b.id,
                    "order_line": [
                        Command.create({"product_id": self.novelty.id, "product_uom_qty": 3})
                    ],
                }
            )
        )
        order.with_company(self.company_b).action_reserve_stock()
        return order

    def _unit_refusal(self, user):
        with self.assertRaises(UserError) as refused, self.env.cr.savepoint():
            self.novelty.product_tmpl_id.with_user(user).write({"uom_id": self.dozen.id})
        self.assertEqual(self.novelty.uom_id, self.env.ref("uom.product_uom_unit"))
        return str(refused.exception)

    def test_unit_refusal_to_another_company(self):
        order_a = self._held_by_a()
        # a user of company B only: company A's proforma is counted, not named
        message = self._unit_refusal(self.manager_b)
        self.assertNotIn(order_a.name, message)
        self.assertIn("Supply Held Novelty", message)
        self.assertIn("(1 order(s) you cannot access)", message)
        # held in both companies: each company's user is told of its own only
        order_b = self._held_by_b()
        message = self._unit_refusal(self.manager_b)
        self.assertNotIn(order_a.name, message)
        self.assertIn(f"({order_b.name} and 1 other order(s) you cannot access)", message)
        message = self._unit_refusal(self.manager_a)
        self.assertNotIn(order_b.name, message)
        self.assertIn(f"({order_a.name} and 1 other order(s) you cannot access)", message)
        # released in company A: company B's proforma still holds it
        order_a.with_user(self.salesman).action_release_stock()
        message = self._unit_refusal(self.manager_a)
        self.assertIn("(1 order(s) you cannot access)", message)

    def test_unit_refusal_to_a_salesperson_of_own_documents(self):
        """A salesperson with "own documents only" may not change a product's
        unit (no write access on products), but was refused by this check
        first, with the numbers of another salesperson's quotations."""
        theirs = self._held_by_a(self.salesman)
        own = self._held_by_a(self.salesman_b)
        message = self._unit_refusal(self.salesman_b)
        self.assertNotIn(theirs.name, message)
        self.assertIn(f"({own.name} and 1 other order(s) you cannot access)", message)
        own.with_user(self.salesman_b).action_release_stock()
        message = self._unit_refusal(self.salesman_b)
        self.assertNotIn(theirs.name, message)
        self.assertIn("(1 order(s) you cannot access)", message)

    def test_line_refusal_names_only_readable_orders(self):
        """A salesperson may not read another's line, so never reaches the
        refusal of moving it (an AccessError comes first); code moving it as
        superuser on their behalf gets the refusal, which names only what they
        may read, checked as the user, not as superuser."""
        theirs = self._held_by_a(self.salesman)
        own = self._order(1, product=self.product, user=self.salesman_b)
        line = theirs.order_line
        with self.assertRaises(AccessError):
            line.with_user(self.salesman_b).write({"order_id": own.id})
        with self.assertRaises(UserError) as refused, self.env.cr.savepoint():
            line.with_user(self.salesman_b).sudo().write({"order_id": own.id})
        message = str(refused.exception)
        self.assertNotIn(theirs.name, message)
        self.assertIn("(Supply Held Novelty on 1 order(s) you cannot access)", message)
        self.assertEqual(line.order_id, theirs)
        # its own salesperson is told which order
        with self.assertRaisesRegex(UserError, f"Supply Held Novelty on {theirs.name}\\)"):
            line.with_user(self.salesman).sudo().write({"order_id": own.id})


@tagged("post_install", "-at_install")
class TestPolicyMessageNamesReadableHolders(SupplyCase):
    """The reserved-stock policy's text (a refusal under "block", the chatter
    note under "warn"), when reserving, confirming or validating a delivery,
    names only the holding proformas the acting user may read and counts the
    others: a salesperson with "own documents only" is never told a
    colleague's proforma numbers, neither in the refusal nor in the note of
    their own order, which they read. 10 on hand of the product."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.item = cls.env["product.product"].create(
            {"name": "Supply Named Item", "is_storable": True, "list_price": 10.0}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.item, cls.stock, 10.0)
        cls.sales_manager = new_test_user(
            cls.env,
            login="supply_named_all_leads",
            groups="sales_team.group_sale_salesman_all_leads",
        )

    def _held_by(self, user, qty):
        order = self._order(qty, product=self.item, user=user)
        order.with_user(user).action_reserve_stock()
        return order

    def _sale(self, qty, user=None):
        user = user or self.salesman
        return self._order(qty, product=self.item, user=user).with_user(user)

    def _note(self, record):
        note = record.message_ids.filtered(lambda m: "takes stock reserved" in (m.body or ""))
        self.assertEqual(len(note), 1)
        return str(note.body)

    def test_block_counts_a_colleagues_proforma(self):
        theirs = self._held_by(self.salesman_b, 8)  # 2 free
        self._policy("block")
        order = self._sale(5)
        counted = "(8.00 reserved by proformas: 1 order(s) you cannot access)"
        for action in ("action_reserve_stock", "action_confirm"):
            with self.assertRaises(UserError) as refused, self.env.cr.savepoint():
                getattr(order, action)()
            message = str(refused.exception)
            self.assertNotIn(theirs.name, message, action)
            self.assertIn(f"Supply Named Item: 5.00 wanted, 2.00 free to sell {counted}", message)
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.reservation_ids)
        # their own proforma beside the colleague's: theirs named, the other counted
        own = self._held_by(self.salesman, 1)
        with self.assertRaises(UserError) as refused, self.env.cr.savepoint():
            self._sale(2).action_confirm()
        message = str(refused.exception)
        self.assertNotIn(theirs.name, message)
        self.assertIn(
            f"(9.00 reserved by proformas: {own.name} and 1 other order(s) you cannot access)",
            message,
        )

    def test_warn_note_counts_a_colleagues_proforma(self):
        theirs = self._held_by(self.salesman_b, 8)
        self._policy("warn")
        reserved = self._sale(5)
        reserved.action_reserve_stock()
        confirmed = self._sale(1)
        confirmed.action_confirm()
        note = self._note(reserved)
        self.assertNotIn(theirs.name, note)
        self.assertIn("(8.00 reserved by proformas: 1 order(s) you cannot access)", note)
        # the second one meets their own proforma too: named, the colleague's counted
        note = self._note(confirmed)
        self.assertNotIn(theirs.name, note)
        self.assertIn(
            f"(13.00 reserved by proformas: {reserved.name} and 1 other order(s) you cannot "
            "access)",
            note,
        )

    def test_delivery_validated_by_a_salesperson_counts_a_colleagues_proforma(self):
        """A salesperson who is a stock user too validates their delivery of
        4 (confirmed while the policy allowed it) once a colleague's proforma
        holds 8: 2 free for it, refused under block, noted under warn."""
        seller = new_test_user(
            self.env,
            login="supply_named_seller_stock",
            groups="sales_team.group_sale_salesman,stock.group_stock_user",
        )
        order = self._sale(4, user=seller)
        order.action_confirm()
        theirs = self._held_by(self.salesman_b, 8)
        picking = order.picking_ids.with_user(seller).with_context(skip_sms=True)
        counted = "(8.00 reserved by proformas: 1 order(s) you cannot access)"
        self._policy("block")
        with self.assertRaises(UserError) as refused, self.env.cr.savepoint():
            picking.button_validate()
        message = str(refused.exception)
        self.assertNotIn(theirs.name, message)
        self.assertIn(f"4.00 wanted, 2.00 free to sell {counted}", message)
        self.assertNotEqual(picking.state, "done")
        self._policy("warn")
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        note = self._note(picking)
        self.assertNotIn(theirs.name, note)
        self.assertIn(counted, note)

    def test_user_who_reads_every_order_is_told_their_numbers(self):
        """Named by the acting user's rights: a salesperson who sees all
        documents is told (and the note of their order names) every holder."""
        theirs = self._held_by(self.salesman_b, 5)
        other = self._held_by(self.salesman, 3)
        self._policy("block")
        with self.assertRaises(UserError) as refused, self.env.cr.savepoint():
            self._sale(5, user=self.sales_manager).action_confirm()
        message = str(refused.exception)
        self.assertNotIn("cannot access", message)
        self.assertIn(theirs.name, message)
        self.assertIn(other.name, message)
        self._policy("warn")
        order = self._sale(5, user=self.sales_manager)
        order.action_confirm()
        note = self._note(order)
        self.assertNotIn("cannot access", note)
        self.assertIn(theirs.name, note)
        self.assertIn(other.name, note)


@tagged("post_install", "-at_install")
class TestOneCallIsCheckedTogether(SupplyCase):
    """What one call takes for several orders is checked together: none of
    them has its delivery yet, so each one alone does not see what the others
    take. Stock 10; a proforma holds 5."""

    def setUp(self):
        super().setUp()
        self.holder = self._order(5)
        self.holder.action_reserve_stock()

    def test_orders_confirmed_together(self):
        """Two quotations of 5 beside 5 free to sell: confirmed in one call,
        both were confirmed (free to sell -5); one at a time, the second is
        refused."""
        a, b = self._order(5), self._order(5)
        self._policy("block")
        with self.assertRefused(
            rf"(?s)Confirming {a.name}, {b.name} takes .*"
            rf"Supply Widget: 10.00 wanted, 5.00 free to sell "
            rf"\(5.00 reserved by proformas: {self.holder.name}\): 5.00 taken from the proformas"
        ):
            (a | b).action_confirm()
        self.assertEqual((a.state, b.state), ("draft", "draft"))
        self.assertEqual(self._figures(), (5.0, 5.0))
        a.action_confirm()
        with self.assertRefused(f"Confirming {b.name} takes"):
            b.action_confirm()
        self.assertEqual(b.state, "draft")

    def test_orders_confirmed_together_are_warned_together(self):
        a, b, c = self._order(3), self._order(3), self._order(1, product=self.service)
        self._policy("warn")
        (a | b | c).action_confirm()
        self.assertEqual((a | b | c).mapped("state"), ["sale"] * 3)
        for order in a | b | c:
            note = order.message_ids.filtered(lambda m: "takes stock reserved" in (m.body or ""))
            self.assertEqual(len(note), 1, order.name)
            self.assertIn(f"Confirming {a.name}, {b.name}, {c.name}", note.body)
            self.assertIn("Supply Widget: 6.00 wanted, 5.00 free to sell", note.body)

    def test_lines_added_to_several_orders_together(self):
        a, b = self._order(1), self._order(1)
        (a | b).action_confirm()  # 10 on hand, 2 going out, 5 held: 3 free
        self._policy("block")
        Line = self.env["sale.order.line"]
        vals = [
            {"order_id": order.id, "product_id": self.product.id, "product_uom_qty": 2}
            for order in (a, b)
        ]
        with self.assertRefused(
            rf"(?s)Adding lines to {a.name}, {b.name} takes .*4.00 wanted, 3.00 free to sell"
        ):
            Line.create(vals)
        self.assertEqual((len(a.order_line), len(b.order_line)), (1, 1))
        # one at a time, the second is refused
        Line.create(vals[0])
        with self.assertRefused(rf"(?s)Adding lines to {b.name} takes .*2.00 wanted, 1.00 free"):
            Line.create(vals[1])
        self.assertEqual(len(b.order_line), 1)

    def test_lines_raised_on_several_orders_together(self):
        a, b = self._order(1), self._order(1)
        (a | b).action_confirm()  # 3 free
        self._policy("block")
        lines = a.order_line | b.order_line
        with self.assertRefused(
            rf"(?s)Raising the quantities of {a.name}, {b.name} takes .*4.00 wanted, 3.00 free"
        ):
            lines.write({"product_uom_qty": 3})
        self.assertEqual(lines.mapped("product_uom_qty"), [1.0, 1.0])
        self._policy("warn")
        lines.write({"product_uom_qty": 3})
        for order in a | b:
            note = order.message_ids.filtered(lambda m: "takes stock reserved" in (m.body or ""))
            self.assertIn(f"Raising the quantities of {a.name}, {b.name}", note.body)


@tagged("post_install", "-at_install")
class TestOnlyProformaUnitsAreRefused(SupplyCase):
    """The policy is about stock proformas hold: a document that takes more
    than is free to sell of a product no proforma holds is an ordinary
    backorder, as in plain Odoo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.empty = cls.env["product.product"].create({"name": "Empty Widget", "is_storable": True})

    def test_out_of_stock_product_nobody_reserves_is_sold(self):
        self._policy("block")
        other = self._order(2, product=self.empty, user=self.salesman)
        other.with_user(self.salesman).action_confirm()  # was "0 reserved by proformas -"
        self.assertEqual(other.state, "sale")
        order = self._order(5, product=self.empty, user=self.salesman)
        order.with_user(self.salesman).action_reserve_stock()
        self.assertEqual(order.reservation_ids.quantity, 5.0)
        # a third takes units the first one holds (none in stock): refused
        third = self._order(3, product=self.empty, user=self.salesman).with_user(self.salesman)
        with self.assertRefused(
            rf"Empty Widget: 3.00 wanted, 0.00 free to sell \(5.00 reserved by proformas: "
            rf"{order.name}\): 3.00 taken from the proformas"
        ):
            third.action_confirm()
        self.assertEqual(third.state, "draft")
        # released, nothing is held: an ordinary backorder
        order.with_user(self.salesman).action_release_stock()
        third.action_confirm()
        self.assertEqual(third.state, "sale")

    def test_taken_from_proformas_is_what_free_does_not_cover(self):
        holder = self._order(8)
        holder.action_reserve_stock()  # 2 free
        self._policy("block")
        with self.assertRefused(
            rf"Supply Widget: 5.00 wanted, 2.00 free to sell \(8.00 reserved by proformas: "
            rf"{holder.name}\): 3.00 taken from the proformas"
        ):
            self._order(5).action_confirm()
        self._order(2).action_confirm()

    def test_form_warns_only_when_proformas_hold_it(self):
        self._policy("warn")
        order = self._order(1, product=self.empty, user=self.salesman)
        form = Form(order.with_user(self.salesman))
        with self.assertNoLogs("odoo.tests.form.onchange", "WARNING"):
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 4
        self._order(2, product=self.empty).action_reserve_stock()
        form = Form(order.with_user(self.salesman))
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 3
        self.assertIn(
            "Empty Widget: 3.00 wanted, 0.00 free to sell; 2.00 are reserved", logs.output[0]
        )
