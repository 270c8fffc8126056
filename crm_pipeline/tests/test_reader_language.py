import datetime

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.crm_suite_base.tests.common_i18n import catalogue

from .common_interaction import InteractionCommon


@tagged("post_install", "-at_install")
class TestReaderLanguage(InteractionCommon):
    """What a user reads is in their language: on the lead's Timeline,
    interaction types, task statuses and a task's deadline as their language
    writes a date; a campaign's refused figures named by their labels."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ro_RO")
        cls.env["ir.module.module"]._load_module_terms(["crm_pipeline"], ["ro_RO"], overwrite=True)
        cls.ro = catalogue("crm_pipeline", "ro")

    def test_types_statuses_and_deadline_in_the_readers_language(self):
        now = fields.Datetime.now().replace(microsecond=0)
        self.Interaction.create(
            {
                "lead_id": self.lead_a.id,
                "name": "First visit",
                "interaction_type": "visit",
                "date": now - datetime.timedelta(days=1),
            }
        )
        task = self.Task.create(
            {
                "name": "Send sample",
                "kind": "sample",
                "lead_id": self.lead_a.id,
                "user_id": self.salesman_a.id,
                "date_deadline": "2026-12-24",
            }
        )
        task.action_start()
        task.action_confirm_done()
        entries = self.lead_a.with_context(lang="ro_RO")._timeline_entries()
        titles = [entry["title"] for entry in entries]
        self.assertIn(
            self.ro["%(type)s: %(subject)s"] % {"type": self.ro["Visit"], "subject": "First visit"},
            titles,
        )
        self.assertIn(
            self.ro["Task %(state)s: %(task)s"]
            % {"state": self.ro["Completed / Confirmed"], "task": "Send sample"},
            titles,
        )
        assigned = next(entry for entry in entries if entry["kind"] == "task_assigned")
        self.assertEqual(
            assigned["body"],
            self.ro["Assigned to %(user)s, deadline %(deadline)s"]
            % {"user": self.salesman_a.name, "deadline": "24.12.2026"},
        )
        # in English, the date as English writes it
        entries = self.lead_a.with_context(lang="en_US")._timeline_entries()
        assigned = next(entry for entry in entries if entry["kind"] == "task_assigned")
        self.assertEqual(
            assigned["body"], f"Assigned to {self.salesman_a.name}, deadline 12/24/2026"
        )
        self.assertIn("Task Completed / Confirmed: Send sample", [e["title"] for e in entries])

    def test_campaign_figures_named_in_the_users_language(self):
        with self.assertRaises(ValidationError) as cm:
            self.env["utm.campaign"].with_context(lang="ro_RO").create(
                {"name": "Negative plan", "budget": -1.0, "actual_cost": -2.0}
            )
        self.assertEqual(
            str(cm.exception),
            self.ro["Campaign %(campaign)s: %(fields)s cannot be negative."]
            % {
                "campaign": "Negative plan",
                "fields": f"{self.ro['Budget']}, {self.ro['Actual Cost']}",
            },
        )

    def test_record_and_field_named_in_the_users_language(self):
        """A refused assignee names the record and its field in the language
        of the sentence around them (they were Odoo's English descriptions)."""
        portal = self.env["res.users"].create(
            {
                "name": "Portal Reader",
                "login": "portal_reader_lang",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        with self.assertRaises(ValidationError) as cm:
            self.Interaction.with_context(lang="ro_RO").create(
                {"lead_id": self.lead_a.id, "interaction_type": "call", "user_id": portal.id}
            )
        message = str(cm.exception)
        self.assertTrue(message.startswith(self.ro["Client Interaction"] + ": "), message)
        self.assertNotIn("Client Interaction", message)
        label = self.Interaction._fields["user_id"]._description_string(
            self.env(context={"lang": "ro_RO"})
        )
        self.assertIn(label, message)
