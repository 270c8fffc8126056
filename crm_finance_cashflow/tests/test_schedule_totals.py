from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_contract import ContractCase

TOTALS_BY_DAY = """
    SELECT company_id, date_due, direction, currency_id, SUM(amount_total), SUM(row_count)
      FROM crm_contract_schedule_total
  GROUP BY company_id, date_due, direction, currency_id
    HAVING SUM(row_count) <> 0 OR SUM(amount_total) <> 0
"""
ROWS_BY_DAY = """
    SELECT company_id, date_due, direction, currency_id, SUM(amount_total), COUNT(*)
      FROM crm_contract_schedule
     WHERE state = 'planned' AND contract_state = 'active'
  GROUP BY company_id, date_due, direction, currency_id
"""


class TotalsCase(ContractCase):
    def _by_day(self, cr, query):
        cr.execute(query)
        return {tuple(row[:4]): (float(row[4]), row[5]) for row in cr.fetchall()}

    def assertTotalsFollowRows(self, cr=None, msg=None):
        """The ledger summed per day says what the planned rows of active contracts
        add up to, in every company."""
        cr = cr or self.env.cr
        self.env.flush_all()
        self.assertEqual(self._by_day(cr, TOTALS_BY_DAY), self._by_day(cr, ROWS_BY_DAY), msg)


@tagged("post_install", "-at_install")
class TestScheduleTotals(TotalsCase):
    """``crm.contract.schedule.total`` follows every change of the schedule rows
    (through the contract, its lines, invoicing, cancelled invoices, termination,
    deletion), and the forecast read from it says what the report's rows say."""

    def _forecast_incoming(self, date_from="2026-01-01", date_to="2026-12-31"):
        periods = (
            self.env["crm.contract"]
            .with_user(self.billing)
            .get_cashflow_forecast(date_from, date_to)
        )
        return sum(p["incoming"] for p in periods)

    def test_totals_follow_the_rows(self):
        self.assertTotalsFollowRows(msg="installed with demo data")
        term = self.env["account.payment.term"].create(
            {
                "name": "Totals 45 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100.0, "nb_days": 45})
                ],
            }
        )
        before = self._forecast_incoming()
        contract = self._contract()
        self.assertTotalsFollowRows(msg="a draft contract adds nothing")
        self.assertEqual(self._forecast_incoming(), before)
        contract.action_activate()
        self.assertTotalsFollowRows(msg="activated")
        self.assertEqual(self._forecast_incoming(), before + 1200)
        contract.line_ids.price_unit = 150.0
        self.assertTotalsFollowRows(msg="a line's price")
        self.assertEqual(self._forecast_incoming(), before + 1800)
        contract.payment_term_id = term
        self.assertTotalsFollowRows(msg="the payment term moves the due dates")
        # December's row is now due in January 2027, after the year
        self.assertEqual(self._forecast_incoming(), before + 1650)
        contract.write({"date_end": "2026-06-30"})
        self.assertTotalsFollowRows(msg="a shorter contract")
        invoice = contract.action_create_invoices(date="2026-03-01")
        self.assertTotalsFollowRows(msg="invoiced")
        invoice.action_post()
        invoice.button_draft()
        invoice.button_cancel()
        self.assertTotalsFollowRows(msg="the cancelled invoice gives its rows back")
        contract.action_create_invoices(date="2026-02-01").unlink()
        self.assertTotalsFollowRows(msg="the deleted invoice gives its rows back")
        contract.action_terminate()
        self.assertTotalsFollowRows(msg="terminated")
        self.assertEqual(self._forecast_incoming(), before)
        second = self._contract()
        second.action_activate()
        self.assertEqual(self._forecast_incoming(), before + 1200)
        second.sudo().unlink()
        self.assertTotalsFollowRows(msg="a deleted active contract takes its rows away")
        self.assertEqual(self._forecast_incoming(), before)

    def test_totals_sum_the_reports_rows(self):
        contract = self._contract(
            lines=[
                {"price_unit": 70.0},
                {"price_unit": 30.0, "recurrence": "quarterly"},
            ]
        )
        contract.action_activate()
        contract.action_create_invoices(date="2026-04-01").action_post()
        company = self.env.company
        expected = {}
        for row in self.env["crm.cashflow.forecast.report"].search(
            [("source", "=", "schedule"), ("company_id", "=", company.id)]
        ):
            if row.schedule_id.state == "planned":  # not the draft-invoiced rows
                key = (row.date, row.direction, row.original_currency_id)
                expected[key] = expected.get(key, 0.0) + row.amount_currency
        totals = {}
        for total in self.env["crm.contract.schedule.total"].search(
            [("company_id", "=", company.id)]
        ):
            key = (total.date_due, total.direction, total.currency_id)
            totals[key] = totals.get(key, 0.0) + total.amount_total
        self.assertTrue(expected)
        self.assertEqual(
            {key: amount for key, amount in totals.items() if amount},
            {key: amount for key, amount in expected.items() if amount},
        )

    def test_merge(self):
        contract = self._contract()
        contract.action_activate()
        contract.line_ids.price_unit = 120.0
        contract.action_create_invoices(date="2026-05-01")
        Totals = self.env["crm.contract.schedule.total"]
        changes = Totals.search_count([])
        Totals._cron_merge()
        self.assertLess(Totals.search_count([]), changes)
        self.assertTotalsFollowRows(msg="merged")
        keys = Totals.search([]).mapped(
            lambda t: (t.company_id, t.date_due, t.direction, t.currency_id)
        )
        self.assertEqual(len(keys), len(set(keys)), "one row per day after the merge")
        self.assertFalse(Totals.search([("row_count", "=", 0)]), "nothing left that sums to 0")

    def test_access(self):
        self._contract().action_activate()
        Totals = self.env["crm.contract.schedule.total"]
        self.assertTrue(Totals.with_user(self.billing).search_count([]))
        with self.assertRaises(AccessError):
            Totals.with_user(self.salesman).search([])
        total = Totals.search([], limit=1)
        with self.assertRaises(AccessError):
            total.with_user(self.billing).write({"amount_total": 1.0})
        with self.assertRaises(AccessError):
            Totals.with_user(self.billing).create({"amount_total": 1.0})


