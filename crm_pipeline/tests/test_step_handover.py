from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import PipelineCase


@tagged("post_install", "-at_install")
class TestStepHandover(PipelineCase):
    """Whoever holds a lead's open step does its work, on a lead that is not theirs."""

    def _hand_over(self):
        """A's lead, its first step done by A and the next handed to B."""
        lead = self._lead("Handed over", user_id=self.salesman.id)
        first = self._activate(lead.with_user(self.salesman))
        nxt_id = first.complete(
            "next", "Called them", next_user_id=self.salesman_b.id, next_deadline=self._in(2)
        )
        return lead, self.Responsibility.with_user(self.salesman_b).browse(nxt_id)

    def test_holder_logs_a_contact_and_refuses(self):
        lead, step = self._hand_over()
        self.assertEqual(step.user_id, self.salesman_b)
        lead_b = lead.with_user(self.salesman_b)
        self.assertEqual(lead_b.open_responsibility_id, step)
        # the lead's history: the step done by A, the interactions and tasks on it
        self.assertEqual(len(lead_b.responsibility_ids), 2)
        task = (
            self.env["crm.task"]
            .with_user(self.salesman)
            .create({"name": "Send the brochure", "lead_id": lead.id})
        )
        self.assertEqual(lead_b.crm_task_ids, task)
        task.with_user(self.salesman_b).write({"description": "Sent by B"})
        interaction = (
            self.env["crm.interaction"]
            .with_user(self.salesman_b)
            .create({"responsibility_id": step.id, "interaction_type": "call"})
        )
        self.assertEqual(interaction.lead_id, lead)
        step.complete("refused", "Not interested", lost_reason_id=self.lost_reason.id)
        self.assertFalse(lead.active)
        self.assertEqual(step.state, "refused")
        self.assertEqual(lead.lost_reason_id, self.lost_reason)
        self.assertEqual(step.summary, "Not interested")

    def test_holder_completes_and_hands_back(self):
        lead, step = self._hand_over()
        self._satisfy_downstream_gates(lead)
        third_id = step.complete(
            "next", "Met them", next_user_id=self.salesman.id, next_deadline=self._in(3)
        )
        self.assertEqual(step.state, "done")
        third = self.Responsibility.browse(third_id)
        self.assertEqual((third.lead_id, third.user_id), (lead, self.salesman))
        # handed back: the lead is its salesperson's again, B no longer reaches it
        with self.assertRaises(AccessError):
            lead.with_user(self.salesman_b).read(["name"])
        with self.assertRaises(AccessError):
            lead.with_user(self.salesman_b).write({"description": "Too late"})

    def test_holder_wins_on_the_last_step(self):
        lead = self._lead("Last step handed over", user_id=self.salesman.id)
        self._activate(lead, user=self.salesman_b, responsibility_type_id=self.t_contracting.id)
        lead.user_id = self.salesman  # activate() made B the salesperson: A's lead again
        self._satisfy_downstream_gates(lead)
        lead.with_user(self.salesman_b).open_responsibility_id.complete("next", "Signed")
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(lead.responsibility_ids.mapped("state"), ["done"])
        self.assertEqual(lead.responsibility_ids.summary, "Signed")

    def test_closed_step_gives_no_access(self):
        lead, step = self._hand_over()
        other = self._lead("Not B's", user_id=self.salesman.id)
        with self.assertRaises(AccessError):
            other.with_user(self.salesman_b).read(["name"])
        with self.assertRaises(AccessError):
            lead.with_user(self.salesman_b).unlink()

    def test_holder_does_not_take_the_lead_over(self):
        """The holder works the lead; its salesperson, team and company stay
        its owner's, or the holder would keep it after the step closes."""
        lead, step = self._hand_over()
        team = self.env["crm.team"].create({"name": "Holder's team"})
        lead_b = lead.with_user(self.salesman_b)
        for vals in (
            {"user_id": self.salesman_b.id},
            {"user_id": False},
            {"team_id": team.id},
            {"company_id": False},
            {"user_id": self.salesman_b.id, "description": "Mine now"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                lead_b.write(vals)
        self.assertEqual(lead.user_id, self.salesman)
        self.assertNotEqual(lead.team_id, team)
        self.assertFalse(lead.description)
        # the same values (a form sending them back) and the lead's own fields
        lead_b.write({"user_id": self.salesman.id, "description": "Worked by B"})
        self.assertEqual(lead.description, "<p>Worked by B</p>")
        # the salesperson and a manager reassign it
        lead.with_user(self.salesman).write({"team_id": team.id})
        self.assertEqual(lead.team_id, team)
        lead.with_user(self.manager).write({"user_id": self.salesman_b.id})
        self.assertEqual(lead.user_id, self.salesman_b)

    def test_holder_does_not_merge_the_lead(self):
        """Merging deletes the other leads as superuser and moves their revenue,
        history and steps to the surviving one: the holder merging the lead
        with one of their own at a later stage would take it over. Refused
        (wizard and method), nothing written; its salesperson merges it."""
        lead, step = self._hand_over()
        lead.expected_revenue = 5000
        proposition = self.env.ref("crm.stage_lead3")
        mine = self._lead("B's own", user_id=self.salesman_b.id, stage_id=proposition.id)
        both = (lead | mine).with_user(self.salesman_b)
        wizard = (
            self.env["crm.merge.opportunity"]
            .with_user(self.salesman_b)
            .create({"opportunity_ids": [(6, 0, both.ids)], "user_id": self.salesman_b.id})
        )
        with self.assertRaises(AccessError):
            wizard.action_merge()
        for ordered in (both, (mine | lead).with_user(self.salesman_b)):
            with self.subTest(ids=ordered.ids), self.assertRaises(AccessError):
                ordered.merge_opportunity()
        with self.assertRaises(AccessError):
            both.merge_opportunity(user_id=self.salesman.id)
        self.assertTrue(lead.exists())
        self.assertTrue(mine.exists())
        self.assertEqual((lead.user_id, lead.expected_revenue), (self.salesman, 5000))
        self.assertEqual(lead.open_responsibility_id, step)
        self.assertEqual(len(lead.responsibility_ids), 2)
        self.assertFalse(mine.responsibility_ids)
        # the holder merges their own leads; a manager merges the lead
        other = self._lead("B's other", user_id=self.salesman_b.id)
        self.assertEqual((mine | other).with_user(self.salesman_b).merge_opportunity(), mine)
        merged = (lead | mine).with_user(self.manager).merge_opportunity()
        self.assertEqual(merged, mine)
        self.assertFalse(lead.exists())
        self.assertEqual(mine.open_responsibility_id, step)

    def test_holder_does_not_take_the_owners_records(self):
        """The holder works the interactions and tasks of the lead, but does not
        reassign them, nor move them to another lead: either would make them
        theirs to delete (their own records' rule) or take them from the lead."""
        lead, step = self._hand_over()
        theirs = self._lead("B's own", user_id=self.salesman_b.id)
        task = (
            self.env["crm.task"]
            .with_user(self.salesman)
            .create({"name": "Send the brochure", "lead_id": lead.id})
        )
        interaction = (
            self.env["crm.interaction"]
            .with_user(self.salesman)
            .create({"lead_id": lead.id, "interaction_type": "call"})
        )
        for record in (task, interaction):
            as_b = record.with_user(self.salesman_b)
            for vals in (
                {"user_id": self.salesman_b.id},
                {"lead_id": theirs.id},
                {"lead_id": False},
            ):
                with self.subTest(model=record._name, vals=vals), self.assertRaises(AccessError):
                    as_b.write(vals)
            with self.assertRaises(AccessError):
                as_b.unlink()
            self.assertEqual((record.user_id, record.lead_id), (self.salesman, lead))
            # the record's own fields, and the same values sent back
            as_b.write({"user_id": self.salesman.id, "lead_id": lead.id})
        task.with_user(self.salesman_b).write({"description": "Brochure sent"})
        interaction.with_user(self.salesman_b).write({"notes": "Called back"})
        # what the holder logs is theirs
        mine = (
            self.env["crm.interaction"]
            .with_user(self.salesman_b)
            .create({"responsibility_id": step.id, "interaction_type": "visit"})
        )
        mine.write({"user_id": self.salesman.id})
        self.assertEqual(mine.user_id, self.salesman)
        # the lead's salesperson reassigns them
        task.with_user(self.salesman).write({"user_id": self.salesman_b.id})
        self.assertEqual(task.user_id, self.salesman_b)

    def test_holder_hands_the_step_on(self):
        """The deadline and the responsible of an open step are plain writes,
        for its holder too: the responsible's to-do follows."""
        lead, step = self._hand_over()
        step.write({"deadline": self._in(5)})
        step.write({"user_id": self.salesman.id})
        self.assertEqual(step.user_id, self.salesman)
        self.assertEqual(step.sudo().activity_id.user_id, self.salesman)
        self.assertEqual(step.sudo().activity_id.res_id, lead.id)
        # handed on: B no longer reaches the lead
        with self.assertRaises(AccessError):
            lead.with_user(self.salesman_b).read(["name"])

    def test_holder_does_not_refile_the_owners_records(self):
        """Nor does the holder file the lead's interactions and tasks on another
        client (taking them from the client's file); a contact person of the
        same client keeps the client and passes. The lead's salesperson and a
        manager refile them."""
        lead, step = self._hand_over()
        other = self.env["res.partner"].create({"name": "Another Client SRL", "is_company": True})
        person = self.env["res.partner"].create(
            {"name": "Ana Pop", "parent_id": self.customer.id, "type": "contact"}
        )
        task = (
            self.env["crm.task"]
            .with_user(self.salesman)
            .create({"name": "Send the offer", "lead_id": lead.id})
        )
        interaction = (
            self.env["crm.interaction"]
            .with_user(self.salesman)
            .create({"lead_id": lead.id, "interaction_type": "call"})
        )
        for record in (task, interaction):
            self.assertEqual(record.partner_id, self.customer)
            as_b = record.with_user(self.salesman_b)
            text = "description" if record._name == "crm.task" else "notes"
            for vals in (
                {"partner_id": other.id},
                {"partner_id": other.id, "contact_id": False, text: "Moved"},
                # a task of a lead may have no client of its own (an interaction
                # must: ValidationError first)
                *([{"partner_id": False}] if record._name == "crm.task" else []),
            ):
                with self.subTest(model=record._name, vals=vals), self.assertRaises(AccessError):
                    as_b.write(vals)
            self.assertEqual(record.partner_id, self.customer)
            # the same client, or one of its contact persons: still its client
            as_b.write({"partner_id": self.customer.id})
            as_b.write({"partner_id": person.id})
            self.assertEqual((record.partner_id, record.contact_id), (self.customer, person))
        # what the holder logs is theirs to refile, but a record on the lead
        # stays on the lead's customer (ValidationError, for everyone)
        mine = (
            self.env["crm.interaction"]
            .with_user(self.salesman_b)
            .create({"responsibility_id": step.id, "interaction_type": "visit"})
        )
        with self.assertRaises(ValidationError):
            mine.write({"partner_id": other.id})
        mine.write({"responsibility_id": False, "lead_id": False, "partner_id": other.id})
        self.assertEqual(mine.partner_id, other)
        # the lead's salesperson and a manager refile them, off the lead
        with self.assertRaises(ValidationError):
            task.with_user(self.salesman).write({"partner_id": other.id, "contact_id": False})
        task.with_user(self.salesman).write(
            {"lead_id": False, "partner_id": other.id, "contact_id": False}
        )
        self.assertEqual(task.partner_id, other)
        interaction.with_user(self.manager).write(
            {"lead_id": False, "partner_id": other.id, "contact_id": False}
        )
        self.assertEqual(interaction.partner_id, other)
