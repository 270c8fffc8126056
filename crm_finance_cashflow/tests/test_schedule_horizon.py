from datetime import date

import psycopg2
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm_suite_base.models.policy import privileged

from ..models.crm_contract_line import OPEN_ENDED_MONTHS
from .common import ContractRaceCase
from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestOpenEndedHorizon(ContractCase):
    """A contract without an end is scheduled, invoiced and forecast for as long
    as it runs: its rows reach today plus the horizon, topped up daily."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["crm.contract"])
        cls.horizon = cls.today + relativedelta(months=OPEN_ENDED_MONTHS)
        # activated four years ago, on the 31st (months without it: their end)
        cls.start = (cls.today - relativedelta(years=4)).replace(month=1, day=31)

    def _open_ended(self, lines, **vals):
        vals = dict(
            {
                "date_start": self.start,
                "date_end": False,
                "currency_id": self.env.company.currency_id.id,
            },
            **vals,
        )
        with freeze_time(self.start):
            contract = self._contract(
                lines=[dict({"date_start": self.start}, **line) for line in lines], **vals
            )
            contract.action_activate()
        return contract

    def _dates(self, line):
        return sorted(
            line.contract_id.schedule_ids.filtered(lambda r: r.contract_line_id == line).mapped(
                "date"
            )
        )

    def _extend(self, **kw):
        return self.env["crm.contract"]._cron_extend_schedules(**kw)

    def test_cron_tops_open_ended_schedules_up(self):
        contract = self._open_ended(
            [{"recurrence": "monthly"}, {"recurrence": "quarterly", "price_unit": 300.0}]
        )
        monthly, quarterly = contract.line_ids
        # activated four years ago: 36 months from then, then nothing
        self.assertEqual(self._dates(monthly)[-1], self.start + relativedelta(months=36))
        # a row invoiced then: kept as it is
        with freeze_time(self.start):
            invoice = contract.action_create_invoices(date=self.start)
        invoiced = contract.schedule_ids.filtered(lambda r: r.state == "invoiced")
        self.assertEqual(len(invoiced), 2)
        # the ones that do not run open-ended: left alone
        ended = self._open_ended([{}], date_end=self.start + relativedelta(years=5))
        own_end = self._open_ended([{"date_end": self.start + relativedelta(years=1)}])
        one_off = self._open_ended([{"recurrence": "one_off"}])
        terminated = self._open_ended([{}])
        terminated.action_terminate()
        others = ended | own_end | one_off | terminated
        before = {c: c.schedule_ids.read(["date", "state"]) for c in others}
        incoming = self._forecast_incoming()

        self.assertTrue(self._extend())

        expected = [self.start + relativedelta(months=i) for i in range(0, 100)]
        self.assertEqual(self._dates(monthly), [d for d in expected if d <= self.horizon])
        self.assertEqual(self._dates(quarterly), [d for d in expected[::3] if d <= self.horizon])
        # the 31st where the month has it, its end otherwise
        self.assertIn(date(self.start.year + 4, 3, 31), self._dates(monthly))
        new = contract.schedule_ids - invoiced
        self.assertEqual(set(new.mapped("state")), {"planned"})
        self.assertEqual(
            set(new.filtered(lambda r: r.contract_line_id == quarterly).mapped("amount_untaxed")),
            {300.0},
        )
        self.assertEqual(invoiced.mapped("state"), ["invoiced", "invoiced"])
        self.assertEqual(invoiced.invoice_id, invoice)
        for other, rows in before.items():
            self.assertEqual(other.schedule_ids.read(["date", "state"]), rows, other.name)
        # idempotent: a second run the same day adds nothing
        count = len(contract.schedule_ids)
        self._extend()
        self.assertEqual(len(contract.schedule_ids), count)
        # invoiced and forecast past the first 36 months
        due = self.today.replace(day=1) - relativedelta(months=1)
        self.assertTrue(contract.action_create_invoices(date=due))
        # the rows from two months before the horizon's month on
        expected = sum(
            row.amount_total
            for row in contract.schedule_ids
            if row.date >= self.horizon.replace(day=1) - relativedelta(months=2)
        )
        self.assertGreaterEqual(expected, 200.0)
        self.assertEqual(self._forecast_incoming() - incoming, expected)

    def _forecast_incoming(self):
        forecast = (
            self.env["crm.contract"]
            .with_user(self.billing)
            .get_cashflow_forecast(
                self.horizon.replace(day=1) - relativedelta(months=2), self.horizon
            )
        )
        return round(sum(p["incoming"] for p in forecast[1:]), 2)

    def test_in_batches(self):
        """``limit`` lines a call: the next call takes the others, a line
        topped up is not taken again."""
        first = self._open_ended([{}])
        second = self._open_ended([{}])
        Contract = self.env["crm.contract"]
        horizon_rows = [
            d
            for d in (self.start + relativedelta(months=i) for i in range(100))
            if d <= self.horizon
        ]
        pending = Contract._open_ended_lines_to_extend(self.horizon, 1000)
        mine = [row for row in pending if row[0] in (first | second).line_ids.ids]
        self.assertEqual(len(mine), 2)
        for __ in range(len(pending)):
            self._extend(limit=1)
        self.assertEqual(self._dates(first.line_ids), horizon_rows)
        self.assertEqual(self._dates(second.line_ids), horizon_rows)
        self.assertFalse(Contract._open_ended_lines_to_extend(self.horizon, 1000))

    def test_activated_today_reaches_the_horizon(self):
        """A contract started long ago and activated (or amended) today is
        scheduled up to today plus the horizon, not 36 months from its start."""
        contract = self._contract(
            date_start=self.start,
            date_end=False,
            currency_id=self.env.company.currency_id.id,
            lines=[{"date_start": self.start}],
        )
        contract.action_activate()
        self.assertEqual(
            self._dates(contract.line_ids)[-1],
            max(
                d
                for d in (self.start + relativedelta(months=i) for i in range(100))
                if d <= self.horizon
            ),
        )
        self.assertFalse(
            [
                row
                for row in self.env["crm.contract"]._open_ended_lines_to_extend(self.horizon, 1000)
                if row[0] == contract.line_ids.id
            ]
        )

    def test_one_row_per_line_and_date(self):
        """A second live row of a line and date (it would be invoiced twice) is
        refused by the database."""
        contract = self._open_ended([{}])
        row = contract.schedule_ids[0]
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            privileged(self.env["crm.contract.schedule"]).create(
                contract.line_ids._prepare_schedule_row(row.date)
            )


@tagged("post_install", "-at_install")
class TestOpenEndedHorizonRace(ContractRaceCase):
    """A user amends an open-ended contract while the daily top-up runs: no
    database error the user would see (a serialization failure is retried by
    Odoo), and one row per line and date whoever commits first."""

    lock_timeout = "5s"

    def setUp(self):
        super().setUp()
        today = fields.Date.context_today(self.env.user)
        start = (today - relativedelta(years=4)).replace(day=1)
        with freeze_time(start):
            [self.contract_id] = self._committed_contracts(
                "Horizon Race Client", date_start=start, date_end=False
            )

    def _rows(self, env):
        rows = env["crm.contract"].browse(self.contract_id).schedule_ids
        return [(row.contract_line_id.id, row.date) for row in rows]

    def test_amended_after_the_top_up_committed(self):
        """The user's request read the schedule before the run committed: its
        lock raises a serialization failure (Odoo runs the request again), not
        the unique index's violation."""
        with self._racing_envs() as (env_user, env_cron):
            before = len(self._rows(env_user))  # the request's snapshot is taken
            env_cron["crm.contract"]._cron_extend_schedules()
            env_cron.cr.commit()
            self.assertGreater(len(self._rows(env_cron)), before)
            line = env_user["crm.contract"].browse(self.contract_id).line_ids
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.SerializationFailure),
            ):
                line.write({"price_unit": 12.0})
                env_user.flush_all()
            env_user.cr.rollback()
        # Odoo's retry: the same request again, with the run's rows
        with self._committed_env() as env2:
            env2["crm.contract"].browse(self.contract_id).line_ids.write({"price_unit": 12.0})
            env2.flush_all()
            rows = self._rows(env2)
            self.assertEqual(len(rows), len(set(rows)))
            amounts = (
                env2["crm.contract"].browse(self.contract_id).schedule_ids.mapped("amount_untaxed")
            )
            self.assertEqual(set(amounts), {12.0})

    def test_top_up_while_a_user_amends(self):
        """The run meets a contract a user is amending (not committed yet): it
        leaves it to the user's amendment, which schedules it itself."""
        with self._racing_envs() as (env_user, env_cron):
            before = len(self._rows(env_cron))  # the run's snapshot is taken
            line = env_user["crm.contract"].browse(self.contract_id).line_ids
            line.write({"price_unit": 12.0})
            env_user.flush_all()
            self.assertTrue(env_cron["crm.contract"]._cron_extend_schedules())
            env_cron.flush_all()
            self.assertEqual(len(self._rows(env_cron)), before)
            env_cron.cr.commit()
            env_user.cr.commit()
        with self._committed_env() as env2:
            rows = self._rows(env2)
            self.assertEqual(len(rows), len(set(rows)))
            self.assertGreater(len(rows), before)
            # the next run has nothing left to add
            env2["crm.contract"]._cron_extend_schedules()
            self.assertEqual(self._rows(env2), rows)
