from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestPricingTour(HttpCase):
    def _setup_gold_client(self):
        admin = self.env.ref("base.user_admin")
        admin.groups_id += self.env.ref("product.group_product_pricelist")
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Tour Distributors",
                "item_ids": [
                    Command.create(
                        {
                            "pricing_label": "Gold tier",
                            "compute_price": "percentage",
                            "percent_price": 10.0,
                            "turnover_period": "year",
                            "turnover_period_ref": "current",
                            "min_turnover": 1000.0,
                        }
                    )
                ],
            }
        )
        client = self.env["res.partner"].create(
            {
                "name": "Tour Gold Client",
                "is_company": True,
                "property_product_pricelist": pricelist.id,
            }
        )
        product = self.env["product.product"].create(
            {"name": "Tour Widget", "lst_price": 100.0, "taxes_id": [Command.clear()]}
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": client.id,
                # the day the pricing counts in (the company's time zone), not the
                # admin's: from 23:00 UTC Brussels is a day ahead of the demo
                # company's New York, and an invoice of that next day was not yet
                # in the year to date
                "invoice_date": self.env["product.pricelist.item"]._pricing_local_date(
                    False, self.env.company
                ),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "price_unit": 1500.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return client

    def test_quotation_price_when_picking_product(self):
        client = self._setup_gold_client()
        self.start_tour("/odoo", "crm_pricing_quotation_tour", login="admin")
        order = self.env["sale.order"].search([("partner_id", "=", client.id)])
        self.assertEqual(order.order_line.price_unit, 90.0)
        self.assertIn("Gold tier: turnover", order.order_line.pricing_explanation)

    def test_configurator_shows_client_price(self):
        """A product with variants opens Odoo's product configurator: its price is
        the client's (Gold tier, 90.00), as on the line it creates."""
        client = self._setup_gold_client()
        attribute = self.env["product.attribute"].create(
            {
                "name": "Tour Colour",
                "create_variant": "always",
                "value_ids": [Command.create({"name": "Red"}), Command.create({"name": "Blue"})],
            }
        )
        self.env["product.template"].create(
            {
                "name": "Tour Configurable Chair",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
                "attribute_line_ids": [
                    Command.create(
                        {
                            "attribute_id": attribute.id,
                            "value_ids": [Command.set(attribute.value_ids.ids)],
                        }
                    )
                ],
            }
        )
        self.start_tour("/odoo", "crm_pricing_configurator_tour", login="admin")
        order = self.env["sale.order"].search([("partner_id", "=", client.id)])
        self.assertEqual(order.order_line.price_unit, 90.0)
