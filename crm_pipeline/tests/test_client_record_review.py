from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common_interaction import InteractionCommon
from .test_competitor import CompetitorCase


@tagged("post_install", "-at_install")
class TestClientRecordDeletion(InteractionCommon):
    """Deleting an interaction or a task filed on a lead takes it off that lead
    (its log, its task count, the open tasks that keep it from being deleted):
    only a user who may write the lead does it, as for moving it."""

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_assignee_does_not_delete_a_task_of_someone_elses_lead(self):
        task = self.Task.with_user(self.salesman_a).create(
            {
                "name": "Offer for A's client",
                "kind": "offer",
                "lead_id": self.lead_a.id,
                "user_id": self.salesman_b.id,
            }
        )
        # the assignee works it
        task.with_user(self.salesman_b).action_start()
        with self.assertRaises(AccessError):
            task.with_user(self.salesman_b).unlink()
        self.assertTrue(task.exists())
        # the lead's salesperson deletes it
        task.with_user(self.salesman_a).unlink()
        self.assertFalse(task.exists())

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_salesperson_of_a_call_does_not_delete_it_from_someone_elses_lead(self):
        interaction = self.Interaction.with_user(self.salesman_a).create(
            {"lead_id": self.lead_a.id, "user_id": self.salesman_b.id, "name": "Joint call"}
        )
        # the salesperson who had the call edits it
        interaction.with_user(self.salesman_b).write({"duration": 0.5})
        with self.assertRaises(AccessError):
            interaction.with_user(self.salesman_b).unlink()
        self.assertTrue(interaction.exists())
        interaction.with_user(self.salesman_a).unlink()
        self.assertFalse(interaction.exists())

    def test_records_without_lead_are_deleted_by_their_owner(self):
        task = self.Task.with_user(self.salesman_b).create(
            {"name": "Own task", "partner_id": self.client.id}
        )
        interaction = self.Interaction.with_user(self.salesman_b).create(
            {"partner_id": self.client.id}
        )
        task.with_user(self.salesman_b).unlink()
        interaction.with_user(self.salesman_b).unlink()
        self.assertFalse(task.exists())
        self.assertFalse(interaction.exists())


@tagged("post_install", "-at_install")
class TestTaskAssignmentNotice(InteractionCommon):
    """The assignee is told once of an assignment: writing the assignee a task
    already has (a list's mass edit, an integration writing every field)
    assigns nothing."""

    def _notices(self, task, user):
        return self.env["mail.message"].search_count(
            [
                ("model", "=", "crm.task"),
                ("res_id", "=", task.id),
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", user.partner_id.ids),
            ]
        )

    def test_same_assignee_written_again_is_not_notified_again(self):
        Task = self.Task.with_user(self.salesman_a)
        kept = Task.create(
            {
                "name": "Offer",
                "kind": "offer",
                "lead_id": self.lead_a.id,
                "user_id": self.salesman_b.id,
            }
        )
        moved = Task.create({"name": "Invoice", "kind": "invoice", "lead_id": self.lead_a.id})
        self.assertEqual(self._notices(kept, self.salesman_b), 1)
        (kept | moved).write({"user_id": self.salesman_b.id, "priority": "1"})
        self.assertEqual(self._notices(kept, self.salesman_b), 1)
        # the task that changes hands is notified
        self.assertEqual(self._notices(moved, self.salesman_b), 1)
        self.assertEqual((kept | moved).user_id, self.salesman_b)
        self.assertIn(self.salesman_b.partner_id, moved.message_partner_ids)
        kept.write({"user_id": self.salesman_b.id})
        self.assertEqual(self._notices(kept, self.salesman_b), 1)


@tagged("post_install", "-at_install")
class TestTimelineTaskWithoutDeadline(InteractionCommon):
    def test_task_without_deadline_reads_well_on_the_timeline(self):
        self.Task.with_user(self.salesman_a).create(
            {"name": "Call back", "lead_id": self.lead_a.id}
        )
        self.Task.with_user(self.salesman_a).create(
            {"name": "Offer", "lead_id": self.lead_a.id, "date_deadline": "2030-12-01"}
        )
        entries = {
            entry["title"]: entry["body"]
            for entry in self.lead_a.with_user(self.salesman_a)._timeline_task_entries()
        }
        name = self.salesman_a.name
        # not "Assigned to ..., deadline " with nothing after it
        self.assertEqual(entries["Task assigned: Call back"], f"Assigned to {name}, no deadline")
        self.assertEqual(
            entries["Task assigned: Offer"], f"Assigned to {name}, deadline 12/01/2030"
        )


