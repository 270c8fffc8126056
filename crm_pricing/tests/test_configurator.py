from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import PricingCommon


@tagged("post_install", "-at_install")
class TestConfiguratorPrice(PricingCommon):
    """The product configurator shows the client's price, as the line it creates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._rule(
            pricing_label="Gold tier",
            percent_price=10.0,
            turnover_period="quarter",
            min_turnover=50000.0,
        )
        cls._invoice("2026-04-10", 52300.0)
        cls.salesman = new_test_user(
            cls.env,
            login="pricing_conf_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
        )

    def _price(self, user=None, **kwargs):
        Template = self.env["product.template"].with_user(user or self.salesman)
        price, _rule = Template._get_configurator_display_price(
            self.widget.with_user(user or self.salesman),
            1.0,
            datetime(2026, 7, 15, 10),
            self.currency,
            self.pricelist,
            **kwargs,
        )
        return price

    def test_client_price_in_the_configurator(self):
        self.assertAlmostEqual(self._price(), 100.0, msg="no client: the list price")
        self.assertAlmostEqual(self._price(crm_partner_id=self.client.id), 90.0)
        self.assertAlmostEqual(self._price(crm_partner_id=self.other_client.id), 100.0)
        # the line the configurator creates gets the same price
        order = self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "pricelist_id": self.pricelist.id,
                "date_order": "2026-07-15 10:00:00",
                "order_line": [Command.create({"product_id": self.widget.id})],
            }
        )
        self.assertAlmostEqual(
            order.order_line.price_unit * (1 - order.order_line.discount / 100), 90.0
        )

    def test_bad_or_hidden_client(self):
        for value in ("x", [1], True, -1, 0, 10**9):
            self.assertAlmostEqual(self._price(crm_partner_id=value), 100.0, msg=value)
        other_company = self.env["res.company"].create({"name": "Other Co"})
        hidden = self.env["res.partner"].create(
            {"name": "Hidden client", "company_id": other_company.id}
        )
        with self.assertRaises(AccessError):
            self._price(crm_partner_id=hidden.id)

    def test_pricing_arguments_are_checked(self):
        pricelist = self.pricelist.with_user(self.salesman)
        date = datetime(2026, 7, 15, 10)

        def price(**kwargs):
            return pricelist._get_product_price(self.widget, 1.0, date=date, **kwargs)

        self.assertAlmostEqual(price(partner=self.client), 90.0)
        self.assertAlmostEqual(price(partner=self.client.id), 90.0)
        for value in ("x", [self.client.id], True, 10**9, self.client.user_ids, self.currency):
            with self.subTest(partner=value):
                self.assertAlmostEqual(price(partner=value), 100.0)
        for kwargs in (
            {"payment_term": "x"},
            {"payment_term": self.currency},
            {"company": "x"},
            {"crm_pricing_rules": [1]},
            {"crm_pricing_rules": self.env["product.pricelist.item"].search([], limit=1)},
            {"crm_pricing_cache": []},
        ):
            with self.subTest(**kwargs):
                self.assertAlmostEqual(price(partner=self.client, **kwargs), 90.0)
        # the turnover is evaluated in one of the user's companies only
        other_company = self.env["res.company"].create({"name": "Other Co"})
        with self.assertRaises(AccessError):
            price(partner=self.client, company=other_company)
        with self.assertRaises(AccessError):
            price(partner=self.client, company=other_company.id)


@tagged("post_install", "-at_install")
class TestConfiguratorRoute(HttpCase, PricingCommon):
    """The route the web client's configurator calls, with the parameters the
    crm_pricing patch adds (static/src/js/product_configurator_client_price.js)."""

    def test_route_returns_client_price(self):
        self._rule(pricing_label="Everyone", percent_price=25.0, partner_id=self.client.id)
        new_test_user(
            self.env,
            login="pricing_route_salesman",
            password="pricing_route_salesman",
            groups="sales_team.group_sale_salesman",
        )
        self.authenticate("pricing_route_salesman", "pricing_route_salesman")
        params = {
            "product_template_id": self.widget.product_tmpl_id.id,
            "quantity": 1,
            "currency_id": self.currency.id,
            "so_date": "2026-07-15 10:00:00",
            "company_id": self.env.company.id,
            "pricelist_id": self.pricelist.id,
            "only_main_product": True,
        }
        plain = self.make_jsonrpc_request("/sale/product_configurator/get_values", params)
        client = self.make_jsonrpc_request(
            "/sale/product_configurator/get_values", dict(params, crm_partner_id=self.client.id)
        )
        self.assertAlmostEqual(plain["products"][0]["price"], 100.0)
        self.assertAlmostEqual(client["products"][0]["price"], 75.0)

    def test_route_ignores_pricing_arguments_of_the_request(self):
        # Odoo's route passes unknown parameters down to the pricelist
        # (_get_configurator_price, _get_product_price_rule): none of the
        # pricing engine's own arguments may come from the request
        other_company = self.env["res.company"].create(
            {"name": "Other Co", "currency_id": self.currency.id}
        )
        new_test_user(
            self.env,
            login="pricing_route_other",
            password="pricing_route_other",
            groups="sales_team.group_sale_salesman",
            company_id=other_company.id,
            company_ids=[Command.set((other_company | self.env.company).ids)],
        )
        self._rule(
            pricing_label="Gold tier",
            percent_price=10.0,
            turnover_period="quarter",
            min_turnover=50000.0,
        )
        # a pricelist of both companies; the client's turnover is in the test
        # company, not the user's
        self.pricelist.company_id = False
        self._invoice("2026-04-10", 52300.0)
        self.authenticate("pricing_route_other", "pricing_route_other")
        params = {
            "product_template_id": self.widget.product_tmpl_id.id,
            "quantity": 1,
            "currency_id": self.currency.id,
            "so_date": "2026-07-15 10:00:00",
            "company_id": other_company.id,
            "pricelist_id": self.pricelist.id,
            "only_main_product": True,
        }
        route = "/sale/product_configurator/get_values"
        client = dict(params, crm_partner_id=self.client.id)
        res = self.make_jsonrpc_request(route, client)
        self.assertAlmostEqual(res["products"][0]["price"], 100.0)
        extras = [
            # a company the user does not price in (the route's company_id is
            # the only allowed one): its turnover, its tier
            {"company": self.env.company.id},
            {"partner": self.client.id, "company": self.env.company.id},
            {"payment_term": self.term_immediate.id},
            {"partner": "x"},
            {"partner": [self.client.id]},
            {"company": "x"},
            {"payment_term": {"id": 1}},
            {"crm_pricing_rules": [1]},
            {"crm_pricing_rules": "x"},
            {"crm_pricing_cache": []},
            {"crm_pricing_cache": {"x": 1}},
        ]
        for base in (params, client):
            for extra in extras:
                with self.subTest(base=sorted(base), extra=extra):
                    res = self.make_jsonrpc_request(route, dict(base, **extra))
                    self.assertAlmostEqual(res["products"][0]["price"], 100.0)


@tagged("post_install", "-at_install")
class TestCatalogRoute(HttpCase, PricingCommon):
    """The order's product catalog, as the web client asks for it."""

    def test_catalog_route_prices_for_the_orders_client(self):
        self._rule(pricing_label="Everyone", percent_price=25.0, partner_id=self.client.id)
        salesman = new_test_user(
            self.env,
            login="pricing_catalog_salesman",
            password="pricing_catalog_salesman",
            groups="sales_team.group_sale_salesman",
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.other_client.id,
                "pricelist_id": self.pricelist.id,
                "user_id": salesman.id,
            }
        )
        self.authenticate("pricing_catalog_salesman", "pricing_catalog_salesman")
        params = {
            "res_model": "sale.order",
            "order_id": order.id,
            "product_ids": [self.widget.id],
        }
        route = "/product/catalog/order_lines_info"
        res = self.make_jsonrpc_request(route, params)
        self.assertAlmostEqual(res[str(self.widget.id)]["price"], 100.0)
        # the request's parameters do not choose another client, company or term
        for extra in (
            {"partner": self.client.id},
            {"company": self.env.company.id},
            {"payment_term": self.term_immediate.id},
            {"crm_pricing_cache": {}},
        ):
            with self.subTest(extra=extra):
                res = self.make_jsonrpc_request(route, dict(params, **extra))
                self.assertAlmostEqual(res[str(self.widget.id)]["price"], 100.0)
        # (Odoo gives the order the client's price list: this one again)
        order.write({"partner_id": self.client.id, "pricelist_id": self.pricelist.id})
        res = self.make_jsonrpc_request(route, dict(params, partner=self.other_client.id))
        self.assertAlmostEqual(res[str(self.widget.id)]["price"], 75.0)

    def test_catalog_update_route_prices_for_the_orders_client(self):
        """A product taken off the quotation in the catalog shows the order's
        client's price again, whatever the request says."""
        self._rule(pricing_label="Everyone", percent_price=25.0, partner_id=self.client.id)
        updater = new_test_user(
            self.env,
            login="pricing_catalog_updater",
            password="pricing_catalog_updater",
            groups="sales_team.group_sale_salesman",
        )
        self.authenticate("pricing_catalog_updater", "pricing_catalog_updater")
        route = "/product/catalog/update_order_line_info"
        for partner, other, price in (
            (self.client, self.other_client, 75.0),
            (self.other_client, self.client, 100.0),
        ):
            order = self.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "pricelist_id": self.pricelist.id,
                    "user_id": updater.id,
                }
            )
            params = {"res_model": "sale.order", "order_id": order.id, "product_id": self.widget.id}
            for extra in ({}, {"partner": other.id}, {"crm_pricing_cache": {}}):
                with self.subTest(client=partner.name, extra=extra):
                    self.make_jsonrpc_request(route, dict(params, quantity=1))
                    self.assertEqual(len(order.order_line), 1)
                    res = self.make_jsonrpc_request(route, dict(params, quantity=0, **extra))
                    self.assertAlmostEqual(res, price)
                    self.assertFalse(order.order_line)
