from odoo.tests import tagged

from .common import SupplyCase


@tagged("post_install", "-at_install")
class TestNotesWithoutEmail(SupplyCase):
    """The notes of the reserved-stock policy under "warn" are logged as Odoo
    logs its own flows' notes: a salesperson or a stock user without an
    e-mail address (Odoo refuses them a posted message, "Unable to send
    message") reserves, confirms and validates a delivery that takes held
    stock; the notes are theirs, internal notes. (Raising a confirmed line
    stays refused to them by Odoo's own note of the new quantity.)"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.salesman | cls.stock_user).partner_id.email = False

    def _assert_note(self, record, user):
        notes = record.message_ids.filtered(
            lambda m: "takes stock reserved by proformas" in str(m.body)
        )
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.author_id, user.partner_id)
        self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(notes.message_type, "notification")
        # the warning's lines kept apart, not their markup escaped
        self.assertIn("<br>", str(notes.body))
        return notes

    def test_reserve_and_confirm_without_email(self):
        self._policy("warn")
        self._order(8).action_reserve_stock()  # 10 on hand, 8 held: 2 free
        reserved = self._order(3, user=self.salesman)
        reserved.action_reserve_stock()
        self.assertEqual(reserved.reservation_ids.state, "reserved")
        self._assert_note(reserved, self.salesman)
        confirmed = self._order(3, user=self.salesman) | self._order(4, user=self.salesman)
        confirmed.action_confirm()
        self.assertEqual(set(confirmed.mapped("state")), {"sale"})
        for order in confirmed:
            self._assert_note(order, self.salesman)

    def test_delivery_validated_without_email(self):
        order = self._order(6)
        order.action_confirm()
        self._order(8).action_reserve_stock()
        self._policy("warn")
        picking = order.picking_ids.with_user(self.stock_user)
        picking.move_ids.quantity = 6
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(picking.state, "done")
        self._assert_note(picking, self.stock_user)
