from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common_intake import b64, csv_bytes


@tagged("post_install", "-at_install")
class TestCampaignCompany(TransactionCase):
    """A campaign is its company's (sale gives it one, the suite puts that
    company's money on it): the users of other companies neither read nor
    write it; one without company is everyone's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.env["res.company"].create({"name": "Campaign Co 2"})
        cls.company_4 = cls.env["res.company"].create({"name": "Campaign Co 4"})
        cls.seller_4 = new_test_user(
            cls.env,
            login="camp_co_sales_4",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_4.id,
            company_ids=[cls.company_4.id],
        )
        cls.manager = new_test_user(
            cls.env,
            login="camp_co_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company_2.id,
            company_ids=[cls.company_2.id, cls.company_4.id],
        )
        Campaign = cls.env["utm.campaign"]
        cls.fair_2 = Campaign.create(
            {
                "title": "Company 2 fair",
                "company_id": cls.company_2.id,
                "budget": 1000.0,
                "actual_cost": 800.0,
            }
        )
        cls.shared = Campaign.create({"title": "Shared fair", "company_id": False})

    def test_another_companys_campaign_is_out_of_reach(self):
        Campaign = self.env["utm.campaign"].with_user(self.seller_4)
        found = Campaign.search([("id", "in", (self.fair_2 | self.shared).ids)])
        self.assertEqual(found, self.shared)
        with self.assertRaises(AccessError):
            Campaign.browse(self.fair_2.id).read(["budget", "roi"])
        with self.assertRaises(AccessError):
            Campaign.browse(self.fair_2.id).write({"actual_cost": 5.0})
        self.assertEqual(self.fair_2.actual_cost, 800.0)
        # a campaign without company is everyone's
        Campaign.browse(self.shared.id).write({"budget": 50.0})
        self.assertEqual(self.shared.budget, 50.0)

    def test_a_user_of_both_companies_works_in_the_ones_selected(self):
        Campaign = self.env["utm.campaign"].with_user(self.manager)
        both = Campaign.with_context(allowed_company_ids=[self.company_4.id, self.company_2.id])
        self.assertIn(self.fair_2, both.search([]))
        only_4 = Campaign.with_context(allowed_company_ids=[self.company_4.id])
        self.assertNotIn(self.fair_2, only_4.search([]))

    def test_a_name_of_another_companys_campaign_is_numbered(self):
        """Names are unique in the database (utm): a campaign named like one the
        user cannot see gets the next number, not the constraint's error."""
        campaign = (
            self.env["utm.campaign"].with_user(self.seller_4).create({"title": "Company 2 fair"})
        )
        self.assertEqual(campaign.company_id, self.company_4)
        self.assertEqual(campaign.title, "Company 2 fair")
        self.assertEqual(campaign.name, "Company 2 fair [2]")
        campaign.write({"title": "Shared fair"})
        self.assertEqual(campaign.name, "Shared fair [2]")
        # given by name (Odoo's UTM tracking and the lead import create them so)
        Campaign = self.env["utm.campaign"].with_user(self.seller_4)
        by_name = Campaign.create({"name": "Company 2 fair"})
        self.assertEqual((by_name.title, by_name.name), ("Company 2 fair", "Company 2 fair [2]"))
        tracked = (
            self.env["utm.mixin"]
            .with_user(self.seller_4)
            ._find_or_create_record("utm.campaign", "Company 2 fair")
        )
        self.assertEqual(tracked.company_id, self.company_4)

    def test_import_links_the_companys_own_campaign(self):
        """An imported lead's campaign is one of the importer's companies: a
        campaign of that name created once, found again by its title."""
        Lead = self.env["crm.lead"].with_user(self.seller_4)
        content = csv_bytes([["Company", "Campaign"], ["Import row 1", "Company 2 fair"]])
        first = Lead.import_leads(b64(content), "c.csv", {"duplicate_action": "create"})
        lead = self.env["crm.lead"].browse(first["lead_ids"])
        campaign = lead.campaign_id
        self.assertEqual(campaign.company_id, self.company_4)
        self.assertEqual((campaign.title, campaign.name), ("Company 2 fair", "Company 2 fair [2]"))
        content = csv_bytes([["Company", "Campaign"], ["Import row 2", "company 2 FAIR"]])
        again = Lead.import_leads(b64(content), "c.csv", {"duplicate_action": "create"})
        self.assertEqual(self.env["crm.lead"].browse(again["lead_ids"]).campaign_id, campaign)

    def test_team_of_another_company_still_refused(self):
        team_2 = self.env["crm.team"].create({"name": "Co 2 team", "company_id": self.company_2.id})
        with self.assertRaises(ValidationError):
            self.env["utm.campaign"].with_user(self.manager).with_context(
                allowed_company_ids=[self.company_4.id, self.company_2.id]
            ).create({"title": "Co 4 fair", "company_id": self.company_4.id, "team_id": team_2.id})
