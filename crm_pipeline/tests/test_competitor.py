from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase, new_test_user, tagged


class CompetitorCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="comp_sales_a", groups="sales_team.group_sale_salesman"
        )
        cls.salesman_b = new_test_user(
            cls.env, login="comp_sales_b", groups="sales_team.group_sale_salesman"
        )
        cls.competitor = cls.env["crm.competitor"].create(
            {"name": "Acme Shelving", "strengths": "Cheap", "strategy": "Sell service"}
        )
        cls.reason = cls.env["crm.lost.reason"].create({"name": "Price"})

    def _lead(self, name, user, revenue):
        return (
            self.env["crm.lead"]
            .with_user(user)
            .create(
                {
                    "name": name,
                    "type": "opportunity",
                    "user_id": user.id,
                    "expected_revenue": revenue,
                    "competitor_ids": [(6, 0, self.competitor.ids)],
                }
            )
        )

    def _lose(self, lead):
        wizard = Form(
            self.env["crm.lead.lost"]
            .with_user(lead.user_id)
            .with_context(default_lead_ids=lead.ids)
        )
        wizard.lost_reason_id = self.reason
        wizard.lost_competitor_id = self.competitor
        wizard.save().action_lost_reason_apply()


class TestCompetitor(CompetitorCase):
    def test_lost_to_competitor(self):
        lead_a = self._lead("Deal A", self.salesman, 1500.0)
        lead_b = self._lead("Deal B", self.salesman_b, 700.0)
        self._lose(lead_a)
        self._lose(lead_b)
        self.assertFalse(lead_a.active)
        self.assertEqual(lead_a.lost_competitor_id, self.competitor)
        self.assertEqual(lead_a.lost_reason_id, self.reason)
        self.assertEqual(self.competitor.lost_count, 2)
        self.assertEqual(self.competitor.lost_amount, 2200.0)
        # salespeople count only the deals they can see
        mine = self.competitor.with_user(self.salesman)
        self.assertEqual(mine.lead_count, 1)
        self.assertEqual(mine.lost_count, 1)
        self.assertEqual(mine.lost_amount, 1500.0)

    def test_strategy_history_tracked(self):
        # records created in this transaction are tracked only after its commit
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.competitor.with_user(self.salesman).write({"strategy": "Sell installation"})
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written at commit
        values = self.competitor.message_ids.tracking_value_ids.filtered(
            lambda v: v.field_id.name == "strategy"
        )
        self.assertEqual(values.old_value_text, "Sell service")
        self.assertEqual(values.new_value_text, "Sell installation")


@tagged("post_install", "-at_install")
class TestCompetitorCurrencies(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.competitor = cls.env["crm.competitor"].create({"name": "Acme Abroad"})
        cls.reason = cls.env["crm.lost.reason"].create({"name": "Price abroad"})

    def test_lost_amount_in_the_company_currency(self):
        """Deals lost in a company with another currency count at today's rate in
        the current company's currency."""
        company = self.env.company
        foreign = self.env["res.currency"].create(
            {"name": "CMX", "symbol": "¤", "rounding": 0.01, "active": True}
        )
        # 1.00 of ours is 4.00 CMX today, in every company
        self.env["res.currency.rate"].create(
            {
                "currency_id": foreign.id,
                "rate": 4.0,
                "name": fields.Date.today(),
                "company_id": False,
            }
        )
        company_cmx = self.env["res.company"].create(
            {"name": "Competitor CMX company", "currency_id": foreign.id}
        )
        both = (company | company_cmx).ids
        manager = new_test_user(
            self.env,
            login="comp_manager_2c",
            groups="sales_team.group_sale_manager",
            company_ids=[(6, 0, both)],
        )
        leads = self.env["crm.lead"].create(
            [
                {"name": "Deal ours", "type": "opportunity", "expected_revenue": 1500.0},
                {
                    "name": "Deal in CMX",
                    "type": "opportunity",
                    "company_id": company_cmx.id,
                    "expected_revenue": 2000.0,
                },
            ]
        )
        leads.action_set_lost(lost_reason_id=self.reason.id, lost_competitor_id=self.competitor.id)
        self.assertEqual(leads[1].company_currency, foreign)
        competitor = self.competitor.with_user(manager).with_context(allowed_company_ids=both)
        self.assertEqual(competitor.currency_id, company.currency_id)
        self.assertEqual(competitor.lost_count, 2)
        # 1,500.00 + 2,000.00 CMX at 4 (500.00)
        self.assertAlmostEqual(competitor.lost_amount, 2000.0)
        # the same competitor read in the CMX company, in the same transaction:
        # its currency follows the company, as its lost revenue does (1,500.00
        # of ours at 4 and 2,000.00 CMX)
        in_cmx = competitor.with_context(allowed_company_ids=[company_cmx.id, company.id])
        self.assertEqual(in_cmx.currency_id, foreign)
        self.assertAlmostEqual(in_cmx.lost_amount, 8000.0)


@tagged("post_install", "-at_install")
class TestCompetitorLinks(CompetitorCase):
    """Linking a competitor to a lead changes the lead: only to leads the user
    may write."""

    def test_link_only_to_writable_leads(self):
        lead_a = self._lead("Mine", self.salesman, 100.0)
        lead_b = self._lead("Not mine", self.salesman_b, 100.0)
        other = self.env["crm.competitor"].create({"name": "Other Shelving"})
        as_a = other.with_user(self.salesman)
        for commands in ([(4, lead_b.id)], [(6, 0, [lead_a.id, lead_b.id])]):
            with self.assertRaises(AccessError):
                as_a.write({"lead_ids": commands})
        with self.assertRaises(AccessError):
            self.env["crm.competitor"].with_user(self.salesman).create(
                {"name": "Sneaky Shelving", "lead_ids": [(4, lead_b.id)]}
            )
        self.assertEqual(lead_b.competitor_ids, self.competitor)
        # own leads link as before
        as_a.write({"lead_ids": [(4, lead_a.id)]})
        self.assertEqual(lead_a.competitor_ids, self.competitor | other)
