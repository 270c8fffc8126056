from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL
from odoo.tools.sql import index_exists, table_kind

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.crm_pricing.report.crm_turnover_report import TURNOVER_INDEX


def menu_reachable(menu, user):
    """True when ``user`` sees ``menu`` and every menu above it."""
    visible = menu.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
    return all(int(i) in visible for i in menu.parent_path.strip("/").split("/"))


@tagged("post_install", "-at_install")
class TestTurnoverReport(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.env["res.partner"].create({"name": "Turnover Client"})
        cls.salesman = new_test_user(
            cls.env, login="turnover_salesman", groups="sales_team.group_sale_salesman"
        )

    def _move(self, move_type, price, post=True):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.client.id,
                "invoice_date": "2026-03-15",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "quantity": 1,
                            "price_unit": price,
                            "tax_ids": [Command.set(self.tax_sale_a.ids)],
                        }
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def test_posted_invoices_minus_refunds_untaxed(self):
        self._move("out_invoice", 1000.0)
        self._move("out_refund", 300.0)
        self._move("out_invoice", 5000.0, post=False)  # draft: does not count
        Report = self.env["crm.turnover.report"]
        groups = Report._read_group([("partner_id", "=", self.client.id)], [], ["amount:sum"])
        self.assertAlmostEqual(groups[0][0], 700.0)

    def test_salesman_reads_but_cannot_write(self):
        self._move("out_invoice", 100.0)
        lines = (
            self.env["crm.turnover.report"]
            .with_user(self.salesman)
            .search([("partner_id", "=", self.client.id)])
        )
        self.assertEqual(len(lines), 1)
        with self.assertRaises(AccessError):
            lines.write({"amount": 1.0})

    def test_half_year_and_multi_company_rule(self):
        self._move("out_invoice", 100.0)
        company_2 = self.setup_other_company()["company"]
        other = (
            self.env["account.move"]
            .with_company(company_2)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.client.id,
                    "invoice_date": "2026-09-15",
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": self.product_a.id, "price_unit": 50.0, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        other.action_post()
        user = new_test_user(
            self.env,
            login="turnover_company_1",
            groups="sales_team.group_sale_salesman",
            company_id=self.env.company.id,
            company_ids=[Command.set(self.env.company.ids)],
        )
        Report = self.env["crm.turnover.report"]
        domain = [("partner_id", "=", self.client.id)]
        all_lines = Report.sudo().search(domain)  # sudo: both companies, no record rule
        self.assertEqual(sorted(all_lines.mapped("half_year")), ["2026 H1", "2026 H2"])
        lines = Report.with_user(user).search(domain)
        self.assertEqual(lines.mapped("half_year"), ["2026 H1"])
        self.assertEqual(lines.company_id, self.env.company)

    def test_menu_in_sales_reporting_for_managers(self):
        manager = new_test_user(
            self.env, login="turnover_manager", groups="sales_team.group_sale_manager"
        )
        menu = self.env.ref("crm_pricing.crm_turnover_report_menu")
        self.assertTrue(menu_reachable(menu, manager))
        self.assertFalse(menu_reachable(menu, self.salesman))


@tagged("post_install", "-at_install")
class TestOneTurnoverDefinition(AccountTestInvoicingCommon):
    """The turnover report and the pricing rules read one definition: the same
    amount and the same quantity in the product's unit, refunds included."""

    def test_report_and_rule_agree(self):
        client = self.env["res.partner"].create({"name": "One Definition Client"})
        unit = self.env.ref("uom.product_uom_unit")
        dozen = self.env.ref("uom.product_uom_dozen")
        product = self.env["product.product"].create(
            {"name": "Counted Bolt", "uom_id": unit.id, "uom_po_id": unit.id, "list_price": 1}
        )

        def move(move_type, qty, uom, price):
            invoice = self.env["account.move"].create(
                {
                    "move_type": move_type,
                    "partner_id": client.id,
                    "invoice_date": "2026-03-15",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": qty,
                                "product_uom_id": uom.id,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            invoice.action_post()

        move("out_invoice", 2, dozen, 10.0)  # 24 bolts, 20.00
        move("out_invoice", 6, unit, 1.0)  # 6 bolts, 6.00
        move("out_refund", 1, dozen, 10.0)  # -12 bolts, -10.00
        self.env.flush_all()
        Item = self.env["product.pricelist.item"]
        company = self.env.company
        start, end = fields.Date.to_date("2026-01-01"), fields.Date.to_date("2026-12-31")
        data = Item._pricing_purchases(client, company, start, end, {})
        rule_amount = sum(amount for amount, _qty in data.values())
        rule_qty = data[product.categ_id.id][1]
        [(amount, qty)] = self.env["crm.turnover.report"]._read_group(
            [("partner_id", "=", client.id)], [], ["amount:sum", "quantity:sum"]
        )
        self.assertAlmostEqual(rule_amount, 16.0)
        self.assertAlmostEqual(rule_qty, 18.0, msg="in the product's unit")
        self.assertAlmostEqual(amount, rule_amount)
        self.assertAlmostEqual(qty, rule_qty)
        turnover = client.get_trade_turnover("year", "current", date="2026-06-30")
        self.assertAlmostEqual(turnover["amount"], 16.0)


@tagged("post_install", "-at_install")
class TestTurnoverReportCurrencies(AccountTestInvoicingCommon):
    """Several companies selected in different currencies: the analysis gives
    every amount in the current company's currency (converted at the latest
    rate, as Odoo's invoice analysis does), so that its totals add one
    currency; each line keeps its amount in its company's currency, the figure
    the pricing rules count."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_1 = cls.env.company
        cls.usd = cls.company_1.currency_id
        # 1 USD = 2 EUR in the books of company 1 (the current rate)
        cls.eur = cls.setup_other_currency("EUR", rates=[("2020-01-01", 4.0), ("2024-01-01", 2.0)])
        cls.company_2 = cls.setup_other_company(currency_id=cls.eur.id)["company"]
        # 1 EUR = 0.5 USD in the books of company 2 (the current rate); the
        # dollar is company 1's reference (no rate of its own: 1)
        cls.usd.rate_ids.unlink()
        cls.env["res.currency.rate"].create(
            {
                "name": "2024-01-01",
                "rate": 0.5,
                "currency_id": cls.usd.id,
                "company_id": cls.company_2.id,
            }
        )
        cls.client = cls.env["res.partner"].create({"name": "Two Currencies Client"})
        both = cls.company_1 | cls.company_2
        cls.salesman = new_test_user(
            cls.env,
            login="turnover_two_currencies",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_1.id,
            company_ids=[Command.set(both.ids)],
        )
        cls.salesman_1 = new_test_user(
            cls.env,
            login="turnover_one_currency",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_1.id,
            company_ids=[Command.set(cls.company_1.ids)],
        )
        cls._invoice(cls.company_1, 1000.0)  # 1000 USD
        cls._invoice(cls.company_2, 500.0)  # 500 EUR
        cls._invoice(cls.company_2, 100.0, move_type="out_refund")  # -100 EUR

    @classmethod
    def _invoice(cls, company, price, move_type="out_invoice"):
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": cls.client.id,
                    "invoice_date": "2026-03-15",
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": cls.product_a.id, "price_unit": price, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def _report(self, user, *companies):
        return (
            self.env["crm.turnover.report"]
            .with_user(user)
            .with_context(allowed_company_ids=[company.id for company in companies])
        )

    def _total(self, report, groupby=()):
        return report._read_group([("partner_id", "=", self.client.id)], groupby, ["amount:sum"])

    def test_total_in_the_current_companys_currency(self):
        # company 1 current: 1000 USD + 400 EUR at 2 EUR a dollar = 1200 USD
        report = self._report(self.salesman, self.company_1, self.company_2)
        [(total,)] = self._total(report)
        self.assertAlmostEqual(total, 1200.0)
        by_company = dict(self._total(report, ["company_id"]))
        self.assertAlmostEqual(by_company[self.company_1], 1000.0)
        self.assertAlmostEqual(by_company[self.company_2], 200.0)
        lines = report.search_read(
            [("partner_id", "=", self.client.id), ("company_id", "=", self.company_2.id)],
            ["amount", "currency_id", "amount_company_currency", "company_currency_id"],
        )
        self.assertEqual(
            sorted((line["amount"], line["amount_company_currency"]) for line in lines),
            [(-50.0, -100.0), (250.0, 500.0)],
        )
        self.assertEqual({line["currency_id"][0] for line in lines}, {self.usd.id})
        self.assertEqual({line["company_currency_id"][0] for line in lines}, {self.eur.id})
        # company 2 current (the same companies selected): 400 EUR + 1000 USD
        # at 0.5 USD a euro = 2400 EUR, at company 2's own rate
        self.env.invalidate_all()
        report = self._report(self.salesman, self.company_2, self.company_1)
        [(total,)] = self._total(report)
        self.assertAlmostEqual(total, 2400.0)
        [line] = report.search_read(
            [("partner_id", "=", self.client.id), ("company_id", "=", self.company_1.id)],
            ["amount", "currency_id", "amount_company_currency", "company_currency_id"],
        )
        self.assertEqual(line["currency_id"][0], self.eur.id)
        self.assertAlmostEqual(line["amount"], 2000.0)
        self.assertAlmostEqual(line["amount_company_currency"], 1000.0)
        self.assertEqual(line["company_currency_id"][0], self.usd.id)

    def test_one_company_unchanged(self):
        report = self._report(self.salesman_1, self.company_1)
        [(total,)] = self._total(report)
        self.assertAlmostEqual(total, 1000.0)
        [line] = report.search_read([("partner_id", "=", self.client.id)], ["currency_id"])
        self.assertEqual(line["currency_id"][0], self.usd.id)
        # company 2 alone, in its own currency, for a user of both companies
        self.env.invalidate_all()
        [(total,)] = self._total(self._report(self.salesman, self.company_2))
        self.assertAlmostEqual(total, 400.0)

    def test_pricing_rules_keep_the_company_currency(self):
        """The rules (and get_trade_turnover) count each company's turnover in
        its own currency, whatever companies are selected."""
        partner = self.client.with_user(self.salesman).with_context(
            allowed_company_ids=[self.company_1.id, self.company_2.id]
        )
        kw = {"period": "year", "period_ref": "current", "date": "2026-06-30"}
        turnover = partner.get_trade_turnover(company_id=self.company_2.id, **kw)
        self.assertEqual((turnover["amount"], turnover["currency"]), (400.0, "EUR"))
        turnover = partner.get_trade_turnover(company_id=self.company_1.id, **kw)
        self.assertEqual((turnover["amount"], turnover["currency"]), (1000.0, "USD"))


@tagged("post_install", "-at_install")
class TestTurnoverReportNoView(TransactionCase):
    """The analysis is a query per request (``_table_query``): no view, nor
    table, of that name is left in the database, an old view included."""

    def test_no_view_left(self):
        Report = self.env["crm.turnover.report"]
        self.assertIsNone(table_kind(self.env.cr, Report._table))
        # a database of an older version had the view: upgrading drops it
        self.env.cr.execute(SQL("CREATE VIEW %s AS SELECT 1 AS id", SQL.identifier(Report._table)))
        Report.init()
        self.assertIsNone(table_kind(self.env.cr, Report._table))
        self.assertTrue(index_exists(self.env.cr, TURNOVER_INDEX))
