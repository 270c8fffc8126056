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

    def test_new_contract_keeps_the_discounts(self):
        """New Contract from the lead: the contract is worth what the order is,
        its discounts and units included."""
        lead = self.env["crm.lead"].create(
            {"name": "Discount lead", "partner_id": self.partner.id, "type": "opportunity"}
        )
        lead.activate(self.salesman.id, self._in(1))
        resp = lead.open_responsibility_id
        product = self.env["product.product"].create({"name": "Support hours", "list_price": 1})
        dozen = self.env.ref("uom.product_uom_dozen")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "opportunity_id": lead.id,
                "user_id": self.salesman.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 2,
                            "price_unit": 100,
                            "discount": 25,
                        }
                    ),
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom": dozen.id,
                            "product_uom_qty": 1,
                            "price_unit": 1200,
                            "discount": 10,
                        }
                    ),
                ],
            }
        )
        order.action_confirm()
        form_ctx = resp.with_user(self.salesman).action_new_contract()["context"]
        contract = (
            self.env["crm.contract"].with_user(self.salesman).with_context(**form_ctx).create({})
        )
        first, second = contract.line_ids.sorted("id")
        self.assertEqual((first.quantity, first.price_unit), (2.0, 75.0))
        self.assertEqual((second.quantity, second.price_unit), (12.0, 90.0), "in units")
        self.assertAlmostEqual(sum(contract.line_ids.mapped("price_subtotal")), 1230.0)
        self.assertAlmostEqual(order.amount_untaxed, 1230.0)
        contract.with_user(self.billing).action_activate()
        self.assertAlmostEqual(contract.amount, order.amount_total)
