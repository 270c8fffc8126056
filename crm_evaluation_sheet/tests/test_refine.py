from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestRecipePricing(EvaluationSheetCase):
    """The sheet's estimate and its quotation's untaxed total are the same,
    whichever way a recipe product is priced."""

    def _quotation(self, sheet):
        sheet.action_finalize()
        action = sheet.action_generate_quotation()
        return self.env["sale.order"].browse(action["res_id"])

    def test_priced_from_components(self):
        self.assertEqual(self.floor.recipe_pricing, "components")
        sheet = self._create_sheet([(self.floor, 24), (self.survey, 1)])
        floor_line = sheet.line_ids[0]
        # 24 m2: 264 tiles x 1.5 + 12 kg adhesive x 2 + 12 kits x 12 + 6 h x 30
        expected = 264 * 1.5 + 12 * 2 + 12 * 12 + 6 * 30
        self.assertAlmostEqual(floor_line.price_subtotal, expected)
        self.assertAlmostEqual(floor_line.price_unit, expected / 24)
        order = self._quotation(sheet)
        self.assertAlmostEqual(order.amount_untaxed, sheet.amount_total)
        self.assertAlmostEqual(order.amount_untaxed, expected + 100)

    def test_nested_recipes(self):
        """A package whose recipe holds the floor (itself a recipe): the floor is
        one line of the package's chapter at the floor's own price, on the sheet
        as on the quotation."""
        Product = self.env["product.product"]
        package = Product.create(
            {
                "name": "Test Bathroom Package",
                "type": "service",
                "list_price": 999.0,
                "taxes_id": [(5, 0, 0)],
                "recipe_line_ids": [
                    (0, 0, {"product_id": self.floor.id, "quantity": 6}),
                    (0, 0, {"product_id": self.survey.id, "quantity": 1}),
                ],
            }
        )
        for floor_pricing in ("components", "recipe"):
            self.floor.recipe_pricing = floor_pricing
            for package_pricing in ("components", "recipe"):
                package.recipe_pricing = package_pricing
                sheet = self._create_sheet([(package, 2), (self.floor, 3)])
                order = self._quotation(sheet)
                self.assertAlmostEqual(
                    order.amount_untaxed,
                    sheet.amount_total,
                    msg=f"floor {floor_pricing}, package {package_pricing}",
                )

    def test_priced_at_recipe_price(self):
        self.floor.recipe_pricing = "recipe"
        sheet = self._create_sheet([(self.floor, 24)])
        self.assertAlmostEqual(sheet.line_ids.price_subtotal, 24 * 50.0)
        order = self._quotation(sheet)
        self.assertAlmostEqual(order.amount_untaxed, 24 * 50.0)
        priced = order.order_line.filtered(lambda line: not line.display_type)
        self.assertEqual(priced.product_id, self.floor)
        notes = order.order_line.filtered(lambda line: line.display_type == "line_note")
        self.assertEqual(len(notes), 4, "the components as a breakdown")
        self.assertIn(self.tile.display_name, notes[0].name)


@tagged("post_install", "-at_install")
class TestUpdatePrices(EvaluationSheetCase):
    def test_update_prices_and_reset(self):
        sheet = self._create_sheet([(self.survey, 2)], user=self.salesman)
        self.assertAlmostEqual(sheet.amount_total, 200.0)
        self.survey.list_price = 120.0
        sheet.invalidate_recordset()
        self.assertAlmostEqual(sheet.amount_total, 200.0, "kept until asked")
        self.assertTrue(sheet.action_update_prices())
        self.assertAlmostEqual(sheet.amount_total, 240.0)
        sheet.action_finalize()
        self.survey.list_price = 150.0
        with self.assertRaises(UserError):
            sheet.action_update_prices()
        self.assertAlmostEqual(sheet.amount_total, 240.0)
        sheet.action_reset_draft()
        self.assertAlmostEqual(sheet.amount_total, 300.0, "recomputed on reset to draft")

    def test_recipe_pricing_change_keeps_finalized_sheets(self):
        # 2 floors from their components: 22 tiles x 1.5 + 1 kg x 2 + 1 kit x 12 + 0.5 h x 30
        components = 22 * 1.5 + 1 * 2 + 1 * 12 + 0.5 * 30
        finalized = self._create_sheet([(self.floor, 2)], user=self.salesman)
        finalized.action_finalize()
        draft = self._create_sheet([(self.floor, 2)], user=self.salesman)
        for sheet in (finalized, draft):
            self.assertAlmostEqual(sheet.amount_total, components)
        item = finalized.line_ids
        # a component's price and the recipe product's pricing change
        self.tile.list_price = 2.0
        self.floor.recipe_pricing = "recipe"
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertAlmostEqual(item.price_unit, components / 2)
        self.assertAlmostEqual(item.price_subtotal, components)
        self.assertAlmostEqual(finalized.amount_total, components)
        # the draft sheet follows: sold at the floor's own price now
        self.assertAlmostEqual(draft.line_ids.price_unit, 50.0)
        self.assertAlmostEqual(draft.amount_total, 100.0)
        self.floor.recipe_pricing = "components"
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertAlmostEqual(finalized.amount_total, components)
        self.assertAlmostEqual(draft.amount_total, components + 22 * 0.5)
        # resetting the finalized sheet to draft prices it again
        finalized.action_reset_draft()
        self.assertAlmostEqual(finalized.amount_total, components + 22 * 0.5)

    def test_other_salesperson_cannot_update(self):
        sheet = self._create_sheet([(self.survey, 2)], user=self.salesman)
        with self.assertRaises(Exception):  # noqa: B017 - AccessError
            sheet.with_user(self.salesman_b).action_update_prices()


@tagged("post_install", "-at_install")
class TestOptionalSheetGate(EvaluationSheetCase):
    @staticmethod
    def _in(days):
        return fields.Datetime.to_string(
            fields.Datetime.now().replace(microsecond=0) + timedelta(days=days)
        )

    def test_company_setting(self):
        lead = self.env["crm.lead"].create(
            {"name": "Optional sheet lead", "partner_id": self.partner.id, "type": "opportunity"}
        )
        lead.activate(self.salesman.id, self._in(1))
        meeting_id = lead.open_responsibility_id.complete("next", "Met", next_deadline=self._in(2))
        meeting = self.env["crm.lead.responsibility"].with_user(self.salesman).browse(meeting_id)
        self.assertTrue(self.env.company.crm_evaluation_sheet_required, "required by default")
        with self.assertRaises(UserError):
            meeting.complete("next", "Evaluated", next_deadline=self._in(3))
        settings = self.env["res.config.settings"].create({})
        settings.crm_evaluation_sheet_required = False
        settings.execute()
        self.assertFalse(self.env.company.crm_evaluation_sheet_required)
        self.assertTrue(meeting.complete("next", "Evaluated", next_deadline=self._in(3)))


@tagged("post_install", "-at_install")
class TestSheetOnTimeline(EvaluationSheetCase):
    def test_sheet_on_the_lead_timeline(self):
        lead = self.env["crm.lead"].create({"name": "Timeline lead", "partner_id": self.partner.id})
        sheet = self._create_sheet([(self.survey, 2)], lead_id=lead.id)
        entries = [e for e in lead._timeline_entries() if e["kind"] == "evaluation_sheet"]
        self.assertEqual(len(entries), 1)
        self.assertIn(sheet.name, entries[0]["title"])
        self.assertIn("200.00", entries[0]["body"])
        self.assertIn(sheet.name, lead.timeline_html)
