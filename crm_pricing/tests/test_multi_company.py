from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPricingCompanies(TransactionCase):
    """Two companies: a rule's client is of its price list's company, and the
    turnover of a company given by its id is one of the selected companies'."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.env["res.company"].create({"name": "Pricing Co 2"})
        cls.company_4 = cls.env["res.company"].create({"name": "Pricing Co 4"})
        cls.both = cls.company_2 | cls.company_4
        cls.manager = new_test_user(
            cls.env,
            login="pricing_mc_manager",
            groups="sales_team.group_sale_manager,account.group_account_invoice",
            company_id=cls.company_4.id,
            company_ids=[Command.set(cls.both.ids)],
        )
        cls.pricelist_2 = cls.env["product.pricelist"].create(
            {"name": "Company 2 distributors", "company_id": cls.company_2.id}
        )
        cls.client_4 = cls.env["res.partner"].create(
            {"name": "Client of company 4", "is_company": True, "company_id": cls.company_4.id}
        )
        cls.shared_client = cls.env["res.partner"].create(
            {"name": "Client of every company", "is_company": True}
        )

    def _items(self):
        return (
            self.env["product.pricelist.item"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=self.both.ids)
        )

    def test_rule_client_of_the_pricelists_company(self):
        """A company 2 price list's rule names a client of company 2 or a shared
        one, never one of company 4 only, by a plain create or write too."""
        vals = {"pricelist_id": self.pricelist_2.id, "compute_price": "percentage"}
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self._items().create(dict(vals, partner_id=self.client_4.id))
        rule = self._items().create(dict(vals, partner_id=self.shared_client.id))
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            rule.write({"partner_id": self.client_4.id})
        domain = (
            self.env["product.pricelist.item"]._fields["partner_id"]._description_domain(self.env)
        )
        self.assertIn("company_id", domain)
        self.assertIn("is_company", domain)

    def test_turnover_of_a_selected_company_only(self):
        """company_id is one of the selected companies (allowed_company_ids),
        not any company of the user: company 2 while only company 4 is selected
        is refused."""
        partner = self.shared_client.with_user(self.manager)
        with self.assertRaisesRegex(AccessError, "no access to company"):
            partner.with_context(allowed_company_ids=self.company_4.ids).get_trade_turnover(
                company_id=self.company_2.id
            )
        turnover = partner.with_context(allowed_company_ids=self.both.ids).get_trade_turnover(
            company_id=self.company_2.id
        )
        self.assertEqual(turnover["amount"], 0.0)
        self.assertEqual(turnover["currency"], self.company_2.currency_id.name)

    def test_price_list_of_a_selected_company_only(self):
        """The client price list's company is one of the selected companies,
        as get_trade_turnover's (its explanations quote the client's turnover
        in that company): company 2 while only company 4 is selected is
        refused, when the wizard is created or written and when its lines are
        read (the PDF, the XLSX export)."""
        Wizard = self.env["crm.client.pricelist.wizard"].with_user(self.manager)
        only_4 = Wizard.with_context(allowed_company_ids=self.company_4.ids)
        vals = {
            "partner_id": self.shared_client.id,
            "company_id": self.company_2.id,
            "pricelist_id": self.pricelist_2.id,
        }
        with self.assertRaisesRegex(AccessError, "not allowed to work in this company"):
            only_4.create(vals)
        pricelist_4 = self.env["product.pricelist"].create(
            {"name": "Company 4 distributors", "company_id": self.company_4.id}
        )
        wizard = only_4.create(
            dict(vals, company_id=self.company_4.id, pricelist_id=pricelist_4.id)
        )
        with self.assertRaisesRegex(AccessError, "not allowed to work in this company"):
            wizard.write({"company_id": self.company_2.id, "pricelist_id": self.pricelist_2.id})
        # created with both selected, read with company 4 only
        wizard = Wizard.with_context(allowed_company_ids=self.both.ids).create(vals)
        self.assertIsInstance(wizard.get_lines(), list)
        with self.assertRaisesRegex(AccessError, "not allowed to work in this company"):
            wizard.with_context(allowed_company_ids=self.company_4.ids).get_lines()
