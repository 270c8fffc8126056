from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import PipelineCase


@tagged("post_install", "-at_install")
class TestResponsibilitySecurity(PipelineCase):
    def test_salesman_works_own_lead(self):
        lead = self._lead("Own lead")
        lead_a = lead.with_user(self.salesman)
        lead_a.activate(self.salesman.id, self._in(1))
        resp = lead_a.open_responsibility_id
        self.assertEqual(resp.env.uid, self.salesman.id)
        resp.write(
            {"interaction_ids": [(0, 0, {"interaction_type": "email", "notes": "Sent a brochure"})]}
        )
        self.assertEqual(resp.interaction_ids.lead_id, lead)
        nxt = resp.complete("next", "Met them", next_deadline=self._in(2))
        self.assertTrue(nxt)
        with self.assertRaises(AccessError):
            resp.unlink()

    def test_salesman_cannot_reach_other_salesman_responsibility(self):
        lead_b = self._lead("Lead of B")
        lead_b.activate(self.salesman_b.id, self._in(1))
        resp_b = lead_b.open_responsibility_id
        resp_b.write({"interaction_ids": [(0, 0, {"interaction_type": "call"})]})
        as_a = self.Responsibility.with_user(self.salesman)
        self.assertFalse(as_a.search([("id", "=", resp_b.id)]))
        with self.assertRaises(AccessError):
            as_a.browse(resp_b.id).read(["state"])
        with self.assertRaises(AccessError):
            as_a.browse(resp_b.id).write({"deadline": self._in(9)})
        with self.assertRaises(AccessError):
            as_a.browse(resp_b.id).complete("next", "Not mine", next_deadline=self._in(2))
        with self.assertRaises(AccessError):
            self.env["crm.interaction"].with_user(self.salesman).browse(
                resp_b.interaction_ids.id
            ).read(["notes"])
        with self.assertRaises(AccessError):
            self.env["crm.interaction"].with_user(self.salesman).create(
                {"responsibility_id": resp_b.id, "interaction_type": "call"}
            )
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.salesman).browse(lead_b.id).read(["name"])
        # B and the manager see it
        self.assertTrue(
            self.Responsibility.with_user(self.salesman_b).search([("id", "=", resp_b.id)])
        )
        self.assertTrue(
            self.Responsibility.with_user(self.manager).search([("id", "=", resp_b.id)])
        )

    def test_salesman_cannot_activate_other_salesman_lead(self):
        lead_b = self._lead("Assigned to B", user_id=self.salesman_b.id)
        with self.assertRaises(AccessError):
            lead_b.with_user(self.salesman).activate(self.salesman.id, self._in(1))
        self.assertEqual(lead_b.activation_state, "inactive")

    def test_multi_company(self):
        company_2 = self.env["res.company"].create({"name": "Pipeline Company 2"})
        lead = self._lead("Other company", company_id=company_2.id, partner_id=False)
        admin = self.env.ref("base.user_admin")
        admin.company_ids |= company_2
        lead.activate(admin.id, self._in(1))
        resp = lead.open_responsibility_id
        self.assertEqual(resp.company_id, company_2)
        # responsible, then taken out of the lead's company: the company rule
        # hides it (nobody outside the lead's company is made its responsible)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            resp.user_id = self.salesman
        self.salesman.company_ids |= company_2
        resp.user_id = self.salesman
        self.salesman.company_ids -= company_2
        with self.assertRaises(AccessError):
            resp.with_user(self.salesman).read(["state"])
        manager_c1 = new_test_user(
            self.env, login="pipe_manager_c1", groups="sales_team.group_sale_manager"
        )
        self.assertFalse(self.Responsibility.with_user(manager_c1).search([("id", "=", resp.id)]))
