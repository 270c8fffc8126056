from odoo.tests import HttpCase, new_test_user, tagged

from .common_intake import serve_lookups


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


@tagged("post_install", "-at_install")
class TestLeadImportTour(HttpCase):
    def test_import_wizard_in_web_client(self):
        """A salesperson who sees only their own leads imports a CSV with Romanian
        headers: the row whose e-mail is on another salesperson's lead (hidden
        from them) is flagged with that lead and its owner, and skipped."""
        salesman = new_test_user(
            self.env, "tour_intake_salesman", groups="sales_team.group_sale_salesman"
        )
        owner = new_test_user(
            self.env,
            "tour_intake_owner",
            name="Tour Owner",
            groups="sales_team.group_sale_salesman",
        )
        taken = self.env["crm.lead"].create(
            {
                "name": "Tour Taken Lead",
                "email_from": "taken@tour-intake.example.com",
                "user_id": owner.id,
            }
        )
        self.assertFalse(taken.with_user(salesman).has_access("read"))
        self.start_tour(
            "/odoo/action-crm.crm_lead_action_pipeline?view_type=list",
            "crm_pipeline_lead_import",
            login="tour_intake_salesman",
        )
        imported = self.env["crm.lead"].search(
            [("email_from", "like", "@tour-intake.example.com"), ("id", "!=", taken.id)]
        )
        self.assertEqual(imported.mapped("partner_name"), ["Tour Intake Nou SRL"])
        self.assertEqual(imported.activation_state, "inactive")
        self.assertEqual(imported.user_id, salesman)
        self.assertEqual(imported.city, "Cluj-Napoca")


@tagged("post_install", "-at_install")
class TestLeadFromTaxIdTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a local server answering like ANAF (common_intake.LookupHandler)
        base = serve_lookups(cls)
        cls.env["ir.config_parameter"].set_param("crm_pipeline.anaf_url", f"{base}/anaf")

    def test_lead_from_tax_id_and_duplicate_warning_in_web_client(self):
        salesman = new_test_user(
            self.env, "tour_taxid_salesman", groups="sales_team.group_sale_salesman"
        )
        owner = new_test_user(
            self.env, "tour_taxid_owner", name="Tour Owner", groups="sales_team.group_sale_salesman"
        )
        taken = self.env["crm.lead"].create(
            {
                "name": "Tour Taken Lead",
                "email_from": "taken@tour-intake.example.com",
                "user_id": owner.id,
            }
        )
        self.start_tour(
            "/odoo/action-crm_pipeline.crm_lead_tax_id_wizard_action",
            "crm_pipeline_lead_from_tax_id",
            login="tour_taxid_salesman",
        )
        lead = self.env["crm.lead"].search([("vat", "=", "RO18547290")])
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.partner_name, "EXEMPLU DISTRIBUTIE SRL")
        self.assertEqual(lead.company_registry, "J12/1234/2006")
        self.assertEqual(lead.activation_state, "inactive")
        self.assertEqual(lead.user_id, salesman)
        self.assertEqual(lead.email_from, "taken@tour-intake.example.com")
        self.assertEqual(taken.user_id, owner)
