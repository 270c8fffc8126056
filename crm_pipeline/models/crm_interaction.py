import math
from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

INTERACTION_TYPES = [
    ("call", "Call"),
    ("meeting", "Meeting"),
    ("visit", "Visit"),
    ("email", "E-mail"),
    ("video_call", "Video Call"),
    ("other", "Other"),
]


MAX_DURATION_HOURS = 1000


def check_lead_readable(records, lead_id):
    """A task or an interaction filed on a lead takes the lead's client and
    company as superuser (stored computes): check first that the user may read
    the lead, so that nobody learns another salesperson's lead through them."""
    if lead_id and isinstance(lead_id, int) and not isinstance(lead_id, bool):
        records.env["crm.lead"].browse(lead_id).check_access("read")


class CrmInteraction(models.Model):
    """One contact with a client: who talked to whom, when, how long, how, what about."""

    _name = "crm.interaction"
    _description = "Client Interaction"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Subject")
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The commercial entity (company, or individual without company). "
        "Given a contact person, the interaction is filed on that person's company "
        "and the person is kept as the contact.",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact Person",
        index="btree_not_null",
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="The person you talked to at the client.",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Lead/Opportunity",
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    date = fields.Datetime(
        string="Date and Time", required=True, index=True, default=fields.Datetime.now
    )
    duration = fields.Float(help="Duration of the contact, in hours.")
    interaction_type = fields.Selection(
        INTERACTION_TYPES, string="Type", required=True, default="call", tracking=True
    )
    notes = fields.Html()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    in_current_month = fields.Boolean(
        string="This Month",
        compute="_compute_in_current_month",
        search="_search_in_current_month",
        help="The interaction took place in the current month (in your time zone).",
    )

    @api.depends("lead_id")
    def _compute_partner_id(self):
        for interaction in self:
            partner = interaction.lead_id.partner_id.commercial_partner_id
            interaction.partner_id = partner or interaction.partner_id

    @api.depends("lead_id")
    def _compute_company_id(self):
        for interaction in self:
            interaction.company_id = (
                interaction.lead_id.company_id or interaction.company_id or self.env.company
            )

    @api.depends("name", "interaction_type", "partner_id")
    def _compute_display_name(self):
        labels = dict(self._fields["interaction_type"]._description_selection(self.env))
        for interaction in self:
            interaction.display_name = interaction.name or self.env._(
                "%(type)s with %(client)s",
                type=labels.get(interaction.interaction_type, ""),
                client=interaction.partner_id.name or "",
            )

    @api.model
    def _current_month_bounds(self):
        """Start and end of the user's current month, as naive UTC datetimes."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
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

    @api.constrains("user_id")
    def _check_user_internal(self):
        for interaction in self:
            if interaction.user_id.share:
                raise ValidationError(
                    self.env._(
                        "Interactions are logged by internal users, not by %(user)s.",
                        user=interaction.user_id.name,
                    )
                )

    @api.constrains("partner_id", "contact_id")
    def _check_contact_belongs_to_client(self):
        for interaction in self:
            contact = interaction.contact_id
            if contact and contact.commercial_partner_id != interaction.partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(client)s.",
                        contact=contact.display_name,
                        client=interaction.partner_id.display_name,
                    )
                )

    def _raise_client_required(self):
        raise ValidationError(
            self.env._("An interaction needs a client, or a lead that has a customer.")
        )

    @api.model
    def _normalize_client(self, vals):
        """File the interaction on the commercial partner of the given client;
        a contact person given as client becomes the contact."""
        if "partner_id" in vals and not vals["partner_id"]:
            self._raise_client_required()
        if not vals.get("partner_id"):
            return vals
        partner = self.env["res.partner"].browse(vals["partner_id"])
        commercial = partner.commercial_partner_id
        if commercial != partner:
            vals = dict(vals, partner_id=commercial.id)
            vals.setdefault("contact_id", partner.id)
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        context = self.env.context
        Lead = self.env["crm.lead"]
        prepared = []
        for vals in vals_list:
            self._check_duration_value(vals)
            check_lead_readable(self, vals.get("lead_id") or context.get("default_lead_id"))
            if "partner_id" not in vals and context.get("default_partner_id"):
                vals = dict(vals, partner_id=context["default_partner_id"])
            vals = self._normalize_client(vals)
            if not vals.get("partner_id"):
                lead_id = vals.get("lead_id") or context.get("default_lead_id")
                if not lead_id or not Lead.browse(lead_id).partner_id:
                    self._raise_client_required()
            prepared.append(vals)
        return super().create(prepared)

    def write(self, vals):
        self._check_duration_value(vals)
        check_lead_readable(self, vals.get("lead_id"))
        return super().write(self._normalize_client(vals))

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
