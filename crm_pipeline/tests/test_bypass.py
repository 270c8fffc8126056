from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user

from .common import PipelineCase


class TestChainBypasses(PipelineCase):
    """What the buttons refuse, plain create/write refuse too, for everyone but
    the methods that own the chain (see the README's "Security model")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(cls.env, login="pipe_employee", groups="base.group_user")

    def _my_open_step(self):
        lead = self._lead("Bypass lead", user_id=self.salesman.id)
        return self._activate(lead)

    def _snapshot(self, resp):
        return (resp.lead_id, resp.type_id, resp.state, resp.summary, resp.date_closed)

    def test_steps_move_only_through_their_methods(self):
        resp = self._my_open_step()
        before = self._snapshot(resp)
        mine = resp.with_user(self.salesman)
        other_lead = self._lead("Other", user_id=self.salesman.id)
        for vals in (
            {"type_id": self.t_contracting.id},
            {"state": "done"},
            {"state": "cancelled"},
            {"summary": "Done, trust me"},
            {"date_closed": "2030-01-01 00:00:00"},
            {"lead_id": other_lead.id},
        ):
            with self.assertRaises(UserError, msg=vals):
                mine.write(vals)
        self.assertEqual(self._snapshot(resp), before)
        # the manager corrects through the logged method, not a write
        with self.assertRaises(UserError):
            resp.with_user(self.manager).write({"type_id": self.t_offer.id})
        # rescheduling stays a plain write
        mine.write({"deadline": self._in(5)})
        # starting goes through its method
        mine.action_start()
        self.assertEqual(resp.state, "in_progress")

    def test_reassigned_only_to_an_active_internal_user(self):
        """A plain write of the responsible refuses whom activate() and complete()
        refuse: a portal user, an archived user."""
        resp = self._my_open_step()
        portal = new_test_user(self.env, login="pipe_portal", groups="base.group_portal")
        archived = new_test_user(
            self.env, login="pipe_archived", groups="sales_team.group_sale_salesman"
        )
        archived.active = False
        mine = resp.with_user(self.salesman)
        for user in (portal, archived):
            with self.assertRaises(UserError, msg=user.login):
                mine.write({"user_id": user.id})
            self.assertEqual(resp.user_id, self.salesman)
        # another salesperson is fine
        mine.write({"user_id": self.salesman_b.id})
        self.assertEqual(resp.activity_id.user_id, self.salesman_b)

    def test_open_step_keeps_a_deadline(self):
        resp = self._my_open_step()
        deadline = resp.deadline
        for value in (False, None):
            with self.assertRaises(UserError, msg=value):
                resp.with_user(self.salesman).write({"deadline": value})
            self.assertEqual(resp.deadline, deadline)
            self.assertTrue(resp.activity_id.date_deadline)

    def test_one_record_methods_refuse_several_or_none(self):
        """Buttons called over XML-RPC with several ids, or none: a UserError, not
        Odoo's "Expected singleton" traceback."""
        resp = self._my_open_step()
        other = self._my_open_step()
        leads = (resp | other).lead_id.with_user(self.salesman)
        resps = (resp | other).with_user(self.salesman)
        competitors = self.env["crm.competitor"].create([{"name": "C1"}, {"name": "C2"}])
        campaigns = self.env["utm.campaign"].create([{"name": "K1"}, {"name": "K2"}])
        for records, method in (
            (leads, "action_open_complete_wizard"),
            (leads, "get_contracting_warnings"),
            (resps, "action_open_complete_wizard"),
            (resps, "get_contracting_warnings"),
            (competitors.with_user(self.salesman), "action_view_leads"),
            (campaigns.with_user(self.manager), "action_view_campaign_orders"),
        ):
            for recs in (records, records.browse()):
                with self.assertRaises(UserError, msg=(records._name, method, len(recs))):
                    getattr(recs, method)()
            self.assertTrue(getattr(records[:1], method)() is not None)

    def test_no_responsibility_created_directly(self):
        resp = self._my_open_step()
        resp.complete("refused", "No", lost_reason_id=self.lost_reason.id)
        lead = resp.lead_id
        lead.action_unarchive()
        privileged_lead = self._lead("Active lead", user_id=self.salesman.id)
        self._activate(privileged_lead).complete(
            "refused", "No", lost_reason_id=self.lost_reason.id
        )
        for user in (self.salesman, self.manager):
            with self.assertRaises(UserError):
                self.env["crm.lead.responsibility"].with_user(user).create(
                    {
                        "lead_id": privileged_lead.id,
                        "type_id": self.t_contracting.id,
                        "user_id": user.id,
                        "deadline": self._in(1),
                    }
                )

    def test_activation_starts_at_the_first_step(self):
        lead = self._lead("Shortcut", user_id=self.salesman.id)
        with self.assertRaises(AccessError):
            lead.with_user(self.salesman).activate(
                self.salesman.id, self._in(1), responsibility_type_id=self.t_contracting.id
            )
        self.assertEqual(lead.activation_state, "inactive")
        self.assertFalse(lead.responsibility_ids)
        # the first step itself may be named by anyone
        lead.with_user(self.salesman).activate(
            self.salesman.id, self._in(1), responsibility_type_id=self.t_contact.id
        )
        # a manager takes a lead over at a later step
        other = self._lead("Taken over")
        other.with_user(self.manager).activate(
            self.salesman.id, self._in(1), responsibility_type_id=self.t_offer.id
        )
        self.assertEqual(other.open_responsibility_id.type_id, self.t_offer)

    def test_no_context_key_bypass(self):
        lead = self._lead("Context", user_id=self.salesman.id)
        for ctx in ({"crm_pipeline_activation": True}, {"crm_pipeline_guard": True}):
            with self.assertRaises(UserError):
                lead.with_user(self.salesman).with_context(**ctx).write(
                    {"activation_state": "active"}
                )
        self.assertEqual(lead.activation_state, "inactive")
        resp = self._my_open_step()
        with self.assertRaises(UserError):
            resp.with_user(self.salesman).with_context(crm_pipeline_guard=True).write(
                {"state": "done"}
            )
        self.assertTrue(resp.is_open)

    def test_won_lost_restore_keep_the_chain_consistent(self):
        won = self._my_open_step()
        self.assertTrue(won.lead_id.with_user(self.salesman).action_set_won())
        self.assertEqual(won.state, "done")
        self.assertFalse(won.lead_id.open_responsibility_id)
        lost = self._my_open_step()
        lost.lead_id.with_user(self.salesman).action_set_lost(lost_reason_id=self.lost_reason.id)
        self.assertEqual(lost.state, "cancelled")
        lost.lead_id.with_user(self.salesman).action_unarchive()
        self.assertEqual(lost.lead_id.activation_state, "inactive")
        self.assertEqual(lost.state, "cancelled")
        # and completing the last step wins once, with no second close
        lead = self._lead("Through the chain", user_id=self.salesman.id)
        lead.with_user(self.manager).activate(
            self.salesman.id, self._in(1), responsibility_type_id=self.t_contracting.id
        )
        last = lead.open_responsibility_id
        last.with_user(self.salesman).complete("next", "Signed")
        self.assertEqual((last.state, last.summary), ("done", "Signed"))
        self.assertTrue(lead.stage_id.is_won)

    def test_lost_lead_marked_won_keeps_its_activation(self):
        """Odoo's Won button on a lost lead restores it on the way: it ends won
        and Active, not back to Inactive with a note to activate it again."""
        step = self._my_open_step()
        lead = step.lead_id.with_user(self.salesman)
        lead.action_set_lost(lost_reason_id=self.lost_reason.id)
        self.assertEqual(step.state, "cancelled")
        notes = lead.message_ids
        self.assertTrue(lead.action_set_won())
        self.assertTrue(lead.active)
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(lead.activation_state, "active")
        self.assertFalse(lead.open_responsibility_id)
        self.assertEqual(step.state, "cancelled")
        new_notes = "".join((lead.message_ids - notes).mapped("body"))
        self.assertNotIn("activate the lead again", new_notes)
        self.assertFalse(self.env.cr.cache.get("crm_pipeline.winning_lost_lead_ids"))
        # restoring a lost lead still asks for a new activation
        other = self._my_open_step().lead_id.with_user(self.salesman)
        other.action_set_lost(lost_reason_id=self.lost_reason.id)
        other.action_unarchive()
        self.assertEqual(other.activation_state, "inactive")
        # restored and won in one plain write (as a client may send it): won
        third = self._my_open_step().lead_id.with_user(self.salesman)
        third.action_set_lost(lost_reason_id=self.lost_reason.id)
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        third.write({"active": True, "stage_id": won_stage.id})
        self.assertEqual((third.active, third.activation_state), (True, "active"))

    def test_bad_input_is_refused_cleanly(self):
        lead = self._lead("Bad input", user_id=self.salesman.id)
        as_sales = lead.with_user(self.salesman)
        for args, kw in (
            ((self.salesman.id, 12), {}),
            ((self.salesman.id, "not a date"), {}),
            ((self.salesman.id, [2030, 1, 1]), {}),
            (([self.salesman.id, self.manager.id], self._in(1)), {}),
            ((str(self.salesman.id), self._in(1)), {}),
            ((True, self._in(1)), {}),
            ((self.salesman.id, self._in(1)), {"priority": [1]}),
            ((self.salesman.id, self._in(1)), {"priority": "7"}),
            ((self.salesman.id, self._in(1)), {"responsibility_type_id": "contracting"}),
        ):
            with self.assertRaises(UserError, msg=(args, kw)):
                as_sales.activate(*args, **kw)
        self.assertEqual(lead.activation_state, "inactive")
        resp = self._my_open_step().with_user(self.salesman)
        for args, kw in (
            (("next", "Sum"), {"next_deadline": "x"}),
            (("next", "Sum"), {"next_deadline": 5}),
            (("next", "Sum"), {"next_deadline": self._in(1), "next_user_id": [1, 2]}),
            (("next", "Sum"), {"next_deadline": self._in(1), "next_user_id": "2"}),
            ((5, "Sum"), {}),
            (("next", 42), {"next_deadline": self._in(1)}),
            (("refused", "No"), {"lost_reason_id": "Too expensive"}),
            (("refused", "No"), {"lost_reason_id": [1]}),
        ):
            with self.assertRaises(UserError, msg=(args, kw)):
                resp.complete(*args, **kw)
        self.assertTrue(resp.is_open)

    def test_manager_corrects_a_step_with_a_logged_reason(self):
        resp = self._my_open_step()
        with self.assertRaises(AccessError):
            resp.with_user(self.salesman).action_correct_type(self.t_meeting.id, "Met already")
        with self.assertRaises(UserError):
            resp.with_user(self.manager).action_correct_type(self.t_meeting.id, "  ")
        with self.assertRaises(UserError):
            resp.with_user(self.manager).action_correct_type([self.t_meeting.id], "Why")
        self.assertEqual(resp.type_id, self.t_contact)
        wizard = Form(
            self.env["crm.lead.responsibility.correct.wizard"]
            .with_user(self.manager)
            .with_context(default_responsibility_id=resp.id)
        )
        wizard.type_id = self.t_meeting
        wizard.reason = "The meeting already took place at the fair"
        wizard.save().action_confirm()
        self.assertEqual(resp.type_id, self.t_meeting)
        self.assertTrue(resp.is_open)
        self.assertIn(
            "The meeting already took place at the fair", resp.lead_id.message_ids[0].body
        )
        resp.complete("refused", "No", lost_reason_id=self.lost_reason.id)
        with self.assertRaises(UserError):
            resp.with_user(self.manager).action_correct_type(self.t_offer.id, "Too late")

    def test_complete_wizard_reveals_nothing_of_others_leads(self):
        resp = self._my_open_step()
        resp.lead_id.write({"user_id": self.salesman.id})
        Wizard = self.env["crm.lead.responsibility.complete.wizard"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.salesman_b).create(
                {"responsibility_id": resp.id, "summary": "peek"}
            )
        with self.assertRaises(AccessError):
            Wizard.with_user(self.employee).create({"responsibility_id": resp.id, "summary": "x"})
        wizard = Wizard.with_user(self.salesman).create(
            {"responsibility_id": resp.id, "summary": "Mine"}
        )
        self.assertEqual(wizard.lead_id, resp.lead_id)

    def test_wizards_check_the_responsibility_they_end_up_with(self):
        """A default in the context or a later write reaches the wizard's related
        fields (lead, step, next responsible, gate) as well as a value given to
        create: all are checked."""
        resp = self._my_open_step()
        mine = self._activate(self._lead("Of B", user_id=self.salesman_b.id), self.salesman_b)
        Complete = self.env["crm.lead.responsibility.complete.wizard"].with_user(self.salesman_b)
        with self.assertRaises(AccessError):
            wizard = Complete.with_context(default_responsibility_id=resp.id).create(
                {"summary": "peek"}
            )
            # what got through: the other salesperson's lead and step
            wizard.read(["lead_id", "type_id", "next_user_id", "gate_message"])
        spec = {"lead_id": {"fields": {"display_name": {}}}, "gate_message": {}}
        with self.assertRaises(AccessError):
            Complete.with_context(default_responsibility_id=resp.id).onchange({}, [], spec)
        with self.assertRaises(AccessError):
            Complete.onchange({"responsibility_id": resp.id}, ["responsibility_id"], spec)
        self.assertEqual(
            Complete.onchange({"responsibility_id": mine.id}, ["responsibility_id"], spec)["value"][
                "lead_id"
            ]["id"],
            mine.lead_id.id,
        )
        wizard = Complete.create({"responsibility_id": mine.id, "summary": "Mine"})
        with self.assertRaises(AccessError):
            wizard.write({"responsibility_id": resp.id})
            wizard.read(["lead_id", "type_id", "next_user_id", "gate_message"])
        wizard = (
            self.env["crm.lead.responsibility.complete.wizard"]
            .with_user(self.salesman)
            .with_context(default_responsibility_id=resp.id)
            .create({"summary": "Mine"})
        )
        self.assertEqual(wizard.lead_id, resp.lead_id)
        # the Correct wizard (sales managers) checks the same way: a manager of
        # another company cannot open it on this responsibility
        company_2 = self.env["res.company"].create({"name": "Bypass Company 2"})
        manager_2 = new_test_user(
            self.env,
            login="pipe_manager_c2",
            groups="sales_team.group_sale_manager",
            company_id=company_2.id,
            company_ids=[(6, 0, company_2.ids)],
        )
        Correct = self.env["crm.lead.responsibility.correct.wizard"].with_user(manager_2)
        with self.assertRaises(AccessError):
            Correct.with_context(default_responsibility_id=resp.id).create(
                {"reason": "peek", "type_id": self.t_meeting.id}
            )
        lead_2 = self._lead("Company 2", company_id=company_2.id, partner_id=False)
        own = self._activate(lead_2, manager_2)
        wizard = Correct.create(
            {"responsibility_id": own.id, "reason": "Mine", "type_id": self.t_meeting.id}
        )
        with self.assertRaises(AccessError):
            wizard.write({"responsibility_id": resp.id})

    def test_mark_as_sent_passes_the_offer_gate(self):
        """Odoo's "Mark as sent" records a quotation sent by other means (by hand,
        on paper): it passes the Offer & negotiation gate exactly like sending it
        by e-mail (see readme/USAGE.md)."""
        lead = self._lead("Sent by hand", user_id=self.salesman.id)
        lead.with_user(self.manager).activate(
            self.salesman.id, self._in(1), responsibility_type_id=self.t_offer.id
        )
        offer = lead.open_responsibility_id
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "opportunity_id": lead.id, "user_id": self.salesman.id}
        )
        self.assertTrue(offer._get_gate_message())
        order.with_user(self.salesman).action_quotation_sent()
        self.assertEqual(order.state, "sent")
        self.assertFalse(offer._get_gate_message())
        offer.with_user(self.salesman).complete("next", "Offer sent", next_deadline=self._in(2))
        self.assertEqual(lead.open_responsibility_id.type_id, self.t_contracting)


