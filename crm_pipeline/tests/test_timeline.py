from datetime import timedelta

from markupsafe import escape

from odoo import fields, tools
from odoo.tests import tagged

from .common import PipelineCase


@tagged("post_install", "-at_install")
class TestTimeline(PipelineCase):
    def test_rendered_as_a_backend_field_under_a_request(self):
        """The timeline is a backend field: rendered without the website's
        frontend context, whatever request is under way (crm's own tests read
        the lead form under a debug-mode request: with website installed, the
        render took it for a website page and failed)."""
        lead = self._lead()
        self._activate(lead)
        lead.invalidate_recordset(["timeline_html"])
        with self.debug_mode():
            html = str(lead.with_user(self.salesman).timeline_html)
        self.assertIn("Contact prospect", html)

    def test_entries_are_chronological(self):
        lead = self._lead()
        self._flush_tracking()
        lead.interest_status = "shown"
        contact = self._activate(lead)
        meeting = self.Responsibility.browse(
            contact.complete("next", "Talked to the buyer", next_deadline=self._in(2))
        )
        self._flush_tracking()
        now = fields.Datetime.now()
        # spread the history over the past days so the order is meaningful
        self.env.cr.execute(
            "UPDATE crm_lead_responsibility SET create_date = %s, date_closed = %s "
            "WHERE id = %s",
            [now - timedelta(days=4), now - timedelta(days=3), contact.id],
        )
        self.env.cr.execute(
            "UPDATE crm_lead_responsibility SET create_date = %s WHERE id = %s",
            [now - timedelta(days=2), meeting.id],
        )
        self.env.invalidate_all()
        entries = lead._timeline_entries()
        dates = [e["date"] for e in entries]
        self.assertEqual(dates, sorted(dates))
        for entry in entries:
            keys = {"date", "kind", "title", "body", "user"}
            self.assertEqual(set(entry) - {"date_only"}, keys)
        kinds = [e["kind"] for e in entries]
        for kind in (
            "tracking",
            "responsibility_opened",
            "responsibility_closed",
            "activity_done",
            "activity",
            "estimate",
        ):
            self.assertIn(kind, kinds)
        self.assertEqual(
            kinds[:3],
            ["responsibility_opened", "responsibility_closed"] + ["responsibility_opened"],
        )
        self.assertIn("Contact prospect", entries[0]["title"])
        self.assertEqual(entries[1]["body"], "Talked to the buyer")
        self.assertIn("Meeting", entries[2]["title"])
        # planned activity of the meeting, then the estimate at the very end
        self.assertEqual(kinds[-2:], ["activity", "estimate"])
        # the open step's deadline, then the standard durations of the steps after it
        remaining = self.t_offer.duration_days + self.t_contracting.duration_days
        self.assertEqual(
            lead.estimated_completion_date, meeting.deadline + timedelta(days=remaining)
        )
        tracked = [e for e in entries if e["kind"] == "tracking"]
        self.assertTrue(any(e["title"] == "Interest" for e in tracked))
        # the rendered timeline keeps the same order
        html = str(lead.timeline_html)
        positions = [html.find(str(escape(e["title"]))) for e in entries[:3]]
        self.assertTrue(all(p >= 0 for p in positions))
        self.assertEqual(positions[0], html.find("Responsibility opened: Contact prospect"))
        self.assertLess(positions[0], positions[1])
        self.assertLess(positions[1], html.find("Responsibility opened: Meeting"))
        self.assertLess(html.find("Responsibility opened: Meeting"), html.find("Estimated"))

    def test_estimate_for_inactive_and_closed_leads(self):
        lead = self._lead()
        total = sum(
            t.duration_days
            for t in (self.t_contact, self.t_meeting, self.t_offer, self.t_contracting)
        )
        self.assertAlmostEqual(
            lead.estimated_completion_date,
            fields.Datetime.now() + timedelta(days=total),
            delta=timedelta(minutes=5),
        )
        lead.action_set_won()
        lead.invalidate_recordset(["estimated_completion_date"])
        self.assertFalse(lead.estimated_completion_date)

    def test_contact_persons_and_work_points(self):
        person = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.customer.id, "type": "contact"}
        )
        site = self.env["res.partner"].create(
            {"name": "Site", "parent_id": self.customer.id, "type": "delivery"}
        )
        lead = self._lead()
        self.assertEqual(lead.contact_person_ids, person)
        self.assertEqual(lead.work_point_ids, site)

    def test_estimate_starts_from_the_open_step_deadline(self):
        lead = self._lead(user_id=self.salesman.id)
        lead = lead.with_user(self.salesman)
        step = self._activate(lead).with_user(self.salesman)
        # moved on to the Offer step, rescheduled far ahead
        step = self.Responsibility.browse(
            step.complete("next", "Called", next_deadline=self._in(2))
        ).with_user(self.salesman)
        self._satisfy_downstream_gates(lead)
        offer = self.Responsibility.browse(
            step.complete("next", "Met", next_deadline=self._in(3))
        ).with_user(self.salesman)
        self.assertEqual(offer.type_id, self.t_offer)
        deadline = fields.Datetime.now().replace(microsecond=0) + timedelta(days=60)
        offer.write({"deadline": deadline})
        self.assertEqual(
            lead.estimated_completion_date,
            deadline + timedelta(days=self.t_contracting.duration_days),
        )
        # an overdue step: from now, plus the steps after it
        offer.write({"deadline": fields.Datetime.now() - timedelta(days=10)})
        self.assertAlmostEqual(
            lead.estimated_completion_date,
            fields.Datetime.now() + timedelta(days=self.t_contracting.duration_days),
            delta=timedelta(minutes=5),
        )
        # shown as a day, in the reader's time zone
        entry = [e for e in lead._timeline_entries() if e["kind"] == "estimate"]
        self.assertTrue(entry[0]["date_only"])
        html = str(lead.timeline_html)
        day = tools.format_date(lead.env, lead.estimated_completion_date)
        self.assertIn(day, html)
        self.assertNotIn(tools.format_datetime(lead.env, lead.estimated_completion_date), html)
        arch = lead.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertRegex(arch, r'name="estimated_completion_date"[^>]*show_time')
