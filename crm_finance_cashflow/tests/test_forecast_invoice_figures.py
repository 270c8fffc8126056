from collections import defaultdict
from datetime import timedelta

import psycopg2.errors

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_date, mute_logger

from odoo.addons.crm_suite_base.tests.common import load_migration

from .common import ContractRaceCase
from .test_contract import ContractCase

# a window of its own, far from the demo data's and the other tests' dates
WINDOW = ("2031-01-01", "2031-12-31")


@tagged("post_install", "-at_install")
class TestForecastInvoiceFigures(ContractCase):
    """What an open invoice and its planned payments count for in the
    cash-flow forecast (an accounting user's figures): the planned payments of
    an invoice never count more than it still owes, and an invoice of several
    instalments counts each at its own due date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.split_term = cls.env["account.payment.term"].create(
            {
                "name": "30% now, 70% in 60 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30.0, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 70.0, "nb_days": 60}),
                ],
            }
        )

    def _invoice(self, amount, due=None, term=None, invoice_date="2026-01-10", **vals):
        """A posted customer invoice of ``amount`` (no taxes), due at ``due``
        (no payment term) or by ``term``, made by the accounting user."""
        invoice = (
            self.env["account.move"]
            .with_user(self.billing)
            .create(
                dict(
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.partner.id,
                        "invoice_date": invoice_date,
                        "currency_id": self.env.company.currency_id.id,
                        "invoice_line_ids": [
                            Command.create({"name": "Work", "price_unit": amount, "tax_ids": []})
                        ],
                    },
                    **({"invoice_payment_term_id": term.id} if term else {"invoice_date_due": due}),
                    **vals,
                )
            )
        )
        invoice.action_post()
        return invoice

    def _register_payment(self, invoice, amount):
        """Odoo's Register Payment of ``amount`` (today), by the accounting user."""
        self.env["account.payment.register"].with_user(self.billing).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount})._create_payments()

    def _plan(self, invoice, amount, date, **vals):
        return (
            self.env["crm.planned.payment"]
            .with_user(self.billing)
            .create(
                dict(
                    {
                        "name": f"Promised {amount} on {date}",
                        "direction": "incoming",
                        "partner_id": self.partner.id,
                        "amount": amount,
                        "date": date,
                        "invoice_id": invoice.id,
                    },
                    **vals,
                )
            )
        )

    def _refused(self, pattern, func, *args, **kwargs):
        """``func`` refused with a ``ValidationError`` matching ``pattern``, and
        nothing of it left (Odoo's ``assertRaises`` rolls it back)."""
        with self.assertRaises(ValidationError) as caught:
            func(*args, **kwargs)
        self.assertRegex(str(caught.exception), pattern)

    def _incoming(self, date_from=WINDOW[0], date_to=WINDOW[1]):
        """{period: incoming} of the accounting user's forecast by month."""
        return {
            period["period"]: period["incoming"]
            for period in self.env["crm.contract"]
            .with_user(self.billing)
            .get_cashflow_forecast(date_from, date_to)
        }

    @staticmethod
    def _added(base, result):
        """What changed since ``base``: {period: incoming added}, zeros left out."""
        return {
            period: round(result[period] - base[period], 2)
            for period in result
            if round(result[period] - base[period], 2)
        }

    def _rows(self, invoice):
        """The report's rows of ``invoice`` and of its planned payments:
        [(source, date, amount in currency, overdue)], by date."""
        report = self.env["crm.cashflow.forecast.report"]
        report.invalidate_model()  # a view: its cached rows do not follow the sources
        rows = report.with_user(self.billing).search(
            [
                "|",
                ("invoice_id", "=", invoice.id),
                ("planned_payment_id.invoice_id", "=", invoice.id),
            ]
        )
        return sorted(
            (row.source, row.date.isoformat(), row.amount_currency, row.is_overdue) for row in rows
        )

    # --- planned payments of an invoice: at most what it still owes ---------------

    def test_planned_payment_counts_at_most_the_open_amount(self):
        """The auditor's case: an invoice of 1000, 400 paid, 600 open; a planned
        payment of the 600 takes them to its date. Odoo's Register Payment of
        300 more leaves 300 open: the planned payment now counts 300 (it
        counted 600: 900 from an invoice owing 600)."""
        base = self._incoming()
        invoice = self._invoice(1000.0, due="2031-03-20")
        self._register_payment(invoice, 400.0)
        self.assertEqual(invoice.amount_residual, 600.0)
        self.assertEqual(self._added(base, self._incoming()), {"2031-03": 600.0})
        planned = self._plan(invoice, 600.0, "2031-05-10")
        self.assertEqual(self._added(base, self._incoming()), {"2031-05": 600.0})
        self._register_payment(invoice, 300.0)
        self.assertEqual(invoice.amount_residual, 300.0)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(self._added(base, self._incoming()), {"2031-05": 300.0})
        self.assertEqual(self._rows(invoice), [("planned_payment", "2031-05-10", 300.0, False)])
        # the rest paid: nothing left
        self._register_payment(invoice, 300.0)
        self.assertEqual(self._added(base, self._incoming()), {})
        self.assertEqual(self._rows(invoice), [])
        self.assertEqual(planned.state, "planned")

    def test_planned_payments_take_the_open_amount_by_date(self):
        """Several planned payments of an invoice take its open amount by date:
        once it is lowered below their total, the last ones count what is left
        (the first one in full), and the invoice itself nothing."""
        base = self._incoming()
        invoice = self._invoice(1000.0, due="2031-03-20")
        # planned out of date order: the date decides, not the creation
        self._plan(invoice, 300.0, "2031-06-05")
        self._plan(invoice, 300.0, "2031-04-05")
        self.assertEqual(
            self._added(base, self._incoming()),
            {"2031-03": 400.0, "2031-04": 300.0, "2031-06": 300.0},
        )
        self._register_payment(invoice, 500.0)
        self.assertEqual(invoice.amount_residual, 500.0)
        self.assertEqual(self._added(base, self._incoming()), {"2031-04": 300.0, "2031-06": 200.0})
        self._register_payment(invoice, 250.0)
        self.assertEqual(self._added(base, self._incoming()), {"2031-04": 250.0})
        self.assertEqual(self._rows(invoice), [("planned_payment", "2031-04-05", 250.0, False)])

    def test_planned_payments_above_the_open_amount_refused(self):
        """A planned payment above what its invoice still owes (alone, or with
        the invoice's other planned payments) is refused when it is created or
        written, naming the open amount: the forecast counted 1500 from an
        invoice owing 1000 (and the invoice -500 to make up for it)."""
        invoice = self._invoice(1000.0, due="2031-02-20")
        base = self._incoming()
        self._refused(
            r"has \S*\s?1,000\.00\s?\S* left to pay", self._plan, invoice, 1500.0, "2031-01-10"
        )
        first = self._plan(invoice, 600.0, "2031-01-10")
        self._refused(r"would total \S*\s?1,200\.00", self._plan, invoice, 600.0, "2031-03-10")
        self._refused(r"lower the amount of Promised 600", first.write, {"amount": 1000.01})
        self.assertEqual(first.amount, 600.0)
        self._plan(invoice, 400.0, "2031-03-10")
        self.assertEqual(
            self._added(base, self._incoming()), {"2031-01": 600.0, "2031-02": -1000.0,
                                                  "2031-03": 400.0}
        )  # fmt: skip
        # a cancelled planned payment no longer counts in the sum
        first.action_cancel()
        self._plan(invoice, 600.0, "2031-04-10")

    def test_lowered_invoice_other_fields_still_writable(self):
        """Once Odoo's Register Payment lowers an invoice below its planned
        payments, the sum is checked only when a link, an amount or a currency
        is written: moving a planned payment to another contact of the client
        (or another date) is not refused; raising it, or an amount still above
        the open amount, is."""
        contact = self.env["res.partner"].create(
            {"name": "Client's accountant", "parent_id": self.partner.id, "type": "invoice"}
        )
        invoice = self._invoice(1000.0, due="2031-02-20")
        planned = self._plan(invoice, 600.0, "2031-03-10")
        self._register_payment(invoice, 500.0)
        self.assertEqual(invoice.amount_residual, 500.0)
        planned.write({"partner_id": contact.id})
        planned.write({"date": "2031-04-10", "name": "Promised by the accountant"})
        self.assertEqual(planned.partner_id, contact)
        self._refused(r"has \S*\s?500\.00\s?\S* left to pay", planned.write, {"amount": 550.0})
        planned.write({"amount": 500.0})
        self.assertEqual(planned.amount, 500.0)

    def test_planned_payment_in_a_currency_without_rate_refused(self):
        """A planned payment of an invoice in a currency without a rate on or
        before today in the invoice's company is refused, naming the currency
        and the company: left out of the sum, any amount of it would pass."""
        foreign = self.env["res.currency"].create({"name": "XNQ", "symbol": "Q", "rounding": 0.01})
        invoice = self._invoice(1000.0, due="2031-02-20")
        with self.assertRaises(UserError) as caught:
            self._plan(invoice, 5000.0, "2031-03-10", currency_id=foreign.id)
        self.assertEqual(
            str(caught.exception),
            f"There is no exchange rate of XNQ on or before "
            f"{format_date(self.env, fields.Date.context_today(invoice))} in "
            f"{self.env.company.root_id.name}: update the rates before planning Promised "
            f"5000.0 on 2031-03-10 as a payment of invoice {invoice.display_name}.",
        )
        self.assertFalse(self.env["crm.planned.payment"].search([("invoice_id", "=", invoice.id)]))
        # with a rate, it counts converted into the invoice's currency
        self.env["res.currency.rate"].create(
            {
                "currency_id": foreign.id,
                "name": "2020-01-01",
                "rate": 2.0 * self.env.company.currency_id.rate,
                "company_id": self.env.company.id,
            }
        )
        self._refused(
            r"would total \S*\s?2,500\.00", self._plan, invoice, 5000.0, "2031-03-10",
            currency_id=foreign.id,
        )  # fmt: skip
        self._plan(invoice, 2000.0, "2031-03-10", currency_id=foreign.id)

    # --- invoices of several instalments ----------------------------------------

    def test_instalments_at_their_own_due_dates(self):
        """An invoice whose payment term splits it (30 % now, 70 % in 60 days)
        counts each instalment at its own due date: the first one, past due,
        is overdue (it was counted whole at the last due date, never overdue)."""
        today = fields.Date.context_today(self.env["crm.contract"])
        invoice_date = today - timedelta(days=10)
        window = (today.isoformat(), (today + timedelta(days=120)).isoformat())
        Forecast = self.env["crm.contract"].with_user(self.billing)
        base = Forecast.get_cashflow_forecast(*window)
        invoice = self._invoice(1000.0, term=self.split_term, invoice_date=invoice_date)
        first, second = invoice_date, invoice_date + timedelta(days=60)
        self.assertEqual(invoice.invoice_date_due, second)
        self.assertEqual(
            self._rows(invoice),
            [
                ("invoice", first.isoformat(), 300.0, True),
                ("invoice", second.isoformat(), 700.0, False),
            ],
        )
        result = Forecast.get_cashflow_forecast(*window)
        self.assertEqual(round(result[0]["incoming"] - base[0]["incoming"], 2), 300.0, "overdue")
        month = second.strftime("%Y-%m")
        added = {
            p["period"]: round(p["incoming"] - b["incoming"], 2)
            for p, b in zip(result[1:], base[1:], strict=True)
        }
        self.assertEqual({k: v for k, v in added.items() if v}, {month: 700.0})
        # a planned payment takes the instalments the first due first
        self._plan(invoice, 500.0, (today + timedelta(days=20)).isoformat())
        self.assertEqual(
            self._rows(invoice),
            [
                ("invoice", second.isoformat(), 500.0, False),
                ("planned_payment", (today + timedelta(days=20)).isoformat(), 500.0, False),
            ],
        )
        result = Forecast.get_cashflow_forecast(*window)
        self.assertEqual(round(result[0]["incoming"] - base[0]["incoming"], 2), 0.0)
        # a payment registered: the instalments as Odoo left them open, less the
        # planned payment, which still fits in the open amount
        self._register_payment(invoice, 200.0)
        self.assertEqual(invoice.amount_residual, 800.0)
        rows = self._rows(invoice)
        self.assertEqual(round(sum(amount for _s, _d, amount, _o in rows), 2), 800.0)
        self.assertIn(
            ("planned_payment", (today + timedelta(days=20)).isoformat(), 500.0, False), rows
        )

    def test_vendor_bill_instalments_go_out(self):
        bill = self._invoice(
            2000.0, term=self.split_term, invoice_date="2031-01-10", move_type="in_invoice"
        )
        rows = self._rows(bill)
        self.assertEqual(
            rows,
            [("invoice", "2031-01-10", 600.0, False), ("invoice", "2031-03-11", 1400.0, False)],
        )
        report = self.env["crm.cashflow.forecast.report"].with_user(self.billing)
        self.assertEqual(
            set(report.search([("invoice_id", "=", bill.id)]).mapped("direction")), {"outgoing"}
        )

    def test_open_receipts_count_their_way(self):
        """An unpaid sales receipt is money to come, a purchase receipt money
        to go, as Odoo's receivables and payables count them; a planned
        payment of a receipt goes its way and takes its open amount."""
        sale = self._invoice(300.0, due="2031-02-05", move_type="out_receipt")
        purchase = self._invoice(120.0, due="2031-02-06", move_type="in_receipt")
        self.assertEqual(self._rows(sale), [("invoice", "2031-02-05", 300.0, False)])
        self.assertEqual(self._rows(purchase), [("invoice", "2031-02-06", 120.0, False)])
        report = self.env["crm.cashflow.forecast.report"].with_user(self.billing)
        self.assertEqual(
            report.search([("invoice_id", "in", (sale | purchase).ids)])
            .sorted("date")
            .mapped("direction"),
            ["incoming", "outgoing"],
        )
        self._refused("goes the other way", self._plan, purchase, 50.0, "2031-02-01")
        self._plan(sale, 100.0, "2031-01-20")
        self.assertEqual(
            self._rows(sale),
            [
                ("invoice", "2031-02-05", 200.0, False),
                ("planned_payment", "2031-01-20", 100.0, False),
            ],
        )
        self._refused("left to pay", self._plan, sale, 250.0, "2031-01-21")

    def test_migration_turns_sales_receipts_payments_incoming(self):
        """Before 18.0.1.8.25 a planned payment of a sales receipt had to go
        out: the migration sets those still planned incoming."""
        receipt = self._invoice(300.0, due="2031-02-05", move_type="out_receipt")
        planned = self._plan(receipt, 100.0, "2031-01-20")
        posted = self._plan(receipt, 50.0, "2031-01-21")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_planned_payment SET direction = 'outgoing' WHERE id IN %s",
            [tuple((planned | posted).ids)],
        )
        self.env.cr.execute(
            "UPDATE crm_planned_payment SET state = 'posted' WHERE id = %s", [posted.id]
        )
        load_migration("crm_finance_cashflow", "18.0.1.8.27").migrate(self.env.cr, "18.0.1.8.26")
        (planned | posted).invalidate_recordset()
        self.assertEqual(planned.direction, "incoming")
        self.assertEqual(posted.direction, "outgoing", "a payment posted is left as it was")
        # its own check holds again at the next write
        planned.with_user(self.billing).write({"amount": 120.0})

    def test_totals_sum_the_reports_rows(self):
        """The method's totals (a grouped read of the instalments, less what
        the planned payments take) say what the report's rows say."""
        invoice = self._invoice(1000.0, term=self.split_term, invoice_date="2031-01-10")
        self._plan(invoice, 450.0, "2031-02-01")
        other = self._invoice(800.0, due="2031-05-05")
        self._plan(other, 300.0, "2031-04-01")
        self._register_payment(other, 600.0)
        bill = self._invoice(
            500.0, term=self.split_term, invoice_date="2031-01-15", move_type="in_invoice"
        )
        self._plan(bill, 200.0, "2031-03-01", direction="outgoing")
        company = self.env.company
        expected = defaultdict(float)
        report = self.env["crm.cashflow.forecast.report"]
        report.invalidate_model()
        for row in report.with_user(self.billing).search(
            [("company_id", "=", company.id), ("date", "<=", WINDOW[1])]
        ):
            expected[row.date, row.direction] += row.amount
        totals = defaultdict(float)
        for day, direction, amount in (
            self.env["crm.contract"]
            .with_user(self.billing)
            ._forecast_items(company, fields.Date.to_date(WINDOW[1]), "day")
        ):
            totals[day, direction] += amount
        self.assertEqual(
            {key for key, amount in totals.items() if round(amount, 2)},
            {key for key, amount in expected.items() if round(amount, 2)},
        )
        for key, amount in expected.items():
            self.assertAlmostEqual(totals[key], amount, places=2, msg=key)
        day = fields.Date.to_date
        self.assertAlmostEqual(expected[day("2031-01-10"), "incoming"], 0.0)
        self.assertAlmostEqual(expected[day("2031-02-01"), "incoming"], 450.0)
        self.assertAlmostEqual(expected[day("2031-03-11"), "incoming"], 550.0)
        self.assertAlmostEqual(expected[day("2031-04-01"), "incoming"], 200.0)
        self.assertAlmostEqual(expected[day("2031-05-05"), "incoming"], 0.0)
        self.assertAlmostEqual(expected[day("2031-01-15"), "outgoing"], 0.0)
        self.assertAlmostEqual(expected[day("2031-03-01"), "outgoing"], 200.0)
        self.assertAlmostEqual(expected[day("2031-03-16"), "outgoing"], 300.0)


