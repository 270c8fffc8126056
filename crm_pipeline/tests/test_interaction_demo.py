from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInteractionDemo(TransactionCase):
    def test_demo_interactions_and_tasks(self):
        if not self.env["ir.module.module"]._get("crm_pipeline").demo:
            return  # installed without demo data: nothing to check
        interaction = self.env.ref("crm_pipeline.crm_interaction_demo_2")
        self.assertEqual(interaction.lead_id, self.env.ref("crm.crm_case_14"))
        self.assertEqual(interaction.partner_id, self.env.ref("base.res_partner_2"))
        self.assertEqual(interaction.user_id, self.env.ref("base.user_demo"))
        task = self.env.ref("crm_pipeline.crm_task_demo_offer")
        self.assertEqual(task.state, "in_progress")
        self.assertEqual(task.partner_id, self.env.ref("base.res_partner_2"))
        # the demo salesperson sees the demo records of their lead
        demo_user = self.env.ref("base.user_demo")
        lead = self.env.ref("crm.crm_case_14").with_user(demo_user)
        self.assertEqual(lead.crm_interaction_count, 2)
        self.assertEqual(lead.crm_task_count, 2)
        self.assertGreaterEqual(
            self.env.ref("base.res_partner_2").with_user(demo_user).crm_interaction_count, 2
        )
