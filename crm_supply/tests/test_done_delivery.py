"""The reserved-stock policy holds after a delivery is validated: a stock
user who unlocks a done delivery and raises the quantity of a done move line,
or adds a move line or a move to it, makes Odoo take the extra goods from the
stock then (``stock.move.line`` create and write of done lines). What that
takes beyond what was done is checked as the validation checks what it takes:
refused under "block", noted in the transfer's chatter under "warn"; a
decrease, or an edit that takes nothing more, stays allowed."""

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import SupplyCase


@tagged("post_install", "-at_install")
class TestDoneDeliveryRaised(SupplyCase):
    """5 on hand; an order of 2 confirmed and delivered while the policy
    allowed it (3 left); then a proforma holds 2: 1 is free to sell."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.item = cls.env["product.product"].create(
            {"name": "Done Item", "is_storable": True, "list_price": 10.0}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.item, cls.stock, 5.0)
        cls.customers = cls.env.ref("stock.stock_location_customers")
        # a salesperson with "own documents only" who is a stock user too: the
        # user who edits the done delivery of their order (Odoo's own code then
        # reads the order and its journal entries, which a stock user alone
        # may not always read); the proforma, not theirs, is counted, not named
        cls.seller = new_test_user(
            cls.env,
            login="done_seller_stock",
            groups="sales_team.group_sale_salesman,stock.group_stock_user",
        )

    def setUp(self):
        super().setUp()
        order = self._order(2, product=self.item, user=self.seller)
        order.action_confirm()
        picking = order.picking_ids.with_context(skip_sms=True)
        picking.move_ids.quantity = 2
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.order = order
        self.holder = self._order(2, product=self.item)
        self.holder.action_reserve_stock()
        self.assertEqual(self._figures(self.item), (2.0, 1.0))
        # unlocked by a stock manager, edited by a stock user (a form or an
        # XML-RPC client: Odoo's lock is the form's only)
        picking.action_toggle_is_locked()
        self.picking = picking.with_user(self.seller)
        self.line = self.picking.move_line_ids

    def _on_hand(self, location=None):
        quants = self.env["stock.quant"].search(
            [("product_id", "=", self.item.id), ("location_id", "=", (location or self.stock).id)]
        )
        return sum(quants.mapped("quantity"))

    def _notes(self):
        return self.picking.message_ids.filtered(lambda m: "takes stock reserved" in (m.body or ""))

    def _refusal(self, wanted, free="1.00"):
        return (
            f"(?s)Raising the done quantities of {self.picking.name} takes stock reserved by "
            f"proformas:\nDone Item: {wanted} wanted, {free} free to sell \\(2.00 reserved by "
            "proformas: 1 order\\(s\\) you cannot access\\)"
        )

    def _hold_more(self, qty):
        holder = self._order(qty, product=self.item)
        holder.action_reserve_stock()
        return holder

    def _new_line_values(self, qty, **vals):
        return {
            "move_id": self.picking.move_ids.id,
            "picking_id": self.picking.id,
            "product_id": self.item.id,
            "product_uom_id": self.item.uom_id.id,
            "location_id": self.stock.id,
            "location_dest_id": self.customers.id,
            "quantity": qty,
            **vals,
        }

    def test_block_refuses_raising_a_done_quantity(self):
        self._policy("block")
        with self.assertRefused(self._refusal("2.00")):
            self.line.write({"quantity": 4})
        # through the move's quantity (the form's Quantity column) alike
        with self.assertRefused(self._refusal("2.00")):
            self.picking.move_ids.write({"quantity": 4})
        self.assertEqual(self.line.quantity, 2.0)
        self.assertEqual(self.picking.move_ids.quantity, 2.0)
        self.assertEqual(self._on_hand(), 3.0)
        self.assertEqual(self._figures(self.item), (2.0, 1.0))
        # the extra only: 1 more is free to sell
        self.line.write({"quantity": 3})
        self.assertEqual(self._on_hand(), 2.0)
        self.assertEqual(self._on_hand(self.customers), 3.0)
        self.assertFalse(self._notes())

    def test_block_refuses_a_new_done_line(self):
        self._policy("block")
        MoveLine = self.env["stock.move.line"].with_user(self.seller)
        with self.assertRefused(self._refusal("2.00")):
            MoveLine.create(self._new_line_values(2))
        # a line given its picking only: Odoo adds a done move for it
        with self.assertRefused(self._refusal("2.00")):
            MoveLine.create(self._new_line_values(2, move_id=False))
        # a move added to the done picking (the form's new line), done at once
        Move = self.env["stock.move"].with_user(self.seller)
        with self.assertRefused(self._refusal("2.00")):
            Move.with_context(default_picking_id=self.picking.id).create(
                {
                    "name": self.item.name,
                    "picking_id": self.picking.id,
                    "product_id": self.item.id,
                    "product_uom": self.item.uom_id.id,
                    "location_id": self.stock.id,
                    "location_dest_id": self.customers.id,
                    "quantity": 2,
                }
            )
        self.assertEqual(self.picking.move_line_ids, self.line)
        self.assertEqual(self._on_hand(), 3.0)
        # the extra only: 1 is free to sell
        MoveLine.create(self._new_line_values(1))
        self.assertEqual(self._on_hand(), 2.0)

    def test_warn_notes_what_a_raise_takes(self):
        """Under warn the raise goes through and leaves the note a validation
        leaves (the policy's text, one line per product, logged by the user
        who acted), naming only the holders that user may read: the
        salesperson of the delivered order may not read the proforma."""
        self._policy("warn")
        self.line.write({"quantity": 4})
        self.assertEqual(self.line.quantity, 4.0)
        self.assertEqual(self._on_hand(), 1.0)
        note = self._notes()
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.seller.partner_id)
        self.assertIn(
            f"Raising the done quantities of {self.picking.name} takes stock reserved by "
            "proformas:<br>Done Item: 2.00 wanted, 1.00 free to sell (2.00 reserved by "
            "proformas: 1 order(s) you cannot access): 1.00 taken from the proformas",
            str(note.body),
        )
        self.assertNotIn(self.holder.name, str(note.body))
        # a new done line alike: 1 on hand, all of it held
        self.env["stock.move.line"].with_user(self.seller).create(self._new_line_values(1))
        self.assertEqual(self._on_hand(), 0.0)
        notes = self._notes()
        self.assertEqual(len(notes), 2)
        self.assertIn(
            "Done Item: 1.00 wanted, 0.00 free to sell (2.00 reserved by proformas: 1 "
            "order(s) you cannot access): 1.00 taken from the proformas",
            str((notes - note).body),
        )

    def test_decrease_and_unchanged_quantity_pass(self):
        self._policy("block")
        shelf = self.env["stock.location"].create(
            {"name": "Done Shelf", "location_id": self.stock.id, "usage": "internal"}
        )
        self.env["stock.quant"]._update_available_quantity(self.item, shelf, 2.0)
        self.assertEqual(self._figures(self.item), (2.0, 3.0))
        self._hold_more(3)
        self.assertEqual(self._figures(self.item), (5.0, 0.0))
        # taken from another shelf of the warehouse: nothing more leaves it
        self.line.write({"location_id": shelf.id})
        self.assertEqual(self._on_hand(shelf), 0.0)
        self.line.write({"quantity": 2, "location_id": self.stock.id})
        self.line.write({"quantity": 1})
        self.assertEqual(self.line.quantity, 1.0)
        self.assertEqual(self._on_hand(), 4.0)
        self.assertEqual(self._on_hand(self.customers), 1.0)
        self.assertFalse(self._notes())

    def test_allow_passes(self):
        self.assertEqual(self.env.company.reserved_stock_policy, "allow")
        self.line.write({"quantity": 4})
        self.env["stock.move.line"].with_user(self.seller).create(self._new_line_values(1))
        self.assertEqual(self._on_hand(), 0.0)
        self.assertFalse(self._notes())

    def test_block_refuses_raising_lines_of_two_pickings_together(self):
        """Two done deliveries raised in one write are checked together, as
        the pickings validated together are: 1 more and 2 more, 3 in all."""
        second = self._order(1, product=self.item, user=self.seller)
        self.holder.action_release_stock()
        second.action_confirm()
        picking = second.picking_ids.with_context(skip_sms=True)
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking.button_validate()
        self.holder.action_reserve_stock()  # 2 on hand, 2 held: 0 free
        self._policy("block")
        lines = (self.line | picking.move_line_ids).with_user(self.seller)
        with self.assertRaisesRegex(UserError, "Done Item: 3.00 wanted, 0.00 free to sell"):
            with self.env.cr.savepoint():
                lines.write({"quantity": 3})
        self.assertEqual(lines.mapped("quantity"), [2.0, 1.0])
