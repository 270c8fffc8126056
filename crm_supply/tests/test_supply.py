from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.crm_suite_base.models.policy import privileged
from odoo.addons.crm_suite_base.tests.common import load_migration

from .common import SupplyCase


@tagged("post_install", "-at_install")
class TestProformaReservations(SupplyCase):
    def test_reserve_resync_release(self):
        order = self._order(4, user=self.salesman)
        self.assertEqual(self._figures(), (0.0, 10.0))
        self.assertTrue(order.action_reserve_stock())
        self.assertEqual(order.reservation_ids.quantity, 4.0)
        self.assertEqual(order.reservation_ids.date_expiry, self._today(14))
        self.assertEqual(self._figures(), (4.0, 6.0))
        # reserving again after an edit follows the lines, never doubles
        order.order_line.product_uom_qty = 6
        order.action_reserve_stock()
        self.assertEqual(
            order.reservation_ids.filtered(lambda r: r.state == "reserved").quantity, 6.0
        )
        self.assertEqual(self._figures(), (6.0, 4.0))
        # a quantity that drops releases the excess at once
        order.order_line.product_uom_qty = 2
        self.assertEqual(self._figures(), (2.0, 8.0))
        self.assertTrue(order.action_release_stock())
        self.assertEqual(self._figures(), (0.0, 10.0))
        self.assertEqual(order.reservation_ids.state, "released")

    def test_confirm_hands_over_to_the_delivery(self):
        order = self._order(4)
        order.action_reserve_stock()
        order.action_confirm()
        self.assertEqual(order.reservation_ids.state, "released")
        # the delivery's own reservation and outgoing quantity take over
        self.assertEqual(self._figures(), (0.0, 6.0))

    def test_cancel_releases(self):
        order = self._order(4)
        order.action_reserve_stock()
        order._action_cancel()
        self.assertEqual(order.reservation_ids.state, "released")
        self.assertEqual(self._figures(), (0.0, 10.0))

    def test_plain_state_write_of_a_reserved_quotation_is_refused(self):
        """A plain write of the state (as an XML-RPC client may send it) neither
        confirms nor cancels a reserved quotation: it did, and the reservations
        stayed held (a confirmed order without a delivery, the reserved-stock
        policy never checked). Confirm and Cancel, which write the state too,
        still release them."""
        self._policy("block")
        order = self._order(4, user=self.salesman)
        as_salesman = order.with_user(self.salesman)
        as_salesman.action_reserve_stock()
        for user in (self.salesman, self.env.user):
            for state in ("sale", "cancel", "done"):
                with self.assertRefused("cannot be written directly.*Confirm or Cancel"):
                    order.with_user(user).write({"state": state})
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.reservation_ids.state, "reserved")
        self.assertEqual(self._figures(), (4.0, 6.0))
        # the quotation's own states stay free
        as_salesman.write({"state": "sent"})
        as_salesman.action_draft()
        self.assertEqual(order.state, "draft")
        # Confirm: Odoo writes the state before crm_supply releases
        self.assertTrue(as_salesman.action_confirm())
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.reservation_ids.state, "released")
        self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 4.0)
        self.assertFalse(self.env.cr.cache.get("crm_supply.confirming_order_ids"))
        # Cancel
        other = self._order(3, user=self.salesman).with_user(self.salesman)
        other.action_reserve_stock()
        other.action_cancel()
        self.assertEqual(other.state, "cancel")
        self.assertEqual(other.reservation_ids.state, "released")
        # released by hand, the quotation is Odoo's again
        third = self._order(1, user=self.salesman).with_user(self.salesman)
        third.action_reserve_stock()
        third.action_release_stock()
        third.write({"state": "cancel"})
        self.assertEqual(third.state, "cancel")

    def test_writes_of_a_quotation_the_user_may_not_write_are_odoos_refusal(self):
        """A salesperson who may not write another's reserved quotation (own
        documents only) writing its status or clearing its Reservation Expires
        On over XML-RPC gets Odoo's AccessError, as for any other field. The
        checks of these writes read the reservations as superuser before Odoo's
        access check: the refusal named the quotation and told it held stock."""
        order = self._order(4, user=self.salesman)
        order.with_user(self.salesman).action_reserve_stock()
        other = order.with_user(self.salesman_b)
        for vals in ({"state": "sale"}, {"state": "cancel"}, {"reservation_expiry_date": False}):
            with self.subTest(vals=vals), self.assertRaises(AccessError) as caught:
                other.write(vals)
            self.assertNotIn(order.name, str(caught.exception))
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.reservation_expiry_date)
        self.assertEqual(order.reservation_ids.state, "reserved")

    def test_confirm_marks_only_its_own_write(self):
        """The quotations Odoo's Confirm marks for its write of the state are
        let through once, by that write; a context key marks nothing."""
        order = self._order(2)
        order.action_reserve_stock()
        order._prepare_confirmation_values()  # as action_confirm does before its write
        order.write({"state": "sale"})  # Odoo's write: through, once
        self.assertEqual(order.reservation_ids.state, "reserved")
        with self.assertRefused("cannot be written directly"):
            order.write({"state": "cancel"})
        # the context cannot mark them
        other = self._order(2)
        other.action_reserve_stock()
        with self.assertRefused("cannot be written directly"):
            other.with_context(**{"crm_supply.confirming_order_ids": other.ids}).write(
                {"state": "sale"}
            )

    def test_expiry_warns_once_then_expires(self):
        order = self._order(3)
        order.action_reserve_stock()
        Reservation = self.env["sale.stock.reservation"]
        order.reservation_expiry_date = self._today(1)
        Reservation._cron_expire()
        Reservation._cron_expire()
        self.assertEqual(len(order.activity_ids), 1, "warned once")
        self.assertEqual(order.reservation_ids.state, "reserved")
        order.reservation_expiry_date = self._today(-1)
        Reservation._cron_expire()
        self.assertEqual(order.reservation_ids.state, "expired")
        self.assertEqual(self._figures(), (0.0, 10.0))

    def test_moved_expiry_is_warned_again(self):
        """Moving Reservation Expires On re-arms the cron's warning: the new
        date is warned about two days before it too (the reservations stayed
        warned, and the extended term expired without a word). Whoever may
        write the quotation moves it: an invoicing user, who may not write
        the reservations, too."""
        order = self._order(3, user=self.salesman)
        order.with_user(self.salesman).action_reserve_stock()
        Reservation = self.env["sale.stock.reservation"]
        order.reservation_expiry_date = self._today(1)
        Reservation._cron_expire()
        self.assertTrue(order.reservation_ids.expiry_warned)
        expiry_type = self.env.ref("crm_supply.mail_activity_type_reservation_expiry")
        self.assertEqual(order.activity_ids.activity_type_id, expiry_type)
        # the salesperson extends it: not warned yet, ten days are left; the
        # warning about the old date goes
        order.with_user(self.salesman).reservation_expiry_date = self._today(10)
        self.assertFalse(order.reservation_ids.expiry_warned)
        self.assertFalse(order.activity_ids)
        Reservation._cron_expire()
        self.assertFalse(order.activity_ids)
        # two days before the new date, warned again, about the new date
        order.with_user(self.salesman).reservation_expiry_date = self._today(2)
        Reservation._cron_expire()
        self.assertEqual(len(order.activity_ids), 1)
        self.assertEqual(order.activity_ids.date_deadline, self._today(2))
        # a write of the same date re-arms nothing
        order.with_user(self.salesman).reservation_expiry_date = self._today(2)
        self.assertTrue(order.reservation_ids.expiry_warned)
        billing = new_test_user(
            self.env, login="supply_billing", groups="account.group_account_invoice"
        )
        order.with_user(billing).reservation_expiry_date = self._today(20)
        self.assertFalse(order.reservation_ids.expiry_warned)
        self.assertFalse(order.activity_ids)

    def test_reserving_more_lines_is_not_warned_twice(self):
        """A quotation warned about its expiry date that reserves more (a line
        added and Reserve Stock again, or a reserved line's product changed)
        keeps its one Reservation Expiry to-do: the new reservations expire on
        the same date, which the to-do already warns about. The cron made a
        second to-do for the new reservations, not warned yet."""
        Reservation = self.env["sale.stock.reservation"]
        order = self._order(3, user=self.salesman)
        as_salesman = order.with_user(self.salesman)
        as_salesman.action_reserve_stock()
        order.reservation_expiry_date = self._today(1)
        Reservation._cron_expire()
        self.assertEqual(len(order.activity_ids), 1)
        as_salesman.order_line = [
            Command.create({"product_id": self.product.id, "product_uom_qty": 1})
        ]
        as_salesman.action_reserve_stock()
        other = self.env["product.product"].create({"name": "Other Widget", "is_storable": True})
        as_salesman.order_line[0].product_id = other
        self.assertEqual(len(order.reservation_ids.filtered(lambda r: r.state == "reserved")), 2)
        Reservation._cron_expire()
        self.assertEqual(len(order.activity_ids), 1)
        self.assertEqual(order.activity_ids.date_deadline, self._today(1))
        self.assertTrue(all(order.reservation_ids.mapped("expiry_warned")))
        # a date moved is warned about again, once
        as_salesman.reservation_expiry_date = self._today(2)
        Reservation._cron_expire()
        self.assertEqual(len(order.activity_ids), 1)
        self.assertEqual(order.activity_ids.date_deadline, self._today(2))

    def test_expiry_warning_goes_with_the_reservation(self):
        """The expiry cron's to-do goes when what it warns about does: the
        stock released, the quotation confirmed, the reservation expired. The
        salesperson's other activities stay."""
        Reservation = self.env["sale.stock.reservation"]
        released, confirmed, expired = (self._order(1, user=self.salesman) for _i in range(3))
        for order in released | confirmed | expired:
            order.with_user(self.salesman).action_reserve_stock()
            order.reservation_expiry_date = self._today(1)
            order.activity_schedule("mail.mail_activity_data_todo", summary="Call the client")
        Reservation._cron_expire()
        for order in released | confirmed | expired:
            self.assertEqual(len(order.activity_ids), 2)
        released.with_user(self.salesman).action_release_stock()
        confirmed.with_user(self.salesman).action_confirm()
        # (as if the day had passed: the reservation's date only)
        privileged(expired.reservation_ids).write({"date_expiry": self._today(-1)})
        Reservation._cron_expire()
        self.assertEqual(expired.reservation_ids.state, "expired")
        for order in released | confirmed | expired:
            self.assertEqual(order.activity_ids.summary, "Call the client")

    def test_migration_dates_reservations_without_expiry(self):
        """Quotations whose Reservation Expires On was cleared while reserved
        (before it was refused) get their company's default term from today,
        and their reservations expire again; a quotation without reservations
        keeps no date."""
        cleared, released, kept = self._order(2), self._order(1), self._order(1)
        for order in cleared | released | kept:
            order.action_reserve_stock()
        released.action_release_stock()
        self.env.company.reservation_days = 5
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET reservation_expiry_date = NULL WHERE id = ANY(%s)",
            [(cleared | released).ids],
        )
        self.env.cr.execute(
            "UPDATE sale_stock_reservation SET date_expiry = NULL WHERE order_id = ANY(%s)",
            [(cleared | released).ids],
        )
        self.env.invalidate_all()
        self.assertFalse(cleared.reservation_ids.date_expiry)
        load_migration("crm_supply", "18.0.1.2.8").migrate(self.env.cr, "18.0.1.2.7")
        self.assertEqual(cleared.reservation_expiry_date, self._today(5))
        self.assertEqual(cleared.reservation_ids.date_expiry, self._today(5))
        self.assertFalse(released.reservation_expiry_date)
        self.assertEqual(kept.reservation_expiry_date, self._today(14))
        cleared.reservation_expiry_date = self._today(-1)
        self.env["sale.stock.reservation"]._cron_expire()
        self.assertEqual(cleared.reservation_ids.state, "expired")

    def _old_expiry_warning(self, order, date=None):
        """The expiry cron's warning as crm_supply made it before 18.0.1.2.11:
        a plain To-Do, its reservations marked warned."""
        reservations = order.reservation_ids.filtered(lambda r: r.state == "reserved")
        date = date or min(reservations.mapped("date_expiry"))
        activity = order.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=date,
            summary=self.env._("Stock reservation expires soon"),
            note=self.env._(
                "The goods reserved for %(order)s are released on %(date)s: confirm "
                "the order or extend the reservation.",
                order=order.name,
                date=date,
            ),
            user_id=order.user_id.id or self.env.uid,
        )
        if reservations:
            privileged(reservations).write({"expiry_warned": True})
        return activity

    def test_migration_retypes_old_expiry_warnings(self):
        """The expiry cron's plain to-dos of before 18.0.1.2.11 become
        Reservation Expiry to-dos, which go with their reservation; those
        already moot (the stock released, the quotation confirmed, the date
        moved) are removed; the users' own to-dos stay, even with the
        warning's summary or text."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        expiry_type = self.env.ref("crm_supply.mail_activity_type_reservation_expiry")
        current, moved, released, confirmed, other = (
            self._order(1, user=self.salesman) for _i in range(5)
        )
        for order in current | moved | released | confirmed | other:
            order.with_user(self.salesman).action_reserve_stock()
            order.reservation_expiry_date = self._today(1)
        old_current = self._old_expiry_warning(current)
        old_moved = self._old_expiry_warning(moved)
        old_released = self._old_expiry_warning(released)
        old_confirmed = self._old_expiry_warning(confirmed)
        # before 18.0.1.2.11: released, confirmed, and moved (the new date
        # warned about again), their old warnings stayed
        released.with_user(self.salesman).action_release_stock()
        confirmed.with_user(self.salesman).action_confirm()
        moved.with_user(self.salesman).reservation_expiry_date = self._today(2)
        old_moved_again = self._old_expiry_warning(moved)
        self.assertEqual(len(moved.activity_ids), 2)
        # the users' own to-dos: on a reserved quotation, one with the warning's
        # summary and a note of their own, one with the warning's text naming
        # another quotation, the warning's text on a quotation never reserved
        own = current.activity_schedule(
            "mail.mail_activity_data_todo", summary="Call the client", user_id=self.salesman.id
        )
        own |= other.activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Stock reservation expires soon",
            note="Ask the client for an extension.",
            user_id=self.salesman.id,
        )
        own |= other.activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Stock reservation expires soon",
            note=f"The goods reserved for {current.name} are released on "
            f"{self._today(1)}: confirm the order or extend the reservation.",
            user_id=self.salesman.id,
        )
        own |= self._old_expiry_warning(self._order(1, user=self.salesman), self._today(1))
        retyped, removed = load_migration("crm_supply", "18.0.1.2.12").retype_expiry_warnings(
            self.env
        )
        self.assertEqual(retyped, old_current | old_moved_again)
        self.assertEqual(retyped.activity_type_id, expiry_type)
        self.assertEqual(removed, old_moved | old_released | old_confirmed)
        self.assertFalse(removed.exists())
        self.assertEqual(own.exists(), own)
        self.assertEqual(own.activity_type_id, todo)
        self.assertEqual(moved.activity_ids, old_moved_again)
        # the hooks remove them now, and only them
        current.with_user(self.salesman).action_release_stock()
        moved.with_user(self.salesman).reservation_expiry_date = self._today(10)
        self.assertEqual(current.activity_ids, own[0])
        self.assertFalse(moved.activity_ids)
        self.assertEqual(own.exists(), own)
        # a second run finds nothing
        self.assertEqual(
            load_migration("crm_supply", "18.0.1.2.12").retype_expiry_warnings(self.env),
            (self.env["mail.activity"], self.env["mail.activity"]),
        )

    def test_client_file_counts_active_reservations(self):
        """The client file's Reservations counts what its button opens: the
        reservations still reserved, not the released, expired or confirmed
        ones (it counted every row)."""
        contact = self.env["res.partner"].create(
            {"name": "Supply Contact", "parent_id": self.customer.id}
        )
        orders = [self._order(1, user=self.salesman, partner_id=contact.id) for _i in range(4)]
        for order in orders:
            order.with_user(self.salesman).action_reserve_stock()
        active, released, expired, confirmed = orders
        released.with_user(self.salesman).action_release_stock()
        expired.reservation_expiry_date = self._today(-1)
        self.env["sale.stock.reservation"]._cron_expire()
        confirmed.with_user(self.salesman).action_confirm()
        self.assertEqual(
            [o.reservation_ids.state for o in orders],
            ["reserved", "released", "expired", "released"],
        )
        client = self.customer.with_user(self.salesman)
        self.assertEqual(client.crm_reservation_count, 1)
        action = client.action_view_crm_reservations()
        self.assertEqual(action["context"], {"search_default_reserved": 1})
        shown = (
            self.env["sale.stock.reservation"]
            .with_user(self.salesman)
            .search([*action["domain"], ("state", "=", "reserved")])
        )
        self.assertEqual(shown, active.reservation_ids)

    def test_bad_input(self):
        with self.assertRaisesRegex(UserError, "no storable product"):
            self._order(1, product=self.service).action_reserve_stock()
        order = self._order(2)
        order.reservation_expiry_date = self._today(-1)
        with self.assertRaisesRegex(UserError, "expire in the past"):
            order.action_reserve_stock()
        negative = self._order(2)
        negative.order_line.product_uom_qty = -2
        with self.assertRaisesRegex(UserError, "negative quantities"):
            negative.action_reserve_stock()
        confirmed = self._order(1)
        confirmed.action_confirm()
        with self.assertRaisesRegex(UserError, "only a quotation reserves"):
            confirmed.action_reserve_stock()
        self.assertFalse(
            self.env["sale.stock.reservation"].search(
                [
                    ("state", "=", "reserved"),
                    ("product_id", "in", (self.product | self.service).ids),
                ]
            )
        )

    def test_guarded_fields_and_access(self):
        order = self._order(2, user=self.salesman)
        order.action_reserve_stock()
        reservation = order.reservation_ids.with_user(self.salesman)
        with self.assertRaises(UserError):
            reservation.write({"quantity": 9})
        with self.assertRaises(UserError):
            reservation.write({"state": "released"})
        with self.assertRaises(UserError):
            self.env["sale.stock.reservation"].with_user(self.salesman).create(
                {
                    "order_id": order.id,
                    "product_id": self.product.id,
                    "quantity": 1,
                    "location_id": self.stock.id,
                }
            )
        with self.assertRaises(AccessError):
            order.with_user(self.salesman_b).action_reserve_stock()
        self.assertFalse(
            self.env["sale.stock.reservation"].with_user(self.salesman_b).search([])
            & order.reservation_ids
        )
        self.assertEqual(
            order.reservation_ids.with_user(self.stock_user).read(["quantity"])[0]["quantity"], 2.0
        )
        self.assertEqual(order.reservation_ids.quantity, 2.0)

    def test_label_while_picking(self):
        self._order(3).action_reserve_stock()
        label = self.product.with_context(
            crm_supply_stock_label=True, warehouse_id=self.warehouse.id
        ).display_name
        self.assertIn("free to sell: 7.00", label)
        self.assertIn("reserved: 3.00", label)
        template_label = self.product.product_tmpl_id.with_context(
            crm_supply_stock_label=True, warehouse_id=self.warehouse.id
        ).display_name
        self.assertIn("free to sell: 7.00", template_label)
        self.assertNotIn("free", self.product.display_name)
        line = self._order(1).order_line
        self.assertEqual((line.qty_reserved_proforma, line.qty_free_to_sell), (3.0, 7.0))

    def test_no_query_per_product(self):
        products = self.env["product.product"].create(
            [{"name": f"Bulk {i}", "is_storable": True} for i in range(30)]
        )
        ctx = {"warehouse_id": self.warehouse.id}

        def count(records):
            records = records.with_context(**ctx)
            records.invalidate_recordset()
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            for product in records:
                product.qty_free_to_sell  # noqa: B018  pylint: disable=pointless-statement
            return self.env.cr.sql_log_count - before

        count(products[:2])
        few = count(products[2:4])
        many = count(products)
        self.assertLessEqual(many, few)


@tagged("post_install", "-at_install")
class TestReservedStockPolicy(SupplyCase):
    def setUp(self):
        super().setUp()
        self.holder = self._order(8)
        self.holder.action_reserve_stock()

    def test_allow_by_default(self):
        self.assertEqual(self.env.company.reserved_stock_policy, "allow")
        other = self._order(5)
        other.action_reserve_stock()
        other.action_confirm()
        self.assertEqual(other.state, "sale")

    def test_warn(self):
        self._policy("warn")
        other = self._order(5)
        with self.env.cr.savepoint():
            result = other.order_line._onchange_reserved_stock_warning()
        self.assertIn("reserved by other proformas", result["warning"]["message"])
        other.action_reserve_stock()
        self.assertEqual(other.reservation_ids.quantity, 5.0)
        self.assertIn(self.holder.name, other.message_ids[0].body)
        other.action_confirm()
        self.assertEqual(other.state, "sale")

    def test_block(self):
        self._policy("block")
        other = self._order(5)
        with self.assertRaisesRegex(UserError, self.holder.name):
            other.action_reserve_stock()
        self.assertFalse(other.reservation_ids)
        with self.assertRefused("Supply Widget: 5.00 wanted, 2.00 free"):
            other.action_confirm()
        self.assertEqual(other.state, "draft")
        small = self._order(2)
        small.action_confirm()
        self.assertEqual(small.state, "sale")
        # the reserving order is never blocked by its own reservation
        self.holder.action_confirm()
        self.assertEqual(self.holder.state, "sale")

    def test_block_raising_a_confirmed_order(self):
        order = self._order(2)
        order.action_confirm()
        self._policy("block")
        with self.assertRaises(UserError):
            order.order_line.product_uom_qty = 5
        self.assertEqual(order.order_line.product_uom_qty, 2)

    def test_block_delivery_validation(self):
        self.holder.action_release_stock()
        order = self._order(6)
        order.action_confirm()
        self.holder.action_reserve_stock()  # 8.00 wanted, 4.00 free: allowed by the policy
        self._policy("block")
        # stock lost: 8 on hand, 6 to deliver, 8 held by the proforma
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock, -2.0)
        picking = order.picking_ids
        picking.move_ids.quantity = 6
        with self.assertRaisesRegex(UserError, "Validating"):
            picking.button_validate()
        self.assertNotEqual(picking.state, "done")


@tagged("post_install", "-at_install")
class TestSupplierOrders(SupplyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create({"name": "Supply Vendor"})
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.product.seller_ids = [
            Command.create(
                {"partner_id": cls.vendor.id, "price": 3.0, "min_qty": 5, "currency_id": cls.eur.id}
            )
        ]
        cls.buyer = new_test_user(
            cls.env,
            login="supply_buyer",
            groups="sales_team.group_sale_salesman,purchase.group_purchase_user",
        )

    def test_shortfall_grouped_and_reused(self):
        order = self._order(12, user=self.buyer).with_user(self.buyer)
        action = order.action_create_supplier_orders()
        purchase = self.env["purchase.order"].browse(action["res_id"])
        self.assertEqual(purchase.partner_id, self.vendor)
        self.assertEqual(purchase.currency_id, self.eur)
        self.assertEqual(purchase.order_line.product_qty, 5.0, "2 short, vendor minimum 5")
        self.assertEqual(purchase.order_line.price_unit, 3.0)
        self.assertEqual(order.crm_purchase_order_ids, purchase)
        self.assertEqual(purchase.crm_sale_order_ids, order)
        # ordering again for the same document orders nothing more: its draft
        # supplier order already orders its shortfall
        again = order.action_create_supplier_orders()
        self.assertEqual(again["res_id"], purchase.id)
        self.assertEqual(purchase.order_line.product_qty, 5.0)
        # another document reuses the open draft of the vendor: the vendor
        # minimum is the line's, not added once per document (5 + 3, not 5 + 5)
        second = self._order(13, user=self.buyer).with_user(self.buyer)
        second.action_create_supplier_orders()
        self.assertEqual(second.crm_purchase_order_ids, purchase)
        self.assertEqual(purchase.crm_sale_order_ids, order | second)
        self.assertEqual(purchase.order_line.product_qty, 8.0)
        third = self._order(20)
        third.action_create_supplier_orders(mode="all")
        self.assertEqual(purchase.order_line.product_qty, 28.0)

    def test_supplier_order_names_its_documents(self):
        """As Odoo's buy rule: a new supplier order's Source Document is the
        name of the document it orders for; a draft reused for another
        document gets that name added, after what it has (a buyer's own text
        is kept); ordering again adds no name twice. Written as the purchase
        user writes Odoo's field, not through the suite's privileged path."""
        order = self._order(12, user=self.buyer).with_user(self.buyer)
        order.action_create_supplier_orders()
        purchase = order.crm_purchase_order_ids
        self.assertEqual(purchase.origin, order.name)
        second = self._order(13, user=self.buyer).with_user(self.buyer)
        second.action_create_supplier_orders()
        self.assertEqual(second.crm_purchase_order_ids, purchase)
        self.assertEqual(purchase.origin, f"{order.name}, {second.name}")
        # both again, in one call: 17 more on the same draft, no name twice
        (order | second).action_create_supplier_orders(mode="all")
        self.assertEqual(purchase.order_line.product_qty, 25.0)
        self.assertEqual(purchase.origin, f"{order.name}, {second.name}")
        # the buyer's own text stays; a third document's name comes after it
        purchase.with_user(self.buyer).origin += ", by phone"
        third = self._order(14, user=self.buyer).with_user(self.buyer)
        third.action_create_supplier_orders()
        self.assertEqual(third.crm_purchase_order_ids, purchase)
        self.assertEqual(purchase.origin, f"{order.name}, {second.name}, by phone, {third.name}")

    def test_documents_ordered_at_once_name_their_supplier_order(self):
        """Two documents short of the same product in one call: one new
        supplier order, named after both, in the documents' order."""
        first = self._order(12, user=self.buyer).with_user(self.buyer)
        second = self._order(11, user=self.buyer).with_user(self.buyer)
        (first | second).action_create_supplier_orders()
        purchase = first.crm_purchase_order_ids
        self.assertEqual(second.crm_purchase_order_ids, purchase)
        self.assertEqual(purchase.origin, f"{first.name}, {second.name}")

    def test_shortfall_of_a_confirmed_order(self):
        """Stock 4, an order of 10: 6 short, as a quotation and once confirmed.
        Free to sell counts the confirmed order's own delivery as outgoing (-6):
        its quantity is added back before the figure is clamped at 0, once per
        product however many lines it has."""
        product = self.env["product.product"].create(
            {
                "name": "Short Widget",
                "is_storable": True,
                "seller_ids": [Command.create({"partner_id": self.vendor.id, "price": 1.0})],
            }
        )
        self.env["stock.quant"]._update_available_quantity(product, self.stock, 4.0)
        quotation = self._order(10, product=product, user=self.buyer).with_user(self.buyer)
        self.assertEqual(quotation._supply_needs("shortfall"), {quotation.order_line: 6.0})
        order = self._order(5, product=product, user=self.buyer).with_user(self.buyer)
        order.order_line = [Command.create({"product_id": product.id, "product_uom_qty": 5})]
        order.action_confirm()
        self.assertEqual(sum(order._supply_needs("shortfall").values()), 6.0)
        order.action_create_supplier_orders()
        self.assertEqual(order.crm_purchase_order_ids.order_line.product_qty, 6.0)

    def test_all_after_shortfall_orders_the_rest(self):
        order = self._order(12)
        order.action_create_supplier_orders()
        purchase = order.crm_purchase_order_ids
        self.assertEqual(purchase.order_line.product_qty, 5.0)
        order.action_create_supplier_orders(mode="all")
        self.assertEqual(order.crm_purchase_order_ids, purchase)
        self.assertEqual(purchase.order_line.product_qty, 12.0)

    def test_price_break_in_the_purchase_unit(self):
        """12 Units are 1 Dozen: a vendor selling by 2 Dozens at least does not
        apply (the quantity was taken as 12 Dozens)."""
        dozen = self.env.ref("uom.product_uom_dozen")
        bulk, retail = self.env["res.partner"].create(
            [{"name": "Bulk Vendor"}, {"name": "Retail Vendor"}]
        )
        product = self.env["product.product"].create(
            {
                "name": "Dozen Widget",
                "is_storable": True,
                "uom_po_id": dozen.id,
                "seller_ids": [
                    Command.create({"partner_id": bulk.id, "price": 50.0, "min_qty": 2}),
                    Command.create({"partner_id": retail.id, "price": 60.0}),
                ],
            }
        )
        order = self._order(12, product=product, user=self.buyer).with_user(self.buyer)
        order.action_create_supplier_orders(mode="all")
        purchase = order.crm_purchase_order_ids
        self.assertEqual(purchase.partner_id, retail)
        line = purchase.order_line
        self.assertEqual((line.product_qty, line.product_uom), (1.0, dozen))

    def test_vendor_of_another_company_is_no_vendor(self):
        """A product whose only vendor belongs to another company has no vendor
        for this company's order, even for a user working in both companies:
        it is named in the error, and no purchase order is made (one was
        created without a vendor, a NOT NULL violation)."""
        company, company_b = (
            self.env.company,
            self.env["res.company"].create({"name": "Supply Vendor Company"}),
        )
        foreign = self.env["product.product"].create(
            {
                "name": "Foreign Part",
                "is_storable": True,
                "seller_ids": [
                    Command.create(
                        {"partner_id": self.vendor.id, "price": 1.0, "company_id": company_b.id}
                    )
                ],
            }
        )
        user = new_test_user(
            self.env,
            login="supply_buyer_two_companies",
            groups="sales_team.group_sale_salesman,purchase.group_purchase_user",
            company_id=company.id,
            company_ids=[Command.set((company | company_b).ids)],
        )
        order = self._order(3, user=user)
        order.order_line = [Command.create({"product_id": foreign.id, "product_uom_qty": 2})]
        order = order.with_user(user).with_context(allowed_company_ids=(company | company_b).ids)
        self.assertTrue(foreign.with_env(order.env).seller_ids, "the user sees the vendor")
        with self.assertRefused("no vendor: Foreign Part"):
            order.action_create_supplier_orders(mode="all")
        self.assertFalse(order.crm_purchase_order_ids)
        self.assertFalse(
            self.env["purchase.order"].search([("order_line.product_id", "=", self.product.id)])
        )

    def test_nothing_short_or_no_vendor(self):
        with self.assertRaisesRegex(UserError, "Nothing to order"):
            self._order(3).action_create_supplier_orders()
        orphan = self.env["product.product"].create({"name": "Orphan Part", "is_storable": True})
        with self.assertRaisesRegex(UserError, "Orphan Part"):
            self._order(1, product=orphan).action_create_supplier_orders()
        with self.assertRaises(UserError):
            self._order(1).action_create_supplier_orders(mode="bogus")
