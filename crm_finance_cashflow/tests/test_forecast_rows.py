from collections import defaultdict
from datetime import date

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.crm_contract_schedule import FORECAST_INDEX
from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestForecastReadsTheRows(ContractCase):
    """The forecast groups the schedule rows themselves (issue #25): it follows
    every change of them, through the ORM or not, and says what the report's
    rows say."""

    def _forecast_incoming(self, date_from="2026-01-01", date_to="2026-12-31"):
        periods = (
            self.env["crm.contract"]
            .with_user(self.billing)
            .get_cashflow_forecast(date_from, date_to)
        )
        return sum(p["incoming"] for p in periods)

    def test_forecast_follows_the_rows(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "Forecast 45 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100.0, "nb_days": 45})
                ],
            }
        )
        before = self._forecast_incoming()
        contract = self._contract()
        self.assertEqual(self._forecast_incoming(), before, "a draft contract adds nothing")
        contract.action_activate()
        self.assertEqual(self._forecast_incoming(), before + 1200)
        contract.line_ids.price_unit = 150.0
        self.assertEqual(self._forecast_incoming(), before + 1800)
        contract.payment_term_id = term
        # December's row is now due in January 2027, after the year
        self.assertEqual(self._forecast_incoming(), before + 1650)
        contract.write({"date_end": "2026-06-30"})
        invoice = contract.action_create_invoices(date="2026-03-01")
        invoice.action_post()
        invoice.button_draft()
        invoice.button_cancel()
        contract.action_create_invoices(date="2026-02-01").unlink()
        self.assertEqual(self._forecast_incoming(), before + 900)
        contract.action_terminate()
        self.assertEqual(self._forecast_incoming(), before)
        second = self._contract()
        second.action_activate()
        self.assertEqual(self._forecast_incoming(), before + 1200)
        # rows changed in plain SQL (a data migration, a script) count at once:
        # the ledger the forecast read before missed them until the next upgrade
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE crm_contract_schedule SET amount_total = amount_total * 2"
                " WHERE contract_id = %s",
                second.id,
            )
        )
        self.env.invalidate_all()
        self.assertEqual(self._forecast_incoming(), before + 2400)
        # an activated contract is terminated, not deleted: its rows leave too
        second.action_terminate()
        self.assertEqual(self._forecast_incoming(), before)

    def test_months_and_days_say_the_same(self):
        contract = self._contract(
            lines=[{"price_unit": 70.0}, {"price_unit": 30.0, "recurrence": "quarterly"}]
        )
        contract.action_activate()
        contract.action_create_invoices(date="2026-04-01")
        Contract = self.env["crm.contract"].with_user(self.billing)
        company = self.env.company
        by_month = defaultdict(float)
        for day, direction, amount in Contract._forecast_items(company, date(2026, 12, 31), "day"):
            by_month[day.replace(day=1), direction] += amount
        months = Contract._forecast_items(company, date(2026, 12, 31), "month")
        self.assertTrue(months)
        grouped = defaultdict(float)
        for day, direction, amount in months:
            self.assertEqual(day.day, 1)
            grouped[day, direction] += amount
        self.assertEqual(set(grouped), set(by_month))
        for key, amount in grouped.items():
            self.assertAlmostEqual(amount, by_month[key], places=2, msg=key)

    def test_totals_sum_the_reports_rows(self):
        contract = self._contract(
            lines=[{"price_unit": 70.0}, {"price_unit": 30.0, "recurrence": "quarterly"}]
        )
        contract.action_activate()
        contract.action_create_invoices(date="2026-04-01").action_post()
        contract.action_create_invoices(date="2026-05-01")  # a draft: through its rows
        company = self.env.company
        expected = defaultdict(float)
        for row in self.env["crm.cashflow.forecast.report"].search(
            [("company_id", "=", company.id), ("date", "<=", "2026-12-31")]
        ):
            expected[row.date, row.direction] += row.amount
        totals = defaultdict(float)
        for day, direction, amount in (
            self.env["crm.contract"]
            .with_user(self.billing)
            ._forecast_items(company, date(2026, 12, 31), "day")
        ):
            totals[day, direction] += amount
        self.assertTrue(expected)
        self.assertEqual(
            {key for key, amount in totals.items() if round(amount, 2)},
            {key for key, amount in expected.items() if round(amount, 2)},
        )
        for key, amount in expected.items():
            self.assertAlmostEqual(totals[key], amount, places=2, msg=key)

    def test_planned_rows_read_over_the_partial_index(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [FORECAST_INDEX]
        )
        [(definition,)] = self.env.cr.fetchall()
        self.assertIn("WHERE", definition)
        self.assertIn("'planned'", definition)
        self.assertIn("'active'", definition)
        self.assertIn("'expired'", definition)
        # the forecast's domain of the planned rows states the index's condition,
        # so that PostgreSQL may read the index (the benchmark shows it does)
        source = next(
            source
            for source in self.env["crm.cashflow.forecast.report"]._forecast_sources()
            if source["model"] == "crm.contract.schedule"
        )
        self.assertIn(("state", "=", "planned"), source["domain"])
        self.assertIn(("contract_state", "in", ("active", "expired")), source["domain"])
