from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


def menu_reachable(menu, user):
    """True when ``user`` sees ``menu`` and every menu above it."""
    visible = menu.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
    return all(int(i) in visible for i in menu.parent_path.strip("/").split("/"))


@tagged("post_install", "-at_install")
class TestResponsibilityTypeSecurity(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="pipe_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env, login="pipe_manager", groups="sales_team.group_sale_manager"
        )
        cls.contact = cls.env.ref("crm_pipeline.responsibility_type_contact_prospect")

    def test_chain_is_seeded_in_order(self):
        chain = []
        step = self.contact
        while step:
            chain.append(step.code)
            step = step.next_type_id
        self.assertEqual(
            chain,
            ["contact_prospect", "meeting_evaluation", "offer_negotiation", "contracting"],
        )

    def test_salesman_reads_but_cannot_edit(self):
        types = self.env["crm.responsibility.type"].with_user(self.salesman).search([])
        self.assertGreaterEqual(len(types), 4)
        with self.assertRaises(AccessError):
            self.contact.with_user(self.salesman).write({"duration_days": 3})
        with self.assertRaises(AccessError):
            self.env["crm.responsibility.type"].with_user(self.salesman).create(
                {"name": "Extra", "code": "extra"}
            )

    def test_manager_edits(self):
        self.contact.with_user(self.manager).write({"duration_days": 3})
        self.assertEqual(self.contact.duration_days, 3)

    def test_menu_visible_to_managers_only_through_config(self):
        menu = self.env.ref("crm_pipeline.crm_responsibility_type_menu")
        self.assertTrue(menu_reachable(menu, self.manager))
        self.assertFalse(menu_reachable(menu, self.salesman))

    def test_campaigns_menu_for_sales_managers(self):
        """CRM > Configuration > Campaigns (Odoo's campaigns, which CRM shows
        nowhere else outside debug mode) opens them for a sales manager."""
        menu = self.env.ref("crm_pipeline.crm_campaign_menu")
        self.assertEqual(menu.parent_id, self.env.ref("crm.crm_menu_config"))
        self.assertTrue(menu_reachable(menu, self.manager))
        self.assertFalse(menu_reachable(menu, self.salesman))
        self.assertEqual(menu.action.res_model, "utm.campaign")
        campaign = self.env["utm.campaign"].create({"title": "Menu fair"})
        campaigns = self.env["utm.campaign"].with_user(self.manager)
        for view_type in menu.action.view_mode.split(","):
            self.assertTrue(campaigns.get_views([(False, view_type)])["views"][view_type]["arch"])
        self.assertIn(campaign, campaigns.search([]))

    def test_responsibilities_menu_for_salespeople(self):
        menu = self.env.ref("crm_pipeline.crm_lead_responsibility_menu")
        self.assertTrue(menu_reachable(menu, self.salesman))
        employee = new_test_user(self.env, login="pipe_employee_menu", groups="base.group_user")
        self.assertFalse(menu_reachable(menu, employee))