def _drop_race_invoice(envc, invoice_id, partner_id):
    """The clean-up of the planned payments' race: the invoice's planned
    payments, the invoice (reset to draft) and its client."""
    invoice = envc["account.move"].browse(invoice_id)
    envc["crm.planned.payment"].search([("invoice_id", "=", invoice_id)]).unlink()
    invoice.button_draft()
    invoice.with_context(force_delete=True).unlink()
    envc["res.partner"].browse(partner_id).unlink()


@tagged("post_install", "-at_install")
class TestPlannedPaymentOpenAmountRace(ContractRaceCase):
    """Two users plan payments of the same invoice at once: each sum is made
    with the invoice locked, so the second one sees the first one's (Odoo
    runs it again after the serialization failure) instead of both passing
    the cap with 1,200.00 planned of an invoice owing 1,000.00."""

    def test_concurrent_planned_payments_summed_one_after_the_other(self):
        with self._committed_env() as env:
            partner = env["res.partner"].create({"name": "Planned Race Client"})
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": "2026-01-10",
                    "invoice_date_due": "2031-02-20",
                    "invoice_line_ids": [
                        Command.create({"name": "Work", "price_unit": 1000.0, "tax_ids": []})
                    ],
                }
            )
            invoice.action_post()
            invoice_id, partner_id = invoice.id, partner.id
        self._cleanup_committed(_drop_race_invoice, invoice_id, partner_id)

        def plan(env, date):
            return env["crm.planned.payment"].create(
                {
                    "name": f"Race promise of {date}",
                    "direction": "incoming",
                    "partner_id": partner_id,
                    "amount": 600.0,
                    "date": date,
                    "invoice_id": invoice_id,
                }
            )

        with self._racing_envs() as (env_a, env_b):
            # both transactions have started (their snapshots are taken)
            self.assertEqual(env_a["account.move"].browse(invoice_id).amount_residual, 1000.0)
            self.assertEqual(env_b["account.move"].browse(invoice_id).amount_residual, 1000.0)
            plan(env_a, "2031-03-10")
            env_a.cr.commit()
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.SerializationFailure),
            ):
                plan(env_b, "2031-04-10")
                env_b.flush_all()
            env_b.cr.rollback()
            # Odoo runs the request again, with fresh data: refused
            with self.assertRaisesRegex(ValidationError, r"would total \S*\s?1,200\.00"):
                plan(env_b, "2031-04-10")
            env_b.cr.rollback()
        with self._committed_env() as env:
            self.assertEqual(
                env["crm.planned.payment"]
                .search([("invoice_id", "=", invoice_id)])
                .mapped("amount"),
                [600.0],
            )
