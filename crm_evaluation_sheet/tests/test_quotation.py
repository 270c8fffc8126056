from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestQuotationGeneration(EvaluationSheetCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env["crm.lead"].create(
            {"name": "Bathroom renovation", "partner_id": cls.partner.id, "type": "opportunity"}
        )

    def _generate(self, sheet):
        action = sheet.action_generate_quotation()
        self.assertEqual(action["res_model"], "sale.order")
        return self.env["sale.order"].browse(action["res_id"])

    def test_chapters_recipes_and_conversions(self):
        # 2 dozen floors (24 units), a survey without recipe, a kit alone
        sheet = self._create_sheet(
            [(self.floor, 2, self.uom_dozen), (self.survey, 1), (self.kit, 3)],
            lead_id=self.lead.id,
        )
        sheet.action_finalize()
        order = self._generate(sheet)
        self.assertEqual(sheet.sale_order_ids, order)
        self.assertEqual(order.evaluation_sheet_id, sheet)
        self.assertEqual(order.opportunity_id, self.lead)
        self.assertEqual(order.origin, sheet.name)
        self.assertEqual(order.pricelist_id, sheet.pricelist_id)
        rows = [
            (
                line.display_type or "product",
                line.name if line.display_type else line.product_id,
                line.product_uom_qty,
                line.product_uom,
            )
            for line in order.order_line.sorted("sequence")
        ]
        self.assertEqual(
            rows,
            [
                ("line_section", "Test Floor × 2 Dozens", 0.0, self.env["uom.uom"]),
                ("product", self.tile, 264.0, self.uom_unit),
                # 500 g x 24 = 12 kg, in the adhesive's own unit
                ("product", self.adhesive, 12.0, self.uom_kg),
                # the kit has a recipe of its own but stays one line
                ("product", self.kit, 12.0, self.uom_unit),
                ("product", self.labour, 6.0, self.uom_hour),
                ("line_section", "Test Survey × 1 Units", 0.0, self.env["uom.uom"]),
                ("product", self.survey, 1.0, self.uom_unit),
                # an item with a recipe generated on its own is expanded
                ("line_section", "Test Grout Kit × 3 Units", 0.0, self.env["uom.uom"]),
                ("product", self.adhesive, 3.0, self.uom_kg),
            ],
        )
        # sale lines are priced by the order as usual
        tile_line = order.order_line.filtered(lambda sol: sol.product_id == self.tile)
        self.assertEqual(tile_line.price_unit, 1.5)
        self.assertEqual(
            order.amount_untaxed, 264 * 1.5 + 12 * 2.0 + 12 * 12.0 + 6 * 30.0 + 100.0 + 3 * 2.0
        )
        self.assertIn(order, self.lead.order_ids)

    def test_order_pricelist_rule_applies(self):
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Tiles cheaper",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.tile.id,
                            "compute_price": "fixed",
                            "fixed_price": 1.0,
                        }
                    )
                ],
            }
        )
        sheet = self._create_sheet([(self.floor, 1)], pricelist_id=pricelist.id)
        sheet.action_finalize()
        order = self._generate(sheet)
        tile_line = order.order_line.filtered(lambda sol: sol.product_id == self.tile)
        self.assertEqual(tile_line.price_subtotal, 11.0)

    def test_early_payment_rule_prices_sheet_and_quotation(self):
        # crm_pricing's early-payment condition (when it is installed): the
        # sheet prices with the client's payment term, as its quotation does
        if "payment_condition" not in self.env["product.pricelist.item"]._fields:
            self.skipTest("crm_pricing is not installed")
        immediate = self.env.ref("account.account_payment_term_immediate")
        self.partner.property_payment_term_id = immediate
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Early payers",
                "item_ids": [
                    Command.create(
                        {
                            "pricing_label": "Early payment",
                            "applied_on": "3_global",
                            "compute_price": "percentage",
                            "percent_price": 10.0,
                            "payment_condition": True,
                            "payment_max_days": 15,
                        }
                    )
                ],
            }
        )
        sheet = self._create_sheet(
            [(self.survey, 1), (self.floor, 2)], user=self.salesman, pricelist_id=pricelist.id
        )
        survey_item = sheet.line_ids.filtered(lambda line: line.product_id == self.survey)
        self.assertAlmostEqual(survey_item.price_unit, 90.0)
        sheet.action_finalize()
        order = self._generate(sheet)
        self.assertEqual(order.payment_term_id, immediate)
        survey_line = order.order_line.filtered(lambda line: line.product_id == self.survey)
        self.assertAlmostEqual(survey_line.price_subtotal, 90.0)
        self.assertAlmostEqual(order.amount_untaxed, sheet.amount_total)

    def test_price_included_tax_estimate_is_untaxed(self):
        # a price that includes the tax: the unit price is the tax-included one,
        # as on the sale line, the subtotal and estimate are taxes excluded
        tax = self.env["account.tax"].create(
            {
                "name": "VAT 19 % included",
                "amount": 19.0,
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
            }
        )
        product = self.env["product.product"].create(
            {"name": "Taxed Panel", "list_price": 119.0, "taxes_id": [Command.set(tax.ids)]}
        )
        # and a recipe item priced from a taxed component and an untaxed one
        wall = self.env["product.product"].create(
            {
                "name": "Taxed Wall",
                "type": "service",
                "list_price": 999.0,
                "taxes_id": [Command.clear()],
                "recipe_line_ids": [
                    Command.create({"product_id": product.id, "quantity": 2}),
                    Command.create({"product_id": self.labour.id, "quantity": 1}),
                ],
            }
        )
        sheet = self._create_sheet([(product, 10), (wall, 1)], user=self.salesman)
        panel_item, wall_item = sheet.line_ids
        self.assertAlmostEqual(panel_item.price_unit, 119.0)
        self.assertAlmostEqual(panel_item.price_subtotal, 1000.0)
        self.assertAlmostEqual(wall_item.price_subtotal, 2 * 100.0 + 30.0)
        self.assertAlmostEqual(sheet.amount_total, 1230.0)
        sheet.action_finalize()
        order = self._generate(sheet)
        panel_lines = order.order_line.filtered(lambda line: line.product_id == product)
        self.assertEqual(panel_lines.mapped("price_unit"), [119.0, 119.0])
        self.assertAlmostEqual(order.amount_untaxed, 1230.0)
        self.assertAlmostEqual(order.amount_untaxed, sheet.amount_total)

    def test_no_query_per_line(self):
        """Building the lines of 30 items costs the queries of 3 items."""

        def count_queries(sheet):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            vals = sheet._prepare_quotation_line_vals()
            return self.cr.sql_log_count - before, vals

        small = self._create_sheet([(self.floor, 1), (self.survey, 2), (self.kit, 1)])
        big = self._create_sheet([(self.floor, i) for i in range(1, 11)] * 2 + [(self.kit, 1)] * 10)
        self.env.flush_all()
        small_count, small_vals = count_queries(small)
        big_count, big_vals = count_queries(big)
        self.assertEqual(len(small_vals), 3 + 4 + 1 + 1)
        self.assertEqual(len(big_vals), 20 * 5 + 10 * 2)
        self.assertEqual(big_count, small_count)

    def test_generate_requires_finalized_sheet_and_customer(self):
        sheet = self._create_sheet([(self.survey, 1)])
        with self.assertRaisesMsg(UserError, "Finalize evaluation sheet"):
            sheet.action_generate_quotation()
        sheet.action_finalize()
        sheet.state = "draft"
        sheet.partner_id = False
        sheet.action_finalize()
        with self.assertRaisesMsg(UserError, "has no customer"):
            sheet.action_generate_quotation()
        self.assertFalse(sheet.sale_order_ids)

    def test_revision_chain(self):
        sheet = self._create_sheet([(self.floor, 2), (self.survey, 1)], lead_id=self.lead.id)
        sheet.action_finalize()
        original = self._generate(sheet)
        self.assertEqual(original.revision_number, 0)
        original.action_quotation_sent()
        self.assertEqual(original.state, "sent")
        original_lines = original.order_line.mapped(lambda sol: (sol.name, sol.product_uom_qty))

        # revise by hand: copy with suffix, the sent one is cancelled, not edited
        action = original.action_revise()
        rev1 = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(rev1.name, f"{original.name}-R1")
        self.assertEqual(rev1.state, "draft")
        self.assertEqual(original.state, "cancel")
        self.assertEqual(
            original.order_line.mapped(lambda s: (s.name, s.product_uom_qty)), original_lines
        )
        self.assertEqual(rev1.revision_of_id, original)
        self.assertEqual(original.revision_ids, rev1)
        self.assertEqual(rev1.revision_root_id, original)
        self.assertEqual(rev1.revision_number, 1)
        self.assertEqual(rev1.evaluation_sheet_id, sheet)
        self.assertEqual(rev1.opportunity_id, self.lead)
        self.assertEqual(len(rev1.order_line), len(original.order_line))
        with self.assertRaisesMsg(UserError, "Only a quotation can be revised"):
            original.action_revise()
        # a plain duplicate is not a revision and does not belong to the sheet
        duplicate = rev1.copy()
        self.assertFalse(duplicate.evaluation_sheet_id or duplicate.revision_of_id)
        self.assertNotIn(duplicate, sheet.sale_order_ids)
        duplicate.unlink()

        # the sheet changes; generating again makes the next revision
        sheet.action_start()
        sheet.line_ids[1].product_uom_qty = 2
        sheet.action_finalize()
        rev2 = self._generate(sheet)
        self.assertEqual(rev2.name, f"{original.name}-R2")
        self.assertEqual(rev2.revision_of_id, rev1)
        self.assertEqual(rev2.revision_root_id, original)
        self.assertEqual(rev1.state, "cancel")
        survey_line = rev2.order_line.filtered(lambda sol: sol.product_id == self.survey)
        self.assertEqual(survey_line.product_uom_qty, 2)
        # every revision is on the sheet, the lead and each order
        self.assertEqual(sheet.sale_order_ids, original | rev1 | rev2)
        self.assertEqual(sheet.sale_order_count, 3)
        self.assertEqual(self.lead.order_ids, original | rev1 | rev2)
        for order in original | rev1 | rev2:
            self.assertEqual(order.revision_history_ids.ids, (original | rev1 | rev2).ids)
            self.assertEqual(order.revision_count, 3)
        self.assertEqual(
            set(rev2.action_view_revisions()["domain"][0][2]), set((original | rev1 | rev2).ids)
        )

        # once confirmed, the order is not replaced any more (the sheet was
        # reopened and finalized again before the order was confirmed)
        sheet.action_start()
        sheet.action_finalize()
        rev2.action_confirm()
        with self.assertRaisesMsg(UserError, "already confirmed"):
            sheet.action_generate_quotation()
        with self.assertRaisesMsg(UserError, "Only a quotation can be revised"):
            rev2.action_revise()
        self.assertEqual(sheet.sale_order_count, 3)

    def test_printed_quotation_has_chapter_subtotals(self):
        sheet = self._create_sheet([(self.floor, 1), (self.survey, 1)])
        sheet.action_finalize()
        order = self._generate(sheet)
        revision = self.env["sale.order"].browse(order.action_revise()["res_id"])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sale.action_report_saleorder", revision.ids)[0]
            .decode()
        )
        self.assertIn("Test Floor × 1 Units", html)
        self.assertIn("Test Survey × 1 Units", html)
        self.assertEqual(html.count('name="td_section_subtotal"'), 2)
        self.assertIn('name="informations_revision"', html)
        self.assertIn(order.name, html)
