"""The lead's schedule still to invoice holds what Create Invoices and the
daily run still invoice: the planned rows of its active customer contracts,
and those of its expired ones (dated on or before their end), as the
cash-flow forecast counts them; a terminated contract's are cancelled."""

from odoo.tests import tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestLeadExpiredRows(ContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Expired rows lead",
                "type": "opportunity",
                "partner_id": cls.partner.id,
                "user_id": cls.salesman.id,
            }
        )

    def test_expired_contracts_rows_still_to_invoice(self):
        contract = self._contract(
            lead_id=self.lead.id,
            user=self.salesman,
            date_start="2026-01-01",
            date_end="2026-03-31",
        )
        billing = contract.with_user(self.billing)
        billing.action_activate()
        # January and February invoiced; the daily run expires the contract
        # (ended) before March is invoiced
        billing.action_create_invoices(date="2026-02-01")
        self.env["crm.contract"]._cron_expire_and_renew()
        self.assertEqual(contract.state, "expired")
        march = contract.schedule_ids.filtered(lambda r: r.state == "planned")
        self.assertEqual(len(march), 1)
        lead = self.lead.with_user(self.salesman)
        self.assertEqual(lead.crm_schedule_ids, march)
        self.assertAlmostEqual(lead.crm_amount_to_invoice, 100.0)
        # the run invoices it: no longer to invoice
        invoice = billing.action_create_invoices(date="2026-03-01")
        self.assertEqual(march.invoice_id, invoice)
        lead.invalidate_recordset()
        self.assertFalse(lead.crm_schedule_ids)
        self.assertEqual(lead.crm_amount_to_invoice, 0.0)
        # cancelled, it gives the row back to the expired contract: to invoice again
        invoice.with_user(self.billing).button_cancel()
        self.assertEqual(march.state, "planned")
        lead.invalidate_recordset()
        self.assertEqual(lead.crm_schedule_ids, march)
        self.assertAlmostEqual(lead.crm_amount_to_invoice, 100.0)
        # terminated: its rows are cancelled, nothing is left to invoice
        billing.action_terminate()
        lead.invalidate_recordset()
        self.assertFalse(lead.crm_schedule_ids)
        self.assertEqual(lead.crm_amount_to_invoice, 0.0)
