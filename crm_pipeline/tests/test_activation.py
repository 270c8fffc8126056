from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import PipelineCase


@tagged("post_install", "-at_install")
class TestActivation(PipelineCase):
    def test_new_leads_start_inactive_however_created(self):
        lead = self._lead(activation_state="active")
        self.assertEqual(lead.activation_state, "inactive")
        copied = self._lead()
        copied.activate(self.salesman.id, self._in(1))
        self.assertEqual(copied.copy().activation_state, "inactive")
        # only activate() changes the activation state, whoever writes
        for user in (self.salesman, self.manager):
            with self.assertRaises(UserError):
                lead.with_user(user).write({"activation_state": "active"})
        self.assertEqual(lead.activation_state, "inactive")
        with Form(self.env["crm.lead"]) as form:
            form.name = "From the form"
        self.assertEqual(form.record.activation_state, "inactive")
        # the mail gateway (website forms and incoming e-mails use the same create)
        gateway = self.env["crm.lead"].message_new(
            {"subject": "Need a quote", "from": "buyer@example.com", "body": "Hello"}
        )
        self.assertEqual(gateway.activation_state, "inactive")
        self.assertEqual(
            self.env["crm.lead"].search([("activation_state", "=", "inactive")]) & lead,
            lead,
        )

    def test_odoo_flows_keep_working_on_inactive_leads(self):
        lead = self._lead()
        stage = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        lead.write({"stage_id": stage.id, "user_id": self.salesman.id, "priority": "2"})
        lead.activity_schedule("mail.mail_activity_data_todo", user_id=self.salesman.id)
        lead.action_set_won()
        self.assertEqual(lead.probability, 100)
        other = self._lead()
        other.action_set_lost(lost_reason_id=self.lost_reason.id)
        self.assertFalse(other.active)
        # won without an activation: Active, without a chain
        self.assertEqual(lead.activation_state, "active")
        self.assertFalse(lead.responsibility_ids)
        self.assertEqual(other.activation_state, "inactive")

    def test_lead_won_without_activation_is_active(self):
        """A lead never activated and won (Odoo's Won button, the kanban's quick
        win, a drag to a won stage, one created won, a lost one marked won) is
        Active without a chain, as a won lead found at installation: it no
        longer offers Activate (which refuses a won lead) nor counts among the
        Inactive leads. Moved back to an open stage, it is Inactive again."""
        Lead = self.env["crm.lead"].with_user(self.salesman)
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        open_stage = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        button = Lead.create({"name": "Won by the button"})
        self.assertEqual((button.user_id, button.activation_state), (self.salesman, "inactive"))
        self.assertIs(button.action_set_won(), True)
        quick = Lead.create({"name": "Won from the kanban"})
        quick.action_set_won_rainbowman()
        dragged = Lead.create({"name": "Dragged to won"})
        dragged.write({"stage_id": won_stage.id})
        created = Lead.create({"name": "Created won", "stage_id": won_stage.id})
        lost = Lead.create({"name": "Lost, then won"})
        lost.action_set_lost(lost_reason_id=self.lost_reason.id)
        self.assertEqual(lost.activation_state, "inactive")
        lost.action_set_won()
        leads = button | quick | dragged | created | lost
        for lead in leads:
            self.assertEqual(
                (lead.active, lead.stage_id.is_won, lead.probability), (True, True, 100)
            )
            self.assertEqual(lead.activation_state, "active", lead.name)
        self.assertFalse(leads.responsibility_ids)
        self.assertFalse(
            Lead.search([("id", "in", leads.ids), ("activation_state", "=", "inactive")])
        )
        # the General board's Leads by Activation State
        counts = dict(
            self.env["crm.lead"]
            .with_user(self.salesman)
            .with_context(active_test=False)
            ._read_group([("id", "in", leads.ids)], ["activation_state"], ["__count"])
        )
        self.assertEqual(counts, {"active": 5})
        # moved back to an open stage: Inactive again, to be activated
        button.write({"stage_id": open_stage.id})
        self.assertEqual(button.activation_state, "inactive")
        self.assertIn("activate the lead again", button.message_ids[0].body)
        button.activate(self.salesman.id, self._in(1))
        self.assertEqual(button.open_responsibility_id.type_id, self.t_contact)

    def test_activate_one(self):
        lead = self._lead()
        first_contact = self._in(2)
        res = lead.activate(self.salesman.id, first_contact, priority="2")
        self.assertIs(res, True)
        self.assertEqual(lead.activation_state, "active")
        self.assertEqual(lead.user_id, self.salesman)
        self.assertEqual(lead.priority, "2")
        resp = lead.responsibility_ids
        self.assertEqual(len(resp), 1)
        self.assertEqual(resp.type_id, self.t_contact)
        self.assertEqual(resp.state, "assigned")
        self.assertEqual(resp.user_id, self.salesman)
        self.assertEqual(str(resp.deadline), first_contact)
        self.assertEqual(lead.open_responsibility_id, resp)
        activity = resp.activity_id
        self.assertTrue(activity)
        self.assertEqual(activity.res_id, lead.id)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.date_deadline, resp._activity_deadline())
        self.assertIn(activity, lead.activity_ids)
        self.assertTrue(
            any("Lead activated" in (m.body or "") for m in lead.message_ids),
            "activation is posted in the chatter",
        )
        if self.t_contact.stage_id:
            self.assertEqual(lead.stage_id, self.t_contact.stage_id)

    def test_activate_many_with_another_first_type(self):
        leads = self._lead("A") | self._lead("B")
        leads.activate(self.salesman_b.id, self._in(1), responsibility_type_id=self.t_meeting.id)
        self.assertEqual(set(leads.mapped("activation_state")), {"active"})
        self.assertEqual(len(leads.responsibility_ids), 2)
        self.assertEqual(leads.responsibility_ids.type_id, self.t_meeting)
        self.assertEqual(leads.responsibility_ids.user_id, self.salesman_b)
        self.assertEqual(len(leads.responsibility_ids.activity_id), 2)

    def _assert_refused(self, leads, *args, **kw):
        before = [(lead.user_id, lead.priority, lead.activation_state) for lead in leads]
        with self.assertRaises(UserError):
            leads.activate(*args, **kw)
        self.assertEqual(
            before, [(lead.user_id, lead.priority, lead.activation_state) for lead in leads]
        )
        self.assertFalse(leads.responsibility_ids.filtered("is_open") - self._open_before)

    def test_bad_input_changes_nothing(self):
        active_lead = self._lead("Active")
        self._activate(active_lead)
        self._open_before = active_lead.responsibility_ids
        fresh = self._lead("Fresh")
        lost = self._lead("Lost")
        lost.action_set_lost(lost_reason_id=self.lost_reason.id)
        portal = new_test_user(self.env, login="pipe_portal", groups="base.group_portal")
        inactive_user = new_test_user(
            self.env, login="pipe_gone", groups="sales_team.group_sale_salesman"
        )
        inactive_user.active = False
        when = self._in(1)
        # already active, alone or with a good lead: nothing is activated
        self._assert_refused(active_lead, self.salesman.id, when)
        self._assert_refused(fresh | active_lead, self.salesman.id, when)
        self._assert_refused(lost, self.salesman.id, when)
        self._assert_refused(fresh, portal.id, when)
        self._assert_refused(fresh, inactive_user.id, when)
        self._assert_refused(fresh, 0, when)
        self._assert_refused(fresh, self.salesman.id, False)
        self._assert_refused(fresh, self.salesman.id, "not a date")
        self._assert_refused(fresh, self.salesman.id, when, priority="9")
        self._assert_refused(fresh, self.salesman.id, when, responsibility_type_id=-1)
        with self.assertRaises(UserError):
            self.env["crm.lead"].activate(self.salesman.id, when)

    def test_inactive_lead_cannot_get_responsibilities(self):
        lead = self._lead()
        with self.assertRaises(UserError):
            self.Responsibility.create(
                {
                    "lead_id": lead.id,
                    "type_id": self.t_contact.id,
                    "user_id": self.salesman.id,
                    "deadline": self._in(1),
                }
            )
        self.assertFalse(lead.responsibility_ids)

    def test_interest_status_is_tracked(self):
        lead = self._lead()
        self._flush_tracking()
        lead.interest_status = "high"
        self._flush_tracking()
        trackings = lead.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "interest_status"
        )
        self.assertEqual(len(trackings), 1)
        paused = self._lead("Paused", interest_status="pause")
        both = lead | paused
        Lead = self.env["crm.lead"]
        self.assertEqual(
            Lead.search([("interest_status", "=", "high"), ("id", "in", both.ids)]), lead
        )
        self.assertEqual(
            Lead.search([("interest_status", "=", "pause"), ("id", "in", both.ids)]), paused
        )

    def test_wizard_form_for_several_leads(self):
        leads = self._lead("W1") | self._lead("W2")
        wizard_form = Form(
            self.env["crm.lead.activate.wizard"].with_context(
                active_model="crm.lead", active_ids=leads.ids
            )
        )
        self.assertEqual(wizard_form.responsibility_type_id, self.t_contact)
        self.assertEqual(wizard_form.user_id, self.env.user)
        wizard_form.user_id = self.salesman
        wizard_form.priority = "3"
        wizard = wizard_form.save()
        self.assertEqual(wizard.lead_ids, leads)
        wizard.action_confirm()
        self.assertEqual(leads.mapped("priority"), ["3", "3"])
        self.assertEqual(leads.user_id, self.salesman)
        self.assertEqual(len(leads.responsibility_ids), 2)

    def test_form_button_action(self):
        lead = self._lead()
        action = lead.action_open_activate_wizard()
        self.assertEqual(action["res_model"], "crm.lead.activate.wizard")
        self.assertEqual(action["context"]["active_ids"], lead.ids)
