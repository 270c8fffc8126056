from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestMergeMovesContracts(ContractCase):
    """Odoo's merge deletes the merged leads: their contracts, in any state,
    follow the surviving lead, whose Contracting gate reads them."""

    def _lead(self, name, probability):
        return self.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": self.partner.id,
                "user_id": self.salesman.id,
                "probability": probability,
            }
        )

    def test_merge_moves_the_contracts_whatever_their_state(self):
        head = self._lead("Merge contracts head", 90)
        tail = self._lead("Merge contracts tail", 10)
        tail.activate(
            self.salesman.id,
            fields.Datetime.to_string(
                fields.Datetime.now().replace(microsecond=0) + timedelta(days=1)
            ),
        )
        step = tail.open_responsibility_id
        step.with_user(self.env.ref("base.user_admin")).action_correct_type(
            self.env.ref("crm_pipeline.responsibility_type_contracting").id,
            "Test: straight to contracting",
        )
        # the duplicate is in the same stage, more likely to be won: it survives
        head.stage_id = tail.stage_id
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "opportunity_id": tail.id,
                "user_id": self.salesman.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.env["product.product"]
                            .create({"name": "Merge setup"})
                            .id,
                            "price_unit": 100,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        active = self._contract(user=self.env.ref("base.user_admin"), lead_id=tail.id)
        active.with_user(self.billing).action_activate()
        draft = self._contract(user=self.salesman, lead_id=tail.id)
        self.assertEqual((active.state, draft.state), ("active", "draft"))
        wizard = (
            self.env["crm.merge.opportunity"]
            .with_user(self.salesman)
            .create({"opportunity_ids": [Command.set((head | tail).ids)]})
        )
        wizard.action_merge()
        self.assertFalse(tail.exists())
        self.assertEqual(head.crm_contract_ids, active | draft)
        self.assertEqual((active.state, draft.state), ("active", "draft"))
        self.assertEqual(order.opportunity_id, head)
        # the survivor took the merged lead's Contracting step over: its gate
        # still passes
        self.assertEqual(head.open_responsibility_id, step)
        self.assertFalse(step._get_gate_message())
        self.assertTrue(step.with_user(self.salesman).complete("next", "Signed"))
        self.assertTrue(head.stage_id.is_won)
