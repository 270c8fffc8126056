from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import PricingCommon


@tagged("post_install", "-at_install")
class TestPricingReview(PricingCommon):
    """Defects found in a review: conditions that a later change of the rule
    or of its price list dropped without a check."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_manager = new_test_user(
            cls.env,
            login="rev_product_manager",
            groups="base.group_user,product.group_product_manager",
        )
        cls.sales_manager = new_test_user(
            cls.env, login="rev_sales_manager", groups="sales_team.group_sale_manager"
        )

    def test_purchase_condition_keeps_its_product_group(self):
        """A purchase condition (min. group quantity) whose product group is
        the rule's category: moving the rule to all products would leave the
        condition without a group, silently dropped (the rule then applied to
        every client of the price list). Refused as when it is created so."""
        rule = self._rule(
            partner_category_id=self.tag_vip.id,
            pricing_label="Widget buyers",
            percent_price=10.0,
            applied_on="2_product_category",
            categ_id=self.categ_w.id,
            turnover_period="quarter",
            min_period_qty=50.0,
        )
        self.assertIsNone(self._details())
        # assertRaises (Odoo's) rolls the refused change back
        with self.assertRaises(ValidationError) as refused:
            rule.with_user(self.sales_manager).write({"applied_on": "3_global"})
        self.assertIn("needs a product group", str(refused.exception))
        self.assertEqual(rule.applied_on, "2_product_category")
        self.assertIsNone(self._details())
        with self.assertRaises(ValidationError) as refused:
            self._rule(
                partner_category_id=self.tag_vip.id,
                percent_price=10.0,
                applied_on="3_global",
                categ_id=self.categ_w.id,
                turnover_period="quarter",
                min_categ_amount=500.0,
            )
        self.assertIn("needs a product group", str(refused.exception))
        # with a product group of its own, the rule may apply to everything
        rule.with_user(self.sales_manager).write(
            {"purchase_categ_id": self.categ_w.id, "applied_on": "3_global"}
        )
        self.assertIsNone(self._details())
        self._invoice("2026-04-10", 5000.0, quantity=50.0)
        self.assertTrue(self._details()["applied"])

    def test_pricelist_with_client_rules_is_the_sales_managers(self):
        """Odoo lets product managers delete price lists: their rules go with
        them (the database's cascade), a client's negotiated rules included,
        which only sales managers delete."""
        plain = self.env["product.pricelist"].create(
            {"name": "Retail", "item_ids": [(0, 0, {"compute_price": "percentage"})]}
        )
        plain.with_user(self.product_manager).unlink()
        self.assertFalse(plain.exists())
        rule = self._rule(partner_id=self.client.id, percent_price=10.0)
        with self.assertRaises(AccessError) as refused:
            self.pricelist.with_user(self.product_manager).unlink()
        self.assertIn("only sales managers can delete it", str(refused.exception))
        self.assertTrue(rule.exists())
        self.pricelist.with_user(self.sales_manager).unlink()
        self.assertFalse(rule.exists())

    def test_product_with_client_rules_is_the_sales_managers(self):
        """Odoo lets product managers delete products: their rules go with them
        (the database's cascade), a client's negotiated rules on the product or
        on one of its variants included, which only sales managers delete."""
        Template = self.env["product.template"]
        plain = Template.create({"name": "Plain Widget"})
        self._rule(applied_on="1_product", product_tmpl_id=plain.id, percent_price=5.0)
        plain.with_user(self.product_manager).unlink()
        self.assertFalse(plain.exists())
        for applied_on in ("1_product", "0_product_variant"):
            template = Template.create({"name": f"Negotiated Widget {applied_on}"})
            rule = self._rule(
                partner_id=self.client.id,
                percent_price=10.0,
                applied_on=applied_on,
                product_tmpl_id=template.id,
                product_id=template.product_variant_id.id
                if applied_on == "0_product_variant"
                else False,
            )
            for record in (template, template.product_variant_id):
                with self.assertRaises(AccessError) as refused:
                    record.with_user(self.product_manager).unlink()
                self.assertIn("only sales managers can delete it", str(refused.exception))
                self.assertTrue(rule.exists())
            template.with_user(self.sales_manager).unlink()
            self.assertFalse(rule.exists())

    def test_category_with_client_rules_is_the_sales_managers(self):
        """Odoo lets product managers delete product categories: their rules go
        with them and with the categories under them (the database's cascade),
        a client group's negotiated rules included, which only sales managers
        delete."""
        Category = self.env["product.category"]
        plain = Category.create({"name": "Plain group"})
        self._rule(applied_on="2_product_category", categ_id=plain.id, percent_price=5.0)
        plain.with_user(self.product_manager).unlink()
        self.assertFalse(plain.exists())
        parent = Category.create({"name": "Negotiated parent"})
        child = Category.create({"name": "Negotiated child", "parent_id": parent.id})
        rule = self._rule(
            partner_category_id=self.tag_vip.id,
            percent_price=10.0,
            applied_on="2_product_category",
            categ_id=child.id,
        )
        for category in (parent, child):
            with self.assertRaises(AccessError) as refused:
                category.with_user(self.product_manager).unlink()
            self.assertIn("Negotiated child has pricing rules", str(refused.exception))
            self.assertTrue(rule.exists())
        parent.with_user(self.sales_manager).unlink()
        self.assertFalse(rule.exists())

    def test_negotiated_conditions_in_their_price_lists_company(self):
        """The client file's negotiated conditions list a client's rules of the
        price lists of every selected company: each is met, as on that price
        list's quotations, on the turnover in that price list's company, not in
        the company the file happens to be opened in."""
        company_2 = self.setup_other_company()["company"]
        companies = self.env.company | company_2
        manager = new_test_user(
            self.env,
            login="rev_mc_manager",
            groups="sales_team.group_sale_manager",
            company_id=self.env.company.id,
            company_ids=[Command.set(companies.ids)],
        )
        pricelist_2 = self.env["product.pricelist"].create(
            {"name": "Company 2 distributors", "company_id": company_2.id}
        )
        rule = self._rule(
            pricelist_id=pricelist_2.id,
            pricing_label="Company 2 gold",
            partner_id=self.client.id,
            percent_price=10.0,
            turnover_period="year",
            turnover_period_ref="current",
            min_turnover=1000.0,
        )
        self._invoice("2026-03-10", 5000.0, company=company_2)
        # the price on company 2's price list: met on company 2's turnover
        self.assertTrue(
            pricelist_2._pricing_details(
                self.widget, 1.0, date="2026-07-15 10:00:00", partner=self.client
            )[self.widget.id]["applied"]
        )
        client = self.client.with_user(manager).with_context(allowed_company_ids=companies.ids)
        conditions = {c["rule_id"]: c for c in client.get_pricing_conditions(date="2026-07-15")}
        self.assertTrue(conditions[rule.id]["met"], conditions[rule.id])
        self.assertIn("5,000.00", conditions[rule.id]["achievement"])
        self.assertIn(company_2.currency_id.name, conditions[rule.id]["achievement"])
        listed = client.crm_pricing_rule_ids.with_context(crm_client_id=self.client.id)
        self.assertIn(rule, listed)
        shown = listed.filtered(lambda r: r == rule)
        self.assertTrue(shown.crm_client_condition_met)
        self.assertIn("5,000.00", shown.crm_client_achievement)

    def test_price_list_company_keeps_its_clients(self):
        """A rule's client is of its price list's company, or of none: checked
        too when the price list changes company (its rules' company follows),
        and only sales managers move a price list with conditional rules to
        another company (its rules' turnover is counted in it)."""
        company_2 = self.env["res.company"].create({"name": "Review Co 2"})
        company_4 = self.env["res.company"].create({"name": "Review Co 4"})
        companies = self.env.company | company_2 | company_4
        for user in (self.sales_manager, self.product_manager):
            user.write({"company_ids": [Command.link(c.id) for c in companies]})
        client_4 = self.env["res.partner"].create(
            {"name": "Client of company 4", "is_company": True, "company_id": company_4.id}
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Company 4 distributors", "company_id": company_4.id}
        )
        rule = self._rule(pricelist_id=pricelist.id, partner_id=client_4.id, percent_price=10.0)
        as_manager = pricelist.with_user(self.sales_manager).with_context(
            allowed_company_ids=companies.ids
        )
        with self.assertRaises(UserError) as refused:
            as_manager.write({"company_id": company_2.id})
        self.assertIn("Incompatible companies", str(refused.exception))
        with self.assertRaises(UserError):
            as_manager.write({"company_id": False})
        # Odoo checks a single price list's rules: two at once too
        other = as_manager.create({"name": "Company 4 retail", "company_id": company_4.id})
        with self.assertRaises(UserError) as refused:
            (as_manager | other).write({"company_id": company_2.id})
        self.assertIn("Incompatible companies", str(refused.exception))
        self.assertEqual(rule.company_id, company_4)
        # the client shared by every company: a price list of any company
        client_4.company_id = False
        as_product_manager = pricelist.with_user(self.product_manager).with_context(
            allowed_company_ids=companies.ids
        )
        with self.assertRaises(AccessError):
            as_product_manager.write({"company_id": company_2.id})
        self.assertEqual(rule.company_id, company_4)
        as_manager.write({"company_id": company_2.id})
        self.assertEqual(rule.company_id, company_2)
        # a price list of plain rules is still the product managers'
        plain = self.env["product.pricelist"].create(
            {
                "name": "Retail",
                "company_id": False,
                "item_ids": [Command.create({"compute_price": "percentage"})],
            }
        )
        plain.with_user(self.product_manager).with_context(allowed_company_ids=companies.ids).write(
            {"company_id": company_2.id}
        )
        self.assertEqual(plain.item_ids.company_id, company_2)
