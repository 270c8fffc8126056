from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestActivationRequest(ContractCase):
    """A salesperson at the Contracting step drafts the contract and asks the
    leader of the lead's sales team to activate it: the gate says so, and the
    request is an activity for that leader."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = new_test_user(
            cls.env, login="ctr_team_leader", groups="sales_team.group_sale_manager"
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Contract Team",
                "user_id": cls.leader.id,
                "member_ids": [Command.link(cls.salesman.id)],
            }
        )
        cls.activation_type = cls.env.ref(
            "crm_finance_cashflow.mail_activity_type_contract_activation"
        )
        cls.contracting = cls.env.ref("crm_pipeline.responsibility_type_contracting")

    def _lead(self, team=None):
        lead = self.env["crm.lead"].create(
            {
                "name": "Contracting lead",
                "partner_id": self.partner.id,
                "type": "opportunity",
                "team_id": (team or self.team).id,
            }
        )
        tomorrow = fields.Datetime.now().replace(microsecond=0) + timedelta(days=1)
        lead.activate(
            self.salesman.id,
            fields.Datetime.to_string(tomorrow),
            responsibility_type_id=self.contracting.id,
        )
        return lead

    def _draft(self, lead):
        resp = lead.open_responsibility_id.with_user(self.salesman)
        form_ctx = resp.action_new_contract()["context"]
        return (
            self.env["crm.contract"]
            .with_user(self.salesman)
            .with_context(**form_ctx)
            .create(
                {
                    "line_ids": [
                        Command.create(
                            {
                                "name": "Racking",
                                "quantity": 1,
                                "price_unit": 100.0,
                                "recurrence": "one_off",
                                "date_start": fields.Date.context_today(lead),
                            }
                        ),
                    ]
                }
            )
        )

    def _requests(self, contract):
        return contract.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.activation_type
        )

    def test_salesperson_requests_the_activation(self):
        lead = self._lead()
        self.assertEqual(lead.team_id, self.team)
        resp = lead.open_responsibility_id.with_user(self.salesman)
        # the gate tells the salesperson what they can do, and whom to ask
        with self.assertRaisesRegex(UserError, "Request Activation on it: ctr_team_leader"):
            resp.complete("next", "Signed")
        contract = self._draft(lead)
        self.assertEqual(contract.state, "draft")
        with self.assertRaisesRegex(AccessError, "Only billing users and sales managers"):
            contract.action_activate()
        self.assertTrue(contract.action_request_activation())
        request = self._requests(contract)
        self.assertEqual(len(request), 1)
        self.assertEqual(request.user_id, self.leader)
        self.assertIn(self.salesman.name, str(request.note))
        # once is enough
        with self.assertRaisesRegex(UserError, "already requested from ctr_team_leader"):
            contract.action_request_activation()
        self.assertEqual(len(self._requests(contract)), 1)
        # the leader activates it: the request is done, the step moves on
        contract.with_user(self.leader).action_activate()
        self.assertEqual(contract.state, "active")
        self.assertFalse(self._requests(contract))
        self.assertTrue(resp.complete("next", "Signed"))
        self.assertTrue(lead.stage_id.is_won)

    def test_nobody_to_ask(self):
        """A team whose leader does not activate contracts (or no leader): the gate
        and the request say to ask a sales manager or a billing user."""
        plain_team = self.env["crm.team"].create(
            {
                "name": "Plain Team",
                "user_id": self.other_salesman.id,
                "member_ids": [Command.link(self.salesman.id)],
            }
        )
        lead = self._lead(team=plain_team)
        self.assertEqual(lead.team_id, plain_team)
        resp = lead.open_responsibility_id.with_user(self.salesman)
        with self.assertRaisesRegex(
            UserError, "ask a sales manager or a billing user to activate it"
        ):
            resp.complete("next", "Signed")
        contract = self._draft(lead)
        with self.assertRaisesRegex(UserError, "Nobody to ask for the activation"):
            contract.action_request_activation()
        self.assertFalse(self._requests(contract))
        plain_team.user_id = False
        with self.assertRaisesRegex(UserError, "Nobody to ask for the activation"):
            contract.action_request_activation()

    def test_request_refused(self):
        lead = self._lead()
        # those who activate contracts are told so by the gate, and activate it
        with self.assertRaisesRegex(UserError, "use New Contract, then activate it"):
            lead.open_responsibility_id.with_user(self.leader).complete("next", "Signed")
        contract = self._draft(lead)
        with self.assertRaisesRegex(UserError, "You activate contracts yourself"):
            contract.with_user(self.billing).action_request_activation()
        # another salesperson's contract
        with self.assertRaises(AccessError):
            contract.with_user(self.other_salesman).action_request_activation()
        empty = self._contract(lines=[], user=self.salesman, lead_id=lead.id)
        with self.assertRaisesRegex(UserError, "has no line"):
            empty.action_request_activation()
        contract.with_user(self.billing).action_activate()
        with self.assertRaisesRegex(UserError, "Only a draft contract can be activated"):
            contract.action_request_activation()
        self.assertFalse(self._requests(contract))
