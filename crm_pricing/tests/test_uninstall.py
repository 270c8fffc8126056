import logging

from odoo.tests import TransactionCase, tagged
from odoo.tools.sql import index_exists

from odoo.addons.crm_pricing import uninstall_hook
from odoo.addons.crm_pricing.report.crm_turnover_report import TURNOVER_INDEX

from .common import PricingCommon


@tagged("post_install", "-at_install")
class TestUninstall(TransactionCase):
    """Uninstalling the module drops the index its turnover report added to
    Odoo's account_move (the ORM does not know it: it stayed behind)."""

    def test_uninstall_drops_the_turnover_index(self):
        self.assertTrue(index_exists(self.env.cr, TURNOVER_INDEX))
        uninstall_hook(self.env)
        self.assertFalse(index_exists(self.env.cr, TURNOVER_INDEX))


@tagged("post_install", "-at_install")
class TestUninstallConditionalRules(PricingCommon):
    """Uninstalling the module deletes its conditional rules before Odoo drops
    their condition columns: left behind, a VIP client's 50 % became a plain
    rule of the price list, for every customer (750 became 375 for another
    client)."""

    def test_uninstall_deletes_the_conditional_rules(self):
        Item = self.env["product.pricelist.item"]
        other_list = self.env["product.pricelist"].create(
            {"name": "Retail", "currency_id": self.currency.id}
        )
        plain = self._rule(percent_price=10.0) | self._rule(
            pricelist_id=other_list.id, percent_price=5.0
        )
        conditional = (
            self._rule(partner_id=self.client.id, percent_price=50.0)
            | self._rule(partner_category_id=self.tag_vip.id, percent_price=20.0)
            | self._rule(turnover_period="year", min_turnover=1000.0, percent_price=15.0)
            | self._rule(
                pricelist_id=other_list.id,
                payment_condition=True,
                payment_max_days=10,
                percent_price=2.0,
            )
        )
        self.assertEqual(conditional.mapped("is_conditional"), [True] * 4)
        self.assertEqual(plain.mapped("is_conditional"), [False] * 2)
        self.assertEqual(self._price(partner=self.other_client), 90.0)
        self.assertLess(self._price(), 90.0)
        with self.assertLogs("odoo.addons.crm_pricing.hooks", logging.INFO) as logs:
            uninstall_hook(self.env)
        self.assertFalse(conditional.exists())
        self.assertEqual(plain.exists(), plain)
        self.assertFalse(Item.search([("is_conditional", "=", True)]))
        self.assertIn(
            f"price list Distributors (id {self.pricelist.id}): 3 conditional rules deleted",
            "\n".join(logs.output),
        )
        self.assertIn(
            f"price list Retail (id {other_list.id}): 1 conditional rules deleted",
            "\n".join(logs.output),
        )
        # the price list prices every client as it priced those the conditions
        # did not match
        self.assertEqual(self._price(partner=self.other_client), 90.0)
        self.assertEqual(self._price(), 90.0)
