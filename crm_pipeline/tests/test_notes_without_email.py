from markupsafe import escape

from odoo.tests import tagged

from .common_offer import OfferCase


@tagged("post_install", "-at_install")
class TestNotesWithoutEmail(OfferCase):
    """The chain's and the offer approval's automatic notes are logged as Odoo
    logs its own flows' notes: a user without an e-mail address (Odoo refuses
    them a posted message, "Unable to send message") activates leads,
    completes and corrects steps, and asks for and decides on approvals; the
    notes are theirs, internal notes.

    (Odoo's own notifications still refuse them what notifies another user:
    a lead or an activity given to someone else, message_notify. The actions
    here are on their own leads and quotations.)"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.salesman | cls.salesman_b | cls.manager).partner_id.email = False

    def _assert_note(self, record, text, user):
        notes = record.message_ids.filtered(lambda m: text in str(m.body))
        self.assertEqual(len(notes), 1, text)
        self.assertEqual(notes.author_id, user.partner_id)
        self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(notes.message_type, "notification")
        self.assertFalse(notes.partner_ids)

    def test_activation_by_a_manager_without_email(self):
        lead = self._lead("Activated without e-mail")
        lead.with_user(self.manager).activate(self.manager.id, self._in(1))
        self.assertEqual(lead.activation_state, "active")
        self._assert_note(lead, "Lead activated by", self.manager)
        self._assert_note(lead, "opened for", self.manager)

    def test_activation_logs_the_duplicate_warning(self):
        self._lead("Ana's deal", user_id=self.salesman.id, email_from="office@omega.example")
        lead = self._lead("Bogdan's deal", email_from="office@omega.example")
        lead.with_user(self.manager).activate(self.manager.id, self._in(1))
        self.assertTrue(lead.duplicate_warning)
        self._assert_note(lead, "Possible duplicate", self.manager)

    def test_steps_completed_and_corrected_without_email(self):
        lead = self._lead("Chain without e-mail")
        resp = self._activate(lead)
        next_id = resp.with_user(self.salesman).complete(
            "next", "Called, meeting agreed", next_deadline=self._in(3)
        )
        meeting = self.Responsibility.browse(next_id)
        self.assertEqual(meeting.type_id, self.t_meeting)
        # (the chain opens the next step as superuser: never refused)
        opened = f"Responsibility {escape(self.t_meeting.name)} opened"
        self._assert_note(lead, opened, self.salesman)
        meeting.with_user(self.manager).action_correct_type(self.t_offer.id, "Met already")
        self._assert_note(lead, "Step corrected by", self.manager)
        meeting.with_user(self.salesman).complete(
            "refused", "Not interested", lost_reason_id=self.lost_reason.id
        )
        self.assertFalse(lead.active)
        self._assert_note(lead, "refused: Not interested", self.salesman)

    def test_last_step_won_without_email(self):
        lead = self._lead("Won without e-mail")
        resp = self._activate(lead)
        resp.with_user(self.manager).action_correct_type(self.t_contracting.id, "Signed")
        self._satisfy_downstream_gates(lead)
        self.assertIs(resp.with_user(self.salesman).complete("next", "Contract signed"), True)
        self.assertTrue(lead.stage_id.is_won)
        self._assert_note(lead, "completed, the lead is won", self.salesman)

    def test_offer_approval_asked_without_email(self):
        self._limits(discount=10.0)
        self.team.user_id = False  # no leader to give the approval to-do
        order = self._order()
        order.order_line.with_user(self.salesman).write({"discount": 15.0})
        self.assertEqual(order.offer_approval_state, "to_approve")
        self._assert_note(order, "needs a sales manager's approval", self.salesman)

    def test_offer_approved_and_rejected_without_email(self):
        self._limits(discount=10.0)
        # the manager's own quotation, in the team they lead: the approval
        # and the salesperson's to-dos are theirs
        order = self._order(user=self.manager)
        order.order_line.with_user(self.manager).write({"discount": 15.0})
        self.assertEqual(order.offer_approval_state, "to_approve")
        self._assert_note(order, "needs a sales manager's approval", self.manager)
        order.with_user(self.manager).action_approve_offer()
        self.assertEqual(order.offer_approval_state, "approved")
        self._assert_note(order, "Offer approved by", self.manager)
        order.order_line.with_user(self.manager).write({"discount": 20.0})
        order.with_user(self.manager).action_reject_offer("Too generous")
        self.assertEqual(order.offer_approval_state, "rejected")
        self._assert_note(order, "Offer rejected by", self.manager)
