import base64
import io

import openpyxl

from odoo import SUPERUSER_ID, Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import PricingCommon


@tagged("post_install", "-at_install")
class TestPricingConfidentiality(PricingCommon):
    """Turnover and rule details only for those who may see them; every bad
    input a clean error (see the README's "Security model")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = {
            "company_id": cls.env.company.id,
            "company_ids": [Command.set(cls.env.company.ids)],
        }

        def user(login, groups):
            return new_test_user(cls.env, login=login, groups=groups, **company)

        cls.salesman = user("prc_sales_a", "sales_team.group_sale_salesman")
        cls.salesman_b = user("prc_sales_b", "sales_team.group_sale_salesman")
        cls.employee = user("prc_employee", "base.group_user")
        cls.accountant = user("prc_accountant", "account.group_account_invoice")
        cls.portal = user("prc_portal", "base.group_portal")
        cls.client.write({"user_id": cls.salesman.id})
        cls.other_client.write({"user_id": cls.salesman_b.id})
        cls._invoice("2026-04-10", 60000.0)
        cls._invoice("2026-04-10", 1000.0, partner=cls.other_client)

    def test_turnover_for_own_clients_and_accounting(self):
        kw = {"date": "2026-07-15"}
        self.assertEqual(
            self.client.with_user(self.salesman).get_trade_turnover(**kw)["amount"], 60000
        )
        self.assertEqual(
            self.client.with_user(self.accountant).get_trade_turnover(**kw)["amount"], 60000
        )
        for user in (self.salesman_b, self.employee):
            with self.assertRaises(AccessError):
                self.client.with_user(user).get_trade_turnover(**kw)
            with self.assertRaises(AccessError):
                self.client.with_user(user).action_view_trade_turnover()
        # the analysis shows salespeople their own clients only
        Report = self.env["crm.turnover.report"]
        seen = Report.with_user(self.salesman).search([]).partner_id
        self.assertIn(self.client, seen)
        self.assertNotIn(self.other_client, seen)
        self.assertIn(self.other_client, Report.with_user(self.accountant).search([]).partner_id)
        with self.assertRaises(AccessError):
            Report.with_user(self.employee).search([])

    def test_turnover_bad_input(self):
        partner = self.client.with_user(self.salesman)
        for kw in (
            {"date": "x"},
            {"date": 20260715},
            {"date": ["2026-07-15"]},
            {"company_id": [self.env.company.id]},
            {"company_id": "1"},
            {"period": "decade"},
        ):
            with self.assertRaises(UserError, msg=kw):
                partner.get_trade_turnover(**kw)

    def test_explanations_are_internal(self):
        self._rule(
            pricing_label="Gold tier",
            percent_price=10.0,
            turnover_period="quarter",
            turnover_period_ref="last",
            min_turnover=50000.0,
        )
        self.client.write({"user_id": self.salesman.id})
        portal_partner = self.portal.partner_id
        portal_partner.write({"parent_id": self.client.id})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "pricelist_id": self.pricelist.id,
                "user_id": self.salesman.id,
                "date_order": "2026-07-15 10:00:00",
                "order_line": [Command.create({"product_id": self.widget.id})],
            }
        )
        line = order.order_line
        self.assertIn("Gold tier", line.with_user(self.salesman).pricing_explanation)
        with self.assertRaises(AccessError):
            line.with_user(self.portal).read(["pricing_explanation"])
        Report = self.env["ir.actions.report"]
        # the portal renders a customer's quotation as superuser, without any
        # value from the URL: no explanation
        html = (
            Report.with_user(SUPERUSER_ID)
            ._render_qweb_html("sale.report_saleorder", order.ids)[0]
            .decode()
        )
        self.assertNotIn("Gold tier", html)
        # a portal user asking /report/... with the salesperson's flag in the URL
        # gets nothing at all
        # gets no explanation (when the rules let them render it at all)
        self.env.invalidate_all()
        try:
            html = (
                Report.with_user(self.portal)
                ._render_qweb_html(
                    "sale.report_saleorder", order.ids, data={"crm_show_pricing_explanation": True}
                )[0]
                .decode()
            )
        except Exception as exc:  # noqa: BLE001 - QWeb wraps the AccessError
            self.assertIsInstance(exc.__cause__ or exc, AccessError)
        else:
            self.assertNotIn("Gold tier", html)
        # the salesperson's copy shows it to sales users, the customer's copy not
        html = (
            Report.with_user(self.salesman)
            ._render_qweb_html("crm_pricing.report_saleorder_salesperson", order.ids)[0]
            .decode()
        )
        self.assertIn("Gold tier", html)
        html = (
            Report.with_user(self.salesman)
            ._render_qweb_html("sale.report_saleorder", order.ids)[0]
            .decode()
        )
        self.assertNotIn("Gold tier", html)
        # the company decides to show them on customers' offers
        self.env.company.crm_pricing_explanation_on_offers = True
        html = (
            Report.with_user(SUPERUSER_ID)
            ._render_qweb_html("sale.report_saleorder", order.ids)[0]
            .decode()
        )
        self.assertIn("Gold tier", html)

    def test_no_context_key_picks_another_clients_price(self):
        self._rule(
            pricing_label="VIP",
            partner_id=self.client.id,
            percent_price=30.0,
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.other_client.id,
                "pricelist_id": self.pricelist.id,
                "user_id": self.salesman_b.id,
            }
        )
        line = (
            self.env["sale.order.line"]
            .with_user(self.salesman_b)
            .with_context(crm_pricing_partner_id=self.client.id)
            .create({"order_id": order.id, "product_id": self.widget.id})
        )
        self.assertEqual(line.price_unit, 100.0)
        self.assertEqual(line.discount, 0.0)

    def test_bad_rules(self):
        for vals in (
            {"percent_price": 150.0, "partner_id": self.client.id},
            {"compute_price": "formula", "price_discount": 150.0, "partner_id": self.client.id},
            {"percent_price": -5.0, "partner_id": self.client.id},
            {"percent_price": 10.0, "turnover_period": "year", "min_turnover": -5.0},
            {"percent_price": 10.0, "turnover_period": "year"},
            {"percent_price": 10.0, "min_turnover": 500.0},
            {"percent_price": 10.0, "turnover_period": "year", "min_turnover": float("nan")},
        ):
            with self.assertRaises(ValidationError, msg=vals):
                self._rule(**vals)

    def test_odoo_rules_stay_odoos(self):
        """A rule of Odoo's own (no client, group, period nor payment
        condition) is checked as Odoo checks it: a formula taking off more
        than the base and adding a surcharge prices as in plain Odoo."""
        product = self._create_product(name="Formula shelf", lst_price=50.0)
        pricelist = self.env["product.pricelist"].create({"name": "Formula list"})
        rule = self.env["product.pricelist.item"].create(
            {
                "pricelist_id": pricelist.id,
                "applied_on": "3_global",
                "compute_price": "formula",
                "base": "list_price",
                "price_discount": 150.0,
                "price_surcharge": 100.0,
            }
        )
        self.assertFalse(rule.is_conditional)
        self.assertAlmostEqual(pricelist._get_product_price(product, 1.0), 75.0)

    def test_price_list_export_neutralises_formulas(self):
        self.client.name = '=HYPERLINK("http://evil.example","x")'
        self._create_product(name="+cmd|' /C calc'!A0", lst_price=5.0)
        self._create_product(name="@SUM(1+1)\x07", lst_price=6.0)
        self._create_product(name="-2+3", lst_price=7.0)
        wizard = self.env["crm.client.pricelist.wizard"].create(
            {"partner_id": self.client.id, "pricelist_id": self.pricelist.id}
        )
        action = wizard.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas)))
        cells = [c for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
        self.assertFalse([c.coordinate for c in cells if c.data_type == "f"])
        texts = {c.value for c in cells}
        self.assertIn('\'=HYPERLINK("http://evil.example","x")', texts)
        self.assertIn("'+cmd|' /C calc'!A0", texts)
        self.assertIn("'@SUM(1+1)", texts)
        self.assertIn("'-2+3", texts)
