from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SupplyCase


@tagged("post_install", "-at_install")
class TestStatuses(SupplyCase):
    def test_fulfilment_status(self):
        order = self._order(4)
        self.assertEqual(order.fulfilment_status, "created")
        order.action_confirm()
        self.assertEqual(order.fulfilment_status, "approved")
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 1, "picked": True})
        # one of four delivered, the rest in a backorder (the wizard's "Create Backorder")
        picking.with_context(skip_backorder=True, skip_sms=True).button_validate()
        self.assertEqual(order.fulfilment_status, "in_delivery")
        backorder = order.picking_ids - picking
        backorder.move_ids.write({"quantity": 3, "picked": True})
        backorder.with_context(skip_sms=True).button_validate()
        self.assertEqual(order.fulfilment_status, "delivered")
        other = self._order(1)
        other._action_cancel()
        self.assertEqual(other.fulfilment_status, "cancelled")

    def test_supply_status(self):
        vendor = self.env["res.partner"].create({"name": "Status Vendor"})
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_qty": 2, "price_unit": 5}
                    )
                ],
            }
        )
        self.assertEqual(purchase.supply_status, "created")
        purchase.button_confirm()
        receipt = purchase.picking_ids
        receipt.move_ids.write({"quantity": 2, "picked": True})
        receipt.with_context(skip_sms=True).button_validate()
        self.assertEqual(purchase.supply_status, "received")
        purchase.action_create_invoice()
        bill = purchase.invoice_ids
        bill.invoice_date = bill.date or "2026-11-01"
        bill.action_post()
        self.assertEqual(purchase.supply_status, "received")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=bill.ids
        ).create({})._create_payments()
        self.assertIn(bill.payment_state, ("paid", "in_payment"))
        self.assertEqual(purchase.supply_status, "paid")


@tagged("post_install", "-at_install")
class TestSaleBatchAndLowStock(SupplyCase):
    def test_batch_rounds_up_with_warning(self):
        self.product.sale_min_qty = 5
        self.product.sale_qty_multiple = 5
        # the onchange's warning is what the user sees; Form logs it
        with mute_logger("odoo.tests.form.onchange"), Form(self.env["sale.order"]) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.product
                line.product_uom_qty = 7
                self.assertEqual(line.product_uom_qty, 10)
        # over XML-RPC too (create and write)
        order = self._order(3)
        self.assertEqual(order.order_line.product_uom_qty, 5)
        order.order_line.product_uom_qty = 11
        self.assertEqual(order.order_line.product_uom_qty, 15)
        with self.assertRaises(ValidationError):
            self.product.sale_qty_multiple = -1

    def test_batch_warning_names_the_units(self):
        """The warning names the unit of each quantity: the batch in the
        product's unit, the line's quantities in the line's. A line of 1
        Dozen of a product sold by at least 18 Units read "at least 18.00, in
        multiples of 6.00: 1.00 raised to 1.50", units unnamed (18 Dozens?).
        A product with only a minimum, or only a multiple, is not said to have
        the other (no "in multiples of 1.00": 18.5 Units fits a minimum of 18;
        no "at least 0.00")."""
        dozen = self.env.ref("uom.product_uom_dozen")
        # a salesperson who sells in other units (the form shows the line's unit)
        self.salesman.groups_id += self.env.ref("uom.group_uom")
        cases = [
            (
                (18, 6),
                (dozen, 1),
                "Supply Widget is sold by at least 18.00 Units, in multiples of 6.00 Units: "
                "1.00 Dozens raised to 1.50 Dozens.",
            ),
            (
                (18, 0),
                (dozen, 1),
                "Supply Widget is sold by at least 18.00 Units: 1.00 Dozens raised to 1.50 "
                "Dozens.",
            ),
            (
                (0, 5),
                (self.product.uom_id, 7),
                "Supply Widget is sold in multiples of 5.00 Units: 7.00 Units raised to "
                "10.00 Units.",
            ),
        ]
        for (minimum, multiple), (unit, qty), message in cases:
            with self.subTest(minimum=minimum, multiple=multiple):
                self.product.write({"sale_min_qty": minimum, "sale_qty_multiple": multiple})
                form = Form(self.env["sale.order"].with_user(self.salesman))
                form.partner_id = self.customer
                with form.order_line.new() as line:
                    # the product's default quantity raised first (warned too)
                    with mute_logger("odoo.tests.form.onchange"):
                        line.product_id = self.product
                        line.product_uom = unit
                    with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
                        line.product_uom_qty = qty
                    self.assertIn(message, logs.output[-1])

    def test_low_stock_activity_once_per_crossing(self):
        self.product.low_stock_threshold = 5
        template = self.product.product_tmpl_id
        company = self.env.company

        def alerts():
            # the cron checks every company with a warehouse (the demo data
            # has others, where this shared product has no stock): this one's
            return template.activity_ids.filtered(lambda a: company.name in a.summary)

        order = self._order(6)
        order.action_reserve_stock()  # 4 free < 5
        self.assertEqual(len(alerts()), 1)
        self._order(1).action_reserve_stock()  # still below: no second activity
        self.assertEqual(len(alerts()), 1)
        order.action_release_stock()
        self.env["product.product"]._cron_check_low_stock()  # back above: re-armed
        self.assertFalse(self.product.low_stock_alerted)
        order.action_reserve_stock()
        self.assertEqual(len(alerts()), 2)
