from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestMeetingEvaluationGate(EvaluationSheetCase):
    @staticmethod
    def _in(days):
        return fields.Datetime.to_string(
            fields.Datetime.now().replace(microsecond=0) + timedelta(days=days)
        )

    def _meeting(self, lead):
        """Activate ``lead`` for the salesman and get to Meeting & evaluation."""
        lead.activate(self.salesman.id, self._in(1))
        contact = lead.open_responsibility_id.with_user(self.salesman)
        meeting_id = contact.complete("next", "Meeting agreed", next_deadline=self._in(2))
        meeting = self.env["crm.lead.responsibility"].with_user(self.salesman).browse(meeting_id)
        self.assertEqual(meeting.type_id.code, "meeting_evaluation")
        return meeting

    def test_meeting_needs_a_finalized_sheet(self):
        lead = self.env["crm.lead"].create(
            {"name": "Gated lead", "partner_id": self.partner.id, "type": "opportunity"}
        )
        meeting = self._meeting(lead)
        with self.assertRaisesMsg(UserError, "finalized evaluation sheet"):
            meeting.complete("next", "Evaluated", next_deadline=self._in(4))
        self.assertTrue(meeting.is_open)
        # a sheet in progress is not enough
        sheet = self._create_sheet([(self.floor, 3)], user=self.salesman, lead_id=lead.id)
        sheet.action_start()
        with self.assertRaisesMsg(UserError, "finalized evaluation sheet"):
            meeting.complete("next", "Evaluated", next_deadline=self._in(4))
        # nor a cancelled one
        sheet.action_cancel()
        with self.assertRaisesMsg(UserError, "finalized evaluation sheet"):
            meeting.complete("next", "Evaluated", next_deadline=self._in(4))
        sheet.action_start()
        sheet.action_finalize()
        self.assertTrue(lead.has_finalized_evaluation_sheet)
        offer_id = meeting.complete("next", "Evaluated", next_deadline=self._in(4))
        self.assertEqual(meeting.state, "done")
        offer = self.env["crm.lead.responsibility"].browse(offer_id)
        self.assertEqual(offer.type_id.code, "offer_negotiation")

    def test_sheet_of_another_user_counts(self):
        lead = self.env["crm.lead"].create(
            {"name": "Shared lead", "partner_id": self.partner.id, "type": "opportunity"}
        )
        meeting = self._meeting(lead)
        # the sheet belongs to salesman B, which the meeting's salesman (the
        # lead's) reads but does not change (attached to the lead by a sales
        # manager: B cannot write the lead)
        sheet = self._create_sheet(
            [(self.survey, 1)], user=self.manager, lead_id=lead.id, user_id=self.salesman_b.id
        )
        sheet.with_user(self.salesman_b).action_finalize()
        self.assertEqual(
            self.env["crm.evaluation.sheet"]
            .with_user(self.salesman)
            .search([("id", "=", sheet.id)]),
            sheet,
        )
        with self.assertRaises(AccessError):
            sheet.with_user(self.salesman).check_access("write")
        self.assertTrue(meeting.complete("next", "Evaluated", next_deadline=self._in(4)))

    def test_sheet_needs_a_lead_the_user_may_write(self):
        lead = self.env["crm.lead"].create(
            {"name": "Someone else's lead", "partner_id": self.partner.id, "type": "opportunity"}
        )
        meeting = self._meeting(lead)
        self.assertEqual(lead.user_id, self.salesman)
        with self.assertRaises(AccessError):
            lead.with_user(self.salesman_b).check_access("write")
        Sheet = self.env["crm.evaluation.sheet"].with_user(self.salesman_b)
        count = Sheet.sudo().search_count([])
        # salesman B cannot attach a sheet to the lead, on creation or later
        with self.assertRaises(AccessError):
            self._create_sheet([(self.survey, 1)], user=self.salesman_b, lead_id=lead.id)
        self.assertEqual(Sheet.sudo().search_count([]), count)
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman_b)
        with self.assertRaises(AccessError):
            sheet.write({"lead_id": lead.id})
        self.assertFalse(sheet.lead_id)
        sheet.action_finalize()
        # the lead's gate stays closed
        self.assertFalse(lead.has_finalized_evaluation_sheet)
        with self.assertRaisesMsg(UserError, "finalized evaluation sheet"):
            meeting.complete("next", "Evaluated", next_deadline=self._in(4))
        # the lead's salesperson attaches their own sheet
        own = self._create_sheet([(self.survey, 1)], user=self.salesman, lead_id=lead.id)
        self.assertEqual(own.lead_id, lead)
        own.action_finalize()
        self.assertTrue(meeting.complete("next", "Evaluated", next_deadline=self._in(4)))

    def test_refusal_is_not_gated(self):
        lead = self.env["crm.lead"].create(
            {"name": "Refused lead", "partner_id": self.partner.id, "type": "opportunity"}
        )
        meeting = self._meeting(lead)
        reason = self.env["crm.lost.reason"].create({"name": "No budget"})
        self.assertIs(meeting.complete("refused", "No budget", lost_reason_id=reason.id), True)
        self.assertEqual(meeting.state, "refused")

    def test_meeting_opens_the_lead_sheets(self):
        lead = self.env["crm.lead"].create(
            {"name": "Sheet from meeting", "partner_id": self.partner.id, "type": "opportunity"}
        )
        meeting = self._meeting(lead)
        action = meeting.action_open_evaluation_sheets()
        self.assertEqual(action["res_model"], "crm.evaluation.sheet")
        self.assertEqual(action["views"], [(False, "form")])
        self.assertFalse(action.get("res_id"))
        self.assertEqual(action["context"]["default_lead_id"], lead.id)
        sheet = self._create_sheet([(self.survey, 1)], lead_id=lead.id)
        self.assertEqual(meeting.action_open_evaluation_sheets()["res_id"], sheet.id)
