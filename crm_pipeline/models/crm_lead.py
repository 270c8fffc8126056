from datetime import datetime, time, timedelta

from markupsafe import escape

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import LazyTranslate

from odoo.addons.crm.models import crm_stage
from odoo.addons.crm_suite_base.models.policy import (
    FREE,
    INTEGER_MAX,
    check_one,
    field_label,
    owned,
    privileged,
)

from .crm_lead_responsibility import COMPLETING
from .input_checks import has_time_of_day, to_datetime, to_id

_lt = LazyTranslate(__name__)

# ids of the lost leads that Odoo's action_set_won is winning, in the
# transaction's cache (not the context: a caller cannot send it)
_WINNING_LOST = "crm_pipeline.winning_lost_lead_ids"

# who owns the lead and where it lives: not for the holder of its open step
_OWNER_FIELDS = ("user_id", "team_id", "company_id")

INTEREST_STATUSES = [
    ("shown", "Shown interest"),
    ("high", "High interest"),
    ("refused", "Refused"),
    ("pause", "Pause"),
    ("ready", "Ready"),
]


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.write.policy.mixin"]
    _crm_state_field = "activation_state"
    _crm_write_policy = {
        "activation_state": owned(
            _lt("use Activate: it opens the lead's first responsibility."), create=("inactive",)
        ),
        "interest_status": FREE,
        "responsibility_ids": owned(_lt("use Activate and the responsibilities' own buttons.")),
    }

    activation_state = fields.Selection(
        [("inactive", "Inactive"), ("active", "Active")],
        string="Activation",
        required=True,
        default="inactive",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="New leads are inactive until a commercial responsible activates them.",
    )
    interest_status = fields.Selection(
        INTEREST_STATUSES, string="Interest", tracking=True, index=True
    )
    responsibility_ids = fields.One2many(
        "crm.lead.responsibility", "lead_id", string="Responsibilities"
    )
    open_responsibility_id = fields.Many2one(
        "crm.lead.responsibility",
        string="Current Responsibility",
        compute="_compute_open_responsibility_id",
    )
    estimated_completion_date = fields.Datetime(
        compute="_compute_estimated_completion_date",
        help="The open responsibility's deadline (now when it is past) plus the standard "
        "durations of the responsibilities after it; for a lead not activated yet, now "
        "plus the durations of the whole chain.",
    )
    timeline_html = fields.Html(string="Timeline", compute="_compute_timeline_html", sanitize=False)
    contact_person_ids = fields.Many2many(
        "res.partner", string="Contact Persons", compute="_compute_customer_children"
    )
    work_point_ids = fields.Many2many(
        "res.partner", string="Work Points", compute="_compute_customer_children"
    )

    @api.model_create_multi
    def create(self, vals_list):
        # Every new lead starts inactive, however it is created (one created
        # won is Active at once: see _activate_won).
        for vals in vals_list:
            vals["activation_state"] = "inactive"
        leads = super().create(vals_list)
        leads._activate_won()
        return leads

    def _activate_won(self):
        """Those of these leads that are won (active, in a won stage: Odoo's
        *Won* filter) and were never activated become Active, without a chain:
        Odoo's *Won* button, a drag to a won stage or a lead created won. A won
        lead is past what the chain leads to, as a lost lead marked won or the
        won leads found when the module is installed; left Inactive it would
        still offer *Activate* (which refuses a won lead) and count among the
        leads waiting for a responsible. Moved back to a stage that is not won,
        it goes back to Inactive (``write``)."""
        won = self.filtered(
            lambda lead: lead.active
            and lead.stage_id.is_won
            and lead.activation_state == "inactive"
        )
        if won:
            privileged(won).write({"activation_state": "active"})

    def _reached_through_step_only(self):
        """The leads of these that the user reaches only by holding their open
        step (``crm_lead_rule_open_step``): assigned to another salesperson,
        and the user does not see all leads (crm's own rules give a salesperson
        their own and the unassigned leads, "all leads" users and managers
        every lead)."""
        if self.env.su or self.env.user.has_group("sales_team.group_sale_salesman_all_leads"):
            return self.browse()
        user = self.env.user
        return self.filtered(lambda lead: lead.user_id and lead.user_id != user)

    def _check_owner_fields(self, vals):
        """The holder of a lead's open step works the lead; its salesperson,
        sales team and company stay its owner's to change (``AccessError``),
        or the holder would keep the lead after the step closes. Checked
        before anything is written."""
        fnames = [fname for fname in _OWNER_FIELDS if fname in vals]
        if not fnames:
            return
        for lead in self._reached_through_step_only():
            changed = [fname for fname in fnames if lead[fname].id != (vals[fname] or False)]
            if changed:
                raise AccessError(
                    self.env._(
                        "You work on lead %(lead)s through the responsibility you hold on "
                        "it: only its salesperson or a sales manager can change its "
                        "%(fields)s.",
                        lead=lead.display_name,
                        fields=", ".join(field_label(self.env, self._fields[f]) for f in changed),
                    )
                )

    def _check_salesperson_company(self, vals):
        """A salesperson given without the lead's company or sales team
        (``vals``) must work in the lead's company (``UserError``, before
        anything is written): Odoo's ``_compute_company_id`` would otherwise
        clear the company of a lead whose new salesperson lacks it, silently
        taking the lead (and its steps) out of its company's record rules.
        A write that gives the company (Odoo's form, a merge) or the sales
        team (Odoo's lead assignment) moves the lead on purpose; a lead without
        company takes any salesperson (a website or mail gateway lead). Not
        for the superuser (data files, server code that calls ``sudo()``)."""
        user_id = vals.get("user_id")
        if self.env.su or "company_id" in vals or "team_id" in vals:
            return
        if isinstance(user_id, bool) or not isinstance(user_id, int):
            return  # no salesperson, or not an id: the ORM refuses it
        if not 0 < user_id <= INTEGER_MAX:
            return
        user = self.env["res.users"].browse(user_id).exists()
        for lead in self.filtered(lambda lead: user and lead.user_id != user):
            lead._check_user_in_company(user)

    def write(self, vals):
        self._check_owner_fields(vals)
        self._check_salesperson_company(vals)
        restored = (
            self.filtered(lambda lead: not lead.active and lead.activation_state == "active")
            if vals.get("active") is True
            else self.browse()
        )
        # Active leads in a won stage: moved to another stage (a kanban drag), those
        # that leave the won stages have no step to complete (see below)
        unwon = (
            self.filtered(lambda lead: lead.activation_state == "active" and lead.stage_id.is_won)
            if vals.get("stage_id")
            else self.browse()
        )
        res = super().write(vals)
        # steps that complete() is closing itself (refused, or the last one done)
        completing = self.env.cr.cache.get(COMPLETING, ())
        if vals.get("active") is False and any(lead.activation_state == "active" for lead in self):
            # The lead was lost outside the chain: nobody owes a step on it any more.
            self.responsibility_ids.filtered(
                lambda step: step.is_open and step.id not in completing
            )._close("cancelled", self.env._("Cancelled: the lead was marked lost."))
        if vals.get("stage_id"):
            # Won outside the chain (Odoo's Won button, a drag to a won stage): the
            # open step is done, since the lead reached what the chain leads to.
            won = self.filtered(lambda lead: lead.stage_id.is_won and lead.open_responsibility_id)
            won.responsibility_ids.filtered(
                lambda step: step.is_open and step.id not in completing
            )._close("done", self.env._("Done: the lead was marked won."))
        winning = self.env.cr.cache.get(_WINNING_LOST, ())
        restored = restored.filtered(
            lambda lead: not lead.open_responsibility_id
            and not lead.stage_id.is_won
            and lead.id not in winning
        )
        unwon = unwon.filtered(
            lambda lead: lead.active
            and lead.activation_state == "active"
            and not lead.stage_id.is_won
            and not lead.open_responsibility_id
        )
        if unwon:
            # A won lead moved back to an open stage has no open step: it goes
            # back to Inactive so that Activate resumes the chain, as a restored
            # lost lead does.
            privileged(unwon).write({"activation_state": "inactive"})
            # logged as Odoo logs what its own flows do (a drag in the kanban, by
            # any salesperson, with an e-mail address or not)
            body = escape(
                self.env._(
                    "Moved back from a won stage: activate the lead again to resume the chain."
                )
            )
            unwon._message_log_batch(dict.fromkeys(unwon.ids, body))
        if restored:
            # A lost lead brought back has no open step: it goes back to Inactive
            # so that Activate resumes the chain with a responsible and a date
            # (not when it is won on the way: it reached what the chain leads to).
            privileged(restored).write({"activation_state": "inactive"})
            body = escape(self.env._("Restored: activate the lead again to resume the chain."))
            restored._message_log_batch(dict.fromkeys(restored.ids, body))
        if vals.get("stage_id") or vals.get("active"):
            self._activate_won()
        return res

    def action_set_won(self):
        # Odoo's method restores a lost lead (action_unarchive) before moving it
        # to a won stage: it is won, not restored, so it keeps its activation
        # instead of going back to Inactive with a note to activate it again.
        winning = self.env.cr.cache.setdefault(_WINNING_LOST, set())
        lost = set(self.filtered(lambda lead: not lead.active).ids) - winning
        winning |= lost
        try:
            res = super().action_set_won()
        finally:
            winning -= lost
        # Odoo's method returns the result of write(): True for XML-RPC callers.
        return True if res is None else res

    def _merge_dependences(self, opportunities):
        """The responsibilities of merged leads move to the surviving lead. A
        lead has one open step at most: the surviving lead keeps its own; when
        it has none (not activated yet) and is neither lost nor won, it takes
        over the open step of the first merged lead in Odoo's order (the most
        confident), and is Active from then on. The other open steps are
        cancelled."""
        # sudo: the user merging may not see the responsibilities of the merged
        # leads (other salespeople's); closing and moving them keeps their history
        # on the surviving lead, it does not disclose them.
        responsibilities = opportunities.sudo().responsibility_ids
        open_steps = responsibilities.filtered("is_open")
        kept = open_steps.browse()
        # sudo: whether the surviving lead has an open step, whoever's it is
        head_open = self.sudo().open_responsibility_id
        if open_steps and self.active and not self.stage_id.is_won and not head_open:
            rank = {lead.id: index for index, lead in enumerate(opportunities)}
            kept = open_steps.sorted(lambda step: rank[step.lead_id.id])[:1]
        (open_steps - kept)._close(
            "cancelled",
            self.env._("Cancelled: the lead was merged into %(lead)s.", lead=self.display_name),
        )
        if kept.activity_id:
            # the kept step's to-do follows it to the surviving lead (Odoo's
            # merge moves the merged leads' activities as the user: the to-do
            # of an open step is moved by the chain only, mail_activity.py)
            privileged(kept.activity_id).write({"res_id": self.id})
            opportunities.invalidate_recordset(["activity_ids"])
        res = super()._merge_dependences(opportunities)
        if kept and self.activation_state != "active":
            privileged(self).write({"activation_state": "active"})
        privileged(responsibilities).write({"lead_id": self.id})
        # sale_crm's merge moves the quotations the user reads (its order_ids
        # among the merged values, read as the user); another salesperson's
        # quotation of a merged lead would lose its lead when Odoo deletes it.
        # Moved, it keeps the link the lead's gates read.
        self._merge_move_to_survivor("sale.order", "opportunity_id", opportunities)
        return res

    def _merge_move_to_survivor(self, model_name, field_name, opportunities):
        """Link to this surviving lead every ``model_name`` record whose
        ``field_name`` is one of the merged ``opportunities`` (a
        ``_merge_dependences`` step: Odoo deletes the merged leads next)."""
        # sudo: the user merging may not see every such record of the merged
        # leads (other salespeople's); merge_opportunity already checked that
        # they may write every merged lead, and moving the records to the
        # surviving lead keeps them, it discloses nothing.
        # Searched, not read from the leads: a read as the user earlier in the
        # transaction leaves only the records they see in the leads' cache.
        # privileged: the write policy may refuse the link otherwise (a
        # finalized sheet, a contract past its draft: the callers say which).
        records = self.env[model_name].sudo().search([(field_name, "in", opportunities.ids)])
        if records:
            privileged(records).write({field_name: self.id})

    def _merge_get_fields(self):
        """The lead's interest (the first one given, in Odoo's merge order) is
        kept as Odoo keeps its other values."""
        return super()._merge_get_fields() + ["interest_status"]

    @api.model
    def _crm_check_writable(self, lead_ids):
        """``AccessError`` unless the user may write each lead of ``lead_ids``:
        a link a lead's log, tasks or gates read (an interaction, a task, a
        quotation) changes that lead. Values that are not ids are left to the
        caller's checks (the write policy, the ORM)."""
        ids = {
            lead_id
            for lead_id in lead_ids
            if isinstance(lead_id, int)
            and not isinstance(lead_id, bool)
            and 0 < lead_id <= INTEGER_MAX
        }
        if ids:
            self.browse(sorted(ids)).check_access("write")

    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, max_length=5):
        """The surviving lead's stage follows the open step it keeps or takes
        over (``_merge_dependences``): Odoo writes the merged values, the
        survivor's stage among them, after moving the dependences.

        A lead the user reaches only through the step they hold on it is not
        theirs to merge (``AccessError``, before anything is written): Odoo
        deletes the other leads as superuser and moves their revenue, history
        and steps to the surviving one, so the holder would take the lead over
        (or delete it) by merging it with one of their own. The wizard, the
        conversion's merge and ``merge_opportunity`` all come through here."""
        reached = self._reached_through_step_only()
        if reached:
            raise AccessError(
                self.env._(
                    "You work on lead %(lead)s through the responsibility you hold on it: "
                    "only its salesperson or a sales manager can merge it.",
                    lead=reached[0].display_name,
                )
            )
        head = super()._merge_opportunity(
            user_id=user_id, team_id=team_id, auto_unlink=auto_unlink, max_length=max_length
        )
        # sudo: the open step may be another user's, and the merge may have
        # given the lead to another salesperson; the merging user wrote the
        # lead's stage with the merged values just before, this only moves it
        # to the stage of its open step
        head.sudo().open_responsibility_id._sync_lead_stage()
        return head

    @api.depends("responsibility_ids.state")
    def _compute_open_responsibility_id(self):
        for lead in self:
            lead.open_responsibility_id = lead.responsibility_ids.filtered("is_open")[:1]

    @api.depends(
        "responsibility_ids.state",
        "responsibility_ids.deadline",
        "responsibility_ids.type_id",
        "activation_state",
        "active",
        "probability",
    )
    def _compute_estimated_completion_date(self):
        """The open step ends at its deadline (rescheduled by its responsible),
        or now when it is overdue; each step after it takes its standard
        duration. A lead not activated yet has the whole chain ahead of it."""
        now = fields.Datetime.now().replace(microsecond=0)
        first_type = self.env["crm.responsibility.type"]._get_first_type()
        for lead in self:
            if not lead.active or lead.probability == 100:
                lead.estimated_completion_date = False
                continue
            open_step = lead.open_responsibility_id
            if open_step:
                start = max(now, open_step.deadline or now)
                step, seen = open_step.type_id.next_type_id, {open_step.type_id.id}
            elif lead.activation_state == "inactive" and first_type:
                start, step, seen = now, first_type, set()
            else:
                lead.estimated_completion_date = False
                continue
            days = 0
            while step and step.id not in seen:
                seen.add(step.id)
                days += step.duration_days
                step = step.next_type_id
            lead.estimated_completion_date = start + timedelta(days=days)

    @api.depends("partner_id.commercial_partner_id")
    def _compute_customer_children(self):
        # one search for all the leads' customers, not one per lead
        companies = self.partner_id.commercial_partner_id
        children = self.env["res.partner"]
        if companies:
            children = children.search([("parent_id", "in", companies.ids)])
        for lead in self:
            company = lead.partner_id.commercial_partner_id
            mine = children.filtered(lambda p, c=company: c and p.parent_id == c)
            lead.contact_person_ids = mine.filtered(lambda p: p.type == "contact")
            lead.work_point_ids = mine.filtered(lambda p: p.type != "contact")

    # ------------------------------------------------------------------
    # Activation
    # ------------------------------------------------------------------

    def _check_can_get_responsibilities(self):
        for lead in self:
            if lead.activation_state != "active":
                raise UserError(
                    self.env._(
                        "Lead %(lead)s is inactive: activate it before giving it "
                        "responsibilities.",
                        lead=lead.display_name,
                    )
                )

    @api.model
    def _responsible_user_domain(self):
        """The users who may hold a step: internal users with Sales rights
        (``_check_responsible_user``); the choice offered by the forms."""
        return [
            ("share", "=", False),
            ("groups_id", "in", self.env.ref("sales_team.group_sale_salesman").ids),
        ]

    def _check_responsible_user(self, user):
        """``user`` may hold a step of these leads (``UserError`` naming them
        otherwise): an active internal user with Sales rights, who reads the
        lead and completes the step, in the company of each of these leads
        that has one (Odoo's ``_compute_company_id`` would otherwise take the
        lead, and its step, out of its company when ``user`` becomes its
        salesperson). Returns the user. Called by ``activate``, ``complete``
        (``next_user_id``) and on any write of a step's responsible."""
        user = user.exists()
        if not user:
            raise UserError(
                self.env._("The commercial responsible must be an active internal user.")
            )
        if not user.active or user.share:
            raise UserError(
                self.env._(
                    "The commercial responsible must be an active internal user, not %(user)s.",
                    user=user.name,
                )
            )
        if not user._has_group("sales_team.group_sale_salesman"):
            raise UserError(
                self.env._(
                    "%(user)s cannot be the commercial responsible: they have no Sales "
                    "rights (Sales / User: Own Documents Only), so they could not read the "
                    "lead nor complete its step.",
                    user=user.name,
                )
            )
        for lead in self:
            lead._check_user_in_company(user)
        return user

    def _check_user_in_company(self, user):
        """``UserError`` when this lead has a company that ``user`` has no
        access to: made its salesperson or given its step, they could not read
        it, and Odoo's ``_compute_company_id`` would clear (or change) the
        lead's company, taking it out of its company's record rules."""
        self.ensure_one()
        company = self.company_id
        # sudo: only which companies the user belongs to is compared; nothing
        # of the user is written or returned but their name in the message
        if company and company not in user.sudo().company_ids:
            raise UserError(
                self.env._(
                    "%(user)s has no access to company %(company)s of lead %(lead)s: choose "
                    "someone who works in that company, or change the lead's company.",
                    user=user.name,
                    company=company.name,
                    lead=self.display_name,
                )
            )

    def activate(self, user_id, first_contact_at, priority=None, responsibility_type_id=None):
        """Activate inactive leads.

        Sets the salesperson (``user_id``) and the priority, opens the first
        responsibility (default Contact prospect) due at ``first_contact_at`` with an
        activity (and, when a time is given, a calendar event) for the responsible,
        and posts in the chatter. Returns True.

        Extension hooks: ``_check_activation_args``, ``_check_can_activate``,
        ``_prepare_activation_values``, ``_prepare_first_responsibility_values``
        and ``_post_activation``.
        """
        if not self:
            raise UserError(self.env._("Select the leads to activate."))
        self.check_access("write")
        user, first_contact, priority = self._check_activation_args(
            user_id, first_contact_at, priority
        )
        rtype = self._activation_first_type(responsibility_type_id)
        self._check_can_activate()
        privileged(self).write(self._prepare_activation_values(user, priority))
        responsibilities = privileged(self.env["crm.lead.responsibility"]).create(
            [lead._prepare_first_responsibility_values(rtype, user, first_contact) for lead in self]
        )
        # the time of day as the caller gave it: midnight UTC may be one (19:00
        # in New York), a date alone is none
        if has_time_of_day(first_contact_at):
            responsibilities._schedule_calendar_event()
        self._post_activation(responsibilities)
        return True

    def _check_activation_args(self, user_id, first_contact_at, priority):
        """Hook: the caller's arguments checked, as (user, first contact datetime,
        priority or None)."""
        user_id = to_id(self.env, user_id, self.env._("The responsible"), required=True)
        user = self._check_responsible_user(self.env["res.users"].browse(user_id))
        if not first_contact_at:
            raise UserError(self.env._("Give the date and time of the first contact."))
        first_contact = to_datetime(self.env, first_contact_at, self.env._("The first contact"))
        if priority is not None and priority is not False:
            if isinstance(priority, bool) or not isinstance(priority, int | str):
                raise UserError(self.env._("Unknown priority %(value)s.", value=repr(priority)))
            priority = str(priority)
            if priority not in dict(crm_stage.AVAILABLE_PRIORITIES):
                raise UserError(self.env._("Unknown priority %(value)s.", value=priority))
        return user, first_contact, priority or None

    def _check_can_activate(self):
        """Hook: refuse leads that cannot be activated (already active, lost, won)."""
        for lead in self:
            if lead.activation_state == "active":
                raise UserError(
                    self.env._("Lead %(lead)s is already active.", lead=lead.display_name)
                )
            if not lead.active:
                raise UserError(
                    self.env._(
                        "Lead %(lead)s is lost: restore it before activating it.",
                        lead=lead.display_name,
                    )
                )
            if lead.stage_id.is_won:
                raise UserError(self.env._("Lead %(lead)s is already won.", lead=lead.display_name))

    def _prepare_activation_values(self, user, priority):
        """Hook: the values written on the leads (guarded fields allowed)."""
        vals = {"user_id": user.id, "activation_state": "active"}
        if priority:
            vals["priority"] = priority
        return vals

    def _prepare_first_responsibility_values(self, rtype, user, first_contact):
        """Hook: the values of this lead's first responsibility."""
        self.ensure_one()
        return {
            "lead_id": self.id,
            "type_id": rtype.id,
            "user_id": user.id,
            "deadline": first_contact,
        }

    def _post_activation(self, responsibilities):
        """Hook: after the leads are active and their first steps open, with
        their calendar events (chatter note)."""
        # logged as Odoo logs what its own flows do (the user may write the
        # leads, checked by activate): a user without an e-mail address
        # activates too, and the notes of all the leads are created at once
        responsibilities.lead_id._message_log_batch(
            {
                resp.lead_id.id: self.env._(
                    "Lead activated by %(by)s: responsible %(user)s, first contact on %(date)s.",
                    by=self.env.user.name,
                    user=resp.user_id.name,
                    date=tools.format_datetime(self.env, resp.deadline),
                )
                for resp in responsibilities
            }
        )

    def _activation_first_type(self, responsibility_type_id):
        """The chain starts with its first step; only a sales manager may start it
        elsewhere (a lead taken over at a later step)."""
        Type = self.env["crm.responsibility.type"]
        first = Type._get_first_type()
        type_id = to_id(self.env, responsibility_type_id, self.env._("The first responsibility"))
        rtype = Type.browse(type_id).exists() if type_id else first
        if not rtype or not rtype.active:
            if not type_id and not first:
                raise UserError(self._activation_no_first_step_message())
            raise UserError(self.env._("Choose an existing responsibility type."))
        if rtype != first and not self.env.user.has_group("sales_team.group_sale_manager"):
            if not first:
                raise UserError(self._activation_no_first_step_message())
            raise AccessError(
                self.env._(
                    "Only a sales manager can start the chain at %(type)s: it starts at "
                    "%(first)s.",
                    type=rtype.name,
                    first=first.name,
                )
            )
        return rtype

    def _activation_no_first_step_message(self):
        """The chain has no active Contact prospect step (only the superuser can
        archive or delete it): say so rather than naming an empty step."""
        kind = dict(
            self.env["crm.responsibility.type"]._fields["kind"]._description_selection(self.env)
        )["contact_prospect"]
        return self.env._(
            "The chain has no first step (%(kind)s) to start at: its responsibility type "
            "is archived or deleted. Ask a sales manager to restore it.",
            kind=kind,
        )

    def action_send_offer(self, order_id=None):
        """Send the lead's quotation to the client from the CRM: Odoo's mail
        composer with the quotation's own template and PDF, as its Send by
        e-mail button opens it; sending marks it sent, which the Offer &
        negotiation gate counts. ``order_id``: one of the lead's quotations
        (default: the latest one in draft or sent). Returns the composer's
        action; refused while the quotation waits for approval."""
        check_one(self)
        self.check_access("read")
        quotations = self.order_ids.filtered(lambda o: o.state in ("draft", "sent"))
        if order_id not in (None, False):
            order_id = to_id(self.env, order_id, self.env._("The quotation"), required=True)
            order = quotations.filtered(lambda o: o.id == order_id)
            if not order:
                raise UserError(
                    self.env._(
                        "The quotation to send must be a quotation (draft or sent) of lead "
                        "%(lead)s.",
                        lead=self.name,
                    )
                )
        else:
            order = quotations.sorted(lambda o: (o.date_order, o.id), reverse=True)[:1]
            if not order:
                raise UserError(
                    self.env._(
                        "Lead %(lead)s has no quotation to send: create one first (New "
                        "Quotation).",
                        lead=self.name,
                    )
                )
        return order.action_quotation_send()

    def action_open_complete_wizard(self):
        """Open the Complete wizard on the lead's open responsibility."""
        check_one(self)
        if not self.open_responsibility_id:
            raise UserError(self.env._("This lead has no open responsibility."))
        return self.open_responsibility_id.action_open_complete_wizard()

    def action_open_activate_wizard(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_pipeline.crm_lead_activate_wizard_action"
        )
        action["context"] = {"active_model": "crm.lead", "active_ids": self.ids}
        return action

    # ------------------------------------------------------------------
    # Contracting
    # ------------------------------------------------------------------

    def get_contracting_warnings(self):
        """What is missing on the customer before a contract: a list of strings."""
        check_one(self)
        customer = self.partner_id.commercial_partner_id
        if not customer:
            return [self.env._("The lead has no customer.")]
        warnings = []
        if not customer.vat:
            warnings.append(self.env._("Tax ID (VAT) is missing."))
        if not (customer.street and customer.city and customer.country_id):
            warnings.append(self.env._("Address is incomplete (street, city, country)."))
        if not customer.property_payment_term_id:
            warnings.append(self.env._("Payment term is missing."))
        if not customer.email:
            warnings.append(self.env._("E-mail is missing."))
        # sudo: only whether a bank account exists; no account data reaches the user.
        if not customer.sudo().bank_ids:
            warnings.append(self.env._("Bank account is missing."))
        return warnings

    # ------------------------------------------------------------------
    # Timeline
    # ------------------------------------------------------------------

    @staticmethod
    def _timeline_datetime(value):
        if isinstance(value, datetime):
            return value
        return datetime.combine(value, time.min)

    def _timeline_entries(self):
        """The lead's history as a list of dicts sorted by date.

        Keys: date (naive UTC datetime), kind, title, body (text or Markup), user
        (res.users record, may be empty); optional ``date_only`` (shown as the
        day, in the reader's time zone). Extension hook: ``_timeline_collect``
        (add a ``_timeline_<source>_entries`` method and extend the list).
        """
        self.ensure_one()
        entries = self._timeline_collect()
        entries.sort(key=lambda e: e["date"])
        return entries

    def _timeline_collect(self):
        """Hook: the unsorted entries of every source."""
        return (
            self._timeline_message_entries()
            + self._timeline_responsibility_entries()
            + self._timeline_activity_entries()
            + self._timeline_estimate_entries()
        )

    def _timeline_message_entries(self):
        """Tracked changes and done activities, from the chatter."""
        entries = []
        messages = self.env["mail.message"].search(
            [("model", "=", self._name), ("res_id", "=", self.id)], order="date, id"
        )
        for message in messages:
            author = message.author_id.user_ids[:1]
            for tracking in message.sudo().tracking_value_ids._filter_has_field_access(self.env):
                ftype = tracking.field_id.ttype
                old = tracking._format_display_value(ftype, new=False)[0]
                new = tracking._format_display_value(ftype, new=True)[0]
                entries.append(
                    {
                        "date": message.date,
                        "kind": "tracking",
                        "title": tracking.field_id.field_description,
                        "body": f"{old or ''} → {new or ''}",
                        "user": author,
                    }
                )
            if message.mail_activity_type_id:
                entries.append(
                    {
                        "date": message.date,
                        "kind": "activity_done",
                        "title": self.env._(
                            "Activity done: %(type)s", type=message.mail_activity_type_id.name
                        ),
                        "body": message.body,
                        "user": author,
                    }
                )
        return entries

    def _timeline_responsibility_entries(self):
        """Steps of the chain opened and closed."""
        entries = []
        state = dict(
            self.env["crm.lead.responsibility"]._fields["state"]._description_selection(self.env)
        )
        for resp in self.responsibility_ids:
            entries.append(
                {
                    "date": resp.create_date,
                    "kind": "responsibility_opened",
                    "title": self.env._("Responsibility opened: %(type)s", type=resp.type_id.name),
                    "body": self.env._(
                        "Responsible %(user)s, deadline %(deadline)s",
                        user=resp.user_id.name,
                        deadline=tools.format_datetime(self.env, resp.deadline),
                    ),
                    "user": resp.create_uid,
                }
            )
            if resp.date_closed:
                entries.append(
                    {
                        "date": resp.date_closed,
                        "kind": "responsibility_closed",
                        "title": self.env._(
                            "Responsibility %(state)s: %(type)s",
                            state=state[resp.state].lower(),
                            type=resp.type_id.name,
                        ),
                        "body": resp.summary or "",
                        "user": resp.write_uid,
                    }
                )
        return entries

    def _timeline_activity_entries(self):
        """Activities still planned."""
        return [
            {
                "date": self._timeline_datetime(activity.date_deadline),
                "kind": "activity",
                "title": self.env._(
                    "Activity planned: %(summary)s",
                    summary=activity.summary or activity.activity_type_id.name,
                ),
                "body": activity.note or "",
                "user": activity.user_id,
            }
            for activity in self.activity_ids
        ]

    def _timeline_estimate_entries(self):
        """The estimated completion of the chain: a day, not a time."""
        if not self.estimated_completion_date:
            return []
        return [
            {
                "date": self.estimated_completion_date,
                "date_only": True,
                "kind": "estimate",
                "title": self.env._("Estimated completion"),
                "body": "",
                "user": self.env["res.users"],
            }
        ]

    @api.depends_context("uid", "tz", "lang")
    def _compute_timeline_html(self):
        for lead in self:
            if not lead.id:
                lead.timeline_html = False
                continue
            entries = [
                dict(
                    entry,
                    # the day in the reader's time zone
                    date_display=tools.format_date(self.env, entry["date"])
                    if entry.get("date_only")
                    else tools.format_datetime(self.env, entry["date"]),
                )
                for entry in lead._timeline_entries()
            ]
            # a backend field: the minimal context, as mail renders its
            # templates (no website frontend, whatever request is under way)
            lead.timeline_html = self.env["ir.qweb"]._render(
                "crm_pipeline.lead_timeline", {"entries": entries}, minimal_qcontext=True
            )
