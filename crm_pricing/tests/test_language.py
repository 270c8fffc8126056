from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.crm_suite_base.models.policy import privileged
from odoo.addons.crm_suite_base.tests.common_i18n import catalogue

from .common import PricingCommon


@tagged("post_install", "-at_install")
class TestCustomerLanguage(PricingCommon):
    """What the customer reads is in the customer's language: the pricing
    explanation kept on a quotation line (printed on the offer) is written in
    it (the order's ``_get_lang()``, as Odoo writes the line's description),
    its numbers and period too, whoever prices, and orders of customers of
    different languages priced together do not share their texts; the Client
    Price List PDF too. What the user reads (a refusal) is in the user's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ro_RO")
        cls.env["ir.module.module"]._load_module_terms(["crm_pricing"], ["ro_RO"], overwrite=True)
        cls.ro = catalogue("crm_pricing", "ro")
        cls.gold = cls._rule(
            pricing_label="Gold tier",
            percent_price=10.0,
            turnover_period="quarter",
            min_turnover=50000.0,
        )
        cls.gold.with_context(lang="ro_RO").pricing_label = "Nivel aur"
        cls._invoice("2026-04-10", 52300.0)
        # the client company reads Romanian, its buyer English
        cls.client.lang = "ro_RO"
        cls.contact.lang = "en_US"
        cur = cls.currency.name
        cls.english = f"Gold tier: turnover Q2 2026 = 52,300.00 {cur} ≥ 50,000.00"
        reason = cls.ro["turnover %(period)s = %(amount)s %(currency)s ≥ %(minimum)s"] % {
            "period": cls.ro["Q%(num)s %(year)s"] % {"num": 2, "year": 2026},
            "amount": "52.300,00",
            "currency": cur,
            "minimum": "50.000,00",
        }
        cls.romanian = cls.ro["%(rule)s: %(reasons)s"] % {"rule": "Nivel aur", "reasons": reason}

    def _vals(self, partner):
        return {
            "partner_id": partner.id,
            "pricelist_id": self.pricelist.id,
            "date_order": "2026-07-15 10:00:00",
            "order_line": [Command.create({"product_id": self.widget.id, "product_uom_qty": 1})],
        }

    def _explanations(self, order):
        line = order.order_line.sudo()
        return line.crm_pricing_explanation_full, line.crm_pricing_explanation_label

    def test_explanation_in_the_customers_language(self):
        self.assertNotEqual(self.romanian, self.english)
        for pricer_lang in ("en_US", "ro_RO"):
            Order = self.env["sale.order"].with_context(lang=pricer_lang)
            ro_order = Order.create(self._vals(self.client))
            en_order = Order.create(self._vals(self.contact))
            self.assertEqual(ro_order._get_lang(), "ro_RO")
            self.assertEqual(self._explanations(ro_order), (self.romanian, "Nivel aur"))
            self.assertEqual(self._explanations(en_order), (self.english, "Gold tier"))

    def test_orders_priced_together_keep_their_languages(self):
        """Two orders of the same client company (one for the company, one for
        its buyer who reads English) priced in one call: created together,
        then their prices updated together."""
        orders = (
            self.env["sale.order"]
            .with_context(lang="en_US")
            .create([self._vals(self.client), self._vals(self.contact)])
        )
        ro_order, en_order = orders
        self.assertEqual(self._explanations(ro_order), (self.romanian, "Nivel aur"))
        self.assertEqual(self._explanations(en_order), (self.english, "Gold tier"))
        privileged(orders.order_line).write(
            {"crm_pricing_explanation_full": False, "crm_pricing_explanation_label": False}
        )
        orders.with_context(lang="ro_RO")._recompute_prices()
        self.assertEqual(self._explanations(ro_order), (self.romanian, "Nivel aur"))
        self.assertEqual(self._explanations(en_order), (self.english, "Gold tier"))
        # and the other way round: the English order priced first
        privileged(orders.order_line).write(
            {"crm_pricing_explanation_full": False, "crm_pricing_explanation_label": False}
        )
        (en_order | ro_order).with_context(lang="en_US")._recompute_prices()
        self.assertEqual(self._explanations(ro_order), (self.romanian, "Nivel aur"))
        self.assertEqual(self._explanations(en_order), (self.english, "Gold tier"))

    def test_client_price_list_pdf_in_the_clients_language(self):
        """The Client Price List printed by a salesperson reading English for a
        client reading Romanian: its titles, rule names and explanations are
        the client's language, as Odoo prints a quotation (t-lang on the
        document's template, the document read in the partner's language)."""
        self.client.property_product_pricelist = self.pricelist
        salesman = new_test_user(
            self.env,
            login="pricing_lang_salesman",
            groups="sales_team.group_sale_salesman,product.group_product_pricelist",
            lang="en_US",
        )
        self.widget.with_context(lang="ro_RO").name = "Dispozitiv"
        wizard = (
            self.env["crm.client.pricelist.wizard"]
            .with_user(salesman)
            .with_context(lang="en_US")
            .create(
                {"partner_id": self.client.id, "date": "2026-07-15", "categ_id": self.categ_w.id}
            )
        )
        # what the salesperson reads on screen stays theirs
        widget = next(r for r in wizard.get_lines() if r["product_id"] == self.widget.id)
        self.assertEqual((widget["rule"], widget["explanation"]), ("Gold tier", self.english))
        html = (
            self.env["ir.actions.report"]
            .with_user(salesman)
            .with_context(lang="en_US")
            ._render_qweb_html("crm_pricing.action_report_client_pricelist", wizard.ids)[0]
            .decode()
        )
        # the lines, read from the document in the client's language
        self.assertIn("Nivel aur", html)
        self.assertIn("Dispozitiv", html)
        self.assertIn("52.300,00", html)
        self.assertNotIn("Gold tier", html)
        # the document's own texts
        for text in ("Price list for", "Your Price", "As of"):
            self.assertIn(self.ro[text], html)
            self.assertNotIn(text, html)

    def test_refused_rule_date_named_in_the_users_language(self):
        self.env["ir.module.module"]._load_module_terms(
            ["product", "crm_suite_base"], ["ro_RO"], overwrite=True
        )
        base = catalogue("crm_suite_base", "ro")
        with self.assertRaises(UserError) as cm:
            self._rule(percent_price=5.0).with_context(lang="ro_RO").write(
                {"date_start": "someday"}
            )
        self.assertEqual(
            str(cm.exception),
            base["%(label)s must be a date (YYYY-MM-DD), not %(value)s."]
            % {"label": "Dată început", "value": "'someday'"},
        )
