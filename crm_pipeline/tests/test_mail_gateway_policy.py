from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common_interaction import InteractionCommon

MESSAGE = """From: visitor@example.com
To: {to}
Subject: {subject}
Message-ID: <{key}-gateway-policy@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Please call us back.
"""


@tagged("post_install", "-at_install")
class TestMailGatewayPolicy(InteractionCommon):
    """Odoo's mail gateway (``mail.thread.message_process``, which any internal
    user calls over XML-RPC) creates the new record from the caller's
    ``custom_values`` as superuser, and from an alias' ``alias_defaults``: the
    write policy checks both as the values of the user who gives them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(cls.env, login="gw_employee", groups="base.group_user")
        cls.team = cls.env["crm.team"].create({"name": "Gateway team", "use_leads": True})
        domain = cls.env["mail.alias.domain"].create({"name": "gateway-policy.example.com"})
        cls.team.alias_id.write({"alias_name": "gateway-team", "alias_domain_id": domain.id})

    def _message(self, key, subject="Call us back", to="nobody-here@example.com"):
        return MESSAGE.format(key=key, subject=subject, to=to)

    def test_owned_custom_values_refused(self):
        """An employee made a task born done (and, by the way, without the
        right to create tasks): refused, nothing created."""
        Thread = self.env["mail.thread"].with_user(self.employee)
        before = self.Task.search_count([])
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            Thread.message_process(
                "crm.task",
                self._message("task-done", "Born done"),
                {"state": "done_confirmed", "partner_id": self.client.id},
            )
        self.assertEqual(self.Task.search_count([]), before)
        self.assertFalse(self.Task.search([("name", "=", "Born done")]))
        # an owned field of a lead too (its activation, outside the initial value)
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            Thread.message_process(
                "crm.lead",
                self._message("lead-active", "Born active"),
                {"team_id": self.team.id, "activation_state": "active"},
            )
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Born active")]))
        # not a mapping: refused as create refuses it
        with self.assertRaises(UserError):
            Thread.message_process("crm.lead", self._message("lead-list"), ["team_id"])

    def test_free_custom_values_accepted(self):
        """The README's example: a team as the lead's defaults."""
        lead_id = (
            self.env["mail.thread"]
            .with_user(self.employee)
            .message_process(
                "crm.lead",
                self._message("lead-team", "Lead of the team"),
                {"team_id": self.team.id, "activation_state": "inactive"},
            )
        )
        lead = self.env["crm.lead"].browse(lead_id)
        self.assertEqual(lead.name, "Lead of the team")
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(lead.activation_state, "inactive")

    def test_superuser_unchanged(self):
        """Fetchmail and the crons run as superuser: their values are theirs."""
        task_id = (
            self.env["mail.thread"]
            .sudo()
            .message_process(
                "crm.task",
                self._message("task-su", "Done by the system"),
                {"state": "done_confirmed", "partner_id": self.client.id},
            )
        )
        self.assertEqual(self.Task.browse(task_id).state, "done_confirmed")

    def test_alias_defaults_follow_the_policy(self):
        """A sales manager sets the defaults of their team's alias (Odoo writes
        the alias as superuser, and the gateway applies them as superuser): a
        default the policy refuses at creation is refused when it is set."""
        team = self.team.with_user(self.manager)
        before = self.team.alias_defaults
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            with self.env.cr.savepoint():
                team.write({"alias_defaults": repr({"activation_state": "active"})})
        self.assertEqual(self.team.alias_defaults, before)
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            with self.env.cr.savepoint():
                self.env["crm.team"].with_user(self.manager).create(
                    {
                        "name": "Born active team",
                        "use_leads": True,
                        "alias_name": "born-active",
                        "alias_defaults": repr({"activation_state": "active"}),
                    }
                )
        # an administrator writing the alias itself
        admin = new_test_user(self.env, login="gw_admin", groups="base.group_system")
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            with self.env.cr.savepoint():
                defaults = {"team_id": self.team.id, "activation_state": "active"}
                self.team.alias_id.with_user(admin).write({"alias_defaults": repr(defaults)})
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            with self.env.cr.savepoint():
                self.env["mail.alias"].with_user(admin).create(
                    {
                        "alias_name": "tasks-born-done",
                        "alias_model_id": self.env["ir.model"]._get_id("crm.task"),
                        "alias_defaults": repr({"state": "done_confirmed"}),
                    }
                )
        # free fields and the initial value are the team's as before
        team.write(
            {
                "alias_defaults": repr(
                    {"team_id": self.team.id, "activation_state": "inactive", "priority": "1"}
                )
            }
        )
        self.assertIn("'priority': '1'", self.team.alias_defaults)
        # the gateway then applies them as superuser, as before
        lead_id = (
            self.env["mail.thread"]
            .sudo()
            .message_process(
                None,
                self._message(
                    "lead-alias", "Through the alias", to=self.team.alias_id.alias_full_name
                ),
            )
        )
        lead = self.env["crm.lead"].browse(lead_id)
        self.assertEqual((lead.team_id, lead.priority), (self.team, "1"))
