from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestSheetKeepsItsRecipe(EvaluationSheetCase):
    """A finalized sheet's quotation is generated from the recipes the sheet was
    priced with, not from today's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.paint = Product.create(
            {
                "name": "Test Paint",
                "type": "consu",
                "uom_id": cls.uom_kg.id,
                "uom_po_id": cls.uom_kg.id,
                "list_price": 40.5,
                "taxes_id": [Command.clear()],
            }
        )
        cls.wall = Product.create(
            {
                "name": "Test Wall",
                "type": "service",
                "list_price": 176.05,
                "taxes_id": [Command.clear()],
                "recipe_pricing": "recipe",
                "recipe_line_ids": [
                    Command.create(
                        {"product_id": cls.paint.id, "quantity": 250, "uom_id": cls.uom_gram.id}
                    )
                ],
            }
        )

    def _order_products(self, order):
        return [
            (line.display_type or line.product_id.name, line.product_uom_qty, line.price_subtotal)
            for line in order.order_line.sorted("sequence")
            if line.display_type != "line_section"
        ]

    def test_recipe_pricing_changed_after_finalize(self):
        sheet = self._create_sheet([(self.wall, 4)], user=self.salesman)
        sheet.action_finalize()
        self.assertAlmostEqual(sheet.amount_total, 704.20)
        self.wall.recipe_pricing = "components"
        self.assertAlmostEqual(sheet.amount_total, 704.20)
        order = sheet.sale_order_ids.browse(sheet.action_generate_quotation()["res_id"])
        self.assertAlmostEqual(order.amount_untaxed, 704.20)
        # sold at the recipe product's price, the components as a breakdown
        self.assertEqual(
            self._order_products(order),
            [("Test Wall", 4.0, 704.20), ("line_note", 0.0, 0.0)],
        )
        self.assertIn("1 kg Test Paint", order.order_line.filtered("display_type")[-1].name)

    def test_recipe_quantity_changed_after_finalize(self):
        self.wall.recipe_pricing = "components"
        sheet = self._create_sheet([(self.wall, 4)], user=self.salesman)
        sheet.action_finalize()
        self.assertAlmostEqual(sheet.amount_total, 40.5)
        self.wall.recipe_line_ids.quantity = 500
        order = sheet.sale_order_ids.browse(sheet.action_generate_quotation()["res_id"])
        self.assertEqual(self._order_products(order), [("Test Paint", 1.0, 40.5)])
        self.assertAlmostEqual(order.amount_untaxed, 40.5)
        # reopened and repriced, the sheet takes the recipe as it is now
        sheet.action_start()
        sheet.action_update_prices()
        self.assertAlmostEqual(sheet.amount_total, 81.0)
        sheet.action_finalize()
        revision = order.browse(sheet.action_generate_quotation()["res_id"])
        self.assertNotEqual(revision, order)
        self.assertEqual(self._order_products(revision), [("Test Paint", 2.0, 81.0)])

    def test_component_removed_and_recipe_added_after_finalize(self):
        self.wall.recipe_pricing = "components"
        sheet = self._create_sheet([(self.wall, 4), (self.survey, 1)], user=self.salesman)
        sheet.action_finalize()
        total = sheet.amount_total
        self.assertAlmostEqual(total, 140.5)
        # the recipe's component replaced, a recipe given to the survey
        self.wall.recipe_line_ids = [
            Command.clear(),
            Command.create({"product_id": self.tile.id, "quantity": 3}),
        ]
        self.survey.recipe_line_ids = [
            Command.create({"product_id": self.labour.id, "quantity": 2})
        ]
        order = sheet.sale_order_ids.browse(sheet.action_generate_quotation()["res_id"])
        self.assertEqual(
            self._order_products(order), [("Test Paint", 1.0, 40.5), ("Test Survey", 1.0, 100.0)]
        )
        self.assertAlmostEqual(order.amount_untaxed, total)

    def test_copy_takes_todays_recipe(self):
        sheet = self._create_sheet([(self.wall, 4)], user=self.salesman)
        sheet.action_finalize()
        self.wall.recipe_pricing = "components"
        copy = sheet.copy()
        self.assertEqual(copy.state, "draft")
        self.assertEqual(copy.line_ids.recipe_snapshot["pricing"], "components")
        self.assertAlmostEqual(copy.amount_total, 40.5)
        self.assertEqual(sheet.line_ids.recipe_snapshot["pricing"], "recipe")

    def test_snapshot_is_owned(self):
        sheet = self._create_sheet([(self.wall, 4)], user=self.salesman)
        with self.assertRaisesMsg(UserError, "cannot be written directly"):
            sheet.line_ids.with_user(self.salesman).write({"recipe_snapshot": {"pricing": False}})


@tagged("post_install", "-at_install")
class TestRecipeComponents(EvaluationSheetCase):
    def test_combo_component_refused(self):
        choice = self.env["product.combo"].create(
            {"name": "Tiles", "combo_item_ids": [Command.create({"product_id": self.tile.id})]}
        )
        combo = self.env["product.product"].create(
            {"name": "Test Combo", "type": "combo", "combo_ids": [Command.link(choice.id)]}
        )
        template = self.survey.product_tmpl_id.with_user(self.manager)
        with self.assertRaisesMsg(ValidationError, "Test Combo is a combo product"):
            template.write({"recipe_line_ids": [Command.create({"product_id": combo.id})]})
        with self.assertRaisesMsg(ValidationError, "Test Combo is a combo product"):
            self.floor.recipe_line_ids[0].product_id = combo
        self.assertFalse(self.survey.recipe_line_ids)
        domain = self.env["product.recipe.line"]._fields["product_id"].domain
        self.assertIn("combo", domain)

    def test_nested_quantities_checked_before_the_product(self):
        for model in ("product.template", "product.product"):
            Model = self.env[model].with_user(self.manager)
            for qty in (float("inf"), float("nan"), -1, 1e10):
                recipe = [Command.create({"product_id": self.tile.id, "quantity": qty})]
                with self.assertRaises(ValidationError, msg=(model, qty)):
                    Model.create({"name": "Bad Recipe", "recipe_line_ids": recipe})
                with self.assertRaises(ValidationError, msg=(model, qty)):
                    self.survey.with_user(self.manager).write({"recipe_line_ids": recipe})
                line = self.floor.recipe_line_ids[0]
                floor = self.floor if model == "product.product" else self.floor.product_tmpl_id
                with self.assertRaises(ValidationError, msg=(model, qty)):
                    floor.with_user(self.manager).write(
                        {"recipe_line_ids": [Command.update(line.id, {"quantity": qty})]}
                    )
        self.assertFalse(self.survey.recipe_line_ids)
        self.assertEqual(self.floor.recipe_line_ids[0].quantity, 11)


@tagged("post_install", "-at_install")
class TestSheetPricelist(EvaluationSheetCase):
    def test_sheet_without_pricelist_quoted_without_one(self):
        other = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", self.env.company.currency_id.id)], limit=1)
        )
        other.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": other.id, "rate": 0.2, "name": "2000-01-01"}
        )
        self.env.user.groups_id += self.env.ref("product.group_product_pricelist")
        foreign = self.env["product.pricelist"].create({"name": "Foreign", "currency_id": other.id})
        self.partner.property_product_pricelist = foreign
        sheet = self._create_sheet([(self.survey, 4)], pricelist_id=False)
        self.assertFalse(sheet.pricelist_id)
        self.assertEqual(sheet.currency_id, self.env.company.currency_id)
        self.assertAlmostEqual(sheet.amount_total, 400.0)
        sheet.action_finalize()
        order = sheet.sale_order_ids.browse(sheet.action_generate_quotation()["res_id"])
        self.assertFalse(order.pricelist_id)
        self.assertEqual(order.currency_id, sheet.currency_id)
        self.assertAlmostEqual(order.amount_untaxed, 400.0)


@tagged("post_install", "-at_install")
class TestUnassignedSheetFollowsTheLead(EvaluationSheetCase):
    def test_unassigned_sheet_on_another_salespersons_lead(self):
        lead = self.env["crm.lead"].create(
            {"name": "A's lead", "user_id": self.salesman.id, "partner_id": self.partner.id}
        )
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman, lead_id=lead.id)
        sheet.with_user(self.salesman).user_id = False
        other = sheet.with_user(self.salesman_b)
        with self.assertRaises(AccessError):
            other.read(["state"])
        with self.assertRaises(AccessError):
            other.action_finalize()
        with self.assertRaises(AccessError):
            other.write({"user_id": self.salesman_b.id})
        with self.assertRaises(AccessError):
            other.line_ids.read(["product_uom_qty"])
        visible = self.env["crm.evaluation.sheet"].with_user(self.salesman_b).search([])
        self.assertNotIn(sheet, visible)
        self.assertEqual(sheet.state, "draft")
        # the lead's salesperson works on it; an unassigned lead's sheet stays open to all
        sheet.with_user(self.salesman).action_finalize()
        self.assertTrue(lead.has_finalized_evaluation_sheet)
        free_lead = self.env["crm.lead"].create({"name": "Nobody's lead", "user_id": False})
        free = self._create_sheet([(self.survey, 1)], lead_id=free_lead.id, user_id=False)
        free.with_user(self.salesman_b).action_finalize()
        self.assertEqual(free.state, "finalized")
