from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestInteractionTour(HttpCase):
    def test_log_interaction_and_start_task_in_the_web_client(self):
        salesman = new_test_user(
            self.env,
            login="itx_tour_salesman",
            groups="sales_team.group_sale_salesman",
        )
        client = self.env["res.partner"].create({"name": "Itx Tour Client", "is_company": True})
        lead = self.env["crm.lead"].create(
            {
                "name": "Itx tour lead",
                "type": "opportunity",
                "partner_id": client.id,
                "user_id": salesman.id,
            }
        )
        self.start_tour(
            f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}",
            "crm_pipeline_interaction_tour",
            login=salesman.login,
        )
        interaction = lead.crm_interaction_ids
        self.assertEqual(len(interaction), 1)
        self.assertEqual(interaction.partner_id, client)
        self.assertEqual(interaction.interaction_type, "visit")
        self.assertEqual(interaction.duration, 1.5)
        self.assertEqual(interaction.user_id, salesman)
        task = lead.crm_task_ids
        self.assertEqual(task.name, "Tour offer")
        self.assertEqual(task.partner_id, client)
        self.assertEqual(task.state, "in_progress")
        self.assertEqual(task.user_id, salesman)
