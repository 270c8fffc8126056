"""What is deleted or undone around a contract's invoicing and a planned
payment's payment keeps the records that point to it consistent: an activated
contract is not deleted (its invoiced rows would go with it), a contract
invoice's line removed from the draft gives its row back, a planned payment's
payment cancelled, rejected, reset to draft or deleted plans it again, and that
payment posted again posts it again. The 18.0.1.8.17 migration plans again
those undone before."""

from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.crm_suite_base.tests.common import load_migration

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestContractDeletion(ContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the accountants delete contracts (the billing users do not)
        cls.accountant = new_test_user(
            cls.env, login="ctr_accountant", groups="account.group_account_manager"
        )

    def _refused(self, contract):
        with self.assertRaisesRegex(UserError, "Terminate it instead"):
            contract.with_user(self.accountant).unlink()
        self.assertTrue(contract.exists())

    def test_invoiced_contract_not_deleted(self):
        contract = self._contract()
        contract.action_activate()
        invoice = contract.action_create_invoices(date="2026-02-01")
        invoice.action_post()
        rows = invoice.line_ids.crm_contract_schedule_id
        self.assertEqual(len(rows), 2)
        self._refused(contract)
        # its invoiced rows stay, linked to the posted invoice
        self.assertEqual(rows.exists(), rows)
        self.assertEqual(set(rows.mapped("state")), {"invoiced"})
        self.assertEqual(rows.invoice_id, invoice)
        # terminated, it is still the history of its invoices
        contract.action_terminate()
        self._refused(contract)
        self.assertEqual(rows.invoice_id, invoice)

    def test_activated_contract_not_deleted(self):
        """Activated, never invoiced: active, expired or terminated, it is
        terminated rather than deleted."""
        active = self._contract()
        active.action_activate()
        self._refused(active)
        expired = self._contract(
            date_start="2025-01-01", date_end="2025-06-30", lines=[{"date_start": "2025-01-01"}]
        )
        expired.action_activate()
        self.env["crm.contract"]._cron_expire_and_renew()
        self.assertEqual(expired.state, "expired")
        self._refused(expired)
        terminated = self._contract()
        terminated.action_activate()
        terminated.action_terminate()
        self._refused(terminated)

    def test_draft_contract_deleted(self):
        contract = self._contract()
        lines = contract.line_ids
        contract.with_user(self.accountant).unlink()
        self.assertFalse(contract.exists())
        self.assertFalse(lines.exists())


@tagged("post_install", "-at_install")
class TestInvoiceLineRemoved(ContractCase):
    def _invoice(self, contract, date="2026-01-15"):
        invoice = contract.action_create_invoices(date=date)
        lines = invoice.invoice_line_ids.sorted("id")
        self.assertEqual(len(lines), len(contract.line_ids))
        return invoice, lines

    def test_removed_line_gives_its_row_back(self):
        contract = self._contract(lines=[{}, {"name": "Support", "price_unit": 50.0}])
        contract.action_activate()
        invoice, (first, second) = self._invoice(contract)
        first_row, second_row = first.crm_contract_schedule_id, second.crm_contract_schedule_id
        # posted, reset to draft for a correction
        invoice.action_post()
        invoice.with_user(self.billing).button_draft()
        # the x2many command: the row is planned again, the other stays invoiced
        invoice.with_user(self.billing).write({"invoice_line_ids": [Command.delete(first.id)]})
        self.assertEqual(first_row.state, "planned")
        self.assertFalse(first_row.invoice_id)
        self.assertEqual(second_row.state, "invoiced")
        self.assertEqual(second_row.invoice_id, invoice)
        # the line's own unlink
        second.with_user(self.billing).unlink()
        self.assertEqual(second_row.state, "planned")
        self.assertFalse(second_row.invoice_id)
        # the next run invoices the period again, once
        again = contract.action_create_invoices(date="2026-01-15")
        self.assertEqual((first_row | second_row).invoice_id, again)
        self.assertEqual(set((first_row | second_row).mapped("state")), {"invoiced"})
        self.assertFalse(contract.action_create_invoices(date="2026-01-15"))

    def test_removed_line_of_a_terminated_contract(self):
        """The rules of a cancelled invoice: the row of a terminated contract is
        cancelled (nothing is left to invoice)."""
        contract = self._contract()
        contract.action_activate()
        invoice, line = self._invoice(contract)
        row = line.crm_contract_schedule_id
        contract.action_terminate()
        invoice.with_user(self.billing).write({"invoice_line_ids": [Command.delete(line.id)]})
        self.assertEqual(row.state, "cancelled")
        self.assertFalse(row.invoice_id)

    def test_recomputed_lines_keep_the_rows(self):
        """Odoo recomputes a draft invoice's tax and payment term lines (deleting
        and creating them) when its taxes or payment term change: the rows stay
        invoiced by the product lines."""
        tax = self.env["account.tax"].create(
            {"name": "Contract tax 19", "amount": 19.0, "type_tax_use": "sale"}
        )
        other_tax = self.env["account.tax"].create(
            {"name": "Contract tax 9", "amount": 9.0, "type_tax_use": "sale"}
        )
        term = self.env["account.payment.term"].create(
            {
                "name": "Half now, half in 30 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 30}),
                ],
            }
        )
        contract = self._contract(lines=[{"tax_ids": [Command.set(tax.ids)]}])
        contract.action_activate()
        invoice, line = self._invoice(contract)
        row = line.crm_contract_schedule_id
        self.assertTrue(invoice.line_ids.filtered(lambda aml: aml.display_type == "tax"))
        Invoice = invoice.with_user(self.billing)
        Invoice.write({"invoice_line_ids": [Command.update(line.id, {"tax_ids": other_tax.ids})]})
        Invoice.write({"invoice_payment_term_id": term.id})
        self.assertEqual(
            len(invoice.line_ids.filtered(lambda aml: aml.display_type == "payment_term")), 2
        )
        no_tax = {"tax_ids": [Command.clear()]}
        Invoice.write({"invoice_line_ids": [Command.update(line.id, no_tax)]})
        self.assertFalse(invoice.line_ids.filtered(lambda aml: aml.display_type == "tax"))
        self.assertEqual(row.state, "invoiced")
        self.assertEqual(row.invoice_id, invoice)
        self.assertEqual(line.crm_contract_schedule_id, row)
        # deleting the whole invoice gives the row back, as before
        invoice.with_user(self.billing).unlink()
        self.assertEqual(row.state, "planned")
        self.assertFalse(row.invoice_id)


