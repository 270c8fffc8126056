from odoo.tests import tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestNotesWithoutEmail(EvaluationSheetCase):
    """The sheet's and the revisions' automatic notes are logged as Odoo logs
    its own flows' notes: a salesperson without an e-mail address (Odoo
    refuses them a posted message, "Unable to send message") updates the
    prices, generates the quotation again and revises it; the notes are
    theirs, internal notes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman.partner_id.email = False

    def _assert_note(self, record, text):
        notes = record.message_ids.filtered(lambda m: text in str(m.body))
        self.assertEqual(len(notes), 1, text)
        self.assertEqual(notes.author_id, self.salesman.partner_id)
        self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(notes.message_type, "notification")
        return notes

    def test_sheet_and_revision_notes_without_email(self):
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        sheet.action_update_prices()
        self._assert_note(sheet, "Prices updated from the catalogue.")
        sheet.action_finalize()
        first = self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
        note = self._assert_note(first, "has been created from")  # the origin link
        self.assertIn(f'data-oe-id="{sheet.id}"', str(note.body))
        # generated again: the previous quotation is replaced by a revision
        sheet.action_reset_draft()
        sheet.action_finalize()
        second = self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
        self.assertEqual(second.revision_of_id, first)
        note = self._assert_note(first, "Replaced by revision")
        self.assertIn(f'data-oe-id="{second.id}"', str(note.body), "a link, not its markup")
        # revised from the quotation
        revision = second.browse(second.with_user(self.salesman).action_revise()["res_id"])
        self.assertEqual(revision.revision_of_id, second)
        self._assert_note(second, "Revised: replaced by")
        note = self._assert_note(revision, "Revision of")
        self.assertIn(f'data-oe-id="{second.id}"', str(note.body), "a link, not its markup")
