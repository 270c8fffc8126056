"""Odoo's Merge Contacts wizard moves what points to the merged contacts onto
the kept one in SQL, a client's pricing rules included, then deletes them:
only who may change a rule's client (sales managers) merges a client with
pricing rules into another contact."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

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


@tagged("post_install", "-at_install")
class TestClientMergeCompanies(TransactionCase):
    """A rule's client is of its price list's company, or of none (its company
    check): Merge Contacts, which moves the rules in SQL, does not make it
    another company's client (the whole merge is refused, nothing moved)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.env["res.company"].create({"name": "Merge Co 2"})
        cls.company_4 = cls.env["res.company"].create({"name": "Merge Co 4"})
        cls.both = cls.company_2 | cls.company_4
        cls.manager = new_test_user(
            cls.env,
            login="pricing_merge_mc_manager",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.both.ids)],
        )
        cls.pricelist_2 = cls.env["product.pricelist"].create(
            {"name": "Company 2 distributors", "company_id": cls.company_2.id}
        )
        Partner = cls.env["res.partner"]
        cls.shared_client = Partner.create({"name": "Shared Client", "is_company": True})
        cls.contact = Partner.create(
            {"name": "Buyer of Shared Client", "parent_id": cls.shared_client.id}
        )
        cls.client_2 = Partner.create(
            {"name": "Client of Co 2", "is_company": True, "company_id": cls.company_2.id}
        )
        cls.client_4 = Partner.create(
            {"name": "Client of Co 4", "is_company": True, "company_id": cls.company_4.id}
        )
        cls.rule = cls.env["product.pricelist.item"].create(
            {
                "pricelist_id": cls.pricelist_2.id,
                "compute_price": "percentage",
                "percent_price": 10,
                "partner_id": cls.shared_client.id,
            }
        )

    def _as_manager(self, model):
        """``model`` as the sales manager, with both companies selected."""
        return (
            self.env[model].with_user(self.manager).with_context(allowed_company_ids=self.both.ids)
        )

    def _merge(self, src, dst):
        wizard = self._as_manager("base.partner.merge.automatic.wizard").create(
            {"partner_ids": [Command.set((dst | src).ids)], "dst_partner_id": dst.id}
        )
        return wizard.action_merge()

    def test_merge_into_another_companys_client_refused(self):
        # a plain write of the rule's client is refused the same way
        with self.assertRaises(UserError) as caught:
            self._as_manager("product.pricelist.item").browse(self.rule.id).write(
                {"partner_id": self.client_4.id}
            )
        expected = str(caught.exception)
        self.assertEqual(
            expected,
            "Incompatible companies on records:\n"
            f"- “{self.rule.display_name}” belongs to company “Merge Co 2” and “Client” "
            "(partner_id: 'Client of Co 4') belongs to another company.",
        )
        # Odoo's merge gives the kept contact its company again once it carries
        # the rules: that change of a rule's client's company is refused
        with self.assertRaises(UserError) as caught:
            self._merge(self.shared_client, self.client_4)
        self.assertEqual(str(caught.exception), self._refusal("Client of Co 4"))
        self.env.invalidate_all()
        self.assertTrue(self.shared_client.exists())
        self.assertEqual(self.rule.partner_id, self.shared_client)
        self.assertEqual(self.contact.parent_id, self.shared_client)

    def _refusal(self, client):
        return (
            f"{client} is a client of pricing rules of Merge Co 2's price lists: its "
            "company can only be Merge Co 2, or none. A sales manager moves or removes "
            "its pricing rules first."
        )

    def test_client_moved_to_another_company_refused(self):
        """Changing the client's company, or its parent's (which Odoo passes on
        to the contacts under it first), is refused with a message naming the
        client and its rules' price list's company; nothing changes."""
        rule_of_contact = self.rule.copy({"partner_id": self.contact.id})
        Partner = self._as_manager("res.partner")
        # the contact's rule, then, once it is gone, the parent's own
        for partner in (self.contact, self.shared_client):
            with self.assertRaises(UserError) as caught:
                Partner.browse(self.shared_client.id).write({"company_id": self.company_4.id})
            self.assertEqual(str(caught.exception), self._refusal(partner.display_name))
            self.env.invalidate_all()
            self.assertFalse(self.shared_client.company_id)
            self.assertFalse(self.contact.company_id)
            rule_of_contact.exists().unlink()
        # the price list's company, or none: allowed
        Partner.browse(self.shared_client.id).write({"company_id": self.company_2.id})
        self.assertEqual(self.contact.company_id, self.company_2)
        Partner.browse(self.shared_client.id).write({"company_id": False})
        self.assertFalse(self.contact.company_id)

    def test_client_moved_by_a_contact_manager_refused(self):
        """A contact manager without pricing rights, who cannot read the rules,
        gets the same message (no AccessError, no rule named)."""
        contact_manager = new_test_user(
            self.env,
            login="pricing_merge_contact_manager",
            groups="base.group_user,base.group_partner_manager",
            company_id=self.company_2.id,
            company_ids=[Command.set(self.both.ids)],
        )
        Partner = (
            self.env["res.partner"]
            .with_user(contact_manager)
            .with_context(allowed_company_ids=self.both.ids)
        )
        with self.assertRaises(UserError) as caught:
            Partner.browse(self.shared_client.id).write({"company_id": self.company_4.id})
        self.assertNotIsInstance(caught.exception, AccessError)
        self.assertEqual(str(caught.exception), self._refusal("Shared Client"))
        self.env.invalidate_all()
        self.assertFalse(self.shared_client.company_id)
        Partner.browse(self.shared_client.id).write({"company_id": self.company_2.id})
        self.assertEqual(self.shared_client.company_id, self.company_2)

    def test_user_main_company_change_refused(self):
        """Changing a user's main company changes their contact's (Odoo's
        res.users write, also from their preferences): refused the same way
        when that contact is a client of another company's rules; nothing
        changes."""
        user = new_test_user(
            self.env,
            login="pricing_merge_client_user",
            groups="base.group_user",
            company_id=self.company_2.id,
            company_ids=[Command.set(self.both.ids)],
        )
        user.partner_id.company_id = self.company_2
        self.rule.copy({"partner_id": user.partner_id.id})
        attempts = (
            (self.env["res.users"], {"company_id": self.company_4.id}),
            (
                self.env["res.users"],
                {"company_id": self.company_4.id, "company_ids": [Command.set(self.both.ids)]},
            ),
            # the user's preferences
            (self.env["res.users"].with_user(user), {"company_id": self.company_4.id}),
        )
        for Users, vals in attempts:
            with self.assertRaises(UserError) as caught:
                Users.browse(user.id).write(vals)
            self.assertEqual(str(caught.exception), self._refusal(user.partner_id.display_name))
            self.env.invalidate_all()
            self.assertEqual(user.company_id, self.company_2)
            self.assertEqual(user.partner_id.company_id, self.company_2)
            self.assertEqual(user.company_ids, self.both)

    def test_merge_into_a_client_of_the_price_lists_company(self):
        self._merge(self.shared_client, self.client_2)
        self.assertFalse(self.shared_client.exists())
        self.assertEqual(self.rule.partner_id, self.client_2)
        self.assertEqual(self.contact.parent_id, self.client_2)

    def test_merge_into_a_shared_client(self):
        other = self.env["res.partner"].create({"name": "Other Shared", "is_company": True})
        self._merge(self.shared_client, other)
        self.assertEqual(self.rule.partner_id, other)
