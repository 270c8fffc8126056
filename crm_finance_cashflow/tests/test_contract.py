from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


def menu_reachable(menu, user):
    """True when ``user`` sees ``menu`` and every menu above it."""
    visible = menu.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
    return all(int(i) in visible for i in menu.parent_path.strip("/").split("/"))


@tagged("post_install", "-at_install")
class TestContract(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "Contract Client"})
        cls.billing = new_test_user(
            cls.env, login="ctr_billing", groups="account.group_account_invoice"
        )
        cls.salesman = new_test_user(
            cls.env, login="ctr_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesman = new_test_user(
            cls.env, login="ctr_salesman_b", groups="sales_team.group_sale_salesman"
        )

    def _contract(self, **vals):
        return (
            self.env["crm.contract"]
            .with_user(self.billing)
            .create(
                dict(
                    {"partner_id": self.partner.id, "date_start": "2026-01-01"},
                    **vals,
                )
            )
        )

    def test_sequence_and_dates(self):
        contract = self._contract(date_end="2026-12-31", user_id=self.salesman.id)
        self.assertTrue(contract.name.startswith("CTR/"))
        with self.assertRaises(ValidationError):
            contract.write({"date_end": "2025-12-31"})

    def test_access_rights(self):
        contract = self._contract(user_id=self.salesman.id)
        # salespeople read their own contracts, never edit them
        self.assertEqual(contract.with_user(self.salesman).partner_id, self.partner)
        with self.assertRaises(AccessError):
            contract.with_user(self.salesman).write({"title": "changed"})
        with self.assertRaises(AccessError):
            contract.with_user(self.other_salesman).read(["name"])
        # billing users create and edit but do not delete
        contract.with_user(self.billing).write({"state": "active"})
        with self.assertRaises(AccessError):
            contract.with_user(self.billing).unlink()

    def test_menus(self):
        for xmlid in ("crm_contract_menu_customer", "crm_contract_menu_supplier"):
            menu = self.env.ref(f"crm_finance_cashflow.{xmlid}")
            self.assertTrue(menu_reachable(menu, self.billing))
            self.assertFalse(menu_reachable(menu, self.salesman))
