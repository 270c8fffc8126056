from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .common import PricingCommon

ADDED_FIELDS = {
    "product.pricelist": ("stacking_policy",),
    "product.pricelist.item": (
        "pricing_label",
        "sequence",
        "partner_id",
        "partner_category_id",
        "turnover_period",
        "turnover_period_ref",
        "min_turnover",
        "purchase_categ_id",
        "min_period_qty",
        "min_categ_amount",
        "payment_condition",
        "payment_max_days",
        "is_conditional",
    ),
    "sale.order.line": (
        "crm_pricing_explanation_full",
        "crm_pricing_explanation_label",
        "crm_pricing_explanation_client_id",
    ),
    "res.company": ("crm_pricing_explanation_on_offers",),
}


@tagged("post_install", "-at_install")
class TestPricingWritePolicy(PricingCommon):
    """crm_pricing's declared write policy (issue #24): rules are the sales
    managers', derived fields are owned, values stay in range."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="pol_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.stock_manager = new_test_user(
            cls.env, login="pol_stock_manager", groups="product.group_product_manager"
        )
        cls.sales_manager = new_test_user(
            cls.env, login="pol_sales_manager", groups="sales_team.group_sale_manager"
        )
        cls.client.user_id = cls.salesman

    def test_every_added_field_is_declared(self):
        policy = self.env["crm.write.policy"].get_write_policy(list(ADDED_FIELDS))
        for model, names in ADDED_FIELDS.items():
            for name in names:
                self.assertTrue(policy[model]["fields"][name]["declared"], f"{model}.{name}")
            for name, field in self.env[model]._fields.items():
                if field.store and set(field._modules or ()) == {"crm_pricing"}:
                    self.assertIn(name, names, f"{model}.{name}")

    def test_rules_are_the_sales_managers(self):
        Item = self.env["product.pricelist.item"].with_user(self.stock_manager)
        # Odoo lets product managers edit pricelists: not the client conditions
        for vals in (
            {"partner_id": self.client.id},
            {"partner_category_id": self.tag_vip.id},
            {"payment_condition": True, "payment_max_days": 10},
        ):
            with self.assertRaises(AccessError, msg=vals):
                Item.create(
                    dict(
                        vals,
                        pricelist_id=self.pricelist.id,
                        compute_price="percentage",
                        percent_price=50,
                    )
                )
        plain = Item.create(
            {"pricelist_id": self.pricelist.id, "compute_price": "fixed", "fixed_price": 5}
        )
        plain.write({"fixed_price": 6})
        rule = self._rule(partner_id=self.client.id, percent_price=10)
        with self.assertRaises(AccessError):
            rule.with_user(self.stock_manager).write({"percent_price": 90})
        with self.assertRaises(AccessError):
            rule.with_user(self.stock_manager).unlink()
        with self.assertRaises(AccessError):
            self.pricelist.with_user(self.stock_manager).write({"stacking_policy": "cumulative"})
        with self.assertRaises(UserError):
            rule.with_user(self.sales_manager).write({"is_conditional": False})
        rule.with_user(self.sales_manager).write({"percent_price": 12, "pricing_label": "Gold"})
        self.assertEqual(rule.percent_price, 12)

    def test_uninstall_deletes_conditional_rules(self):
        """Uninstalling the module deletes the records it created (its demo
        rules): a conditional rule refused it to an administrator who is not a
        sales manager. The flag counts only for administrators: for a product
        manager the rule stays."""
        admin = new_test_user(
            self.env,
            login="pol_admin",
            groups="base.group_system,product.group_product_manager",
        )
        rules = self._rule(partner_id=self.client.id, percent_price=10) | self._rule(
            partner_category_id=self.tag_vip.id, percent_price=5
        )
        flag = {MODULE_UNINSTALL_FLAG: True}
        for user in (admin, self.stock_manager):
            with self.assertRaisesRegex(AccessError, "only sales managers change it"):
                rules[0].with_user(user).unlink()
        with self.assertRaisesRegex(AccessError, "only sales managers change it"):
            rules[0].with_user(self.stock_manager).with_context(**flag).unlink()
        self.assertEqual(len(rules.exists()), 2)
        rules[0].with_user(admin).with_context(**flag).unlink()
        rules[1].with_context(**flag).unlink()
        self.assertFalse(rules.exists())

    def test_product_managers_keep_odoo_pricelist_forms(self):
        """Odoo lets product and inventory managers create and duplicate
        pricelists and add plain rules: the forms send the defaults of the
        suite's fields (stacking policy, rule sequence), which set nothing."""
        users = [
            new_test_user(
                self.env,
                login="pol_product_manager",
                groups="base.group_user,product.group_product_manager",
            )
        ]
        if self.env.ref("stock.group_stock_manager", raise_if_not_found=False):
            users.append(
                new_test_user(
                    self.env, login="pol_inventory_admin", groups="stock.group_stock_manager"
                )
            )
        for user in users:
            with Form(self.env["product.pricelist"].with_user(user)) as form:
                form.name = f"Retail {user.login}"
                with form.item_ids.new() as item:
                    item.compute_price = "percentage"
                    item.percent_price = 5
            pricelist = form.record
            self.assertEqual(pricelist.stacking_policy, "best")
            self.assertEqual(pricelist.item_ids.sequence, 10)
            self.assertTrue(pricelist.with_user(user).copy().item_ids)
            self.env["product.pricelist.item"].with_user(user).create(
                {
                    "pricelist_id": self.pricelist.id,
                    "compute_price": "percentage",
                    "percent_price": 5,
                    "sequence": 10,
                }
            )
            # a pricelist with a client's rule is not theirs to duplicate
            conditional = pricelist.with_env(self.env).copy()
            conditional.item_ids.write({"partner_id": self.client.id})
            with self.assertRaises(AccessError):
                conditional.with_user(user).copy()
            # a value other than the default is still the sales managers'
            with self.assertRaises(AccessError):
                self.env["product.pricelist"].with_user(user).create(
                    {"name": "Stacked", "stacking_policy": "cumulative"}
                )
            with self.assertRaises(AccessError):
                self.env["product.pricelist.item"].with_user(user).create(
                    {
                        "pricelist_id": self.pricelist.id,
                        "compute_price": "percentage",
                        "percent_price": 5,
                        "sequence": 1,
                    }
                )

    def test_rule_values_in_range(self):
        Item = self.env["product.pricelist.item"].with_user(self.sales_manager)
        base = {
            "pricelist_id": self.pricelist.id,
            "compute_price": "percentage",
            "percent_price": 5,
            "turnover_period": "year",
        }
        for vals in (
            {"min_turnover": 1e308},
            {"min_turnover": -5},
            {"min_turnover": [1000]},
            {"min_turnover": 100, "payment_condition": True, "payment_max_days": 10**7},
            {"min_turnover": 100, "date_start": "0001-01-01 00:00:00"},
            {"min_turnover": 100, "date_end": "9999-12-31 00:00:00"},
            {"min_turnover": 100, "fixed_price": float("inf")},
        ):
            with self.assertRaises(UserError, msg=vals):
                Item.create(dict(base, **vals))
        self.assertFalse(self.pricelist.item_ids)

    def test_explanation_is_owned(self):
        self._rule(partner_id=self.client.id, percent_price=10, pricing_label="Gold")
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.client.id,
                    "pricelist_id": self.pricelist.id,
                    "order_line": [(0, 0, {"product_id": self.widget.id})],
                }
            )
        )
        line = order.order_line
        self.assertIn("Gold", line.pricing_explanation)
        for vals in (
            {"pricing_explanation": "Platinum"},
            {"crm_pricing_explanation_label": "Platinum"},
            {"crm_pricing_explanation_full": "Platinum"},
            {"pricing_details": {"applied": True}},
        ):
            with self.assertRaises(UserError, msg=vals):
                line.write(vals)
        order.action_update_prices()
        self.assertIn("Gold", line.pricing_explanation)
        with self.assertRaises(AccessError):
            self.env.company.with_user(self.salesman).write(
                {"crm_pricing_explanation_on_offers": True}
            )

    def test_trade_turnover_arguments(self):
        client = self.client.with_user(self.salesman)
        for kw in (
            {"date": "0001-01-01"},
            {"date": "9999-12-31"},
            {"date": "1899-12-31"},
            {"date": ["2026-01-01"]},
            {"period": ["year"]},
            {"period_ref": {"x": 1}},
            {"company_id": 2**40},
            {"company_id": -1},
        ):
            # AccessError for another company is a UserError too
            with self.assertRaises(UserError, msg=kw):
                client.get_trade_turnover(**kw)
        with self.assertRaises(UserError):
            (client | self.other_client).get_trade_turnover()
        with self.assertRaises(UserError):
            client.with_context(lang="xx_XX").get_trade_turnover()
        result = client.with_context(tz="Mars/Olympus_Mons").get_trade_turnover(
            date="1900-03-01", period="quarter", period_ref="current"
        )
        self.assertEqual(result["date_from"], "1900-01-01")

    def test_price_list_wizard_values(self):
        Wizard = self.env["crm.client.pricelist.wizard"].with_user(self.salesman)
        for vals in ({"date": "0001-01-01"}, {"date": "9999-01-01"}, {"categ_id": [1, 2]}):
            with self.assertRaises(ValidationError, msg=vals):
                Wizard.create(dict({"partner_id": self.client.id}, **vals))
        first = Wizard.create({"partner_id": self.client.id, "pricelist_id": self.pricelist.id})
        second = Wizard.create({"partner_id": self.client.id, "pricelist_id": self.pricelist.id})
        with self.assertRaises(UserError):
            (first | second).get_lines()
        self.assertTrue(first.with_context(tz="Nowhere/Void").get_lines())

    def test_price_list_wizard_keeps_turnover_confidential(self):
        """The price list's explanations quote the client's turnover: another
        salesperson's client is refused, as get_trade_turnover() refuses it."""
        colleague = new_test_user(
            self.env, login="pol_colleague", groups="sales_team.group_sale_salesman"
        )
        wizard = (
            self.env["crm.client.pricelist.wizard"]
            .with_user(colleague)
            .create({"partner_id": self.client.id, "pricelist_id": self.pricelist.id})
        )
        with self.assertRaises(AccessError):
            wizard.get_lines()
        own = (
            self.env["crm.client.pricelist.wizard"]
            .with_user(self.salesman)
            .create({"partner_id": self.client.id, "pricelist_id": self.pricelist.id})
        )
        self.assertTrue(own.get_lines(), "the client's salesperson sees it")
