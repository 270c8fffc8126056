from odoo.tests import TransactionCase, new_test_user


class InteractionCommon(TransactionCase):
    """Two salespeople, a sales manager, a client company with a contact
    person, and a lead of salesperson A on that contact person."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesman_a = new_test_user(
            cls.env,
            login="itx_salesman_a",
            groups="sales_team.group_sale_salesman",
            tz="Europe/Bucharest",
            notification_type="inbox",
        )
        cls.salesman_b = new_test_user(
            cls.env,
            login="itx_salesman_b",
            groups="sales_team.group_sale_salesman",
            notification_type="inbox",
        )
        cls.manager = new_test_user(
            cls.env, login="itx_manager", groups="sales_team.group_sale_manager"
        )
        cls.client = cls.env["res.partner"].create({"name": "Itx Client SA", "is_company": True})
        cls.person = cls.env["res.partner"].create(
            {"name": "Ana Itx", "parent_id": cls.client.id, "type": "contact"}
        )
        cls.lead_a = cls.env["crm.lead"].create(
            {
                "name": "Itx lead of A",
                "partner_id": cls.person.id,
                "user_id": cls.salesman_a.id,
                "type": "opportunity",
            }
        )
        cls.Interaction = cls.env["crm.interaction"]
        cls.Task = cls.env["crm.task"]
