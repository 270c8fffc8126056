"""The supplier-invoice alerts close when they are answered or moot: each has
its own activity type and its schedule row keeps it; the bill created from the
row marks it done, the row cancelled (the contract terminated) or no longer
expected (a line's dates changed, a line removed) removes it. The 18.0.1.8.7
migration gives the to-dos of before that type and their row."""

import logging

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm_suite_base.models.policy import privileged
from odoo.addons.crm_suite_base.tests.common import load_migration

from .common import ContractRaceCase
from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestSupplierInvoiceAlerts(ContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["crm.contract"])
        cls.bill_type = cls.env.ref("crm_finance_cashflow.mail_activity_type_supplier_invoice")
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")

    def _day(self, days):
        return fields.Date.to_string(self.today + relativedelta(days=days))

    def _bills(self, contract):
        return contract.activity_ids.filtered(
            lambda a: (a.summary or "").startswith("Supplier invoice expected")
        )

    def _alerted(self, lines=None):
        """An active supplier contract whose rows of the next days are alerted."""
        contract = self._contract(
            contract_type="supplier",
            date_start=self._day(3),
            date_end=self._day(20),
            lines=lines or [{"date_start": self._day(3)}],
        )
        contract.action_activate()
        self.env["crm.contract"]._cron_alerts()
        return contract

    def test_alert_typed_and_kept_by_its_row(self):
        contract = self._alerted()
        alert = self._bills(contract)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.activity_type_id, self.bill_type)
        self.assertEqual(contract.schedule_ids.alert_activity_id, alert)
        self.assertEqual(alert.date_deadline, contract.schedule_ids.date)

    def test_terminate_removes_the_alerts(self):
        contract = self._alerted()
        alert = self._bills(contract)
        self.assertTrue(alert)
        contract.with_user(self.billing).action_terminate()
        self.assertEqual(set(contract.schedule_ids.mapped("state")), {"cancelled"})
        self.assertFalse(alert.exists(), "nothing is expected any more")
        self.assertFalse(self._bills(contract))

    def test_row_no_longer_expected_removes_its_alert(self):
        """A line's first date moved: its row is replaced and its alert removed;
        the new row is alerted in its turn. A line removed: its row's alert is
        removed, the other line's stays."""
        contract = self._alerted(
            lines=[
                {"date_start": self._day(3)},
                {"date_start": self._day(4), "name": "Support"},
            ]
        )
        alerts = self._bills(contract)
        self.assertEqual(len(alerts), 2)
        first, second = contract.line_ids.sorted("id")
        old = alerts.filtered(lambda a: a.date_deadline == self.today + relativedelta(days=3))
        first.with_user(self.billing).write({"date_start": self._day(5)})
        self.assertFalse(old.exists())
        self.assertEqual(self._bills(contract), alerts - old)
        self.env["crm.contract"]._cron_alerts()
        new = self._bills(contract) - alerts
        self.assertEqual(new.date_deadline, self.today + relativedelta(days=5))
        self.assertEqual(
            contract.schedule_ids.filtered(lambda r: r.contract_line_id == first).alert_activity_id,
            new,
        )
        kept = alerts - old
        second.with_user(self.billing).unlink()
        self.assertFalse(kept.exists())
        self.assertEqual(self._bills(contract), new)

    def test_bill_marks_the_alert_done(self):
        """Create Invoices: the bill answers the alert, marked done with a note
        naming the bill (kept in the chatter, as a user marking it would)."""
        contract = self._alerted()
        alert = self._bills(contract)
        bill = contract.with_user(self.billing).action_create_invoices(date=self._day(3))
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertFalse(alert.exists().filtered("active"))
        self.assertFalse(self._bills(contract))
        done = contract.message_ids.filtered(lambda m: m.mail_activity_type_id == self.bill_type)
        self.assertEqual(len(done), 1)
        self.assertIn("created", done.body)
        self.assertIn(bill.display_name, done.body)

    def test_bill_gone_alerts_the_row_again(self):
        """The bill of an alerted row cancelled: the row is expected again and the
        alerts cron reminds of it anew (its first alert was done by the bill)."""
        contract = self._alerted()
        first = self._bills(contract)
        bill = contract.with_user(self.billing).action_create_invoices(date=self._day(3))
        self.assertFalse(self._bills(contract))
        bill.button_cancel()
        row = contract.schedule_ids
        self.assertEqual(row.state, "planned")
        self.env["crm.contract"]._cron_alerts()
        again = self._bills(contract)
        self.assertEqual(len(again), 1)
        self.assertNotEqual(again, first)
        self.assertEqual(row.alert_activity_id, again)
        self.env["crm.contract"]._cron_alerts()
        self.assertEqual(self._bills(contract), again, "once per expectation")

    def test_migration_types_and_links_the_todos(self):
        """The to-dos given before: typed and linked to their row; that of a row
        billed since done, that of a terminated contract removed, another
        to-do left as it is."""
        planned = self._contract(
            contract_type="supplier",
            date_start=self._day(3),
            date_end=self._day(20),
            lines=[{"date_start": self._day(3)}, {"date_start": self._day(3), "price_unit": 50}],
        )
        billed, ended = (
            self._contract(
                contract_type="supplier",
                date_start=self._day(3),
                date_end=self._day(20),
                lines=[{"date_start": self._day(3)}],
            )
            for _i in range(2)
        )
        (planned | billed | ended).action_activate()

        def legacy(contract, row, summary=None):
            privileged(row).write({"alert_sent": True})
            return contract.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=row.date,
                summary=summary or f"Supplier invoice expected: {row.amount_total} EUR",
                user_id=self.billing.id,
            )

        rows = planned.schedule_ids.sorted("amount_total")
        # given in the other order: each is linked to the row of its amount
        todo_100 = legacy(planned, rows[1])
        todo_50 = legacy(planned, rows[0])
        other = planned.activity_schedule(
            "mail.mail_activity_data_todo", summary="Call the supplier", user_id=self.billing.id
        )
        billed_row = billed.schedule_ids.sorted("date")[0]
        todo_billed = legacy(billed, billed_row)
        ended_row = ended.schedule_ids.sorted("date")[0]
        todo_ended = legacy(ended, ended_row)
        billed.with_user(self.billing).action_create_invoices(date=self._day(3))
        ended.with_user(self.billing).action_terminate()
        self.assertTrue(todo_billed.exists() and todo_ended.exists())

        load_migration("crm_finance_cashflow", "18.0.1.8.7").migrate(self.env.cr, "18.0.1.8.6")
        self.assertEqual((todo_100 | todo_50).activity_type_id, self.bill_type)
        self.assertEqual(rows[1].alert_activity_id, todo_100)
        self.assertEqual(rows[0].alert_activity_id, todo_50)
        self.assertEqual(other.activity_type_id, self.todo)
        self.assertFalse(todo_billed.exists().filtered("active"), "the bill answered it")
        self.assertFalse(todo_ended.exists(), "moot")
        planned.with_user(self.billing).action_terminate()
        self.assertFalse((todo_100 | todo_50).exists())
        self.assertTrue(other.exists())


