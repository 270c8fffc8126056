from odoo.tests import Form, TransactionCase, new_test_user


class TestCompetitor(TransactionCase):
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
