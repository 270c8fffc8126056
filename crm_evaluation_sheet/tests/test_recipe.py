from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestProductRecipe(EvaluationSheetCase):
    def test_recipe_flags(self):
        self.assertTrue(self.floor.has_recipe)
        self.assertFalse(self.tile.has_recipe)
        lines = self.floor.recipe_line_ids
        self.assertEqual(lines.product_id, self.tile | self.adhesive | self.kit | self.labour)
        # the unit defaults to the component's, and may be another of its category
        self.assertEqual(lines[0].uom_id, self.uom_unit)
        self.assertEqual(lines[1].uom_id, self.uom_gram)

    def test_component_quantity_conversion(self):
        adhesive_line = self.floor.recipe_line_ids.filtered(lambda r: r.product_id == self.adhesive)
        # 500 g per unit of floor, 6 units -> 3 kg of adhesive (its own unit)
        self.assertAlmostEqual(adhesive_line._component_qty(6), 3.0)

    def test_direct_cycle_refused(self):
        with self.assertRaisesMsg(ValidationError, "Test Tile → Test Tile"):
            self.tile.product_tmpl_id.write(
                {"recipe_line_ids": [Command.create({"product_id": self.tile.id, "quantity": 1})]}
            )
        self.assertFalse(self.tile.recipe_line_ids)

    def test_indirect_cycle_refused(self):
        # floor -> kit -> adhesive; adding floor to the adhesive closes a loop
        with self.assertRaises(ValidationError) as err:
            self.adhesive.product_tmpl_id.write(
                {"recipe_line_ids": [Command.create({"product_id": self.floor.id, "quantity": 1})]}
            )
        message = str(err.exception)
        self.assertIn("Test Adhesive → Test Floor", message)
        self.assertIn("→ Test Adhesive", message)
        self.assertFalse(self.adhesive.recipe_line_ids)
        # changing an existing line's component into a loop is refused too
        with self.assertRaisesMsg(ValidationError, "Test Grout Kit → Test Floor → Test Grout Kit"):
            self.kit.recipe_line_ids.product_id = self.floor

    def test_quantity_must_be_positive(self):
        line = self.floor.recipe_line_ids[0]
        for qty in (0, -2):
            with self.assertRaisesMsg(ValidationError, "must be"):
                line.quantity = qty
        self.assertEqual(line.quantity, 11)
        # the database refuses it too, whoever writes
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env.cr.execute(
                "UPDATE product_recipe_line SET quantity = 0 WHERE id = %s", [line.id]
            )

    def test_unit_of_another_category_refused(self):
        with self.assertRaisesMsg(ValidationError, "not in the category"):
            self.floor.recipe_line_ids[0].uom_id = self.uom_kg

    def test_archived_component_flagged(self):
        self.assertFalse(self.floor.recipe_has_archived_component)
        self.labour.action_archive()
        self.floor.invalidate_recordset()
        self.assertTrue(self.floor.recipe_has_archived_component)
        labour_line = self.floor.recipe_line_ids.filtered(lambda r: r.product_id == self.labour)
        self.assertTrue(labour_line, "archived components stay on the recipe")
        self.assertFalse(labour_line.component_active)
        sheet = self._create_sheet([(self.floor, 2)])
        self.assertIn("Test Labour (archived)", sheet.line_ids.components_preview)
        sheet.action_finalize()
        with self.assertRaisesMsg(UserError, "archived or deleted since"):
            sheet.action_generate_quotation()
        self.assertFalse(sheet.sale_order_ids)

    def test_recipe_form(self):
        self.env.user.groups_id += self.env.ref("uom.group_uom")
        with Form(self.survey.product_tmpl_id) as template:
            with template.recipe_line_ids.new() as line:
                line.product_id = self.adhesive
                # the unit follows the component
                self.assertEqual(line.uom_id, self.uom_kg)
                line.uom_id = self.uom_gram
                line.quantity = 250
        self.assertTrue(self.survey.has_recipe)
        self.assertEqual(self.survey.recipe_line_ids.uom_id, self.uom_gram)

    def test_salesman_reads_but_does_not_edit_recipes(self):
        line = self.floor.recipe_line_ids[0].with_user(self.salesman)
        self.assertEqual(line.quantity, 11)

        with self.assertRaises(AccessError):
            line.quantity = 3
        # the sales manager maintains them
        self.floor.recipe_line_ids[0].with_user(self.manager).quantity = 12
        self.assertEqual(self.floor.recipe_line_ids[0].quantity, 12)
