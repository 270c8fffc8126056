from contextlib import contextmanager

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user


class SupplyCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # one time zone for every user of the tests (the context's wins over the
        # user's), so that the orders' dates (context_today) and _today() agree
        # whoever creates the order, at any hour
        cls.env = cls.env(context=dict(cls.env.context, tz=cls.env.user.tz or "UTC"))
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.product = cls.env["product.product"].create(
            {"name": "Supply Widget", "is_storable": True, "list_price": 10.0}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.stock, 10.0)
        cls.service = cls.env["product.product"].create(
            {"name": "Supply Service", "type": "service"}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Supply Customer"})
        cls.salesman = new_test_user(
            cls.env, login="supply_sales_a", groups="sales_team.group_sale_salesman"
        )
        cls.salesman_b = new_test_user(
            cls.env, login="supply_sales_b", groups="sales_team.group_sale_salesman"
        )
        cls.stock_user = new_test_user(
            cls.env, login="supply_stock_user", groups="stock.group_stock_user"
        )

    def _order(self, qty, product=None, user=None, **vals):
        Order = self.env["sale.order"]
        if user:
            Order = Order.with_user(user)
        return Order.create(
            {
                "partner_id": self.customer.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    Command.create(
                        {"product_id": (product or self.product).id, "product_uom_qty": qty}
                    )
                ],
                **vals,
            }
        )

    @contextmanager
    def assertRefused(self, regex):
        """A UserError matching ``regex``, whose writes are rolled back as the
        request's transaction would be (the policy refuses in Odoo's hooks,
        after the button has begun writing)."""
        with self.assertRaisesRegex(UserError, regex), self.env.cr.savepoint():
            yield

    def _figures(self, product=None):
        product = (product or self.product).with_context(warehouse_id=self.warehouse.id)
        product.invalidate_recordset(["qty_free_to_sell", "qty_reserved_proforma"])
        return product.qty_reserved_proforma, product.qty_free_to_sell

    def _policy(self, policy):
        self.env.company.reserved_stock_policy = policy

    def _today(self, days=0):
        """Today in the tests' time zone, as the orders' dates are computed
        (``context_today``), plus ``days``: UTC's today differs from it for an
        hour or more a day (the tests failed between 23:00 and 24:00 UTC)."""
        return fields.Date.add(fields.Date.context_today(self.env["sale.order"]), days=days)
