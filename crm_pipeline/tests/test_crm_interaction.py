from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common_interaction import InteractionCommon


@tagged("post_install", "-at_install")
class TestCrmInteraction(InteractionCommon):
    def test_defaults_from_lead(self):
        before = fields.Datetime.now() - timedelta(seconds=1)
        interaction = self.Interaction.with_user(self.salesman_a).create(
            {"lead_id": self.lead_a.id, "interaction_type": "visit", "duration": 1.5}
        )
        # the client is the commercial partner of the lead's contact
        self.assertEqual(interaction.partner_id, self.client)
        self.assertEqual(interaction.user_id, self.salesman_a)
        self.assertEqual(interaction.company_id, self.lead_a.company_id or self.env.company)
        self.assertGreaterEqual(interaction.date, before)
        self.assertLessEqual(interaction.date, fields.Datetime.now() + timedelta(seconds=1))
        self.assertEqual(interaction.display_name, "Visit with Itx Client SA")

    def test_form_fills_client_from_lead(self):
        with Form(self.Interaction.with_user(self.salesman_a)) as form:
            self.assertFalse(form.partner_id)
            form.lead_id = self.lead_a
            self.assertEqual(form.partner_id, self.client)
            form.interaction_type = "meeting"
            form.duration = 0.5
        interaction = form.record
        self.assertEqual(interaction.partner_id, self.client)
        self.assertEqual(interaction.lead_id, self.lead_a)

    def test_contact_person_given_as_client(self):
        interaction = self.Interaction.create({"partner_id": self.person.id})
        self.assertEqual(interaction.partner_id, self.client)
        self.assertEqual(interaction.contact_id, self.person)
        other = self.env["res.partner"].create({"name": "Other Co", "is_company": True})
        interaction.write({"partner_id": other.id, "contact_id": False})
        self.assertEqual(interaction.partner_id, other)

    def test_contact_person_as_default_client(self):
        interaction = self.Interaction.with_context(default_partner_id=self.person.id).create({})
        self.assertEqual(interaction.partner_id, self.client)
        self.assertEqual(interaction.contact_id, self.person)

    def test_client_or_lead_required(self):
        with self.assertRaises(ValidationError):
            self.Interaction.create({"interaction_type": "call"})
        # a prospect's lead, without customer yet, keeps its history
        # (test_interaction_prospect)
        lead_without_customer = self.env["crm.lead"].create({"name": "No customer yet"})
        on_prospect = self.Interaction.create({"lead_id": lead_without_customer.id})
        self.assertFalse(on_prospect.partner_id)
        interaction = self.Interaction.create({"partner_id": self.client.id})
        with self.assertRaises(ValidationError):
            interaction.write({"partner_id": False})
        self.assertEqual(interaction.partner_id, self.client)

    def test_contact_must_belong_to_client(self):
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        with self.assertRaises(ValidationError):
            self.Interaction.create({"partner_id": self.client.id, "contact_id": stranger.id})

    def test_negative_duration_refused(self):
        with self.assertRaises(ValidationError):
            self.Interaction.create({"partner_id": self.client.id, "duration": -0.5})
        interaction = self.Interaction.create({"partner_id": self.client.id, "duration": 0})
        with self.assertRaises(ValidationError):
            interaction.write({"duration": -1})
        self.assertEqual(interaction.duration, 0)

    def _month_filter_domain(self, name="my_this_month"):
        arch = etree.fromstring(self.env.ref("crm_pipeline.crm_interaction_view_search").arch)
        node = arch.xpath(f"//filter[@name='{name}']")
        self.assertTrue(node, f"filter {name} missing")
        return safe_eval(node[0].get("domain"), {"uid": self.salesman_a.id})

    def test_my_interactions_this_month_filter(self):
        tz = pytz.timezone(self.salesman_a.tz)
        month_start = datetime.now(tz).date() + relativedelta(day=1)

        def utc(day, hour, minute):
            local = tz.localize(datetime.combine(day, time(hour, minute)))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        # 00:30 on the 1st in Bucharest is still the previous month in UTC
        first_hour = self.Interaction.create(
            {
                "partner_id": self.client.id,
                "user_id": self.salesman_a.id,
                "date": utc(month_start, 0, 30),
            }
        )
        now = self.Interaction.create({"partner_id": self.client.id, "user_id": self.salesman_a.id})
        last_month = self.Interaction.create(
            {
                "partner_id": self.client.id,
                "user_id": self.salesman_a.id,
                "date": utc(month_start - timedelta(days=1), 23, 30),
            }
        )
        next_month = self.Interaction.create(
            {
                "partner_id": self.client.id,
                "user_id": self.salesman_a.id,
                "date": utc(month_start + relativedelta(months=1), 0, 30),
            }
        )
        of_b = self.Interaction.create(
            {"partner_id": self.client.id, "user_id": self.salesman_b.id}
        )
        found = self.Interaction.with_user(self.salesman_a).search(self._month_filter_domain())
        self.assertIn(first_hour, found)
        self.assertIn(now, found)
        self.assertNotIn(last_month, found)
        self.assertNotIn(next_month, found)
        self.assertNotIn(of_b, found)
        # the computed flag agrees with the search
        everything = first_hour | now | last_month | next_month
        flags = everything.with_user(self.salesman_a).mapped("in_current_month")
        self.assertEqual(flags, [True, True, False, False])
        # and the negation
        not_this_month = self.Interaction.with_user(self.salesman_a).search(
            [("in_current_month", "=", False), ("id", "in", everything.ids)]
        )
        self.assertEqual(not_this_month, last_month | next_month)
        with self.assertRaises(ValidationError):
            self.Interaction.search([("in_current_month", ">", 1)])

    def test_counts_and_actions_on_lead_and_partner(self):
        on_lead = self.Interaction.create({"lead_id": self.lead_a.id, "duration": 1})
        self.Interaction.create({"lead_id": self.lead_a.id, "contact_id": self.person.id})
        without_lead = self.Interaction.create({"partner_id": self.client.id})
        elsewhere = self.Interaction.create(
            {"partner_id": self.env["res.partner"].create({"name": "Elsewhere"}).id}
        )
        self.assertEqual(self.lead_a.crm_interaction_count, 2)
        self.assertEqual(self.client.crm_interaction_count, 3)
        self.assertEqual(self.person.crm_interaction_count, 1)
        self.assertEqual(len(self.client.crm_interaction_ids), 3)

        action = self.lead_a.action_view_crm_interactions()
        self.assertEqual(action["res_model"], "crm.interaction")
        self.assertEqual(action["context"]["default_lead_id"], self.lead_a.id)
        found = self.Interaction.search(action["domain"])
        self.assertIn(on_lead, found)
        self.assertNotIn(without_lead, found)

        action = self.client.action_view_crm_interactions()
        found = self.Interaction.search(action["domain"])
        self.assertIn(without_lead, found)
        self.assertNotIn(elsewhere, found)
        self.assertEqual(len(found), 3)

        # the same through the "Interactions" entry of the contacts' Actions menu
        bound = self.env.ref("crm_pipeline.crm_interaction_action_partner")
        self.assertEqual(bound.binding_model_id.model, "res.partner")
        domain = safe_eval(
            bound.domain, {"active_ids": self.client.ids, "active_id": self.client.id}
        )
        self.assertEqual(self.Interaction.search(domain), found)

    def test_attachments_through_chatter(self):
        interaction = self.Interaction.with_user(self.salesman_a).create(
            {"lead_id": self.lead_a.id}
        )
        interaction.message_post(
            body="Visit report",
            attachments=[("report.txt", b"signed order form")],
        )
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "crm.interaction"), ("res_id", "=", interaction.id)]
        )
        self.assertEqual(attachment.name, "report.txt")

    def test_logged_by_internal_users_only(self):
        portal = new_test_user(self.env, login="itx_portal_log", groups="base.group_portal")
        with self.assertRaises(ValidationError):
            self.Interaction.create({"partner_id": self.client.id, "user_id": portal.id})

    def test_merged_leads_keep_their_interactions_and_tasks(self):
        other_lead = self.env["crm.lead"].create(
            {
                "name": "Itx duplicate lead",
                "partner_id": self.client.id,
                "user_id": self.salesman_a.id,
                "type": "opportunity",
            }
        )
        interactions = self.Interaction.create(
            [{"lead_id": self.lead_a.id}, {"lead_id": other_lead.id}]
        )
        tasks = self.Task.create(
            [
                {"name": "Task on lead", "lead_id": self.lead_a.id},
                {"name": "Task on duplicate", "lead_id": other_lead.id},
            ]
        )
        merged = (self.lead_a | other_lead).merge_opportunity()
        self.assertEqual(len((self.lead_a | other_lead).exists()), 1)
        self.assertEqual(interactions.lead_id, merged)
        self.assertEqual(tasks.lead_id, merged)
        self.assertEqual(merged.crm_interaction_count, 2)
        self.assertEqual(merged.crm_task_count, 2)