@tagged("post_install", "-at_install")
class TestLostCompetitorOfRestoredLead(CompetitorCase):
    """A lost deal brought back is lost to nobody: Odoo clears its lost reason,
    the competitor it was lost to goes with it."""

    def test_restored_then_lost_again_to_nobody(self):
        lead = self._lead("Deal restored", self.salesman, 900.0)
        self._lose(lead)
        self.assertEqual(lead.lost_competitor_id, self.competitor)
        self.assertEqual(self.competitor.lost_count, 1)
        # Restore (the lead form's button)
        lead.with_user(self.salesman).toggle_active()
        self.assertTrue(lead.active)
        self.assertFalse(lead.lost_reason_id)
        self.assertFalse(lead.lost_competitor_id)
        # lost again, to no competitor this time
        wizard = Form(
            self.env["crm.lead.lost"]
            .with_user(self.salesman)
            .with_context(default_lead_ids=lead.ids)
        )
        wizard.lost_reason_id = self.reason
        wizard.save().action_lost_reason_apply()
        self.assertFalse(lead.active)
        self.assertFalse(lead.lost_competitor_id)
        self.competitor.invalidate_recordset()
        self.assertEqual(self.competitor.lost_count, 0)
        self.assertEqual(self.competitor.lost_amount, 0.0)


@tagged("post_install", "-at_install")
class TestInteractionFromContactPerson(InteractionCommon):
    """An interaction created from a contact person's form (its smart button,
    or Interactions in its Actions menu) is one with that person: filed on
    their company with the person as its contact, as a create given the
    person as the client files it."""

    def test_smart_button_of_a_contact_person_keeps_the_person(self):
        action = self.person.with_user(self.salesman_a).action_view_crm_interactions()
        with Form(
            self.Interaction.with_user(self.salesman_a).with_context(**action["context"])
        ) as form:
            # the form shows it as it will be filed
            self.assertEqual(form.partner_id, self.client)
            self.assertEqual(form.contact_id, self.person)
            form.duration = 0.5
        interaction = form.record
        self.assertEqual(interaction.partner_id, self.client)
        self.assertEqual(interaction.contact_id, self.person)
        # the person's file counts it
        self.assertEqual(self.person.with_user(self.salesman_a).crm_interaction_count, 1)

    def test_task_from_a_contact_person_keeps_the_person(self):
        action = self.person.with_user(self.salesman_a).action_view_crm_tasks()
        with Form(self.Task.with_user(self.salesman_a).with_context(**action["context"])) as form:
            form.name = "Call Ana back"
        self.assertEqual(form.record.partner_id, self.client)
        self.assertEqual(form.record.contact_id, self.person)

    def test_company_smart_button_unchanged(self):
        action = self.client.with_user(self.salesman_a).action_view_crm_interactions()
        with Form(
            self.Interaction.with_user(self.salesman_a).with_context(**action["context"])
        ) as form:
            self.assertEqual(form.partner_id, self.client)
            self.assertFalse(form.contact_id)
            form.contact_id = self.person
        self.assertEqual(form.record.contact_id, self.person)


@tagged("post_install", "-at_install")
class TestInteractionStepValue(InteractionCommon):
    """The step an interaction is logged for, given as something else than a
    record id, is refused as the write policy refuses any bad value (a
    ``ValidationError``, XML-RPC fault 2), not with a database error or a
    traceback."""

    def test_bad_step_values_are_refused_cleanly(self):
        Interaction = self.Interaction.with_user(self.salesman_a)
        for value in ("abc", True, 1.5, 2**40, -3, [1], {"id": 1}):
            with self.assertRaisesRegex(ValidationError, "one record id", msg=repr(value)):
                Interaction.create(
                    {
                        "partner_id": self.client.id,
                        "responsibility_id": value,
                        "interaction_type": "call",
                    }
                )
