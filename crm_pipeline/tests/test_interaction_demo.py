from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInteractionDemo(TransactionCase):
    """The demo company's story as crm_pipeline tells it: its people, a lead at
    each step of the chain with interactions and tasks, imported leads, a
    campaign with its won deal and a deal lost to a competitor, and nothing on
    Odoo's own demo records."""

    def setUp(self):
        super().setUp()
        if not self.env["ir.module.module"]._get("crm_pipeline").demo:
            self.skipTest("installed without demo data")
        self.company = self.env.ref("crm_suite_base.demo_company")
        self.sales_1 = self.env.ref("crm_suite_base.demo_user_sales_1")
        self.sales_2 = self.env.ref("crm_suite_base.demo_user_sales_2")

    def test_demo_company_and_people(self):
        self.assertEqual(self.company.currency_id, self.env.ref("base.RON"))
        self.assertEqual(self.company.country_id, self.env.ref("base.ro"))
        manager = self.env.ref("crm_suite_base.demo_user_manager")
        self.assertTrue(manager.has_group("sales_team.group_sale_manager"))
        self.assertTrue(self.sales_1.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(self.sales_1.has_group("sales_team.group_sale_salesman_all_leads"))
        for user in (manager, self.sales_1, self.sales_2):
            self.assertEqual(user.company_id, self.company)
            self.assertEqual(user.company_ids, self.company)
        # the NBR rates: RON per EUR and per USD, weekly, the newest this week
        rates = self.env["res.currency.rate"].search(
            [("company_id", "=", self.company.id), ("currency_id.name", "=", "EUR")],
            order="name desc",
        )
        self.assertEqual(len(rates), 26)
        self.assertAlmostEqual(rates[0].inverse_company_rate, 5.0812, places=4)
        self.assertEqual(rates[0].name.weekday(), min(rates[0].name.weekday(), 4))

    def test_demo_chain_interactions_and_tasks(self):
        def step(xmlid):
            lead = self.env.ref(f"crm_pipeline.{xmlid}")
            self.assertEqual(lead.company_id, self.company)
            return lead.open_responsibility_id.type_id.kind

        self.assertEqual(step("demo_lead_contact"), "contact_prospect")
        self.assertEqual(step("demo_lead_meeting"), "meeting_evaluation")
        self.assertEqual(step("demo_lead_offer"), "offer_negotiation")
        self.assertEqual(step("demo_lead_contracting"), "contracting")
        # their probabilities are the salesperson's, kept through the moves
        # (Odoo's automated one is a few percent on a database with no history)
        self.assertEqual(
            [
                self.env.ref(f"crm_pipeline.{xmlid}").probability
                for xmlid in (
                    "demo_lead_contact",
                    "demo_lead_meeting",
                    "demo_lead_offer",
                    "demo_lead_contracting",
                )
            ],
            [10.0, 25.0, 50.0, 75.0],
        )
        # the story's lead moves on with the evaluation sheet's demo
        expected = (
            "contracting" if self._installed("crm_evaluation_sheet") else "meeting_evaluation"
        )
        self.assertEqual(step("demo_lead_story"), expected)
        refused = self.env.ref("crm_pipeline.demo_lead_refused")
        self.assertFalse(refused.active)
        self.assertEqual(refused.responsibility_ids.state, "refused")

        lead = self.env.ref("crm_pipeline.demo_lead_story").with_user(self.sales_1)
        self.assertEqual(lead.user_id, self.sales_1)
        self.assertEqual(lead.crm_interaction_count, 3)
        self.assertEqual(lead.crm_task_count, 1)
        client = self.env.ref("crm_suite_base.demo_partner_client").with_user(self.sales_1)
        self.assertEqual(client.crm_interaction_count, 3)
        # the offer (done) and the sample beam the warehouse user develops, which
        # the salesperson does not see (own documents only)
        self.assertEqual(client.crm_task_count, 1)
        self.assertEqual(client.sudo().crm_task_count, 2)
        call = self.env.ref("crm_pipeline.crm_interaction_demo_story_call")
        self.assertEqual(call.responsibility_id.type_id.kind, "contact_prospect")
        self.assertEqual(call.responsibility_id.state, "done")
        self.assertEqual(
            self.env.ref("crm_pipeline.crm_task_demo_story_offer").state, "done_confirmed"
        )
        self.assertEqual(
            self.env.ref("crm_pipeline.crm_task_demo_arad_invoice").state, "done_confirmed"
        )
        self.assertEqual(
            self.env.ref("crm_pipeline.crm_task_demo_baragan_test").state, "done_rejected"
        )
        # the other salesperson sees none of it (own documents only)
        self.assertFalse(
            self.env["crm.lead"].with_user(self.sales_2).search([("id", "=", lead.id)])
        )

    def test_demo_steps_have_a_history(self):
        """The chain's steps were opened and closed over the past days, around
        the interactions logged on them: each step opens when the one before
        closes, its interactions fall while it is open, and the Funnel board
        counts days spent at each step, not the seconds of the install."""
        now = fields.Datetime.now()
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("company_id", "=", self.company.id), ("responsibility_ids", "!=", False)])
        )
        self.assertGreaterEqual(len(leads), 7)
        for lead in leads:
            steps = lead.responsibility_ids.sorted("id")
            self.assertLess(steps[0].create_date, now - timedelta(days=3), lead.name)
            for before, after in zip(steps, steps[1:], strict=False):
                self.assertTrue(before.date_closed, lead.name)
                self.assertEqual(after.create_date, before.date_closed, lead.name)
            for step in steps:
                closed = step.date_closed or now
                self.assertLess(step.create_date, closed, (lead.name, step.type_id.name))
                self.assertLess(closed, now + timedelta(seconds=1), lead.name)
                if step.date_closed:
                    self.assertLessEqual(step.date_closed, now - timedelta(hours=1), lead.name)
                for interaction in step.interaction_ids:
                    self.assertTrue(
                        step.create_date <= interaction.date <= closed,
                        (lead.name, step.type_id.name, interaction.name, interaction.date),
                    )
        manager = self.env.ref("crm_suite_base.demo_user_manager")
        funnel = (
            self.env["crm.responsibility.report"]
            .with_user(manager)
            .get_funnel(team_id=self.env.ref("crm_pipeline.demo_team_cluj").id)
        )
        for row in funnel:
            self.assertTrue(row["reached"], row)
            self.assertGreaterEqual(row["avg_days"], 0.5, row)

    def test_demo_mezzanine_offer_discounted(self):
        """Someș Textile's mezzanine: the offer accepted after a 3% discount, as
        its Offer & negotiation step says."""
        lead = self.env.ref("crm_pipeline.demo_lead_contracting")
        step = lead.responsibility_ids.filtered(lambda r: r.type_id.kind == "offer_negotiation")
        self.assertIn("3% discount", step.summary)
        order = self.env.ref("crm_pipeline.demo_order_contracting")
        self.assertEqual(order.order_line.discount, 3.0)
        self.assertAlmostEqual(order.amount_untaxed, 40740.0)
        self.assertEqual(lead.expected_revenue, 40740.0)

    def test_demo_imported_leads(self):
        imported = self.env["crm.lead"].search(
            [
                ("company_id", "=", self.company.id),
                (
                    "partner_name",
                    "in",
                    ["Banat Foods SRL", "Moldova Agro SRL", "Dobrogea Port Services SRL"],
                ),
            ]
        )
        self.assertEqual(len(imported), 3)
        self.assertEqual(set(imported.mapped("activation_state")), {"inactive"})
        self.assertEqual(
            imported.filtered(lambda lead: lead.partner_name == "Moldova Agro SRL").user_id,
            self.sales_1,
        )

    def test_demo_campaign_and_competitor(self):
        campaign = self.env.ref("crm_pipeline.demo_campaign_logistics")
        self.assertEqual(campaign.currency_id, self.env.ref("base.RON"))
        won = self.env.ref("crm_pipeline.demo_lead_won")
        self.assertTrue(won.stage_id.is_won)
        # the story's lead, the won deal and the deal lost to a competitor
        self.assertEqual(campaign.response_count, 3)
        self.assertEqual(campaign.sale_count, 1)
        self.assertEqual(campaign.revenue, 24000.0)
        self.assertAlmostEqual(campaign.roi, (24000.0 - 17500.0) / 17500.0 * 100, places=2)
        # in the current company's currency: the demo company's (RON)
        rackmaster = self.env.ref("crm_pipeline.demo_competitor_rackmaster").with_company(
            self.company
        )
        self.assertEqual(rackmaster.lost_count, 1)
        self.assertEqual(rackmaster.lost_amount, 55000.0)

    def test_demo_stays_off_odoo_demo_records(self):
        """Odoo's demo leads carry nothing of the suite (its tests delete them)."""
        odoo_leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("company_id", "!=", self.company.id)])
        )
        self.assertFalse(self.env["crm.task"].search_count([("lead_id", "in", odoo_leads.ids)]))
        self.assertFalse(
            self.env["crm.interaction"].search_count([("lead_id", "in", odoo_leads.ids)])
        )
        self.assertFalse(
            self.env["crm.lead.responsibility"].search_count([("lead_id", "in", odoo_leads.ids)])
        )
        # and no lead of the demo has an open task: Odoo's tests that delete every
        # lead can (a lead with open tasks cannot be deleted)
        self.assertFalse(
            self.env["crm.task"].search_count([("lead_id", "!=", False), ("is_closed", "=", False)])
        )

    def _installed(self, module):
        return self.env["ir.module.module"]._get(module).state == "installed"
