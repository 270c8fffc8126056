from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDailyRunTimes(TransactionCase):
    def test_expiry_before_the_low_stock_check(self):
        """Each daily run at a time of day of its own (both ran at the
        installation's, at once): the expired reservations free their stock
        before the low-stock check reads it."""
        expire = self.env.ref("crm_supply.ir_cron_sale_stock_reservation_expire")
        low_stock = self.env.ref("crm_supply.ir_cron_product_low_stock")
        for cron in (expire, low_stock):
            self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"), cron.name)
        self.assertLess(expire.nextcall.time(), low_stock.nextcall.time())
        self.assertLess(expire.id, low_stock.id, "Odoo starts the jobs due at once by id")
