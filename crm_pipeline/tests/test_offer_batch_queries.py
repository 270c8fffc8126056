import logging
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_offer import OfferCase

_logger = logging.getLogger(__name__)

# Queries Odoo's confirmation checks (``_confirmation_error_message``, asked of
# each order in turn by ``action_confirm``) may add from 8 orders to 80. The
# approval's refresh in them ran an existence query per order: 72 more (12
# queries at 8 orders, 84 at 80); none now (4 and 4, 5 and 5 under an amount
# limit). A discount limit adds one query per line (Odoo's pricelist rule of
# each line, line by line as Odoo prices them): not checked here.
CHECK_QUERIES_8_TO_80 = 36


@tagged("post_install", "-at_install")
class TestOfferBatchQueries(OfferCase):
    """Confirming many quotations at once checks their approval without a
    query per order."""

    def _orders(self, count):
        return self.env["sale.order"].concat(*(self._order() for _index in range(count)))

    def _confirm_counting_checks(self, orders):
        """Confirm ``orders`` as the salesperson; the queries run by Odoo's
        confirmation checks of them, and by the whole confirmation."""
        SaleOrder = type(self.env["sale.order"])
        check = SaleOrder._confirmation_error_message
        counted = [0]

        def counting(order):
            before = order.env.cr.sql_log_count
            try:
                return check(order)
            finally:
                counted[0] += order.env.cr.sql_log_count - before

        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        with patch.object(SaleOrder, "_confirmation_error_message", counting):
            orders.with_user(self.salesman).action_confirm()
        self.env.flush_all()
        total = self.env.cr.sql_log_count - before
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        return counted[0], total

    def test_confirmation_checks_do_not_grow_with_the_orders(self):
        for limits in ({}, {"amount": 1e9}):
            with self.subTest(limits=limits):
                self._limits(**limits)
                self._confirm_counting_checks(self._orders(1))  # caches of the first call
                eight = self._confirm_counting_checks(self._orders(8))
                eighty = self._confirm_counting_checks(self._orders(80))
                _logger.info(
                    "Confirming quotations (limits %s): checks %s queries at 8 orders, %s at "
                    "80; the whole confirmation %s and %s",
                    limits,
                    eight[0],
                    eighty[0],
                    eight[1],
                    eighty[1],
                )
                self.assertLess(eighty[0] - eight[0], CHECK_QUERIES_8_TO_80)

    def test_batch_confirmation_still_waits_for_approval(self):
        """Limits set after the quotations were made: confirming them together
        brings their approval up to date, and refuses."""
        orders = self._orders(3)
        self.assertEqual(set(orders.mapped("offer_approval_state")), {"not_needed"})
        self._limits(amount=50.0)
        with self.assertRaisesRegex(UserError, "waits for a sales manager's approval"):
            orders.with_user(self.salesman).action_confirm()
        self.assertEqual(set(orders.mapped("state")), {"draft"})
        self._limits(amount=1000.0)
        orders.with_user(self.salesman).action_confirm()
        self.assertEqual(set(orders.mapped("state")), {"sale"})

    def test_line_changes_check_no_order_exists(self):
        """Adding and changing a quotation's lines refreshes its approval with
        no query checking that its order exists (Odoo's own batch creation of
        orders with lines stays within its query counts): the approval still
        follows the lines."""
        SaleOrder = type(self.env["sale.order"])
        exists = SaleOrder.exists
        checked = []

        def counting(records):
            checked.append(records)
            return exists(records)

        self._limits(amount=1e9, discount=10)
        with patch.object(SaleOrder, "exists", counting):
            order = self._order()
            order.order_line.with_user(self.salesman).write({"discount": 20})
            self.assertEqual(order.offer_approval_state, "to_approve")
            order.order_line.with_user(self.salesman).write({"discount": 0})
            self.assertEqual(order.offer_approval_state, "not_needed")
            self.env["sale.order.line"].with_user(self.salesman).create(
                {"order_id": order.id, "product_id": self.product.id, "discount": 30}
            )
            self.assertEqual(order.offer_approval_state, "to_approve")
        self.assertFalse([records for records in checked if records], checked)
