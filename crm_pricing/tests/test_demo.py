from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPricingDemo(TransactionCase):
    """The demo tells the tier story: distributors with posted turnover in the
    last quarter earn the Gold and the Silver tier, and a quotation shows it."""

    def setUp(self):
        super().setUp()
        if not self.env["ir.module.module"]._get("crm_pricing").demo:
            self.skipTest("installed without demo data")

    def test_demo_distributors_earn_their_tier(self):
        gold = self.env.ref("crm_pricing.partner_distributor_gold")
        silver = self.env.ref("crm_pricing.partner_distributor_silver")
        pricelist = self.env.ref("crm_pricing.pricelist_distributors")
        self.assertEqual(gold.property_product_pricelist, pricelist)
        self.assertEqual(silver.property_product_pricelist, pricelist)
        turnover = gold.get_trade_turnover(period="quarter", period_ref="last")
        self.assertEqual(turnover["amount"], 58800.0)
        self.assertEqual(
            silver.get_trade_turnover(period="quarter", period_ref="last")["amount"], 29400.0
        )
        line = self.env.ref("crm_pricing.sale_order_distributor_gold").order_line
        self.assertEqual(line.order_id.pricelist_id, pricelist)
        self.assertTrue(line.pricing_explanation.startswith("Gold tier"), line.pricing_explanation)
        # 10% off the list price of 147.00, as a discount or in the price
        self.assertAlmostEqual(line.price_subtotal / line.product_uom_qty, 132.3)
        # a fresh quotation of the Silver distributor gets the Silver tier
        order = self.env["sale.order"].create(
            {
                "partner_id": silver.id,
                "order_line": [
                    (0, 0, {"product_id": self.env.ref("product.product_product_5").id})
                ],
            }
        )
        self.assertTrue(order.order_line.pricing_explanation.startswith("Silver tier"))
        self.assertAlmostEqual(order.order_line.price_subtotal, 139.65)
