from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCashflowDemo(TransactionCase):
    """The client of the story's contract in EUR: active, its schedule, its first
    instalment invoiced at the day's NBR rate, posted and partly paid; the
    supplier contract and the planned payments."""

    def setUp(self):
        super().setUp()
        if not self.env["ir.module.module"]._get("crm_finance_cashflow").demo:
            self.skipTest("installed without demo data")
        self.company = self.env.ref("crm_suite_base.demo_company")

    def test_demo_contract_invoice_and_payments(self):
        contract = self.env.ref("crm_finance_cashflow.demo_contract_story")
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.currency_id, self.env.ref("base.EUR"))
        self.assertEqual(contract.lead_id, self.env.ref("crm_pipeline.demo_lead_story"))
        self.assertEqual(len(contract.schedule_ids), 12)
        self.assertEqual(contract.amount, 11160.0)
        invoiced = contract.schedule_ids.filtered(lambda row: row.state == "invoiced")
        self.assertEqual(len(invoiced), 1)
        invoice = invoiced.invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.company_id, self.company)
        self.assertEqual(invoice.currency_id, self.env.ref("base.EUR"))
        self.assertEqual(invoice.amount_total, 930.0)
        # the day's rate: the newest NBR fixing, 5.0812 RON per EUR
        self.assertAlmostEqual(invoice.amount_total_signed, 4725.52, places=2)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.amount_residual, 430.0)
        first = self.env.ref("crm_finance_cashflow.demo_payment_story_first")
        rest = self.env.ref("crm_finance_cashflow.demo_payment_story_rest")
        self.assertEqual(first.state, "posted")
        self.assertEqual(first.payment_id.amount, 500.0)
        self.assertEqual(rest.state, "planned")
        self.assertEqual(rest.invoice_id, invoice)
        self.assertEqual(
            self.env.ref("crm_finance_cashflow.demo_payment_insurance").direction, "outgoing"
        )
        rent = self.env.ref("crm_finance_cashflow.demo_contract_rent")
        self.assertEqual((rent.contract_type, rent.state), ("supplier", "active"))
        self.assertEqual(len(rent.schedule_ids), 8)
        # Contracting may now move on: the lead has an active customer contract
        step = contract.lead_id.open_responsibility_id
        if step.type_id.kind == "contracting":
            self.assertFalse(step._get_gate_message())

    def test_demo_pipeline(self):
        """Two open opportunities of the story are in the forecast's pipeline."""
        leads = self.env.ref("crm_pipeline.demo_lead_offer") | self.env.ref(
            "crm_pipeline.demo_lead_contracting"
        )
        rows = (
            self.env["crm.cashflow.forecast.report"]
            .with_company(self.company)
            .search([("kind", "=", "pipeline"), ("lead_id", "in", leads.ids)])
        )
        self.assertEqual(rows.lead_id, leads)
        self.assertEqual(set(rows.mapped("amount")), {0.0})
        self.assertEqual(
            sorted(rows.mapped("amount_pipeline")),
            sorted(leads.mapped("prorated_revenue")),
        )

    def test_demo_forecast_receivables(self):
        """What the client of the story owes in the forecast is its contract's:
        the rest of the first instalment's invoice (a planned payment) and the
        instalments to come, nothing overdue. Its invoices of the last quarter
        (crm_pricing's demo, behind its Gold tier) were paid when they fell due."""
        client = self.env.ref("crm_suite_base.demo_partner_client")
        rows = (
            self.env["crm.cashflow.forecast.report"]
            .with_company(self.company)
            .search([("partner_id", "=", client.id)])
        )
        contract = self.env.ref("crm_finance_cashflow.demo_contract_story")
        self.assertEqual(set(rows.mapped("source")), {"planned_payment", "schedule"})
        self.assertEqual(rows.invoice_id, contract.schedule_ids.invoice_id)
        self.assertEqual(rows.contract_id, contract)
        self.assertFalse(rows.filtered("is_overdue"))
        turnover = self.env.ref("crm_pricing.invoice_client_gold", raise_if_not_found=False)
        if turnover:
            self.assertFalse(
                self.env["crm.cashflow.forecast.report"]
                .with_company(self.company)
                .search([("invoice_id", "=", turnover.id)])
            )
