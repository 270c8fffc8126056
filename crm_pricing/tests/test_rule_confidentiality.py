import datetime
import unittest

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PricingCommon

#: the conditions of a rule only salespeople and accounting read
CONFIDENTIAL = (
    "partner_id",
    "partner_category_id",
    "turnover_period",
    "turnover_period_ref",
    "min_turnover",
    "purchase_categ_id",
    "min_period_qty",
    "min_categ_amount",
    "payment_condition",
    "payment_max_days",
)
DATE = "2026-07-15 10:00:00"


@tagged("post_install", "-at_install")
class TestRuleConfidentiality(PricingCommon):
    """A rule's conditions (client, client group, thresholds, payment) are read
    by salespeople and accounting only; the prices they make, the orders and
    the deliveries work for everyone as before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "stock.picking" not in cls.env:
            # the users outside sales here are the warehouse's (Odoo's stock
            # groups), and the order goes on to its delivery
            raise unittest.SkipTest("crm_pricing without stock: no warehouse users")
        company = cls.env.company

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        cls.stock_user = user("conf_stock", "stock.group_stock_user")
        cls.stock_manager = user("conf_stock_manager", "stock.group_stock_manager")
        cls.salesman = user(
            "conf_salesman", "sales_team.group_sale_salesman,product.group_product_pricelist"
        )
        cls.billing = user("conf_billing", "account.group_account_invoice")
        cls.portal = user("conf_portal", "base.group_portal")
        cls.portal.partner_id.parent_id = cls.client
        cls.gold = cls._rule(
            pricing_label="Gold tier",
            percent_price=10.0,
            turnover_period="quarter",
            min_turnover=50000.0,
        )
        cls.negotiated = cls._rule(
            pricing_label="Negotiated",
            applied_on="0_product_variant",
            product_id=cls.gadget.id,
            compute_price="fixed",
            fixed_price=150.0,
            partner_id=cls.client.id,
            payment_condition=True,
            payment_max_days=15,
        )
        cls._invoice("2026-04-10", 52300.0)
        cls.explanation = f"Gold tier: turnover Q2 2026 = 52,300.00 {cls.currency.name} ≥ 50,000.00"

    # --- who reads the conditions ------------------------------------------------

    def test_warehouse_user_cannot_read_conditions(self):
        Item = self.env["product.pricelist.item"].with_user(self.stock_user)
        rules = (self.gold | self.negotiated).with_user(self.stock_user)
        for fname in CONFIDENTIAL:
            with self.subTest(field=fname):
                with self.assertRaises(AccessError):
                    rules.read([fname])
                with self.assertRaises(AccessError):
                    Item.search_read([("id", "in", rules.ids)], [fname])
                with self.assertRaises(AccessError):
                    Item.search([(fname, "!=", False)])
                with self.assertRaises(AccessError):
                    Item.search([("id", "in", rules.ids)], order=fname)
                # nor through the record in server code run as the user
                with self.assertRaises(AccessError):
                    rules.invalidate_recordset()
                    getattr(rules[0], fname)
        # a plain read gives what the user may read: the labels, not the conditions
        rows = rules.read()
        self.assertFalse(set(CONFIDENTIAL) & set(rows[0]))
        self.assertEqual([row["pricing_label"] for row in rows], ["Gold tier", "Negotiated"])
        self.assertTrue(all(row["is_conditional"] for row in rows))
        self.assertFalse(set(CONFIDENTIAL) & set(Item.fields_get()))

    def test_client_achievement_is_confidential(self):
        gold = self.gold.with_user(self.stock_user).with_context(crm_client_id=self.client.id)
        for fname in ("crm_client_achievement", "crm_client_condition_met"):
            with self.assertRaises(AccessError):
                gold.read([fname])

    def test_salesperson_and_accounting_read_conditions(self):
        for reader in (self.salesman, self.billing):
            with self.subTest(user=reader.login):
                Item = self.env["product.pricelist.item"].with_user(reader)
                row = Item.search_read([("id", "=", self.gold.id)], list(CONFIDENTIAL))[0]
                self.assertEqual(row["min_turnover"], 50000.0)
                self.assertEqual(row["turnover_period"], "quarter")
                self.assertEqual(
                    Item.search([("partner_id", "=", self.client.id)]), self.negotiated
                )
                negotiated = self.negotiated.with_user(reader)
                self.assertTrue(negotiated.payment_condition)
                self.assertEqual(negotiated.payment_max_days, 15)

    def test_turnover_query_checks_access_first(self):
        Item = self.env["product.pricelist.item"]
        start, end = datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)
        company = self.env.company
        with self.assertRaises(AccessError):
            Item.with_user(self.stock_user)._pricing_purchases(self.client, company, start, end, {})
        data = Item.with_user(self.salesman)._pricing_purchases(
            self.client, company, start, end, {}
        )
        self.assertAlmostEqual(sum(amount for amount, _qty in data.values()), 52300.0)

    # --- what keeps working for everyone -----------------------------------------

    def test_warehouse_user_gets_the_client_price(self):
        pricelist = self.pricelist.with_user(self.stock_user)
        date = fields.Datetime.to_datetime(DATE)
        self.assertAlmostEqual(
            pricelist._get_product_price(self.widget, 1.0, date=date, partner=self.client), 90.0
        )
        self.assertEqual(
            pricelist._compute_price_rule(self.widget, 1.0, date=date, partner=self.contact)[
                self.widget.id
            ],
            (90.0, self.gold.id),
        )
        # the negotiated price needs early payment: met with an immediate term only
        self.assertAlmostEqual(
            pricelist._get_product_price(
                self.gadget, 1.0, date=date, partner=self.client, payment_term=self.term_30
            ),
            180.0,
        )
        self.assertAlmostEqual(
            pricelist._get_product_price(
                self.gadget,
                1.0,
                date=date,
                partner=self.client,
                payment_term=self.term_immediate,
            ),
            150.0,
        )
        detail = pricelist._pricing_details(self.widget, 1.0, date=date, partner=self.client)
        # the client's turnover is not theirs to see: the rule's label only
        self.assertEqual(detail[self.widget.id]["explanation"], "Gold tier")
        self.assertEqual(detail[self.widget.id]["rule_id"], self.gold.id)
        # another client does not meet the threshold: Odoo's price
        self.assertAlmostEqual(
            pricelist._get_product_price(self.widget, 1.0, date=date, partner=self.other_client),
            100.0,
        )

    def test_portal_flow_gets_the_client_price(self):
        # the portal's controllers price as superuser for the logged-in customer
        pricelist = self.pricelist.with_user(self.portal).sudo()
        self.assertAlmostEqual(
            pricelist._get_product_price(
                self.widget,
                1.0,
                date=fields.Datetime.to_datetime(DATE),
                partner=self.portal.partner_id,
            ),
            90.0,
        )
        with self.assertRaises(AccessError):
            self.gold.with_user(self.portal).read(["min_turnover"])

    def test_order_priced_confirmed_and_delivered(self):
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.client.id,
                    "pricelist_id": self.pricelist.id,
                    "date_order": DATE,
                    "order_line": [Command.create({"product_id": self.widget.id})],
                }
            )
        )
        line = order.order_line
        self.assertAlmostEqual(line.price_subtotal, 90.0)
        self.assertEqual(line.pricing_explanation, self.explanation)
        order.action_confirm()
        picking = order.picking_ids.with_user(self.stock_user)
        self.assertEqual(len(picking), 1)
        picking.move_ids.quantity = 1.0
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(line.qty_delivered, 1.0)
        self.assertAlmostEqual(line.price_subtotal, 90.0)
        self.assertEqual(line.pricing_explanation, self.explanation)

    def test_stock_manager_edits_plain_rules(self):
        # Odoo lets stock managers edit pricelists: a rule without conditions is
        # still theirs, its constraints checked without the conditions' groups
        Item = self.env["product.pricelist.item"].with_user(self.stock_manager)
        rule = Item.create(
            {
                "pricelist_id": self.pricelist.id,
                "applied_on": "0_product_variant",
                "product_id": self.gadget.id,
                "compute_price": "fixed",
                "fixed_price": 190.0,
            }
        )
        # as on a rule read from the database (no value of the conditions cached)
        rule.invalidate_recordset()
        rule.write({"compute_price": "percentage", "percent_price": 7.5})
        self.assertFalse(rule.is_conditional)
        self.assertAlmostEqual(self.pricelist._get_product_price(self.gadget, 1.0), 185.0)
        with self.assertRaises(AccessError):
            self.gold.with_user(self.stock_manager).write({"percent_price": 50.0})

    def test_views_load_without_the_conditions(self):
        def arch(user, model):
            views = self.env[model].with_user(user).get_views([(False, "form"), (False, "list")])
            return views["views"]["form"]["arch"] + views["views"]["list"]["arch"]

        for user in (self.stock_user, self.stock_manager):
            with self.subTest(user=user.login):
                item_arch = arch(user, "product.pricelist.item")
                self.assertIn("pricing_label", item_arch)
                pricelist_arch = arch(user, "product.pricelist")
                partner_arch = arch(user, "res.partner")
                for fname in CONFIDENTIAL:
                    self.assertNotIn(f'name="{fname}"', item_arch)
                    self.assertNotIn(f'name="{fname}"', pricelist_arch)
                self.assertNotIn("crm_pricing_conditions", item_arch)
                self.assertNotIn("crm_pricing_rule_ids", partner_arch)
        item_arch = arch(self.salesman, "product.pricelist.item")
        self.assertIn('name="min_turnover"', item_arch)
        self.assertIn("crm_pricing_conditions", item_arch)
        self.assertIn("crm_pricing_rule_ids", arch(self.billing, "res.partner"))

    def test_explanation_hides_turnover_from_other_salespeople(self):
        # the client is the salesman's: another salesperson may not see its
        # turnover, and does not read it in the explanation of their quotation
        company = self.env.company
        other = new_test_user(
            self.env,
            login="conf_other_salesman",
            groups="sales_team.group_sale_salesman,product.group_product_pricelist",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        manager = new_test_user(
            self.env,
            login="conf_sales_manager",
            groups="sales_team.group_sale_manager,product.group_product_pricelist",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        self.client.user_id = self.salesman
        with self.assertRaises(AccessError):
            self.client.with_user(other).get_trade_turnover(
                period="quarter", period_ref="last", date="2026-07-15"
            )

        def quotation(user):
            return (
                self.env["sale.order"]
                .with_user(user)
                .create(
                    {
                        "partner_id": self.client.id,
                        "user_id": user.id,
                        "pricelist_id": self.pricelist.id,
                        "date_order": DATE,
                        "order_line": [Command.create({"product_id": self.widget.id})],
                    }
                )
            )

        theirs = quotation(other)
        line = theirs.order_line
        # the rule applies (the price is not confidential), its figures are not shown
        self.assertAlmostEqual(line.price_subtotal, 90.0)
        self.assertEqual(line.pricing_explanation, "Gold tier")
        self.assertEqual(line.pricing_details["explanation"], "Gold tier")
        self.assertEqual(line.pricing_details["rule_id"], self.gold.id)
        row = line.read(["pricing_explanation", "pricing_details"])[0]
        self.assertNotIn("52,300", str(row))
        self.assertNotIn("50,000", str(row))
        # the client's salesperson gets the figures on their quotation
        ours = quotation(self.salesman)
        self.assertAlmostEqual(ours.order_line.price_subtotal, 90.0)
        self.assertEqual(ours.order_line.pricing_explanation, self.explanation)
        # a sales manager updating the prices of the other quotation gets them too
        theirs.with_user(manager).action_update_prices()
        self.assertEqual(line.with_user(manager).pricing_explanation, self.explanation)
        self.assertEqual(line.with_user(manager).pricing_details["explanation"], self.explanation)
        # ... and the other salesperson still does not: the kept explanation is
        # given with figures to who may see them, whoever priced the line
        self.env.invalidate_all()
        self.assertEqual(line.pricing_explanation, "Gold tier")
        row = line.read(["pricing_explanation", "crm_pricing_explanation_label"])[0]
        self.assertNotIn("52,300", str(row))
        with self.assertRaises(AccessError):
            line.read(["crm_pricing_explanation_full"])
        Report = self.env["ir.actions.report"]
        html = (
            Report.with_user(other)
            ._render_qweb_html("crm_pricing.report_saleorder_salesperson", theirs.ids)[0]
            .decode()
        )
        self.assertIn("Gold tier", html)
        self.assertNotIn("52,300", html)
        html = (
            Report.with_user(manager)
            ._render_qweb_html("crm_pricing.report_saleorder_salesperson", theirs.ids)[0]
            .decode()
        )
        self.assertIn("52,300", html)
        # and the other salesperson's own update writes the label only again
        theirs.with_user(other).action_update_prices()
        self.assertEqual(line.pricing_explanation, "Gold tier")
        self.assertAlmostEqual(line.price_subtotal, 90.0)

    def test_client_pricelist_for_salesperson(self):
        wizard = (
            self.env["crm.client.pricelist.wizard"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.client.id,
                    "pricelist_id": self.pricelist.id,
                    "date": "2026-07-15",
                }
            )
        )
        lines = {line["product_id"]: line for line in wizard.get_lines()}
        self.assertEqual(lines[self.widget.id]["rule"], "Gold tier")
        self.assertAlmostEqual(lines[self.widget.id]["price"], 90.0)
        self.assertEqual(lines[self.widget.id]["explanation"], self.explanation)
