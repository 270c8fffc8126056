from lxml import etree

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SupplyCase


class _Record(dict):
    """``parent`` in a view's context expression: its fields as attributes."""

    __getattr__ = dict.__getitem__


def _label(name, free, held):
    return f"{name} (free to sell: {free:,.2f}, reserved: {held:,.2f})"


@tagged("post_install", "-at_install")
class TestLabelOfAnotherCompany(SupplyCase):
    """The free-to-sell label is read as the user: Odoo's ``name_search``
    computes the display names on ``records.sudo()``, and the label showed a
    salesperson of company B the stock and the reservations of company A's
    warehouse (which ``read`` refused)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        # (in tests, Odoo gives a new company its warehouse at once)
        cls.company_b = cls.env["res.company"].create({"name": "Supply Label Company B"})
        cls.shared = cls.env["product.product"].create(
            {"name": "Supply Label Shared", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.shared, cls.stock, 10.0)
        cls.seller_b = new_test_user(
            cls.env,
            login="supply_label_sales_b",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_b.id,
            company_ids=[Command.set([cls.company_b.id])],
        )
        cls.seller_a = new_test_user(
            cls.env, login="supply_label_sales_a", groups="sales_team.group_sale_salesman"
        )
        cls._order(cls, 3, product=cls.shared).action_reserve_stock()

    def _name_search(self, user, model="product.product", **ctx):
        # (each user's request has its own cache: Odoo's display names do not
        # depend on the user)
        self.env.invalidate_all()
        Model = self.env[model].with_user(user)
        ctx = {"crm_supply_stock_label": True, **ctx}
        return dict(Model.with_context(**ctx).name_search("Supply Label Shared"))

    def test_no_figures_of_another_companys_warehouse(self):
        template = self.shared.product_tmpl_id
        expected = _label(self.shared.name, 7, 3)
        # a user of company A sees them
        for model, record in (("product.product", self.shared), ("product.template", template)):
            for ctx in ({"warehouse_id": self.warehouse.id}, {"location": self.stock.id}):
                with self.subTest(model=model, user="A", **ctx):
                    self.assertEqual(
                        self._name_search(self.seller_a, model, **ctx), {record.id: expected}
                    )
                with self.subTest(model=model, user="B", **ctx):
                    self.assertEqual(
                        self._name_search(self.seller_b, model, **ctx),
                        {record.id: self.shared.name},
                    )
                    # read gives the same label (no figures), not an error
                    self.env.invalidate_all()
                    label = record.with_user(self.seller_b).with_context(
                        crm_supply_stock_label=True, **ctx
                    )
                    self.assertEqual(label.display_name, self.shared.name)
        # company B's own warehouse: its figures (none held there)
        warehouse_b = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_b.id)], limit=1
        )
        self.assertEqual(
            self._name_search(self.seller_b, warehouse_id=warehouse_b.id),
            {self.shared.id: _label(self.shared.name, 0, 0)},
        )
        # several warehouses, one of them another company's: no figures
        self.assertEqual(
            self._name_search(self.seller_b, warehouse_id=[warehouse_b.id, self.warehouse.id]),
            {self.shared.id: self.shared.name},
        )


@tagged("post_install", "-at_install")
class TestLabelOfTheOrdersLine(SupplyCase):
    """On a sale line the label leaves the order's own reservations out, as
    the Free to Sell column next to it does; the context key that names the
    order leaves out only an order the user may read."""

    def _view_context(self, order):
        arch = self.env["sale.order"].get_view(self.env.ref("sale.view_order_form").id, "form")[
            "arch"
        ]
        node = etree.fromstring(arch).xpath(
            "//field[@name='order_line']/list/field[@name='product_template_id']"
        )[0]
        line = order.order_line[:1]
        return safe_eval(
            node.get("context"),
            {
                "parent": _Record(
                    id=order.id,
                    partner_id=order.partner_id.id,
                    pricelist_id=order.pricelist_id.id,
                    company_id=order.company_id.id,
                    warehouse_id=order.warehouse_id.id,
                ),
                "product_uom_qty": line.product_uom_qty,
                "product_uom": line.product_uom.id,
                "price_unit": line.price_unit,
            },
        )

    def test_label_leaves_its_orders_reservations_out(self):
        order = self._order(4, user=self.salesman)
        order.with_user(self.salesman).action_reserve_stock()
        line = order.order_line.with_user(self.salesman)
        self.assertEqual((line.qty_free_to_sell, line.qty_reserved_proforma), (10.0, 0.0))
        ctx = self._view_context(order)
        self.assertEqual(ctx["crm_supply_order_id"], order.id)
        expected = _label(self.product.name, 10, 0)
        template = self.product.product_tmpl_id.with_user(self.salesman)
        self.assertEqual(
            dict(template.with_context(**ctx).name_search(self.product.name)),
            {template.id: expected},
        )
        self.assertEqual(template.with_context(**ctx).display_name, expected)
        self.assertEqual(
            self.product.with_user(self.salesman).with_context(**ctx).display_name, expected
        )
        # another order (a new one, not saved yet: no id) counts them
        new = {**ctx, "crm_supply_order_id": False}
        self.assertEqual(template.with_context(**new).display_name, _label(self.product.name, 6, 4))

    def test_only_an_order_the_user_reads_is_left_out(self):
        """Another salesperson's order (which a salesperson with his own
        documents only may not read), an order that does not exist or a value
        that is not an id leave the figures whole."""
        order = self._order(4, user=self.salesman)
        order.with_user(self.salesman).action_reserve_stock()
        held = _label(self.product.name, 6, 4)
        for user, order_id in (
            (self.salesman_b, order.id),
            (self.salesman, order.id + 1000000),
            (self.salesman, str(order.id)),
            (self.salesman, True),
            (self.salesman, [order.id]),
        ):
            with self.subTest(user=user.login, order_id=order_id):
                product = self.product.with_user(user).with_context(
                    crm_supply_stock_label=True,
                    warehouse_id=self.warehouse.id,
                    crm_supply_order_id=order_id,
                )
                self.assertEqual(product.display_name, held)
                self.assertEqual(
                    dict(product.name_search(self.product.name)), {self.product.id: held}
                )
