"""Deleting a reserved quotation line, or a whole quotation: the reservations
are released as Release Stock does, not erased behind the policy's back."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import SupplyCase


@tagged("post_install", "-at_install")
class TestReservedLineDeleted(SupplyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bolt = cls.env["product.product"].create(
            {"name": "Supply Unlink Bolt", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.bolt, cls.stock, 10.0)
        cls.manager = new_test_user(
            cls.env, login="supply_unlink_manager", groups="sales_team.group_sale_manager"
        )
        cls.expiry_type = cls.env.ref("crm_supply.mail_activity_type_reservation_expiry")

    def _warned(self, user=None):
        """A quotation of 4 widgets and 3 bolts, reserved, expiring tomorrow and
        warned about by the expiry cron (its to-do)."""
        order = self._order(4, user=user or self.salesman, reservation_expiry_date=self._today(1))
        order.write(
            {"order_line": [Command.create({"product_id": self.bolt.id, "product_uom_qty": 3})]}
        )
        order.action_reserve_stock()
        self.env["sale.stock.reservation"]._cron_expire()
        self.assertEqual(order.activity_ids.activity_type_id, self.expiry_type)
        return order

    def _traces(self, reservations):
        """The chatter rows (messages, followers) of ``reservations``, in SQL:
        those of a deleted record are no longer reachable by the ORM."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT (SELECT count(*) FROM mail_message
                        WHERE model = 'sale.stock.reservation' AND res_id = ANY(%(ids)s)),
                      (SELECT count(*) FROM mail_followers
                        WHERE res_model = 'sale.stock.reservation' AND res_id = ANY(%(ids)s))""",
            {"ids": reservations.ids},
        )
        return self.env.cr.fetchone()

    def test_a_deleted_line_releases_its_reservation(self):
        order = self._warned()
        widget_line, bolt_line = order.order_line
        widget, bolt = order.reservation_ids.sorted(lambda r: r.order_line_id.id)
        self.assertEqual(self._figures(), (4.0, 6.0))
        # the form's way: the quotation's write deletes the line
        order.write({"order_line": [Command.delete(widget_line.id)]})
        self.assertTrue(widget.exists(), "the reservation stays, as history")
        self.assertEqual(
            (widget.state, widget.order_line_id, widget.order_id, widget.product_id),
            ("released", self.env["sale.order.line"], order, self.product),
        )
        self.assertEqual(widget.quantity, 4.0)
        self.assertEqual(self._figures(), (0.0, 10.0))
        # the bolts are still held: their warning stays
        self.assertEqual(bolt.state, "reserved")
        self.assertEqual(order.activity_ids.activity_type_id, self.expiry_type)
        # a plain unlink of the last reserved line: nothing is held, the to-do goes
        bolt_line.unlink()
        self.assertEqual((bolt.state, bolt.order_line_id.id), ("released", False))
        self.assertEqual(self._figures(self.bolt), (0.0, 10.0))
        self.assertFalse(order.activity_ids)
        self.assertFalse(order.has_reservation)
        # reserving again makes new reservations beside the history
        order.write(
            {"order_line": [Command.create({"product_id": self.bolt.id, "product_uom_qty": 2})]}
        )
        order.action_reserve_stock()
        self.assertEqual(self._figures(self.bolt), (2.0, 8.0))
        self.assertEqual(
            sorted(order.reservation_ids.mapped("state")), ["released", "released", "reserved"]
        )

    def test_the_foreign_key_keeps_the_history(self):
        field = self.env["sale.stock.reservation"]._fields["order_line_id"]
        self.assertEqual(field.ondelete, "set null")
        self.assertFalse(field.required)
        self.env.cr.execute(
            """SELECT confdeltype FROM pg_constraint
                WHERE conrelid = 'sale_stock_reservation'::regclass AND contype = 'f'
                  AND conkey = ARRAY[(SELECT attnum FROM pg_attribute
                                       WHERE attrelid = 'sale_stock_reservation'::regclass
                                         AND attname = 'order_line_id')]::smallint[]"""
        )
        self.assertEqual(self.env.cr.fetchall(), [("n",)])

    def test_a_manager_deletes_a_reserved_quotation(self):
        order = self._warned()
        reservations = order.reservation_ids
        self.assertEqual(self._figures(), (4.0, 6.0))
        self.assertNotEqual(self._traces(reservations), (0, 0))
        order.with_user(self.manager).unlink()
        self.assertFalse(order.exists())
        # the reservations go with their quotation, and their chatter with them
        self.assertFalse(reservations.exists())
        self.assertEqual(self._traces(reservations), (0, 0))
        self.assertEqual(self._figures(), (0.0, 10.0))
        self.assertEqual(self._figures(self.bolt), (0.0, 10.0))

    def test_a_cancelled_quotation_deleted_leaves_no_trace(self):
        order = self._warned()
        reservations = order.reservation_ids
        order._action_cancel()
        self.assertEqual(set(reservations.mapped("state")), {"released"})
        order.with_user(self.manager).unlink()
        self.assertFalse(reservations.exists())
        self.assertEqual(self._traces(reservations), (0, 0))

    def test_a_sent_quotation_is_not_deleted(self):
        order = self._warned()
        order.action_quotation_sent()
        with self.assertRaisesRegex(UserError, "You can not delete a sent quotation"):
            order.with_user(self.manager).unlink()
        self.assertEqual(set(order.reservation_ids.mapped("state")), {"reserved"})
        self.assertEqual(self._figures(), (4.0, 6.0))
