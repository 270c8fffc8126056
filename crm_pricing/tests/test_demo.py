from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPricingDemo(TransactionCase):
    """The demo company's tier story, in RON: the client of the story invoiced
    62,400 RON in the last completed quarter and earns the Gold tier, a second
    distributor (24,960 RON) the Silver tier, and their quotations say so."""

    def setUp(self):
        super().setUp()
        if not self.env["ir.module.module"]._get("crm_pricing").demo:
            self.skipTest("installed without demo data")
        self.company = self.env.ref("crm_suite_base.demo_company")
        self.accountant = self.env.ref("crm_suite_base.demo_user_accountant")
        self.env = self.env(context=dict(self.env.context, allowed_company_ids=[self.company.id]))

    def test_demo_distributors_earn_their_tier(self):
        gold = self.env.ref("crm_suite_base.demo_partner_client")
        silver = self.env.ref("crm_pricing.partner_distributor_silver")
        pricelist = self.env.ref("crm_pricing.pricelist_distributors")
        self.assertEqual(pricelist.currency_id, self.env.ref("base.RON"))
        self.assertEqual(gold.property_product_pricelist, pricelist)
        self.assertEqual(silver.property_product_pricelist, pricelist)
        for partner, amount in ((gold, 62400.0), (silver, 24960.0)):
            turnover = partner.with_user(self.accountant).get_trade_turnover(
                period="quarter", period_ref="last", company_id=self.company.id
            )
            self.assertEqual(turnover["amount"], amount)
            self.assertEqual(turnover["currency"], "RON")
        # the Silver distributor's quotation: 5% off 780.00 RON
        line = self.env.ref("crm_pricing.sale_order_distributor_silver").order_line
        self.assertEqual(line.order_id.company_id, self.company)
        self.assertEqual(line.order_id.pricelist_id, pricelist)
        self.assertTrue(
            line.pricing_explanation.startswith("Silver tier"), line.pricing_explanation
        )
        self.assertAlmostEqual(line.price_subtotal, 7410.0)
        # a fresh quotation of the client of the story gets the Gold tier: 10% off
        order = self.env["sale.order"].create(
            {
                "partner_id": gold.id,
                "order_line": [
                    (0, 0, {"product_id": self.env.ref("crm_pricing.product_shelving_unit").id})
                ],
            }
        )
        self.assertEqual(order.company_id, self.company)
        self.assertTrue(order.order_line.pricing_explanation.startswith("Gold tier"))
        self.assertAlmostEqual(order.order_line.price_subtotal, 702.0)

    def test_demo_turnover_invoices_are_paid(self):
        """The last quarter's invoices behind the tiers fell due 30 days after
        their date and were paid then: turnover, not a receivable today."""
        term = self.env.ref("account.account_payment_term_30days")
        invoices = (("invoice_client_gold", 62400.0), ("invoice_distributor_silver", 24960.0))
        for xmlid, amount in invoices:
            invoice = self.env.ref(f"crm_pricing.{xmlid}")
            self.assertEqual(invoice.state, "posted")
            self.assertEqual(invoice.invoice_payment_term_id, term)
            due = invoice.invoice_date + relativedelta(days=30)
            self.assertEqual(invoice.invoice_date_due, due)
            self.assertLess(invoice.invoice_date_due, fields.Date.today())
            self.assertEqual(invoice.amount_total, amount)
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
            self.assertEqual(invoice.amount_residual, 0.0)
            payment = invoice._get_reconciled_payments()
            self.assertEqual(len(payment), 1)
            self.assertEqual(payment.amount, amount)
            self.assertEqual(payment.date, invoice.invoice_date_due)
            self.assertEqual(payment.partner_id, invoice.partner_id)
        # nothing of the client of the story is due from before this quarter
        overdue = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("partner_id", "=", self.env.ref("crm_suite_base.demo_partner_client").id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("date_maturity", "<", fields.Date.today()),
            ]
        )
        self.assertFalse(overdue, overdue.mapped("move_id.name"))

    def test_demo_turns_pricelists_on(self):
        """The demo's price list is in use: Settings > Sales > Pricelists is on
        (product.group_product_pricelist implied on internal users), so its users
        see it on quotations and saving the Settings keeps it."""
        group = self.env.ref("product.group_product_pricelist")
        self.assertIn(group, self.env.ref("base.group_user").implied_ids)
        for xmlid in ("demo_user_manager", "demo_user_sales_1", "demo_user_accountant"):
            self.assertTrue(
                self.env.ref(f"crm_suite_base.{xmlid}").has_group("product.group_product_pricelist")
            )
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.group_product_pricelist)
        settings.execute()
        self.assertTrue(self.env.ref("crm_pricing.pricelist_distributors").active)
