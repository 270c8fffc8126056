import logging
import re
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import PipelineCase

_logger = logging.getLogger(__name__)

# Queries per lead added by activating or winning more leads at once (the
# increment between 2 and 8 leads, as a sales manager). Lead by lead, the
# activation cost 83 queries a lead (92 through the wizard) and the won path
# 24 (a calendar event, an activity, two notes and a stage write per lead; the
# steps written and their activities done one by one); in batch 65 (70) and 6
# while the two chatter notes of a lead were Odoo's message_post, lead by lead
# (about 10 queries a lead); since they are logged together
# (``_message_log_batch``, 18.0.1.5.51) about 12 queries a lead fewer.
ACTIVATION_PER_LEAD = 76
WON_PER_LEAD = 12


@tagged("post_install", "-at_install")
class TestBulkQueries(PipelineCase):
    """Activating and winning many leads costs queries in batch, not lead by
    lead, and leaves each lead as activating (or winning) it alone does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # notified in Odoo: in test mode an e-mail notification is sent at
        # once (after the commit otherwise), which these counts are not about
        cls.salesman.notification_type = "inbox"
        # a time of day: the first step gets a calendar event too
        cls.first_contact = fields.Datetime.now().replace(
            hour=9, minute=30, second=0, microsecond=0
        ) + timedelta(days=3)

    def _leads(self, count, prefix):
        return self.env["crm.lead"].concat(
            *(self._lead(f"{prefix} {index}") for index in range(count))
        )

    def _count(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def _activation_queries(self, count, prefix):
        leads = self._leads(count, prefix)
        queries = self._count(
            lambda: leads.with_user(self.manager).activate(self.salesman.id, self.first_contact)
        )
        return leads, queries

    def _per_lead(self, measure, prefix):
        measure(1, f"{prefix} warm-up")  # caches of the first call
        _leads2, two = measure(2, f"{prefix} two")
        _leads8, eight = measure(8, f"{prefix} eight")
        per_lead = (eight - two) / 6
        _logger.info(
            "%s: %s queries at 2 leads, %s at 8: %.1f a lead", prefix, two, eight, per_lead
        )
        return per_lead

    # ------------------------------------------------------------------
    # queries
    # ------------------------------------------------------------------

    def test_bulk_activation_queries(self):
        per_lead = self._per_lead(self._activation_queries, "Activation")
        self.assertLess(per_lead, ACTIVATION_PER_LEAD)

    def test_bulk_activation_wizard_queries(self):
        def measure(count, prefix):
            leads = self._leads(count, prefix)
            Wizard = self.env["crm.lead.activate.wizard"].with_user(self.manager)
            wizard = Wizard.with_context(active_model="crm.lead", active_ids=leads.ids).create(
                {"user_id": self.salesman.id, "first_contact_at": self.first_contact}
            )
            return leads, self._count(wizard.action_confirm)

        per_lead = self._per_lead(measure, "Activate wizard")
        self.assertLess(per_lead, ACTIVATION_PER_LEAD)

    def test_bulk_won_queries(self):
        def measure(count, prefix):
            leads, _queries = self._activation_queries(count, prefix)
            return leads, self._count(leads.with_user(self.manager).action_set_won)

        per_lead = self._per_lead(measure, "Won")
        self.assertLess(per_lead, WON_PER_LEAD)

    # ------------------------------------------------------------------
    # the same leads as one at a time
    # ------------------------------------------------------------------

    def _snapshot(self, lead):
        """What activating (then winning) left on ``lead``, without its own ids."""
        lead.invalidate_recordset()
        step = lead.responsibility_ids
        self.assertEqual(len(step), 1)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)], order="id"
        )
        events = self.env["calendar.event"].search([("opportunity_id", "=", lead.id)], order="id")
        messages = self.env["mail.message"].search(
            [("model", "=", "crm.lead"), ("res_id", "=", lead.id)], order="id"
        )
        order = {message: index for index, message in enumerate(messages)}
        return {
            "lead": (
                lead.activation_state,
                lead.user_id,
                lead.stage_id,
                lead.active,
                lead.probability,
            ),
            "step": (
                step.type_id,
                step.user_id,
                step.deadline,
                step.state,
                step.summary,
                bool(step.date_closed),
                step.activity_id.id in activities.ids if step.activity_id else None,
                step.calendar_event_id.id in events.ids if step.calendar_event_id else None,
            ),
            "activities": [
                (
                    a.activity_type_id,
                    a.user_id,
                    a.date_deadline,
                    a.summary,
                    str(a.note),
                    a.automated,
                    a.res_model_id,
                    a.calendar_event_id.id in events.ids if a.calendar_event_id else None,
                )
                for a in activities
            ],
            "events": [
                (
                    e.name.replace(lead.name, "<lead>"),
                    e.start,
                    e.stop,
                    e.user_id,
                    e.partner_ids,
                    e.res_model_id,
                    e.res_id == lead.id,
                )
                for e in events
            ],
            "messages": [
                (
                    # the lead's name and the ids of its event in the notifications
                    re.sub(r"(id[=\":]+)\d+", r"\1#", str(m.body).replace(lead.name, "<lead>")),
                    m.author_id,
                    m.email_from,
                    m.subtype_id,
                    m.message_type,
                    m.mail_activity_type_id,
                    order.get(m.parent_id) if m.parent_id else None,
                    m.record_name == lead.name,
                    m.record_company_id,
                    m.record_alias_domain_id,
                    m.reply_to,
                    m.email_add_signature,
                    m.is_internal,
                    m.partner_ids,
                    sorted((n.res_partner_id.id, n.notification_type) for n in m.notification_ids),
                )
                for m in messages
            ],
        }

    def _assert_same_as_alone(self, alone, leads):
        self.maxDiff = None
        expected = self._snapshot(alone)
        for lead in leads:
            self.assertEqual(self._snapshot(lead), expected, lead.name)

    def test_bulk_activation_as_one_lead_alone(self):
        # a follower of the notes of every lead: the activation's notes are
        # logged as Odoo logs its own flows' notes (_message_log_batch), which
        # notifies nobody, in batch as alone
        note = self.env.ref("mail.mt_note")
        discussion = self.env.ref("mail.mt_comment")
        Lead = self.env["crm.lead"].with_user(self.manager)
        alone = self._lead("Alone")
        leads = self._leads(4, "Bulk")
        self._flush_tracking()  # their creation, before what is compared
        (alone | leads).message_subscribe(
            partner_ids=self.salesman_b.partner_id.ids, subtype_ids=(note | discussion).ids
        )
        Lead.browse(alone.id).activate(self.salesman.id, self.first_contact)
        self._flush_tracking()
        Lead.browse(leads.ids).activate(self.salesman.id, self.first_contact)
        self._flush_tracking()
        snapshot = self._snapshot(alone)
        # what the old lead-by-lead code left: an activity and an event for
        # the responsible, two notes (notified to the follower of notes while
        # they were posted, not since they are logged)
        self.assertEqual(len(snapshot["activities"]), 1)
        self.assertEqual(len(snapshot["events"]), 1)
        bodies = [m[0] for m in snapshot["messages"]]
        self.assertTrue(any("Responsibility" in b and "opened for" in b for b in bodies))
        self.assertTrue(any("Lead activated by" in b for b in bodies))
        notes = [m for m in snapshot["messages"] if "opened for" in m[0] or "activated by" in m[0]]
        self.assertEqual(len(notes), 2)
        for m in notes:
            self.assertEqual(m[-1], [])
        if self.t_contact.stage_id:
            self.assertEqual(alone.stage_id, self.t_contact.stage_id)
        self._assert_same_as_alone(alone, leads)
        # then won: the steps done with Odoo's summary, their to-dos done
        Lead.browse(alone.id).action_set_won()
        self._flush_tracking()
        Lead.browse(leads.ids).action_set_won()
        self._flush_tracking()
        snapshot = self._snapshot(alone)
        self.assertEqual(snapshot["step"][3:5], ("done", "Done: the lead was marked won."))
        self.assertFalse(alone.responsibility_ids.activity_id)
        self.assertTrue(any(m[5] for m in snapshot["messages"]), "the to-do is done")
        self._assert_same_as_alone(alone, leads)

    def test_bulk_won_by_stage_write_as_one_lead_alone(self):
        """A write into a won stage (a kanban drag) closes the steps as the
        Won button does; a lost lead cancels them, its to-do removed."""
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        Lead = self.env["crm.lead"].with_user(self.manager)
        alone = self._lead("Alone")
        leads = self._leads(3, "Bulk")
        self._flush_tracking()
        Lead.browse(alone.id).activate(self.salesman.id, self.first_contact)
        self._flush_tracking()
        Lead.browse(leads.ids).activate(self.salesman.id, self.first_contact)
        self._flush_tracking()
        Lead.browse(alone.id).write({"stage_id": won_stage.id})
        self._flush_tracking()
        Lead.browse(leads.ids).write({"stage_id": won_stage.id})
        self._flush_tracking()
        self.assertEqual(alone.responsibility_ids.state, "done")
        self._assert_same_as_alone(alone, leads)
        lost_alone = self._lead("Lost alone")
        lost = self._leads(3, "Lost")
        self._flush_tracking()
        Lead.browse(lost_alone.id).activate(self.salesman.id, self.first_contact)
        self._flush_tracking()
        Lead.browse(lost.ids).activate(self.salesman.id, self.first_contact)
        self._flush_tracking()
        Lead.browse(lost_alone.id).action_set_lost(lost_reason_id=self.lost_reason.id)
        self._flush_tracking()
        Lead.browse(lost.ids).action_set_lost(lost_reason_id=self.lost_reason.id)
        self._flush_tracking()
        self.assertEqual(lost_alone.responsibility_ids.state, "cancelled")
        self.assertFalse(lost_alone.responsibility_ids.activity_id)
        self._assert_same_as_alone(lost_alone, lost)
