from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestPipelineTour(HttpCase):
    def test_activate_and_complete_in_web_client(self):
        lead = self.env["crm.lead"].create(
            {"name": "Tour lead", "type": "opportunity", "user_id": False}
        )
        self.start_tour(
            f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}",
            "crm_pipeline_activate_complete",
            login="admin",
        )
        self.assertEqual(lead.activation_state, "active")
        contact, meeting = lead.responsibility_ids.sorted("id")
        self.assertEqual(contact.state, "done")
        self.assertEqual(contact.summary, "Called the buyer, meeting agreed for next week")
        self.assertEqual(meeting.type_id.code, "meeting_evaluation")
        self.assertEqual(meeting.state, "assigned")


@tagged("post_install", "-at_install")
class TestBoardTour(HttpCase):
    def test_boards_in_web_client(self):
        # an activated lead, so the funnel has a Contact prospect row
        lead = self.env["crm.lead"].create({"name": "Board lead", "type": "opportunity"})
        lead.activate(self.env.ref("base.user_admin").id, "2030-01-01 09:00:00")
        self.start_tour(
            "/odoo/action-crm_pipeline.crm_board_general_action",
            "crm_pipeline_boards",
            login="admin",
        )
