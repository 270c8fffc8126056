from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_offer import OfferCase


@tagged("post_install", "-at_install")
class TestOfferSendFromCrm(OfferCase):
    def setUp(self):
        super().setUp()
        self.lead = self._lead("Offer send lead", user_id=self.salesman.id)
        step = self._activate(self.lead, responsibility_type_id=self.t_offer.id, user=self.salesman)
        # only a sales manager starts a lead at a later step
        self.assertEqual(step.type_id, self.t_offer)
        self.step = step

    def _activate(self, leads, user=None, **kw):
        leads.with_user(self.manager).activate((user or self.salesman).id, self._in(1), **kw)
        return leads.responsibility_ids.filtered("is_open")

    def _send(self, action, user):
        composer = (
            self.env["mail.compose.message"].with_user(user).with_context(**action["context"])
        ).create({})
        composer.action_send_mail()

    def test_send_offer_from_the_step_counts_for_the_gate(self):
        order = self._order(lead=self.lead)
        step = self.step.with_user(self.salesman)
        with self.assertRaises(UserError):
            step.complete("next", "Offer discussed", next_deadline=self._in(3))
        action = step.action_send_offer()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(
            action["context"]["default_template_id"],
            self.env.ref("sale.email_template_edi_sale").id,
            "the quotation's own template, as its Send by e-mail",
        )
        self.assertEqual(action["context"]["default_res_ids"], order.ids)
        self._send(action, self.salesman)
        self.assertEqual(order.state, "sent")
        message = order.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertTrue(message.attachment_ids, "the quotation's PDF goes with it")
        next_id = step.complete("next", "Offer sent and accepted", next_deadline=self._in(3))
        self.assertEqual(self.Responsibility.browse(next_id).type_id, self.t_contracting)

    def test_send_offer_from_the_lead_picks_the_latest_quotation(self):
        older = self._order(lead=self.lead)
        newer = self._order(lead=self.lead)
        action = self.lead.with_user(self.salesman).action_send_offer()
        self.assertEqual(action["context"]["default_res_ids"], newer.ids)
        action = self.lead.with_user(self.salesman).action_send_offer(order_id=older.id)
        self.assertEqual(action["context"]["default_res_ids"], older.ids)

    def test_send_offer_refusals(self):
        as_sales = self.lead.with_user(self.salesman)
        with self.assertRaises(UserError):
            as_sales.action_send_offer()  # no quotation yet
        other = self._order()  # not the lead's
        for bad in (other.id, -1, "1", True, 2**40):
            with self.subTest(order_id=bad), self.assertRaises(UserError):
                as_sales.action_send_offer(order_id=bad)
        with self.assertRaises(UserError):
            (self.lead | self._lead("Second lead")).action_send_offer()

    def test_pending_approval_blocks_send_and_gate(self):
        self._limits(discount=10.0)
        order = self._order(lead=self.lead, discount=20.0)
        with self.assertRaises(UserError):
            self.lead.with_user(self.salesman).action_send_offer()
        order.with_user(self.manager).action_approve_offer()
        self._send(self.lead.with_user(self.salesman).action_send_offer(), self.salesman)
        self.assertEqual(order.state, "sent")
        # changed after it was sent: the gate waits for the new approval
        order.order_line.with_user(self.salesman).write({"discount": 25.0})
        self.assertEqual(order.offer_approval_state, "to_approve")
        with self.assertRaisesRegex(UserError, "approves"):
            self.step.with_user(self.salesman).complete(
                "next", "Offer sent", next_deadline=self._in(3)
            )
        order.with_user(self.manager).action_approve_offer()
        self.step.with_user(self.salesman).complete("next", "Offer sent", next_deadline=self._in(3))
