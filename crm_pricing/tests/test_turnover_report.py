from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


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
