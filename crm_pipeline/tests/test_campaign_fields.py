"""The campaign's seed fields (vTiger): type, sponsor, expected close date,
expected response rate and responsible team, under the write policy."""

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCampaignFields(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="campf_sales", groups="sales_team.group_sale_salesman"
        )
        cls.team = cls.env["crm.team"].create({"name": "Fair team"})
        cls.campaign = (
            cls.env["utm.campaign"]
            .with_user(cls.salesman)
            .create(
                {
                    "title": "Computer World ad",
                    "campaign_type": "advertisement",
                    "sponsor": "Mir PK magazine (campaign fields test)",
                    "expected_close_date": "2026-04-15",
                    "expected_response_rate": 7.5,
                    "team_id": cls.team.id,
                    "audience_size": 14000,
                }
            )
        )

    def test_fields_written_by_a_salesperson(self):
        campaign = self.campaign.with_user(self.salesman)
        self.assertEqual(campaign.campaign_type, "advertisement")
        self.assertEqual(str(campaign.expected_close_date), "2026-04-15")
        campaign.write({"campaign_type": "webinar", "expected_response_rate": 100})
        self.assertEqual(campaign.campaign_type, "webinar")
        self.assertEqual(campaign.expected_response_rate, 100)
        campaign.write({"expected_response_rate": 0, "team_id": False, "sponsor": False})
        self.assertFalse(campaign.team_id)

    def test_bad_values_refused(self):
        campaign = self.campaign.with_user(self.salesman)
        for vals in (
            {"expected_response_rate": 100.5},
            {"expected_response_rate": -1},
            {"expected_response_rate": float("nan")},
            {"expected_response_rate": "high"},
            {"campaign_type": "billboard"},
            {"expected_close_date": "2026-13-45"},
            {"expected_close_date": "9999-01-01"},
            {"sponsor": 42},
            {"team_id": "Fair team"},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                campaign.write(vals)
        self.assertEqual(campaign.expected_response_rate, 7.5)
        self.assertEqual(campaign.campaign_type, "advertisement")
        # everyone, data files included
        with self.assertRaises(ValidationError):
            self.env["utm.campaign"].create({"title": "Bad", "expected_response_rate": 101})

    def test_team_of_another_company_refused(self):
        other = self.env["res.company"].create({"name": "Campaign other company"})
        team = self.env["crm.team"].create({"name": "Other team", "company_id": other.id})
        with self.assertRaises(ValidationError):
            self.campaign.write({"team_id": team.id})
        self.assertEqual(self.campaign.team_id, self.team)

    def test_policy_declares_the_fields(self):
        policy = self.env["crm.write.policy"].get_write_policy()["utm.campaign"]["fields"]
        for name in (
            "campaign_type",
            "sponsor",
            "expected_close_date",
            "expected_response_rate",
            "team_id",
        ):
            self.assertTrue(policy[name]["declared"], name)
        self.assertEqual(policy["expected_response_rate"]["bounds"], [0.0, 100.0])

    def test_search_and_group_by_type_and_team(self):
        Campaign = self.env["utm.campaign"].with_user(self.salesman)
        found = Campaign.search([("sponsor", "ilike", "mir pk magazine (campaign fields")])
        self.assertEqual(found, self.campaign)
        groups = {
            (campaign_type, team): count
            for campaign_type, team, count in Campaign._read_group(
                [("id", "=", self.campaign.id)], ["campaign_type", "team_id"], ["__count"]
            )
        }
        self.assertEqual(groups, {("advertisement", self.team): 1})
        # the views carry the fields
        for view_type in ("form", "list", "search"):
            arch = Campaign.get_view(view_type=view_type)["arch"]
            for name in ("campaign_type", "team_id"):
                self.assertIn(f'name="{name}"', arch, view_type)
