from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from odoo.addons.crm_suite_base.tests.common import load_migration

from .common_offer import OfferCase


@tagged("post_install", "-at_install")
class TestOfferApproval(OfferCase):
    def test_default_no_approval_odoo_flow_unchanged(self):
        order = self._order(discount=60.0, qty=1000)
        self.assertEqual(order.offer_approval_state, "not_needed")
        order.with_user(self.salesman).action_quotation_sent()
        self.assertEqual(order.state, "sent")
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_settings_form_and_bounds(self):
        # the company works with pricelists (the suite's demo has some): the
        # settings form would otherwise offer to switch them off, and warn
        self.env.ref("base.group_user").write(
            {"implied_ids": [(4, self.env.ref("product.group_product_pricelist").id)]}
        )
        with Form(self.env["res.config.settings"]) as settings:
            settings.offer_approval_amount = 5000.0
            settings.offer_approval_discount = 12.5
        settings.save().execute()
        self.assertEqual(self.company.offer_approval_amount, 5000.0)
        self.assertEqual(self.company.offer_approval_discount, 12.5)
        for vals in (
            {"offer_approval_discount": 150.0},
            {"offer_approval_discount": -1.0},
            {"offer_approval_amount": -10.0},
            {"offer_approval_amount": float("nan")},
            {"offer_approval_amount": "a lot"},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self.company.write(vals)
        self.assertEqual(self.company.offer_approval_discount, 12.5)

    def test_discount_needs_approval_and_everything_waits(self):
        self._limits(discount=10.0)
        order = self._order(discount=10.0)
        self.assertEqual(order.offer_approval_state, "not_needed", "10% is not over 10%")
        order.order_line.with_user(self.salesman).write({"discount": 15.0})
        self.assertEqual(order.offer_approval_state, "to_approve")
        self.assertIn("Offer Shelf", order.offer_approval_reason)
        # the team leader (a sales manager) has the approval activity
        approval_type = self.env.ref("crm_pipeline.mail_activity_offer_approval")
        approval = order.activity_ids.filtered(lambda a: a.activity_type_id == approval_type)
        self.assertEqual(approval.user_id, self.manager)
        as_sales = order.with_user(self.salesman)
        for method in ("action_quotation_sent", "action_quotation_send", "action_confirm"):
            with self.subTest(method=method), self.assertRaises(UserError):
                getattr(as_sales, method)()
        with self.assertRaises(UserError):
            self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_pdf(
                "sale.action_report_saleorder", order.ids
            )
        with self.assertRaises(UserError):
            as_sales.with_context(mark_so_as_sent=True).message_post(body="Here is the offer")
        self.assertEqual(order.state, "draft")
        # nor a plain write of Odoo's state (as an XML-RPC client may send it)
        for state in ("sent", "sale"):
            with self.subTest(state=state), self.assertRaises(UserError):
                as_sales.write({"state": state})
        self.assertEqual(order.state, "draft")
        # nobody writes the state directly
        with self.assertRaises(UserError):
            as_sales.write({"offer_approval_state": "approved"})
        with self.assertRaises(UserError):
            order.with_user(self.manager).write({"offer_approval_state": "approved"})
        # only a sales manager approves
        with self.assertRaises(AccessError):
            as_sales.action_approve_offer()
        with self.assertRaises(AccessError):
            as_sales.action_reject_offer("no")
        order.with_user(self.manager).action_approve_offer()
        self.assertEqual(order.offer_approval_state, "approved")
        self.assertFalse(approval.exists(), "the approval activity is done")
        todo = order.activity_ids.filtered(lambda a: a.user_id == self.salesman)
        self.assertTrue(todo, "the salesperson is told to send it")
        self.assertTrue(any("Offer approved" in body for body in order.message_ids.mapped("body")))
        as_sales.action_quotation_sent()
        self.assertEqual(order.state, "sent")

    def test_cancelled_quotation_is_not_confirmed_past_its_approval(self):
        """A plain write of the state waits for the approval whatever the
        order's state: a quotation cancelled while it waits is not confirmed
        nor marked as sent by writing its state."""
        self._limits(discount=10.0)
        order = self._order(discount=15.0)
        as_sales = order.with_user(self.salesman)
        self.assertEqual(order.offer_approval_state, "to_approve")
        as_sales.action_cancel()
        self.assertEqual(order.state, "cancel")
        for state in ("sent", "sale"):
            with self.subTest(state=state), self.assertRaises(UserError):
                as_sales.write({"state": state})
        self.assertEqual(order.state, "cancel")
        # rejected: the same
        as_sales.action_draft()
        self.assertEqual((order.state, order.offer_approval_state), ("draft", "to_approve"))
        order.with_user(self.manager).action_reject_offer("Too cheap")
        as_sales.action_cancel()
        with self.assertRaises(UserError):
            as_sales.write({"state": "sale"})
        # Odoo's way back: Set to Quotation, then approved, sent and confirmed
        as_sales.action_draft()
        with self.assertRaises(UserError):
            as_sales.action_confirm()
        as_sales.order_line.write({"discount": 12.0})
        self.assertEqual(order.offer_approval_state, "to_approve")
        order.with_user(self.manager).action_approve_offer()
        as_sales.action_quotation_sent()
        as_sales.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_cancelled_quotation_within_the_limits_is_written_back(self):
        """Cancelled while waiting, then within the limits again: nothing waits."""
        self._limits(discount=10.0)
        order = self._order(discount=15.0)
        as_sales = order.with_user(self.salesman)
        as_sales.action_cancel()
        self._limits(discount=20.0)
        as_sales.write({"state": "sent"})
        self.assertEqual((order.state, order.offer_approval_state), ("sent", "not_needed"))

    def test_html_report_waits_for_approval_too(self):
        """The quotation's HTML (the /report/html/ route, the portal's
        report_type=html) is the client's copy as much as its PDF."""
        self._limits(discount=10.0)
        order = self._order(discount=15.0)
        self.assertEqual(order.offer_approval_state, "to_approve")
        Report = self.env["ir.actions.report"].with_user(self.salesman)
        for report in ("sale.action_report_saleorder", "sale.action_report_pro_forma_invoice"):
            with self.subTest(report=report), self.assertRaises(UserError):
                Report._render_qweb_html(report, order.ids)
        # a context key sent by a client does not skip the check
        with self.assertRaises(UserError):
            Report.with_context(crm_pipeline_offer_report_checked=True)._render_qweb_html(
                "sale.action_report_saleorder", order.ids
            )
        order.with_user(self.manager).action_approve_offer()
        html, report_type = Report._render_qweb_html("sale.action_report_saleorder", order.ids)
        self.assertEqual(report_type, "html")
        self.assertIn(order.name, html.decode())
        self.assertTrue(Report._render_qweb_pdf("sale.action_report_saleorder", order.ids)[0])

    def test_change_after_approval_asks_again(self):
        self._limits(discount=10.0)
        order = self._order(discount=20.0)
        order.with_user(self.manager).action_approve_offer()
        # a change that does not touch the offer keeps the approval
        order.order_line.with_user(self.salesman).write({"name": "Offer Shelf, oak"})
        self.assertEqual(order.offer_approval_state, "approved")
        order.order_line.with_user(self.salesman).write({"product_uom_qty": 3})
        self.assertEqual(order.offer_approval_state, "to_approve")
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_quotation_sent()
        # back under the limit: no approval needed
        order.order_line.with_user(self.salesman).write({"discount": 5.0})
        self.assertEqual(order.offer_approval_state, "not_needed")
        order.with_user(self.salesman).action_quotation_sent()

    def test_change_of_client_after_approval_asks_again(self):
        """A price approved for one client is not approved for another: a plain
        write of the customer (as over XML-RPC) asks again; another contact of
        the same company is the same client."""
        self._limits(discount=10.0)
        order = self._order(discount=20.0)
        order.with_user(self.manager).action_approve_offer()
        as_sales = order.with_user(self.salesman)
        person = self.env["res.partner"].create(
            {"name": "Offer Contact", "parent_id": self.customer.id, "type": "contact"}
        )
        as_sales.write({"partner_id": person.id})
        self.assertEqual(order.offer_approval_state, "approved")
        other = self.env["res.partner"].create({"name": "Other Client SRL", "is_company": True})
        as_sales.write({"partner_id": other.id})
        self.assertEqual(order.offer_approval_state, "to_approve")
        self.assertIn("Offer Shelf", order.offer_approval_reason)
        with self.assertRaises(UserError):
            as_sales.action_quotation_sent()
        # approved for that client, then back to the first one: asks again
        order.with_user(self.manager).action_approve_offer()
        as_sales.write({"partner_id": self.customer.id})
        self.assertEqual(order.offer_approval_state, "to_approve")
        # a rejected offer sent to another client asks again too
        order.with_user(self.manager).action_reject_offer("Not for this client")
        as_sales.write({"partner_id": other.id})
        self.assertEqual(order.offer_approval_state, "to_approve")
        # under the limits for the new client: nothing to approve
        self._limits(discount=25.0)
        as_sales.write({"partner_id": self.customer.id})
        self.assertEqual(order.offer_approval_state, "not_needed")

    def test_change_of_client_in_the_form_asks_again(self):
        self._limits(discount=10.0)
        order = self._order(discount=20.0)
        order.with_user(self.manager).action_approve_offer()
        other = self.env["res.partner"].create({"name": "Form Client SRL", "is_company": True})
        with Form(order.with_user(self.salesman)) as form:
            form.partner_id = other
        self.assertEqual(order.partner_id, other)
        self.assertEqual(order.offer_approval_state, "to_approve")

    def test_upgrade_keeps_decisions_on_unchanged_offers(self):
        """The signature now covers the client: the migration re-signs the
        approved and rejected quotations that did not change since the
        decision, instead of sending them all back to approval."""
        self._limits(discount=10.0)
        approved = self._order(discount=20.0)
        rejected = self._order(discount=30.0)
        changed = self._order(discount=20.0)
        (approved | changed).with_user(self.manager).action_approve_offer()
        rejected.with_user(self.manager).action_reject_offer("Too cheap")
        migration = load_migration("crm_pipeline", "18.0.1.5.15")
        # the signatures as 18.0.1.5.14 stored them; "changed" was approved on
        # other lines than it has now
        old = {order: migration._signature_18_0_1_5_14(order) for order in approved | rejected}
        old[changed] = "0" * 64
        for order, signature in old.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE sale_order SET offer_approval_signature = %s WHERE id = %s",
                    signature,
                    order.id,
                )
            )
        self.env.invalidate_all()
        for order in approved | rejected:
            # without the migration, each would ask for approval again
            self.assertNotEqual(order.offer_approval_signature, order._offer_approval_signature())
        migration.migrate(self.env.cr, "18.0.1.5.14")
        for order in approved | rejected:
            self.assertEqual(order.offer_approval_signature, order._offer_approval_signature())
        self.assertEqual(changed.offer_approval_signature, "0" * 64)
        # a second run re-signs nothing
        self.assertEqual(migration.resign_decided_offers(self.env)[0], 0)
        (approved | rejected | changed)._offer_approval_refresh()
        self.assertEqual(approved.offer_approval_state, "approved")
        self.assertEqual(rejected.offer_approval_state, "rejected")
        self.assertEqual(changed.offer_approval_state, "to_approve")
        # and the re-signed approval covers the client
        other = self.env["res.partner"].create({"name": "Upgrade Client SRL", "is_company": True})
        approved.with_user(self.salesman).write({"partner_id": other.id})
        self.assertEqual(approved.offer_approval_state, "to_approve")

    def test_new_line_after_approval_asks_again(self):
        self._limits(amount=150.0)
        order = self._order(qty=2)
        self.assertEqual(order.offer_approval_state, "to_approve")
        order.with_user(self.manager).action_approve_offer()
        order.with_user(self.salesman).write(
            {"order_line": [(0, 0, {"product_id": self.product_b.id, "product_uom_qty": 1})]}
        )
        self.assertEqual(order.offer_approval_state, "to_approve")

    def test_amount_limit(self):
        self._limits(amount=250.0)
        order = self._order(qty=2)
        self.assertEqual(order.offer_approval_state, "not_needed")
        order.order_line.write({"product_uom_qty": 3})
        self.assertEqual(order.offer_approval_state, "to_approve")
        self.assertIn("above", order.offer_approval_reason)

    def test_reject_with_reason(self):
        self._limits(discount=10.0)
        order = self._order(discount=30.0)
        as_manager = order.with_user(self.manager)
        for reason in ("", "   ", None, 42, ["x"]):
            with self.subTest(reason=reason), self.assertRaises(UserError):
                as_manager.action_reject_offer(reason)
        self.assertEqual(order.offer_approval_state, "to_approve")
        as_manager.action_reject_offer("30% is too much for this client")
        self.assertEqual(order.offer_approval_state, "rejected")
        self.assertTrue(any("30% is too much" in body for body in order.message_ids.mapped("body")))
        todo = order.activity_ids.filtered(lambda a: a.user_id == self.salesman)
        self.assertIn("30% is too much", todo.note)
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_quotation_sent()
        with self.assertRaises(UserError):
            as_manager.action_reject_offer("again")
        # the salesperson changes the offer: it asks for approval again
        order.order_line.with_user(self.salesman).write({"discount": 25.0})
        self.assertEqual(order.offer_approval_state, "to_approve")

    def test_reject_wizard(self):
        self._limits(discount=10.0)
        order = self._order(discount=30.0)
        action = order.with_user(self.manager).action_open_reject_offer_wizard()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.manager).with_context(**action["context"])
        )
        wizard.reason = "Ask for a smaller discount"
        wizard.save().action_reject()
        self.assertEqual(order.offer_approval_state, "rejected")
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_open_reject_offer_wizard()

    def test_approve_refuses_bad_calls(self):
        self._limits(discount=10.0)
        order = self._order()
        as_manager = order.with_user(self.manager)
        with self.assertRaises(UserError):
            as_manager.action_approve_offer()  # nothing to approve
        with self.assertRaises(UserError):
            self.env["sale.order"].browse(987654321).with_user(self.manager).action_approve_offer()

    def test_discount_against_the_client_rule_price(self):
        """A pricelist rule of the client is no discount to approve; a price
        below it is."""
        self._limits(discount=10.0)
        self.pricelist.item_ids = [
            (
                0,
                0,
                {
                    "applied_on": "0_product_variant",
                    "product_id": self.product.id,
                    "compute_price": "percentage",
                    "percent_price": 30.0,
                },
            )
        ]
        order = self._order()
        line = order.order_line
        self.assertAlmostEqual(line.price_unit * (1 - line.discount / 100), 70.0)
        self.assertEqual(order.offer_approval_state, "not_needed")
        line.write({"price_unit": 60.0, "discount": 0.0})
        self.assertAlmostEqual(line._offer_discount(), 14.29)
        self.assertEqual(order.offer_approval_state, "to_approve")
