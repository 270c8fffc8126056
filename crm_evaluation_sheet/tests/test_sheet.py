from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestEvaluationSheet(EvaluationSheetCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        currency = cls.env.company.currency_id
        # a customer pricelist: 20% off the survey from 10 units on, and a
        # fixed price for the floor
        cls.pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Evaluation Customer Prices",
                "currency_id": currency.id,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "1_product",
                            "product_tmpl_id": cls.survey.product_tmpl_id.id,
                            "compute_price": "percentage",
                            "percent_price": 20,
                            "min_quantity": 10,
                        }
                    ),
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.floor.id,
                            "compute_price": "fixed",
                            "fixed_price": 42.0,
                        }
                    ),
                ],
            }
        )
        cls.partner.property_product_pricelist = cls.pricelist
        cls.env.user.groups_id += cls.env.ref("product.group_product_pricelist")
        cls.env.user.groups_id += cls.env.ref("uom.group_uom")
        # these tests price the floor by a rule on the floor itself
        cls.floor.recipe_pricing = "recipe"

    def test_pricelist_from_customer_and_rules_apply(self):
        sheet = self._create_sheet([(self.survey, 5), (self.floor, 3), (self.tile, 2)])
        self.assertEqual(sheet.pricelist_id, self.pricelist)
        self.assertEqual(sheet.currency_id, self.pricelist.currency_id)
        survey, floor, tile = sheet.line_ids
        self.assertEqual(survey.price_unit, 100.0, "below the rule's minimum quantity")
        self.assertEqual(floor.price_unit, 42.0)
        self.assertEqual(tile.price_unit, 1.5, "no rule: the catalogue price")
        survey.product_uom_qty = 10
        self.assertEqual(survey.price_unit, 80.0, "the quantity rule applies")
        self.assertEqual(survey.price_subtotal, 800.0)
        self.assertEqual(sheet.amount_total, 800.0 + 3 * 42.0 + 2 * 1.5)
        # the price follows the unit: a dozen tiles costs 12 tiles
        tile.product_uom_id = self.uom_dozen
        self.assertAlmostEqual(tile.price_unit, 18.0)
        # without a pricelist rule for it, another customer pays list prices
        public = self.env["product.pricelist"].create({"name": "Public Prices"})
        other = self.env["res.partner"].create(
            {"name": "Other Customer", "property_product_pricelist": public.id}
        )
        sheet.partner_id = other
        self.assertEqual(sheet.pricelist_id, public)
        self.assertEqual(floor.price_unit, 50.0)

    def test_form_onchanges(self):
        lead = self.env["crm.lead"].create({"name": "Bathroom", "partner_id": self.partner.id})
        form = Form(self.env["crm.evaluation.sheet"])
        form.lead_id = lead
        # the customer comes from the lead, the pricelist from the customer
        self.assertEqual(form.partner_id, self.partner)
        self.assertEqual(form.pricelist_id, self.pricelist)
        with form.line_ids.new() as line:
            line.product_id = self.survey
            self.assertEqual(line.product_uom_id, self.uom_unit)
            self.assertEqual(line.price_unit, 100.0)
            line.product_uom_qty = 12
            self.assertEqual(line.price_unit, 80.0)
            self.assertFalse(line.has_recipe)
        with form.line_ids.new() as line:
            line.product_id = self.floor
            line.product_uom_qty = 4
            self.assertTrue(line.has_recipe)
            self.assertIn("44 Units Test Tile", line.components_preview)
            self.assertIn("2 kg Test Adhesive", line.components_preview)
            self.assertIn("1 Hours Test Labour", line.components_preview)
        self.assertEqual(form.amount_total, 12 * 80.0 + 4 * 42.0)
        sheet = form.save()
        self.assertTrue(sheet.name.startswith("EVS/"))
        self.assertEqual(sheet.lead_id, lead)
        self.assertEqual(lead.evaluation_sheet_ids, sheet)
        self.assertEqual(lead.evaluation_sheet_count, 1)

    def test_lifecycle(self):
        sheet = self._create_sheet([(self.survey, 1)])
        self.assertEqual(sheet.state, "draft")
        self.assertIs(sheet.action_start(), True)
        self.assertEqual(sheet.state, "in_progress")
        with self.assertRaisesMsg(UserError, "already in progress"):
            sheet.action_start()
        self.assertIs(sheet.action_finalize(), True)
        self.assertEqual(sheet.state, "finalized")
        # a finalized sheet is locked
        with self.assertRaisesMsg(UserError, "set it back in progress"):
            sheet.line_ids.product_uom_qty = 3
        with self.assertRaisesMsg(UserError, "set it back in progress"):
            sheet.write({"line_ids": [Command.create({"product_id": self.tile.id})]})
        with self.assertRaisesMsg(UserError, "set it back in progress"):
            sheet.line_ids.unlink()
        with self.assertRaisesMsg(UserError, "Only a draft or in-progress"):
            sheet.action_finalize()
        self.assertEqual(sheet.line_ids.product_uom_qty, 1)
        # reopened, changed, finalized again
        sheet.action_start()
        sheet.line_ids.product_uom_qty = 3
        sheet.action_finalize()
        self.assertIs(sheet.action_cancel(), True)
        self.assertEqual(sheet.state, "cancelled")
        with self.assertRaisesMsg(UserError, "already cancelled"):
            sheet.action_cancel()
        with self.assertRaisesMsg(UserError, "Finalize evaluation sheet"):
            sheet.action_generate_quotation()

    def test_finalize_refuses_empty_sheet_and_zero_quantities(self):
        empty = self._create_sheet([])
        with self.assertRaisesMsg(UserError, "has no item"):
            empty.action_finalize()
        self.assertEqual(empty.state, "draft")
        sheet = self._create_sheet([(self.survey, 2), (self.tile, 0)])
        with self.assertRaisesMsg(UserError, "without a quantity: Test Tile"):
            sheet.action_finalize()
        self.assertEqual(sheet.state, "draft")

    def test_negative_quantity_and_wrong_unit_refused(self):
        sheet = self._create_sheet([(self.survey, 2)])
        with self.assertRaisesMsg(ValidationError, "must be between 0"):
            sheet.line_ids.product_uom_qty = -1
        with self.assertRaisesMsg(ValidationError, "does not fit"):
            sheet.line_ids.product_uom_id = self.uom_kg
        self.assertEqual(sheet.line_ids.product_uom_qty, 2)
        # a combo product's items are chosen on the quotation, not on a sheet
        choice = self.env["product.combo"].create(
            {"name": "Tiles", "combo_item_ids": [Command.create({"product_id": self.tile.id})]}
        )
        combo = self.env["product.product"].create(
            {"name": "Test Combo", "type": "combo", "combo_ids": [Command.link(choice.id)]}
        )
        with self.assertRaisesMsg(ValidationError, "Test Combo is a combo product"):
            sheet.line_ids.product_id = combo
        self.assertEqual(sheet.line_ids.product_id, self.survey)

    def test_lead_sheets_and_finalized_flag(self):
        lead = self.env["crm.lead"].create({"name": "Kitchen", "partner_id": self.partner.id})
        sheet = self._create_sheet([(self.survey, 2)], lead_id=lead.id)
        self.assertFalse(lead.has_finalized_evaluation_sheet)
        sheet.action_finalize()
        self.assertTrue(lead.has_finalized_evaluation_sheet)
        action = lead.action_view_evaluation_sheets()
        self.assertEqual(action["res_id"], sheet.id)
        self.assertEqual(action["context"]["default_lead_id"], lead.id)


class TestClientFileSheetCount(EvaluationSheetCase):
    def test_sheets_counted_on_the_client_as_the_user(self):
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.partner.id, "type": "contact"}
        )
        self.partner.is_company = True
        self._create_sheet([(self.survey, 1)], user=self.salesman, partner_id=contact.id)
        self._create_sheet([(self.survey, 2)], user=self.salesman_b)
        self.assertEqual(self.partner.crm_evaluation_sheet_count, 2)
        # a salesperson counts the sheets they may read: their own
        self.assertEqual(self.partner.with_user(self.salesman).crm_evaluation_sheet_count, 1)
        self.assertEqual(contact.with_user(self.salesman).crm_evaluation_sheet_count, 1)
