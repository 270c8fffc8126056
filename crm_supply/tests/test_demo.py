from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSupplyDemo(TransactionCase):
    def test_demo_proforma_holds_its_goods(self):
        order = self.env.ref("crm_supply.demo_proforma_order", raise_if_not_found=False)
        if not order:
            return  # database without demo data
        self.assertEqual(order.reservation_count, 2)
        self.assertEqual(sorted(order.reservation_ids.mapped("quantity")), [6.0, 40.0])
