from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestSheetQuotationLink(EvaluationSheetCase):
    """A sheet and its quotation stay together: generating again from an
    unchanged sheet opens its quotation, a sheet whose order is confirmed is
    not reopened, and items move only into sheets the user may change."""

    def _generate(self, sheet):
        return self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])

    def test_unchanged_sheet_opens_its_quotation(self):
        sheet = self._create_sheet([(self.survey, 2)], user=self.salesman)
        sheet.action_finalize()
        order = self._generate(sheet)
        self.assertTrue(sheet.quotation_current)
        # a line added by hand to the quotation is kept
        order.order_line = [Command.create({"product_id": self.tile.id, "product_uom_qty": 5})]
        self.assertEqual(self._generate(sheet), order)
        self.assertEqual(order.state, "draft")
        self.assertIn(self.tile, order.order_line.product_id)
        self.assertEqual(sheet.sale_order_ids, order)
        # a revision made by hand is the quotation it opens
        revision = self.env["sale.order"].browse(order.action_revise()["res_id"])
        self.assertEqual(self._generate(sheet), revision)
        self.assertEqual(sheet.sale_order_count, 2)
        # the sheet changed (reopened): generating makes the next revision
        sheet.action_start()
        self.assertFalse(sheet.quotation_current)
        sheet.line_ids.product_uom_qty = 3
        sheet.action_finalize()
        next_revision = self._generate(sheet)
        self.assertEqual(next_revision.revision_of_id, revision)
        self.assertEqual(revision.state, "cancel")
        # a cancelled quotation is not opened: a new one is generated
        next_revision._action_cancel()
        self.assertNotEqual(self._generate(sheet), next_revision)

    def test_sheet_of_a_confirmed_order_is_not_reopened(self):
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        sheet.action_finalize()
        order = self._generate(sheet)
        order.action_confirm()
        for method in ("action_start", "action_reset_draft", "action_cancel"):
            with self.assertRaisesMsg(UserError, f"Order {order.name} of evaluation sheet"):
                getattr(sheet, method)()
        self.assertEqual(sheet.state, "finalized")
        # generating again opens the confirmed order
        self.assertEqual(self._generate(sheet), order)
        # a cancelled order releases the sheet
        order._action_cancel()
        sheet.action_start()
        self.assertEqual(sheet.state, "in_progress")
        sheet.action_cancel()
        self.assertEqual(sheet.state, "cancelled")

    def test_sheet_reopened_before_the_order_was_confirmed_stays(self):
        # reopened while its order was a quotation, the sheet stays as the
        # order was confirmed: its items are not changed, added or deleted,
        # their prices not updated, and it is not finalized again
        sheet = self._create_sheet([(self.survey, 5)], user=self.salesman)
        sheet.action_finalize()
        order = self._generate(sheet)
        sheet.action_start()
        order.action_confirm()
        message = f"Order {order.name} of evaluation sheet {sheet.name} is confirmed"
        item = sheet.line_ids
        with self.assertRaisesMsg(UserError, message):
            item.product_uom_qty = 50
        with self.assertRaisesMsg(UserError, message):
            sheet.write(
                {"line_ids": [Command.create({"product_id": self.tile.id, "product_uom_qty": 7})]}
            )
        with self.assertRaisesMsg(UserError, message):
            self.env["crm.evaluation.sheet.line"].with_user(self.salesman).create(
                {"sheet_id": sheet.id, "product_id": self.tile.id, "product_uom_qty": 7}
            )
        with self.assertRaisesMsg(UserError, message):
            item.unlink()
        with self.assertRaisesMsg(UserError, message):
            sheet.action_update_prices()
        with self.assertRaisesMsg(UserError, message):
            sheet.action_finalize()
        # nor what its prices follow (client, pricelist, date)
        with self.assertRaisesMsg(UserError, message):
            sheet.write({"date": "2030-01-01"})
        self.assertEqual(sheet.state, "in_progress")
        self.assertEqual(sheet.line_ids, item)
        self.assertEqual(item.product_uom_qty, 5)
        self.assertEqual(sheet.amount_total, order.amount_untaxed)
        # a cancelled order releases the sheet
        order._action_cancel()
        item.product_uom_qty = 6
        sheet.action_finalize()
        self.assertEqual(sheet.state, "finalized")

    def test_item_moves_only_into_a_writable_sheet(self):
        own = self._create_sheet([(self.survey, 1)], user=self.salesman)
        other = self._create_sheet([(self.tile, 1)], user=self.salesman_b)
        # the other sheet is known to this transaction (as after any read of
        # it): only the access check on the target refuses the move
        other.read()
        other.line_ids.read()
        line = own.line_ids.with_user(self.salesman)
        # refused by the write itself, before anything is changed (not by the
        # recomputations a flush would run afterwards)
        refused = False
        try:
            line.write({"sheet_id": other.id})
        except AccessError:
            refused = True
        self.assertTrue(refused, "an item was moved into another salesperson's sheet")
        with self.assertRaises(AccessError):
            self.env["crm.evaluation.sheet.line"].with_user(self.salesman).create(
                {"sheet_id": other.id, "product_id": self.tile.id}
            )
        self.assertEqual(line.sheet_id, own)
        self.assertEqual(other.line_ids.product_id, self.tile)
        # a sheet of one's own is fine
        mine = self._create_sheet([(self.tile, 2)], user=self.salesman)
        line.write({"sheet_id": mine.id})
        self.assertEqual(mine.line_ids.product_id, self.tile | self.survey)
