from odoo import Command
from odoo.tests import tagged
from odoo.tools import float_round

from odoo.addons.crm_suite_base.models.policy import privileged

from .common import SupplyCase


@tagged("post_install", "-at_install")
class TestFreeToSellFigures(SupplyCase):
    """The free-to-sell figures (label, fields, policy checks) are read in one
    query: they must stay what Odoo's own quantities give, in every context."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Quant = cls.env["stock.quant"]
        cls.warehouse_2 = cls.env["stock.warehouse"].create(
            {"name": "Second Supply Warehouse", "code": "SW2"}
        )
        # a unit rounded to the hundredth, fractional stock
        cls.kg = cls.env.ref("uom.product_uom_kgm")
        cls.bulk = cls.env["product.product"].create(
            {
                "name": "Supply Bulk",
                "is_storable": True,
                "uom_id": cls.kg.id,
                "uom_po_id": cls.kg.id,
            }
        )
        Quant._update_available_quantity(cls.bulk, cls.stock, 12.25)
        Quant._update_available_quantity(cls.product, cls.warehouse_2.lot_stock_id, 4.0)
        Quant._update_available_quantity(cls.bulk, cls.warehouse_2.lot_stock_id, 1.5)
        # another company with a warehouse, stock and a proforma of the same products
        cls.company_b = cls.env["res.company"].create({"name": "Supply Other Company"})
        cls.warehouse_b = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company_b.id)], limit=1
        )
        Quant.with_company(cls.company_b)._update_available_quantity(
            cls.product, cls.warehouse_b.lot_stock_id, 50.0
        )
        order_b = (
            cls.env["sale.order"]
            .with_company(cls.company_b)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "company_id": cls.company_b.id,
                    "warehouse_id": cls.warehouse_b.id,
                    "order_line": [
                        Command.create({"product_id": cls.product.id, "product_uom_qty": 7})
                    ],
                }
            )
        )
        order_b.with_company(cls.company_b).action_reserve_stock()

    def _reference(self, products, exclude_orders=None):
        """What Odoo's own quantities and a grouped read of the reservations give."""
        ctx = products.env.context
        quantities = products._compute_quantities_dict(
            ctx.get("lot_id"), ctx.get("owner_id"), ctx.get("package_id")
        )
        reserved = products._proforma_reserved(exclude_orders)
        result = {}
        for product in products:
            qty = quantities[product.id]
            rounding = product.uom_id.rounding
            held = reserved.get(product.id, 0.0)
            free = min(qty["free_qty"], qty["qty_available"] - qty["outgoing_qty"]) - held
            result[product.id] = (
                float_round(held, precision_rounding=rounding),
                float_round(free, precision_rounding=rounding),
            )
        return result

    def _count_name_search(self, name, model):
        """(queries, result) of ``model.name_search(name, limit=8)`` with the
        registry's caches warm and the records' caches dropped."""
        model.name_search(name, limit=8)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = model.name_search(name, limit=8)
        return self.env.cr.sql_log_count - before, result

    def _check(self, products, exclude_orders=None, expected=None):
        products.invalidate_recordset()
        figures = products._free_to_sell_figures(exclude_orders)
        reference = self._reference(products, exclude_orders)
        for product in products:
            self.assertAlmostEqual(figures[product.id][0], reference[product.id][0], places=6)
            self.assertAlmostEqual(figures[product.id][1], reference[product.id][1], places=6)
        if expected:
            self.assertEqual({p.name: figures[p.id] for p in products}, expected)
        return figures

    def test_figures_as_odoo_gives_them(self):
        products = self.product | self.bulk | self.service
        # a proforma in the first warehouse, another in the second one, one released
        order = self._order(3)
        order.order_line = [Command.create({"product_id": self.bulk.id, "product_uom_qty": 2.5})]
        order.action_reserve_stock()
        order_2 = self._order(1, warehouse_id=self.warehouse_2.id)
        order_2.action_reserve_stock()
        released = self._order(2)
        released.action_reserve_stock()
        released.action_release_stock()
        # an open delivery (Odoo reserves its quant) and a draft one (not counted)
        delivery = self._order(1)
        delivery.action_confirm()
        self._order(4).action_confirm()
        self.env["stock.picking"].search([("sale_id", "=", delivery.id)]).do_unreserve()

        wh1 = products.with_context(warehouse_id=self.warehouse.id)
        self._check(
            wh1,
            expected={
                # 10 on hand, 1 + 4 outgoing, 3 reserved by a proforma
                "Supply Widget": (3.0, 2.0),
                "Supply Bulk": (2.5, 9.75),
                "Supply Service": (0.0, 0.0),
            },
        )
        # the reserving order does not count its own reservation
        self._check(wh1, exclude_orders=order)
        wh2 = products.with_context(warehouse_id=self.warehouse_2.id)
        self._check(
            wh2,
            expected={
                "Supply Widget": (1.0, 3.0),
                "Supply Bulk": (0.0, 1.5),
                "Supply Service": (0.0, 0.0),
            },
        )
        # no warehouse: every warehouse of the allowed companies (not the other
        # company's stock nor its proforma)
        self._check(products)
        both = products.with_context(allowed_company_ids=[self.env.company.id, self.company_b.id])
        figures = self._check(both)
        self.assertEqual(figures[self.product.id][0], 3.0 + 1.0 + 7.0)
        # a location, and the figures of a salesperson (access rules applied)
        self._check(products.with_context(location=self.warehouse_2.lot_stock_id.id))
        self._check(products.with_user(self.salesman).with_context(warehouse_id=self.warehouse.id))
        # lot / owner / package in the context narrow Odoo's quants as well
        owner = self.env["res.partner"].create({"name": "Consignor"})
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.stock, 5.0, owner_id=owner
        )
        figures = self._check(
            products.with_context(warehouse_id=self.warehouse.id, owner_id=owner.id)
        )
        self.assertEqual(figures[self.product.id], (3.0, 2.0))

    def test_a_location_of_every_company_counts_the_contexts_reservations(self):
        """Odoo's quants and moves are read under their multi-company rules:
        under a location no company owns (*Physical Locations*, the parent of
        every company's warehouses), the figures are those of the companies
        of the context. The reservations, summed as superuser, were counted
        for every company: a user of company A saw company B's proforma in
        its *Reserved by Proformas* and subtracted from its free to sell."""
        physical = self.env.ref("stock.stock_location_locations")
        self.assertFalse(physical.company_id)
        ctx = {"location": physical.id, "allowed_company_ids": [self.env.company.id]}
        # company A: 10 + 4 on hand, no proforma of its own (as superuser, no
        # rule narrows Odoo's quants nor the reservations: every company's)
        for user in (self.env.ref("base.user_admin"), self.salesman):
            with self.subTest(user=user.login):
                product = self.product.with_user(user).with_context(**ctx)
                self.assertEqual(product._free_to_sell_figures()[product.id], (0.0, 14.0))
                self.assertEqual(product._proforma_reserved(), {})
                product.invalidate_recordset()
                self.assertEqual(
                    (product.qty_reserved_proforma, product.qty_free_to_sell), (0.0, 14.0)
                )
                self.env.invalidate_all()
                self.assertEqual(
                    product.with_context(crm_supply_stock_label=True).display_name,
                    "Supply Widget (free to sell: 14.00, reserved: 0.00)",
                )
        # both companies selected: both companies' stock and proformas
        both = self.product.with_context(
            location=physical.id,
            allowed_company_ids=[self.env.company.id, self.company_b.id],
        )
        self._check(both, expected={"Supply Widget": (7.0, 57.0)})

    def test_unsaved_stock_changes_are_counted(self):
        """The query reads what the transaction has written, flushed or not."""
        product = self.product.with_context(warehouse_id=self.warehouse.id)
        self.assertEqual(product._free_to_sell_figures()[product.id], (0.0, 10.0))
        self.env["stock.quant"]._update_available_quantity(product, self.stock, 2.0)
        self.assertEqual(product._free_to_sell_figures()[product.id], (0.0, 12.0))
        order = self._order(4)
        order.action_reserve_stock()
        privileged(order.reservation_ids).write({"quantity": 5.0})
        self.assertEqual(product._free_to_sell_figures()[product.id], (5.0, 7.0))

    def test_figures_follow_the_lot_owner_and_package_of_the_context(self):
        """The figures depend on the context's lot, owner and package, as
        Odoo's On Hand beside them: read in one context, then in another, each
        gets its own. The first one read was given for the others (the keys
        were missing from the fields' context dependencies)."""
        owner = self.env["res.partner"].create({"name": "Consignor"})
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.stock, 5.0, owner_id=owner
        )
        product = self.product.with_context(warehouse_id=self.warehouse.id)
        owned = product.with_context(owner_id=owner.id)
        self.assertEqual(owned.qty_available, 5.0)
        self.assertEqual(owned.qty_free_to_sell, 5.0)
        self.assertEqual(product.qty_available, 15.0)
        self.assertEqual(product.qty_free_to_sell, 15.0)
        # a template's figures are its variants' (Odoo's template On Hand
        # depends on no context at all: not compared)
        template = product.product_tmpl_id
        self.assertEqual(template.with_context(owner_id=owner.id).qty_free_to_sell, 5.0)
        self.assertEqual(template.qty_free_to_sell, 15.0)

    def test_label_follows_the_lot_owner_and_package_of_the_context(self):
        """The label's figures depend on the context's lot, owner and package,
        as the fields' own (``_free_to_sell_terms`` reads them): read in one
        context, then in the others, each label is its own. The label read
        first was given, from the cache, for the others in the same
        transaction (the keys were missing from the display name's context
        dependencies): the stock of one owner shown as the whole stock."""
        product = self.env["product.product"].create(
            {"name": "Supply Lot Widget", "is_storable": True, "tracking": "lot"}
        )
        lot = self.env["stock.lot"].create({"name": "SUPPLY-L1", "product_id": product.id})
        owner = self.env["res.partner"].create({"name": "Consignor"})
        package = self.env["stock.quant.package"].create({"name": "SUPPLY-P1"})
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(product, self.stock, 4.0, lot_id=lot)
        Quant._update_available_quantity(product, self.stock, 3.0, owner_id=owner)
        Quant._update_available_quantity(product, self.stock, 2.0, package_id=package)
        ctx = {"warehouse_id": self.warehouse.id, "crm_supply_stock_label": True}
        expected = [
            ({"lot_id": lot.id}, 4.0),
            ({"owner_id": owner.id}, 3.0),
            ({"package_id": package.id}, 2.0),
            ({}, 9.0),
        ]
        for records in (product, product.product_tmpl_id):
            self.env.invalidate_all()
            for keys, free in expected:
                with self.subTest(model=records._name, **keys):
                    self.assertEqual(
                        records.with_context(**ctx, **keys).display_name,
                        f"Supply Lot Widget (free to sell: {free:.2f}, reserved: 0.00)",
                    )

    def test_label_in_one_query(self):
        """name_search with the label asks the figures once, for the records it
        returns only: three queries more than without the label (the warehouse
        and its location, as Odoo reads them, and the figures)."""
        self.env["product.product"].create(
            [{"name": f"Supply Label {i}", "is_storable": True} for i in range(20)]
        )
        Product = self.env["product.product"].with_user(self.salesman)
        Product = Product.with_context(warehouse_id=self.warehouse.id)

        plain, plain_result = self._count_name_search("Supply Label", Product)
        labelled, result = self._count_name_search(
            "Supply Label", Product.with_context(crm_supply_stock_label=True)
        )
        self.assertEqual(len(result), 8)
        self.assertEqual([r[0] for r in result], [r[0] for r in plain_result])
        self.assertIn("(free to sell: 0.00, reserved: 0.00)", result[0][1])
        self.assertLessEqual(labelled - plain, 3)

    def test_template_adds_up_its_variants(self):
        """A template's figures are its active storable variants', as Odoo's On
        Hand of the template: an archived variant's stock and reservations do
        not count (it cannot be sold)."""
        attribute = self.env["product.attribute"].create(
            {"name": "Supply Size", "value_ids": [Command.create({"name": n}) for n in "SML"]}
        )
        template = self.env["product.template"].create(
            {
                "name": "Supply Shirt",
                "is_storable": True,
                "attribute_line_ids": [
                    Command.create(
                        {
                            "attribute_id": attribute.id,
                            "value_ids": [Command.set(attribute.value_ids.ids)],
                        }
                    )
                ],
            }
        )
        small, medium, large = template.product_variant_ids
        Quant = self.env["stock.quant"]
        for variant, qty in ((small, 5.0), (medium, 3.0), (large, 2.0)):
            Quant._update_available_quantity(variant, self.stock, qty)
        order = self._order(2, product=medium)
        order.action_reserve_stock()
        large.active = False
        ctx = {"warehouse_id": self.warehouse.id}
        self.assertEqual(
            template.with_context(**ctx)._template_free_to_sell(), {template.id: (2.0, 6.0)}
        )
        # Odoo's On Hand of the template: the small and the medium ones
        self.assertEqual(template.with_context(**ctx).qty_available, 8.0)
        label = template.with_context(crm_supply_stock_label=True, **ctx).display_name
        self.assertEqual(label, "Supply Shirt (free to sell: 6.00, reserved: 2.00)")
        template.invalidate_recordset()
        self.assertEqual(
            (
                template.with_context(**ctx).qty_reserved_proforma,
                template.with_context(**ctx).qty_free_to_sell,
            ),
            (2.0, 6.0),
        )
        # the label reads the storable variants, then their figures: four queries
        # more (the search of the variants, the warehouse and its location, the
        # figures)
        Template = template.with_user(self.salesman).with_context(**ctx)

        plain, plain_result = self._count_name_search("Supply Shirt", Template)
        labelled, result = self._count_name_search(
            "Supply Shirt", Template.with_context(crm_supply_stock_label=True)
        )
        self.assertEqual(
            result, [(template.id, "Supply Shirt (free to sell: 6.00, reserved: 2.00)")]
        )
        self.assertEqual([r[0] for r in plain_result], [template.id])
        self.assertLessEqual(labelled - plain, 4)
