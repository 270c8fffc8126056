import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common import PricingCommon


@tagged("post_install", "-at_install")
class TestPricingFigures(PricingCommon):
    """The figures of a price: the quotation line's total is the engine's price
    (stacked discounts), and the periods of turnover rules are the company's
    whoever prices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("product.group_product_pricelist")
        cls.shelf = cls._create_product(name="Shelf", lst_price=1000.0, categ_id=cls.categ_o.id)
        cls.shelf.taxes_id = False
        cls.root = cls.env.ref("base.user_root")
        cls.root.groups_id += cls.env.ref("sale.group_discount_per_so_line")
        cls.salesman = new_test_user(
            cls.env,
            login="figures_salesman",
            groups="sales_team.group_sale_salesman,product.group_product_pricelist",
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
            tz="Europe/Bucharest",
        )
        cls.manager = new_test_user(
            cls.env,
            login="figures_manager",
            groups="sales_team.group_sale_manager,product.group_product_pricelist",
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
            tz="Europe/Brussels",
        )

    def _order(self, product, qty, date="2026-07-15 10:00:00", user=None):
        env = self.env(user=user) if user else self.env
        return env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "pricelist_id": self.pricelist.id,
                "date_order": date,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})],
            }
        )

    def _two_discounts(self, first, second):
        self.pricelist.stacking_policy = "cumulative"
        self._rule(pricing_label="A", percent_price=first, partner_id=self.client.id, sequence=1)
        self._rule(pricing_label="B", percent_price=second, partner_id=self.client.id, sequence=2)

    # --- stacked discounts ------------------------------------------------------

    def test_stacked_discounts_line_total_is_the_engine_price(self):
        # 12.5 % then 7.5 %: 19.0625 %, which a line keeps as 19.06 % (809.40)
        self._two_discounts(12.5, 7.5)
        engine = self.pricelist._get_product_price(
            self.shelf,
            100.0,
            date=fields.Datetime.to_datetime("2026-07-15 10:00:00"),
            partner=self.client,
        )
        self.assertAlmostEqual(engine, 809.375)
        line = self._order(self.shelf, 100).order_line
        # the net price is the unit price, no discount shown
        self.assertAlmostEqual(line.price_unit, 809.38)
        self.assertAlmostEqual(line.discount, 0.0)
        self.assertAlmostEqual(line.price_subtotal, 80938.0)
        # the explanation names each rule, exact for the net price
        self.assertEqual(
            line.pricing_explanation,
            "A: negotiated for Gold Client + B: negotiated for Gold Client",
        )
        # the client's price list says the same
        self.client.property_product_pricelist = self.pricelist
        wizard = self.env["crm.client.pricelist.wizard"].create(
            {"partner_id": self.client.id, "date": "2026-07-15", "categ_id": self.categ_o.id}
        )
        row = next(r for r in wizard.get_lines() if r["product_id"] == self.shelf.id)
        self.assertAlmostEqual(self.currency.round(row["price"]), line.price_unit)

    def test_stacked_discounts_shown_when_exact(self):
        # 10 % then 5 %: 14.5 %, exact: list price and discount, as Odoo shows them
        self._two_discounts(10.0, 5.0)
        line = self._order(self.shelf, 100).order_line
        self.assertAlmostEqual(line.price_unit, 1000.0)
        self.assertAlmostEqual(line.discount, 14.5)
        self.assertAlmostEqual(line.price_subtotal, 85500.0)

    def test_stacked_discounts_on_a_small_price(self):
        # 10.00 less 12.5 % then 7.5 %: 8.09375; 19.06 % would make 8.094 a
        # unit, which passes at the unit's precision but not times 1,000 units
        # (8,094.00): the line takes the unit price the price list prints
        self._two_discounts(12.5, 7.5)
        small = self._create_product(name="Bracket", lst_price=10.0, categ_id=self.categ_o.id)
        small.taxes_id = False
        line = self._order(small, 1000).order_line
        self.assertAlmostEqual(line.discount, 0.0)
        self.assertAlmostEqual(line.price_unit, 8.09)
        self.assertAlmostEqual(line.price_subtotal, 8090.0)

    def test_single_rule_discount_beyond_precision(self):
        # best single rule of 12.345 %: 876.55, which 12.35 % would make 876.50
        self._rule(pricing_label="A", percent_price=12.345, partner_id=self.client.id)
        line = self._order(self.shelf, 1).order_line
        self.assertAlmostEqual(line.price_subtotal, 876.55)
        self.assertAlmostEqual(line.discount, 0.0)

    # --- the company's time zone ------------------------------------------------

    def test_company_timezone_from_partner_then_country(self):
        Item = self.env["product.pricelist.item"]
        company = self.env.company
        company.partner_id.tz = False
        company.country_id = self.env.ref("base.ro")
        self.assertEqual(Item._pricing_tz(company).zone, "Europe/Bucharest")
        company.partner_id.tz = "Asia/Tokyo"
        self.assertEqual(Item._pricing_tz(company).zone, "Asia/Tokyo")
        company.partner_id.tz = False
        company.country_id = False
        self.assertEqual(Item._pricing_tz(company).zone, "UTC")

    def test_period_boundaries_do_not_follow_the_user(self):
        # 2026-10-01 00:30 in Bucharest; still 2026-09-30 in Brussels
        company = self.env.company
        company.partner_id.tz = False
        company.country_id = self.env.ref("base.ro")
        self._rule(
            pricing_label="Gold tier",
            percent_price=10.0,
            turnover_period="quarter",
            turnover_period_ref="last",
            min_turnover=50000.0,
        )
        self._invoice("2026-08-10", 60000.0)
        moment = "2026-09-30 21:30:00"
        Item = self.env["product.pricelist.item"]
        for user in (self.salesman, self.manager, self.root, self.env.user):
            self.assertEqual(
                Item.with_user(user)._pricing_local_date(
                    fields.Datetime.to_datetime(moment), company
                ),
                datetime.date(2026, 10, 1),
            )
        order = self._order(self.widget, 1, date=moment, user=self.salesman)
        line = order.order_line
        self.assertAlmostEqual(line.price_subtotal, 90.0)
        self.assertIn("Q3 2026", line.sudo().crm_pricing_explanation_full)
        # Update Prices by a manager (Brussels) or the system keeps the tier
        order.with_user(self.manager).action_update_prices()
        self.assertAlmostEqual(line.price_subtotal, 90.0)
        order.with_user(self.root).action_update_prices()
        self.assertAlmostEqual(line.price_subtotal, 90.0)
        details = [line.with_user(user).pricing_details for user in (self.salesman, self.manager)]
        self.assertEqual(details[0]["price"], details[1]["price"])
        self.assertTrue(details[1]["applied"])

    def test_client_pricelist_dated_on_the_company_day(self):
        """The client's price list is dated by default on the day the company's
        quotations are priced on (its time zone), not the user's: at 00:30 UTC
        on 1 January 2027 a Brussels manager is in 2027 while the New York
        company still prices in 2026, where the client earned its Gold tier; the
        price list said "Sales price", 100.00, beside a quotation at 90.00."""
        self.env.company.partner_id.tz = "America/New_York"
        self._rule(
            pricing_label="Gold tier",
            percent_price=10.0,
            turnover_period="year",
            turnover_period_ref="current",
            min_turnover=1000.0,
        )
        self._invoice("2026-12-15", 1500.0)
        self.client.property_product_pricelist = self.pricelist
        with freeze_time("2027-01-01 00:30:00"):
            order = self._order(self.widget, 1, date=fields.Datetime.now(), user=self.manager)
            self.assertAlmostEqual(order.order_line.price_subtotal, 90.0)
            wizard = (
                self.env["crm.client.pricelist.wizard"]
                .with_user(self.manager)
                .create({"partner_id": self.client.id, "pricelist_id": self.pricelist.id})
            )
            self.assertEqual(wizard.date, datetime.date(2026, 12, 31))
            [line] = [ln for ln in wizard.get_lines() if ln["product_id"] == self.widget.id]
            self.assertEqual((line["rule"], line["price"]), ("Gold tier", 90.0))
            # a date given is kept
            wizard = (
                self.env["crm.client.pricelist.wizard"]
                .with_user(self.manager)
                .create(
                    {
                        "partner_id": self.client.id,
                        "pricelist_id": self.pricelist.id,
                        "date": "2027-01-01",
                    }
                )
            )
            self.assertEqual(wizard.date, datetime.date(2027, 1, 1))
            # and kept when the company is written again
            wizard.write({"company_id": self.env.company.id})
            self.assertEqual(wizard.date, datetime.date(2027, 1, 1))
            [line] = [ln for ln in wizard.get_lines() if ln["product_id"] == self.widget.id]
            self.assertEqual(line["price"], 100.0)
