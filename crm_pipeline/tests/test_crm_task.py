from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common_interaction import InteractionCommon


@tagged("post_install", "-at_install")
class TestCrmTask(InteractionCommon):
    def _assignment_notifications(self, task, user):
        return self.env["mail.message"].search(
            [
                ("model", "=", "crm.task"),
                ("res_id", "=", task.id),
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", user.partner_id.ids),
            ]
        )

    def test_defaults_from_lead(self):
        task = self.Task.with_user(self.salesman_a).create(
            {"name": "Offer", "kind": "offer", "lead_id": self.lead_a.id}
        )
        self.assertEqual(task.partner_id, self.client)
        self.assertEqual(task.user_id, self.salesman_a)
        self.assertEqual(task.state, "assigned")
        self.assertFalse(task.is_closed)
        self.assertEqual(task.company_id, self.lead_a.company_id or self.env.company)

    def test_form_fills_client_from_lead(self):
        with Form(self.Task.with_user(self.salesman_a)) as form:
            form.name = "Sample"
            form.kind = "sample"
            form.lead_id = self.lead_a
            self.assertEqual(form.partner_id, self.client)
        self.assertEqual(form.record.partner_id, self.client)

    def test_client_or_lead_required(self):
        with self.assertRaises(ValidationError):
            self.Task.create({"name": "Nothing to hang on"})
        task = self.Task.create(
            {"name": "Invoice", "kind": "invoice", "partner_id": self.client.id}
        )
        self.assertFalse(task.lead_id)
        with self.assertRaises(ValidationError):
            task.write({"partner_id": False})
        self.assertEqual(task.partner_id, self.client)

    def test_assignee_must_be_internal(self):
        portal = new_test_user(self.env, login="itx_portal", groups="base.group_portal")
        with self.assertRaises(ValidationError):
            self.Task.create({"name": "X", "partner_id": self.client.id, "user_id": portal.id})
        task = self.Task.create({"name": "X", "partner_id": self.client.id})
        with self.assertRaises(ValidationError):
            task.write({"user_id": portal.id})

    def test_notification_on_assignment_and_reassignment(self):
        task = self.Task.with_user(self.manager).create(
            {
                "name": "Prepare the contract",
                "kind": "new_contract",
                "lead_id": self.lead_a.id,
                "user_id": self.salesman_a.id,
                "date_deadline": "2030-01-15",
            }
        )
        notif_a = self._assignment_notifications(task, self.salesman_a)
        self.assertEqual(len(notif_a), 1)
        self.assertIn("New Contract", notif_a.body)
        self.assertIn("Itx Client SA", notif_a.body)
        self.assertIn(self.salesman_a.partner_id, task.message_partner_ids)
        # the notification reaches the assignee's inbox
        self.assertTrue(
            notif_a.notification_ids.filtered(
                lambda n: n.res_partner_id == self.salesman_a.partner_id
                and n.notification_type == "inbox"
            )
        )
        self.assertFalse(self._assignment_notifications(task, self.salesman_b))

        task.with_user(self.manager).write({"user_id": self.salesman_b.id})
        self.assertEqual(len(self._assignment_notifications(task, self.salesman_b)), 1)
        self.assertIn(self.salesman_b.partner_id, task.message_partner_ids)
        # A is not notified again
        self.assertEqual(len(self._assignment_notifications(task, self.salesman_a)), 1)

        # reassigning back to A notifies A again
        task.with_user(self.manager).write({"user_id": self.salesman_a.id})
        self.assertEqual(len(self._assignment_notifications(task, self.salesman_a)), 2)

    def test_no_notification_when_assigning_oneself(self):
        task = self.Task.with_user(self.salesman_a).create(
            {"name": "Mine", "lead_id": self.lead_a.id, "user_id": self.salesman_a.id}
        )
        self.assertFalse(self._assignment_notifications(task, self.salesman_a))
        self.assertIn(self.salesman_a.partner_id, task.message_partner_ids)

    def test_status_actions(self):
        task = self.Task.with_user(self.salesman_a).create(
            {"name": "Test product", "kind": "test_product", "lead_id": self.lead_a.id}
        )
        self.assertIs(task.action_start(), True)
        self.assertEqual(task.state, "in_progress")
        self.assertIs(task.action_develop(), True)
        self.assertEqual(task.state, "in_development")
        self.assertIs(task.action_start(), True)
        self.assertEqual(task.state, "in_progress")
        self.assertIs(task.action_confirm_done(), True)
        self.assertEqual(task.state, "done_confirmed")
        self.assertTrue(task.is_closed)
        self.assertTrue(task.date_done)
        # a completed task cannot be completed again nor started
        for action in (task.action_confirm_done, task.action_reject, task.action_start):
            with self.assertRaises(UserError):
                action()
            self.assertEqual(task.state, "done_confirmed")
        self.assertIs(task.action_reopen(), True)
        self.assertEqual(task.state, "in_progress")
        self.assertFalse(task.date_done)
        with self.assertRaises(UserError):
            task.action_reopen()
        self.assertIs(task.action_reject(), True)
        self.assertEqual(task.state, "done_rejected")
        self.assertTrue(task.is_closed)

    def test_status_action_on_several_tasks_is_all_or_nothing(self):
        tasks = self.Task.create(
            [
                {"name": "One", "partner_id": self.client.id},
                {"name": "Two", "partner_id": self.client.id},
            ]
        )
        tasks[1].action_reject()
        with self.assertRaises(UserError):
            tasks.action_start()
        self.assertEqual(tasks.mapped("state"), ["assigned", "done_rejected"])
        self.assertIs(tasks[0].action_start(), True)

    def test_status_is_tracked(self):
        task = self.Task.create({"name": "Tracked", "partner_id": self.client.id})
        # as between two requests: creation and change are tracked separately
        self.env.flush_all()
        self.env.cr.precommit.run()
        task.action_start()
        self.env.flush_all()
        self.env.cr.precommit.run()
        values = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "crm.task"),
                ("mail_message_id.res_id", "=", task.id),
                ("field_id.name", "=", "state"),
            ]
        )
        self.assertEqual(values.old_value_char, "Assigned")
        self.assertEqual(values.new_value_char, "In Progress")

    def test_kanban_shows_every_status(self):
        self.Task.create({"name": "Only one", "partner_id": self.client.id})
        groups = self.Task.read_group([("partner_id", "=", self.client.id)], ["state"], ["state"])
        self.assertEqual(
            [g["state"] for g in groups],
            ["assigned", "in_progress", "in_development", "done_confirmed", "done_rejected"],
        )

    def test_counts_and_actions_on_lead_and_partner(self):
        on_lead = self.Task.create({"name": "On lead", "lead_id": self.lead_a.id})
        on_client = self.Task.create({"name": "On client", "partner_id": self.client.id})
        on_person = self.Task.create({"name": "On person", "partner_id": self.person.id})
        self.assertEqual(self.lead_a.crm_task_count, 1)
        self.assertEqual(self.client.crm_task_count, 3)
        self.assertEqual(self.person.crm_task_count, 1)
        found = self.Task.search(self.lead_a.action_view_crm_tasks()["domain"])
        self.assertEqual(found, on_lead)
        action = self.client.action_view_crm_tasks()
        self.assertEqual(action["res_model"], "crm.task")
        self.assertEqual(self.Task.search(action["domain"]), on_lead | on_client | on_person)