@tagged("post_install", "-at_install")
class TestPaymentUndone(ContractCase):
    def _planned(self, **vals):
        return (
            self.env["crm.planned.payment"]
            .with_user(self.billing)
            .create(
                dict(
                    {
                        "name": "Supplier deposit",
                        "direction": "outgoing",
                        "partner_id": self.partner.id,
                        "amount": 700.0,
                        "date": fields.Date.to_string(
                            fields.Date.context_today(self.env["crm.contract"])
                            + relativedelta(days=10)
                        ),
                    },
                    **vals,
                )
            )
        )

    def _forecast(self):
        today = fields.Date.context_today(self.env["crm.contract"])
        result = (
            self.env["crm.contract"]
            .with_user(self.billing)
            .get_cashflow_forecast(today, today + relativedelta(months=2))
        )
        return [round(p["cumulative"], 2) for p in result[1:]]

    def _notes(self, planned):
        return " ".join(planned.message_ids.mapped("body"))

    def _assert_planned_again(self, planned, note, payment=None):
        """Planned again, keeping its payment (``payment``; none once deleted)."""
        self.assertEqual(planned.state, "planned")
        self.assertEqual(planned.payment_id, payment or self.env["account.payment"])
        self.assertIn(note, self._notes(planned))

    def _assert_posted_again(self, planned, payment):
        self.assertEqual(planned.state, "posted")
        self.assertEqual(planned.payment_id, payment)
        self.assertIn("was posted again", self._notes(planned))

    def test_cancelled_payment(self):
        planned = self._planned()
        expected = self._forecast()
        planned.action_post()
        payment = planned.payment_id
        payment.with_user(self.billing).action_cancel()
        self.assertEqual(payment.state, "canceled")
        self._assert_planned_again(planned, "was cancelled", payment)
        # the forecast expects its money again, as before it was posted
        self.assertEqual(self._forecast(), expected)
        # posted again: a new payment
        planned.action_post()
        self.assertEqual(planned.state, "posted")
        self.assertNotEqual(planned.payment_id, payment)

    def test_payment_reset_to_draft_then_deleted(self):
        planned = self._planned()
        planned.action_post()
        payment = planned.payment_id
        payment.with_user(self.billing).action_draft()
        self.assertEqual(payment.state, "draft")
        self._assert_planned_again(planned, "was reset to draft", payment)
        # the draft payment deleted: the planned payment stays planned, without it
        payment.with_user(self.billing).unlink()
        self.assertEqual(planned.state, "planned")
        self.assertFalse(planned.payment_id)
        # it can be cancelled (or deleted) as any planned payment
        planned.action_cancel()
        self.assertEqual(planned.state, "cancelled")

    def test_cancelled_payment_of_an_invoice(self):
        """The payment of an invoice cancelled (Odoo unreconciles it): the
        invoice is open again, and so is its planned payment."""
        invoice = self.env["account.move"].create(
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
        )
        invoice.action_post()
        planned = self._planned(
            name="Client pays", direction="incoming", amount=400.0, invoice_id=invoice.id
        )
        planned.action_post()
        self.assertEqual(invoice.amount_residual, 600.0)
        payment = planned.payment_id
        payment.with_user(self.billing).action_cancel()
        self._assert_planned_again(planned, "was cancelled", payment)
        self.assertEqual(invoice.amount_residual, 1000.0)
        # posted again: the invoice is partly paid again
        planned.action_post()
        self.assertEqual(invoice.amount_residual, 600.0)

    def test_deleted_payment(self):
        """A payment Odoo deletes as it is: with Odoo's full accounting
        (Enterprise), one whose method has no outstanding account is recorded
        without a journal entry (Community gives every payment one, and refuses
        to delete it until it is cancelled or reset to draft)."""
        journal = self.env["account.journal"].create(
            {"name": "Cash box", "type": "cash", "code": "CBX"}
        )
        journal.outbound_payment_method_line_ids.payment_account_id = False
        planned = self._planned(journal_id=journal.id)
        Move = type(self.env["account.move"])
        with patch.object(Move, "_get_invoice_in_payment_state", lambda self: "in_payment"):
            planned.action_post()
        payment = planned.payment_id
        self.assertFalse(payment.move_id)
        self.assertEqual(payment.state, "in_process")
        payment.with_user(self.billing).unlink()
        self.assertFalse(payment.exists())
        self._assert_planned_again(planned, "was deleted")

    def test_direct_state_write(self):
        """A client writing the payment's state (as its buttons do, without
        what the buttons do to its journal entry, which stays posted): each
        state that pays nothing plans it again, each that pays posts it again,
        and the forecast counts the money once."""
        planned = self._planned()
        expected = self._forecast()
        planned.action_post()
        payment = planned.payment_id.with_user(self.billing)
        payment.write({"state": "canceled"})
        self.assertEqual(payment.move_id.state, "posted")
        self._assert_planned_again(planned, "was cancelled", payment)
        self.assertEqual(self._forecast(), expected)
        payment.write({"state": "paid"})
        self._assert_posted_again(planned, payment)
        self.assertEqual(self._forecast(), expected)
        payment.write({"state": "rejected"})
        self._assert_planned_again(planned, "was rejected", payment)
        self.assertEqual(self._forecast(), expected)
        payment.write({"state": "paid"})
        self.assertEqual(planned.state, "posted")
        payment.write({"state": "draft"})
        self._assert_planned_again(planned, "was reset to draft", payment)
        self.assertEqual(self._forecast(), expected)
        # the entry reset to draft too (the button), written in process: Odoo
        # posts the entry, and the planned payment with it
        payment.move_id.button_draft()
        payment.write({"state": "in_process"})
        self.assertEqual(payment.move_id.state, "posted")
        self.assertEqual(planned.state, "posted")
        self.assertEqual(self._forecast(), expected)

    def test_payment_posted_again(self):
        """Reset to draft, then confirmed again: the planned payment is posted
        with it again, and the forecast counts the money once, as the
        payment's."""
        planned = self._planned()
        expected = self._forecast()
        planned.action_post()
        payment = planned.payment_id
        self.assertEqual(self._forecast(), expected)
        payment.with_user(self.billing).action_draft()
        self._assert_planned_again(planned, "was reset to draft", payment)
        self.assertEqual(self._forecast(), expected)
        payment.with_user(self.billing).action_post()
        self.assertEqual(payment.state, "in_process")
        self._assert_posted_again(planned, payment)
        self.assertEqual(self._forecast(), expected)
        # validated (paid), it stays posted
        payment.with_user(self.billing).action_validate()
        self.assertEqual(payment.state, "paid")
        self.assertEqual(planned.state, "posted")

    def test_cancelled_payment_posted_again(self):
        """Odoo resets a cancelled payment to draft, and confirms it again."""
        planned = self._planned()
        expected = self._forecast()
        planned.action_post()
        payment = planned.payment_id.with_user(self.billing)
        payment.action_cancel()
        self._assert_planned_again(planned, "was cancelled", payment)
        payment.action_draft()
        self.assertEqual(planned.state, "planned")
        payment.action_post()
        self._assert_posted_again(planned, payment)
        self.assertEqual(self._forecast(), expected)

    def test_rejected_payment(self):
        """A payment sent, then rejected (Odoo keeps its journal entry posted):
        the planned payment is planned again and the forecast counts its money
        once, as expected, not also as posted; the payment reset to draft and
        confirmed again posts it again."""
        planned = self._planned()
        expected = self._forecast()
        planned.action_post()
        payment = planned.payment_id.with_user(self.billing)
        payment.mark_as_sent()
        payment.action_reject()
        self.assertEqual(payment.state, "rejected")
        self.assertEqual(payment.move_id.state, "posted")
        self._assert_planned_again(planned, "was rejected", payment)
        self.assertEqual(self._forecast(), expected)
        payment.action_draft()
        self.assertEqual(planned.state, "planned")
        self.assertEqual(self._forecast(), expected)
        payment.action_post()
        self._assert_posted_again(planned, payment)
        self.assertEqual(self._forecast(), expected)

    def test_new_payment_replaces_the_undone_one(self):
        """Post on a planned payment whose payment was reset to draft records a
        new payment, which takes its place: the one of before, confirmed later,
        is a payment of its own. Cancelled, the planned payment drops the
        payment it kept."""
        planned = self._planned()
        planned.action_post()
        first = planned.payment_id.with_user(self.billing)
        first.action_draft()
        planned.action_post()
        second = planned.payment_id
        self.assertNotEqual(second, first)
        first.action_post()
        self.assertEqual(planned.state, "posted")
        self.assertEqual(planned.payment_id, second)
        self.assertNotIn("was posted again", self._notes(planned))
        # undone again, then cancelled: confirming its payment leaves it cancelled
        second.with_user(self.billing).action_draft()
        self.assertEqual(planned.payment_id, second)
        planned.action_cancel()
        self.assertEqual(planned.state, "cancelled")
        self.assertFalse(planned.payment_id)
        second.with_user(self.billing).action_post()
        self.assertEqual(planned.state, "cancelled")
        self.assertFalse(planned.payment_id)


