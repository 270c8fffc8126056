from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PricingCommon


@tagged("post_install", "-at_install")
class TestPriceListWizardAccess(PricingCommon):
    """The client price list wizard shows the names of its client, company and
    price list: only records of the user's companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="links_pricing_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.other_company = cls.env["res.company"].create({"name": "Pricing Elsewhere SRL"})
        cls.foreign_client = cls.env["res.partner"].create(
            {"name": "Elsewhere Client", "is_company": True, "company_id": cls.other_company.id}
        )
        cls.foreign_pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Elsewhere Prices",
                "currency_id": cls.currency.id,
                "company_id": cls.other_company.id,
            }
        )

    def test_foreign_links_refused(self):
        Wizard = self.env["crm.client.pricelist.wizard"].with_user(self.salesman)
        for vals in (
            {"partner_id": self.foreign_client.id, "pricelist_id": self.pricelist.id},
            {"partner_id": self.client.id, "company_id": self.other_company.id},
            {"partner_id": self.client.id, "pricelist_id": self.foreign_pricelist.id},
        ):
            with self.assertRaises(AccessError, msg=vals):
                Wizard.create(vals)
        # the client's price list in another company, computed
        self.client.with_company(
            self.other_company
        ).property_product_pricelist = self.foreign_pricelist
        with self.assertRaises(AccessError):
            Wizard.create({"partner_id": self.client.id, "company_id": self.other_company.id})
        wizard = Wizard.create({"partner_id": self.client.id, "pricelist_id": self.pricelist.id})
        self.assertEqual(wizard.read(["partner_id"])[0]["partner_id"][1], self.client.display_name)
        for vals in (
            {"partner_id": self.foreign_client.id},
            {"company_id": self.other_company.id},
            {"pricelist_id": self.foreign_pricelist.id},
        ):
            with self.assertRaises(AccessError, msg=vals):
                wizard.write(vals)
        # a user of both companies works in either
        self.salesman.company_ids |= self.other_company
        wizard.write({"company_id": self.other_company.id})
        self.assertEqual(wizard.pricelist_id, self.foreign_pricelist)
