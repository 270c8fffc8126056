from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestMergeMovesSheets(EvaluationSheetCase):
    """Odoo's merge deletes the merged leads: their evaluation sheets, in any
    state, follow the surviving lead (with the quotations generated from them)."""

    @staticmethod
    def _in(days):
        return fields.Datetime.to_string(
            fields.Datetime.now().replace(microsecond=0) + timedelta(days=days)
        )

    def _lead(self, name, probability):
        return self.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": self.partner.id,
                "user_id": self.salesman.id,
                "probability": probability,
            }
        )

    def test_merge_moves_the_sheets_whatever_their_state(self):
        head = self._lead("Merge sheets head", 90)
        tail = self._lead("Merge sheets tail", 10)
        tail.activate(self.salesman.id, self._in(1))
        contact = tail.open_responsibility_id.with_user(self.salesman)
        meeting = self.env["crm.lead.responsibility"].browse(
            contact.complete("next", "Meeting agreed", next_deadline=self._in(2))
        )
        self.assertEqual(meeting.type_id.code, "meeting_evaluation")
        # the duplicate is in the same stage, more likely to be won: it survives
        head.stage_id = tail.stage_id
        finalized = self._create_sheet([(self.survey, 1)], user=self.salesman, lead_id=tail.id)
        finalized.action_finalize()
        order = self.env["sale.order"].browse(finalized.action_generate_quotation()["res_id"])
        order.action_confirm()
        draft = self._create_sheet([(self.tile, 3)], user=self.salesman, lead_id=tail.id)
        cancelled = self._create_sheet([(self.tile, 4)], user=self.salesman, lead_id=tail.id)
        cancelled.action_cancel()
        # another salesperson's sheet, put on the lead by a sales manager
        theirs = self._create_sheet(
            [(self.survey, 2)], user=self.manager, lead_id=tail.id, user_id=self.salesman_b.id
        )
        sheets = finalized | draft | cancelled | theirs
        self.assertEqual(tail.evaluation_sheet_ids, sheets)
        wizard = (
            self.env["crm.merge.opportunity"]
            .with_user(self.salesman)
            .create({"opportunity_ids": [Command.set((head | tail).ids)]})
        )
        wizard.action_merge()
        self.assertFalse(tail.exists())
        self.assertEqual(head.evaluation_sheet_ids, sheets)
        self.assertEqual(
            [(sheet.state, sheet.partner_id) for sheet in (finalized, draft, cancelled)],
            [("finalized", self.partner), ("draft", self.partner), ("cancelled", self.partner)],
        )
        self.assertEqual(order.opportunity_id, head)
        self.assertEqual(finalized.sale_order_ids, order)
        self.assertTrue(head.has_finalized_evaluation_sheet)
        # the survivor took the merged lead's step over: its gate still passes
        self.assertEqual(head.open_responsibility_id, meeting)
        self.assertTrue(
            meeting.with_user(self.salesman).complete(
                "next", "Evaluated", next_deadline=self._in(4)
            )
        )
