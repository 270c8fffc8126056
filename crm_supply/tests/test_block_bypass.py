"""The reserved-stock policy cannot be bypassed: a confirmed line is checked on
what its moves do not procure yet (an order written to *sale* without
action_confirm, a quantity Odoo recomputed from the packaging quantity), a
plain write of the state to *sale* is checked as a confirmation, a transfer of
any operation type that takes goods out of the warehouse is checked as a
delivery; cancelled documents order nothing from suppliers; the policy's notes
keep their lines apart in the chatter."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import SupplyCase


@tagged("post_install", "-at_install")
class TestBlockBypass(SupplyCase):
    """5 on hand; a proforma holds 4: 1 is free to sell. A salesperson sells."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.item = cls.env["product.product"].create(
            {"name": "Bypass Item", "is_storable": True, "list_price": 10.0}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.item, cls.stock, 5.0)
        cls.box = cls.env["product.packaging"].create(
            {"name": "Box of 10", "product_id": cls.item.id, "qty": 10.0, "sales": True}
        )
        cls.customers = cls.env.ref("stock.stock_location_customers")

    def _hold(self, qty):
        holder = self._order(qty, product=self.item)
        holder.action_reserve_stock()
        return holder

    def _sale(self, qty):
        return self._order(qty, product=self.item, user=self.salesman).with_user(self.salesman)

    def _delivered(self, order):
        return sum(
            order.picking_ids.move_ids.filtered(lambda m: m.state != "cancel").mapped(
                "product_uom_qty"
            )
        )

    # ------------------------------------------------------------------
    # 1. confirmed lines: what their moves do not procure yet
    # ------------------------------------------------------------------

    def test_plain_write_of_the_state_is_checked_as_a_confirmation(self):
        self._hold(4)
        self._policy("block")
        order = self._sale(3)
        with self.assertRefused("Bypass Item: 3.00 wanted, 1.00 free to sell"):
            order.action_confirm()
        with self.assertRefused("(?s)Confirming .*Bypass Item: 3.00 wanted, 1.00 free to sell"):
            order.write({"state": "sale"})
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.picking_ids)

    def test_line_of_an_order_without_delivery_is_checked_on_all_it_takes(self):
        # written to sale while the policy allowed it: no delivery yet
        order = self._sale(3)
        order.write({"state": "sale"})
        self.assertFalse(order.picking_ids)
        self._hold(4)
        self._policy("block")
        line = order.order_line
        # the same quantity again: sale_stock would procure all 3
        with self.assertRefused("Bypass Item: 3.00 wanted, 1.00 free to sell"):
            line.write({"product_uom_qty": 3})
        self.assertFalse(order.picking_ids)
        self.assertEqual(self._figures(self.item), (4.0, 1.0))

    def test_packaging_quantity_of_a_confirmed_line_is_checked(self):
        order = self._sale(1)
        order.action_confirm()
        self._hold(3)  # 5 on hand, 1 going out, 3 held: 1 free
        self._policy("block")
        line = order.order_line
        # Odoo recomputes the quantity: 30, 29 more than the delivery's 1
        with self.assertRefused("Bypass Item: 29.00 wanted, 1.00 free to sell"):
            line.write({"product_packaging_id": self.box.id, "product_packaging_qty": 3})
        self.assertEqual(line.product_uom_qty, 1.0)
        self.assertEqual(self._delivered(order), 1.0)

    def test_quantity_recomputed_from_the_packaging_is_procured_through_the_policy(self):
        order = self._sale(1)
        order.action_confirm()
        line = order.order_line
        # allowed then: the line says 30, its delivery still 1 (Odoo procures
        # at a write of the quantity only)
        line.write({"product_packaging_id": self.box.id, "product_packaging_qty": 3})
        self.assertEqual(line.product_uom_qty, 30.0)
        self.assertEqual(self._delivered(order), 1.0)
        self._hold(3)
        self._policy("block")
        # the same quantity again: 29 procured more
        with self.assertRefused("Bypass Item: 29.00 wanted, 1.00 free to sell"):
            line.write({"product_uom_qty": 30})
        self.assertEqual(self._delivered(order), 1.0)

    def test_allowed_plain_state_write_and_procurement_are_odoos(self):
        order = self._sale(3)
        order.write({"state": "sale"})
        order.order_line.write({"product_uom_qty": 3})
        self.assertEqual(self._delivered(order), 3.0)

    def test_warn_on_a_plain_write_of_the_state(self):
        self._hold(4)
        self._policy("warn")
        order = self._sale(3)
        order.write({"state": "sale"})
        self.assertEqual(order.state, "sale")
        note = order.message_ids.filtered(lambda m: "takes stock reserved" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn(f"Confirming {order.name}", note.body)

    # ------------------------------------------------------------------
    # 2. transfers leaving the warehouse, whatever their operation type
    # ------------------------------------------------------------------

    def _transfer(self, qty, destination, user=None):
        Picking = self.env["stock.picking"].with_user(user or self.stock_user)
        picking = Picking.create(
            {
                "picking_type_id": self.warehouse.int_type_id.id,
                "location_id": self.stock.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.item.name,
                            "product_id": self.item.id,
                            "product_uom_qty": qty,
                            "product_uom": self.item.uom_id.id,
                            "location_id": self.stock.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.quantity = qty
        picking.move_ids.picked = True
        return picking.with_context(skip_sms=True)

    def test_internal_transfer_to_the_customers_is_checked(self):
        self._hold(4)
        self._policy("block")
        picking = self._transfer(3, self.customers)
        self.assertEqual(picking.picking_type_code, "internal")
        with self.assertRefused("(?s)Validating .*Bypass Item: 3.00 wanted, 1.00 free to sell"):
            picking.button_validate()
        self.assertEqual(picking.state, "assigned")

    def test_transfer_pointed_at_a_reserved_quotation_is_checked(self):
        """A transfer's own order's reservations do not count against it only
        once the order is confirmed (its confirmation released them anyway): a
        stock user who points a transfer at a quotation holding reservations
        (its *Sales Order*, or a procurement group of the quotation) does not
        take them under "block". To the customers, Odoo then adds the goods to
        the quotation as a delivered line (a user who also sells may); to
        another warehouse it adds nothing (a stock user alone)."""
        holder = self._hold(4)
        self._policy("block")
        seller = new_test_user(
            self.env,
            login="bypass_stock_seller",
            groups="stock.group_stock_user,sales_team.group_sale_salesman_all_leads",
        )
        second = self._second_warehouse()
        refusal = "(?s)Validating .*Bypass Item: 3.00 wanted, 1.00 free to sell"
        for how, state, destination, user in (
            ("sale_id", "draft", self.customers, seller),
            ("group_id", "draft", second.lot_stock_id, self.stock_user),
            ("sale_id", "sent", second.lot_stock_id, self.stock_user),
        ):
            with self.subTest(how=how, state=state, user=user.login):
                if state == "sent":
                    holder.action_quotation_sent()  # sent as a proforma
                picking = self._transfer(3, destination, user)
                if how == "sale_id":
                    picking.sale_id = holder
                else:
                    group = self.env["procurement.group"].with_user(user)
                    picking.group_id = group.create({"name": "Bypass", "sale_id": holder.id})
                self.assertEqual((picking.sale_id, holder.state), (holder, state))
                with self.assertRefused(refusal):
                    picking.button_validate()
                self.assertEqual(picking.state, "assigned")
                picking.action_cancel()
        self.assertEqual(self._figures(self.item), (4.0, 1.0))
        self.assertEqual(holder.order_line.product_id, self.item)

    def test_internal_transfer_within_the_warehouse_is_allowed(self):
        shelf = self.env["stock.location"].create(
            {"name": "Bypass Shelf", "location_id": self.stock.id, "usage": "internal"}
        )
        self._hold(4)
        self._policy("block")
        picking = self._transfer(3, shelf)
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._figures(self.item), (4.0, 1.0))

    def test_transfer_leaving_two_warehouses_notes_both(self):
        """Under warn, a transfer taking goods out of two warehouses notes what
        it takes of each one's reservations, not only the last one's."""
        second = self.env["stock.warehouse"].create({"name": "Bypass Second", "code": "BYP2"})
        other = self.env["product.product"].create({"name": "Bypass Other", "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(other, second.lot_stock_id, 5.0)
        self._hold(4)
        holder = self._order(4, product=other, warehouse_id=second.id)
        holder.action_reserve_stock()
        self._policy("warn")
        picking = self._transfer(3, self.customers)
        picking.write(
            {
                "move_ids": [
                    Command.create(
                        {
                            "name": other.name,
                            "product_id": other.id,
                            "product_uom_qty": 3,
                            "product_uom": other.uom_id.id,
                            "location_id": second.lot_stock_id.id,
                            "location_dest_id": self.customers.id,
                        }
                    )
                ]
            }
        )
        picking.action_confirm()
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = 3
            move.picked = True
        warnings = picking._check_delivery_reserved_stock()
        self.assertIn("Bypass Item: 3.00 wanted", warnings[picking])
        self.assertIn("Bypass Other: 3.00 wanted", warnings[picking])

    # ------------------------------------------------------------------
    # 2b. what leaves is what the move lines move, not what their moves say
    # ------------------------------------------------------------------

    def _second_warehouse(self):
        return self.env["stock.warehouse"].create({"name": "Bypass Second", "code": "BYP2"})

    def _shelf(self):
        return self.env["stock.location"].create(
            {"name": "Bypass Shelf", "location_id": self.stock.id, "usage": "internal"}
        )

    def _on_hand(self, location):
        quants = self.env["stock.quant"].search(
            [("product_id", "=", self.item.id), ("location_id", "=", location.id)]
        )
        return sum(quants.mapped("quantity"))

    def test_odoo_moves_the_goods_where_the_move_lines_say(self):
        """The premise: Odoo lets a move line of a transfer within the
        warehouse be sent to the customers, and moves the goods there."""
        shelf = self._shelf()
        picking = self._transfer(3, shelf)
        picking.move_line_ids.location_dest_id = self.customers
        self.assertEqual(picking.move_ids.location_dest_id, shelf)
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._on_hand(self.stock), 2.0)
        self.assertEqual(self._on_hand(shelf), 0.0)
        self.assertEqual(self._on_hand(self.customers), 3.0)

    def test_move_line_sent_to_the_customers_is_checked(self):
        shelf = self._shelf()
        self._hold(4)
        self._policy("block")
        picking = self._transfer(3, shelf)
        picking.move_line_ids.location_dest_id = self.customers
        with self.assertRefused("(?s)Validating .*Bypass Item: 3.00 wanted, 1.00 free to sell"):
            picking.button_validate()
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(self._on_hand(self.stock), 5.0)
        self.assertEqual(self._on_hand(self.customers), 0.0)

    def test_move_line_sent_to_another_warehouse_is_checked(self):
        second = self._second_warehouse()
        self._hold(4)
        self._policy("block")
        picking = self._transfer(3, self._shelf())
        picking.move_line_ids.location_dest_id = second.lot_stock_id
        with self.assertRefused("(?s)Validating .*Bypass Item: 3.00 wanted, 1.00 free to sell"):
            picking.button_validate()
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(self._on_hand(second.lot_stock_id), 0.0)

    def test_move_line_taken_from_another_warehouse_is_checked_there(self):
        """A delivery from this warehouse whose move line takes the goods from
        another warehouse's stock takes them from that warehouse, whose
        proformas hold them (this one has none held)."""
        second = self._second_warehouse()
        self.env["stock.quant"]._update_available_quantity(self.item, second.lot_stock_id, 5.0)
        holder = self._order(4, product=self.item, warehouse_id=second.id)
        holder.action_reserve_stock()
        self._policy("block")
        picking = self._transfer(3, self.customers)
        picking.move_line_ids.location_id = second.lot_stock_id
        with self.assertRefused(
            f"(?s)Validating .*Bypass Item: 3.00 wanted, 1.00 free to sell.*{holder.name}"
        ):
            picking.button_validate()
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(self._on_hand(second.lot_stock_id), 5.0)
        self.assertEqual(self._on_hand(self.stock), 5.0)

    def test_move_line_kept_in_the_warehouse_is_allowed(self):
        """A transfer to the customers whose move line puts the goods on a
        shelf of the warehouse takes nothing out of it."""
        shelf = self._shelf()
        self._hold(4)
        self._policy("block")
        picking = self._transfer(3, self.customers)
        picking.move_line_ids.location_dest_id = shelf
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._on_hand(shelf), 3.0)
        self.assertEqual(self._on_hand(self.customers), 0.0)
        self.assertEqual(self._figures(self.item), (4.0, 1.0))

    def test_move_line_not_picked_of_a_picked_move_is_not_taken(self):
        """Odoo drops the move lines not picked of a picked move: a move of 3
        whose line of 1 only is picked takes 1 (1 free), its backorder the
        rest."""
        self._hold(4)
        self._policy("block")
        picking = self._transfer(3, self.customers)
        picking.move_ids.picked = False
        picking.move_line_ids.quantity = 1
        self.env["stock.move.line"].with_user(self.stock_user).create(
            {
                "move_id": picking.move_ids.id,
                "picking_id": picking.id,
                "product_id": self.item.id,
                "product_uom_id": self.item.uom_id.id,
                "location_id": self.stock.id,
                "location_dest_id": self.customers.id,
                "quantity": 2,
            }
        )
        self.assertEqual(picking.move_ids.quantity, 3.0)
        picking.move_line_ids.filtered(lambda line: line.quantity == 1).picked = True
        self.assertTrue(picking.move_ids.picked)
        # the backorder wizard first: the check runs again when it validates
        action = picking.button_validate()
        self.assertEqual(action["res_model"], "stock.backorder.confirmation")
        picking.with_context(skip_backorder=True).button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_ids.quantity, 1.0)
        self.assertEqual(self._on_hand(self.customers), 1.0)
        self.assertEqual(picking.backorder_ids.move_ids.product_uom_qty, 2.0)

    # ------------------------------------------------------------------
    # 2c. what the transfer itself holds is its own: added back to free to sell
    # ------------------------------------------------------------------

    def _delivery_of(self, *quantities):
        """The delivery of an order of the item, a line per quantity (4 in
        all), confirmed while the policy allowed it (its moves reserve 4 of
        the 5); then a proforma holds 2: -1 free to sell. Policy block."""
        order = self._order(quantities[0], product=self.item)
        order.order_line = [
            Command.create({"product_id": self.item.id, "product_uom_qty": qty})
            for qty in quantities[1:]
        ]
        order.action_confirm()
        self._hold(2)
        self.assertEqual(self._figures(self.item), (2.0, -1.0))
        self._policy("block")
        return order.picking_ids.with_user(self.stock_user).with_context(skip_sms=True)

    def _validate_with_backorder(self, picking):
        """Validate ``picking``, which delivers part of its demand: the
        backorder wizard first (the policy passed), then the validation."""
        action = picking.button_validate()
        self.assertEqual(action["res_model"], "stock.backorder.confirmation")
        picking.with_context(skip_backorder=True).button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._on_hand(self.customers), 2.0)
        self.assertEqual(sum(picking.backorder_ids.move_ids.mapped("product_uom_qty")), 2.0)

    def test_part_of_one_move_delivered_counts_its_whole_demand_as_own(self):
        """A delivery of 4 delivering 2: its 4 are its own (free to sell
        counts them as going out), 3 free for it: allowed."""
        picking = self._delivery_of(4)
        picking.move_ids.quantity = 2
        picking.move_ids.picked = True
        self._validate_with_backorder(picking)

    def test_one_of_two_moves_delivered_counts_both_as_own(self):
        """The same order as two lines of 2, the first one delivered: the
        second move, delivered later, is the delivery's own as well, as the
        rest of a single move is: allowed alike."""
        picking = self._delivery_of(2, 2)
        self.assertEqual(len(picking.move_ids), 2)
        picking.move_ids[0].picked = True
        self._validate_with_backorder(picking)

    def test_own_reservation_of_a_transfer_not_going_out_is_not_added_to_outgoing(self):
        """An internal transfer of 3 to a shelf reserves its 3 (Odoo's Free
        Quantity counts them: 2) but is not going out (Odoo's Outgoing counts
        a move by its own locations), even when its move line is sent to the
        customers. With a confirmed delivery of 3 not reserved yet (On Hand -
        Outgoing: 2, the smaller term) and a proforma holding 1, 1 is free to
        sell; the transfer's 3 are added back to the Free Quantity only (5, not
        2 + 3): refused, as it would leave -2 free to sell."""
        self.warehouse.out_type_id.reservation_method = "manual"
        self._order(3, product=self.item).action_confirm()
        self._hold(1)
        self.assertEqual(self._figures(self.item), (1.0, 1.0))
        self._policy("block")
        picking = self._transfer(3, self._shelf())
        picking.move_line_ids.location_dest_id = self.customers
        self.assertEqual(self._figures(self.item), (1.0, 1.0))
        with self.assertRefused("(?s)Validating .*Bypass Item: 3.00 wanted, 1.00 free to sell"):
            picking.button_validate()
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(self._on_hand(self.customers), 0.0)

    # ------------------------------------------------------------------
    # 3. cancelled documents order nothing
    # ------------------------------------------------------------------

    def test_cancelled_document_orders_nothing(self):
        vendor = self.env["res.partner"].create({"name": "Bypass Vendor"})
        self.item.seller_ids = [Command.create({"partner_id": vendor.id, "price": 2.0})]
        buyer = self.salesman
        buyer.groups_id |= self.env.ref("purchase.group_purchase_user")
        order = self._order(50, product=self.item, user=buyer).with_user(buyer)
        order.action_cancel()
        self.assertEqual(order.state, "cancel")
        with self.assertRaisesRegex(
            UserError, f"{order.name}: a cancelled document orders nothing from suppliers"
        ):
            order.action_create_supplier_orders(mode="shortfall")
        self.assertFalse(order.crm_purchase_order_ids)
        self.assertFalse(
            self.env["purchase.order"].search([("partner_id", "=", vendor.id)]),
        )
        self.assertEqual(order.sudo()._supply_needs("all"), {})

    # ------------------------------------------------------------------
    # 4. the notes keep their lines apart
    # ------------------------------------------------------------------

    def test_warn_note_keeps_its_lines(self):
        # the salesperson's own proforma: named in the note of their order (a
        # colleague's is counted, not named)
        holder = self._order(4, product=self.item, user=self.salesman)
        holder.with_user(self.salesman).action_reserve_stock()
        self._policy("warn")
        order = self._sale(3)
        order.order_line = [Command.create({"product_id": self.product.id, "product_uom_qty": 1})]
        order.action_confirm()
        note = order.message_ids.filtered(lambda m: "takes stock reserved" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("reserved by proformas:<br>Bypass Item: 3.00 wanted", note.body)
        self.assertIn(holder.name, note.body)
