from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestEvaluationSheetDemo(TransactionCase):
    """The client of the story's finalized sheet, its chaptered quotation (sent)
    and the lead at Contracting."""

    def setUp(self):
        super().setUp()
        if not self.env["ir.module.module"]._get("crm_evaluation_sheet").demo:
            self.skipTest("installed without demo data")

    def test_demo_sheet_and_chaptered_quotation(self):
        sheet = self.env.ref("crm_evaluation_sheet.evaluation_sheet_demo")
        lead = self.env.ref("crm_pipeline.demo_lead_story")
        self.assertEqual(sheet.state, "finalized")
        self.assertEqual(sheet.partner_id, self.env.ref("crm_suite_base.demo_partner_client"))
        self.assertEqual(sheet.company_id, self.env.ref("crm_suite_base.demo_company"))
        self.assertEqual(lead.open_responsibility_id.type_id.kind, "contracting")
        order = sheet.sale_order_ids
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.opportunity_id, lead)
        self.assertEqual(order.currency_id, self.env.ref("base.RON"))
        lines = order.order_line.sorted("sequence")
        self.assertEqual(
            lines.filtered(lambda line: line.display_type == "line_section").mapped("name"),
            [
                "Site survey and racking layout × 1 Units",
                "Pallet racking bay 2.7 m, 5 levels × 20 Units",
                "Aisle protection kit × 4 Units",
            ],
        )
        quantities = {
            line.product_id.name: line.product_uom_qty for line in lines if line.product_id
        }
        self.assertEqual(
            quantities,
            {
                "Site survey and racking layout": 1.0,
                "Racking upright frame 6 m": 20.0,
                "Racking beam 2.7 m, 1,500 kg": 200.0,
                "Anchor bolt M12": 80.0,
                "Racking assembly": 60.0,
                "Aisle protection kit": 4.0,
            },
        )
        self.assertEqual(
            lines.filtered(lambda line: line.display_type == "line_note").mapped("name"),
            ["Includes 16 Units Column guard", "Includes 4 Units End-of-aisle barrier"],
        )
        # 62,980.00 RON at list prices; the client's Gold tier takes 10% off
        if "pricing_explanation" in lines._fields:
            self.assertAlmostEqual(order.amount_untaxed, 56682.0)
            priced = lines.filtered("product_id")
            self.assertTrue(
                all(line.pricing_explanation.startswith("Gold tier") for line in priced),
                priced.mapped("pricing_explanation"),
            )
        else:
            self.assertAlmostEqual(order.amount_untaxed, 62980.0)

    def test_demo_story_steps_dated(self):
        """The story's last steps have their history too: the visit and the
        finalized sheet two days ago, the quotation accepted yesterday, and the
        step that follows opens when the one before closes.

        The days are counted from the day the demo was installed (the day its
        quotation was generated), not the day the tests run: an install before
        midnight and tests after it are a day apart."""
        order = self.env.ref("crm_evaluation_sheet.evaluation_sheet_demo").sale_order_ids
        installed = order.date_order.date()
        self.assertLessEqual(installed, fields.Date.today())
        steps = {
            step.type_id.kind: step
            for step in self.env.ref("crm_pipeline.demo_lead_story").responsibility_ids
        }
        meeting, offer = steps["meeting_evaluation"], steps["offer_negotiation"]
        contracting = steps["contracting"]
        self.assertEqual(meeting.date_closed.date(), installed - timedelta(days=2))
        self.assertEqual(offer.create_date, meeting.date_closed)
        self.assertEqual(offer.date_closed.date(), installed - timedelta(days=1))
        self.assertEqual(contracting.create_date, offer.date_closed)
        self.assertFalse(contracting.date_closed)
        self.assertTrue(all(i.date <= meeting.date_closed for i in meeting.interaction_ids))

    def test_demo_recipe_notes(self):
        """The racking bay's recipe: one upright frame per bay (20 for 20 bays
        on the quotation), its note claims no other line."""
        line = self.env.ref("crm_evaluation_sheet.recipe_racking_bay_upright")
        self.assertEqual(line.quantity, 1.0)
        self.assertEqual(line.note, "one frame per bay, shared with the next bay")
