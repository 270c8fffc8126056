from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


def menu_reachable(menu, user):
    """True when ``user`` sees ``menu`` and every menu above it."""
    visible = menu.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
    return all(int(i) in visible for i in menu.parent_path.strip("/").split("/"))


@tagged("post_install", "-at_install")
class TestEvaluationSheetSecurity(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "sales_team.group_sale_salesman"
        cls.user_a = new_test_user(cls.env, login="evs_a", groups=groups)
        cls.user_b = new_test_user(cls.env, login="evs_b", groups=groups)
        cls.manager = new_test_user(
            cls.env, login="evs_manager", groups="sales_team.group_sale_manager"
        )
        cls.partner = cls.env["res.partner"].create({"name": "Prospect SRL"})

    def test_sequence_and_own_sheets(self):
        Sheet = self.env["crm.evaluation.sheet"]
        sheet_a = Sheet.with_user(self.user_a).create({"partner_id": self.partner.id})
        self.assertTrue(sheet_a.name.startswith("EVS/"))
        self.assertEqual(sheet_a.user_id, self.user_a)
        # B does not see A's sheet and cannot read or change it
        self.assertFalse(Sheet.with_user(self.user_b).search([("id", "=", sheet_a.id)]))
        with self.assertRaises(AccessError):
            sheet_a.with_user(self.user_b).read(["name"])
        with self.assertRaises(AccessError):
            sheet_a.with_user(self.user_b).write({"notes": "x"})
        # a salesperson cannot delete, the manager sees and deletes all
        with self.assertRaises(AccessError):
            sheet_a.with_user(self.user_a).unlink()
        self.assertEqual(Sheet.with_user(self.manager).search([("id", "=", sheet_a.id)]), sheet_a)
        sheet_a.with_user(self.manager).unlink()

    def test_menu_visible_to_salesman(self):
        menu = self.env.ref("crm_evaluation_sheet.crm_evaluation_sheet_menu")
        self.assertTrue(menu_reachable(menu, self.user_a))