@tagged("post_install", "-at_install")
class TestAlertsCronRace(ContractCase, ContractRaceCase):
    """Another worker changes a row while the daily run is under way: that
    row's alert is left to the next run, logged, and the run's other alerts
    are sent all the same (the serialization failure undid the whole run,
    renewals and expiries included, until the next day)."""

    LOGGER = "odoo.addons.crm_finance_cashflow.models.crm_contract"

    def test_row_changed_meanwhile(self):
        today = fields.Date.context_today(self.env.user)
        start = fields.Date.to_string(today + relativedelta(days=3))
        changed_id, other_id = self._committed_contracts(
            "Alert Race Vendor",
            [{"title": title} for title in ("changed meanwhile", "left to the run")],
            contract_type="supplier",
            date_start=start,
            date_end=fields.Date.to_string(today + relativedelta(days=20)),
        )
        with self._racing_envs() as (env_user, env_cron):
            # the run's transaction has started (its snapshot is taken)
            rows = env_cron["crm.contract.schedule"].search(
                [("contract_id", "in", [changed_id, other_id])]
            )
            self.assertEqual(len(rows), 2)
            self.assertFalse(any(rows.mapped("alert_sent")))
            changed_row = rows.filtered(lambda r: r.contract_id.id == changed_id)
            # another worker changes the first contract's row, and commits
            privileged(env_user["crm.contract.schedule"].browse(changed_row.id)).write(
                {"amount_untaxed": 12.0}
            )
            env_user.cr.commit()
            with (
                mute_logger("odoo.sql_db"),
                self.assertLogs(self.LOGGER, logging.INFO) as logs,
            ):
                env_cron["crm.contract"]._cron_alerts()
                # what the run wrote reaches the database (as its end does)
                env_cron.flush_all()
            changed = env_cron["crm.contract"].browse(changed_id)
            other = env_cron["crm.contract"].browse(other_id)
            self.assertIn(
                f"contract {changed.name} (id {changed_id}): row {changed_row.id} alert left "
                "to the next run",
                "\n".join(logs.output),
            )
            self.assertFalse(changed.schedule_ids.alert_sent)
            self.assertFalse(changed.schedule_ids.alert_activity_id)
            self.assertTrue(other.schedule_ids.alert_sent)
            self.assertTrue(other.schedule_ids.alert_activity_id)
            env_cron.cr.rollback()

    def test_contract_changed_meanwhile_expires_next_run(self):
        """Two ended contracts: one changed by a user after the run started
        stays active until the next run, the other expires; one renewed
        automatically is renewed all the same."""
        today = fields.Date.context_today(self.env.user)
        start = fields.Date.to_string(today - relativedelta(days=30))
        end = fields.Date.to_string(today - relativedelta(days=21))
        ids = self._committed_contracts(
            "Expiry Race Client",
            [
                {"title": title, "renewal": renewal}
                for title, renewal in (
                    ("changed meanwhile", "manual"),
                    ("expired by the run", "manual"),
                    ("renewed by the run", "automatic"),
                )
            ],
            recurrence="one_off",
            date_start=start,
            date_end=end,
        )
        with self._racing_envs() as (env_user, env_cron):
            # the run's transaction has started (its snapshot is taken)
            ended = env_cron["crm.contract"].browse(ids)
            self.assertEqual(set(ended.mapped("state")), {"active"})
            # a user changes the first contract, and commits
            env_user["crm.contract"].browse(ids[0]).write({"title": "changed by a user"})
            env_user.cr.commit()
            with (
                mute_logger("odoo.sql_db"),
                self.assertLogs(self.LOGGER, logging.INFO) as logs,
            ):
                env_cron["crm.contract"]._cron_expire_and_renew()
                env_cron.flush_all()
            changed, expired, renewed = env_cron["crm.contract"].browse(ids)
            self.assertIn(
                f"contract {changed.name} (id {changed.id}): expiry left to the next run",
                "\n".join(logs.output),
            )
            self.assertEqual(changed.state, "active")
            self.assertEqual(expired.state, "expired")
            self.assertEqual(renewed.state, "active")
            self.assertGreaterEqual(renewed.date_end, today)
            env_cron.cr.rollback()
