import re
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestPlannedPaymentRates(ContractCase):
    """A planned payment in a currency without a rate on or before its date in
    its company is not posted (Odoo would convert it one for one: 1,000 GBP
    counted as 1,000 of the company's currency, in the payment and in the
    forecast): a ``UserError`` names the currency, the date and the company,
    as Create Invoices does, and nothing is recorded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.gbp = cls.env.ref("base.GBP")
        cls.gbp.active = True
        # GBP as the demo accountant found it: activated, without any rate
        cls.env["res.currency.rate"].search([("currency_id", "=", cls.gbp.id)]).unlink()
        assert cls.company.currency_id != cls.gbp

    def _planned(self, **vals):
        return (
            self.env["crm.planned.payment"]
            .with_user(self.billing)
            .create(
                {
                    "name": "GBP rent",
                    "direction": "outgoing",
                    "partner_id": self.partner.id,
                    "amount": 1000,
                    "date": "2026-12-05",
                    "currency_id": self.gbp.id,
                    **vals,
                }
            )
        )

    def _gbp_rate(self, day, rate):
        self.env["res.currency.rate"].create(
            {"currency_id": self.gbp.id, "name": day, "rate": rate, "company_id": self.company.id}
        )

    def _refused(self, planned, name="GBP rent"):
        """Post ``planned`` as the accountant: refused, naming GBP, the date
        and the root company; nothing posted."""
        payments = self.env["account.payment"].search_count([])
        with self.assertRaises(UserError) as refused:
            planned.action_post()
        self.assertEqual(
            str(refused.exception),
            f"There is no exchange rate of GBP on or before 12/05/2026 in "
            f"{self.company.root_id.name}: update the rates before posting {name}.",
        )
        self.assertEqual(set(planned.mapped("state")), {"planned"})
        self.assertFalse(planned.payment_id)
        self.assertEqual(self.env["account.payment"].search_count([]), payments)

    def test_post_without_rate_refused(self):
        planned = self._planned()
        self._refused(planned)
        # a rate after its date is not the rate of its date
        self._gbp_rate("2026-12-06", 0.2)
        self._refused(planned)
        # with a rate on or before its date (1 of the company's currency = 0.2
        # GBP): 1,000 GBP are 5,000
        self._gbp_rate("2026-12-01", 0.2)
        self.assertIs(planned.action_post(), True)
        self.assertEqual(planned.state, "posted")
        self.assertEqual(planned.payment_id.amount, 1000.0)
        self.assertEqual(planned.payment_id.currency_id, self.gbp)
        self.assertAlmostEqual(planned.payment_id.amount_company_currency_signed, -5000.0)

    def test_post_several_one_without_rate(self):
        """Posted together with one in the company's currency: none is posted."""
        own = self._planned(name="Rent", currency_id=self.company.currency_id.id)
        planned = self._planned()
        self._refused(own | planned)

    def test_post_several_looks_a_rate_up_once(self):
        """Posting planned payments together looks the rate up once per
        currency, company and date, before any payment is recorded (not once
        per payment, between the payments)."""
        self._gbp_rate("2026-12-01", 0.2)
        planned = (
            self._planned() | self._planned(name="GBP rent 2") | self._planned(name="GBP rent 3")
        )
        Currency = type(self.gbp)
        looks = []
        real = Currency._crm_rated

        def counted(currencies, company, date):
            looks.append((currencies, company, date))
            return real(currencies, company, date)

        with patch.object(Currency, "_crm_rated", counted):
            planned.with_user(self.billing).action_post()
        self.assertEqual(set(planned.mapped("state")), {"posted"})
        self.assertEqual(len(looks), 1)

    def test_planned_payment_of_an_invoice_without_rate(self):
        """A planned payment of an invoice is refused too: its payment would be
        converted one for one, and the invoice taken for paid by it."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.partner.id,
                "invoice_date": "2026-11-20",
                "invoice_line_ids": [Command.create({"name": "Rent", "price_unit": 8000.0})],
            }
        )
        invoice.action_post()
        # without a rate, it is refused when planned: the rate deleted since
        self._gbp_rate("2020-01-01", 0.5)
        planned = self._planned(invoice_id=invoice.id, name="GBP rent of the bill")
        self.env["res.currency.rate"].search([("currency_id", "=", self.gbp.id)]).unlink()
        self._refused(planned, "GBP rent of the bill")
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(invoice.amount_residual, 8000.0)

    def test_forecast_refuses_a_planned_one_without_rate(self):
        """Not posted yet, a planned payment without a rate today is refused by
        the forecast and its report, as any other amount without a rate."""
        today = fields.Date.today()
        planned = self._planned(date=fields.Date.to_string(today))
        message = (
            rf"There is no exchange rate of GBP on or before \S+ in "
            rf"{re.escape(self.company.root_id.name)}: update the rates before reading the "
            r"cash-flow forecast\."
        )
        with self.assertRaisesRegex(UserError, message):
            # a window around today (a fixed one leaves the payment out from 2028)
            self.env["crm.contract"].with_user(self.billing).get_cashflow_forecast(
                fields.Date.to_string(today.replace(month=1, day=1)),
                fields.Date.to_string(today.replace(year=today.year + 1, month=12, day=31)),
            )
        report = self.env["crm.cashflow.forecast.report"].with_user(self.billing)
        with self.assertRaisesRegex(UserError, message):
            report.search([("planned_payment_id", "=", planned.id)])
