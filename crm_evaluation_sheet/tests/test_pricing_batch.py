from odoo import Command
from odoo.tests import Form, tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestSheetPricingBatch(EvaluationSheetCase):
    """A sheet prices its items as a quotation prices its lines: in batches,
    the same price and discount, the same subtotal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.country = cls.env.ref("base.ro")
        cls.partner.country_id = cls.country
        cls.products = cls.env["product.product"].create(
            [
                {"name": f"Batch Product {i}", "list_price": 10.0 + i, "taxes_id": []}
                for i in range(50)
            ]
        )
        cls.recipes = cls.env["product.product"].create(
            [
                {
                    "name": f"Batch Recipe {i}",
                    "type": "service",
                    "list_price": 1.0,
                    "taxes_id": [Command.clear()],
                    "recipe_line_ids": [
                        Command.create({"product_id": product.id, "quantity": 1 + j})
                        for j, product in enumerate(cls.products[i : i + 4])
                    ],
                }
                for i in range(20)
            ]
        )
        # a pricelist with quantity breaks and category rules, and with
        # crm_pricing, a client condition on the turnover (queried once)
        items = [
            Command.create(
                {
                    "applied_on": "3_global",
                    "compute_price": "percentage",
                    "percent_price": 5.0,
                    "min_quantity": 10,
                }
            ),
            Command.create(
                {
                    "applied_on": "2_product_category",
                    "categ_id": cls.products[0].categ_id.id,
                    "compute_price": "formula",
                    "price_discount": 2.0,
                }
            ),
        ]
        Item = cls.env["product.pricelist.item"]
        if "turnover_period" in Item._fields:
            items.append(
                Command.create(
                    {
                        "pricing_label": "Loyal client",
                        "applied_on": "3_global",
                        "compute_price": "percentage",
                        "percent_price": 3.0,
                        "partner_id": cls.partner.id,
                        "turnover_period": "year",
                        "turnover_period_ref": "current",
                        "min_turnover": 1.0,
                    }
                )
            )
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Batch pricelist", "item_ids": items}
        )

    def _count(self, method, *args, **kwargs):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        result = method(*args, **kwargs)
        self.env.flush_all()
        return self.cr.sql_log_count - before, result

    def _items(self, count, recipes=False, quantity=None):
        """``count`` items, each its own quantity, or all ``quantity``."""
        products = self.recipes if recipes else self.products
        return [(products[i % len(products)], quantity or 1 + i) for i in range(count)]

    def _check_queries_do_not_grow(self, quantity=None):
        def create(count, recipes=False):
            return self._count(
                self._create_sheet,
                self._items(count, recipes, quantity),
                self.salesman,
                pricelist_id=self.pricelist.id,
            )

        # the first sheet warms the caches (pricelist, partner, groups)
        create(1)
        small, small_sheet = create(5)
        big, big_sheet = create(50)
        # the items are inserted together; the pricing is one batch (it was
        # several queries per item and per component)
        self.assertLess(big - small, 10, (small, big))
        small_recipes, _sheet = create(5, recipes=True)
        big_recipes, _sheet = create(20, recipes=True)
        self.assertLess(big_recipes - small_recipes, 10, (small_recipes, big_recipes))
        # Update Prices: the same (the updates of the prices are grouped by
        # the fields that changed)
        small_update = self._count(small_sheet.action_update_prices)[0]
        big_update = self._count(big_sheet.action_update_prices)[0]
        self.assertLess(big_update - small_update, 20, (small_update, big_update))

    def test_queries_do_not_grow_with_the_items(self):
        """The sheet's own batch: one price computation per sheet, unit and
        quantity for all their products (Odoo's ``_compute_price_rule``)."""
        self._check_queries_do_not_grow(quantity=12)

    def test_queries_do_not_grow_with_the_quantities(self):
        """Each item its own quantity: Odoo's pricelist searches its rules once
        per quantity; crm_pricing's search of the standard rules, shared by
        the whole batch, keeps it flat."""
        if not hasattr(self.env["product.pricelist"], "_pricing_share_rules"):
            self.skipTest(
                "crm_pricing is not installed: the search of the pricelist's rules shared "
                "by every quantity is crm_pricing's (Odoo searches once per quantity)"
            )
        self._check_queries_do_not_grow()

    def test_batch_prices_are_the_quotation_prices(self):
        # the quotation of a sheet priced in one batch: every line priced
        # as the sheet priced it (no line re-priced by hand)
        sheet = self._create_sheet(
            self._items(12) + self._items(3, recipes=True),
            self.salesman,
            pricelist_id=self.pricelist.id,
        )
        sheet.action_finalize()
        order = self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
        self.assertEqual(order.amount_untaxed, sheet.amount_total)
        for line in order.order_line.filtered("product_id"):
            self.assertEqual(line.price_unit, line.technical_price_unit, line.product_id.name)


@tagged("post_install", "-at_install")
class TestSheetDiscounts(EvaluationSheetCase):
    """With Discounts on lines, a percentage rule's discount is kept on the
    sheet as on the quotation: base price and discount, and the quotation's
    subtotal (base × quantity × (1 − discount)), not a rounded net price."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Discounts and Pricelists turned on (Odoo's settings; the quotation's
        # form shows its pricelist only with them)
        for xmlid in ("sale.group_discount_per_so_line", "product.group_product_pricelist"):
            group = cls.env.ref(xmlid)
            cls.env.ref("base.user_root").groups_id = [Command.link(group.id)]
            cls.env.ref("base.user_admin").groups_id = [Command.link(group.id)]
        cls.pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Seven off",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "3_global",
                            "compute_price": "percentage",
                            "percent_price": 7.0,
                        }
                    )
                ],
            }
        )
        cls.panel = cls.env["product.product"].create(
            {"name": "Test Panel", "list_price": 146.69, "taxes_id": [Command.clear()]}
        )

    def test_subtotal_is_the_quotation_subtotal(self):
        sheet = self._create_sheet(
            [(self.panel, 100)], user=self.salesman, pricelist_id=self.pricelist.id
        )
        item = sheet.line_ids
        self.assertEqual((item.price_unit, item.discount), (146.69, 7.0))
        self.assertAlmostEqual(item.price_subtotal, 13642.17)
        # Odoo's quotation of the same line, as the web client makes it
        with Form(self.env["sale.order"]) as form:
            form.partner_id = self.partner
            form.pricelist_id = self.pricelist
            with form.order_line.new() as line:
                line.product_id = self.panel
                line.product_uom_qty = 100
        order = form.save()
        self.assertEqual((order.order_line.price_unit, order.order_line.discount), (146.69, 7.0))
        self.assertEqual(order.amount_untaxed, sheet.amount_total)
        # the generated quotation: Odoo's own line, the sheet's estimate
        sheet.action_finalize()
        generated = self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
        self.assertEqual(generated.amount_untaxed, sheet.amount_total)
        line = generated.order_line.filtered("product_id")
        self.assertEqual(line.price_unit, line.technical_price_unit)

    def test_cumulative_discount_on_a_fixed_client_price(self):
        # crm_pricing's cumulative pricelist: the client's fixed price is the
        # base, the client group's 7 % is stacked on it; the sheet shows that
        # base and that discount, as the quotation line does (not the list
        # price of the percentage rule with the whole reduction as discount)
        if "stacking_policy" not in self.env["product.pricelist"]._fields:
            self.skipTest("crm_pricing is not installed")
        group = self.env["res.partner.category"].create({"name": "Test Stacked Group"})
        self.partner.category_id = [Command.link(group.id)]
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Stacked",
                "stacking_policy": "cumulative",
                "item_ids": [
                    Command.create(
                        {
                            "pricing_label": "Client price",
                            "applied_on": "1_product",
                            "product_tmpl_id": self.panel.product_tmpl_id.id,
                            "compute_price": "fixed",
                            "fixed_price": 21.11,
                            "partner_id": self.partner.id,
                        }
                    ),
                    Command.create(
                        {
                            "pricing_label": "Group discount",
                            "applied_on": "3_global",
                            "compute_price": "percentage",
                            "percent_price": 7.0,
                            "partner_category_id": group.id,
                        }
                    ),
                ],
            }
        )
        sheet = self._create_sheet(
            [(self.panel, 1000), (self.survey, 1)], user=self.salesman, pricelist_id=pricelist.id
        )
        panel = sheet.line_ids.filtered(lambda line: line.product_id == self.panel)
        self.assertEqual((panel.price_unit, panel.discount), (21.11, 7.0))
        self.assertAlmostEqual(panel.price_subtotal, 19632.30)
        survey = sheet.line_ids.filtered(lambda line: line.product_id == self.survey)
        self.assertEqual((survey.price_unit, survey.discount), (100.0, 7.0))
        with Form(self.env["sale.order"]) as form:
            form.partner_id = self.partner
            form.pricelist_id = pricelist
            with form.order_line.new() as line:
                line.product_id = self.panel
                line.product_uom_qty = 1000
            with form.order_line.new() as line:
                line.product_id = self.survey
        order = form.save()
        self.assertEqual(order.amount_untaxed, sheet.amount_total)
        # the generated quotation keeps Odoo's own lines: nothing set by hand
        sheet.action_finalize()
        generated = self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
        self.assertEqual(generated.amount_untaxed, sheet.amount_total)
        for line in generated.order_line.filtered("product_id"):
            self.assertEqual(line.price_unit, line.technical_price_unit, line.product_id.name)

    def test_catalogue_changed_keeps_price_and_discount(self):
        sheet = self._create_sheet(
            [(self.panel, 100), (self.floor, 3)],
            user=self.salesman,
            pricelist_id=self.pricelist.id,
        )
        estimate = sheet.amount_total
        sheet.action_finalize()
        self.panel.list_price = 150.0
        self.tile.list_price = 1.99
        order = self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
        panel = order.order_line.filtered(lambda line: line.product_id == self.panel)
        self.assertEqual((panel.price_unit, panel.discount), (146.69, 7.0))
        tile = order.order_line.filtered(lambda line: line.product_id == self.tile)
        self.assertEqual((tile.price_unit, tile.discount), (1.5, 7.0))
        self.assertEqual(order.amount_untaxed, estimate)
