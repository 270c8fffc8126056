from contextlib import contextmanager
from datetime import timedelta

import psycopg2
import pytz

from odoo import Command, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, LazyTranslate

from odoo.addons.crm_suite_base.models.policy import (
    FREE,
    check_one,
    is_privileged,
    owned,
    privileged,
    writable,
)

from .input_checks import has_time_of_day, to_datetime, to_id

_lt = LazyTranslate(__name__)

OPEN_STATES = ("assigned", "in_progress")
ONE_OPEN_INDEX = "crm_lead_responsibility_one_open_per_lead"
# ids of the steps that complete() is closing, in the transaction's cache (not
# the context: a caller cannot send it): the lead's won and lost paths leave
# them open for complete() to close with its own outcome and summary
COMPLETING = "crm_pipeline.completing_responsibility_ids"
# Which step, on which lead, and how it ended: moved only by activate(),
# complete(), action_start(), the lead's won/lost/merge paths and a manager's
# action_correct_type().
_CHAIN_HINT = _lt(
    "complete the responsibility (or start it); a sales manager corrects a wrong step "
    "with Correct Step."
)


class CrmLeadResponsibility(models.Model):
    """A step of the chain on one lead: who owes it, by when, and how it ended."""

    _name = "crm.lead.responsibility"
    _description = "Lead Responsibility"
    _inherit = ["mail.thread", "crm.write.policy.mixin"]
    _order = "deadline desc, id desc"
    _crm_write_policy = {
        "lead_id": owned(_CHAIN_HINT),
        "type_id": owned(_CHAIN_HINT),
        "state": owned(_CHAIN_HINT),
        "summary": owned(_CHAIN_HINT),
        "date_closed": owned(_CHAIN_HINT),
        # rescheduling and handing on an open step; a closed step's responsible
        # and deadline are its history (funnel, boards, the responsibilities
        # report's row rules)
        "user_id": writable(states=OPEN_STATES),
        "deadline": writable(states=OPEN_STATES),
        # the contacts check themselves (crm.interaction's policy)
        "interaction_ids": FREE,
        "activity_id": owned(_lt("kept by the chain: the responsible's to-do.")),
        "calendar_event_id": owned(
            _lt("kept by the chain: the step's meeting (first contact, Schedule a Meeting).")
        ),
        "company_id": owned(_lt("the lead's company.")),
    }
    _rec_names_search = ["lead_id", "type_id"]

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True, copy=False)
    type_id = fields.Many2one(
        "crm.responsibility.type",
        required=True,
        ondelete="restrict",
        tracking=True,
        copy=False,
    )
    type_code = fields.Char(related="type_id.code")
    type_kind = fields.Selection(related="type_id.kind")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        required=True,
        index=True,
        tracking=True,
        domain=lambda self: self.env["crm.lead"]._responsible_user_domain(),
        default=lambda self: self.env.user,
    )
    deadline = fields.Datetime(required=True, tracking=True)
    state = fields.Selection(
        [
            ("assigned", "Assigned"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="assigned",
        tracking=True,
        index=True,
        copy=False,
    )
    is_open = fields.Boolean(compute="_compute_is_open", search="_search_is_open")
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="Open, and its deadline's day is before today, both in the responsible's "
        "time zone (UTC when they have none): as their to-do activity shows it.",
    )
    summary = fields.Text(tracking=True, copy=False)
    # contacts made for this step are interactions (the lead's log and timeline)
    interaction_ids = fields.One2many("crm.interaction", "responsibility_id", string="Contacts")
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null", copy=False)
    calendar_event_id = fields.Many2one(
        "calendar.event",
        string="Meeting",
        readonly=True,
        ondelete="set null",
        copy=False,
        help="The responsible's calendar event at the deadline: the first contact's, "
        "when it was given with a time, or the meeting asked for when the step before "
        "was completed (Schedule a Meeting). It follows the deadline and the "
        "responsible, and is removed when the step closes before it.",
    )
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Customer")
    # stored: record rules and reports group by it
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    is_last = fields.Boolean(compute="_compute_is_last")

    @api.depends("state")
    def _compute_is_open(self):
        for rec in self:
            rec.is_open = rec.state in OPEN_STATES

    def _search_is_open(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on 'Open'."))
        positive = (operator == "=") == bool(value)
        return [("state", "in" if positive else "not in", list(OPEN_STATES))]

    # overdue: one meaning for the list's filter, the field and the report ----

    def _responsible_tz(self):
        """The responsible's time zone (UTC when they have none), as Odoo's
        activities compute their state."""
        self.ensure_one()
        tz = self.user_id.sudo().tz
        return pytz.timezone(tz if tz in pytz.all_timezones_set else "UTC")

    @api.depends("state", "deadline", "user_id.tz")
    def _compute_is_overdue(self):
        now = pytz.utc.localize(fields.Datetime.now())
        for rec in self:
            if not (rec.is_open and rec.deadline):
                rec.is_overdue = False
                continue
            tz = rec._responsible_tz()
            deadline_day = pytz.utc.localize(rec.deadline).astimezone(tz).date()
            rec.is_overdue = deadline_day < now.astimezone(tz).date()

    @api.model
    def _overdue_sql(self, alias, tz=None):
        """SQL condition on the responsibility table aliased ``alias``: open,
        and the deadline's day is before today, both in the responsible's time
        zone (UTC when they have none). Odoo's activities are overdue the same
        way (``mail.activity``: the date before today in the user's time zone),
        and the responsible's to-do carries the deadline's day in that zone.
        Shared by the search of ``is_overdue`` and the responsibilities report;
        ``tz``: the responsible's time zone as the caller's query has it (both
        join the responsible's partner once: a lookup per row took a second on
        300,000 responsibilities), else looked up per row."""
        alias = SQL.identifier(alias)
        tz = tz or SQL(
            """COALESCE((
                SELECT NULLIF(tz_partner.tz, '')
                  FROM res_users tz_user
                  JOIN res_partner tz_partner ON tz_partner.id = tz_user.partner_id
                 WHERE tz_user.id = %(alias)s.user_id
            ), 'UTC')""",
            alias=alias,
        )
        return SQL(
            """(%(alias)s.state IN %(open)s
               AND (%(alias)s.deadline AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                   < (now() AT TIME ZONE %(tz)s)::date)""",
            alias=alias,
            open=OPEN_STATES,
            tz=tz,
        )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on 'Overdue'."))
        self.flush_model(["state", "deadline", "user_id"])
        self.env["res.partner"].flush_model(["tz"])
        overdue = SQL(
            """(SELECT r.id
                  FROM crm_lead_responsibility r
             LEFT JOIN res_users tz_user ON tz_user.id = r.user_id
             LEFT JOIN res_partner tz_partner ON tz_partner.id = tz_user.partner_id
                 WHERE %s)""",
            self._overdue_sql("r", tz=SQL("COALESCE(NULLIF(tz_partner.tz, ''), 'UTC')")),
        )
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", overdue)]

    @api.depends("type_id.next_type_id")
    def _compute_is_last(self):
        for rec in self:
            rec.is_last = not rec.type_id.next_type_id

    @api.depends("type_id", "lead_id")
    def _compute_display_name(self):
        for rec in self:
            rec.display_name = " - ".join(n for n in (rec.type_id.name, rec.lead_id.name) if n)

    @api.constrains("user_id")
    def _check_user_id(self):
        # a plain write reassigns as activate() and complete() do: to an active
        # internal user with Sales rights in the lead's company only (the
        # responsible gets an activity and works the lead)
        checked = self.env["res.users"]
        for rec in self:
            # sudo: the lead's company, compared with the responsible's; the
            # holder who just handed the step on no longer reaches the lead
            # (nothing of it is returned but its name in the message)
            lead = rec.sudo().lead_id
            if rec.user_id in checked:
                # the user's own checks passed for a step before this one (a
                # bulk activation gives every lead the same responsible): only
                # this lead's company is left, in the same order of checks
                lead._check_user_in_company(rec.user_id)
            else:
                lead._check_responsible_user(rec.user_id)
                checked |= rec.user_id

    @api.constrains("deadline")
    def _check_deadline(self):
        # required: checked here so that an empty deadline is refused before the
        # responsible's activity follows it
        for rec in self.filtered(lambda r: not r.deadline):
            raise ValidationError(
                self.env._(
                    "Responsibility %(name)s needs a deadline: reschedule it rather "
                    "than clearing it.",
                    name=rec.display_name,
                )
            )

    def init(self):
        # At most one open responsibility per lead, even when two transactions race:
        # a unique partial index, so closed ones do not count.
        if not tools.index_exists(self.env.cr, ONE_OPEN_INDEX):
            self.env.cr.execute(
                tools.SQL(
                    "CREATE UNIQUE INDEX %s ON %s (lead_id) "
                    "WHERE state IN ('assigned', 'in_progress')",
                    tools.SQL.identifier(ONE_OPEN_INDEX),
                    tools.SQL.identifier(self._table),
                )
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not is_privileged(self):
            raise UserError(
                self.env._(
                    "Responsibilities are opened by the chain: activate the lead, then "
                    "complete its open responsibility to open the next one."
                )
            )
        defaults = self.default_get(["lead_id", "state"])
        vals_list = [dict(defaults, **vals) for vals in vals_list]
        self.env["crm.lead"].browse(
            [vals["lead_id"] for vals in vals_list if vals.get("lead_id")]
        )._check_can_get_responsibilities()
        self._check_no_open_responsibility(
            [
                vals["lead_id"]
                for vals in vals_list
                if vals.get("lead_id") and vals.get("state", "assigned") in OPEN_STATES
            ]
        )
        # Turn a lost race on the one-open index into a clear UserError.
        try:
            with self.env.cr.savepoint():
                records = super().create(vals_list)
        except psycopg2.errors.UniqueViolation as exc:
            if exc.diag.constraint_name != ONE_OPEN_INDEX:
                raise
            raise UserError(
                self.env._(
                    "This lead already has an open responsibility: another user "
                    "has just opened one. Reload the lead."
                )
            ) from exc
        records.filtered("is_open")._on_open()
        return records

    def _check_no_open_responsibility(self, lead_ids):
        if len(lead_ids) != len(set(lead_ids)):
            raise UserError(self.env._("A lead can have only one open responsibility."))
        if not lead_ids:
            return
        # sudo: only counts open rows to give a clear message before the database
        # index refuses them; nothing is read or returned to the user.
        existing = (
            self.sudo()
            .with_context(active_test=False)
            .search([("lead_id", "in", lead_ids), ("state", "in", list(OPEN_STATES))], limit=1)
        )
        if existing:
            raise UserError(
                self.env._(
                    "Lead %(lead)s already has an open responsibility (%(type)s): "
                    "complete it first.",
                    lead=existing.lead_id.display_name,
                    type=existing.type_id.name,
                )
            )

    def write(self, vals):
        if vals.get("state") in OPEN_STATES:
            reopening = self.filtered(lambda r: not r.is_open)
            if reopening:
                self._check_no_open_responsibility(reopening.lead_id.ids)
        res = super().write(vals)
        if "type_id" in vals:
            self.filtered("is_open")._sync_lead_stage()
        if any(f in vals for f in ("user_id", "deadline")):
            # sudo: the chain keeps the responsible's to-do and meeting in line
            # with the step, whose own write passed its checks just above. The
            # holder who hands the step on no longer reaches the step nor its
            # lead (Odoo's activity write subscribes the new responsible to the
            # lead); only this step's responsible and deadline go into them.
            steps = self.sudo().filtered("is_open")
            for rec in steps.filtered("activity_id"):
                rec.activity_id.write(rec._activity_values())
            if "user_id" in vals:
                # a step whose to-do went with its archived responsible
                # (res_users.py): the new responsible gets a new one
                steps.filtered(lambda r: not r.activity_id)._schedule_activities()
            # the time of day as the caller gave it (midnight UTC may be one);
            # handed on without a new deadline, the meeting keeps its time
            steps._sync_calendar_event(
                timed=has_time_of_day(vals["deadline"]) if "deadline" in vals else True
            )
        return res

    def unlink(self):
        # the responsible no longer owes anything on the lead (privileged: the
        # to-do of an open step is removed with its step only, mail_activity.py)
        privileged(self.filtered("is_open").activity_id).unlink()
        return super().unlink()

    # ------------------------------------------------------------------
    # Opening and closing
    # ------------------------------------------------------------------

    def _activity_deadline(self):
        """The deadline as a date in the responsible's time zone (UTC when they
        have none: Odoo then computes the activity's state in UTC too, and
        ``is_overdue`` agrees with it)."""
        self.ensure_one()
        return pytz.utc.localize(self.deadline).astimezone(self._responsible_tz()).date()

    def _activity_values(self):
        self.ensure_one()
        return {
            "user_id": self.user_id.id,
            "date_deadline": self._activity_deadline(),
        }

    def _on_open(self):
        """Schedule the responsible's activity and move the lead's stage.

        In batch (a bulk activation opens a step on each lead): the stages
        written per stage, the notes logged together (a lead has one open step
        at a time)."""
        self._schedule_activities()
        # logged as Odoo logs what its own flows do (the step was created, on a
        # lead the user works, or by the chain): a user without an e-mail
        # address opens steps too
        self.lead_id._message_log_batch(
            {
                rec.lead_id.id: self.env._(
                    "Responsibility %(type)s opened for %(user)s, deadline %(deadline)s.",
                    type=rec.type_id.name,
                    user=rec.user_id.name,
                    deadline=tools.format_datetime(self.env, rec.deadline),
                )
                for rec in self
            }
        )
        self._sync_lead_stage()

    def _schedule_activities(self):
        """The responsible's to-do of each step: one ``activity_schedule`` per
        set of steps with the same activity values."""
        groups = {}
        for rec in self:
            key = (
                rec._activity_deadline(),
                rec.type_id.name,
                rec.type_id.description or "",
                rec.user_id.id,
            )
            group = groups.setdefault(key, [])
            # one step per lead and call (activity_schedule's records)
            if any(step.lead_id == rec.lead_id for step in group):
                key += (rec.id,)
                group = groups.setdefault(key, [])
            group.append(rec)
        for (date_deadline, summary, note, user_id, *_rest), steps in groups.items():
            leads = self.lead_id.browse([step.lead_id.id for step in steps])
            activities = leads.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=date_deadline,
                summary=summary,
                note=note,
                user_id=user_id,
            )
            by_lead = {}
            for activity in activities or ():
                by_lead.setdefault(activity.res_id, activity)
            for step in steps:
                activity = by_lead.get(step.lead_id.id)
                if activity:
                    privileged(step).write({"activity_id": activity.id})

    def _remind_hand_on(self, archived_users):
        """These open steps' responsibles (of ``archived_users``) were archived,
        their to-dos removed with their other activities (res_users.py): the
        steps wait for someone to hand them on. Remind them with a to-do on each
        lead, in the assignee's language, for:

        - the lead's sales team leader, when they are active, not archived with
          them, and may read the lead (a to-do makes its user a follower of the
          lead, who then receives its messages: a salesperson seeing only their
          own documents may lead a team);
        - else the user who archives, when they are active, not the superuser
          (an automated action, a scheduled action) and not archived themselves;
        - else the administrator (``base.user_admin``) when they are active and
          not archived;
        - else nobody: no reminder on that lead.

        No second to-do on a lead which already has an open one for the same
        user and summary (a user archived, restored and archived again). One
        to-do a lead, one ``activity_schedule`` per assignee and summary."""
        steps_by_lead = {}
        for step in self:
            steps_by_lead[step.lead_id] = steps_by_lead.get(step.lead_id, self.browse()) | step
        if not steps_by_lead:
            return
        lead_ids_by_leader = {}
        for lead in steps_by_lead:
            leader = lead.team_id.user_id
            if leader.active and leader not in archived_users:
                lead_ids_by_leader.setdefault(leader, []).append(lead.id)
        # record rules are evaluated per user: one check per leader, for all the
        # leads they lead, in all their companies (the context's are the
        # archiving user's), archived leads included
        readable = set()
        Lead = self.env["crm.lead"].with_context(active_test=False)
        for leader, lead_ids in lead_ids_by_leader.items():
            leads = (
                Lead.with_user(leader)
                .with_context(allowed_company_ids=leader.company_ids.ids)
                .browse(lead_ids)
            )
            readable.update((leader.id, lead_id) for lead_id in leads._filtered_access("read").ids)
        fallback = self.env.user
        if not fallback.active or fallback._is_superuser() or fallback in archived_users:
            fallback = self.env.ref("base.user_admin", raise_if_not_found=False)
            if fallback and (not fallback.active or fallback in archived_users):
                fallback = None
        todos = {}
        for lead, steps in steps_by_lead.items():
            user = lead.team_id.user_id
            if (user.id, lead.id) not in readable:
                user = fallback
            if not user:
                continue
            # in the language of who gets it, as the daily runs write theirs
            summary = self.with_context(lang=user.lang or self.env.lang).env._(
                "Hand on the responsibility of %(user)s",
                user=", ".join(steps.user_id.mapped("name")),
            )
            todos[lead.id] = (user.id, summary)
        if not todos:
            return
        # the leads' open to-dos already reminding the same user of the same
        # thing (one search for all): not scheduled twice. sudo: the reminders
        # of any user, on leads the archiving user may not read; only compared,
        # nothing is returned
        open_todos = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "crm.lead"),
                    ("res_id", "in", list(todos)),
                    ("user_id", "in", list({user_id for user_id, _summary in todos.values()})),
                    ("summary", "in", list({summary for _user_id, summary in todos.values()})),
                ]
            )
        )
        existing = {(todo.res_id, todo.user_id.id, todo.summary) for todo in open_todos}
        leads_by_todo = {}
        for lead_id, (user_id, summary) in todos.items():
            if (lead_id, user_id, summary) not in existing:
                leads_by_todo.setdefault((user_id, summary), []).append(lead_id)
        for (user_id, summary), lead_ids in leads_by_todo.items():
            # a reminder of the chain, whoever archives: not skipped by a
            # context key the caller sends
            self.env["crm.lead"].browse(lead_ids).with_context(
                mail_activity_automation_skip=False
            ).activity_schedule("mail.mail_activity_data_todo", summary=summary, user_id=user_id)

    # calendar event of the step (first contact, Schedule a Meeting) ---

    def _calendar_event_values(self):
        self.ensure_one()
        return {
            "name": f"{self.type_id.name}: {self.lead_id.name}",
            "start": self.deadline,
            "stop": self.deadline + timedelta(hours=1),
            "user_id": self.user_id.id,
            "partner_ids": [Command.set(self.user_id.partner_id.ids)],
            "opportunity_id": self.lead_id.id,
            "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
            "res_id": self.lead_id.id,
        }

    def _schedule_calendar_event(self):
        """Hook: a calendar event for the responsible at the deadline of these
        open steps, whose callers gave it with a time of day
        (``input_checks.has_time_of_day``: even midnight UTC, a 19:00 meeting in
        New York; a date alone has none): on activation, and for the next step
        when ``complete`` is asked for a meeting."""
        Event = self.env["calendar.event"].with_context(
            dont_notify=True, mail_create_nosubscribe=True
        )
        steps = self.filtered(lambda r: r.is_open and r.deadline)
        if not steps:
            return
        # sudo: the events are the responsibles', who may be other users than
        # the one activating; only values of each responsibility go into its
        # event. One create for all the steps (a bulk activation).
        events = Event.sudo().create([rec._calendar_event_values() for rec in steps])
        for rec, event in zip(steps, events, strict=True):
            privileged(rec).write({"calendar_event_id": event.id})

    def _sync_calendar_event(self, timed):
        """Rescheduled or reassigned: the event follows (gone when the new deadline
        has no time). ``timed``: the deadline has a time of day as its caller
        gave it (``write`` decides it from the value sent, never from the stored
        deadline alone: midnight UTC may be a real time, 19:00 in New York)."""
        for rec in self.filtered("calendar_event_id"):
            event = rec.calendar_event_id.sudo()  # sudo: see _schedule_calendar_event
            if timed and rec.deadline:
                event.with_context(dont_notify=True).write(rec._calendar_event_values())
            else:
                event.unlink()

    def _drop_future_calendar_event(self):
        """Closed before the planned meeting: the meeting will not take place."""
        now = fields.Datetime.now()
        self.calendar_event_id.sudo().filtered(lambda e: e.start > now).unlink()

    def _sync_lead_stage(self):
        # the leads to move, per stage (one write per stage, not per lead)
        moves = {}
        for rec in self:
            stage = rec.type_id.stage_id
            if stage and rec.lead_id.active and rec.lead_id.stage_id != stage:
                moves.setdefault(stage, []).append(rec.lead_id.id)
        for stage, lead_ids in moves.items():
            self.lead_id.browse(lead_ids).write({"stage_id": stage.id})

    def _close(self, state, summary):
        if not self:
            return
        now = fields.Datetime.now()
        self._drop_future_calendar_event()
        activities = self.activity_id
        # one write for all the steps (Odoo's Won button on many leads), then
        # their activities done (or removed) together
        privileged(self).write({"state": state, "summary": summary, "date_closed": now})
        activities = activities.exists()
        if state != "done":
            activities.unlink()
            return
        # Odoo's _action_done hands the attachments of an activity kept done
        # on to the next ones of the same call: those are done one by one
        kept = activities.filtered(lambda a: a.activity_type_id.keep_done)
        if activities - kept:
            (activities - kept).action_feedback(feedback=summary)
        for activity in kept:
            activity.action_feedback(feedback=summary)

    # ------------------------------------------------------------------
    # Gates
    # ------------------------------------------------------------------

    def _get_gate_message(self):
        """Hook: what keeps this responsibility from completing with 'next'.

        Returns False when nothing does, else a translated message. Gates are bound
        to the type's ``kind`` (set by data, not editable), never to its name or
        code. Other addons add theirs by overriding this method::

            def _get_gate_message(self):
                message = super()._get_gate_message()
                if message or self.type_id.kind != "contracting":
                    return message
                return self._gate_contracting()
        """
        self.ensure_one()
        if self.type_id.kind == "offer_negotiation":
            return self._gate_offer_negotiation() or False
        return False

    def _gate_offer_negotiation(self):
        self.ensure_one()
        # sudo: only checks that a quotation linked to this lead was sent or
        # confirmed (and, when the company asks for it, approved), whoever owns
        # it; no order data reaches the user.
        Order = self.env["sale.order"].sudo()
        domain = [("opportunity_id", "=", self.lead_id.id), ("state", "in", ("sent", "sale"))]
        if Order.search_count(
            domain + [("offer_approval_state", "not in", ("to_approve", "rejected"))], limit=1
        ):
            return False
        if Order.search_count(domain, limit=1):
            return self.env._(
                "Offer & negotiation cannot move on before a sales manager approves the "
                "quotation sent to the customer (it changed after it was sent)."
            )
        return self.env._(
            "Offer & negotiation cannot move on before a quotation linked to the lead "
            "is sent to the customer or confirmed."
        )

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------

    def action_start(self):
        """Mark assigned responsibilities as in progress."""
        todo = self.filtered(lambda r: r.state == "assigned")
        todo.check_access("write")
        privileged(todo).write({"state": "in_progress"})
        return True

    def action_correct_type(self, type_id, reason):
        """Sales managers: move an open responsibility to another step of the
        chain (a lead taken over at a later step, a step opened by mistake).

        Logs the old and new step and the reason in the lead's chatter. Returns
        True.
        """
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only a sales manager can correct a step."))
        type_id = to_id(self.env, type_id, self.env._("The step"), required=True)
        new_type = self.env["crm.responsibility.type"].browse(type_id).exists()
        if not new_type or not new_type.active:
            raise UserError(self.env._("Choose an existing responsibility type."))
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("Say why the step is corrected."))
        notes = {}
        for rec in self:
            if not rec.is_open:
                raise UserError(
                    self.env._(
                        "Responsibility %(name)s is closed: only an open step can be corrected.",
                        name=rec.display_name,
                    )
                )
            old_type = rec.type_id
            if old_type == new_type:
                continue
            privileged(rec).write({"type_id": new_type.id})
            notes[rec.lead_id.id] = self.env._(
                "Step corrected by %(user)s from %(old)s to %(new)s: %(reason)s",
                user=self.env.user.name,
                old=old_type.name,
                new=new_type.name,
                reason=reason.strip(),
            )
        # logged as Odoo logs what its own flows do (the steps written above)
        if notes:
            self.env["crm.lead"].browse(notes)._message_log_batch(notes)
        return True

    def action_send_offer(self, order_id=None):
        """Send the lead's quotation from this responsibility: Odoo's mail
        composer with the quotation's template and PDF (see
        ``crm.lead.action_send_offer``). Returns the composer's action."""
        check_one(self)
        return self.lead_id.action_send_offer(order_id=order_id)

    def action_open_complete_wizard(self):
        check_one(self)
        if not self.is_open:
            raise UserError(self.env._("Only an open responsibility can be completed."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_pipeline.crm_lead_responsibility_complete_wizard_action"
        )
        action["context"] = {"default_responsibility_id": self.id}
        return action

    def get_contracting_warnings(self):
        """What is missing on the customer before a contract: a list of strings."""
        check_one(self)
        return self.lead_id.get_contracting_warnings()

    def complete(
        self,
        outcome,
        summary,
        next_user_id=None,
        next_deadline=None,
        lost_reason_id=None,
        next_meeting=False,
    ):
        """Close this responsibility.

        ``outcome='next'`` closes it as done and opens the next type of the chain
        (or wins the lead on the last type); ``outcome='refused'`` closes it as
        refused and marks the lead lost with ``lost_reason_id``. With
        ``next_meeting=True`` the next step also gets a calendar event for its
        responsible at ``next_deadline`` (a date and time), linked to the lead:
        the meeting the Meeting & evaluation step is about.

        Returns the id of the responsibility opened next, or True.

        Extension hooks: ``_check_complete_args``, ``_get_gate_message`` (the
        gates), ``_complete_refused``, ``_complete_last``, ``_complete_next`` and
        ``_prepare_next_responsibility_values``.
        """
        args = self._check_complete_args(
            outcome, summary, next_user_id, next_deadline, lost_reason_id, next_meeting
        )
        if args["outcome"] == "refused":
            return self._complete_refused(args["summary"], args["lost_reason_id"])
        message = self._get_gate_message()
        if message:
            raise UserError(message)
        next_type = self.type_id.next_type_id
        if not next_type:
            return self._complete_last(args["summary"])
        next_id = self._complete_next(
            next_type, args["summary"], args["next_user_id"], args["next_deadline"]
        )
        if args["next_meeting"]:
            # sudo: the step this call has just opened (see _complete_next), which
            # a user handing the lead over may not read; only its own values go
            # into the event
            self.sudo().browse(next_id)._schedule_calendar_event()
        return next_id

    def _check_complete_args(
        self, outcome, summary, next_user_id, next_deadline, lost_reason_id, next_meeting=False
    ):
        """Hook: the caller's arguments checked, as a dict of the same names."""
        if len(self) != 1:
            raise UserError(self.env._("Complete one responsibility at a time."))
        if not self.is_open:
            raise UserError(
                self.env._("Responsibility %(name)s is already closed.", name=self.display_name)
            )
        if not isinstance(outcome, str) or outcome not in ("next", "refused"):
            raise UserError(self.env._("The outcome must be 'next' or 'refused'."))
        if not isinstance(summary, str) or not summary.strip():
            raise UserError(self.env._("Write a summary before completing the responsibility."))
        self.check_access("write")
        # the step's work is done on its lead: the responsible may write it
        # (their own or unassigned lead, or through the open step they hold)
        self.lead_id.check_access("write")
        # a time of day given (a datetime, or a string longer than a date), as
        # the form always gives one: midnight UTC may be a real time (19:00 in
        # New York), a date alone is none
        timed = has_time_of_day(next_deadline)
        if next_deadline:
            next_deadline = to_datetime(self.env, next_deadline, self.env._("The next deadline"))
        if not isinstance(next_meeting, bool):
            raise UserError(self.env._("next_meeting must be true or false."))
        next_meeting = next_meeting and outcome == "next" and bool(self.type_id.next_type_id)
        if next_meeting and (not next_deadline or not timed):
            raise UserError(
                self.env._(
                    "Give the date and time of the meeting as the next deadline " "(%(type)s).",
                    type=self.type_id.next_type_id.name,
                )
            )
        return {
            "outcome": outcome,
            "summary": summary.strip(),
            "next_user_id": to_id(self.env, next_user_id, self.env._("The next responsible")),
            "next_deadline": next_deadline or None,
            "lost_reason_id": to_id(self.env, lost_reason_id, self.env._("The lost reason")),
            "next_meeting": next_meeting,
        }

    @contextmanager
    def _completing(self):
        """The lead's won and lost paths leave these open steps alone while the
        block runs: complete() closes them itself, last, so that the responsible
        works the lead (a record rule gives them the lead of the open step they
        hold) until their step is closed."""
        completing = self.env.cr.cache.setdefault(COMPLETING, set())
        mine = set(self.ids) - completing
        completing |= mine
        try:
            yield
        finally:
            completing -= mine

    def _complete_refused(self, summary, lost_reason_id):
        """Hook: closed as refused, the lead lost. Returns True."""
        reason = self.env["crm.lost.reason"].browse(lost_reason_id or []).exists()
        if not reason:
            raise UserError(self.env._("A refusal needs a lost reason."))
        lead = self.lead_id
        with self._completing():
            lead.action_set_lost(lost_reason_id=reason.id)
        # logged as Odoo logs what its own flows do (complete checked the user
        # may write the step and its lead)
        lead._message_log(
            body=self.env._(
                "%(type)s refused: %(summary)s", type=self.type_id.name, summary=summary
            ),
        )
        self._close("refused", summary)
        return True

    def _complete_last(self, summary):
        """Hook: the last step done, the lead won. Returns True."""
        lead = self.lead_id
        with self._completing():
            lead.action_set_won()
        # logged as the refusal's note (_complete_refused)
        lead._message_log(
            body=self.env._(
                "%(type)s completed, the lead is won: %(summary)s",
                type=self.type_id.name,
                summary=summary,
            ),
        )
        self._close("done", summary)
        return True

    def _complete_next(self, next_type, summary, next_user_id, next_deadline):
        """Hook: done, and the next step opened. Returns the next step's id."""
        user = self.user_id
        if next_user_id:
            user = self.env["res.users"].browse(next_user_id)
            self.lead_id._check_responsible_user(user)
        if not next_deadline:
            raise UserError(
                self.env._(
                    "Give the deadline of the next responsibility (%(type)s).",
                    type=next_type.name,
                )
            )
        self._close("done", summary)
        # sudo: the next step is opened on the lead by the chain. The user held
        # this step (checked in _check_complete_args: write on it and on its
        # lead), but a responsible who is not the lead's salesperson reaches the
        # lead only through the open step they hold, closed just above; opening
        # the next one schedules the next responsible's activity and posts on
        # the lead. Only this step's lead and the checked values are written.
        nxt = privileged(self.sudo()).create(
            self._prepare_next_responsibility_values(next_type, user, next_deadline)
        )
        return nxt.id

    def _prepare_next_responsibility_values(self, next_type, user, deadline):
        """Hook: the values of the step opened after this one."""
        self.ensure_one()
        return {
            "lead_id": self.lead_id.id,
            "type_id": next_type.id,
            "user_id": user.id,
            "deadline": deadline,
        }
