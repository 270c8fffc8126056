from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSupplyTour(HttpCase):
    def test_reserve_then_warned_on_another_quotation(self):
        company = self.env.ref("base.main_company")
        company.reserved_stock_policy = "warn"
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        product = self.env["product.product"].create(
            {"name": "Tour Supply Drill", "is_storable": True, "list_price": 50.0}
        )
        self.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 5.0)
        self.env["res.partner"].create({"name": "Tour Other Customer"})
        proforma = self.env["sale.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Tour Proforma Customer"}).id,
                "warehouse_id": warehouse.id,
                "user_id": self.env.ref("base.user_admin").id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 4})],
            }
        )
        self.start_tour("/odoo", "crm_supply_reservation_tour", login="admin")
        self.assertEqual(proforma.reservation_ids.quantity, 4.0)
        other = self.env["sale.order"].search([("partner_id.name", "=", "Tour Other Customer")])
        self.assertEqual(other.order_line.product_uom_qty, 3.0)
        # the figures are in the label while picking, not in the line's description
        self.assertNotIn("free to sell", other.order_line.name)
