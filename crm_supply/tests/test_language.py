from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import format_date, formatLang

from odoo.addons.crm_suite_base.tests.common_i18n import catalogue

from .common import SupplyCase


@tagged("post_install", "-at_install")
class TestSupplyLanguage(SupplyCase):
    """The low-stock activity is written in the language of who gets it (the
    daily run has none); a refused order line names its fields and models in
    the user's language, as the message around them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ro_RO")
        cls.env["ir.module.module"]._load_module_terms(
            ["uom", "product", "sale", "crm_suite_base", "crm_supply"], ["ro_RO"], overwrite=True
        )
        cls.ro = catalogue("crm_supply", "ro")
        cls.ro_base = catalogue("crm_suite_base", "ro")
        cls.salesman_ro = new_test_user(
            cls.env,
            login="supply_sales_ro",
            groups="sales_team.group_sale_salesman",
            lang="ro_RO",
        )

    def test_low_stock_activity_in_the_responsibles_language(self):
        self.product.with_context(lang="ro_RO").name = "Dispozitiv de aprovizionare"
        self.product.responsible_id = self.salesman_ro
        self.product.low_stock_threshold = 1500.5  # 10 in stock
        # the daily run: no language, OdooBot
        self.env(context={})["product.product"]._cron_check_low_stock()
        # the company's activity (each company with a warehouse has its own)
        activity = self.product.product_tmpl_id.activity_ids.filtered(
            lambda a: a.user_id == self.salesman_ro
        )
        self.assertEqual(len(activity), 1)
        company = self.env.company.name
        self.assertEqual(
            activity.summary,
            self.ro["Low stock in %(company)s: %(product)s"]
            % {"company": company, "product": "Dispozitiv de aprovizionare"},
        )
        source = (
            "%(product)s: %(free)s %(unit)s free to sell in %(company)s, below the "
            "threshold of %(min)s %(unit)s."
        )
        # the English text until the catalogue has the message; the quantities
        # as Odoo writes them in Romanian, with the unit's name
        unit = self.product.uom_id.with_context(lang="ro_RO").name
        self.assertNotEqual(unit, "Units")
        note = (self.ro.get(source) or source) % {
            "product": "Dispozitiv de aprovizionare",
            "free": "10,00",
            "unit": unit,
            "company": company,
            "min": "1.500,50",
        }
        self.assertIn(note, str(activity.note))

    def test_expiry_todo_in_the_salespersons_language(self):
        """The expiry cron's to-do is written in the language of the
        salesperson who gets it (the daily run has none), its date as Odoo
        writes dates in that language: it was in English, the date in ISO
        form ("2026-12-09"), whoever read it."""
        order = self._order(3, user=self.salesman_ro)
        order.with_user(self.salesman_ro).action_reserve_stock()
        order.reservation_expiry_date = self._today(1)
        # the daily run: no language, OdooBot
        self.env(context={})["sale.stock.reservation"]._cron_expire()
        activity = order.activity_ids
        self.assertEqual(activity.user_id, self.salesman_ro)
        self.assertEqual(activity.summary, self.ro["Stock reservation expires soon"])
        date = format_date(self.env(context={"lang": "ro_RO"}), self._today(1))
        self.assertNotEqual(date, str(self._today(1)))
        note = self.ro[
            "The goods reserved for %(order)s are released on %(date)s: confirm "
            "the order or extend the reservation."
        ] % {"order": order.name, "date": date}
        self.assertIn(note, str(activity.note))

    def test_expiry_note_in_the_salespersons_language(self):
        """The expiry run's note of a released reservation is written as its
        to-do is, in the language of the quotation's salesperson (the daily
        run has none), else the company's: it was in the run's language,
        English, whoever read it."""
        english = "Stock reservation expired and released."
        romanian = self.ro[english]
        self.assertNotEqual(romanian, english)
        self.env.company.partner_id.lang = "en_US"
        ro_order = self._order(3, user=self.salesman_ro)
        en_order = self._order(2, user=self.salesman)
        # no salesperson: the company's language
        company_order = self._order(1)
        company_order.user_id = False
        other_company = self.env["res.company"].create(
            {"name": "Supply Romanian Company", "country_id": self.env.ref("base.ro").id}
        )
        other_company.partner_id.lang = "ro_RO"
        other_warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", other_company.id)], limit=1
        )
        self.env["stock.quant"].with_company(other_company)._update_available_quantity(
            self.product, other_warehouse.lot_stock_id, 5.0
        )
        ro_company_order = (
            self.env["sale.order"]
            .with_company(other_company)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": other_company.id,
                    "warehouse_id": other_warehouse.id,
                    "user_id": False,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "product_uom_qty": 1})
                    ],
                }
            )
        )
        orders = self.env["sale.order"].browse(
            [o.id for o in (ro_order, en_order, company_order, ro_company_order)]
        )
        for order in orders:
            order.with_company(order.company_id).action_reserve_stock()
        orders.reservation_expiry_date = self._today(-1)
        # the daily run: no language, OdooBot
        self.env(context={})["sale.stock.reservation"]._cron_expire()
        for order, body in (
            (ro_order, romanian),
            (en_order, english),
            (company_order, english),
            (ro_company_order, romanian),
        ):
            with self.subTest(order=order.name):
                self.assertEqual(order.reservation_ids.state, "expired")
                notes = order.message_ids.filtered(lambda m, b=body: b in str(m.body))
                self.assertEqual(len(notes), 1)

    def test_label_quantities_in_the_users_language(self):
        """The free-to-sell label writes its quantities as Odoo writes them in
        the user's language (Romanian: "." between thousands, "," before the
        decimals), at the precision of the quantity fields: a million is not
        "1e+06", and 1,234.5 keeps its decimals and its separators."""
        # 10 in stock: 1,001,234.5 on hand, 1,234.5 reserved, 1,000,000 free
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock, 1001224.5)
        self._order(1234.5).action_reserve_stock()
        user = self.salesman_ro
        ctx = {"lang": user.lang, "crm_supply_stock_label": True, "warehouse_id": self.warehouse.id}
        label = self.ro["%(name)s (free to sell: %(free)s, reserved: %(held)s)"]
        self.assertIn("liber", label)
        expected = label % {"name": "Supply Widget", "free": "1.000.000,00", "held": "1.234,50"}
        product = self.product.with_user(user).with_context(**ctx)
        self.assertEqual(product.display_name, expected)
        self.assertEqual(product.product_tmpl_id.display_name, expected)
        self.assertEqual(
            product.name_search("Supply Widget", limit=8), [(self.product.id, expected)]
        )
        # and in English, for the same figures
        english = self.product.with_user(self.salesman).with_context(ctx, lang="en_US")
        self.assertEqual(
            english.display_name, "Supply Widget (free to sell: 1,000,000.00, reserved: 1,234.50)"
        )

    def test_quantities_written_as_formatlang_writes_them(self):
        """The label's and the low-stock activity's quantities are Odoo's
        ``formatLang`` at the precision of the quantity fields, in the
        language of the text (English without one), whatever the number:
        negative, rounded half to even, large."""
        values = (0, 0.004, 2.675, -16, 1234.5, -1234567.125, 999999.995, 1e6, 1e11)
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for lang in ("ro_RO", "en_US", None):
            env = self.env(context=dict(self.env.context, lang=lang))
            fmt = env["product.product"]._quantity_formatter()
            english = env(context=dict(env.context, lang=lang or "en_US"))
            for value in values:
                with self.subTest(lang=lang, value=value):
                    self.assertEqual(fmt(value), formatLang(english, value, digits=digits))
                    self.assertNotIn("e", fmt(value))
        ro = self.env(context=dict(self.env.context, lang="ro_RO"))
        self.assertEqual(ro["product.product"]._quantity_formatter()(-1234567.125), "-1.234.567,12")

    def test_refused_line_names_fields_in_the_users_language(self):
        order = self._order(1, user=self.salesman)
        Line = self.env["sale.order.line"].with_user(self.salesman_ro).with_context(lang="ro_RO")
        field = self.env["sale.order.line"]._fields["product_uom_qty"]
        self.assertEqual(field._description_string(Line.env), "Cantitate")
        with self.assertRaises(UserError) as cm:
            Line.create(
                {"order_id": order.id, "product_id": self.product.id, "product_uom_qty": "x"}
            )
        self.assertEqual(
            str(cm.exception),
            self.ro_base["%(label)s must be a number, not %(value)s."]
            % {"label": "Cantitate", "value": "'x'"},
        )
        variant = self.env["ir.model"].with_context(lang="ro_RO")._get("product.product").name
        self.assertNotEqual(variant, "Product Variant")
        with self.assertRaises(UserError) as cm:
            order.with_user(self.salesman_ro).with_context(lang="ro_RO").write(
                {"order_line": [Command.create({"product_id": 999999999})]}
            )
        message = str(cm.exception)
        self.assertIn(variant, message)
        self.assertNotIn("Product Variant", message)
        self.assertTrue(message.startswith("Produs "), message)
