from odoo import SUPERUSER_ID
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common_intake import b64, csv_bytes


class CampaignCompanyCase(TransactionCase):
    """Two companies, a campaign of the first and a shared one."""

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


@tagged("post_install", "-at_install")
class TestCampaignCompany(CampaignCompanyCase):
    """A campaign is its company's (sale gives it one, the suite puts that
    company's money on it): the users of other companies neither read nor
    write it; one without company is everyone's."""

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


@tagged("post_install", "-at_install")
class TestLeadCampaignCompany(CampaignCompanyCase):
    """A lead links a campaign of its company or a shared one (Odoo's company
    check on ``campaign_id``), also for a plain create or write; the leads the
    website's forms and the mail gateway create without company take their
    campaign's company."""

    def _manager_env(self):
        return self.env(
            user=self.manager,
            context={"allowed_company_ids": [self.company_4.id, self.company_2.id]},
        )

    def test_lead_cannot_link_another_companys_campaign(self):
        Lead = self._manager_env()["crm.lead"]
        with self.assertRaises(UserError) as refused:
            Lead.create(
                {
                    "name": "Co 4 lead",
                    "company_id": self.company_4.id,
                    "campaign_id": self.fair_2.id,
                }
            )
        self.assertIn("Incompatible companies", str(refused.exception))
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Co 4 lead")]))
        lead = Lead.create({"name": "Co 4 lead", "company_id": self.company_4.id})
        with self.assertRaises(UserError) as refused:
            lead.write({"campaign_id": self.fair_2.id})
        self.assertIn("Incompatible companies", str(refused.exception))
        self.assertFalse(lead.campaign_id)
        # a shared campaign and one of the lead's company are linked
        lead.write({"campaign_id": self.shared.id})
        own = self.env["utm.campaign"].create(
            {"title": "Co 4 fair", "company_id": self.company_4.id}
        )
        lead.write({"campaign_id": own.id})
        self.assertEqual(lead.campaign_id, own)
        # nor does the lead move to another company while it keeps the campaign
        with self.assertRaises(UserError) as refused:
            lead.write({"company_id": self.company_2.id})
        self.assertIn("Incompatible companies", str(refused.exception))
        self.assertEqual(lead.company_id, self.company_4)

    def test_website_or_mail_gateway_lead_takes_its_campaigns_company(self):
        """No salesperson and a sales team without company (Odoo's own teams):
        crm leaves the lead without company; it takes its campaign's."""
        team = self.env["crm.team"].create({"name": "Website team", "company_id": False})
        # the website's forms: the superuser, in the website's company
        Lead = self.env(user=SUPERUSER_ID, context={"allowed_company_ids": [self.company_2.id]})[
            "crm.lead"
        ]
        lead = Lead.create(
            {
                "name": "Contact us",
                "team_id": team.id,
                "user_id": False,
                "campaign_id": self.fair_2.id,
            }
        )
        self.assertEqual((lead.company_id, lead.campaign_id), (self.company_2, self.fair_2))
        # a shared campaign leaves it without company, as crm does
        shared = Lead.create(
            {
                "name": "Contact us 2",
                "team_id": team.id,
                "user_id": False,
                "campaign_id": self.shared.id,
            }
        )
        self.assertFalse(shared.company_id)
        self.assertEqual(shared.campaign_id, self.shared)
        # the mail gateway: a reply to the campaign's mailing on the team's alias
        mailed = Lead.message_new(
            {
                "subject": "Re: the fair",
                "from": "visitor@example.com",
                "email_from": "visitor@example.com",
                "to": "sales@example.com",
                "body": "<p>Interested</p>",
            },
            custom_values={"team_id": team.id, "user_id": False, "campaign_id": self.fair_2.id},
        )
        self.assertEqual((mailed.company_id, mailed.campaign_id), (self.company_2, self.fair_2))

    def test_tracked_campaign_is_one_of_the_current_companies(self):
        """The campaign of a tracking cookie, found by its name, as the
        website's forms find it (as superuser, in the website's company): one
        of that company or a shared one, never another company's."""
        Mixin = self.env(user=SUPERUSER_ID, context={"allowed_company_ids": [self.company_4.id]})[
            "utm.mixin"
        ]
        tracked = Mixin._find_or_create_record("utm.campaign", "Company 2 fair")
        self.assertNotEqual(tracked, self.fair_2)
        self.assertEqual(tracked.company_id, self.company_4)
        self.assertEqual(tracked.name, "Company 2 fair [2]")
        # found again by the next requests (its title), not created again
        self.assertEqual(Mixin._find_or_create_record("utm.campaign", "Company 2 fair"), tracked)
        self.assertEqual(Mixin._find_or_create_record("utm.campaign", "Shared fair"), self.shared)
        Mixin = Mixin.with_context(allowed_company_ids=[self.company_2.id])
        self.assertEqual(
            Mixin._find_or_create_record("utm.campaign", " company 2 FAIR "), self.fair_2
        )

    def test_import_links_a_campaign_of_the_leads_company(self):
        """A user of two companies imports in the first one: a campaign of that
        name in the other company is not linked (Odoo's company check would
        refuse the lead), a campaign of the lead's company is."""
        Lead = self._manager_env()["crm.lead"]
        content = csv_bytes([["Company", "Campaign"], ["Two companies row", "Company 2 fair"]])
        result = Lead.import_leads(b64(content), "c.csv", {"duplicate_action": "create"})
        self.assertFalse(result["errors"], result)
        lead = self.env["crm.lead"].browse(result["lead_ids"])
        self.assertEqual(lead.company_id, self.company_4)
        self.assertNotEqual(lead.campaign_id, self.fair_2)
        self.assertEqual(lead.campaign_id.company_id, self.company_4)
        self.assertEqual(lead.campaign_id.title, "Company 2 fair")
        # in the other company, that company's campaign
        Lead = Lead.with_context(allowed_company_ids=[self.company_2.id, self.company_4.id])
        content = csv_bytes([["Company", "Campaign"], ["Co 2 row", "company 2 fair"]])
        result = Lead.import_leads(b64(content), "c.csv", {"duplicate_action": "create"})
        self.assertEqual(self.env["crm.lead"].browse(result["lead_ids"]).campaign_id, self.fair_2)
