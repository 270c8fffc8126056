"""Review repro (h/review): both tests FAIL on main 0da9e67. Not to merge as is."""

from odoo import Command
from odoo.tests import tagged

from .common import SupplyCase


@tagged("post_install", "-at_install")
class TestReviewFindings(SupplyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.item = cls.env["product.product"].create(
            {"name": "Review Item", "is_storable": True, "list_price": 10.0}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.item, cls.stock, 5.0)
        cls.customers = cls.env.ref("stock.stock_location_customers")

    def test_internal_transfer_line_to_customers_with_unreserved_outgoing(self):
        """An internal transfer of 3 to a shelf whose move line is sent to the
        customers, while another confirmed delivery (3) is not reserved yet and
        a proforma holds 1: free to sell goes from 1 to -2, yet it is allowed
        under block (the same transfer whose move goes to the customers is
        refused)."""
        self.warehouse.out_type_id.reservation_method = "manual"
        self._order(3, product=self.item).action_confirm()
        self._order(1, product=self.item).action_reserve_stock()
        self.assertEqual(self._figures(self.item), (1.0, 1.0))
        self._policy("block")
        shelf = self.env["stock.location"].create(
            {"name": "Review Shelf", "location_id": self.stock.id, "usage": "internal"}
        )
        picking = (
            self.env["stock.picking"]
            .with_user(self.stock_user)
            .create(
                {
                    "picking_type_id": self.warehouse.int_type_id.id,
                    "location_id": self.stock.id,
                    "location_dest_id": shelf.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": "Review Item",
                                "product_id": self.item.id,
                                "product_uom_qty": 3,
                                "product_uom": self.item.uom_id.id,
                                "location_id": self.stock.id,
                                "location_dest_id": shelf.id,
                            }
                        )
                    ],
                }
            )
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking.move_line_ids.location_dest_id = self.customers
        with self.assertRefused("Review Item: 3.00 wanted, 1.00 free to sell"):
            picking.button_validate()