@tagged("post_install", "-at_install")
class TestPaymentUndoneMigration(ContractCase):
    """Before 18.0.1.8.9 (18.0.1.8.11 for a rejected payment) a planned
    payment stayed posted on a payment cancelled, rejected, reset to draft or
    deleted: the forecast lost its money, Post and Cancel refused it. The
    18.0.1.8.17 migration plans it again, as the payment's hooks do now."""

    _planned = TestPaymentUndone._planned
    _notes = TestPaymentUndone._notes

    def _posted(self, **vals):
        planned = self._planned(**vals)
        planned.action_post()
        return planned

    def test_migration_plans_undone_payments_again(self):
        cancelled, rejected, draft, deleted, paid = (
            self._posted(name=name)
            for name in ("Cancelled", "Rejected", "Draft", "Deleted", "Paid")
        )
        payments = {p: p.payment_id for p in (cancelled, rejected, draft, deleted, paid)}
        # what the code of before left: the payment's state changed by Odoo's
        # buttons, the planned payment posted; a deleted payment's link
        # cleared by the database (ON DELETE SET NULL); what Post wrote is in
        # the database first
        self.env.flush_all()
        for planned, state in ((cancelled, "canceled"), (rejected, "rejected"), (draft, "draft")):
            self.env.cr.execute(
                SQL(
                    "UPDATE account_payment SET state = %s WHERE id = %s",
                    state,
                    planned.payment_id.id,
                )
            )
        self.env.cr.execute(
            SQL("UPDATE crm_planned_payment SET payment_id = NULL WHERE id = %s", deleted.id)
        )
        self.env.invalidate_all()
        stuck = cancelled | rejected | draft | deleted
        self.assertEqual(set(stuck.mapped("state")), {"posted"})
        with self.assertRaisesRegex(UserError, "Only a planned payment can be cancelled"):
            cancelled.with_user(self.billing).action_cancel()

        load_migration("crm_finance_cashflow", "18.0.1.8.17").migrate(self.env.cr, "18.0.1.8.15")
        self.env.invalidate_all()

        self.assertEqual(set(stuck.mapped("state")), {"planned"})
        # each keeps its payment (posting that payment again posts it again),
        # but the deleted one
        for planned in cancelled | rejected | draft:
            self.assertEqual(planned.payment_id, payments[planned])
        self.assertFalse(deleted.payment_id)
        self.assertIn("was cancelled", self._notes(cancelled))
        self.assertIn("was rejected", self._notes(rejected))
        self.assertIn("was reset to draft", self._notes(draft))
        self.assertIn("The payment of this planned payment was deleted", self._notes(deleted))
        # a payment that pays keeps its planned payment posted, without a note
        self.assertEqual(paid.state, "posted")
        self.assertEqual(paid.payment_id, payments[paid])
        self.assertNotIn("planned again", self._notes(paid))
        # Post and Cancel take them again
        cancelled.with_user(self.billing).action_cancel()
        self.assertEqual(cancelled.state, "cancelled")
        deleted.with_user(self.billing).action_post()
        self.assertEqual(deleted.state, "posted")
        self.assertTrue(deleted.payment_id)
        # run again, it changes nothing
        load_migration("crm_finance_cashflow", "18.0.1.8.17").migrate(self.env.cr, "18.0.1.8.15")
        self.assertEqual(draft.state, "planned")
        self.assertEqual(deleted.state, "posted")
