from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestCashflowForecast(ContractCase):
    def _forecast(self, date_from="2026-01-01", date_to="2026-06-30", **kw):
        return (
            self.env["crm.contract"]
            .with_user(self.billing)
            .get_cashflow_forecast(date_from, date_to, **kw)
        )

    @staticmethod
    def _period(result, label):
        return next(p for p in result if p["period"] == label)

    def _delta(self, base, result, label, key):
        """What this test adds to the company's forecast (demo data is there too)."""
        return round(self._period(result, label)[key] - self._period(base, label)[key], 2)

    def _incoming_total(self, result):
        return round(sum(p["incoming"] for p in result), 2)

    def test_no_double_counting(self):
        window = {"date_from": "2026-01-01", "date_to": "2026-12-31"}
        base = self._forecast(**window)
        contract = self._contract(
            lines=[{"recurrence": "monthly", "price_unit": 100.0, "date_start": "2026-01-01"}],
            currency_id=self.env.company.currency_id.id,
        )
        contract.action_activate()
        before = self._forecast(**window)
        self.assertEqual(self._delta(base, before, "2026-01", "incoming"), 100.0)
        added = self._incoming_total(before) - self._incoming_total(base)
        self.assertEqual(added, 1200.0)
        # the January row invoiced: counted once, through the invoice (at its due date)
        invoice = contract.action_create_invoices(date="2026-01-01")
        invoice.action_post()
        after = self._forecast(**window)
        self.assertEqual(invoice.invoice_date_due.isoformat(), "2026-01-01")
        self.assertEqual(self._delta(base, after, "2026-01", "incoming"), 100.0)
        self.assertEqual(self._incoming_total(after) - self._incoming_total(base), 1200.0)
        # a planned payment of the whole invoice takes its open amount, never adds to it
        self.env["crm.planned.payment"].with_user(self.billing).create(
            {
                "name": "Customer promised",
                "direction": "incoming",
                "partner_id": self.partner.id,
                "amount": 100.0,
                "date": "2026-02-10",
                "invoice_id": invoice.id,
            }
        )
        planned = self._forecast(**window)
        self.assertEqual(self._delta(base, planned, "2026-02", "incoming"), 200.0)
        self.assertEqual(self._incoming_total(planned) - self._incoming_total(base), 1200.0)
        feb = self._period(planned, "2026-02")
        self.assertEqual(feb["net"], round(feb["incoming"] - feb["outgoing"], 2))
        self.assertEqual(feb["cumulative"], round(feb["opening"] + feb["net"], 2))

    def test_planned_payments_of_part_of_an_invoice(self):
        """Planned payments of part of an open invoice count at their dates
        (a foreign one converted into the invoice's currency at today's rate),
        the rest of the invoice's open amount at its due date; planned payments
        of the whole open amount leave nothing of it, more is refused, and a
        cancelled one gives its part back."""
        window = {"date_from": "2026-01-01", "date_to": "2026-06-30"}
        Payment = self.env["crm.planned.payment"].with_user(self.billing)
        Report = self.env["crm.cashflow.forecast.report"].with_user(self.billing)
        foreign = self.env["res.currency"].create({"name": "XPP", "symbol": "P", "rounding": 0.01})
        self.env["res.currency.rate"].create(
            {"currency_id": foreign.id, "name": "2020-01-01", "rate": 4.0}
        )
        base = self._forecast(**window)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "invoice_date": "2026-01-15",
                "invoice_date_due": "2026-01-15",
                "currency_id": self.env.company.currency_id.id,
                "invoice_line_ids": [
                    Command.create({"name": "Work", "price_unit": 1000.0, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        self.assertEqual(invoice.amount_residual, 1000.0)

        def check(expected, rest):
            result = self._forecast(**window)
            for label, amount in expected.items():
                self.assertEqual(self._delta(base, result, label, "incoming"), amount, label)
            added = self._incoming_total(result) - self._incoming_total(base)
            self.assertEqual(round(added, 2), sum(expected.values()))
            Report.invalidate_model()  # a view: its cached rows do not follow the sources
            rows = Report.search([("invoice_id", "=", invoice.id), ("source", "=", "invoice")])
            self.assertEqual(rows.mapped("amount_currency"), [rest] if rest else [])

        check({"2026-01": 1000.0}, 1000.0)
        base_vals = {"direction": "incoming", "partner_id": self.partner.id}
        Payment.create(
            dict(
                base_vals, name="First part", amount=300.0, date="2026-03-10", invoice_id=invoice.id
            )
        )
        check({"2026-01": 700.0, "2026-03": 300.0}, 700.0)
        # 200 XPP at today's rate (4 XPP a unit of the company's currency): 50
        Payment.create(
            dict(
                base_vals,
                name="Second part",
                amount=200.0,
                currency_id=foreign.id,
                date="2026-04-05",
                invoice_id=invoice.id,
            )
        )
        check({"2026-01": 650.0, "2026-03": 300.0, "2026-04": 50.0}, 650.0)
        # over the open amount (the 1,000.00 less the 350.00 planned): refused,
        # the link never adds to the invoice
        with self.assertRaises(ValidationError) as caught:
            Payment.create(
                dict(
                    base_vals,
                    name="Too much",
                    amount=900.0,
                    date="2026-05-02",
                    invoice_id=invoice.id,
                )
            )
        self.assertIn("would total", str(caught.exception))
        rest = Payment.create(
            dict(base_vals, name="The rest", amount=650.0, date="2026-05-02", invoice_id=invoice.id)
        )
        check({"2026-01": 0.0, "2026-03": 300.0, "2026-04": 50.0, "2026-05": 650.0}, 0.0)
        rest.action_cancel()
        check({"2026-01": 650.0, "2026-03": 300.0, "2026-04": 50.0}, 650.0)
        # the invoice paid by Odoo's Register Payment: its planned payments,
        # still planned, no longer count (the money came in)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        check({"2026-01": 0.0, "2026-03": 0.0, "2026-04": 0.0}, 0.0)

    def test_overdue_bucket_and_supplier_outgoing(self):
        base = self._forecast(date_from="2026-03-01", date_to="2026-04-30")
        base_q = self._forecast(date_to="2026-12-31", granularity="quarter")
        contract = self._contract(contract_type="supplier")
        contract.action_activate()
        result = self._forecast(date_from="2026-03-01", date_to="2026-04-30")
        self.assertEqual(result[0]["period"], "overdue")
        self.assertEqual(round(result[0]["outgoing"] - base[0]["outgoing"], 2), 200.0)
        self.assertEqual(self._delta(base, result, "2026-03", "outgoing"), 100.0)
        quarters = self._forecast(date_to="2026-12-31", granularity="quarter")
        labels = [p["period"] for p in quarters[1:]]
        self.assertEqual(labels, ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"])
        added = sum(p["outgoing"] for p in quarters[1:]) - sum(p["outgoing"] for p in base_q[1:])
        self.assertEqual(round(added, 2), 1200.0)

    def test_bad_input(self):
        for kwargs in (
            {"date_from": "2026-06-01", "date_to": "2026-01-01"},
            {"granularity": "fortnight"},
            {"date_from": "2000-01-01", "date_to": "2026-01-01"},
            {"date_from": "x"},
            {"company_id": [1]},
        ):
            with self.assertRaises(UserError, msg=kwargs):
                self._forecast(**kwargs)
        other = self.env["res.company"].create({"name": "Forecast Other Co"})
        with self.assertRaises(AccessError):
            self._forecast(company_id=other.id)
        with self.assertRaises(AccessError):
            self.env["crm.contract"].with_user(self.salesman).get_cashflow_forecast(
                "2026-01-01", "2026-02-01"
            )

    def test_planned_payment_states(self):
        Payment = self.env["crm.planned.payment"].with_user(self.billing)
        payment = Payment.create(
            {
                "name": "Rent",
                "direction": "outgoing",
                "partner_id": self.partner.id,
                "amount": 50,
                "date": "2020-01-01",
            }
        )
        self.assertTrue(payment.is_overdue)
        self.assertIn(payment, Payment.search([("is_overdue", "=", True)]))
        with self.assertRaises(UserError):
            payment.write({"state": "posted"})
        with self.assertRaises(ValidationError):
            Payment.create({"name": "Bad", "amount": -5, "date": "2026-01-01"})
        payment.action_post()
        self.assertEqual(payment.state, "posted")
        self.assertEqual(payment.payment_id.state, "in_process")
        self.assertFalse(payment.is_overdue)

    def test_planned_payment_menus_reach_billing_users(self):
        """Planned payments sit beside Odoo's Payments, under Customers and
        Vendors: Invoicing > Accounting is shown only with the Accounting
        Features group, which a billing user (and Community's admin) lacks."""
        menus = self.env["ir.ui.menu"].with_user(self.billing).load_menus(False)
        for xmlid, direction in (
            ("crm_finance_cashflow.crm_planned_payment_menu", "incoming"),
            ("crm_finance_cashflow.crm_planned_payment_menu_outgoing", "outgoing"),
        ):
            menu = self.env.ref(xmlid)
            self.assertIn(menu.id, menus, xmlid)
            self.assertIn(f"'default_direction': '{direction}'", menu.action.context)

    def test_posting_a_planned_payment_keeps_the_cash(self):
        """A planned payment posted: the money leaves the forecast's expected
        items and is counted as posted (Odoo puts it on the bank journal's
        outstanding payments account until a bank statement matches it), so that
        the expected cash does not change."""
        today = fields.Date.context_today(self.env["crm.contract"])
        window = {
            "date_from": fields.Date.to_string(today),
            "date_to": fields.Date.to_string(today + relativedelta(months=2)),
        }
        Payment = self.env["crm.planned.payment"].with_user(self.billing)
        for day in (today, today + relativedelta(days=10)):
            planned = Payment.create(
                {
                    "name": "Supplier deposit",
                    "direction": "outgoing",
                    "partner_id": self.partner.id,
                    "amount": 6000.0,
                    "date": fields.Date.to_string(day),
                }
            )
            before = self._forecast(**window)
            planned.action_post()
            after = self._forecast(**window)
            self.assertEqual(
                [p["cumulative"] for p in after[1:]], [p["cumulative"] for p in before[1:]], day
            )
        # a forecast from tomorrow: today's payment has left the opening
        window["date_from"] = fields.Date.to_string(today + relativedelta(days=1))
        planned = Payment.create(
            {
                "name": "Rent",
                "direction": "outgoing",
                "partner_id": self.partner.id,
                "amount": 4000.0,
                "date": fields.Date.to_string(today),
            }
        )
        before = self._forecast(**window)
        planned.action_post()
        after = self._forecast(**window)
        self.assertEqual(after[1]["opening"], round(before[1]["opening"] - 4000.0, 2))
        self.assertEqual(after[-1]["cumulative"], round(before[-1]["cumulative"] - 4000.0, 2))
