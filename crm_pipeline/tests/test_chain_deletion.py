from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PipelineCase


@tagged("post_install", "-at_install")
class TestResponsibilityTypeDeletion(PipelineCase):
    """A step of the chain is not deleted: the step before it would lose its
    next step, and completing that one would win the lead."""

    def _forget_steps_of(self, rtype):
        # the demo's leads have steps of every type: this type is made unused
        self.env["crm.lead.responsibility"].search([("type_id", "=", rtype.id)]).unlink()

    def test_a_step_with_a_kind_is_not_deleted(self):
        for rtype in (self.t_contact, self.t_meeting, self.t_offer, self.t_contracting):
            self._forget_steps_of(rtype)
            with self.assertRaises(UserError) as cm:
                rtype.with_user(self.manager).unlink()
            self.assertIn("is a step of the chain", str(cm.exception))
            self.assertTrue(rtype.exists())
        self.assertEqual(self.t_meeting.next_type_id, self.t_offer)

    def test_a_type_the_chain_leads_to_is_not_deleted(self):
        Type = self.env["crm.responsibility.type"].with_user(self.manager)
        extra = Type.create(
            {"name": "Site survey", "code": "SITE_SURVEY", "next_type_id": self.t_offer.id}
        )
        self.t_meeting.with_user(self.manager).write({"next_type_id": extra.id})
        with self.assertRaises(UserError) as cm:
            extra.unlink()
        self.assertIn("follows Meeting & evaluation", str(cm.exception))
        self.assertEqual(self.t_meeting.next_type_id, extra)
        # taken out of the chain first, it goes
        self.t_meeting.with_user(self.manager).write({"next_type_id": self.t_offer.id})
        extra.unlink()
        self.assertFalse(extra.exists())
        # a type of no chain goes too
        Type.create({"name": "Unused", "code": "UNUSED_STEP"}).unlink()

    def test_an_archived_step_keeps_the_chain(self):
        """A step of the chain is not archived either (no lead could start at,
        or pass, a step whose gates are bound to its kind). A type without kind
        that the chain leads to, archived, is still opened after the one
        before it (only Activate and Correct Step leave archived types out)."""
        with self.assertRaises(UserError) as cm:
            self.t_meeting.with_user(self.manager).write({"active": False})
        self.assertIn("it cannot be archived", str(cm.exception))
        self.assertTrue(self.t_meeting.active)
        extra = (
            self.env["crm.responsibility.type"]
            .with_user(self.manager)
            .create(
                {"name": "Site survey", "code": "SITE_SURVEY", "next_type_id": self.t_meeting.id}
            )
        )
        self.t_contact.with_user(self.manager).write({"next_type_id": extra.id})
        extra.with_user(self.manager).write({"active": False})
        lead = self._lead()
        resp = self._activate(lead)
        survey = self.Responsibility.browse(
            resp.complete("next", "Called", next_deadline=self._in(2))
        )
        self.assertEqual(survey.type_id, extra)
        self.assertEqual(survey.type_id.next_type_id, self.t_meeting)


@tagged("post_install", "-at_install")
class TestLeadDeletionMeeting(PipelineCase):
    """A deleted lead takes the planned meeting of its open step with it (the
    database's cascade deletes the steps without their Python)."""

    def _at(self, days, hour):
        day = fields.Datetime.now().replace(microsecond=0) + timedelta(days=days)
        return day.replace(hour=hour, minute=30, second=0)

    def test_deleted_lead_drops_its_future_meeting(self):
        lead = self._lead(user_id=self.salesman.id)
        lead.with_user(self.salesman).activate(self.salesman.id, self._at(2, 9))
        event = lead.open_responsibility_id.calendar_event_id
        self.assertTrue(event)
        lead.with_user(self.manager).unlink()
        self.assertFalse(lead.exists())
        self.assertFalse(event.exists())

    def test_a_past_meeting_stays(self):
        lead = self._lead(user_id=self.salesman.id)
        lead.activate(self.salesman.id, self._at(2, 9))
        resp = lead.open_responsibility_id
        event = resp.calendar_event_id
        # the meeting took place (its step is still open)
        event.write({"start": self._at(-1, 9), "stop": self._at(-1, 10)})
        lead.with_user(self.manager).unlink()
        self.assertTrue(event.exists())
