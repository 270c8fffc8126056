import logging
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import tagged

from .test_contract import ContractCase

_logger = logging.getLogger(__name__)

# Queries the search of the planned payments a posted payment records
# (``account.payment._crm_planned_payments``) may add per planned payment
# posted, between 8 and 80 at once (2 and 8 of invoices). Each payment Post
# recorded was searched for as it was posted (twice: 3 queries a planned
# payment, 23 at 8 and 239 at 80); the payments Post creates are known now,
# none is searched for (0 and 0).
SEARCH_QUERIES_PER_PAYMENT = 0.5


@tagged("post_install", "-at_install")
class TestPlannedPaymentQueries(ContractCase):
    """Posting many planned payments at once searches for no planned payment
    per payment posted, and records each as posting it alone does."""

    def _planned(self, count, invoices=False):
        date = fields.Date.context_today(self.env["crm.contract"]) + relativedelta(days=10)
        moves = self.env["account.move"]
        if invoices:
            moves = self.env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.partner.id,
                        "invoice_date": "2026-03-01",
                        "invoice_line_ids": [
                            Command.create(
                                {"name": "Work", "quantity": 1, "price_unit": 1000.0, "tax_ids": []}
                            )
                        ],
                    }
                    for _index in range(count)
                ]
            )
            moves.action_post()
        return (
            self.env["crm.planned.payment"]
            .with_user(self.billing)
            .create(
                [
                    {
                        "name": f"Planned {index}",
                        "direction": "incoming" if invoices else "outgoing",
                        "partner_id": self.partner.id,
                        "amount": 400.0,
                        "date": date,
                        "invoice_id": moves[index].id if invoices else False,
                    }
                    for index in range(count)
                ]
            )
        )

    def _post_counting(self, planned):
        """Post ``planned``: the queries of the searches of planned payments
        run as their payments were posted, and of the whole Post."""
        Payment = type(self.env["account.payment"])
        search = Payment._crm_planned_payments
        counted = [0]

        def counting(payments, state):
            before = payments.env.cr.sql_log_count
            try:
                return search(payments, state)
            finally:
                counted[0] += payments.env.cr.sql_log_count - before

        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        with patch.object(Payment, "_crm_planned_payments", counting):
            planned.action_post()
        self.env.flush_all()
        total = self.env.cr.sql_log_count - before
        self.assertEqual(set(planned.mapped("state")), {"posted"})
        self.assertEqual(len(planned.payment_id), len(planned))
        return counted[0], total

    def _assert_flat(self, small, large, invoices):
        self._post_counting(self._planned(1, invoices))  # caches of the first call
        first = self._post_counting(self._planned(small, invoices))
        second = self._post_counting(self._planned(large, invoices))
        _logger.info(
            "Posting planned payments (invoices: %s): searches %s queries at %s, %s at %s; "
            "the whole Post %s and %s",
            invoices,
            first[0],
            small,
            second[0],
            large,
            first[1],
            second[1],
        )
        self.assertLess(second[0] - first[0], (large - small) * SEARCH_QUERIES_PER_PAYMENT)

    def test_posting_payments_searches_no_planned_payment_per_payment(self):
        self._assert_flat(8, 80, invoices=False)

    def test_posting_invoice_payments_searches_no_planned_payment_per_payment(self):
        """Odoo's Register Payment, one invoice at a time, writes the payment's
        state as it creates it."""
        self._assert_flat(2, 8, invoices=True)

    def test_batch_post_then_undone_and_posted_again(self):
        """Posted together, each planned payment keeps its own payment, whose
        undoing and posting again still plans and posts it again."""
        planned = self._planned(3)
        planned.action_post()
        self.assertEqual(len(planned.payment_id), 3)
        first, second = planned[0], planned[1]
        first.payment_id.with_user(self.billing).action_draft()
        self.assertEqual(planned.mapped("state"), ["planned", "posted", "posted"])
        # posted again in one Post with another planned payment: the one whose
        # payment was reset to draft records a new payment; the old one, posted
        # later, is a payment of its own
        old = first.payment_id
        other = self._planned(1)
        (first | other).action_post()
        self.assertEqual((first.state, other.state), ("posted", "posted"))
        self.assertNotEqual(first.payment_id, old)
        old.with_user(self.billing).action_post()
        self.assertEqual(first.state, "posted")
        self.assertNotEqual(first.payment_id, old)
        second.payment_id.with_user(self.billing).action_cancel()
        self.assertEqual(second.state, "planned")
        second.payment_id.with_user(self.billing).action_draft()
        second.payment_id.with_user(self.billing).action_post()
        self.assertEqual(second.state, "posted")
