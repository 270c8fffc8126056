from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import PricingCommon


@tagged("post_install", "-at_install")
class TestPricingReview(PricingCommon):
    """Defects found in a review: conditions that a later change of the rule
    or of its price list dropped without a check."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_manager = new_test_user(
            cls.env,
            login="rev_product_manager",
            groups="base.group_user,product.group_product_manager",
        )
        cls.sales_manager = new_test_user(
            cls.env, login="rev_sales_manager", groups="sales_team.group_sale_manager"
        )

    def test_purchase_condition_keeps_its_product_group(self):
        """A purchase condition (min. group quantity) whose product group is
        the rule's category: moving the rule to all products would leave the
        condition without a group, silently dropped (the rule then applied to
        every client of the price list). Refused as when it is created so."""
        rule = self._rule(
            partner_category_id=self.tag_vip.id,
            pricing_label="Widget buyers",
            percent_price=10.0,
            applied_on="2_product_category",
            categ_id=self.categ_w.id,
            turnover_period="quarter",
            min_period_qty=50.0,
        )
        self.assertIsNone(self._details())
        # assertRaises (Odoo's) rolls the refused change back
        with self.assertRaises(ValidationError) as refused:
            rule.with_user(self.sales_manager).write({"applied_on": "3_global"})
        self.assertIn("needs a product group", str(refused.exception))
        self.assertEqual(rule.applied_on, "2_product_category")
        self.assertIsNone(self._details())
        with self.assertRaises(ValidationError) as refused:
            self._rule(
                partner_category_id=self.tag_vip.id,
                percent_price=10.0,
                applied_on="3_global",
                categ_id=self.categ_w.id,
                turnover_period="quarter",
                min_categ_amount=500.0,
            )
        self.assertIn("needs a product group", str(refused.exception))
        # with a product group of its own, the rule may apply to everything
        rule.with_user(self.sales_manager).write(
            {"purchase_categ_id": self.categ_w.id, "applied_on": "3_global"}
        )
        self.assertIsNone(self._details())
        self._invoice("2026-04-10", 5000.0, quantity=50.0)
        self.assertTrue(self._details()["applied"])

    def test_pricelist_with_client_rules_is_the_sales_managers(self):
        """Odoo lets product managers delete price lists: their rules go with
        them (the database's cascade), a client's negotiated rules included,
        which only sales managers delete."""
        plain = self.env["product.pricelist"].create(
            {"name": "Retail", "item_ids": [(0, 0, {"compute_price": "percentage"})]}
        )
        plain.with_user(self.product_manager).unlink()
        self.assertFalse(plain.exists())
        rule = self._rule(partner_id=self.client.id, percent_price=10.0)
        with self.assertRaises(AccessError) as refused:
            self.pricelist.with_user(self.product_manager).unlink()
        self.assertIn("only sales managers can delete it", str(refused.exception))
        self.assertTrue(rule.exists())
        self.pricelist.with_user(self.sales_manager).unlink()
        self.assertFalse(rule.exists())
