from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.crm_suite_base.models.policy import check_date, model_label

from ..models.input_checks import to_id


class CrmResponsibilityReport(models.Model):
    """One row per responsibility, for the funnel and the activities board:
    which step, whose, how long it was (or has been) open, and whether the lead
    moved on from it."""

    _name = "crm.responsibility.report"
    _description = "Responsibilities Analysis"
    _auto = False
    _order = "date_open desc"
    _rec_name = "lead_id"

    responsibility_id = fields.Many2one("crm.lead.responsibility", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Leads", readonly=True)
    type_id = fields.Many2one("crm.responsibility.type", string="Step", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    salesperson_id = fields.Many2one("res.users", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    state = fields.Selection(
        [
            ("assigned", "Assigned"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
        ],
        readonly=True,
    )
    date_open = fields.Datetime(string="Opened On", readonly=True)
    date_closed = fields.Datetime(string="Closed On", readonly=True)
    deadline = fields.Datetime(readonly=True)
    is_open = fields.Boolean(string="Open", readonly=True)
    is_overdue = fields.Boolean(
        readonly=True,
        help="Open, and its deadline's day is before today, both in the responsible's "
        "time zone (UTC when they have none): as their to-do activity shows it.",
    )
    moved_on = fields.Integer(
        readonly=True,
        help="1 when the responsibility was completed and the lead moved to the next step "
        "(it has a responsibility of the next step), or it is the last step; a lead won "
        "at an earlier step did not move on. A lead counts once per step, even when it "
        "has several completed responsibilities of that step (merged leads).",
    )
    days_open = fields.Float(
        readonly=True,
        aggregator="avg",
        help="Days from opening to closing, or to now while it is open.",
    )

    _depends = {
        "crm.lead.responsibility": [
            "lead_id",
            "type_id",
            "user_id",
            "state",
            "date_closed",
            "deadline",
            "create_date",
        ],
        "crm.lead": ["user_id", "team_id", "company_id"],
        "crm.responsibility.type": ["next_type_id"],
        "res.users": ["partner_id"],
        "res.partner": ["tz"],
    }

    @property
    def _table_query(self):
        # is_overdue: the responsibilities' own definition (their Overdue
        # filter), the responsible's time zone joined once (a lookup per row
        # took a second on 300,000 responsibilities)
        overdue = self.env["crm.lead.responsibility"]._overdue_sql(
            "r", tz=SQL("COALESCE(NULLIF(tz_partner.tz, ''), 'UTC')")
        )
        return SQL(
            """
            SELECT r.id AS id,
                   r.id AS responsibility_id,
                   r.lead_id,
                   r.type_id,
                   r.user_id,
                   l.user_id AS salesperson_id,
                   l.team_id,
                   l.company_id,
                   r.state,
                   r.create_date AS date_open,
                   r.date_closed,
                   r.deadline,
                   r.state IN ('assigned', 'in_progress') AS is_open,
                   %(overdue)s AS is_overdue,
                   CASE WHEN r.state = 'done' AND NOT EXISTS (
                            SELECT 1
                              FROM crm_lead_responsibility d
                             WHERE d.lead_id = r.lead_id
                               AND d.type_id = r.type_id
                               AND d.state = 'done'
                               AND d.id < r.id
                        ) AND (t.next_type_id IS NULL OR EXISTS (
                            SELECT 1
                              FROM crm_lead_responsibility n
                             WHERE n.lead_id = r.lead_id
                               AND n.type_id = t.next_type_id
                        )) THEN 1 ELSE 0 END AS moved_on,
                   EXTRACT(EPOCH FROM (
                       COALESCE(r.date_closed, now() AT TIME ZONE 'UTC') - r.create_date
                   )) / 86400.0 AS days_open
              FROM crm_lead_responsibility r
              JOIN crm_lead l ON l.id = r.lead_id
              JOIN crm_responsibility_type t ON t.id = r.type_id
         LEFT JOIN res_users tz_user ON tz_user.id = r.user_id
         LEFT JOIN res_partner tz_partner ON tz_partner.id = tz_user.partner_id
            """,
            overdue=overdue,
        )

    @api.model
    def get_funnel(self, date_from=None, date_to=None, team_id=None, user_id=None):
        """How many leads reached each step of the chain, how many moved on, the
        conversion to the next step and the average days spent in each.

        Filters: responsibilities opened between ``date_from`` and ``date_to``
        (dates, inclusive), of a sales team or a salesperson. Record rules apply:
        salespeople count their own leads, managers all. Returns one dict per
        step, in chain order: ``type_id``, ``name``, ``reached``, ``moved_on``,
        ``conversion`` (percentage of the leads reaching this step that moved on
        to the next one: ``moved_on`` / ``reached``; False on the last step) and
        ``avg_days``.
        """
        domain = self._funnel_domain(date_from, date_to, team_id, user_id)
        # leads, not responsibilities, on both sides: a merged lead carries the
        # steps of the leads merged into it, and counts once per step
        moved_leads = dict(
            self._read_group(
                domain + [("moved_on", "=", 1)], ["type_id"], ["lead_id:count_distinct"]
            )
        )
        groups = {
            step: (leads, moved_leads.get(step, 0), days)
            for step, leads, days in self._read_group(
                domain, ["type_id"], ["lead_id:count_distinct", "days_open:avg"]
            )
        }
        steps = self.env["crm.responsibility.type"].search([])
        result = []
        for step in steps:
            leads, moved, days = groups.get(step, (0, 0, 0.0))
            result.append(
                {
                    "type_id": step.id,
                    "name": step.name,
                    "reached": leads,
                    "moved_on": moved,
                    "avg_days": round(days or 0.0, 2),
                }
            )
        # of the leads reaching this step, those that moved on to the next: not
        # the next step's own count, which also holds leads activated there
        # (activation may start at any step) or that reached this step before
        # the period
        for step, row in zip(steps, result, strict=True):
            if not step.next_type_id:
                row["conversion"] = False
            else:
                row["conversion"] = (
                    round(100.0 * row["moved_on"] / row["reached"], 2) if row["reached"] else 0.0
                )
        return result

    def _funnel_domain(self, date_from, date_to, team_id, user_id):
        """``get_funnel``'s arguments checked (``UserError`` naming the
        parameter, before anything is read) and turned into a domain: dates
        between 1900 and 2200, a period that does not end before it starts, a
        sales team and a salesperson that exist."""
        start = check_date(self.env, date_from, "date_from") if date_from else None
        end = check_date(self.env, date_to, "date_to") if date_to else None
        if start and end and end < start:
            raise UserError(
                self.env._(
                    "The funnel's period ends before it starts (date_from %(start)s, "
                    "date_to %(end)s).",
                    start=start.isoformat(),
                    end=end.isoformat(),
                )
            )
        domain = []
        if start:
            domain.append(("date_open", ">=", datetime.combine(start, time.min)))
        if end:
            domain.append(("date_open", "<=", datetime.combine(end, time(23, 59, 59))))
        for param, value, fname, model in (
            ("team_id", team_id, "team_id", "crm.team"),
            ("user_id", user_id, "salesperson_id", "res.users"),
        ):
            record_id = to_id(self.env, value, param)
            if not record_id:
                continue
            # exists(): whether the id is known, whatever the user may read of
            # it (record rules count the leads below); archived users and teams
            # keep their funnel
            if not self.env[model].browse(record_id).exists():
                raise UserError(
                    self.env._(
                        "Unknown %(param)s %(id)s: there is no such %(model)s.",
                        param=param,
                        model=model_label(self.env, model),
                        id=record_id,
                    )
                )
            domain.append((fname, "=", record_id))
        return domain
