"""Deleting a client or a client group takes its pricing rules along (the
database's cascade): only who may delete those rules deletes it."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PricingCommon


@tagged("post_install", "-at_install")
class TestClientDeletion(PricingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contacts_user = new_test_user(
            cls.env,
            login="pricing_del_contacts",
            groups="base.group_user,base.group_partner_manager",
        )
        # Odoo's product managers edit pricelists (plain rules), not a client's prices
        cls.product_manager = new_test_user(
            cls.env,
            login="pricing_del_product",
            groups="base.group_user,base.group_partner_manager,product.group_product_manager",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="pricing_del_manager",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
        )
        cls.client_rule = cls._rule(partner_id=cls.client.id, percent_price=10)
        cls.tag_sub = cls.env["res.partner.category"].create(
            {"name": "VIP gold", "parent_id": cls.tag_vip.id}
        )
        cls.group_rule = cls._rule(partner_category_id=cls.tag_sub.id, percent_price=5)

    def test_client_deleted_by_others_refused(self):
        for user in (self.contacts_user, self.product_manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.client_rule.with_user(user).unlink()
                with self.assertRaises(AccessError) as caught:
                    self.client.with_user(user).unlink()
                self.assertEqual(
                    str(caught.exception),
                    "Gold Client has pricing rules, which would be deleted with it: only "
                    "sales managers can delete it. Archive it instead.",
                )
                self.assertTrue(self.client.exists())
                self.assertTrue(self.client_rule.exists())

    def test_client_group_deleted_by_others_refused(self):
        for user in (self.contacts_user, self.product_manager):
            for tag in (self.tag_sub, self.tag_vip):  # the rule's tag, or the one above it
                with self.subTest(user=user.login, tag=tag.name):
                    with self.assertRaises(AccessError) as caught:
                        tag.with_user(user).unlink()
                    self.assertEqual(
                        str(caught.exception),
                        "VIP / VIP gold has pricing rules, which would be deleted with it: "
                        "only sales managers can delete it. Archive it instead.",
                    )
                    self.assertTrue(self.tag_sub.exists())
                    self.assertTrue(self.group_rule.exists())

    def test_without_rules_deleted(self):
        client = self.env["res.partner"].create({"name": "No Rules SRL", "is_company": True})
        tag = self.env["res.partner.category"].create({"name": "No rules"})
        client.with_user(self.contacts_user).unlink()
        tag.with_user(self.contacts_user).unlink()
        self.assertFalse(client.exists())
        self.assertFalse(tag.exists())

    def test_sales_manager_deletes_with_rules(self):
        self.tag_vip.with_user(self.sales_manager).unlink()
        self.assertFalse(self.group_rule.exists())
        self.contact.unlink()
        self.client.with_user(self.sales_manager).unlink()
        self.assertFalse(self.client_rule.exists())
