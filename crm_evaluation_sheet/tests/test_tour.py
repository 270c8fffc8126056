from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestEvaluationSheetTour(HttpCase):
    def test_fill_finalize_generate(self):
        component = self.env["product.product"].create(
            {"name": "Tour Component", "list_price": 10.0, "taxes_id": [Command.clear()]}
        )
        self.env["product.product"].create(
            {
                "name": "Tour Kit",
                "type": "service",
                "list_price": 99.0,
                "taxes_id": [Command.clear()],
                "recipe_line_ids": [Command.create({"product_id": component.id, "quantity": 3})],
            }
        )
        self.env["res.partner"].create({"name": "Tour Customer"})
        new_test_user(
            self.env,
            login="evs_tour",
            groups="sales_team.group_sale_salesman,base.group_user",
        )
        self.start_tour("/odoo", "crm_evaluation_sheet_tour", login="evs_tour")
        sheet = self.env["crm.evaluation.sheet"].search([("partner_id.name", "=", "Tour Customer")])
        self.assertEqual(sheet.state, "finalized")
        order = sheet.sale_order_ids
        self.assertEqual(len(order), 1)
        self.assertEqual(
            order.order_line.mapped("name"),
            ["Tour Kit × 2 Units", "Tour Component"],
        )
        self.assertEqual(order.order_line[1].product_uom_qty, 6)
