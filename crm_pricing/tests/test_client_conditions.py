from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import PricingCommon


@tagged("post_install", "-at_install")
class TestClientConditions(PricingCommon):
    """The client file's negotiated conditions: the rules that apply to the
    client and what it achieved, confidential as its turnover."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="cond_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesman = new_test_user(
            cls.env, login="cond_salesman_b", groups="sales_team.group_sale_salesman"
        )
        cls.billing = new_test_user(
            cls.env, login="cond_billing", groups="account.group_account_invoice"
        )
        cls.client.write(
            {"user_id": cls.salesman.id, "property_product_pricelist": cls.pricelist.id}
        )
        cls.gold = cls._rule(
            pricing_label="Gold tier",
            percent_price=10.0,
            turnover_period="year",
            turnover_period_ref="current",
            min_turnover=1000.0,
        )
        cls.negotiated = cls._rule(
            pricing_label="Negotiated", percent_price=5.0, partner_id=cls.client.id
        )
        cls.vip = cls._rule(
            pricing_label="VIP group", percent_price=3.0, partner_category_id=cls.tag_vip.id
        )
        # another client's rule, on another pricelist: not this client's
        other_pricelist = cls.env["product.pricelist"].create({"name": "Other"})
        cls.foreign = cls._rule(
            pricing_label="Other's",
            pricelist_id=other_pricelist.id,
            percent_price=7.0,
            partner_id=cls.other_client.id,
        )
        cls._invoice("2026-03-10", 1500.0)

    def test_salesperson_sees_own_clients_conditions(self):
        client = self.client.with_user(self.salesman)
        self.assertEqual(client.crm_pricing_rule_ids, self.gold | self.negotiated | self.vip)
        # from its contact person: the client's
        self.assertEqual(
            self.contact.with_user(self.salesman).crm_pricing_rule_ids,
            self.gold | self.negotiated | self.vip,
        )
        conditions = {c["rule"]: c for c in client.get_pricing_conditions(date="2026-07-15")}
        self.assertEqual(set(conditions), {"Gold tier", "Negotiated", "VIP group"})
        self.assertTrue(conditions["Gold tier"]["met"])
        self.assertIn("2026 to date", conditions["Gold tier"]["achievement"])
        self.assertIn("1,500.00", conditions["Gold tier"]["achievement"])
        # the list in the client file: the achievement of the context's client
        rules = client.crm_pricing_rule_ids.with_context(crm_client_id=self.client.id)
        gold = rules.filtered(lambda r: r == self.gold)
        self.assertIn(self.currency.name, gold.crm_client_achievement)

    def test_other_salesperson_gets_nothing(self):
        client = self.client.with_user(self.other_salesman)
        self.assertFalse(client.crm_pricing_rule_ids)
        with self.assertRaises(AccessError):
            client.get_pricing_conditions()
        # the context cannot name a client they may not see
        gold = self.gold.with_user(self.other_salesman).with_context(crm_client_id=self.client.id)
        self.assertFalse(gold.crm_client_achievement)
        self.assertFalse(gold.crm_client_condition_met)

    def test_accounting_sees_every_client(self):
        self.assertEqual(
            self.client.with_user(self.billing).crm_pricing_rule_ids,
            self.gold | self.negotiated | self.vip,
        )

    def test_bad_input(self):
        client = self.client.with_user(self.salesman)
        for date in ("tomorrow", 42, "1800-01-01"):
            with self.assertRaises(UserError, msg=repr(date)):
                client.get_pricing_conditions(date=date)
        with self.assertRaises(UserError):
            (self.client | self.other_client).get_pricing_conditions()
        for value in ("x", -1, True, [1]):
            gold = self.gold.with_context(crm_client_id=value)
            self.assertFalse(gold.crm_client_achievement)
