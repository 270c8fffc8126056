from calendar import monthrange
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import format_date

from odoo.addons.crm_suite_base.models.policy import privileged
from odoo.addons.crm_suite_base.tests.common import load_migration

from ..models.crm_contract import RENEWAL_TERM_MAX
from .test_contract import ContractCase

CONTRACT_LOGGER = "odoo.addons.crm_finance_cashflow.models.crm_contract"


@tagged("post_install", "-at_install")
class TestRenewalTerm(ContractCase):
    """A contract keeps its renewal term: each renewal is one term after the
    current end, not the span from the start (which never moves) to that end."""

    def _active(self, start, end, **vals):
        contract = self._contract(
            date_start=start, date_end=end, lines=[{"date_start": start}], **vals
        )
        contract.action_activate()
        return contract

    def _term(self, contract):
        return contract.renewal_term, contract.renewal_term_unit

    def test_year_renewed_twice(self):
        contract = self._active("2026-01-01", "2026-12-31")
        self.assertEqual(self._term(contract), (12, "month"))
        contract.action_renew()
        self.assertEqual(contract.date_end, date(2027, 12, 31))
        contract.action_renew()
        # not 2029-12-31 (the two years from the start renewed again)
        self.assertEqual(contract.date_end, date(2028, 12, 31))
        self.assertEqual(self._term(contract), (12, "month"))
        self.assertTrue(contract.renewed)
        self.assertEqual(len(contract.schedule_ids), 36)

    def test_automatic_renewal_named_by_its_term(self):
        """The automatic renewal's option says what it renews by: the renewal
        term, not the contract's duration (the key stays)."""
        labels = dict(
            self.env["crm.contract"]
            .with_user(self.billing)
            .fields_get(["renewal"])["renewal"]["selection"]
        )
        self.assertEqual(labels["automatic"], "Automatic (renewal term)")

    def test_quarter_renewed_twice(self):
        for start, end, ends in (
            ("2026-01-01", "2026-03-31", (date(2026, 6, 30), date(2026, 9, 30))),
            # the day of the month after the end: 2026-12-01 + 3 months
            ("2026-09-01", "2026-11-30", (date(2027, 2, 28), date(2027, 5, 31))),
            ("2026-12-01", "2027-05-31", (date(2027, 11, 30), date(2028, 5, 31))),
        ):
            contract = self._active(start, end)
            for expected in ends:
                contract.action_renew()
                self.assertEqual(contract.date_end, expected, start)
            months = 6 if start == "2026-12-01" else 3
            self.assertEqual(self._term(contract), (months, "month"), start)

    def test_month_terms_keep_their_day(self):
        """Month terms are counted from the contract's start: a contract that
        ends on a month's end stays on months' ends, and one from the 29th to
        the 31st keeps its day where the months have it, renewed one term at a
        time as by the daily catch-up (it drifted to the 28th after February)."""
        for start, end, ends in (
            # the start's day is the 1st: the term's last day is a month's end
            (
                "2024-09-01",
                "2024-11-30",
                ("2025-02-28", "2025-05-31", "2025-08-31", "2025-11-30", "2026-02-28"),
            ),
            (
                "2026-01-31",
                "2026-02-27",
                ("2026-03-30", "2026-04-29", "2026-05-30", "2026-06-29", "2026-07-30"),
            ),
            (
                "2023-11-30",
                "2024-02-28",
                ("2024-05-29", "2024-08-29", "2024-11-29", "2025-02-27", "2025-05-29"),
            ),
            # a term given, longer than the first: counted from the start as well
            (
                "2026-01-31",
                "2026-03-30",
                ("2026-06-29", "2026-09-29", "2026-12-30", "2027-03-30"),
            ),
        ):
            contract = self._active(start, end)
            if start == "2026-01-31" and end == "2026-03-30":
                contract.write({"renewal_term": 3})
            for expected in ends:
                contract.action_renew()
                self.assertEqual(contract.date_end, fields.Date.to_date(expected), start)
                # the next term starts on the start's day, or the month's last day
                after = contract.date_end + timedelta(days=1)
                self.assertEqual(
                    after.day,
                    min(fields.Date.to_date(start).day, monthrange(after.year, after.month)[1]),
                )

    def test_cron_catch_up_as_one_term_at_a_time(self):
        """The daily catch-up of several month terms ends a contract from the
        31st where renewing it one term at a time does."""
        today = fields.Date.context_today(self.env.user)
        start = today.replace(day=1) - relativedelta(months=14, days=1)
        while start.day != 31:
            start = start.replace(day=1) - timedelta(days=1)
        end = start + relativedelta(months=1, days=-1)
        automatic = self._active(str(start), str(end), renewal="automatic")
        manual = self._active(str(start), str(end))
        self.env["crm.contract"]._cron_expire_and_renew()
        ends = []
        while manual.date_end < today:
            manual.action_renew()
            ends.append(manual.date_end)
        self.assertEqual(automatic.date_end, manual.date_end)
        self.assertEqual(
            ends, [start + relativedelta(months=n + 2, days=-1) for n in range(len(ends))]
        )

    def test_days_term(self):
        """A first term of no whole months renews by as many days, each time."""
        contract = self._active("2026-01-10", "2026-02-20")
        self.assertEqual(self._term(contract), (42, "day"))
        contract.action_renew()
        self.assertEqual(contract.date_end, date(2026, 4, 3))
        contract.action_renew()
        self.assertEqual(contract.date_end, date(2026, 5, 15))
        # a start at a month's end is whole months all the same (January 31st
        # plus one month is February 28th)
        self.assertEqual(
            self._term(self._contract(lines=[], date_start="2026-01-31", date_end="2026-02-27")),
            (1, "month"),
        )

    def test_cron_catches_up_by_the_term(self):
        """The automatic renewal of a 1-year contract that ended four years ago
        catches up by four terms of a year in one run (it renewed by 1, 2, then
        4 years: its end went two years too far)."""
        today = fields.Date.context_today(self.env.user)
        start = today.replace(day=1) - relativedelta(years=4)
        end = start + relativedelta(years=1, days=-1)
        contract = self._active(str(start), str(end), renewal="automatic")
        self.env["crm.contract"]._cron_expire_and_renew()
        expected = start + relativedelta(years=5, days=-1)
        self.assertGreaterEqual(expected, today)
        self.assertEqual(contract.date_end, expected)
        self.assertEqual(contract.state, "active")
        self.assertEqual(self._term(contract), (12, "month"))
        notes = contract.message_ids.filtered(lambda m: "Renewed until" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        lang_env = self.env(context={"lang": contract._crm_reader_lang()})
        self.assertIn(format_date(lang_env, expected), notes.body)
        self.assertEqual(len(contract.schedule_ids), 60)
        # the next run: nothing to renew; Renew then adds one year
        self.env["crm.contract"]._cron_expire_and_renew()
        self.assertEqual(contract.date_end, expected)
        contract.action_renew()
        self.assertEqual(contract.date_end, expected + relativedelta(years=1))

    def test_cron_catches_up_a_quarter(self):
        today = fields.Date.context_today(self.env.user)
        start = today.replace(day=1) - relativedelta(months=12)
        end = start + relativedelta(months=3, days=-1)
        contract = self._active(str(start), str(end), renewal="automatic")
        self.env["crm.contract"]._cron_expire_and_renew()
        # four terms of three months from the start, then the one of today
        self.assertEqual(contract.date_end, start + relativedelta(months=15, days=-1))

    def test_term_follows_the_dates_until_renewed(self):
        contract = self._contract(user_id=self.salesman.id).with_user(self.salesman)
        self.assertEqual(self._term(contract), (12, "month"))
        contract.write({"date_end": "2026-06-30"})
        self.assertEqual(self._term(contract), (6, "month"))
        contract.write({"date_end": "2026-02-14"})
        self.assertEqual(self._term(contract), (45, "day"))
        contract.write({"date_end": "2026-03-31"})
        contract = contract.with_user(self.billing)
        contract.action_activate()
        # finance amends the first term of an active contract: the term follows
        contract.write({"date_end": "2026-04-30"})
        self.assertEqual(self._term(contract), (4, "month"))
        contract.action_renew()
        self.assertEqual(contract.date_end, date(2026, 8, 31))
        # renewed: amending the end no longer changes the term
        contract.write({"date_end": "2026-12-31"})
        self.assertEqual(self._term(contract), (4, "month"))
        contract.action_renew()
        self.assertEqual(contract.date_end, date(2027, 4, 30))
        # finance changes the term itself
        contract.write({"renewal_term": 1, "renewal_term_unit": "month"})
        contract.action_renew()
        self.assertEqual(contract.date_end, date(2027, 5, 31))

    def test_term_given(self):
        """A shorter first period, renewed by years: the term given at creation
        (or with the dates) is kept."""
        contract = self._contract(
            date_start="2026-03-15",
            date_end="2026-12-31",
            renewal_term=12,
            renewal_term_unit="month",
            lines=[{"date_start": "2026-03-15"}],
        )
        self.assertEqual(self._term(contract), (12, "month"))
        contract.write({"date_end": "2026-11-30", "renewal_term": 1, "renewal_term_unit": "month"})
        self.assertEqual(self._term(contract), (1, "month"))
        contract.write({"date_end": "2026-12-31", "renewal_term": 12})
        contract.action_activate()
        contract.action_renew()
        self.assertEqual(contract.date_end, date(2027, 12, 31))
        contract.action_renew()
        self.assertEqual(contract.date_end, date(2028, 12, 31))
        # a copy keeps the term, and has not been renewed
        copy = contract.copy()
        self.assertEqual(self._term(copy), (12, "month"))
        self.assertFalse(copy.renewed)

    def test_given_term_kept_when_the_dates_are_amended(self):
        """A term given (at creation, or later) is not replaced when the dates of
        a contract never renewed are amended; it follows them again once it is
        the first term again."""
        Contract = self.env["crm.contract"].with_user(self.billing)
        contract = Contract.create(
            {
                "partner_id": self.partner.id,
                "date_start": "2026-03-15",
                "date_end": "2026-12-31",
                "renewal_term": 12,
                "renewal_term_unit": "month",
                "line_ids": [
                    Command.create(
                        {
                            "name": "Support",
                            "price_unit": 100.0,
                            "recurrence": "monthly",
                            "date_start": "2026-03-15",
                        }
                    )
                ],
            }
        )
        self.assertTrue(contract.renewal_term_given)
        contract.action_activate()
        self.assertEqual(self._term(contract), (12, "month"))
        contract.write({"date_start": "2026-03-01"})
        self.assertEqual(self._term(contract), (12, "month"))
        contract.action_renew()
        self.assertEqual(contract.date_end, date(2027, 12, 31))
        # given later, by a write (XML-RPC's way)
        draft = self._contract(user_id=self.salesman.id).with_user(self.salesman)
        self.assertEqual(self._term(draft), (12, "month"))
        self.assertFalse(draft.renewal_term_given)
        draft.write({"renewal_term": 1})
        self.assertTrue(draft.renewal_term_given)
        draft.write({"date_end": "2026-06-30"})
        self.assertEqual(self._term(draft), (1, "month"))
        # given with new dates: the term is compared with the new dates
        draft.write({"date_end": "2026-03-31", "renewal_term": 12})
        self.assertEqual(self._term(draft), (12, "month"))
        self.assertTrue(draft.renewal_term_given)
        # the first term again: the term follows the dates again
        draft.write({"renewal_term": 3})
        self.assertFalse(draft.renewal_term_given)
        draft.write({"date_end": "2026-12-31"})
        self.assertEqual(self._term(draft), (12, "month"))
        # a term given to a contract without an end is kept when the end is set
        no_end = self._contract(date_end=False, renewal_term=6, renewal_term_unit="month")
        self.assertTrue(no_end.renewal_term_given)
        no_end.write({"date_end": "2026-12-31"})
        self.assertEqual(self._term(no_end), (6, "month"))

    def test_form_keeps_the_given_term(self):
        """The form's onchange keeps a term given (saved, or typed in the form)
        when the dates are typed next, and fills the first term otherwise."""
        contract = self._active(
            "2026-03-15", "2026-12-31", renewal_term=12, renewal_term_unit="month"
        )
        with Form(contract.with_user(self.billing)) as form:
            form.date_start = date(2026, 3, 1)
            self.assertEqual((form.renewal_term, form.renewal_term_unit), (12, "month"))
        self.assertEqual(self._term(contract), (12, "month"))
        contract.with_user(self.billing).action_renew()
        self.assertEqual(contract.date_end, date(2027, 12, 31))
        # typed in the form, then the dates
        form = Form(self.env["crm.contract"].with_user(self.salesman))
        form.partner_id = self.partner
        form.date_start = date(2026, 3, 15)
        form.date_end = date(2026, 12, 31)
        self.assertEqual((form.renewal_term, form.renewal_term_unit), (292, "day"))
        form.renewal_term = 12
        form.renewal_term_unit = "month"
        form.date_start = date(2026, 3, 1)
        self.assertEqual((form.renewal_term, form.renewal_term_unit), (12, "month"))
        typed = form.save()
        self.assertEqual(self._term(typed), (12, "month"))
        self.assertTrue(typed.renewal_term_given)
        # not given: the term follows the dates typed in the form
        with Form(typed.with_user(self.salesman)) as form:
            form.renewal_term = 10
            self.assertFalse(form.renewal_term_given)
            form.date_end = date(2026, 6, 30)
            self.assertEqual((form.renewal_term, form.renewal_term_unit), (4, "month"))
        self.assertEqual(self._term(typed), (4, "month"))
        self.assertFalse(typed.renewal_term_given)

    def test_migration_marks_given_terms(self):
        """Contracts of before 18.0.1.8.3 whose term is not their first term are
        marked as given; the others (and renewed ones) are not."""
        given = self._contract(
            date_start="2026-03-15",
            renewal_term=12,
            renewal_term_unit="month",
            lines=[{"date_start": "2026-03-15"}],
        )
        first = self._contract()
        no_end = self._contract(date_end=False, renewal_term=6, renewal_term_unit="month")
        renewed = self._active("2026-01-01", "2026-03-31")
        renewed.action_renew()
        contracts = given | first | no_end | renewed
        self.env.cr.execute(
            "UPDATE crm_contract SET renewal_term_given = NULL WHERE id = ANY(%s)",
            [contracts.ids],
        )
        self.env.invalidate_all()
        load_migration("crm_finance_cashflow", "18.0.1.8.3").migrate(self.env.cr, "18.0.1.8.2")
        self.assertEqual(contracts.mapped("renewal_term_given"), [True, False, True, False])
        given.write({"date_start": "2026-03-01"})
        self.assertEqual(self._term(given), (12, "month"))

    def test_form(self):
        """The form fills the term from the dates (and creates a contract without
        an end, without a term)."""
        form = Form(self.env["crm.contract"].with_user(self.salesman))
        form.partner_id = self.partner
        form.date_start = date(2026, 1, 1)
        self.assertEqual(form.renewal_term, 0)
        no_end = form.save()
        self.assertEqual(self._term(no_end), (0, False))
        form = Form(self.env["crm.contract"].with_user(self.salesman))
        form.partner_id = self.partner
        form.date_start = date(2026, 1, 1)
        form.date_end = date(2026, 6, 30)
        self.assertEqual((form.renewal_term, form.renewal_term_unit), (6, "month"))
        form.renewal_term = 12
        self.assertEqual(self._term(form.save()), (12, "month"))
        # the end set later fills it
        no_end.with_user(self.salesman).date_end = "2026-03-31"
        self.assertEqual(self._term(no_end), (3, "month"))

    def test_term_policy(self):
        contract = self._contract(user_id=self.salesman.id)
        as_salesman = contract.with_user(self.salesman)
        # the contract's users in draft
        as_salesman.write({"renewal_term": 2, "renewal_term_unit": "day"})
        self.assertEqual(self._term(contract), (2, "day"))
        for vals in (
            {"renewal_term": -1},
            {"renewal_term": RENEWAL_TERM_MAX + 1},
            {"renewal_term": 1.5},
            {"renewal_term": "12"},
            {"renewal_term_unit": "week"},
            # a term needs its unit
            {"renewal_term_unit": False},
        ):
            with self.assertRaises(ValidationError, msg=vals):
                as_salesman.write(vals)
        with self.assertRaises(UserError):
            as_salesman.write({"renewed": True})
        with self.assertRaises(UserError):
            self._contract(renewed=True)
        contract.action_activate()
        # finance only, once active
        for vals in ({"renewal_term": 3}, {"renewal_term_unit": "month"}):
            with self.assertRaises(AccessError, msg=vals):
                as_salesman.write(vals)
        contract.write({"renewal_term": 3, "renewal_term_unit": "month"})
        contract.action_terminate()
        with self.assertRaises(UserError):
            contract.write({"renewal_term": 6})
        self.assertEqual(self._term(contract), (3, "month"))
        self.assertFalse(contract.renewed)

    def test_no_term(self):
        """A term set to none is the first term at activation and at the first
        renewal; a renewed contract without one is refused (the cron expires it
        with a note)."""
        contract = self._contract(renewal_term=0)
        self.assertEqual(self._term(contract), (0, False))
        contract.action_activate()
        self.assertEqual(self._term(contract), (12, "month"))
        contract.write({"renewal_term": 0})
        contract.action_renew()
        self.assertEqual(contract.date_end, date(2027, 12, 31))
        self.assertEqual(self._term(contract), (12, "month"))
        contract.write({"renewal_term": 0})
        with self.assertRaisesRegex(UserError, "no renewal term"):
            contract.action_renew()
        self.assertEqual(contract.date_end, date(2027, 12, 31))
        today = fields.Date.context_today(self.env.user)
        stuck = self._active(
            str(today - timedelta(days=60)), str(today - timedelta(days=31)), renewal="automatic"
        )
        privileged(stuck).write({"renewed": True, "renewal_term": 0})
        with self.assertLogs(CONTRACT_LOGGER, "WARNING") as logs:
            self.env["crm.contract"]._cron_expire_and_renew()
        self.assertIn("no renewal term", "\n".join(logs.output))
        self.assertEqual(stuck.state, "expired")
        self.assertTrue(stuck.message_ids.filtered(lambda m: "no renewal term" in (m.body or "")))

    def test_renewal_stays_within_the_dates(self):
        """A renewal that would end the contract after 2200-12-31, or after the
        dates Python holds, is refused with a clear error; the cron expires it."""
        contract = self._active("2200-01-01", "2200-12-31")
        with self.assertRaisesRegex(UserError, "cannot be renewed"):
            contract.action_renew()
        self.assertEqual(contract.date_end, date(2200, 12, 31))
        contract.write({"renewal_term": RENEWAL_TERM_MAX})
        with self.assertRaisesRegex(UserError, "cannot be renewed"):
            contract.action_renew()
        today = fields.Date.context_today(self.env.user)
        huge = self._active(
            str(today - timedelta(days=60)), str(today - timedelta(days=31)), renewal="automatic"
        )
        huge.write({"renewal_term": RENEWAL_TERM_MAX, "renewal_term_unit": "month"})
        with self.assertLogs(CONTRACT_LOGGER, "WARNING") as logs:
            self.env["crm.contract"]._cron_expire_and_renew()
        self.assertIn("cannot be renewed", "\n".join(logs.output))
        self.assertEqual(huge.state, "expired")
        self.assertEqual(huge.date_end, today - timedelta(days=31))

    def _track(self):
        """The tracking values of what was written, as a request's commit makes them."""
        self.env.flush_all()
        self.env.cr.flush()

    def test_migration_takes_the_first_period(self):
        """Contracts of before 18.0.1.8.0 get the term of their first period:
        before their end first moved later (as tracked), with the start as it
        stood then; the others (and drafts) their current dates."""
        # a 1-year contract renewed twice by the old code: by one, then two years
        doubled = self._active("2026-01-01", "2026-12-31")
        self._track()
        for end in ("2027-12-31", "2029-12-31"):
            privileged(doubled).write({"date_end": end})
            self._track()
        # six months renewed, then its start moved: the first term is six months
        moved_start = self._active("2026-01-01", "2026-06-30")
        self._track()
        privileged(moved_start).write({"date_end": "2026-12-31"})
        self._track()
        moved_start.write({"date_start": "2026-02-01"})
        self._track()
        # created without an end: its first end is the one set later
        late_end = self._contract(date_end=False)
        self._track()
        late_end.write({"date_end": "2026-03-31"})
        self._track()
        late_end.action_activate()
        for end in ("2026-06-30", "2026-12-31"):
            privileged(late_end).write({"date_end": end})
            self._track()
        # shortened to six months, then renewed by them: six months
        shortened = self._active("2026-01-01", "2026-12-31")
        self._track()
        for end in ("2026-06-30", "2026-12-31"):
            privileged(shortened).write({"date_end": end})
            self._track()
        # only shortened (an amendment, not a renewal): its current dates
        amended = self._active("2026-01-01", "2026-12-31")
        self._track()
        amended.write({"date_end": "2026-03-31"})
        self._track()
        # a draft amended: its current dates
        draft = self._contract()
        self._track()
        draft.write({"date_end": "2026-06-30"})
        self._track()
        # never moved
        days = self._active("2026-01-10", "2026-02-20")
        self._track()
        contracts = doubled | moved_start | late_end | shortened | amended | draft | days
        messages = len(self.env["mail.message"].search([("model", "=", "crm.contract")]))
        # the new columns, empty: the migration sets every contract's
        self.env.cr.execute(
            "UPDATE crm_contract SET renewal_term = NULL, renewal_term_unit = NULL, "
            "renewed = false WHERE id = ANY(%s)",
            [contracts.ids],
        )
        self.env.invalidate_all()
        load_migration("crm_finance_cashflow", "18.0.1.8.0").migrate(self.env.cr, "18.0.1.7.6")
        self._track()
        self.assertEqual(
            [(c.renewal_term, c.renewal_term_unit, c.renewed) for c in contracts],
            [
                (12, "month", True),
                (6, "month", True),
                (3, "month", True),
                (6, "month", True),
                (3, "month", False),
                (6, "month", False),
                (42, "day", False),
            ],
        )
        self.assertEqual(
            len(self.env["mail.message"].search([("model", "=", "crm.contract")])), messages
        )
        doubled.action_renew()
        self.assertEqual(doubled.date_end, date(2030, 12, 31))
        late_end.action_renew()
        self.assertEqual(late_end.date_end, date(2027, 3, 31))
        # a renewed contract's term no longer follows its dates; a draft's does
        doubled.write({"date_end": "2030-06-30"})
        self.assertEqual(doubled.renewal_term, 12)
        draft.write({"date_end": "2026-03-31"})
        self.assertEqual(draft.renewal_term, 3)
