from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestEvaluationSheetAccess(EvaluationSheetCase):
    def test_salesman_works_on_own_sheet(self):
        sheet = self._create_sheet([(self.floor, 2), (self.survey, 1)], user=self.salesman)
        self.assertEqual(sheet.user_id, self.salesman)
        sheet.line_ids[0].product_uom_qty = 3
        sheet.action_start()
        sheet.action_finalize()
        action = sheet.action_generate_quotation()
        order = self.env["sale.order"].with_user(self.salesman).browse(action["res_id"])
        self.assertEqual(order.user_id, self.salesman)
        self.assertEqual(len(order.order_line), 2 + 4 + 1)
        revision = order.browse(order.action_revise()["res_id"])
        self.assertEqual(revision.revision_of_id, order)
        self.assertEqual(sheet.sale_order_count, 2)

    def test_salesman_cannot_touch_others_sheets(self):
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        line = sheet.line_ids
        Line = self.env["crm.evaluation.sheet.line"].with_user(self.salesman_b)
        self.assertFalse(Line.search([("id", "=", line.id)]))
        with self.assertRaises(AccessError):
            line.with_user(self.salesman_b).read(["product_uom_qty"])
        with self.assertRaises(AccessError):
            line.with_user(self.salesman_b).product_uom_qty = 4
        with self.assertRaises(AccessError):
            Line.create({"sheet_id": sheet.id, "product_id": self.tile.id})
        with self.assertRaises(AccessError):
            sheet.with_user(self.salesman_b).action_finalize()
        sheet.action_finalize()
        with self.assertRaises(AccessError):
            sheet.with_user(self.salesman_b).action_generate_quotation()
        self.assertFalse(sheet.sale_order_ids)
        self.assertEqual(line.product_uom_qty, 1)
        # the manager sees every sheet and item
        self.assertEqual(
            self.env["crm.evaluation.sheet.line"]
            .with_user(self.manager)
            .search([("id", "=", line.id)]),
            line,
        )
