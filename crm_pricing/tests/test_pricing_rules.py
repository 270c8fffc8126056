import datetime

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import PricingCommon


@tagged("post_install", "-at_install")
class TestPricingRules(PricingCommon):
    # --- turnover -----------------------------------------------------------

    def _gold(self, **vals):
        defaults = {
            "pricing_label": "Gold tier",
            "percent_price": 10.0,
            "turnover_period": "quarter",
            "turnover_period_ref": "last",
            "min_turnover": 50000.0,
        }
        return self._rule(**(defaults | vals))

    def test_turnover_met_refunds_subtract_drafts_cancelled_ignored(self):
        rule = self._gold()
        self._invoice("2026-04-10", 60000.0)
        self._invoice("2026-06-30", 7700.0, move_type="out_refund")
        self._invoice("2026-05-10", 90000.0, post=False)  # draft
        cancelled = self._invoice("2026-05-12", 90000.0, post=False)
        cancelled.button_cancel()
        self.assertEqual(cancelled.state, "cancel")
        detail = self._details()
        self.assertTrue(detail["applied"])
        self.assertEqual(detail["rule_id"], rule.id)
        self.assertAlmostEqual(detail["price"], 90.0)
        self.assertAlmostEqual(detail["base_price"], 100.0)
        self.assertEqual(
            detail["explanation"],
            f"Gold tier: turnover Q2 2026 = 52,300.00 {self.currency.name} ≥ 50,000.00",
        )
        self.assertAlmostEqual(self._price(), 90.0)

    def test_turnover_not_met_leaves_standard_price(self):
        self._gold()
        standard = self._rule(
            compute_price="fixed",
            fixed_price=95.0,
            applied_on="0_product_variant",
            product_id=self.widget.id,
        )
        self._invoice("2026-04-10", 49999.0)
        self.assertIsNone(self._details())
        self.assertAlmostEqual(self._price(), 95.0)
        rule_id = self.pricelist._get_product_rule(
            self.widget, 1.0, date=datetime.datetime(2026, 7, 15), partner=self.client
        )
        self.assertEqual(rule_id, standard.id)

    def test_no_client_no_conditional_rule(self):
        self._gold()
        self._invoice("2026-04-10", 60000.0)
        # Odoo's standard computation (no client) never applies a conditional rule
        self.assertAlmostEqual(
            self.pricelist._get_product_price(
                self.widget, 1.0, date=datetime.datetime(2026, 7, 15)
            ),
            100.0,
        )
        # ... and no context key a caller could send gives another client's price
        price = self.pricelist.with_context(
            crm_pricing_partner_id=self.client.id
        )._get_product_price(self.widget, 1.0, date=datetime.datetime(2026, 7, 15))
        self.assertAlmostEqual(price, 100.0)
        # only server code passing the client does
        price = self.pricelist._get_product_price(
            self.widget, 1.0, date=datetime.datetime(2026, 7, 15), partner=self.client
        )
        self.assertAlmostEqual(price, 90.0)

    def test_turnover_of_commercial_partner_and_contact(self):
        self._gold()
        self._invoice("2026-04-10", 30000.0, partner=self.contact)
        self._invoice("2026-04-11", 30000.0)
        self._invoice("2026-04-11", 90000.0, partner=self.other_client)
        self.assertAlmostEqual(self._price(partner=self.contact), 90.0)
        self.assertAlmostEqual(self._price(partner=self.other_client), 90.0)
        self.assertAlmostEqual(
            self.client.get_trade_turnover("quarter", "last", "2026-07-15")["amount"], 60000.0
        )

    def test_turnover_multi_currency_at_invoice_rate(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        self._gold()
        self._invoice("2026-04-10", 99000.0, currency=eur)  # 49,500 in company currency
        self.assertIsNone(self._details())
        self._invoice("2026-04-11", 1100.0, currency=eur)  # +550 -> 50,050
        self.assertIn("50,050.00", self._details()["explanation"])

    def test_turnover_company_isolation(self):
        company_2 = self.setup_other_company()["company"]
        self._gold()
        self._invoice("2026-04-10", 80000.0, company=company_2)
        self.assertIsNone(self._details())
        self.assertEqual(
            self.client.get_trade_turnover("quarter", "last", "2026-07-15")["amount"], 0.0
        )
        self.assertEqual(
            self.client.get_trade_turnover(
                "quarter", "last", "2026-07-15", company_id=company_2.id
            )["amount"],
            80000.0,
        )

    @mute_logger("odoo.addons.base.models.ir_model")
    def test_turnover_of_a_company_not_allowed_refused(self):
        company_2 = self.setup_other_company()["company"]
        user = new_test_user(
            self.env,
            login="pricing_company_1",
            groups="sales_team.group_sale_salesman",
            company_id=self.env.company.id,
            company_ids=[Command.set(self.env.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.client.with_user(user).get_trade_turnover(company_id=company_2.id)
        self.assertIn("amount", self.client.with_user(user).get_trade_turnover())

    # --- periods --------------------------------------------------------------

    def test_period_boundaries(self):
        Item = self.env["product.pricelist.item"]
        day = datetime.date(2026, 7, 1)
        expected = {
            ("month", "last"): ("2026-06-01", "2026-06-30", "June 2026"),
            ("quarter", "last"): ("2026-04-01", "2026-06-30", "Q2 2026"),
            ("half_year", "last"): ("2026-01-01", "2026-06-30", "H1 2026"),
            ("year", "last"): ("2025-01-01", "2025-12-31", "2025"),
            ("month", "current"): ("2026-07-01", "2026-07-01", "July 2026 to date"),
            ("quarter", "current"): ("2026-07-01", "2026-07-01", "Q3 2026 to date"),
            ("half_year", "current"): ("2026-07-01", "2026-07-01", "H2 2026 to date"),
            ("year", "current"): ("2026-01-01", "2026-07-01", "2026 to date"),
        }
        for (kind, ref), (start, end, label) in expected.items():
            with self.subTest(kind=kind, ref=ref):
                self.assertEqual(
                    Item._pricing_period(kind, ref, day),
                    (datetime.date.fromisoformat(start), datetime.date.fromisoformat(end), label),
                )
        # last day of a year, of a half-year
        self.assertEqual(
            Item._pricing_period("half_year", "last", datetime.date(2026, 12, 31))[:2],
            (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
        )
        self.assertEqual(
            Item._pricing_period("quarter", "last", datetime.date(2026, 1, 1))[:2],
            (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
        )

    def test_each_period_kind_counts_invoices_inside_its_boundaries(self):
        """Invoices on the first and last day of the last completed period count,
        those the day before and the day after do not (order on 2026-07-01)."""
        bounds = {
            "month": ("2026-06-01", "2026-06-30"),
            "quarter": ("2026-04-01", "2026-06-30"),
            "half_year": ("2026-01-01", "2026-06-30"),
            "year": ("2025-01-01", "2025-12-31"),
        }
        for kind, (start, end) in bounds.items():
            with self.subTest(kind=kind):
                partner = self.env["res.partner"].create({"name": f"Client {kind}"})
                rule = self._rule(
                    pricing_label=kind,
                    percent_price=10.0,
                    turnover_period=kind,
                    min_turnover=2000.0,
                    partner_id=partner.id,
                )
                start_d = datetime.date.fromisoformat(start)
                end_d = datetime.date.fromisoformat(end)
                self._invoice(start_d - datetime.timedelta(days=1), 5000.0, partner=partner)
                self._invoice(end_d + datetime.timedelta(days=1), 5000.0, partner=partner)
                self._invoice(start_d, 1000.0, partner=partner)
                date = "2026-07-01 08:00:00"
                self.assertIsNone(self._details(partner=partner, date=date))
                self._invoice(end_d, 1000.0, partner=partner)
                self.assertEqual(self._details(partner=partner, date=date)["rule_id"], rule.id)

    def test_current_period_to_date(self):
        self._gold(turnover_period_ref="current")
        self._invoice("2026-07-01", 40000.0)
        self._invoice("2026-07-16", 40000.0)  # after the order date
        self.assertIsNone(self._details(date="2026-07-15 10:00:00"))
        self._invoice("2026-07-15", 10000.0)
        detail = self._details(date="2026-07-15 10:00:00")
        self.assertIn("Q3 2026 to date = 50,000.00", detail["explanation"])

    def test_period_in_company_timezone(self):
        Item = self.env["product.pricelist.item"]
        moment = datetime.datetime(2026, 6, 30, 22, 30)  # UTC
        self.env.company.partner_id.tz = "Europe/Bucharest"
        self.assertEqual(
            Item._pricing_local_date(moment, self.env.company), datetime.date(2026, 7, 1)
        )
        self.env.company.partner_id.tz = "UTC"
        self.assertEqual(
            Item._pricing_local_date(moment, self.env.company), datetime.date(2026, 6, 30)
        )
        # so an order at that moment looks at June (Bucharest) or May (UTC)
        self._rule(percent_price=10.0, turnover_period="month", min_turnover=1000.0)
        self._invoice("2026-06-10", 1000.0)
        self.assertIsNone(self._details(date="2026-06-30 22:30:00"))
        self.env.company.partner_id.tz = "Europe/Bucharest"
        self.assertTrue(self._details(date="2026-06-30 22:30:00")["applied"])

    # --- other conditions -------------------------------------------------------

    def test_min_quantity_on_line(self):
        self._rule(
            pricing_label="Bulk", percent_price=5.0, partner_id=self.client.id, min_quantity=10
        )
        self.assertIsNone(self._details(qty=9))
        detail = self._details(qty=10)
        self.assertEqual(
            detail["explanation"],
            "Bulk: negotiated for Gold Client, quantity 10.00 ≥ 10.00 Units",
        )
        self.assertAlmostEqual(self._price(qty=10), 95.0)

    def test_min_quantity_explained_in_the_product_unit(self):
        """A line sold in another unit than the product's: the rule's minimum is
        compared in the product's unit (Odoo's engine), and the explanation
        names it, so that 1 dozen reads as the 12 units it is."""
        self._rule(
            pricing_label="Bulk", percent_price=5.0, partner_id=self.client.id, min_quantity=12
        )
        dozens = self.env.ref("uom.product_uom_dozen")
        detail = self.pricelist._pricing_details(
            self.widget,
            1.0,
            uom=dozens,
            date=fields.Datetime.to_datetime("2026-07-15 10:00:00"),
            partner=self.client,
        )[self.widget.id]
        self.assertEqual(
            detail["explanation"],
            "Bulk: negotiated for Gold Client, quantity 12.00 ≥ 12.00 Units",
        )

    def test_group_quantity_in_period(self):
        self._rule(
            pricing_label="Widget buyer",
            percent_price=8.0,
            turnover_period="month",
            purchase_categ_id=self.categ_w.id,
            min_period_qty=50,
        )
        self._invoice("2026-06-05", 300.0, quantity=30)  # widgets (child category)
        self._invoice("2026-06-06", 800.0, product=self.gadget, quantity=40)  # other group
        self.assertIsNone(self._details())
        self._invoice("2026-06-07", 200.0, quantity=20)
        self._invoice("2026-06-08", 10.0, quantity=1, move_type="out_refund")
        self.assertIsNone(self._details())  # 49 after the refund
        self._invoice("2026-06-09", 10.0, quantity=1)
        detail = self._details()
        self.assertEqual(
            detail["explanation"], "Widget buyer: Widgets bought June 2026 = 50.00 ≥ 50.00"
        )
        self.assertAlmostEqual(detail["price"], 92.0)

    def test_group_amount_in_period(self):
        self._rule(
            pricing_label="Widget amount",
            percent_price=8.0,
            applied_on="2_product_category",
            categ_id=self.categ_w.id,
            turnover_period="year",
            min_categ_amount=1000.0,
        )
        self._invoice("2025-03-05", 5000.0, product=self.gadget)
        self._invoice("2025-03-06", 999.0)
        self.assertIsNone(self._details())
        self._invoice("2025-12-31", 1.0)
        detail = self._details()
        self.assertIn("Widgets purchases 2025 = 1,000.00", detail["explanation"])
        # the rule applies to widgets only (Odoo's applied_on)
        self.assertIsNone(self._details(product=self.gadget))

    def test_payment_condition(self):
        self._rule(
            pricing_label="Early payment",
            percent_price=2.0,
            payment_condition=True,
            payment_max_days=15,
        )
        self.assertIsNone(self._details(term=None))
        self.assertIsNone(self._details(term=self.term_30))
        detail = self._details(term=self.term_immediate)
        self.assertIn("Early payment: payment term", detail["explanation"])
        self.assertAlmostEqual(detail["price"], 98.0)

    def test_combined_conditions_all_needed(self):
        self._gold(payment_condition=True, payment_max_days=0)
        self._invoice("2026-04-10", 60000.0)
        self.assertIsNone(self._details(term=self.term_30))
        detail = self._details(term=self.term_immediate)
        self.assertTrue(detail["explanation"].startswith("Gold tier: turnover Q2 2026 = 60,000.00"))
        self.assertIn("payment term", detail["explanation"])

    def test_who_client_and_client_group(self):
        self._rule(pricing_label="VIP", percent_price=3.0, partner_category_id=self.tag_vip.id)
        self.assertIsNone(self._details(partner=self.other_client))
        self.assertEqual(
            self._details(partner=self.contact)["explanation"], "VIP: client group VIP"
        )
        self._rule(
            pricing_label="Deal",
            compute_price="fixed",
            fixed_price=80.0,
            partner_id=self.other_client.id,
        )
        self.assertAlmostEqual(self._price(partner=self.other_client), 80.0)
        self.assertAlmostEqual(self._price(partner=self.client), 97.0)

    def test_client_group_is_the_clients_not_a_contacts(self):
        """A client group is the client's (its commercial entity's tags), as its
        conditions say (get_pricing_conditions): a contact's own tag gives no
        group price, on the contact's orders either; the client's tag gives it
        to all its contacts."""
        key = self.env["res.partner.category"].create({"name": "Key account"})
        rule = self._rule(pricing_label="Key", percent_price=7.0, partner_category_id=key.id)
        self.contact.category_id = key
        self.assertIsNone(self._details(partner=self.contact))
        self.assertIsNone(self._details(partner=self.client))
        self.assertAlmostEqual(self._price(partner=self.contact), 100.0)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.contact.id,
                "pricelist_id": self.pricelist.id,
                "date_order": "2026-07-15 10:00:00",
                "order_line": [Command.create({"product_id": self.widget.id})],
            }
        )
        self.assertAlmostEqual(order.order_line.price_subtotal, 100.0)
        self.assertFalse(order.order_line.pricing_explanation)
        conditions = self.contact.get_pricing_conditions(date="2026-07-15")
        self.assertNotIn(rule.id, [row["rule_id"] for row in conditions])
        # the client carries the tag: the client and each of its contacts
        self.contact.category_id = False
        self.client.category_id |= key
        self.assertAlmostEqual(self._price(partner=self.contact), 93.0)
        self.assertAlmostEqual(self._price(partner=self.client), 93.0)
        conditions = self.contact.get_pricing_conditions(date="2026-07-15")
        self.assertIn(rule.id, [row["rule_id"] for row in conditions])

    def test_formula_effect_and_pricelist_in_other_currency(self):
        self._rule(
            pricing_label="Formula",
            compute_price="formula",
            base="list_price",
            price_discount=20.0,
            price_surcharge=-1.0,
            partner_id=self.client.id,
        )
        self.assertAlmostEqual(self._price(), 79.0)
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        self.pricelist.currency_id = eur
        self._gold()
        self._invoice("2026-04-10", 60000.0)  # thresholds stay in company currency
        detail = self.pricelist._pricing_details(
            self.widget,
            1.0,
            currency=eur,
            date=datetime.datetime(2026, 7, 15),
            partner=self.client,
        )[self.widget.id]
        # best of (list 200 EUR - 20 % - 1 EUR surcharge) and (200 EUR - 10 %)
        self.assertAlmostEqual(detail["price"], 159.0)
        self.pricelist.stacking_policy = "cumulative"
        detail = self.pricelist._pricing_details(
            self.widget,
            1.0,
            currency=eur,
            date=datetime.datetime(2026, 7, 15),
            partner=self.client,
        )[self.widget.id]
        self.assertAlmostEqual(detail["price"], 159.0 * 0.9)
        self.assertIn(f"60,000.00 {self.currency.name}", detail["explanation"])

    # --- stacking ---------------------------------------------------------------

    def test_best_single_rule(self):
        self._rule(pricing_label="A", percent_price=10.0, partner_id=self.client.id, sequence=1)
        best = self._rule(
            pricing_label="B", percent_price=15.0, partner_category_id=self.tag_vip.id, sequence=2
        )
        detail = self._details()
        self.assertEqual(detail["rule_id"], best.id)
        self.assertAlmostEqual(detail["price"], 85.0)
        self.assertEqual(detail["explanation"], "B: client group VIP")

    def test_best_single_rule_keeps_lower_standard_price(self):
        self._rule(
            compute_price="fixed",
            fixed_price=70.0,
            applied_on="0_product_variant",
            product_id=self.widget.id,
        )
        self._rule(pricing_label="A", percent_price=10.0, partner_id=self.client.id)
        detail = self._details()
        self.assertFalse(detail["applied"])
        self.assertEqual(
            detail["explanation"],
            "A: negotiated for Gold Client (standard price kept, it is lower)",
        )
        self.assertAlmostEqual(self._price(), 70.0)

    def test_cumulative_discounts(self):
        self.pricelist.stacking_policy = "cumulative"
        self._rule(
            percent_price=20.0, applied_on="2_product_category", categ_id=self.categ_w.id
        )  # standard
        a = self._rule(pricing_label="A", percent_price=10.0, partner_id=self.client.id, sequence=1)
        self._rule(
            pricing_label="B", percent_price=5.0, partner_category_id=self.tag_vip.id, sequence=2
        )
        detail = self._details()
        self.assertAlmostEqual(detail["price"], 100 * 0.8 * 0.9 * 0.95)
        self.assertAlmostEqual(detail["base_price"], 100.0)  # list price: discount shown
        self.assertEqual(detail["rule_id"], a.id)
        self.assertEqual(
            detail["explanation"], "A: negotiated for Gold Client + B: client group VIP"
        )

    def test_cumulative_on_fixed_price(self):
        self.pricelist.stacking_policy = "cumulative"
        fixed = self._rule(
            pricing_label="Net", compute_price="fixed", fixed_price=60.0, partner_id=self.client.id
        )
        self._rule(pricing_label="VIP", percent_price=10.0, partner_category_id=self.tag_vip.id)
        detail = self._details()
        self.assertAlmostEqual(detail["price"], 54.0)
        self.assertAlmostEqual(detail["base_price"], 60.0)
        self.assertIn(fixed.id, detail["rule_ids"])

    # --- validation and access ------------------------------------------------------

    def test_bad_rules_refused(self):
        bad = [
            {"turnover_period": "month", "min_turnover": -1},
            {"turnover_period": "month"},  # period without amount
            {"min_turnover": 100},  # amount without period
            {"partner_id": 1, "percent_price": 120},  # discount over 100
            {"partner_id": 1, "percent_price": -5},
            {"payment_condition": True, "payment_max_days": -3},
            {"turnover_period": "month", "min_period_qty": 5},  # no product group
            {"partner_id": 1, "partner_category_id": 1},
        ]
        for vals in bad:
            vals = dict(vals)
            if vals.get("partner_id"):
                vals["partner_id"] = self.client.id
            if vals.get("partner_category_id"):
                vals["partner_category_id"] = self.tag_vip.id
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self._rule(**vals)
        rule = self._gold()
        with self.assertRaises(ValidationError):
            rule.min_turnover = -10
        self.assertEqual(rule.min_turnover, 50000.0)

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.models")
    def test_salesman_cannot_edit_rules_but_gets_prices(self):
        salesman = new_test_user(
            self.env, login="pricing_salesman", groups="sales_team.group_sale_salesman"
        )
        rule = self._gold()
        self._invoice("2026-04-10", 60000.0)
        with self.assertRaises(AccessError):
            rule.with_user(salesman).write({"percent_price": 50.0})
        with self.assertRaises(AccessError):
            self.env["product.pricelist.item"].with_user(salesman).create(
                {
                    "pricelist_id": self.pricelist.id,
                    "percent_price": 50.0,
                    "compute_price": "percentage",
                }
            )
        price = self.pricelist.with_user(salesman)._get_product_price(
            self.widget, 1.0, date=datetime.datetime(2026, 7, 15), partner=self.client
        )
        self.assertAlmostEqual(price, 90.0)
        manager = new_test_user(
            self.env, login="pricing_manager", groups="sales_team.group_sale_manager"
        )
        rule.with_user(manager).write({"percent_price": 12.0})
        self.assertEqual(rule.percent_price, 12.0)
