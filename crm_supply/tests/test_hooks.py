"""crm_supply attaches to Odoo's hooks (issue #25): the policy is checked in
``sale.order._action_confirm`` and ``stock.picking._pre_action_done_hook``, not
in the public buttons, and is a method of ``res.company`` that other addons
extend. The patches below replace our own hooks for the duration of a test, as
an addon inheriting ``res.company`` would override them."""

from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SupplyCase


@tagged("post_install", "-at_install")
class TestPolicyHooks(SupplyCase):
    def setUp(self):
        super().setUp()
        self.Company = type(self.env["res.company"])

    def test_no_public_button_overridden(self):
        for model, buttons in (
            ("sale.order", ("action_confirm",)),
            ("stock.picking", ("button_validate",)),
        ):
            for cls in type(self.env[model]).__mro__:
                if getattr(cls, "_module", None) != "crm_supply":
                    continue
                for button in buttons:
                    self.assertNotIn(button, vars(cls), f"crm_supply overrides {model}.{button}")

    def test_policy_for_a_warehouse(self):
        """An addon sets the policy per warehouse: "block" in this one while the
        company allows; the form's warning, reserving and confirming follow it."""
        holder = self._order(8)
        holder.action_reserve_stock()
        self.assertEqual(self.env.company.reserved_stock_policy, "allow")
        original = self.Company._reserved_stock_policy_for
        warehouse = self.warehouse

        def policy_for(company, wh):
            return "block" if wh == warehouse else original(company, wh)

        other = self._order(5)
        with patch.object(self.Company, "_reserved_stock_policy_for", policy_for):
            with self.env.cr.savepoint():
                warning = other.order_line._onchange_reserved_stock_warning()
            self.assertIn("reserved by other proformas", warning["warning"]["message"])
            with self.assertRaisesRegex(UserError, "Supply Widget: 5.00 wanted, 2.00 free"):
                other.action_reserve_stock()
            with self.assertRefused("Confirming"):
                other.action_confirm()
            self.assertEqual(other.state, "draft")
        # the hook gone, the company's own policy again
        other.action_confirm()
        self.assertEqual(other.state, "sale")

    def test_every_path_goes_through_the_check(self):
        """Reserving, raising a reserved line, confirming, raising and adding to a
        confirmed order and validating its delivery all call
        ``res.company._check_reserved_stock``: an addon that extends it sees them all."""
        labels = []
        original = self.Company._check_reserved_stock

        def check(company, warehouse, needs, exclude_orders, action_label, counted=None):
            labels.append(str(action_label).split(" ")[0])
            return original(company, warehouse, needs, exclude_orders, action_label, counted)

        with patch.object(self.Company, "_check_reserved_stock", check):
            order = self._order(2)
            order.action_reserve_stock()
            order.order_line.product_uom_qty = 3
            order.action_confirm()
            order.order_line.product_uom_qty = 4
            order.order_line = [Command.create({"product_id": self.product.id})]
            picking = order.picking_ids
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.with_context(skip_sms=True).button_validate()
        self.assertEqual(
            labels, ["Reserving", "Changing", "Confirming", "Raising", "Adding", "Validating"]
        )
        self.assertEqual(picking.state, "done")

    def test_an_addon_refuses_with_its_own_rule(self):
        """An override that refuses more than the policy (say, a credit hold):
        nothing is confirmed or delivered."""
        order = self._order(2)

        def check(company, warehouse, needs, exclude_orders, action_label, counted=None):
            message = f"{action_label}: on credit hold"
            raise UserError(message)

        with patch.object(self.Company, "_check_reserved_stock", check):
            with self.assertRefused("on credit hold"):
                order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.picking_ids)
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = 2
        with patch.object(self.Company, "_check_reserved_stock", check):
            with self.assertRaisesRegex(UserError, "Validating .* on credit hold"):
                picking.with_context(skip_sms=True).button_validate()
        self.assertNotEqual(picking.state, "done")

    def test_warn_on_delivery_noted_once_after_the_backorder_wizard(self):
        """Under "warn", a delivery whose validation opens the backorder wizard is
        noted once, when it is really validated."""
        order = self._order(6)
        order.action_confirm()
        holder = self._order(8)
        holder.action_reserve_stock()  # 10 on hand, 6 going out, 8 held
        self._policy("warn")
        picking = order.picking_ids
        picking.move_ids.quantity = 4
        action = picking.with_context(skip_sms=True).button_validate()
        self.assertEqual(action["res_model"], "stock.backorder.confirmation")
        notes = picking.message_ids.filtered(lambda m: "Validating" in (m.body or ""))
        self.assertFalse(notes)
        wizard = (
            self.env["stock.backorder.confirmation"]
            .with_context(action["context"], skip_sms=True)
            .create({"pick_ids": [Command.link(picking.id)]})
        )
        wizard.process()
        self.assertEqual(picking.state, "done")
        notes = picking.message_ids.filtered(lambda m: "Validating" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn(holder.name, notes.body)

    def test_partial_delivery_is_checked_on_what_it_delivers(self):
        """Validating part of a delivery takes what its moves carry, not their
        whole demand: 10 on hand, 10 confirmed, then 7 held by a proforma
        (allowed then): 3 of the delivery's own units are free, 4 are not. It
        was refused with "10 wanted, 3 free to sell" whatever it delivered."""
        order = self._order(10)
        order.action_confirm()
        holder = self._order(7)
        holder.action_reserve_stock()
        self._policy("block")
        picking = order.picking_ids.with_user(self.stock_user).with_context(skip_sms=True)
        picking.move_ids.quantity = 4
        with self.assertRefused("Supply Widget: 4.00 wanted, 3.00 free to sell"):
            picking.button_validate()
        self.assertEqual(picking.state, "assigned")
        picking.move_ids.quantity = 3
        action = picking.button_validate()
        self.assertEqual(action["res_model"], "stock.backorder.confirmation")
        wizard = (
            self.env["stock.backorder.confirmation"]
            .with_user(self.stock_user)
            .with_context(action["context"], skip_sms=True)
            .create({"pick_ids": [Command.link(picking.id)]})
        )
        wizard.process()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_ids.quantity, 3.0)
        # under "warn", the note names what the backorder delivers
        self._policy("warn")
        backorder = order.picking_ids.filtered(lambda p: p.state != "done").with_user(
            self.stock_user
        )
        backorder.move_ids.quantity = 5
        backorder.with_context(skip_sms=True, skip_backorder=True).button_validate()
        self.assertEqual(backorder.state, "done")
        note = backorder.message_ids.filtered(lambda m: "Validating" in (m.body or ""))
        self.assertIn("Supply Widget: 5.00 wanted, 0.00 free to sell", note.body)

    def test_delivered_quantity_in_the_products_unit(self):
        """A delivery in Dozens is checked on its quantity in the product's
        unit: 24 on hand, a delivery of 2 Dozens, then 12 held by a proforma:
        1 Dozen is free, 1.5 Dozens (18 units) are not."""
        dozen = self.env.ref("uom.product_uom_dozen")
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock, 14.0)
        out = self.warehouse.out_type_id
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": out.id,
                "partner_id": self.customer.id,
                "location_id": self.stock.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.product.name,
                            "product_id": self.product.id,
                            "product_uom": dozen.id,
                            "product_uom_qty": 2,
                            "location_id": self.stock.id,
                            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        self._order(12).action_reserve_stock()
        self._policy("block")
        picking = picking.with_user(self.stock_user).with_context(
            skip_sms=True, skip_backorder=True, picking_ids_not_to_backorder=picking.ids
        )
        picking.move_ids.quantity = 1.5
        with self.assertRefused("Supply Widget: 18.00 wanted, 12.00 free to sell"):
            picking.button_validate()
        picking.move_ids.quantity = 1
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_delivery_of_more_than_its_demand(self):
        """A delivery carrying more than its demand: its move lines reserve all
        of it (Odoo's free quantity drops), so all of it is its own. 10 on
        hand, 4 held, an order of 3: 5 delivered leave 5 for the 4 held. It
        was refused with "5 wanted, 4 free to sell"; 7 do take one held unit."""
        self._order(4).action_reserve_stock()
        order = self._order(3)
        order.action_confirm()
        self.assertEqual(self._figures(), (4.0, 3.0))
        self._policy("block")
        picking = order.picking_ids.with_user(self.stock_user).with_context(skip_sms=True)
        picking.move_ids.write({"quantity": 7, "picked": True})
        with self.assertRefused(
            r"Supply Widget: 7.00 wanted, 6.00 free to sell \(4.00 reserved by proformas: .*\): "
            r"1.00 taken from the proformas"
        ):
            picking.button_validate()
        self.assertEqual(picking.state, "assigned")
        picking.move_ids.write({"quantity": 5, "picked": True})
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_ids.quantity, 5.0)
        self.assertEqual(self._figures(), (4.0, 1.0))

    def test_deliveries_validated_together(self):
        """The deliveries validated in one call are checked together: 10 on
        hand, orders of 5 and 5, then 4 held by a proforma (allowed then)."""
        a, b = self._order(5), self._order(5)
        (a | b).action_confirm()
        holder = self._order(4)
        holder.action_reserve_stock()
        self._policy("block")
        pickings = (a.picking_ids | b.picking_ids).with_user(self.stock_user)
        pickings = pickings.with_context(skip_sms=True)
        pickings.move_ids.write({"quantity": 5, "picked": True})
        names = ", ".join(pickings.mapped("name"))
        with self.assertRefused(
            rf"(?s)Validating {names} takes .*Supply Widget: 10.00 wanted, 6.00 free to sell "
            rf"\(4.00 reserved by proformas: {holder.name}\): 4.00 taken from the proformas"
        ):
            pickings.button_validate()
        self.assertEqual(pickings.mapped("state"), ["assigned", "assigned"])
        self._policy("warn")
        pickings.button_validate()
        self.assertEqual(pickings.mapped("state"), ["done", "done"])
        for picking in pickings:
            note = picking.message_ids.filtered(lambda m: "Validating" in (m.body or ""))
            self.assertEqual(len(note), 1)
            self.assertIn(f"Validating {names}", note.body)
