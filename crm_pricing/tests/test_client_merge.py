"""Odoo's Merge Contacts wizard moves what points to the merged contacts onto
the kept one in SQL, a client's pricing rules included, then deletes them:
only who may change a rule's client (sales managers) merges a client with
pricing rules into another contact."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PricingCommon


@tagged("post_install", "-at_install")
class TestClientMerge(PricingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Contact Creation opens Odoo's Merge Contacts wizard
        cls.salesman = new_test_user(
            cls.env,
            login="pricing_merge_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        # Odoo's product managers edit pricelists (plain rules), not a client's prices
        cls.product_manager = new_test_user(
            cls.env,
            login="pricing_merge_product",
            groups="sales_team.group_sale_salesman,base.group_partner_manager,"
            "product.group_product_manager",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="pricing_merge_manager",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
        )
        cls.client_rule = cls._rule(partner_id=cls.client.id, percent_price=10)

    def _merge(self, user, src, dst, keep=True):
        """Merge ``src`` into ``dst`` with Odoo's wizard, as ``user``; without
        ``keep``, the wizard chooses the kept contact itself (the oldest)."""
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(user)
            .create(
                {
                    "partner_ids": [Command.set((dst | src).ids)],
                    "dst_partner_id": dst.id if keep else False,
                }
            )
        )
        return wizard.action_merge()

    def _assert_refused(self, user, keep=True):
        with self.assertRaises(AccessError) as caught:
            self._merge(user, self.client, self.other_client, keep=keep)
        self.assertEqual(
            str(caught.exception),
            "Gold Client has pricing rules, which would move to Other Client: "
            "only sales managers can merge it into another contact.",
        )
        self.assertTrue(self.client.exists())
        self.assertEqual(self.client_rule.partner_id, self.client)
        self.assertEqual(self.contact.parent_id, self.client)

    def test_merging_a_client_with_rules_refused(self):
        for user in (self.salesman, self.product_manager):
            with self.subTest(user=user.login):
                # the rule is the sales managers' (the same refusal as a write
                # of its client)
                with self.assertRaises(AccessError):
                    self.client_rule.with_user(user).write({"partner_id": self.other_client.id})
                self._assert_refused(user)

    def test_kept_contact_chosen_by_odoo(self):
        """Without a kept contact, Odoo keeps the oldest: the other client."""
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = create_date - interval '1 day' WHERE id = %s",
            [self.other_client.id],
        )
        self.env.invalidate_all()
        self._assert_refused(self.salesman, keep=False)

    def test_merging_into_the_client_with_rules(self):
        """The kept client keeps its rules: nothing of a rule changes."""
        self._merge(self.salesman, self.other_client, self.client)
        self.assertFalse(self.other_client.exists())
        self.assertEqual(self.client_rule.partner_id, self.client)

    def test_without_rules_merged(self):
        src = self.env["res.partner"].create({"name": "No Rules SRL", "is_company": True})
        self._merge(self.salesman, src, self.other_client)
        self.assertFalse(src.exists())

    def test_sales_manager_merges_rules_follow(self):
        self._merge(self.sales_manager, self.client, self.other_client)
        self.assertFalse(self.client.exists())
        self.assertEqual(self.client_rule.partner_id, self.other_client)
        self.assertEqual(self.contact.parent_id, self.other_client)
