from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestContractingGate(ContractCase):
    def _in(self, days):
        return fields.Datetime.to_string(
            fields.Datetime.now().replace(microsecond=0) + timedelta(days=days)
        )

    def test_contracting_needs_an_active_contract(self):
        lead = self.env["crm.lead"].create(
            {"name": "Contract lead", "partner_id": self.partner.id, "type": "opportunity"}
        )
        lead.activate(self.salesman.id, self._in(1))
        contracting = self.env.ref("crm_pipeline.responsibility_type_contracting")
        resp = lead.open_responsibility_id
        manager = self.env.ref("base.user_admin")
        resp.with_user(manager).action_correct_type(contracting.id, "Test: straight to contracting")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "opportunity_id": lead.id,
                "order_line": [
                    Command.create(
                        {
                            "name": "Setup",
                            "product_id": self.env["product.product"]
                            .create({"name": "Setup fee"})
                            .id,
                            "price_unit": 500,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        with self.assertRaisesRegex(UserError, "active customer contract"):
            resp.complete("next", "Signed")
        action = resp.action_new_contract()
        form_ctx = action["context"]
        self.assertEqual(form_ctx["default_lead_id"], lead.id)
        self.assertEqual(form_ctx["default_line_ids"][0][2]["price_unit"], 500)
        contract = self.env["crm.contract"].with_context(**form_ctx).create({})
        self.assertEqual(contract.lead_id, lead)
        self.assertEqual(lead.crm_contract_count, 1)
        contract.action_activate()
        self.assertTrue(resp.complete("next", "Signed"))
        self.assertTrue(lead.stage_id.is_won)
