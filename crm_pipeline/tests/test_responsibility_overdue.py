from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval

from .common import PipelineCase


@tagged("post_install", "-at_install")
class TestResponsibilityOverdue(PipelineCase):
    """One meaning of overdue for the responsibilities' *Overdue* filter, the
    board's report (``crm.responsibility.report.is_overdue``) and the
    responsible's to-do activity: the deadline's day is before today, both in
    the responsible's time zone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # far from UTC, so that its midnight is no UTC midnight
        cls.tokyo = new_test_user(
            cls.env,
            login="pipe_sales_tokyo",
            groups="sales_team.group_sale_salesman",
            tz="Asia/Tokyo",
        )
        cls.utc_user = new_test_user(
            cls.env, login="pipe_sales_no_tz", groups="sales_team.group_sale_salesman"
        )
        cls.utc_user.tz = False
        # the one who looks is elsewhere: it changes nothing
        cls.manager.tz = "America/New_York"

    def _responsibility(self, user, deadline):
        lead = self._lead(f"Overdue {deadline}", user_id=user.id)
        resp = self._activate(lead, user=user)
        resp.write({"deadline": deadline})
        return resp

    @staticmethod
    def _midnight_utc(tz_name):
        """Today's midnight in ``tz_name``, as a naive UTC datetime."""
        tz = pytz.timezone(tz_name)
        today = pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()
        return (
            tz.localize(datetime.combine(today, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
        )

    def _filter_domain(self, user):
        """The *Overdue* filter of the responsibilities' search view, evaluated
        as the web client does for ``user``."""
        view = self.env.ref("crm_pipeline.crm_lead_responsibility_view_search")
        [node] = etree.fromstring(view.arch).xpath("//filter[@name='overdue']")

        def context_today():
            return fields.Date.context_today(self.env["res.users"].with_user(user))

        return safe_eval(
            node.get("domain"),
            {
                "context_today": context_today,
                "datetime": safe_datetime,
                "relativedelta": relativedelta,
                "uid": user.id,
            },
        )

    def _overdue_everywhere(self, responsibilities, user):
        """{responsibility: (filter, report, field, activity)} as ``user`` sees it."""
        self.env.flush_all()
        Resp = self.env["crm.lead.responsibility"].with_user(user)
        filtered = Resp.search([("id", "in", responsibilities.ids)] + self._filter_domain(user))
        reported = (
            self.env["crm.responsibility.report"]
            .with_user(user)
            .search([("responsibility_id", "in", responsibilities.ids), ("is_overdue", "=", True)])
            .responsibility_id
        )
        result = {}
        for resp in responsibilities:
            activity = resp.activity_id
            result[resp] = (
                resp in filtered,
                resp in reported,
                resp.with_user(user).is_overdue,
                bool(activity) and activity.state == "overdue",
            )
        return result

    def test_overdue_at_the_responsible_midnight(self):
        midnight = self._midnight_utc("Asia/Tokyo")
        # the last second of yesterday, and the first of today, in Tokyo
        late = self._responsibility(self.tokyo, midnight - timedelta(seconds=1))
        due_today = self._responsibility(self.tokyo, midnight)
        # a date alone is stored at midnight UTC: for a responsible without a
        # time zone, yesterday is overdue, today is not
        utc_midnight = self._midnight_utc("UTC")
        late_utc = self._responsibility(self.utc_user, utc_midnight - timedelta(days=1))
        today_utc = self._responsibility(self.utc_user, utc_midnight)
        # closed: never overdue
        done = self._responsibility(self.tokyo, midnight - timedelta(days=3))
        done.complete("refused", "No budget", lost_reason_id=self.lost_reason.id)
        everything = late | due_today | late_utc | today_utc | done
        expected = {
            late: (True, True, True, True),
            late_utc: (True, True, True, True),
            # past (now is after midnight) but due today: not overdue
            due_today: (False, False, False, False),
            today_utc: (False, False, False, False),
            done: (False, False, False, False),
        }
        # whoever looks, in whichever time zone: the manager sees them all, each
        # salesperson their own
        for user, theirs in (
            (self.manager, everything),
            (self.tokyo, late | due_today | done),
            (self.utc_user, late_utc | today_utc),
        ):
            seen = self._overdue_everywhere(theirs, user)
            for resp in theirs:
                with self.subTest(user=user.login, deadline=resp.deadline):
                    self.assertEqual(seen[resp], expected[resp])

    def test_search_operators(self):
        yesterday = self._midnight_utc("Asia/Tokyo") - timedelta(hours=1)
        late = self._responsibility(self.tokyo, yesterday)
        later = self._responsibility(self.tokyo, fields.Datetime.now() + timedelta(days=2))
        Resp = self.env["crm.lead.responsibility"]
        both = [("id", "in", (late | later).ids)]
        self.assertEqual(Resp.search(both + [("is_overdue", "=", True)]), late)
        self.assertEqual(Resp.search(both + [("is_overdue", "!=", True)]), later)
        self.assertEqual(Resp.search(both + [("is_overdue", "=", False)]), later)
        with self.assertRaises(UserError):
            Resp.search([("is_overdue", "in", [True])])
