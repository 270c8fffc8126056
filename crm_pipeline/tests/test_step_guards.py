"""The chain's steps are not lost by another way than their own: archiving a
step type, marking its to-do done or deleting it from the activity widget; and
a duplicated campaign has spent nothing yet."""

from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import PipelineCase

TODO_REFUSED = (
    "This to-do belongs to the open responsibility Contact prospect of lead {lead}: "
    "complete the responsibility on its lead instead."
)


@tagged("post_install", "-at_install")
class TestStepTypeArchive(PipelineCase):
    def test_chain_step_not_archived(self):
        for rtype in (self.t_contact, self.t_meeting, self.t_offer, self.t_contracting):
            with self.subTest(kind=rtype.kind):
                for archive in (
                    lambda t: t.action_archive(),
                    lambda t: t.write({"active": False}),
                ):
                    with self.assertRaises(UserError) as caught:
                        archive(rtype.with_user(self.manager))
                    self.assertEqual(
                        str(caught.exception),
                        f"Responsibility type {rtype.name} is a step of the chain, which its "
                        "gates are bound to: it cannot be archived.",
                    )
                    self.assertTrue(rtype.active)
        lead = self._lead("Still activated")
        self._activate(lead)
        self.assertTrue(lead.open_responsibility_id)

    def test_other_type_archived(self):
        extra = self.env["crm.responsibility.type"].create({"name": "Extra", "code": "EXTRA_G"})
        extra.with_user(self.manager).action_archive()
        self.assertFalse(extra.active)
        extra.with_user(self.manager).action_unarchive()
        self.assertTrue(extra.active)

    def test_no_first_step_message(self):
        # a database where the first step was archived before the refusal
        self.env.cr.execute(
            "UPDATE crm_responsibility_type SET active = FALSE WHERE id = %s", [self.t_contact.id]
        )
        self.env.invalidate_all()
        lead = self._lead("No first step").with_user(self.salesman)
        expected = (
            "The chain has no first step (Contact prospect) to start at: its responsibility "
            "type is archived or deleted. Ask a sales manager to restore it."
        )
        for kw in ({}, {"responsibility_type_id": self.t_meeting.id}):
            with self.subTest(kw=kw), self.assertRaises(UserError) as caught:
                lead.activate(self.salesman.id, self._in(1), **kw)
            self.assertEqual(str(caught.exception), expected)
            self.assertNotIn("False", str(caught.exception))
        self.assertFalse(lead.responsibility_ids)


