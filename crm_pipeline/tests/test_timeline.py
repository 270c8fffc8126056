from datetime import timedelta

from markupsafe import escape

from odoo import fields
from odoo.tests import tagged

from .common import PipelineCase


@tagged("post_install", "-at_install")
class TestTimeline(PipelineCase):
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
            self.assertEqual(set(entry), {"date", "kind", "title", "body", "user"})
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
        remaining = self.t_meeting.duration_days + self.t_offer.duration_days
        remaining += self.t_contracting.duration_days
        self.assertAlmostEqual(
            lead.estimated_completion_date,
            now + timedelta(days=remaining),
            delta=timedelta(minutes=5),
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
