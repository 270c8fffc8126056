import base64

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.crm_suite_base.tests.common import load_migration

from .common import PricingCommon

DATE = "2026-07-15 10:00:00"


@tagged("post_install", "-at_install")
class TestExplanationClient(PricingCommon):
    """The turnover figures a line's explanation keeps are its client's: they
    are given to who may see that client's turnover, even when the quotation
    goes to another client (its client changed, a copy for another client, a
    contact moved to another company), and printed for the customer on its own
    client's offer only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        cls.salesman = user(
            "expl_salesman", "sales_team.group_sale_salesman,product.group_product_pricelist"
        )
        cls.owner = user(
            "expl_owner", "sales_team.group_sale_salesman,product.group_product_pricelist"
        )
        cls.manager = user(
            "expl_manager", "sales_team.group_sale_manager,product.group_product_pricelist"
        )
        # the client is another salesperson's: the salesman may not see its
        # turnover; the other client is nobody's (every salesperson's)
        cls.client.user_id = cls.owner
        cls.gold = cls._rule(
            pricing_label="Gold tier",
            percent_price=10.0,
            turnover_period="quarter",
            min_turnover=50000.0,
        )
        cls._invoice("2026-04-10", 52300.0)
        cls.explanation = f"Gold tier: turnover Q2 2026 = 52,300.00 {cls.currency.name} ≥ 50,000.00"

    def _order(self, partner=None):
        return (
            self.env["sale.order"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": (partner or self.client).id,
                    "pricelist_id": self.pricelist.id,
                    "user_id": self.salesman.id,
                    "date_order": DATE,
                    "order_line": [Command.create({"product_id": self.widget.id})],
                }
            )
        )

    def _read(self, order, user):
        self.env.invalidate_all()
        return order.with_user(user).order_line.pricing_explanation

    def _assert_figures_are_the_clients(self, order):
        """The figures the order's line keeps are the client's: its
        salesperson and a sales manager read them, the salesman (who may see
        the order's new client's turnover, not the client's) the label."""
        self.assertAlmostEqual(order.order_line.price_subtotal, 90.0)
        self.assertEqual(self._read(order, self.salesman), "Gold tier")
        self.assertEqual(self._read(order, self.manager), self.explanation)
        row = order.with_user(self.salesman).order_line.read(
            ["pricing_explanation", "crm_pricing_explanation_label"]
        )[0]
        self.assertNotIn("52,300", str(row))
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).order_line.read(["crm_pricing_explanation_client_id"])
        html = (
            self.env["ir.actions.report"]
            .with_user(self.salesman)
            ._render_qweb_html("crm_pricing.report_saleorder_salesperson", order.ids)[0]
            .decode()
        )
        self.assertIn("Gold tier", html)
        self.assertNotIn("52,300", html)

    def test_client_changed(self):
        order = self._order()
        self.assertEqual(self._read(order, self.salesman), "Gold tier")
        order.with_user(self.manager).write({"partner_id": self.other_client.id})
        self._assert_figures_are_the_clients(order)
        # Update Prices explains the new client's price (Odoo's: no rule met)
        order.with_user(self.manager).action_update_prices()
        self.assertAlmostEqual(order.order_line.price_subtotal, 100.0)
        self.assertFalse(self._read(order, self.manager))

    def test_copy_for_another_client(self):
        order = self._order()
        copy = order.with_user(self.manager).copy(
            {"partner_id": self.other_client.id, "user_id": self.salesman.id}
        )
        self._assert_figures_are_the_clients(copy)
        # a copy for the same client keeps its figures for its readers
        same = order.with_user(self.manager).copy()
        self.assertEqual(self._read(same, self.manager), self.explanation)
        self.assertEqual(self._read(same, self.salesman), "Gold tier")

    def test_contact_moved_to_another_company(self):
        order = self._order(partner=self.contact)
        self.assertEqual(self._read(order, self.manager), self.explanation)
        self.contact.parent_id = self.other_client
        self.assertEqual(order.partner_id.commercial_partner_id, self.other_client)
        self._assert_figures_are_the_clients(order)

    def test_customer_offer_gives_its_own_clients_figures_only(self):
        self.env.company.crm_pricing_explanation_on_offers = True
        portal_user = new_test_user(self.env, login="expl_portal", groups="base.group_portal")
        portal_user.partner_id.parent_id = self.other_client
        order = self._order()
        order.with_user(self.manager).write({"partner_id": portal_user.partner_id.id})
        # the portal renders the offer as superuser for its customer
        line = order.order_line.with_user(portal_user).sudo()
        self.assertEqual(line._crm_printed_pricing_explanation(), "Gold tier")
        html = (
            self.env["ir.actions.report"]
            .with_user(portal_user)
            .sudo()
            ._render_qweb_html("sale.report_saleorder", order.ids)[0]
            .decode()
        )
        self.assertIn("Gold tier", html)
        self.assertNotIn("52,300", html)
        # the client's own offer gives the client its figures
        portal_user.partner_id.parent_id = self.client
        mine = self._order(partner=portal_user.partner_id)
        line = mine.order_line.with_user(portal_user).sudo()
        self.assertEqual(line._crm_printed_pricing_explanation(), self.explanation)

    def _html(self, user, report, order):
        self.env.invalidate_all()
        return (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(report, order.ids)[0]
            .decode()
        )

    def test_customer_offer_copied_for_another_client_by_its_salesperson(self):
        """The client's own salesperson, who may see its turnover, copies its
        quotation for another client: the quotation printed and the one
        attached to its email give the other client the label, not the
        client's turnover; the salesperson's copy still gives them the
        figures, and Update Prices explains the other client's price."""
        self.env.company.crm_pricing_explanation_on_offers = True
        order = self._order()
        order.user_id = self.owner
        offer = "sale.action_report_saleorder"
        own_copy = "crm_pricing.report_saleorder_salesperson"
        # the client's own offer gives the client its figures
        self.assertIn("52,300", self._html(self.owner, offer, order))
        copy = order.with_user(self.owner).copy({"partner_id": self.other_client.id})
        self.assertAlmostEqual(copy.order_line.price_subtotal, 90.0)
        html = self._html(self.owner, offer, copy)
        self.assertIn("o_crm_pricing_explanation", html)
        self.assertIn("Gold tier", html)
        self.assertNotIn("52,300", html)
        # the quotation attached to the email sent by the salesperson
        template = self.env.ref("sale.email_template_edi_sale")
        attachments = (
            template.with_user(self.owner)
            ._generate_template(copy.ids, ["attachment_ids", "report_template_ids"])[copy.id]
            .get("attachments")
        )
        self.assertTrue(attachments)
        for _name, content in attachments:
            text = base64.b64decode(content).decode()
            self.assertIn("Gold tier", text)
            self.assertNotIn("52,300", text)
        # the salesperson's own copy (internal) still gives them the figures
        self.assertIn("52,300", self._html(self.owner, own_copy, copy))
        # the same for a client written on the quotation itself
        order.with_user(self.owner).partner_id = self.other_client
        self.assertNotIn("52,300", self._html(self.owner, offer, order))
        self.assertIn("Gold tier", self._html(self.owner, offer, order))
        # Update Prices explains the other client's price (no rule met)
        copy.with_user(self.owner).action_update_prices()
        self.assertAlmostEqual(copy.order_line.price_subtotal, 100.0)
        self.assertNotIn("o_crm_pricing_explanation", self._html(self.owner, offer, copy))
        self.assertNotIn("o_crm_pricing_explanation", self._html(self.owner, own_copy, copy))

    def test_migration_gives_kept_figures_their_orders_client(self):
        order = self._order(partner=self.contact)
        line = order.order_line
        line.flush_recordset()
        self.env.cr.execute(
            "UPDATE sale_order_line SET crm_pricing_explanation_client_id = NULL WHERE id = %s",
            [line.id],
        )
        self.env.invalidate_all()
        # without a client, the kept figures are nobody's: the label for all
        self.assertEqual(self._read(order, self.manager), "Gold tier")
        load_migration("crm_pricing", "18.0.1.3.24", "pre-migrate").migrate(
            self.env.cr, "18.0.1.3.23"
        )
        self.env.invalidate_all()
        self.assertEqual(line.sudo().crm_pricing_explanation_client_id, self.client)
        self.assertEqual(self._read(order, self.manager), self.explanation)
        self.assertEqual(self._read(order, self.salesman), "Gold tier")