@tagged("post_install", "-at_install")
class TestScheduleTotalsTwoWorkers(TotalsCase):
    """Two workers change rows of the same days at the same time: neither waits
    for nor conflicts with the other, and the totals hold both changes."""

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute("SET lock_timeout = '5s'")
        return cr

    def _new_contract(self, env, name):
        partner = env["res.partner"].create({"name": name})
        return env["crm.contract"].create(
            {
                "partner_id": partner.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "line_ids": [
                    Command.create(
                        {
                            "name": name,
                            "price_unit": 10.0,
                            "recurrence": "monthly",
                            "date_start": "2026-01-01",
                        }
                    )
                ],
            }
        )

    def test_same_days_two_workers(self):
        with self._cursor() as cr0:
            env0 = api.Environment(cr0, SUPERUSER_ID, {})
            first = self._new_contract(env0, "Totals worker 1")
            first.action_activate()
            ids = [first.id, self._new_contract(env0, "Totals worker 2").id]
        try:
            cr1, cr2 = self._cursor(), self._cursor()
            try:
                env1 = api.Environment(cr1, SUPERUSER_ID, {})
                env2 = api.Environment(cr2, SUPERUSER_ID, {})
                # the same twelve days: one worker invoices, the other activates
                env1["crm.contract"].browse(ids[0]).action_create_invoices(date="2026-03-01")
                env1.flush_all()
                env2["crm.contract"].browse(ids[1]).action_activate()
                env2.flush_all()
                cr2.commit()
                cr1.commit()
            finally:
                cr1.close()
                cr2.close()
            with self._cursor() as cr3:
                self.assertTotalsFollowRows(cr3, "both workers' changes")
        finally:
            with self._cursor() as crc:
                envc = api.Environment(crc, SUPERUSER_ID, {})
                contracts = envc["crm.contract"].browse(ids)
                contracts.schedule_ids.invoice_id.unlink()
                contracts.unlink()
