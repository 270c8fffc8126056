from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestSheetDeletion(EvaluationSheetCase):
    """A sheet whose order is confirmed is not deleted (as it is not reopened,
    reset or cancelled), nor is a finalized sheet its quotations were generated
    from (it is cancelled instead): its items would go by the database's
    cascade, around their own checks, and the lead would lose the sheet its
    Meeting & evaluation step reads."""

    def _quoted_sheet(self):
        lead = self.env["crm.lead"].create(
            {"name": "Deletion lead", "type": "opportunity", "partner_id": self.partner.id}
        )
        sheet = self._create_sheet([(self.survey, 2)], lead_id=lead.id)
        sheet.action_finalize()
        order = self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
        return sheet, order

    def test_sheet_of_a_confirmed_order_is_not_deleted(self):
        sheet, order = self._quoted_sheet()
        order.action_confirm()
        with self.assertRaisesMsg(UserError, "is confirmed"):
            sheet.with_user(self.manager).unlink()
        self.assertTrue(sheet.exists())
        self.assertEqual(order.evaluation_sheet_id, sheet)
        self.assertEqual(sheet.lead_id.evaluation_sheet_ids, sheet)
        self.assertEqual(len(sheet.line_ids), 1)

    def test_sheet_reopened_before_its_order_was_confirmed_is_not_deleted(self):
        sheet, order = self._quoted_sheet()
        sheet.action_start()
        order.action_confirm()
        with self.assertRaisesMsg(UserError, "is confirmed"):
            sheet.with_user(self.manager).unlink()
        self.assertEqual(order.evaluation_sheet_id, sheet)
        self.assertEqual(len(sheet.line_ids), 1)

    def test_finalized_sheet_with_quotations_is_cancelled_not_deleted(self):
        sheet, order = self._quoted_sheet()
        with self.assertRaisesMsg(UserError, "cancel the sheet instead"):
            sheet.with_user(self.manager).unlink()
        self.assertEqual(order.evaluation_sheet_id, sheet)
        sheet.with_user(self.manager).action_cancel()
        self.assertEqual(sheet.state, "cancelled")

    def test_a_sheet_without_quotation_is_deleted(self):
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        sheet.action_finalize()
        lines = sheet.line_ids
        sheet.with_user(self.manager).unlink()
        self.assertFalse(sheet.exists())
        self.assertFalse(lines.exists())

    def test_uninstall_deletes_the_items_of_a_finalized_sheet(self):
        """Uninstalling the module deletes the records it created (the demo
        sheet's items have external ids): a finalized sheet's item refused it,
        and Odoo logged errors once its table was gone. The flag counts only
        for administrators: for a salesperson the item stays."""
        sheet, _order = self._quoted_sheet()
        line = sheet.line_ids
        with self.assertRaisesMsg(UserError, "set it back in progress"):
            line.unlink()
        with self.assertRaisesMsg(UserError, "set it back in progress"):
            line.with_user(self.manager).with_context(**{MODULE_UNINSTALL_FLAG: True}).unlink()
        self.assertTrue(line.exists())
        line.with_context(**{MODULE_UNINSTALL_FLAG: True}).unlink()
        self.assertFalse(line.exists())
