from odoo import Command
from odoo.tests import tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestQuotationKeepsSheetPrices(EvaluationSheetCase):
    """The quotation of a finalized sheet sells at the sheet's prices, so that
    its untaxed total is the sheet's estimate, whatever the catalogue says
    when it is generated."""

    def _generate(self, sheet):
        return self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])

    @staticmethod
    def _line(order, product):
        return order.order_line.filtered(lambda line: line.product_id == product)

    def test_item_price_after_the_catalogue_changed(self):
        sheet = self._create_sheet([(self.survey, 2)], user=self.salesman)
        sheet.action_finalize()
        self.survey.list_price = 150.0
        order = self._generate(sheet)
        line = self._line(order, self.survey)
        self.assertEqual(sheet.amount_total, 200.0)
        self.assertEqual((line.price_unit, line.price_subtotal), (100.0, 200.0))
        self.assertEqual(order.amount_untaxed, sheet.amount_total)
        # kept as a price set by hand: a new quantity keeps it, Update Prices
        # prices the line from the catalogue
        self.assertEqual(line.technical_price_unit, 150.0)
        line.product_uom_qty = 3
        self.assertEqual(line.price_unit, 100.0)
        order.action_update_prices()
        self.assertEqual(line.price_unit, 150.0)

    def test_item_price_in_the_item_unit(self):
        sheet = self._create_sheet([(self.survey, 1, self.uom_dozen)], user=self.salesman)
        self.assertEqual(sheet.line_ids.price_unit, 1200.0)
        sheet.action_finalize()
        self.survey.list_price = 150.0
        line = self._line(self._generate(sheet), self.survey)
        self.assertEqual(line.product_uom, self.uom_dozen)
        self.assertEqual((line.price_unit, line.price_subtotal), (1200.0, 1200.0))

    def test_component_prices(self):
        # 2 floors priced from their components (22 tiles, 1 kg of adhesive,
        # 1 kit, 0.5 h of labour), and one at its own price
        floor_at_price = self.env["product.product"].create(
            {
                "name": "Test Floor At Price",
                "type": "service",
                "list_price": 80.0,
                "taxes_id": [Command.clear()],
                "recipe_pricing": "recipe",
                "recipe_line_ids": [Command.create({"product_id": self.tile.id, "quantity": 5})],
            }
        )
        sheet = self._create_sheet([(self.floor, 2), (floor_at_price, 1)], user=self.salesman)
        estimate = 22 * 1.5 + 1 * 2.0 + 1 * 12.0 + 0.5 * 30.0 + 80.0
        self.assertAlmostEqual(sheet.amount_total, estimate)
        sheet.action_finalize()
        self.tile.list_price = 1.75
        self.labour.list_price = 40.0
        floor_at_price.list_price = 90.0
        order = self._generate(sheet)
        self.assertEqual(self._line(order, self.tile).price_unit, 1.5)
        self.assertEqual(self._line(order, self.labour).price_unit, 30.0)
        self.assertEqual(self._line(order, floor_at_price).price_unit, 80.0)
        self.assertAlmostEqual(order.amount_untaxed, estimate)
        self.assertEqual(order.amount_untaxed, sheet.amount_total)
        # the lines the catalogue still prices the same are Odoo's own
        adhesive = self._line(order, self.adhesive)
        self.assertEqual(adhesive.price_unit, adhesive.technical_price_unit)

    def test_a_new_revision_keeps_the_prices(self):
        sheet = self._create_sheet([(self.survey, 2), (self.floor, 1)], user=self.salesman)
        sheet.action_finalize()
        first = self._generate(sheet)
        self.survey.list_price = 150.0
        self.tile.list_price = 3.0
        # reopened and finalized again without Update Prices: the same prices
        sheet.action_start()
        sheet.action_finalize()
        second = self._generate(sheet)
        self.assertEqual(second.revision_of_id, first)
        self.assertEqual(second.amount_untaxed, first.amount_untaxed)
        self.assertEqual(second.amount_untaxed, sheet.amount_total)
        # Update Prices on the sheet: the next quotation follows the catalogue
        sheet.action_start()
        sheet.action_update_prices()
        sheet.action_finalize()
        third = self._generate(sheet)
        self.assertEqual(self._line(third, self.survey).price_unit, 150.0)
        self.assertEqual(self._line(third, self.tile).price_unit, 3.0)
        self.assertEqual(third.amount_untaxed, sheet.amount_total)

    def test_discount_shown_by_the_pricelist(self):
        # with discounts on lines, a rule's discount stays shown, also on a line
        # whose price changed since (the sheet's price and discount)
        group = self.env.ref("sale.group_discount_per_so_line")
        self.env.ref("base.user_root").groups_id = [Command.link(group.id)]
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Ten off",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "3_global",
                            "compute_price": "percentage",
                            "percent_price": 10.0,
                        }
                    )
                ],
            }
        )
        sheet = self._create_sheet(
            [(self.survey, 1), (self.labour, 2)], user=self.salesman, pricelist_id=pricelist.id
        )
        self.assertEqual(sheet.amount_total, 90.0 + 2 * 27.0)
        sheet.action_finalize()
        self.labour.list_price = 50.0
        order = self._generate(sheet)
        survey = self._line(order, self.survey)
        self.assertEqual((survey.price_unit, survey.discount), (100.0, 10.0))
        labour = self._line(order, self.labour)
        self.assertEqual((labour.price_unit, labour.discount), (30.0, 10.0))
        self.assertEqual(order.amount_untaxed, sheet.amount_total)

    def test_sheet_price_drops_the_catalogue_explanation(self):
        # crm_pricing (when installed): a line given the sheet's price does not
        # keep the explanation of the catalogue price it replaced; a line the
        # catalogue still prices as the sheet did keeps its own
        if "crm_pricing_explanation_label" not in self.env["sale.order.line"]._fields:
            self.skipTest("crm_pricing is not installed")
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Client prices",
                "item_ids": [
                    Command.create(
                        {
                            "pricing_label": "Client survey",
                            "applied_on": "1_product",
                            "product_tmpl_id": self.survey.product_tmpl_id.id,
                            "compute_price": "fixed",
                            "fixed_price": 90.0,
                            "partner_id": self.partner.id,
                        }
                    ),
                    Command.create(
                        {
                            "pricing_label": "Client labour",
                            "applied_on": "1_product",
                            "product_tmpl_id": self.labour.product_tmpl_id.id,
                            "compute_price": "fixed",
                            "fixed_price": 25.0,
                            "partner_id": self.partner.id,
                        }
                    ),
                ],
            }
        )
        sheet = self._create_sheet(
            [(self.survey, 1), (self.labour, 2), (self.tile, 4)],
            user=self.salesman,
            pricelist_id=pricelist.id,
        )
        sheet.action_finalize()
        # the catalogue changed since: a new client rule, a new client price
        pricelist.item_ids.filtered(lambda i: i.pricing_label == "Client survey").fixed_price = 95
        self.env["product.pricelist.item"].create(
            {
                "pricelist_id": pricelist.id,
                "pricing_label": "Late tile",
                "applied_on": "1_product",
                "product_tmpl_id": self.tile.product_tmpl_id.id,
                "compute_price": "fixed",
                "fixed_price": 1.0,
                "partner_id": self.partner.id,
            }
        )
        order = self._generate(sheet).with_user(self.salesman)
        survey, labour, tile = (
            self._line(order, product) for product in (self.survey, self.labour, self.tile)
        )
        self.assertEqual((survey.price_unit, tile.price_unit), (90.0, 1.5))
        self.assertFalse(survey.pricing_explanation)
        self.assertFalse(tile.pricing_explanation)
        self.assertFalse(survey.sudo().crm_pricing_explanation_full)
        self.assertFalse(tile.sudo().crm_pricing_explanation_full)
        self.assertIn("Client labour", labour.pricing_explanation)
        self.assertEqual(order.amount_untaxed, sheet.amount_total)
        # Update Prices prices and explains from the catalogue again
        order.action_update_prices()
        self.assertEqual((survey.price_unit, tile.price_unit), (95.0, 1.0))
        self.assertIn("Client survey", survey.pricing_explanation)
        self.assertIn("Late tile", tile.pricing_explanation)
