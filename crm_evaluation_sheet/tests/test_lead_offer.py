from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestLeadOffer(EvaluationSheetCase):
    """The quotation generated from a sheet on a lead is the lead's offer: its
    salesperson is the lead's, whoever generates it, and the lead's salesperson
    reads the sheets on their lead."""

    @staticmethod
    def _in(days):
        return fields.Datetime.to_string(
            fields.Datetime.now().replace(microsecond=0) + timedelta(days=days)
        )

    def _lead(self, owner):
        lead = self.env["crm.lead"].create(
            {"name": "Offer lead", "partner_id": self.partner.id, "type": "opportunity"}
        )
        lead.activate(owner.id, self._in(1))
        self.assertEqual(lead.user_id, owner)
        return lead

    def test_handed_over_step_generates_the_leads_offer(self):
        """Salesperson B's lead; its Meeting & evaluation step is handed to
        salesperson A, who fills the sheet and generates the quotation: it is B's
        (who sees it on the lead and sends it), and A is not shown a record A
        cannot open."""
        owner, holder = self.salesman_b, self.salesman
        lead = self._lead(owner)
        meeting_id = lead.open_responsibility_id.with_user(owner).complete(
            "next", "Meeting agreed", next_user_id=holder.id, next_deadline=self._in(2)
        )
        meeting = self.env["crm.lead.responsibility"].with_user(holder).browse(meeting_id)
        sheet = self._create_sheet([(self.survey, 2)], user=holder, lead_id=lead.id)
        self.assertEqual(sheet.user_id, holder)
        sheet.action_finalize()
        action = sheet.action_generate_quotation()
        order = sheet.sudo().sale_order_ids
        self.assertEqual(len(order), 1)
        self.assertEqual(order.user_id, owner)
        self.assertEqual(order.opportunity_id, lead)
        self.assertIn(owner.partner_id, order.message_partner_ids, "the salesperson follows it")
        # the holder cannot read the lead's salesperson's quotation: a notification
        # saying whose it is, then the lead (which the holder works on)
        self.assertFalse(order.with_user(holder).has_access("read"))
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn(owner.name, action["params"]["message"])
        self.assertEqual(action["params"]["next"]["res_model"], "crm.lead")
        self.assertEqual(action["params"]["next"]["res_id"], lead.id)
        # generating again from the unchanged sheet: the same answer
        self.assertEqual(sheet.action_generate_quotation()["tag"], "display_notification")
        self.assertEqual(len(sheet.sudo().sale_order_ids), 1)
        # a changed sheet does not cancel the lead's salesperson's quotation
        sheet.action_start()
        sheet.action_finalize()
        with self.assertRaisesMsg(UserError, "ask them to revise it"):
            sheet.action_generate_quotation()
        self.assertEqual(order.state, "draft")
        self.assertEqual(len(sheet.sudo().sale_order_ids), 1)
        meeting.complete("next", "Evaluated", next_user_id=owner.id, next_deadline=self._in(4))
        # the lead's salesperson: the quotation, the sheet, sending it from the CRM
        lead_b = lead.with_user(owner)
        self.assertEqual(lead_b.order_ids, order)
        self.assertEqual(lead_b.quotation_count, 1)
        self.assertEqual(lead_b.evaluation_sheet_ids, sheet)
        self.assertEqual(lead_b.evaluation_sheet_ids.state, "finalized")
        self.assertTrue(lead_b.has_finalized_evaluation_sheet)
        self.assertEqual(sheet.with_user(owner).line_ids.product_id, self.survey)
        composer = lead_b.action_send_offer()
        self.assertEqual(composer["context"]["default_res_ids"], order.ids)
        # ... reads the sheet, does not change it (it is the holder's)
        with self.assertRaises(AccessError):
            sheet.with_user(owner).write({"notes": "mine now"})
        with self.assertRaises(AccessError):
            sheet.line_ids.with_user(owner).check_access("write")
        with self.assertRaises(AccessError):
            sheet.with_user(owner).action_generate_quotation()
        # the holder, the step handed back, keeps their sheet, not the quotation
        self.assertEqual(sheet.with_user(holder).sale_order_count, 0)
        with self.assertRaises(AccessError):
            order.with_user(holder).read(["name"])

    def test_managers_sheet_on_a_salespersons_lead(self):
        """A sales manager's sheet on a salesperson's lead: its quotation is the
        salesperson's, who sees it and the sheet on the lead."""
        lead = self._lead(self.salesman)
        sheet = self._create_sheet([(self.survey, 1)], user=self.manager, lead_id=lead.id)
        self.assertEqual(sheet.user_id, self.manager)
        sheet.action_finalize()
        action = sheet.action_generate_quotation()
        order = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(order.user_id, self.salesman)
        lead_a = lead.with_user(self.salesman)
        self.assertEqual(lead_a.order_ids, order)
        self.assertEqual(lead_a.evaluation_sheet_ids, sheet)
        self.assertEqual(lead_a.evaluation_sheet_count, 1)
        self.assertEqual(
            self.env["crm.evaluation.sheet"].with_user(self.salesman).search([]) & sheet, sheet
        )
        self.assertTrue(lead_a.action_send_offer())
        # another salesperson reads none of them
        other = self.env["crm.evaluation.sheet"].with_user(self.salesman_b)
        self.assertFalse(other.search([("id", "=", sheet.id)]))
        with self.assertRaises(AccessError):
            order.with_user(self.salesman_b).read(["name"])

    def test_sheet_without_lead_or_salesperson_stays_the_sheets(self):
        """No lead, or a lead without salesperson: the sheet's responsible."""
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        sheet.action_finalize()
        action = sheet.action_generate_quotation()
        self.assertEqual(self.env["sale.order"].browse(action["res_id"]).user_id, self.salesman)
        lead = self.env["crm.lead"].create(
            {"name": "Unassigned lead", "partner_id": self.partner.id, "user_id": False}
        )
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman_b, lead_id=lead.id)
        sheet.action_finalize()
        action = sheet.action_generate_quotation()
        self.assertEqual(self.env["sale.order"].browse(action["res_id"]).user_id, self.salesman_b)
