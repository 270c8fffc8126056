from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import PipelineCase


@tagged("post_install", "-at_install")
class TestResponsibilityChain(PipelineCase):
    def _quotation(self, lead, state="sent"):
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "opportunity_id": lead.id}
        )
        if state != "draft":
            order.write({"state": state})
        return order

    def test_whole_chain_to_won(self):
        lead = self._lead()
        resp = self._activate(lead)
        seen = [resp.type_id]
        done_activity = resp.activity_id
        next_id = resp.complete("next", "Called, meeting agreed", next_deadline=self._in(3))
        self.assertEqual(resp.state, "done")
        self.assertEqual(resp.summary, "Called, meeting agreed")
        self.assertTrue(resp.date_closed)
        self.assertFalse(done_activity.exists(), "the activity is marked done")
        self.assertTrue(
            lead.message_ids.filtered(
                lambda m: m.mail_activity_type_id and "meeting agreed" in (m.body or "")
            )
        )
        meeting = self.Responsibility.browse(next_id)
        self.assertEqual(meeting.type_id, self.t_meeting)
        self.assertEqual(meeting.user_id, self.salesman, "defaults to the same user")
        self.assertTrue(meeting.activity_id)
        if self.t_meeting.stage_id:
            self.assertEqual(lead.stage_id, self.t_meeting.stage_id)
        self._satisfy_downstream_gates(lead)
        offer = self.Responsibility.browse(
            meeting.complete(
                "next", "Evaluated", next_user_id=self.salesman_b.id, next_deadline=self._in(4)
            )
        )
        self.assertEqual(offer.user_id, self.salesman_b)
        self.assertEqual(offer.activity_id.user_id, self.salesman_b)
        self._quotation(lead, "sent")
        contracting = self.Responsibility.browse(
            offer.complete("next", "Offer accepted", next_deadline=self._in(5))
        )
        seen += [meeting.type_id, offer.type_id, contracting.type_id]
        self.assertEqual(seen, [self.t_contact, self.t_meeting, self.t_offer, self.t_contracting])
        self.assertIs(contracting.complete("next", "Contract signed"), True)
        self.assertEqual(contracting.state, "done")
        self.assertEqual(lead.probability, 100)
        self.assertTrue(lead.stage_id.is_won)
        self.assertFalse(lead.responsibility_ids.filtered("is_open"))
        self.assertEqual(set(lead.responsibility_ids.mapped("state")), {"done"})

    def test_refusal_marks_lost(self):
        lead = self._lead()
        resp = self._activate(lead)
        activity = resp.activity_id
        with self.assertRaises(UserError):
            resp.complete("refused", "Not interested")
        self.assertTrue(resp.is_open)
        self.assertTrue(lead.active)
        self.assertIs(
            resp.complete("refused", "Not interested", lost_reason_id=self.lost_reason.id),
            True,
        )
        self.assertEqual(resp.state, "refused")
        self.assertFalse(lead.active)
        self.assertEqual(lead.probability, 0)
        self.assertEqual(lead.lost_reason_id, self.lost_reason)
        self.assertFalse(activity.exists())

    def test_bad_completion_changes_nothing(self):
        lead = self._lead()
        resp = self._activate(lead)
        for args, kw in [
            (("next", ""), {"next_deadline": self._in(2)}),
            (("next", "   "), {"next_deadline": self._in(2)}),
            (("maybe", "Summary"), {}),
            (("next", "Summary"), {}),  # no deadline for the next step
            (("next", "Summary"), {"next_deadline": self._in(2), "next_user_id": -5}),
            (("refused", "Summary"), {"lost_reason_id": -1}),
        ]:
            with self.subTest(args=args, kw=kw), self.assertRaises(UserError):
                resp.complete(*args, **kw)
            self.assertEqual(resp.state, "assigned")
            self.assertEqual(len(lead.responsibility_ids), 1)
            self.assertTrue(resp.activity_id.exists())
        resp.complete("next", "Done", next_deadline=self._in(2))
        with self.assertRaises(UserError):
            resp.complete("next", "Again", next_deadline=self._in(2))
        with self.assertRaises(UserError):
            lead.responsibility_ids.complete("next", "Both", next_deadline=self._in(2))

    def test_offer_gate(self):
        lead = self._lead()
        lead.activate(self.salesman.id, self._in(1), responsibility_type_id=self.t_offer.id)
        offer = lead.open_responsibility_id
        self.assertIn("quotation", offer._get_gate_message())
        with self.assertRaisesRegex(UserError, "quotation"):
            offer.complete("next", "Offer sent", next_deadline=self._in(2))
        self.assertTrue(offer.is_open)
        order = self._quotation(lead, "draft")
        with self.assertRaisesRegex(UserError, "quotation"):
            offer.complete("next", "Offer sent", next_deadline=self._in(2))
        order.write({"state": "sale"})
        self.assertFalse(offer._get_gate_message())
        offer.complete("next", "Offer accepted", next_deadline=self._in(2))
        self.assertEqual(lead.open_responsibility_id.type_id, self.t_contracting)

    def test_gate_hook_override(self):
        resp = self._activate(self._lead())
        self.assertFalse(resp._get_gate_message())
        model = type(self.env["crm.lead.responsibility"])
        original = model._get_gate_message

        def gated(rec):
            message = original(rec)
            if message or rec.type_id.kind != "contact_prospect":
                return message
            return "Call first"

        with patch.object(model, "_get_gate_message", gated):
            self.assertEqual(resp._get_gate_message(), "Call first")
            with self.assertRaisesRegex(UserError, "Call first"):
                resp.complete("next", "Summary", next_deadline=self._in(2))
            # a refusal is never gated
            resp.complete("refused", "No", lost_reason_id=self.lost_reason.id)
        self.assertEqual(resp.state, "refused")

    def test_renamed_type_keeps_its_gate(self):
        """Gates are bound to the type's kind: a manager renaming the Offer type
        or its code does not turn its gate off, and cannot change the kind."""
        self.t_offer.with_user(self.manager).write({"name": "Quote", "code": "quote"})
        lead = self._lead()
        lead.activate(self.salesman.id, self._in(1), responsibility_type_id=self.t_offer.id)
        with self.assertRaisesRegex(UserError, "quotation"):
            lead.open_responsibility_id.complete("next", "Sent", next_deadline=self._in(2))
        with self.assertRaisesRegex(UserError, "kind"):
            self.t_offer.with_user(self.manager).write({"kind": False})
        with self.assertRaisesRegex(UserError, "kind"):
            self.env["crm.responsibility.type"].with_user(self.manager).create(
                {"name": "Second offer", "code": "offer2", "kind": "offer_negotiation"}
            )
        self.assertEqual(self.t_offer.kind, "offer_negotiation")

    def test_first_step_by_kind(self):
        self.t_contact.with_user(self.manager).write({"code": "renamed"})
        self.assertEqual(self.env["crm.responsibility.type"]._get_first_type(), self.t_contact)
        resp = self._activate(self._lead())
        self.assertEqual(resp.type_id, self.t_contact)

    def test_contracting_warnings(self):
        lead = self._lead()
        lead.activate(self.salesman.id, self._in(1), responsibility_type_id=self.t_contracting.id)
        resp = lead.open_responsibility_id
        warnings = resp.get_contracting_warnings()
        self.assertEqual(len(warnings), 5, warnings)
        wizard = Form(
            self.env["crm.lead.responsibility.complete.wizard"].with_context(
                default_responsibility_id=resp.id
            )
        )
        self.assertIn("Tax ID", wizard.contracting_warnings)
        self.assertIn("Bank account", wizard.contracting_warnings)
        self.customer.write(
            {
                "vat": "RO1234567897",
                "street": "Strada 1",
                "city": "Cluj",
                "country_id": self.env.ref("base.ro").id,
                "email": "office@customer.example.com",
                "property_payment_term_id": self.env.ref("account.account_payment_term_30days").id,
                "bank_ids": [(0, 0, {"acc_number": "RO49AAAA1B31007593840000"})],
            }
        )
        self.assertEqual(resp.get_contracting_warnings(), [])
        self.assertEqual(lead.get_contracting_warnings(), [])
        no_customer = self._lead(partner_id=False)
        self.assertEqual(len(no_customer.get_contracting_warnings()), 1)

    def test_complete_wizard_next_and_refused(self):
        lead = self._lead()
        resp = self._activate(lead)
        action = resp.action_open_complete_wizard()
        self.assertEqual(action["res_model"], "crm.lead.responsibility.complete.wizard")
        wizard_form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual(wizard_form.outcome, "next")
        self.assertEqual(wizard_form.next_user_id, self.salesman)
        self.assertTrue(wizard_form.next_deadline)
        self.assertFalse(wizard_form.contracting_warnings)
        wizard_form.summary = "Meeting set"
        wizard_form.save().action_confirm()
        self.assertEqual(resp.state, "done")
        meeting = lead.open_responsibility_id
        self.assertEqual(meeting.type_id, self.t_meeting)
        wizard_form = Form(
            self.env["crm.lead.responsibility.complete.wizard"].with_context(
                default_responsibility_id=meeting.id
            )
        )
        wizard_form.outcome = "refused"
        wizard_form.lost_reason_id = self.lost_reason
        wizard_form.summary = "Went with a competitor"
        wizard_form.save().action_confirm()
        self.assertEqual(meeting.state, "refused")
        self.assertFalse(lead.active)

    def test_lost_outside_the_chain_cancels_open_step(self):
        lead = self._lead()
        resp = self._activate(lead)
        self.env["crm.lead.lost"].create(
            {"lead_ids": lead.ids, "lost_reason_id": self.lost_reason.id}
        ).action_lost_reason_apply()
        self.assertEqual(resp.state, "cancelled")
        self.assertFalse(lead.open_responsibility_id)

    def test_lead_complete_button_and_unlink(self):
        lead = self._lead()
        with self.assertRaises(UserError):
            lead.action_open_complete_wizard()
        resp = self._activate(lead)
        action = lead.action_open_complete_wizard()
        self.assertEqual(action["context"]["default_responsibility_id"], resp.id)
        activity = resp.activity_id
        resp.unlink()
        self.assertFalse(activity.exists())

    def test_start_and_reassign(self):
        resp = self._activate(self._lead())
        resp.action_start()
        self.assertEqual(resp.state, "in_progress")
        resp.write({"user_id": self.salesman_b.id})
        self.assertEqual(resp.activity_id.user_id, self.salesman_b)
        resp.write(
            {
                "interaction_ids": [
                    (
                        0,
                        0,
                        {"interaction_type": "call", "partner_id": self.customer.id, "notes": "ok"},
                    )
                ]
            }
        )
        self.assertEqual(resp.interaction_ids.lead_id, resp.lead_id)
        self.assertEqual(resp.lead_id.crm_interaction_ids, resp.interaction_ids)
