from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common_interaction import InteractionCommon


@tagged("post_install", "-at_install")
class TestInteractionSecurity(InteractionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.interaction_a = cls.Interaction.with_user(cls.salesman_a).create(
            {"lead_id": cls.lead_a.id, "interaction_type": "call"}
        )
        cls.task_a = cls.Task.with_user(cls.salesman_a).create(
            {"name": "Offer of A", "kind": "offer", "lead_id": cls.lead_a.id}
        )

    def _assert_no_access(self, record, user):
        as_user = record.with_user(user)
        self.assertFalse(as_user.search([("id", "=", record.id)]))
        with self.assertRaises(AccessError):
            as_user.read(["display_name"])
        with self.assertRaises(AccessError):
            as_user.write({"name": "hijacked"})
        with self.assertRaises(AccessError):
            as_user.unlink()

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_other_salesman_cannot_see_or_edit(self):
        self._assert_no_access(self.interaction_a, self.salesman_b)
        self._assert_no_access(self.task_a, self.salesman_b)
        # nor count them on the lead/partner
        self.assertEqual(self.client.with_user(self.salesman_b).crm_interaction_count, 0)
        self.assertEqual(self.client.with_user(self.salesman_b).crm_task_count, 0)
        self.assertEqual(self.client.with_user(self.salesman_a).crm_interaction_count, 1)

    def test_owner_edits(self):
        self.interaction_a.with_user(self.salesman_a).write({"duration": 2})
        self.task_a.with_user(self.salesman_a).action_start()
        self.assertEqual(self.task_a.state, "in_progress")

    def test_lead_owner_sees_what_others_log_on_the_lead(self):
        by_manager = self.Interaction.with_user(self.manager).create(
            {"lead_id": self.lead_a.id, "user_id": self.manager.id}
        )
        task = self.Task.with_user(self.manager).create(
            {"name": "Engineering sample", "lead_id": self.lead_a.id, "user_id": self.manager.id}
        )
        self.assertEqual(
            self.Interaction.with_user(self.salesman_a).search([("lead_id", "=", self.lead_a.id)]),
            self.interaction_a | by_manager,
        )
        self.assertIn(task, self.Task.with_user(self.salesman_a).search([]))
        self.assertEqual(self.lead_a.with_user(self.salesman_a).crm_interaction_count, 2)
        self.assertEqual(self.lead_a.with_user(self.salesman_a).crm_task_count, 2)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_assignee_and_assigner_see_the_task(self):
        salesman_c = new_test_user(
            self.env, login="itx_salesman_c", groups="sales_team.group_sale_salesman"
        )
        task = self.Task.with_user(self.salesman_a).create(
            {
                "name": "Sample for A's client",
                "partner_id": self.client.id,
                "user_id": self.salesman_b.id,
            }
        )
        # the assignee works on it
        task.with_user(self.salesman_b).action_start()
        # the salesman who assigned it follows it
        self.assertEqual(task.with_user(self.salesman_a).state, "in_progress")
        self._assert_no_access(task, salesman_c)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_salesman_cannot_log_for_someone_else_on_a_foreign_lead(self):
        # B can log interactions on their own clients, but cannot open A's lead
        mine = self.Interaction.with_user(self.salesman_b).create({"partner_id": self.client.id})
        self.assertEqual(mine.user_id, self.salesman_b)
        with self.assertRaises(AccessError):
            self.lead_a.with_user(self.salesman_b).read(["crm_interaction_ids"])

    def test_manager_sees_all(self):
        by_b = self.Interaction.with_user(self.salesman_b).create({"partner_id": self.client.id})
        interactions = self.Interaction.with_user(self.manager).search(
            [("partner_id", "=", self.client.id)]
        )
        self.assertEqual(interactions, self.interaction_a | by_b)
        self.task_a.with_user(self.manager).action_confirm_done()
        self.assertEqual(self.task_a.state, "done_confirmed")

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Itx Other Company"})
        interaction = self.Interaction.create(
            {
                "partner_id": self.client.id,
                "user_id": self.salesman_a.id,
                "company_id": other_company.id,
            }
        )
        task = self.Task.create(
            {
                "name": "Other company task",
                "partner_id": self.client.id,
                "user_id": self.salesman_a.id,
                "company_id": other_company.id,
            }
        )
        # A owns them, but is not allowed in the other company
        self.assertNotIn(other_company, self.salesman_a.company_ids)
        self._assert_no_access(interaction, self.salesman_a)
        self._assert_no_access(task, self.salesman_a)
        # once allowed in it, A sees them
        self.salesman_a.write({"company_ids": [(4, other_company.id)]})
        as_a = self.Interaction.with_user(self.salesman_a).with_context(
            allowed_company_ids=[self.env.company.id, other_company.id]
        )
        self.assertIn(interaction, as_a.search([]))

    def test_partner_form_for_users_without_sales_rights(self):
        employee = new_test_user(self.env, login="itx_employee", groups="base.group_user")
        Partner = self.env["res.partner"].with_user(employee)
        views = Partner.get_views([(False, "form")])
        arch = views["views"]["form"]["arch"]
        self.assertNotIn("crm_interaction_count", arch)
        self.assertNotIn("crm_interaction_ids", arch)
        self.assertEqual(Partner.browse(self.client.id).name, "Itx Client SA")
        with self.assertRaises(AccessError):
            self.Interaction.with_user(employee).search([])
