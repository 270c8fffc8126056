from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.crm_suite_base.tests.common_i18n import LANGS, SuiteTranslationCase, catalogue


@tagged("post_install", "-at_install")
class TestTranslations(SuiteTranslationCase):
    """A salesperson of each language sees the lead's chain, the activation
    and import wizards and a refusal of the write policy in their language."""

    _module = "crm_pipeline"

    def test_policy_refusal_in_the_users_language(self):
        base = {lang: catalogue("crm_suite_base", lang) for lang in LANGS}
        source = "%(field)s of %(model)s cannot be written directly: %(hint)s"
        for lang, code in LANGS.items():
            user = new_test_user(
                self.env, login=f"i18n_{lang}", groups="sales_team.group_sale_salesman", lang=code
            )
            # the web client sends the user's language in the context of each call
            lead = (
                self.env["crm.lead"]
                .with_user(user)
                .with_context(lang=code)
                .create({"name": f"Lead {lang}"})
            )
            with self.assertRaises(UserError) as cm:
                lead.write({"activation_state": "active"})
            message = str(cm.exception)
            template = base[lang][source]
            self.assertTrue(template, f"crm_suite_base/i18n/{lang}.po lacks {source!r}")
            label = (
                self.env["crm.lead"]
                .with_context(lang=code)
                .fields_get(["activation_state"], ["string"])["activation_state"]["string"]
            )
            self.assertEqual(label, self._translated(lang, "Activation"))
            self.assertIn(label, message)
            for chunk in (
                template.replace("%(field)s", "\0")
                .replace("%(model)s", "\0")
                .replace("%(hint)s", "\0")
                .split("\0")
            ):
                self.assertIn(chunk.strip(), message, f"{code}: {message}")

    def test_wizards_and_chain_are_translated(self):
        for lang, code in LANGS.items():
            for model, field in (
                ("crm.lead.activate.wizard", "user_id"),
                ("crm.lead.import.wizard", "file"),
            ):
                english = self.env[model].with_context(lang="en_US").fields_get([field])[field]
                local = self.env[model].with_context(lang=code).fields_get([field])[field]
                self.assertEqual(local["string"], self._translated(lang, english["string"]))
            for xmlid in (
                "responsibility_type_contact_prospect",
                "responsibility_type_meeting_evaluation",
                "responsibility_type_offer_negotiation",
                "responsibility_type_contracting",
            ):
                step = self.env.ref(f"crm_pipeline.{xmlid}")
                self.assertEqual(
                    step.with_context(lang=code).name,
                    self._translated(lang, step.with_context(lang="en_US").name),
                    f"{xmlid} in {code}",
                )

    def test_hand_on_reminder_in_the_leaders_language(self):
        """Archiving a user who holds a step reminds the lead's team leader in
        the leader's language, not the archiving administrator's."""
        admin = self.env.ref("base.user_admin")
        source = "Hand on the responsibility of %(user)s"
        first_contact = fields.Datetime.now().replace(microsecond=0) + timedelta(days=1)
        for lang, code in LANGS.items():
            leader = new_test_user(
                self.env,
                login=f"i18n_leader_{lang}",
                groups="sales_team.group_sale_manager",
                lang=code,
            )
            holder = new_test_user(
                self.env, login=f"i18n_holder_{lang}", groups="sales_team.group_sale_salesman"
            )
            team = self.env["crm.team"].create({"name": f"Team {lang}", "user_id": leader.id})
            lead = self.env["crm.lead"].create({"name": f"Hand on {lang}"})
            lead.activate(holder.id, first_contact)
            lead.team_id = team  # (the activation set the salesperson's team)
            holder.with_user(admin).with_context(lang="en_US").action_archive()
            reminder = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "crm.lead"),
                    ("res_id", "=", lead.id),
                    ("user_id", "=", leader.id),
                ]
            )
            self.assertEqual(
                reminder.summary, self._translated(lang, source) % {"user": holder.name}
            )
