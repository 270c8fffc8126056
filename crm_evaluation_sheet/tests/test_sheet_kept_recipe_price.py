from odoo import Command, fields
from odoo.tests import tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestPricedWithTheKeptRecipe(EvaluationSheetCase):
    """An item priced from its components is priced with the recipe it keeps
    (``recipe_snapshot``), whatever re-prices it (the sheet's date, customer or
    pricelist changing), so that its price, its components preview and its
    quotation agree; Update Prices takes the recipe of the day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("product.group_product_pricelist")
        # 4 walls: 1 kg of paint at 40.00, priced from the components
        cls.paint = cls.env["product.product"].create(
            {
                "name": "Test Kept Paint",
                "type": "consu",
                "uom_id": cls.uom_kg.id,
                "uom_po_id": cls.uom_kg.id,
                "list_price": 40.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.wall = cls.env["product.product"].create(
            {
                "name": "Test Kept Wall",
                "type": "service",
                "list_price": 176.05,
                "taxes_id": [Command.clear()],
                "recipe_pricing": "components",
                "recipe_line_ids": [
                    Command.create(
                        {"product_id": cls.paint.id, "quantity": 250, "uom_id": cls.uom_gram.id}
                    )
                ],
            }
        )
        cls.other_partner = cls.env["res.partner"].create({"name": "Other Kept Customer"})
        cls.other_pricelist = cls.env["product.pricelist"].create({"name": "Kept Other"})

    def _assert_priced_with_one_kg(self, sheet):
        item = sheet.line_ids
        self.assertAlmostEqual(sheet.amount_total, 40.0)
        self.assertAlmostEqual(item.price_subtotal, 40.0)
        self.assertAlmostEqual(item.price_unit * item.product_uom_qty, 40.0)
        self.assertEqual(item.components_preview, "1 kg Test Kept Paint")
        self.assertEqual(item.recipe_snapshot["components"][0][2], 1.0)

    def test_sheet_terms_changed_after_the_recipe(self):
        sheet = self._create_sheet([(self.wall, 4)], user=self.salesman)
        self._assert_priced_with_one_kg(sheet)
        # the recipe doubles: the sheet keeps the one it was priced with
        self.wall.product_tmpl_id.recipe_line_ids.with_user(self.manager).write({"quantity": 500})
        self._assert_priced_with_one_kg(sheet)
        # what re-prices the sheet prices the kept recipe, not the recipe of the day
        sheet = sheet.with_user(self.salesman)
        for vals in (
            {"date": fields.Date.add(sheet.date, days=-3)},
            {"partner_id": self.other_partner.id},
            {"pricelist_id": self.other_pricelist.id},
        ):
            sheet.write(vals)
            self.env.flush_all()
            self._assert_priced_with_one_kg(sheet)
        sheet.action_finalize()
        order = self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
        paint_line = order.order_line.filtered(lambda line: line.product_id == self.paint)
        self.assertEqual(paint_line.product_uom_qty, 1.0)
        self.assertAlmostEqual(order.amount_untaxed, 40.0)
        self.assertAlmostEqual(order.amount_untaxed, sheet.amount_total)
        # reopened, Update Prices takes the recipe as it is now
        sheet.action_start()
        sheet.action_update_prices()
        self.assertAlmostEqual(sheet.amount_total, 80.0)
        self.assertEqual(sheet.line_ids.components_preview, "2 kg Test Kept Paint")
        sheet.action_finalize()
        revision = order.browse(sheet.action_generate_quotation()["res_id"])
        self.assertAlmostEqual(revision.amount_untaxed, 80.0)

    def test_reset_to_draft_takes_the_recipe_of_the_day(self):
        sheet = self._create_sheet([(self.wall, 4)], user=self.salesman).with_user(self.salesman)
        sheet.action_finalize()
        self.wall.product_tmpl_id.recipe_line_ids.with_user(self.manager).write({"quantity": 500})
        self._assert_priced_with_one_kg(sheet)
        sheet.action_reset_draft()
        self.assertAlmostEqual(sheet.amount_total, 80.0)
        self.assertEqual(sheet.line_ids.components_preview, "2 kg Test Kept Paint")


@tagged("post_install", "-at_install")
class TestComponentsUnitPriceUntaxed(EvaluationSheetCase):
    """The unit price of an item priced from its components is their untaxed
    total (the item's subtotal, the quotation chapter's) per unit of the item,
    also when a component's price includes its tax."""

    def test_tax_included_component(self):
        tax = self.env["account.tax"].create(
            {
                "name": "VAT 19 % included (components)",
                "amount": 19.0,
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
            }
        )
        brick = self.env["product.product"].create(
            {"name": "Test Brick", "list_price": 119.0, "taxes_id": [Command.set(tax.ids)]}
        )
        outer_wall = self.env["product.product"].create(
            {
                "name": "Test Outer Wall",
                "type": "service",
                "list_price": 999.0,
                "taxes_id": [Command.clear()],
                "recipe_line_ids": [
                    Command.create({"product_id": brick.id, "quantity": 1}),
                    Command.create({"product_id": self.labour.id, "quantity": 0.5}),
                ],
            }
        )
        sheet = self._create_sheet([(outer_wall, 3)], user=self.salesman)
        item = sheet.line_ids
        # 3 bricks at 119.00 tax included (100.00 untaxed) and 1.5 h at 30.00
        self.assertAlmostEqual(item.price_subtotal, 345.0)
        self.assertAlmostEqual(item.price_unit, 115.0)
        self.assertAlmostEqual(sheet.amount_total, 345.0)
        sheet.with_user(self.salesman).action_update_prices()
        self.assertAlmostEqual(item.price_unit, 115.0)
        sheet.with_user(self.salesman).action_finalize()
        order = self.env["sale.order"].browse(
            sheet.with_user(self.salesman).action_generate_quotation()["res_id"]
        )
        self.assertAlmostEqual(order.amount_untaxed, 345.0)
        self.assertAlmostEqual(order.amount_untaxed, item.price_unit * item.product_uom_qty)