@tagged("post_install", "-at_install")
class TestStepActivity(PipelineCase):
    def setUp(self):
        super().setUp()
        self.lead = self._lead("To-do lead", user_id=self.salesman.id)
        self.step = self._activate(self.lead)
        self.activity = self.step.activity_id
        self.assertTrue(self.activity)

    def _assert_refused(self, action, user):
        with self.assertRaises(UserError) as caught:
            action(self.activity.with_user(user))
        self.assertEqual(str(caught.exception), TODO_REFUSED.format(lead=self.lead.name))
        self.assertTrue(self.activity.exists())
        self.assertTrue(self.activity.active)
        self.assertEqual(self.step.activity_id, self.activity)
        self.assertEqual(self.step.state, "assigned")

    def test_todo_not_done_nor_deleted_alone(self):
        for user in (self.salesman, self.manager):
            for name, action in (
                ("action_feedback", lambda a: a.action_feedback(feedback="done")),
                ("action_done", lambda a: a.action_done()),
                ("action_feedback_schedule_next", lambda a: a.action_feedback_schedule_next()),
                ("unlink", lambda a: a.unlink()),
                ("action_cancel", lambda a: a.action_cancel()),
                ("action_archive", lambda a: a.action_archive()),
                (
                    "activity_unlink",
                    lambda a: self.lead.with_user(a.env.user).activity_unlink(
                        ["mail.mail_activity_data_todo"]
                    ),
                ),
                (
                    "with a context key",
                    lambda a: a.with_context(
                        crm_privileged=True, _force_unlink=True, crm_suite_privileged=True
                    ).unlink(),
                ),
            ):
                with self.subTest(user=user.login, action=name):
                    self._assert_refused(action, user)

    def test_todo_follows_the_step(self):
        # rescheduled and handed on: the same to-do follows
        self.step.with_user(self.salesman).write(
            {"user_id": self.salesman_b.id, "deadline": self._in(3)}
        )
        self.assertEqual(self.step.activity_id, self.activity)
        self.assertEqual(self.activity.user_id, self.salesman_b)
        # completed: done, and the next step has its own
        next_id = self.step.with_user(self.salesman_b).complete(
            "next", "Called", next_deadline=self._in(2)
        )
        self.assertFalse(self.activity.exists())
        nxt = self.Responsibility.browse(next_id)
        self.assertTrue(nxt.activity_id)
        # a closed step's to-do was marked done: another to-do is the user's own
        other = self.lead.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.salesman.id
        )
        other.with_user(self.salesman).action_feedback(feedback="mine")
        self.assertFalse(other.exists())

    def test_lead_lost_and_deleted(self):
        self.lead.with_user(self.salesman).action_set_lost()
        self.assertEqual(self.step.state, "cancelled")
        self.assertFalse(self.activity.exists())
        lead = self._lead("Deleted lead")
        step = self._activate(lead)
        activity = step.activity_id
        lead.unlink()
        self.assertFalse(activity.exists())

    def test_step_deleted_with_its_todo(self):
        self.step.unlink()
        self.assertFalse(self.activity.exists())

    def test_todo_not_moved_nor_handed_alone(self):
        """Moved to another record, user or type, the to-do would leave its
        step open without it (removed with the other record, or never shown on
        the lead): refused; its deadline, summary and note stay the user's."""
        other = self._lead("Other lead", user_id=self.salesman.id)
        lead_model = self.env["ir.model"]._get("crm.lead")
        partner_model = self.env["ir.model"]._get("res.partner")
        call = self.env.ref("mail.mail_activity_data_call")
        for user in (self.salesman, self.manager):
            for vals in (
                {"res_id": other.id},
                {"res_id": other.id + 100000},
                {"res_model": "res.partner"},
                {"res_model_id": partner_model.id},
                {"res_model_id": lead_model.id, "res_id": other.id},
                {"user_id": self.salesman_b.id},
                {"activity_type_id": call.id},
            ):
                with self.subTest(user=user.login, vals=vals):
                    self._assert_refused(lambda a, vals=vals: a.write(vals), user)
                    self.assertEqual(self.activity.res_id, self.lead.id)
                    self.assertEqual(self.activity.res_model, "crm.lead")
                    self.assertEqual(self.activity.user_id, self.salesman)
        other.with_user(self.salesman).action_archive()
        self.assertTrue(self.activity.exists())
        self.activity.with_user(self.salesman).write(
            {"summary": "Call first", "note": "<p>Ask for the CFO</p>"}
        )
        self.assertEqual(self.activity.summary, "Call first")
        self.assertEqual(self.step.state, "assigned")
        # the chain's own paths: handing on and rescheduling the step
        self.step.with_user(self.manager).write({"user_id": self.salesman_b.id})
        self.assertEqual(self.step.activity_id, self.activity)
        self.assertEqual(self.activity.user_id, self.salesman_b)

    def test_todo_follows_a_merge(self):
        """Merged into a lead without a step, the kept step brings its to-do."""
        head = self._lead("Merge head", user_id=self.salesman.id, probability=90)
        self.lead.probability = 10
        survivor = (head | self.lead).with_user(self.salesman).merge_opportunity()
        self.assertEqual(survivor, head)
        self.assertEqual(self.step.lead_id, head)
        self.assertEqual(self.step.activity_id, self.activity)
        self.assertEqual((self.activity.res_model, self.activity.res_id), ("crm.lead", head.id))

    def test_archive_user_with_open_step(self):
        """An admin archives a user who holds an open step as Odoo does: the
        user's activities go, the step's to-do with them; the step stays open
        for a manager to hand on, and its new responsible gets a new to-do."""
        admin = self.env.ref("base.user_admin")
        with self.assertRaises(AccessError):
            self.salesman.with_user(self.salesman_b).action_archive()
        self.assertTrue(self.activity.exists())
        self.salesman.with_user(admin).action_archive()
        self.assertFalse(self.salesman.active)
        self.assertFalse(self.activity.exists())
        self.assertEqual(self.step.state, "assigned")
        self.assertEqual(self.step.user_id, self.salesman)
        self.assertFalse(self.step.activity_id)
        # rescheduling alone schedules nothing for the archived user
        self.step.with_user(self.manager).write({"deadline": self._in(2)})
        self.assertFalse(self.step.activity_id)
        self.step.with_user(self.manager).write({"user_id": self.salesman_b.id})
        todo = self.step.activity_id
        self.assertTrue(todo)
        self.assertEqual(todo.user_id, self.salesman_b)
        self.assertEqual((todo.res_model, todo.res_id), ("crm.lead", self.lead.id))
        self.assertEqual(todo.date_deadline, self.step._activity_deadline())
        self.assertEqual(todo.summary, self.t_contact.name)
        # and it is the step's to-do again
        self._assert_refused_todo(todo)

    def _reminders(self, leads):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "crm.lead"),
                ("res_id", "in", leads.ids),
                ("summary", "=like", "Hand on the responsibility of %"),
            ]
        )

    def test_archive_reminds_the_team_leader(self):
        """Whoever should hand the step on gets a to-do on the lead: its sales
        team's leader; a plain to-do, which they mark done."""
        team = self.env["crm.team"].create({"name": "Hand-on team", "user_id": self.manager.id})
        self.lead.team_id = team
        admin = self.env.ref("base.user_admin")
        self.salesman.with_user(admin).action_archive()
        reminder = self._reminders(self.lead)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.summary, f"Hand on the responsibility of {self.salesman.name}")
        self.assertEqual(reminder.user_id, self.manager)
        self.assertEqual(reminder.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertEqual(reminder.create_uid, admin)
        self.assertFalse(self.step.activity_id)
        # the step's to-do is the new responsible's, the reminder done on its own
        self.step.with_user(self.manager).write({"user_id": self.salesman_b.id})
        self.assertNotEqual(self.step.activity_id, reminder)
        reminder.with_user(self.manager).action_feedback(feedback="handed on")
        self.assertFalse(reminder.exists())

    def test_archive_reminds_the_archiving_admin(self):
        """Without an active sales team leader other than the archived user,
        the administrator who archives is reminded; one to-do a lead, scheduled
        together for the same user."""
        admin = self.env.ref("base.user_admin")
        gone = new_test_user(
            self.env, login="pipe_gone_leader", groups="sales_team.group_sale_manager"
        )
        Team = self.env["crm.team"]
        teams = {
            "no team": Team,
            "led by the archived user": Team.create(
                {"name": "Own team", "user_id": self.salesman.id}
            ),
            "led by an archived user": Team.create({"name": "Gone team", "user_id": gone.id}),
            "led": Team.create({"name": "Led team", "user_id": self.manager.id}),
        }
        gone.action_archive()
        self.lead.team_id = False
        leads = {label: self._lead(f"Hand-on {label}") for label in teams}
        for label, lead in leads.items():
            self._activate(lead)
            lead.team_id = teams[label]
            self.assertEqual(lead.team_id, teams[label])
        Lead = type(self.env["crm.lead"])
        schedule = Lead.activity_schedule
        calls = []

        def spy(records, *args, **kwargs):
            calls.append(records)
            return schedule(records, *args, **kwargs)

        with patch.object(Lead, "activity_schedule", spy):
            self.salesman.with_user(admin).action_archive()
        for label, lead in leads.items():
            with self.subTest(team=label):
                reminder = self._reminders(lead)
                self.assertEqual(len(reminder), 1)
                self.assertEqual(reminder.user_id, self.manager if label == "led" else admin)
        self.assertEqual(self._reminders(self.lead).user_id, admin)
        # one call for the manager's reminder, one for the administrator's four
        # (the fixture's own lead included)
        self.assertEqual(sorted(len(records) for records in calls), [1, 4])

    def test_archive_two_users_one_reminder_a_lead(self):
        """Two users archived together: one reminder on each of their leads,
        naming its own responsible."""
        admin = self.env.ref("base.user_admin")
        other = self._lead("Hand-on of B")
        self._activate(other, user=self.salesman_b)
        (self.salesman | self.salesman_b).with_user(admin).action_archive()
        for lead, user in ((self.lead, self.salesman), (other, self.salesman_b)):
            reminder = self._reminders(lead)
            self.assertEqual(len(reminder), 1)
            self.assertEqual(reminder.summary, f"Hand on the responsibility of {user.name}")

    def test_archive_reminds_no_leader_who_cannot_read_the_lead(self):
        """A team leader seeing only their own documents is not reminded of a
        lead they cannot read (the to-do would make them its follower, told of
        its messages): the archiving administrator is; the leader is of the
        leads they may read. One access check per leader, not per lead."""
        admin = self.env.ref("base.user_admin")
        leader = self.salesman_b
        team = self.env["crm.team"].create({"name": "Own-docs team", "user_id": leader.id})
        mine = self._lead("Hand-on of the leader's", user_id=leader.id)
        mine_too = self._lead("Hand-on of the leader's too", user_id=leader.id)
        for lead in self.lead | mine | mine_too:
            if lead != self.lead:
                self._activate(lead)
            lead.user_id = self.salesman if lead == self.lead else leader
            lead.team_id = team  # (after the salesperson, who sets their own team)
            self.assertEqual(lead.team_id, team)
        self.assertFalse(self.lead.with_user(leader).has_access("read"))
        self.assertTrue((mine | mine_too).with_user(leader).has_access("read"))
        Lead = type(self.env["crm.lead"])
        filtered_access = Lead._filtered_access
        checks = []

        def spy(records, operation):
            if records.env.uid == leader.id:
                checks.append(records)
            return filtered_access(records, operation)

        with patch.object(Lead, "_filtered_access", spy):
            self.salesman.with_user(admin).action_archive()
        self.assertEqual(self._reminders(self.lead).user_id, admin)
        self.assertNotIn(leader.partner_id, self.lead.message_partner_ids)
        for lead in mine | mine_too:
            self.assertEqual(self._reminders(lead).user_id, leader)
        self.assertEqual(len(checks), 1)

    def test_archive_as_superuser_reminds_the_administrator(self):
        """Archived by the superuser (an automated or scheduled action, whose
        user is the inactive OdooBot), the reminder is the administrator's;
        without an active administrator, there is none."""
        admin = self.env.ref("base.user_admin")
        self.assertTrue(self.env.user._is_superuser())
        self.salesman.action_archive()
        self.assertEqual(self._reminders(self.lead).user_id, admin)
        # the administrator archived too: nobody to remind
        last = self._lead("Hand-on without an administrator")
        holder = new_test_user(
            self.env, login="pipe_last_holder", groups="sales_team.group_sale_salesman"
        )
        self._activate(last, user=holder)
        (holder | admin).action_archive()
        self.assertFalse(self._reminders(last))

    def test_archive_twice_one_reminder(self):
        """Archived, restored and archived again: the lead's open reminder is
        not scheduled twice; once marked done, the next archiving reminds
        again."""
        admin = self.env.ref("base.user_admin")
        for _round in range(2):
            self.salesman.with_user(admin).action_archive()
            self.salesman.with_user(admin).action_unarchive()
        self.salesman.with_user(admin).action_archive()
        reminder = self._reminders(self.lead)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, admin)
        reminder.with_user(admin).action_feedback(feedback="later")
        self.salesman.with_user(admin).action_unarchive()
        self.salesman.with_user(admin).action_archive()
        self.assertEqual(len(self._reminders(self.lead)), 1)

    def test_archive_reminds_despite_automation_skip(self):
        """A caller's ``mail_activity_automation_skip`` does not skip the
        reminder: it is the chain's, not an automation the caller may turn off."""
        admin = self.env.ref("base.user_admin")
        self.salesman.with_user(admin).with_context(
            mail_activity_automation_skip=True
        ).action_archive()
        reminder = self._reminders(self.lead)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, admin)

    def _assert_refused_todo(self, todo):
        with self.assertRaises(UserError) as caught:
            todo.with_user(self.salesman_b).action_feedback(feedback="done")
        self.assertEqual(str(caught.exception), TODO_REFUSED.format(lead=self.lead.name))


@tagged("post_install", "-at_install")
class TestCampaignCopy(PipelineCase):
    def test_copy_spent_nothing(self):
        campaign = (
            self.env["utm.campaign"]
            .with_user(self.salesman)
            .create(
                {
                    "title": "Spring fair (copy test)",
                    "audience_size": 5000,
                    "budget": 20000,
                    "actual_cost": 17500,
                    "expected_revenue": 90000,
                    "expected_response_count": 300,
                    "expected_sale_count": 12,
                }
            )
        )
        copy = campaign.copy()
        self.assertEqual(copy.actual_cost, 0)
        self.assertEqual(copy.roi, 0)
        for fname in (
            "audience_size",
            "budget",
            "expected_revenue",
            "expected_response_count",
            "expected_sale_count",
        ):
            self.assertEqual(copy[fname], campaign[fname], fname)
