from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCampaignResults(TransactionCase):
    """Expected and actual campaign figures on known data, in several currencies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env, login="camp_sales_a", groups="sales_team.group_sale_salesman"
        )
        cls.salesman_b = new_test_user(
            cls.env, login="camp_sales_b", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env, login="camp_manager", groups="sales_team.group_sale_manager"
        )
        cls.employee = new_test_user(cls.env, login="camp_employee", groups="base.group_user")
        # a foreign currency worth half the company currency today:
        # 1,000.00 of it is 2,000.00 of the company's
        cls.foreign = cls.env["res.currency"].create(
            {"name": "CPX", "symbol": "¤", "rounding": 0.01, "active": True}
        )
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.foreign.id,
                "rate": 0.5,
                "name": fields.Date.today(),
                "company_id": cls.company.id,
            }
        )
        cls.foreign_pricelist = cls.env["product.pricelist"].create(
            {"name": "CPX prices", "currency_id": cls.foreign.id}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Campaign widget", "list_price": 100.0, "taxes_id": [(6, 0, [])]}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Campaign customer"})
        cls.campaign = cls.env["utm.campaign"].create(
            {
                "title": "Spring shelving",
                "company_id": cls.company.id,
                "budget": 1000.0,
                "actual_cost": 2000.0,
                "expected_revenue": 5000.0,
                "expected_response_count": 10,
                "expected_sale_count": 2,
                "audience_size": 500,
                "product_id": cls.product.id,
            }
        )
        Lead = cls.env["crm.lead"]
        base = {"campaign_id": cls.campaign.id, "user_id": cls.salesman.id, "type": "opportunity"}
        won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        # won without an order: counts with its expected revenue
        cls.won_alone = Lead.create(dict(base, name="Won alone", expected_revenue=2000.0))
        cls.won_alone.write({"stage_id": won_stage.id})
        # won with a confirmed order: counts once, through the order
        cls.won_with_order = Lead.create(dict(base, name="Won with order", expected_revenue=9999))
        cls.won_with_order.write({"stage_id": won_stage.id})
        cls.lost = Lead.create(dict(base, name="Lost"))
        cls.lost.action_set_lost()
        Lead.create(dict(base, name="Open"))
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "pricelist_id": cls.foreign_pricelist.id,
                "campaign_id": cls.campaign.id,
                "opportunity_id": cls.won_with_order.id,
                "user_id": cls.salesman.id,
                "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 10})],
            }
        )
        cls.order.action_confirm()
        # a quotation is no sale
        cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "campaign_id": cls.campaign.id,
                "user_id": cls.salesman.id,
                "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 50})],
            }
        )

    def test_expected_roi(self):
        self.assertAlmostEqual(self.campaign.expected_roi, 400.0)

    def test_actual_results_in_company_currency(self):
        # 10 × 100.00 in the company currency is 500.00 CPX on the order
        self.assertEqual(self.order.amount_untaxed, 500.0)
        campaign = self.campaign.with_user(self.manager)
        self.assertEqual(campaign.response_count, 4)
        self.assertEqual(campaign.sale_count, 2)
        # 2,000.00 won alone + 500.00 CPX at 0.5 (1,000.00)
        self.assertAlmostEqual(campaign.revenue, 3000.0)
        self.assertAlmostEqual(campaign.roi, 50.0)

    def test_won_revenue_of_another_company_currency_is_converted(self):
        """A won lead's expected revenue is in its company's currency: the leads
        of a company in CPX count at today's rate, not as if in ours. (A lead
        links a campaign of its company or a shared one: the campaign is
        shared, its figures in the current company's currency.)"""
        company_cpx = self.env["res.company"].create(
            {"name": "Campaign CPX company", "currency_id": self.foreign.id}
        )
        self.campaign.company_id = False
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        lead = self.env["crm.lead"].create(
            {
                "name": "Won in CPX",
                "type": "opportunity",
                "campaign_id": self.campaign.id,
                "company_id": company_cpx.id,
                "expected_revenue": 1000.0,
            }
        )
        lead.write({"stage_id": won_stage.id})
        self.assertEqual(lead.company_currency, self.foreign)
        manager = new_test_user(
            self.env,
            login="camp_manager_2c",
            groups="sales_team.group_sale_manager",
            company_ids=[(6, 0, (self.company | company_cpx).ids)],
        )
        campaign = self.campaign.with_user(manager).with_context(
            allowed_company_ids=(self.company | company_cpx).ids
        )
        self.assertEqual(campaign.sale_count, 3)
        # 3,000.00 as above + 1,000.00 CPX at 0.5 (2,000.00)
        self.assertAlmostEqual(campaign.revenue, 5000.0)
        self.assertAlmostEqual(campaign.roi, 150.0)

    def test_campaign_without_company_converts_to_current_company_currency(self):
        """Odoo's campaign company is optional, its currency then empty: the
        results are still converted, to the current company's currency, and the
        figures say so (not 1,000.00 + 500.00 CPX added as 1,500.00 of nothing)."""
        campaign = self.env["utm.campaign"].create(
            {"title": "No company campaign", "company_id": False, "actual_cost": 500.0}
        )
        self.assertFalse(campaign.currency_id)
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        lead = self.env["crm.lead"].create(
            {
                "name": "Won, no company campaign",
                "type": "opportunity",
                "campaign_id": campaign.id,
                "user_id": self.salesman.id,
                "expected_revenue": 1000.0,
            }
        )
        lead.write({"stage_id": won_stage.id})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "pricelist_id": self.foreign_pricelist.id,
                "campaign_id": campaign.id,
                "user_id": self.salesman.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 10})],
            }
        )
        order.action_confirm()
        self.assertEqual((order.currency_id, order.amount_untaxed), (self.foreign, 500.0))
        campaign = campaign.with_user(self.manager)
        self.assertEqual(campaign.figures_currency_id, self.company.currency_id)
        self.assertEqual(campaign.sale_count, 2)
        # 1,000.00 won + 500.00 CPX at 0.5 (1,000.00)
        self.assertAlmostEqual(campaign.revenue, 2000.0)
        self.assertAlmostEqual(campaign.roi, 300.0)
        self.assertEqual(self.campaign.figures_currency_id, self.company.currency_id)

    def test_salesperson_sees_own_figures(self):
        mine = self.campaign.with_user(self.salesman)
        self.assertEqual((mine.response_count, mine.sale_count, mine.revenue), (4, 2, 3000.0))
        other = self.campaign.with_user(self.salesman_b)
        self.assertEqual(other.response_count, 0)
        self.assertEqual(other.sale_count, 0)
        self.assertEqual(other.revenue, 0.0)

    def test_results_are_for_sales_users(self):
        campaign = self.campaign.with_user(self.employee)
        with self.assertRaises(AccessError):
            campaign.read(["revenue"])

    def test_negative_figures_refused(self):
        for field in ("budget", "actual_cost", "audience_size", "expected_revenue"):
            with self.assertRaises(ValidationError):
                self.campaign.with_user(self.manager).write({field: -1})
        self.assertEqual(self.campaign.budget, 1000.0)
