"""The daily runs: their times of day, and the invoices at the day's rate."""

import datetime
import logging
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.crm_finance_cashflow.models.res_company_rates import RateFeedError
from odoo.addons.crm_suite_base.tests.common import RaceCase, load_migration

from .test_contract import ContractCase

#: the suite's daily runs, in the order they run each day
FINANCE_CRONS = (
    "crm_finance_cashflow.ir_cron_crm_currency_rates",
    "crm_finance_cashflow.ir_cron_crm_contract_extend_schedules",
    "crm_finance_cashflow.ir_cron_crm_contract_alerts",
    "crm_finance_cashflow.ir_cron_crm_contract_invoices",
)
SUPPLY_CRONS = (
    "crm_supply.ir_cron_sale_stock_reservation_expire",
    "crm_supply.ir_cron_product_low_stock",
)
LOGGER = "odoo.addons.crm_finance_cashflow.models.crm_contract_schedule"
RATES_LOGGER = "odoo.addons.crm_finance_cashflow.models.res_company_rates"


@tagged("post_install", "-at_install")
class TestDailyRunTimes(TransactionCase):
    """Each daily run at a time of day of its own (they all ran at the
    installation's, at once: the invoices before the day's rates, two contract
    runs side by side on Odoo's two cron threads)."""

    def test_finance_runs_in_order(self):
        crons = [self.env.ref(xmlid) for xmlid in FINANCE_CRONS]
        for cron in crons:
            self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"), cron.name)
        times = [cron.nextcall.time() for cron in crons]
        # rates, then the open-ended schedules, expiries, renewals and
        # alerts, and the invoices last: distinct times, in this order
        self.assertEqual(times, sorted(set(times)), [cron.name for cron in crons])
        # created in that order too: Odoo starts the jobs due at once by id
        self.assertEqual([cron.id for cron in crons], sorted(cron.id for cron in crons))

    def test_supply_runs_at_times_of_their_own(self):
        supply = [self.env.ref(xmlid, raise_if_not_found=False) for xmlid in SUPPLY_CRONS]
        if not all(supply):
            self.skipTest("crm_supply is not installed")
        finance = {self.env.ref(xmlid).nextcall.time() for xmlid in FINANCE_CRONS}
        times = [cron.nextcall.time() for cron in supply]
        # the expired reservations free their stock before the low-stock check
        self.assertEqual(times, sorted(set(times)))
        self.assertFalse(finance & set(times))