@tagged("post_install", "-at_install")
class TestCrmTaskEmployee(InteractionCommon):
    """An employee without sales rights works the tasks assigned to them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(cls.env, login="itx_employee", groups="base.group_user")

    def test_assignee_without_sales_rights(self):
        mine = self.Task.with_user(self.salesman_a).create(
            {
                "name": "Prepare samples",
                "kind": "sample",
                "lead_id": self.lead_a.id,
                "user_id": self.employee.id,
            }
        )
        other = self.Task.with_user(self.salesman_a).create(
            {"name": "Not theirs", "kind": "offer", "lead_id": self.lead_a.id}
        )
        Task = self.Task.with_user(self.employee)
        self.assertEqual(Task.search([]), mine)
        # the form opens: the lead shows by name although the lead itself is not readable
        data = mine.with_user(self.employee).web_read(
            {
                "name": {},
                "state": {},
                "lead_id": {"fields": {"display_name": {}}},
                "partner_id": {"fields": {"display_name": {}}},
            }
        )[0]
        self.assertEqual(data["lead_id"]["display_name"], self.lead_a.display_name)
        with self.assertRaises(AccessError):
            self.lead_a.with_user(self.employee).read(["name"])
        with Form(mine.with_user(self.employee)) as form:
            self.assertEqual(form.name, "Prepare samples")
        # they move it through its statuses
        self.assertIs(mine.with_user(self.employee).action_start(), True)
        self.assertIs(mine.with_user(self.employee).action_confirm_done(), True)
        self.assertEqual(mine.state, "done_confirmed")
        # but see nothing else, create nothing, delete nothing
        with self.assertRaises(AccessError):
            other.with_user(self.employee).read(["name"])
        with self.assertRaises(AccessError):
            Task.create({"name": "Own task", "partner_id": self.client.id})
        with self.assertRaises(AccessError):
            mine.with_user(self.employee).unlink()
