import math
from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.crm_suite_base.models.policy import FREE, writable

from .crm_client_record_mixin import _is_id

INTERACTION_TYPES = [
    ("call", "Call"),
    ("meeting", "Meeting"),
    ("visit", "Visit"),
    ("email", "E-mail"),
    ("video_call", "Video Call"),
    ("other", "Other"),
]


MAX_DURATION_HOURS = 1000


class CrmInteraction(models.Model):
    """One contact with a client: who talked to whom, when, how long, how, what about."""

    _name = "crm.interaction"
    _description = "Client Interaction"
    _inherit = ["crm.client.record.mixin", "mail.thread", "crm.write.policy.mixin"]
    _order = "date desc, id desc"
    _crm_write_policy = {
        "name": FREE,
        "responsibility_id": FREE,
        "date": FREE,
        "duration": writable(bounds=(0, MAX_DURATION_HOURS)),
        "interaction_type": FREE,
        "notes": FREE,
    }

    name = fields.Char(string="Subject")
    # client, contact person, lead, user and company: crm.client.record.mixin;
    # a client or a lead (a prospect's lead has no customer yet: its contacts
    # are logged on the lead, and filed on the customer it gets)
    user_id = fields.Many2one(string="Salesperson")
    responsibility_id = fields.Many2one(
        "crm.lead.responsibility",
        index="btree_not_null",
        ondelete="set null",
        domain="[('lead_id', '=', lead_id)]",
        help="The step of the lead's chain this contact was made for.",
    )
    date = fields.Datetime(
        string="Date and Time", required=True, index=True, default=fields.Datetime.now
    )
    duration = fields.Float(help="Duration of the contact, in hours.")
    interaction_type = fields.Selection(
        INTERACTION_TYPES, string="Type", required=True, default="call", tracking=True
    )
    notes = fields.Html()
    in_current_month = fields.Boolean(
        string="This Month",
        compute="_compute_in_current_month",
        search="_search_in_current_month",
        help="The interaction took place in the current month (in your time zone).",
    )

    @api.depends("name", "interaction_type", "partner_id", "lead_id")
    def _compute_display_name(self):
        labels = dict(self._fields["interaction_type"]._description_selection(self.env))
        for interaction in self:
            label = labels.get(interaction.interaction_type, "")
            if interaction.name:
                interaction.display_name = interaction.name
            elif interaction.partner_id or not interaction.lead_id:
                interaction.display_name = self.env._(
                    "%(type)s with %(client)s",
                    type=label,
                    client=interaction.partner_id.name or "",
                )
            else:
                # on a lead without customer: named after the lead. sudo: its
                # display name, which reading the interaction's lead_id shows
                # anyway (Odoo reads a many2one's name as superuser)
                interaction.display_name = self.env._(
                    "%(type)s: %(subject)s",
                    type=label,
                    subject=interaction.lead_id.sudo().display_name,
                )

    @api.model
    def _current_month_bounds(self):
        """Start and end of the user's current month, as naive UTC datetimes."""
        tz = pytz.utc
        for name in (self.env.context.get("tz"), self.env.user.tz):
            # a time zone that does not exist (sent in a context) is skipped
            if isinstance(name, str) and name in pytz.all_timezones_set:
                tz = pytz.timezone(name)
                break
        today = datetime.now(tz).date()
        start = today + relativedelta(day=1)
        end = start + relativedelta(months=1)

        def to_utc(day):
            local = tz.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return to_utc(start), to_utc(end)

    @api.depends("date")
    @api.depends_context("tz", "uid")
    def _compute_in_current_month(self):
        start, end = self._current_month_bounds()
        for interaction in self:
            interaction.in_current_month = bool(
                interaction.date and start <= interaction.date < end
            )

    def _search_in_current_month(self, operator, value):
        if operator not in ("=", "!=") or value not in (True, False):  # 0 and 1 compare equal
            raise ValidationError(
                self.env._(
                    "Search 'This Month' with = or != and True or False, not %(op)s %(value)s.",
                    op=operator,
                    value=value,
                )
            )
        value = bool(value)
        start, end = self._current_month_bounds()
        inside = [("date", ">=", start), ("date", "<", end)]
        if (operator == "=") == value:
            return inside
        return ["|", ("date", "<", start), ("date", ">=", end)]

    @api.constrains("duration")
    def _check_duration(self):
        for interaction in self:
            if interaction.duration < 0:
                raise ValidationError(
                    self.env._(
                        "The duration of an interaction cannot be negative (%(name)s).",
                        name=interaction.display_name,
                    )
                )

    @api.constrains("responsibility_id", "lead_id")
    def _check_responsibility_on_lead(self):
        for interaction in self.filtered("responsibility_id"):
            if interaction.responsibility_id.lead_id != interaction.lead_id:
                raise ValidationError(
                    self.env._(
                        "The interaction %(name)s is logged for a step of another lead.",
                        name=interaction.display_name,
                    )
                )

    @api.constrains("partner_id", "lead_id")
    def _check_client_or_lead(self):
        """A client, or a lead (a prospect's, without customer yet), as for
        tasks: an interaction on neither is nobody's history."""
        if self.filtered(lambda interaction: not (interaction.partner_id or interaction.lead_id)):
            self._raise_client_required()

    def _raise_client_required(self):
        raise ValidationError(self.env._("An interaction needs a client or a lead."))

    def _prepare_client_vals(self, vals, create=False):
        self._check_duration_value(vals)
        # a step that is no record id is the write policy's to refuse cleanly
        if create and _is_id(vals.get("responsibility_id")) and not vals.get("lead_id"):
            # logged on a step: filed on the step's lead (read as the user, so
            # that a step of someone else's lead is refused)
            responsibility = self.env["crm.lead.responsibility"].browse(vals["responsibility_id"])
            vals = dict(vals, lead_id=responsibility.lead_id.id)
        vals = super()._prepare_client_vals(vals, create=create)
        # refused before anything is written (the constraint is the safety net)
        if create:
            if not (
                vals.get("partner_id")
                or vals.get("lead_id")
                or self.env.context.get("default_lead_id")
            ):
                self._raise_client_required()
        elif "partner_id" in vals or "lead_id" in vals:
            for interaction in self:
                partner = vals.get("partner_id", interaction.partner_id)
                lead = vals.get("lead_id", interaction.lead_id)
                if not (partner or lead):
                    self._raise_client_required()
        return vals

    def _check_duration_value(self, vals):
        """A duration sent by a caller: finite hours in [0, 1000], checked before
        anything is stored (NaN and 1e308 would fail later with a traceback)."""
        value = vals.get("duration")
        if value is None or value is False:
            return
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (math.isfinite(value) and 0 <= value <= MAX_DURATION_HOURS)
        ):
            raise ValidationError(
                self.env._(
                    "The duration of an interaction is a number of hours between 0 and "
                    "%(max)s, not %(value)s.",
                    max=MAX_DURATION_HOURS,
                    value=repr(value),
                )
            )
