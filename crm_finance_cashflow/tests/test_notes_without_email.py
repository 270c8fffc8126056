from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestNotesWithoutEmail(ContractCase):
    """The contracts' and planned payments' automatic notes are logged as Odoo
    logs its own flows' notes: a billing user without an e-mail address (Odoo
    refuses them a posted message, "Unable to send message") renews and
    invoices contracts, and cancels the payment of a planned payment; the
    notes are theirs, internal notes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing.partner_id.email = False

    def _planned(self):
        today = fields.Date.context_today(self.env["crm.contract"])
        return (
            self.env["crm.planned.payment"]
            .with_user(self.billing)
            .create(
                {
                    "name": "Supplier deposit",
                    "direction": "outgoing",
                    "partner_id": self.partner.id,
                    "amount": 700.0,
                    "date": fields.Date.to_string(today + relativedelta(days=10)),
                }
            )
        )

    def _assert_note(self, record, text, count=1):
        notes = record.message_ids.filtered(lambda m: text in str(m.body))
        self.assertEqual(len(notes), count, text)
        self.assertEqual(notes.author_id, self.billing.partner_id)
        self.assertEqual(set(notes.subtype_id.ids), {self.env.ref("mail.mt_note").id})
        self.assertEqual(set(notes.mapped("message_type")), {"notification"})
        return notes

    def test_contract_renewed_and_invoiced_without_email(self):
        contracts = self._contract() | self._contract()
        contracts.action_activate()
        contracts.action_renew()
        self.assertEqual(set(contracts.mapped("state")), {"active"})
        for contract in contracts:
            self._assert_note(contract, "Renewed until")
        invoices = contracts.action_create_invoices(date="2026-02-15")
        self.assertEqual(len(invoices), 2)
        for contract in contracts:
            note = self._assert_note(contract, "Invoice")
            invoice = contract.schedule_ids.invoice_id
            self.assertIn(f'data-oe-id="{invoice.id}"', str(note.body), "a link, not its markup")

    def test_payment_undone_and_redone_without_email(self):
        # (the payment's hook runs as superuser: never refused, the note the
        # billing user's all the same)
        planned = self._planned()
        planned.action_post()
        payment = planned.payment_id
        payment.with_user(self.billing).action_draft()
        self._assert_note(planned, "was reset to draft")
        payment.with_user(self.billing).action_post()
        self.assertEqual(planned.state, "posted")
        self._assert_note(planned, "was posted again")
