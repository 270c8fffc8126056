from odoo import Command
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
