from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common_interaction import InteractionCommon


@tagged("post_install", "-at_install")
class TestTaskLeadMove(InteractionCommon):
    """A task (or an interaction) filed on a lead is part of that lead: filing
    it there, moving it to another lead or taking it off its lead needs write
    access on each lead concerned, as linking a competitor does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(cls.env, login="itx_move_employee", groups="base.group_user")
        cls.client_2 = cls.env["res.partner"].create({"name": "Itx Other SA", "is_company": True})
        Lead = cls.env["crm.lead"]
        cls.lead_a2 = Lead.create(
            {
                "name": "Itx second lead of A",
                "partner_id": cls.client_2.id,
                "user_id": cls.salesman_a.id,
                "type": "opportunity",
            }
        )
        cls.lead_b = Lead.create(
            {
                "name": "Itx lead of B",
                "partner_id": cls.client_2.id,
                "user_id": cls.salesman_b.id,
                "type": "opportunity",
            }
        )

    def _task(self, user=None, **vals):
        return self.Task.with_user(user or self.salesman_a).create(
            dict({"name": "Itx move", "kind": "sample", "lead_id": self.lead_a.id}, **vals)
        )

    def _flush_tracking(self):
        # as between two requests: creation and change are tracked separately
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_salesperson_moves_a_task_between_own_leads(self):
        task = self._task()
        self.assertEqual(task.partner_id, self.client)
        self._flush_tracking()
        task.with_user(self.salesman_a).write({"lead_id": self.lead_a2.id})
        # the task follows its new lead: client, counts, timeline, tracking
        self.assertEqual(task.lead_id, self.lead_a2)
        self.assertEqual(task.partner_id, self.client_2)
        self.assertEqual(self.lead_a.with_user(self.salesman_a).crm_task_count, 0)
        self.assertEqual(self.lead_a2.with_user(self.salesman_a).crm_task_count, 1)
        titles = [entry["title"] for entry in self.lead_a2._timeline_entries()]
        self.assertIn("Task assigned: Itx move", titles)
        self._flush_tracking()
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "crm.task"),
                ("mail_message_id.res_id", "=", task.id),
                ("field_id.name", "=", "lead_id"),
            ]
        )
        self.assertEqual(tracked.old_value_char, self.lead_a.display_name)
        self.assertEqual(tracked.new_value_char, self.lead_a2.display_name)
        # through the lead's tab as well
        self.lead_a.with_user(self.salesman_a).write({"crm_task_ids": [(4, task.id)]})
        self.assertEqual(task.lead_id, self.lead_a)
        # off any lead, on its client
        task.with_user(self.salesman_a).write({"lead_id": False})
        self.assertFalse(task.lead_id)
        self.assertEqual(task.partner_id, self.client)

    def test_contact_of_another_client_is_refused(self):
        task = self._task(partner_id=self.person.id)
        self.assertEqual(task.contact_id, self.person)
        with self.assertRaises(ValidationError):
            task.with_user(self.salesman_a).write({"lead_id": self.lead_a2.id})
        self.assertEqual(task.lead_id, self.lead_a)
        # moved with a contact of the new client, or without one
        task.with_user(self.salesman_a).write({"lead_id": self.lead_a2.id, "contact_id": False})
        self.assertEqual(task.partner_id, self.client_2)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_assignee_does_not_take_the_task_off_the_lead(self):
        """B works a task of A's lead: B does not move it to B's lead, nor take
        it off A's lead, in a write or through B's lead."""
        task = self._task(user_id=self.salesman_b.id)
        as_b = task.with_user(self.salesman_b)
        for vals in ({"lead_id": self.lead_b.id}, {"lead_id": False}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_b.write(vals)
        with self.assertRaises(AccessError):
            self.lead_b.with_user(self.salesman_b).write({"crm_task_ids": [(4, task.id)]})
        self.assertEqual(task.lead_id, self.lead_a)
        # the task is still theirs to work
        as_b.write({"description": "<p>Two samples</p>", "lead_id": self.lead_a.id})
        self.assertIs(as_b.action_start(), True)

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.models")
    def test_employee_does_not_take_the_task_off_the_lead(self):
        task = self._task(user_id=self.employee.id)
        with self.assertRaises(AccessError):
            task.with_user(self.employee).write({"lead_id": False})
        self.assertEqual(task.lead_id, self.lead_a)
        self.assertIs(task.with_user(self.employee).action_start(), True)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_a_lead_read_but_not_written_is_no_target(self):
        """An installation that lets salespeople read more leads than they write
        (here: B's lead) does not let them file work on those leads."""
        self.env["ir.rule"].create(
            {
                "name": "Itx: read B's lead",
                "model_id": self.env.ref("crm.model_crm_lead").id,
                "domain_force": f"[('id', '=', {self.lead_b.id})]",
                "groups": [(4, self.env.ref("sales_team.group_sale_salesman").id)],
                "perm_read": True,
                "perm_write": False,
                "perm_create": False,
                "perm_unlink": False,
            }
        )
        self.lead_b.with_user(self.salesman_a).read(["name"])
        with self.assertRaises(AccessError):
            self.lead_b.with_user(self.salesman_a).write({"name": "Not mine"})
        with self.assertRaises(AccessError):
            self._task(lead_id=self.lead_b.id)
        with self.assertRaises(AccessError):
            self.Task.with_user(self.salesman_a).with_context(
                default_lead_id=self.lead_b.id
            ).create({"name": "Itx default", "partner_id": self.client.id})
        with self.assertRaises(AccessError):
            self.Interaction.with_user(self.salesman_a).create({"lead_id": self.lead_b.id})
        task = self._task()
        with self.assertRaises(AccessError):
            task.with_user(self.salesman_a).write({"lead_id": self.lead_b.id})
        self.assertEqual(task.lead_id, self.lead_a)
        self.assertFalse(self.lead_b.crm_task_ids)
        self.assertFalse(self.lead_b.crm_interaction_ids)