@tagged("post_install", "-at_install")
class TestInvoicingAtTheDaysRate(ContractCase, RaceCase):
    """The daily run invoices a foreign-currency contract at the day's rate,
    whether or not the rates' own run has updated them yet that day: an invoice
    keeps the rate it was created at (Odoo does not convert it again when the
    day's rate comes later)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.crm_rate_provider = "nbr"
        cls.today = fields.Date.context_today(cls.env.user)
        cls.foreign = cls.env["res.currency"].create(
            {"name": "XDY", "symbol": "D", "rounding": 0.01}
        )
        # the day before's rate: 2 XDY for one unit of the company currency
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.foreign.id,
                "company_id": cls.company.id,
                "name": cls.today - timedelta(days=1),
                "rate": 2.0,
            }
        )

    def setUp(self):
        super().setUp()
        self.contract = self._due_today_contract()

    def _due_today_contract(self, **vals):
        contract = self._contract(
            currency_id=self.foreign.id,
            date_start=self.today,
            date_end=self.today + timedelta(days=100),
            lines=[{"date_start": self.today}],
            **vals,
        )
        contract.action_activate()
        return contract

    def _feed(self, **kwargs):
        """The provider's feed of today: one XDY is 4 units of the company
        currency (Odoo's rate 0.25); else ``kwargs``' (a side_effect)."""
        own = self.company.currency_id.name
        kwargs = kwargs or {"return_value": (self.today, own, {own: 1.0, "XDY": 4.0})}
        return patch.object(
            type(self.env["res.company"]), "_crm_fetch_rates", autospec=True, **kwargs
        )

    def _other_root_contract(self):
        """A contract due today of another root company of the same provider,
        without a rate of XDY of its own."""
        other = self.env["res.company"].create(
            {
                "name": "Rates Second Root",
                "currency_id": self.company.currency_id.id,
                "crm_rate_provider": "nbr",
            }
        )
        self.env["account.chart.template"].try_loading("generic_coa", other, install_demo=False)
        self.billing.write({"company_ids": [Command.link(other.id)]})
        both = (self.company | other).ids
        billing = self.billing.with_context(allowed_company_ids=both)
        return self._due_today_contract(company_id=other.id, user=billing)

    def _run(self):
        # (other contracts of the database it cannot invoice are logged)
        with mute_logger(LOGGER, RATES_LOGGER):
            self.env["crm.contract"]._cron_create_invoices()
        return self.contract.schedule_ids.invoice_id

    def test_rates_updated_before_invoicing(self):
        with self._feed() as fetch:
            move = self._run()
        self.assertEqual(len(move), 1)
        self.assertEqual(move.currency_id, self.foreign)
        # not the day before's (2.0), which the invoice would keep
        self.assertAlmostEqual(move.invoice_currency_rate, 0.25, msg="the day's rate")
        self.assertAlmostEqual(move.amount_untaxed_signed, 400.0)
        fetch.assert_called_once()
        self.assertTrue(self.company.crm_rate_last_update)
        # updated today: the next run (or the rates' own) reads them as they are
        second = self._due_today_contract()
        with self._feed() as fetch:
            self.env["crm.contract"]._cron_create_invoices()
        fetch.assert_not_called()
        self.assertAlmostEqual(second.schedule_ids.invoice_id.invoice_currency_rate, 0.25)

    def test_one_fetch_per_feed_for_several_root_companies(self):
        """Two root companies of one provider: the run fetches its feed once
        for both (it fetched it once per root company, each waiting up to the
        timeout), and each root company stores the day's rates."""
        second = self._other_root_contract()
        with self._feed() as fetch:
            move = self._run()
        fetch.assert_called_once()
        self.assertAlmostEqual(move.invoice_currency_rate, 0.25, msg="the day's rate")
        self.assertAlmostEqual(second.schedule_ids.invoice_id.invoice_currency_rate, 0.25)
        self.assertTrue(second.company_id.crm_rate_last_update)

    def test_failing_feed_fetched_once_per_run(self):
        """The feed fails: the run does not try it again for the next root
        company of the same provider (each try waits up to the timeout). The
        first company's contract is invoiced at the rates at hand, the
        second's, without a rate of its currency, is not, with the note of the
        missing rate on its chatter, as it was; the error is kept on both."""
        second = self._other_root_contract()
        with self._feed(side_effect=RateFeedError("network error: timed out")) as fetch:
            move = self._run()
        self.assertEqual(fetch.call_count, 1)
        self.assertAlmostEqual(move.invoice_currency_rate, 2.0, msg="the rate at hand")
        self.assertFalse(second.schedule_ids.invoice_id)
        notes = second.message_ids.filtered(lambda m: "could not invoice" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn("There is no exchange rate of XDY", notes.body)
        for company in self.company | second.company_id:
            self.assertIn("timed out", company.crm_rate_last_error, company.name)
            self.assertIn(company.name, company.crm_rate_last_error)
        # a later run (or a user's Update rates now) tries the feed again
        with self._feed() as fetch:
            self._run()
        fetch.assert_called_once()
        self.assertAlmostEqual(second.schedule_ids.invoice_id.invoice_currency_rate, 0.25)
        self.assertFalse(second.company_id.crm_rate_last_error)

    def test_without_a_provider_nothing_fetched(self):
        self.company.crm_rate_provider = "none"
        with self._feed() as fetch:
            move = self._run()
        fetch.assert_not_called()
        self.assertAlmostEqual(move.invoice_currency_rate, 2.0, msg="the rate at hand")

    def test_rates_run_under_way(self):
        """The rates' own run holds its job (Odoo's cron runner locks it): the
        invoices convert at the rates at hand, and the two never write the
        day's rates at once."""
        rates_cron = self.env.ref("crm_finance_cashflow.ir_cron_crm_currency_rates")
        with self._cursor() as runner, self._feed() as fetch:
            runner.execute(
                "SELECT id FROM ir_cron WHERE id = %s FOR NO KEY UPDATE", [rates_cron.id]
            )
            with self.assertLogs(LOGGER, logging.INFO) as logs, mute_logger(RATES_LOGGER):
                self.env["crm.contract"]._cron_create_invoices()
            runner.rollback()
        fetch.assert_not_called()
        self.assertIn("their update is running", "\n".join(logs.output))
        move = self.contract.schedule_ids.invoice_id
        self.assertAlmostEqual(move.invoice_currency_rate, 2.0, msg="the rate at hand")


@tagged("post_install", "-at_install")
class TestDailyRunTimesMigration(TransactionCase):
    """18.0.1.8.19: a database installed before the runs had their times keeps
    the data's old values (noupdate): all four due at the installation's time
    of day, the invoices first. The migration moves them, unless an
    administrator set their times."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.migration = load_migration("crm_finance_cashflow", "18.0.1.8.19")
        cls.crons = [cls.env.ref(xmlid) for xmlid in FINANCE_CRONS]

    def test_runs_as_installed_get_their_times(self):
        installed = datetime.datetime(2026, 12, 7, 9, 56, 34)
        for cron in self.crons:
            cron.nextcall = installed
        self.migration.set_daily_run_times(self.env)
        self.assertEqual(
            [cron.nextcall for cron in self.crons],
            [
                datetime.datetime(2026, 12, 7, 1, 0),
                datetime.datetime(2026, 12, 7, 1, 30),
                datetime.datetime(2026, 12, 7, 2, 0),
                datetime.datetime(2026, 12, 7, 3, 0),
            ],
        )
        # a second run changes nothing
        self.assertFalse(self.migration.set_daily_run_times(self.env))

    def test_times_set_by_an_administrator_are_kept(self):
        times = [datetime.datetime(2026, 12, 7, 22, minute) for minute in (0, 10, 20, 30)]
        for cron, at in zip(self.crons, times, strict=True):
            cron.nextcall = at
        self.assertFalse(self.migration.set_daily_run_times(self.env))
        self.assertEqual([cron.nextcall for cron in self.crons], times)