class TestClientRecordBypasses(PipelineCase):
    """Interactions and tasks filed on another salesperson's lead reveal nothing
    of it; bad durations are refused cleanly."""

    def test_no_interaction_or_task_on_others_leads(self):
        lead_a = self._lead("Lead of A", user_id=self.salesman.id)
        Interaction = self.env["crm.interaction"].with_user(self.salesman_b)
        Task = self.env["crm.task"].with_user(self.salesman_b)
        with self.assertRaises(AccessError):
            Interaction.create({"lead_id": lead_a.id, "interaction_type": "call"})
        with self.assertRaises(AccessError):
            Task.create({"name": "Peek", "lead_id": lead_a.id})
        own = (
            self.env["crm.interaction"]
            .with_user(self.salesman_b)
            .create({"partner_id": self.customer.id, "interaction_type": "call"})
        )
        with self.assertRaises(AccessError):
            own.write({"lead_id": lead_a.id})
        task = Task.create({"name": "Mine", "partner_id": self.customer.id})
        with self.assertRaises(AccessError):
            task.write({"lead_id": lead_a.id})
        self.assertFalse(self.env["crm.interaction"].search([("lead_id", "=", lead_a.id)]))
        self.assertFalse(self.env["crm.task"].search([("lead_id", "=", lead_a.id)]))
        # the lead's own salesperson files them as before
        self.env["crm.interaction"].with_user(self.salesman).create(
            {"lead_id": lead_a.id, "interaction_type": "visit", "duration": 1.5}
        )

    def test_bad_durations(self):
        Interaction = self.env["crm.interaction"].with_user(self.salesman)
        interaction = Interaction.create({"partner_id": self.customer.id, "duration": 1.0})
        for value in (-1, float("nan"), float("inf"), 1e308, "2", True):
            with self.assertRaises(ValidationError, msg=value):
                Interaction.create({"partner_id": self.customer.id, "duration": value})
            with self.assertRaises(ValidationError, msg=value):
                interaction.write({"duration": value})
        self.assertEqual(interaction.duration, 1.0)
