import datetime

from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_suite_base.tests.common import load_migration


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


@tagged("post_install", "-at_install")
class TestDailyRunTimesMigration(TransactionCase):
    """18.0.1.2.29: a database installed before the runs had their times keeps
    the data's old values (noupdate): both due at the installation's time of
    day. The migration moves them, unless an administrator set their times."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.migration = load_migration("crm_supply", "18.0.1.2.29")
        cls.crons = [
            cls.env.ref("crm_supply.ir_cron_sale_stock_reservation_expire"),
            cls.env.ref("crm_supply.ir_cron_product_low_stock"),
        ]

    def test_runs_as_installed_get_their_times(self):
        installed = datetime.datetime(2026, 12, 6, 9, 56, 27)
        for cron in self.crons:
            cron.nextcall = installed
        self.migration.set_daily_run_times(self.env)
        self.assertEqual(
            [cron.nextcall for cron in self.crons],
            [datetime.datetime(2026, 12, 6, 4, 0), datetime.datetime(2026, 12, 6, 4, 30)],
        )
        # a second run changes nothing
        self.assertFalse(self.migration.set_daily_run_times(self.env))

    def test_times_set_by_an_administrator_are_kept(self):
        times = [datetime.datetime(2026, 12, 7, 22, 0), datetime.datetime(2026, 12, 7, 22, 10)]
        for cron, at in zip(self.crons, times, strict=True):
            cron.nextcall = at
        self.assertFalse(self.migration.set_daily_run_times(self.env))
        self.assertEqual([cron.nextcall for cron in self.crons], times)
