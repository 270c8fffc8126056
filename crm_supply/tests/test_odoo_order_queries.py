from odoo.tests import tagged

from odoo.addons.sale_stock.tests import test_create_perf


@tagged("post_install", "-at_install")
class TestOdooOrderCreationQueries(test_create_perf.TestPERF):
    """Odoo's own query budgets of ``sale.order.create`` (sale_stock's
    ``TestPERF``), run with the suite loaded: the checks of the order lines'
    products and units (``_check_need_values_list``) query each field's ids
    once per batch. Checked one line at a time, two orders of one product line
    each took six existence queries and went over Odoo's budget (51 > 50)."""

    # Odoo's loader runs only a class's own test methods unless told otherwise
    allow_inherited_tests_method = True
