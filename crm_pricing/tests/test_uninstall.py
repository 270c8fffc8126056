from odoo.tests import TransactionCase, tagged
from odoo.tools.sql import index_exists

from odoo.addons.crm_pricing import uninstall_hook
from odoo.addons.crm_pricing.report.crm_turnover_report import TURNOVER_INDEX


@tagged("post_install", "-at_install")
class TestUninstall(TransactionCase):
    """Uninstalling the module drops the index its turnover report added to
    Odoo's account_move (the ORM does not know it: it stayed behind)."""

    def test_uninstall_drops_the_turnover_index(self):
        self.assertTrue(index_exists(self.env.cr, TURNOVER_INDEX))
        uninstall_hook(self.env)
        self.assertFalse(index_exists(self.env.cr, TURNOVER_INDEX))
