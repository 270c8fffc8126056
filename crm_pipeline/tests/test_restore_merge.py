from odoo.tests import tagged

from .common import PipelineCase


@tagged("post_install", "-at_install")
class TestRestoreAndMerge(PipelineCase):
    def test_restored_lost_lead_can_be_activated_again(self):
        lead = self._lead()
        resp = self._activate(lead)
        resp.complete("refused", "Not now", lost_reason_id=self.lost_reason.id)
        self.assertFalse(lead.active)
        self.assertEqual(lead.activation_state, "active")
        lead.toggle_active()  # Odoo's "Restore" on a lost lead
        self.assertTrue(lead.active)
        self.assertEqual(lead.activation_state, "inactive")
        self.assertIn("activate the lead again", lead.message_ids[0].body)
        # the chain resumes from a new activation, history kept
        self._activate(lead)
        self.assertEqual(lead.activation_state, "active")
        self.assertEqual(len(lead.responsibility_ids), 2)
        self.assertEqual(lead.open_responsibility_id.type_id, self.t_contact)

    def test_won_lead_moved_back_can_be_activated_again(self):
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        open_stage = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        lead = self._lead("Won then moved back", user_id=self.salesman.id)
        lead_a = lead.with_user(self.salesman)
        step = self._activate(lead_a)
        lead_a.write({"stage_id": won_stage.id})  # a drag to a won stage
        self.assertEqual(step.state, "done")
        lead_a.write({"stage_id": open_stage.id})  # and back
        self.assertEqual(lead.activation_state, "inactive")
        self.assertFalse(lead.open_responsibility_id)
        self.assertIn("activate the lead again", lead.message_ids[0].body)
        self._activate(lead_a)
        self.assertEqual(lead.activation_state, "active")
        self.assertEqual(lead.open_responsibility_id.type_id, self.t_contact)
        # moved between open stages with its step open: still active
        other_stage = self.env["crm.stage"].search(
            [("is_won", "=", False), ("id", "!=", lead.stage_id.id)], limit=1
        )
        lead_a.write({"stage_id": other_stage.id})
        self.assertEqual(lead.activation_state, "active")

    def test_won_lead_moved_to_another_won_stage_stays_active(self):
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        other_won = self.env["crm.stage"].create({"name": "Signed too", "is_won": True})
        lead = self._lead("Won twice")
        self._activate(lead)
        lead.write({"stage_id": won_stage.id})
        lead.write({"stage_id": other_won.id})
        self.assertEqual(lead.activation_state, "active")

    def test_restoring_an_inactive_lead_changes_nothing(self):
        lead = self._lead()
        lead.action_set_lost(lost_reason_id=self.lost_reason.id)
        lead.toggle_active()
        self.assertEqual(lead.activation_state, "inactive")
        self.assertFalse(lead.responsibility_ids)

    def test_merge_moves_responsibilities(self):
        lead_a = self._lead("Merge A", probability=90)
        lead_b = self._lead("Merge B", probability=10)
        resp_a = self._activate(lead_a)
        resp_b = self._activate(lead_b, user=self.salesman_b)
        activity_b = resp_b.activity_id
        merged = (lead_a | lead_b).merge_opportunity()
        survivor, gone = (lead_a, lead_b) if merged == lead_a else (lead_b, lead_a)
        self.assertFalse(gone.exists())
        self.assertEqual(survivor.responsibility_ids, resp_a | resp_b)
        # the survivor keeps its own open step; the other one is cancelled
        own, other = (resp_a, resp_b) if survivor == lead_a else (resp_b, resp_a)
        self.assertTrue(own.is_open)
        self.assertEqual(other.state, "cancelled")
        self.assertIn("merged into", other.summary)
        self.assertEqual(survivor.open_responsibility_id, own)
        if other == resp_b:
            self.assertFalse(activity_b.exists())

    def test_merge_into_an_inactive_lead_keeps_the_open_step(self):
        """Odoo makes the most confident lead the survivor, activated or not:
        a survivor with no open step takes over the first merged lead's one
        (with its activity) instead of cancelling it, and is Active; the
        other merged leads' open steps are cancelled."""
        head = self._lead("Merge inactive head", probability=90)
        tail = self._lead("Merge active tail", probability=40)
        last = self._lead("Merge active last", probability=10)
        step = self._activate(tail)
        other = self._activate(last, user=self.salesman_b)
        activity = step.activity_id
        self.assertEqual(head.activation_state, "inactive")
        merged = (head | tail | last).merge_opportunity()
        self.assertEqual(merged, head)
        self.assertEqual(head.activation_state, "active")
        self.assertEqual(head.open_responsibility_id, step)
        self.assertTrue(step.is_open)
        self.assertEqual(activity.res_id, head.id)
        self.assertEqual(step.activity_id, activity)
        self.assertEqual(other.state, "cancelled")
        self.assertEqual(head.responsibility_ids, step | other)
        # the chain goes on from the survivor
        step.complete("next", "Met them", next_deadline=step.deadline)
        self.assertEqual(head.open_responsibility_id.type_id, self.t_meeting)

    def test_merged_lead_takes_the_stage_of_the_step_it_takes_over(self):
        """The lead's stage follows its open step: a survivor taking over a
        merged lead's step moves to that step's stage."""
        proposition = self.env.ref("crm.stage_lead3")
        head = self._lead("Merge staged head", probability=90, stage_id=proposition.id)
        tail = self._lead("Merge prospected tail", probability=40)
        step = self._activate(tail)
        self.assertTrue(step.type_id.stage_id)
        self.assertNotEqual(step.type_id.stage_id, proposition)
        merged = (head | tail).with_user(self.manager).merge_opportunity()
        self.assertEqual(merged, head)
        self.assertEqual(head.open_responsibility_id, step)
        self.assertEqual(head.stage_id, step.type_id.stage_id)

    def test_salesperson_merges_into_an_inactive_lead(self):
        head = self._lead("Merge mine inactive", probability=90, user_id=self.salesman.id)
        tail = self._lead("Merge mine active", probability=40, user_id=self.salesman.id)
        step = self._activate(tail)
        merged = (head | tail).with_user(self.salesman).merge_opportunity()
        self.assertEqual(merged, head)
        self.assertEqual((head.activation_state, head.open_responsibility_id), ("active", step))

    def test_merge_into_a_won_lead_cancels_the_open_steps(self):
        head = self._lead("Merge won head", probability=90)
        head.action_set_won()
        tail = self._lead("Merge open tail", probability=40)
        step = self._activate(tail)
        (head | tail).merge_opportunity()
        self.assertEqual(step.state, "cancelled")
        # won without an activation: Active, and keeps no open step
        self.assertEqual(head.activation_state, "active")
        self.assertFalse(head.open_responsibility_id)

    def test_merge_leads_of_different_customers_keeps_each_contact(self):
        """Odoo's merge of two leads of different customers: the interactions and
        tasks of the merged lead move to the surviving one and stay with the
        client and contact person they were logged with."""
        acme = self.env["res.partner"].create({"name": "Acme Merge SA", "is_company": True})
        john = self.env["res.partner"].create({"name": "John Acme", "parent_id": acme.id})
        head = self._lead("Merge head", probability=90, user_id=self.salesman.id)
        tail = self._lead(
            "Merge tail", probability=10, user_id=self.salesman.id, partner_id=john.id
        )
        interaction = (
            self.env["crm.interaction"]
            .with_user(self.salesman)
            .create({"lead_id": tail.id, "contact_id": john.id, "interaction_type": "call"})
        )
        task = (
            self.env["crm.task"]
            .with_user(self.salesman)
            .create({"name": "Call John back", "lead_id": tail.id, "contact_id": john.id})
        )
        bare = (
            self.env["crm.task"]
            .with_user(self.salesman)
            .create({"name": "No contact", "lead_id": tail.id})
        )
        self.assertEqual((interaction.partner_id, task.partner_id), (acme, acme))
        merged = (head | tail).with_user(self.salesman).merge_opportunity()
        self.assertEqual(merged, head)
        self.assertFalse(tail.exists())
        self.assertEqual(head.partner_id, self.customer)
        for record in (interaction, task, bare):
            self.assertEqual(record.lead_id, head)
            self.assertEqual(record.partner_id, acme)
        self.assertEqual((interaction.contact_id, task.contact_id), (john, john))
        self.assertEqual(head.crm_interaction_ids, interaction)
        self.assertEqual(head.crm_task_ids, task | bare)

    def test_salesperson_without_email_moves_back_and_restores(self):
        """Odoo's own flows (a drag back from a won stage, Restore) log the
        chain's note as Odoo logs its own: a salesperson without an e-mail
        address (Odoo refuses them a posted message) is not stopped."""
        self.salesman.partner_id.email = False
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        open_stage = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        lead = self._lead("Moved back without e-mail", user_id=self.salesman.id)
        self._activate(lead)
        lead_a = lead.with_user(self.salesman)
        lead_a.write({"stage_id": won_stage.id})
        lead_a.write({"stage_id": open_stage.id})
        self.assertEqual(lead.activation_state, "inactive")
        note = lead.message_ids[0]
        self.assertIn("Moved back from a won stage", note.body)
        self.assertEqual(note.author_id, self.salesman.partner_id)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self._activate(lead)
        lead_a.action_set_lost(lost_reason_id=self.lost_reason.id)
        lead_a.toggle_active()
        self.assertEqual(lead.activation_state, "inactive")
        self.assertIn("Restored: activate the lead again", lead.message_ids[0].body)
