import base64
import contextlib
import io
from unittest.mock import patch

import openpyxl

from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .common import PricingCommon

TURNOVER_SQL = "am.commercial_partner_id = %s"


@tagged("post_install", "-at_install")
class TestSaleOrderPricing(PricingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("product.group_product_pricelist")
        cls.gold = cls._rule(
            pricing_label="Gold tier",
            percent_price=10.0,
            turnover_period="quarter",
            min_turnover=50000.0,
        )
        cls._invoice("2026-04-10", 52300.0)
        cls.salesman = new_test_user(
            cls.env,
            login="pricing_so_salesman",
            groups="sales_team.group_sale_salesman,product.group_product_pricelist",
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
        )
        cls.group_discount = cls.env.ref("sale.group_discount_per_so_line")
        cls.root = cls.env.ref("base.user_root")
        cls.explanation = f"Gold tier: turnover Q2 2026 = 52,300.00 {cls.currency.name} ≥ 50,000.00"

    def _order(self, lines=None, **vals):
        return self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "pricelist_id": self.pricelist.id,
                "date_order": "2026-07-15 10:00:00",
                "order_line": [
                    Command.create({"product_id": p.id, "product_uom_qty": q})
                    for p, q in (lines or [(self.widget, 1)])
                ],
                **vals,
            }
        )

    def _twenty_products(self):
        return [
            self._create_product(name=f"P{i}", lst_price=10.0 + i, categ_id=self.categ_w.id)
            for i in range(20)
        ]

    @contextlib.contextmanager
    def _spy_queries(self):
        """The SQL queries sent inside the ``with`` block, as text."""
        queries = []
        cursor_cls = type(self.env.cr)
        execute = cursor_cls.execute

        def spy(cr, query, params=None, log_exceptions=True):
            queries.append(str(query))
            return execute(cr, query, params, log_exceptions)

        with patch.object(cursor_cls, "execute", spy):
            yield queries

    def test_form_shows_price_and_explanation(self):
        self.root.groups_id -= self.group_discount
        orders = self.env["sale.order"].with_context(default_date_order="2026-07-15 10:00:00")
        with Form(orders.with_user(self.salesman)) as order_form:
            order_form.partner_id = self.client
            order_form.pricelist_id = self.pricelist
            with order_form.order_line.new() as line:
                line.product_id = self.widget
                self.assertAlmostEqual(line.price_unit, 90.0)
                self.assertEqual(line.pricing_explanation, self.explanation)
            with order_form.order_line.new() as line:
                line.product_id = self.gadget
                self.assertAlmostEqual(line.price_unit, 180.0)
        order = order_form.record
        self.assertEqual(order.order_line[0].pricing_explanation, self.explanation)
        self.assertAlmostEqual(order.amount_untaxed, 270.0)

    def test_client_or_term_change_offers_update_prices(self):
        """A conditional price depends on the client and the payment term (and
        the date, not editable on a quotation's form): changing one of them on
        a quotation with lines offers Update Prices, as changing the pricelist
        does; a plain pricelist does not."""
        (self.client | self.other_client).property_product_pricelist = self.pricelist
        order = self._order(user_id=self.salesman.id)
        self.assertEqual(order.order_line.pricing_explanation, self.explanation)
        immediate = self.env.ref("account.account_payment_term_immediate")
        for field, value in (
            ("partner_id", self.other_client),
            ("payment_term_id", immediate),
        ):
            with Form(order.with_user(self.salesman)) as order_form:
                self.assertFalse(order_form.show_update_pricelist)
                setattr(order_form, field, value)
                self.assertEqual(order_form.pricelist_id, self.pricelist)
                self.assertTrue(order_form.show_update_pricelist, field)
                order_form.partner_id = self.client  # back for the next field
        # a pricelist without conditional rules: nothing to offer
        plain = self.env["product.pricelist"].create({"name": "Plain"})
        order.pricelist_id = plain
        order.action_update_prices()
        with Form(order.with_user(self.salesman)) as order_form:
            order_form.payment_term_id = self.env["account.payment.term"]
            self.assertFalse(order_form.show_update_pricelist)

    def test_discount_shown_when_discounts_enabled(self):
        # Odoo shows pricelist discounts when the superuser has the group
        self.root.groups_id += self.group_discount
        line = self._order().order_line
        self.assertAlmostEqual(line.price_unit, 100.0)
        self.assertAlmostEqual(line.discount, 10.0)
        self.assertEqual(line.pricelist_item_id, self.gold)
        self.assertAlmostEqual(line.price_subtotal, 90.0)

    def test_product_catalog_shows_client_price(self):
        order = self._order()
        data = order._get_product_catalog_order_data(self.widget | self.gadget)
        self.assertAlmostEqual(data[self.widget.id]["price"], 90.0)
        self.assertAlmostEqual(data[self.gadget.id]["price"], 180.0)

    def test_product_catalog_ignores_pricing_arguments_of_the_request(self):
        """Odoo's catalog route (/product/catalog/order_lines_info) passes the
        request's other parameters down: the catalog prices for the order's
        client, payment term and company, whatever they say, and the pricing
        engine's cache is its own."""
        ours = self._order()
        theirs = self._order(partner_id=self.other_client.id)
        extras = [
            {"partner": self.client.id},
            {"partner": self.other_client.id},
            {"partner": "x"},
            {"company": self.env.company.id},
            {"payment_term": self.term_30.id},
            {"crm_pricing_rules": [1]},
            {"crm_pricing_cache": {}},
        ]
        for order, price in ((ours, 180.0), (theirs, 200.0)):
            for extra in extras:
                with self.subTest(order=order.partner_id.name, extra=extra):
                    info = order._get_product_catalog_order_line_info([self.gadget.id], **extra)
                    self.assertAlmostEqual(info[self.gadget.id]["price"], price)
                    self.assertEqual(extra.get("crm_pricing_cache", {}), {})

    def test_no_condition_met_standard_odoo_price(self):
        line = self._order(partner_id=self.other_client.id).order_line
        self.assertAlmostEqual(line.price_unit, 100.0)
        self.assertFalse(line.pricing_explanation)
        self.assertFalse(line.pricelist_item_id)

    def test_manual_price_kept_and_update_prices(self):
        order = self._order()
        line = order.order_line
        self.assertEqual(line.pricing_explanation, self.explanation)
        line.price_unit = 77.0
        line.product_uom_qty = 3
        self.assertAlmostEqual(line.price_unit, 77.0)
        # the explanation still tells how the replaced price was computed
        self.assertEqual(line.pricing_explanation, self.explanation)
        # the client drops below the threshold: "Update prices" recomputes both
        self._invoice("2026-06-01", 5000.0, move_type="out_refund")
        order.action_update_prices()
        self.assertAlmostEqual(line.price_unit, 100.0)
        self.assertFalse(line.pricing_explanation)

    def test_copy_keeps_explanations_of_kept_prices(self):
        """A copy of a quotation (Duplicate, a revision) keeps its lines'
        prices, a price set by hand included: it keeps the explanations that
        go with them, though the salesperson who copies cannot write them, and
        on a date when the rule no longer applies; a price recomputed on the
        copy gets its own explanation."""
        order = self._order(lines=[(self.widget, 1), (self.gadget, 1)], user_id=self.salesman.id)
        manual, auto = order.order_line
        manual.price_unit = 77.0
        self.assertEqual(manual.pricing_explanation, self.explanation)
        # a quarter without turnover: the rule does not apply on the copy's date
        copy = order.with_user(self.salesman).copy({"date_order": "2027-01-15 10:00:00"})
        copied_manual, copied_auto = copy.order_line
        self.assertAlmostEqual(copied_manual.price_unit, 77.0)
        self.assertAlmostEqual(copied_auto.price_unit, 180.0)
        for line, original in ((copied_manual, manual), (copied_auto, auto)):
            self.assertEqual(line.pricing_explanation, self.explanation)
            self.assertEqual(
                line.crm_pricing_explanation_full, original.crm_pricing_explanation_full
            )
            self.assertEqual(
                line.crm_pricing_explanation_label, original.crm_pricing_explanation_label
            )
        self.assertEqual(
            copy.with_user(self.salesman).order_line.mapped("pricing_explanation"),
            [self.explanation, self.explanation],
        )
        # the computed price is recomputed with its quantity, and so is its explanation
        copied_auto.with_user(self.salesman).product_uom_qty = 2
        self.assertAlmostEqual(copied_auto.price_unit, 200.0)
        self.assertFalse(copied_auto.crm_pricing_explanation_full)
        self.assertFalse(copied_auto.pricing_explanation)
        # the price set by hand stays with its explanation until Update Prices
        copied_manual.with_user(self.salesman).product_uom_qty = 2
        self.assertAlmostEqual(copied_manual.price_unit, 77.0)
        self.assertEqual(copied_manual.pricing_explanation, self.explanation)
        copy.with_user(self.salesman).action_update_prices()
        self.assertAlmostEqual(copied_manual.price_unit, 100.0)
        self.assertFalse(copied_manual.pricing_explanation)
        # the original is untouched
        self.assertEqual(order.order_line.mapped("pricing_explanation"), [self.explanation] * 2)

    def test_copy_with_recomputed_lines_keeps_their_explanations(self):
        """A copy on the same conditions: the computed lines' explanations
        are the same fresh ones; a copy given its own lines keeps what was
        computed for them."""
        order = self._order(lines=[(self.widget, 1)], user_id=self.salesman.id)
        copy = order.with_user(self.salesman).copy({"date_order": "2026-07-20 10:00:00"})
        self.assertEqual(copy.order_line.pricing_explanation, self.explanation)
        order.order_line.price_unit = 77.0
        fresh = order.with_user(self.salesman).copy(
            {
                "date_order": "2027-01-15 10:00:00",
                "order_line": [Command.create({"product_id": self.widget.id})],
            }
        )
        self.assertAlmostEqual(fresh.order_line.price_unit, 100.0)
        self.assertFalse(fresh.order_line.pricing_explanation)

    def test_one_turnover_query_per_order(self):
        products = self._twenty_products()
        with self._spy_queries() as queries:
            order = self._order(lines=[(p, 2) for p in products])
            order.flush_recordset()
        self.assertEqual(sum(TURNOVER_SQL in q for q in queries), 1)
        self.assertEqual(set(order.order_line.mapped("pricing_explanation")), {self.explanation})

    def test_update_prices_looks_rules_up_once(self):
        """Lines of the same quantity are priced together: "Update prices" looks
        the rules up once for the order, not once per line, and writes only the
        explanations that change."""
        products = self._twenty_products()
        order = self._order(lines=[(p, 2) for p in products])
        order.flush_recordset()
        with self._spy_queries() as queries:
            order.action_update_prices()
            order.flush_recordset()
        self.assertEqual(sum('FROM "product_pricelist_item"' in q for q in queries), 2)
        self.assertFalse([q for q in queries if "pricing_explanation" in q])
        self.assertEqual(set(order.order_line.mapped("pricing_explanation")), {self.explanation})

    def test_update_prices_varied_quantities_share_the_rule_search(self):
        """Lines of different quantities are priced one by one, but Odoo's search
        of the pricelist's standard rules runs once for the order."""
        products = self._twenty_products()
        order = self._order(lines=[(p, i + 1) for i, p in enumerate(products)])
        order.flush_recordset()
        with self._spy_queries() as queries:
            order.action_update_prices()
            order.flush_recordset()
        # the client's conditional rules, then the standard ones for the 20 products
        self.assertEqual(sum('FROM "product_pricelist_item"' in q for q in queries), 2)
        self.assertEqual(set(order.order_line.mapped("pricing_explanation")), {self.explanation})
        self.assertEqual(
            order.order_line.mapped("price_unit"),
            [round((10.0 + i) * 0.9, 2) for i in range(20)],
        )

    def test_shared_rule_search_same_prices_as_one_by_one(self):
        """The standard rules searched once for the order's products are filtered
        product by product and quantity by quantity as Odoo does: every line gets
        the price and rule it gets when priced alone."""
        self._rule(
            applied_on="0_product_variant",
            product_id=self.widget.id,
            compute_price="fixed",
            fixed_price=50.0,
            min_quantity=5,
        )
        self._rule(
            applied_on="2_product_category",
            categ_id=self.categ_o.id,
            percent_price=25.0,
            min_quantity=10,
        )
        # listed before the category rule (Odoo's order): it wins from 20 units on
        self._rule(
            applied_on="1_product",
            product_tmpl_id=self.gadget.product_tmpl_id.id,
            percent_price=5.0,
            min_quantity=20,
        )
        lines = [
            (self.widget, 1),
            (self.widget, 6),
            (self.widget, 12),
            (self.gadget, 3),
            (self.gadget, 12),
            (self.gadget, 25),
        ]
        order = self._order(lines=lines)
        order.action_update_prices()
        alone = [self._price(product, qty) for product, qty in lines]
        self.assertEqual(
            order.order_line.mapped("price_unit"), [90.0, 50.0, 50.0, 180.0, 150.0, 180.0]
        )
        self.assertEqual(order.order_line.mapped("price_unit"), alone)
        kept = f"{self.explanation} (standard price kept, it is lower)"
        self.assertEqual(
            order.order_line.mapped("pricing_explanation"),
            [self.explanation, kept, kept, self.explanation, kept, self.explanation],
        )

    def test_update_prices_batch_keeps_each_client_and_quantity(self):
        """Lines priced together (two clients' orders in one "Update prices",
        lines of the same product and quantity) keep their own client's
        conditions, quantity and explanation; a second update in the same
        transaction sees the turnover posted since the first."""
        bulk = self._rule(
            pricing_label="Bulk",
            percent_price=15.0,
            turnover_period="quarter",
            min_turnover=50000.0,
            min_quantity=5,
        )
        self._invoice("2026-05-10", 60000.0, partner=self.other_client)
        mine = self._order(lines=[(self.widget, 5), (self.widget, 10), (self.gadget, 1)])
        other = self._order(
            lines=[(self.widget, 5), (self.widget, 1)], partner_id=self.other_client.id
        )
        orders = mine | other
        cur = self.currency.name

        def explanations(turnover):
            bulk = f"Bulk: turnover Q2 2026 = {turnover} {cur} ≥ 50,000.00"
            return [
                f"{bulk}, quantity 5.00 ≥ 5.00 Units",
                f"{bulk}, quantity 10.00 ≥ 5.00 Units",
                f"Gold tier: turnover Q2 2026 = {turnover} {cur} ≥ 50,000.00",
            ]

        orders._recompute_prices()
        self.assertEqual(mine.order_line.mapped("pricing_explanation"), explanations("52,300.00"))
        self.assertEqual(
            other.order_line.mapped("pricing_explanation"),
            [
                f"Bulk: turnover Q2 2026 = 60,000.00 {cur} ≥ 50,000.00, quantity 5.00 ≥ 5.00 Units",
                f"Gold tier: turnover Q2 2026 = 60,000.00 {cur} ≥ 50,000.00",
            ],
        )
        self.assertEqual(mine.order_line.pricelist_item_id, bulk | self.gold)
        self.assertEqual(mine.order_line.mapped("price_subtotal"), [425.0, 850.0, 180.0])

        # the client buys more, the other client gets a credit note: same transaction
        self._invoice("2026-06-20", 1000.0)
        self._invoice("2026-06-21", 20000.0, move_type="out_refund", partner=self.other_client)
        orders._recompute_prices()
        self.assertEqual(mine.order_line.mapped("pricing_explanation"), explanations("53,300.00"))
        self.assertEqual(other.order_line.mapped("pricing_explanation"), [False, False])
        self.assertFalse(other.order_line.pricelist_item_id)
        self.assertEqual(other.order_line.mapped("price_subtotal"), [500.0, 100.0])

    def test_salesperson_pdf_only(self):
        order = self._order()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_pricing.action_report_saleorder_salesperson", order.ids)[0]
            .decode()
        )
        self.assertIn("o_crm_pricing_explanation", html)
        self.assertIn("Gold tier", html)
        customer_html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sale.action_report_saleorder", order.ids)[0]
            .decode()
        )
        self.assertNotIn("o_crm_pricing_explanation", customer_html)
        self.assertNotIn("Gold tier", customer_html)

    def test_partner_turnover_button(self):
        self._invoice("2026-08-10", 100.0, partner=self.contact)
        action = self.contact.action_view_trade_turnover()
        self.assertEqual(action["domain"], [("partner_id", "=", self.client.id)])
        report = self.env["crm.turnover.report"].search(action["domain"])
        self.assertEqual(sorted(report.mapped("half_year")), ["2026 H1", "2026 H2"])
        groups = self.env["crm.turnover.report"]._read_group(
            action["domain"], ["half_year"], ["amount:sum"]
        )
        self.assertEqual(dict(groups), {"2026 H1": 52300.0, "2026 H2": 100.0})

    def test_client_price_list_pdf_and_xlsx(self):
        self.client.property_product_pricelist = self.pricelist
        wizard = (
            self.env["crm.client.pricelist.wizard"]
            .with_user(self.salesman)
            .create(
                {"partner_id": self.client.id, "date": "2026-07-15", "categ_id": self.categ_w.id}
            )
        )
        self.assertEqual(wizard.pricelist_id, self.pricelist)
        lines = wizard.get_lines()
        widget = next(line for line in lines if line["product_id"] == self.widget.id)
        self.assertEqual(
            (widget["list_price"], widget["price"], widget["rule"]), (100.0, 90.0, "Gold tier")
        )
        self.assertEqual(widget["explanation"], self.explanation)
        self.assertNotIn(self.gadget.id, [line["product_id"] for line in lines])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_pricing.action_report_client_pricelist", wizard.ids)[0]
            .decode()
        )
        self.assertIn("Gold tier", html)
        report = wizard.action_print_pdf()
        self.assertEqual(report["report_name"], "crm_pricing.report_client_pricelist")
        # nothing XML-RPC cannot carry (Odoo's action holds None values)
        self.assertNotIn(None, report.values())
        action = wizard.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas)))
        rows = list(book.active.iter_rows(values_only=True))
        self.assertIn(
            ("Widget", 100.0, "Gold tier", 90.0), [(r[1], r[3], r[4], r[5]) for r in rows]
        )
