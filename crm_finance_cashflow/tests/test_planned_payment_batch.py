from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestPlannedPaymentBatchPost(ContractCase):
    """Planned payments posted together are recorded each as posting it alone
    does."""

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

    def test_journal_is_a_bank_or_cash_journal(self):
        """A planned payment's journal is one Post can record a payment in: a
        sales journal given over plain create/write is refused with a clear
        error, and nothing is written."""
        planned = self._planned(1)
        sales = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.env.company.id)], limit=1
        )
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1
        )
        # (Odoo's assertRaises rolls the refused write back, as the request's)
        with self.assertRaises(ValidationError) as caught:
            planned.write({"journal_id": sales.id})
        self.assertIn("must be a bank or cash journal", str(caught.exception))
        planned.invalidate_recordset()
        self.assertFalse(planned.journal_id)
        with self.assertRaises(ValidationError) as caught:
            self.env["crm.planned.payment"].with_user(self.billing).create(
                {
                    "name": "Planned in sales",
                    "direction": "incoming",
                    "partner_id": self.partner.id,
                    "amount": 10.0,
                    "date": planned.date,
                    "journal_id": sales.id,
                }
            )
        self.assertIn("must be a bank or cash journal", str(caught.exception))
        planned.write({"journal_id": bank.id})
        planned.action_post()
        self.assertEqual(planned.payment_id.journal_id, bank)
