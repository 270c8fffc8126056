import logging
from contextlib import contextmanager
from datetime import timedelta

import psycopg2.errors
import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import LazyTranslate, format_date

from odoo.addons.crm_suite_base.models.policy import (
    DATE_MAX,
    DATE_MIN,
    FREE,
    check_one,
    is_privileged,
    owned,
    privileged,
    writable,
)
from odoo.addons.crm_suite_base.models.row_locks import lock_and_touch

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

# another worker (a user, another daily run) changed or is changing the same
# contract or row since the daily run's transaction started
CHANGED_ELSEWHERE = (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable)

STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("expired", "Expired"),
    ("terminated", "Terminated"),
]
#: alert windows a business uses (days); a larger one breaks the daily cron's date
#: arithmetic for every company
ALERT_DAYS_MAX = 3650
#: the terms finance may still amend on an active contract (the schedule follows);
#: the contract's users write them, and the others, in draft only
AMENDABLE_TERMS = (
    "date_start",
    "date_end",
    "payment_term_id",
    "renewal",
    "renewal_term",
    "renewal_term_unit",
    "renewal_term_given",
)
#: the alerts cron's reminder that a contract ends
END_ACTIVITY = "crm_finance_cashflow.mail_activity_type_contract_end"
#: a salesperson's request that a draft contract be activated (Request Activation)
ACTIVATION_ACTIVITY = "crm_finance_cashflow.mail_activity_type_contract_activation"
#: its reminder that a supplier invoice is expected (one per schedule row)
SUPPLIER_INVOICE_ACTIVITY = "crm_finance_cashflow.mail_activity_type_supplier_invoice"
#: the daily renewal's terms at once for one contract: a guard (a contract of
#: one-day terms that ended years ago catches up over several days)
MAX_RENEWAL_TERMS = 1000
#: the longest renewal term a user gives (in days, or months): the span of the
#: dates a business uses
RENEWAL_TERM_MAX = (DATE_MAX - DATE_MIN).days + 1
_DRAFT_TERM = writable(states=("draft",))
_AMENDABLE_TERM = writable(states=("draft", "active"))


def whole_months(start, after):
    """The months from ``start`` to ``after`` when ``start`` plus that many
    months is ``after`` (2026-01-31 to 2026-02-28: 1), else None."""
    delta = relativedelta(after, start)
    months = delta.years * 12 + delta.months
    # a month ends earlier than the start's day (2026-01-31 + 1 month is
    # 2026-02-28): the difference then counts one month less
    for count in (months, months + 1):
        if count and start + relativedelta(months=count) == after:
            return count
    return None


def term_between(start, end):
    """The term from ``start`` to ``end`` (both included): ``(months, "month")``
    when it is whole months (2026-12-01..2027-05-31: 6 months), else
    ``(days, "day")``."""
    after = end + timedelta(days=1)
    months = whole_months(start, after)
    if months:
        return months, "month"
    return (after - start).days, "day"


def blank_dates_to_false(records, vals):
    """An empty string for a date means no date (Odoo would send it to
    PostgreSQL as is, and fail there with a traceback)."""
    if isinstance(vals, dict):
        for name, value in vals.items():
            field = records._fields.get(name)
            if value == "" and field is not None and field.type in ("date", "datetime"):
                vals[name] = False
    return vals


def refused_by_company_check(record, fnames=None):
    """True when Odoo's company check (``_check_company``) refuses ``record``
    (one record, a new one too: a line as the form moves its contract), its
    "Incompatible companies" caught, not raised: what the form warns of is
    what the save refuses."""
    record.ensure_one()
    try:
        record._check_company(fnames)
    except UserError:
        return True
    return False


def take_context_defaults(records, vals_list):
    """Odoo applies the context's defaults (``default_state``, ``default_lead_id``)
    after the policy checked the values given: ``records`` is returned without
    the defaults of the fields the policy owns (they start from their own
    defaults), and the defaults of the other stored fields it governs are moved
    into ``vals_list``, so that they are checked as given values. x2many
    defaults stay (their records check themselves)."""
    context = records.env.context
    owned_keys, taken = [], []
    for key in context:
        if not (isinstance(key, str) and key.startswith("default_")):
            continue
        field = records._fields.get(key[8:])
        rule = field and records._crm_policy_rule(field.name)
        if rule is None or field.type in ("one2many", "many2many"):
            continue
        if rule.owner == "method":
            owned_keys.append(key)
        elif field.store:
            taken.append(field.name)
    for vals in vals_list:
        if isinstance(vals, dict):
            for name in taken:
                vals.setdefault(name, context[f"default_{name}"])
    if not owned_keys:
        return records
    # a context without those keys (with_context() only adds or changes keys)
    return records.with_env(
        records.env(context={k: v for k, v in context.items() if k not in owned_keys})
    )


class CrmContract(models.Model):
    """A customer or supplier contract: the base of schedules, alerts,
    invoices and the cash-flow forecast."""

    _name = "crm.contract"
    _description = "Contract"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.write.policy.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    # the terms are the contract's users' in draft; once active, only finance amends
    # the few of AMENDABLE_TERMS (see _crm_check_policy), everything else moves
    # through the methods
    _crm_write_policy = {
        "name": owned(_lt("the number is given at creation from the contracts' sequence.")),
        "title": FREE,
        "contract_type": _DRAFT_TERM,
        "partner_id": _DRAFT_TERM,
        "user_id": FREE,
        "company_id": _DRAFT_TERM,
        "currency_id": _DRAFT_TERM,
        "date_start": _AMENDABLE_TERM,
        "date_end": _AMENDABLE_TERM,
        "payment_term_id": _AMENDABLE_TERM,
        "renewal": _AMENDABLE_TERM,
        "renewal_term": writable(states=("draft", "active"), bounds=(0, RENEWAL_TERM_MAX)),
        "renewal_term_unit": _AMENDABLE_TERM,
        # set with the term (written, or the form's onchange): the term follows the
        # dates while it is not given
        "renewal_term_given": _AMENDABLE_TERM,
        "renewed": owned(
            _lt(
                "set by the first renewal (Renew or the automatic renewal): from then on "
                "the renewal term no longer follows the dates."
            )
        ),
        "amount": owned(_lt("the total of the schedule: change the contract's lines.")),
        "state": owned(_lt("use Activate, Renew or Terminate."), create=("draft",)),
        "notes": FREE,
        "signed_document": FREE,
        "signed_document_name": FREE,
        # the lines check themselves (their terms, the contract's state)
        "line_ids": FREE,
        "schedule_ids": owned(_lt("the schedule is built from the contract's lines.")),
        "alert_days_end": writable(bounds=(0, ALERT_DAYS_MAX)),
        "alert_days_invoice": writable(bounds=(0, ALERT_DAYS_MAX)),
        "end_alert_sent": owned(
            _lt("kept by the alerts cron; a renewal, or another end date, clears it.")
        ),
    }

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: self.env._("New"),
    )
    title = fields.Char(tracking=True)
    contract_type = fields.Selection(
        [("customer", "Customer"), ("supplier", "Supplier")],
        required=True,
        default="customer",
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, tracking=True, check_company=True
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        tracking=True,
        default=lambda self: self.env.company.currency_id,
    )
    date_start = fields.Date(
        string="Start Date", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="End Date", tracking=True)
    payment_term_id = fields.Many2one("account.payment.term", check_company=True, tracking=True)
    renewal = fields.Selection(
        [
            ("none", "No Renewal"),
            ("manual", "Manual"),
            ("automatic", "Automatic (renewal term)"),
        ],
        default="none",
        required=True,
        tracking=True,
    )
    renewal_term = fields.Integer(
        compute="_compute_renewal_term",
        store=True,
        readonly=False,
        copy=True,
        tracking=True,
        help="Each renewal extends the contract by this term from the day after its end. "
        "It follows the first term (start to end) until the contract is first renewed, "
        "or until another term is given for renewals of another length (a year after a "
        "shorter first term).",
    )
    renewal_term_unit = fields.Selection(
        [("month", "Months"), ("day", "Days")],
        compute="_compute_renewal_term",
        store=True,
        readonly=False,
        copy=True,
        tracking=True,
    )
    renewal_term_given = fields.Boolean(
        help="The renewal term was given, other than the first term (start to end): it no "
        "longer follows the dates. Set when the term is written, cleared when it is the "
        "first term again.",
    )
    renewed = fields.Boolean(
        readonly=True,
        copy=False,
        help="Renewed at least once: the renewal term no longer follows the dates.",
    )
    amount = fields.Monetary(
        string="Contract Value",
        compute="_compute_amount",
        store=True,
        help="Taxes included. A draft's value is provisional: what its lines will be "
        "scheduled for once it is activated. From activation on, the total of its "
        "schedule (cancelled rows left out). A line without an end (of its own or of "
        "the contract) counts only its rolling horizon: 36 months ahead of today (or of "
        "its first date, when later), topped up day by day, so that an open-ended "
        "contract's value grows as it runs.",
    )
    state = fields.Selection(STATES, default="draft", required=True, tracking=True, copy=False)
    notes = fields.Html()
    signed_document = fields.Binary(attachment=True, copy=False)
    signed_document_name = fields.Char(copy=False)
    line_ids = fields.One2many("crm.contract.line", "contract_id", copy=True)
    schedule_ids = fields.One2many("crm.contract.schedule", "contract_id", copy=False)
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    alert_days_end = fields.Integer(
        string="Alert Before End (days)",
        default=30,
        help="The responsible gets an activity this many days before the contract ends.",
    )
    alert_days_invoice = fields.Integer(
        string="Alert Before Supplier Invoices (days)",
        default=7,
        help="Supplier contracts: an activity this many days before each expected invoice.",
    )
    end_alert_sent = fields.Boolean(readonly=True, copy=False)

    _sql_constraints = [
        (
            "alert_days_positive",
            "CHECK(alert_days_end >= 0 AND alert_days_invoice >= 0)",
            "Alert days cannot be negative.",
        ),
    ]

    @api.depends(
        "state",
        "date_end",
        "schedule_ids.amount_total",
        "schedule_ids.state",
        "line_ids.price_total",
        "line_ids.recurrence",
        "line_ids.date_start",
        "line_ids.date_end",
    )
    def _compute_amount(self):
        """The schedule's total; a draft, which has no schedule yet, the total
        its lines will be scheduled for by Activate (the same dates, each at
        the line's total): an open-ended line over its rolling horizon from
        today, as Activate would schedule it today."""
        for contract in self:
            if contract.state == "draft":
                contract.amount = sum(
                    line.price_total * len(line._schedule_dates())
                    for line in contract.line_ids
                    # a line being typed in the form may have no first date yet
                    if line.date_start
                )
                continue
            contract.amount = sum(
                contract.schedule_ids.filtered(lambda r: r.state != "cancelled").mapped(
                    "amount_total"
                )
            )

    @api.depends("date_start", "date_end")
    def _compute_renewal_term(self):
        """The first term (start to end) while the contract was never renewed and
        its term was not given; a renewed contract keeps its term (its dates span
        several terms), as does one whose term was given."""
        for contract in self:
            start, end = contract.date_start, contract.date_end
            if (
                contract.renewed
                or contract.renewal_term_given
                or not (start and end)
                or end < start
            ):
                continue
            contract.renewal_term, contract.renewal_term_unit = term_between(start, end)

    @api.onchange("renewal_term", "renewal_term_unit")
    def _onchange_renewal_term(self):
        """The form's counterpart of create and write: a term typed other than
        the first term is given, and no longer follows the dates typed next."""
        for contract in self.filtered(lambda c: not c.renewed):
            contract.renewal_term_given = contract._is_renewal_term_given()

    def _is_renewal_term_given(self):
        """Whether the contract's term is one given: a term other than its first
        term (start to end), or any term of a contract without one (no end)."""
        self.ensure_one()
        start, end = self.date_start, self.date_end
        if not self.renewal_term:
            return False
        if not (start and end) or end < start:
            return True
        return (self.renewal_term, self.renewal_term_unit) != term_between(start, end)

    def _mark_renewal_terms_given(self):
        """``renewal_term_given`` of the contracts never renewed, from their term
        as written."""
        for contract in self.filtered(lambda c: not c.renewed):
            given = contract._is_renewal_term_given()
            if contract.renewal_term_given != given:
                privileged(contract).write({"renewal_term_given": given})

    def _crm_invoices(self):
        """The invoices made from these contracts' schedules, cancelled or
        reversed ones too (``account.move.crm_contract_id``), and their credit
        notes (Odoo's Credit Note wizard: its lines are not the schedule's, a row
        is invoiced once), as an order's invoices include its cancelled invoices
        and its credit notes: those the user may read (Odoo's "Personal
        Invoices" rule, as on a sale order), the credit notes of the invoices
        the user may read."""
        Move = self.env["account.move"]
        if not self.ids or not Move.has_access("read"):
            return Move
        invoices = Move.search([("crm_contract_id", "in", self.ids)])
        return invoices | invoices.reversal_move_ids._filtered_access("read")

    @api.depends_context("uid")
    def _compute_invoice_count(self):
        # the button opens what it counts: one search for all the contracts
        invoices = self._crm_invoices()
        by_contract = {}
        for invoice in invoices:
            # a credit note counts for its invoice's contract
            contract = invoice.crm_contract_id or invoice.reversed_entry_id.crm_contract_id
            by_contract[contract.id] = by_contract.get(contract.id, 0) + 1
        for contract in self:
            contract.invoice_count = by_contract.get(contract.id, 0)

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for contract in self:
            if (
                contract.date_start
                and contract.date_end
                and contract.date_end < contract.date_start
            ):
                raise ValidationError(
                    self.env._("Contract %(name)s ends before it starts.", name=contract.name)
                )

    @api.onchange("company_id")
    def _onchange_company_id_warning(self):
        """The form's warning, as soon as the company changes, of what
        _check_company_of_dependents refuses on save (as Odoo's quotation warns
        of its company's change): a draft's lines carrying taxes or products
        the new company may not use, or a planned payment of another company
        linked to the contract."""
        company = self.company_id
        if not company or self.state != "draft":
            return None
        messages = []
        # the form's lines follow the contract's new company (related): Odoo's
        # check of each, as the save checks them
        lines = self.line_ids.filtered(refused_by_company_check)
        if lines:
            messages.append(
                self.env._(
                    "The taxes and products of the contract's lines must be of its new "
                    "company, %(company)s: remove or replace them on the lines %(lines)s, "
                    "or saving the contract is refused.",
                    company=company.display_name,
                    lines=", ".join(
                        f"“{line.name or line.product_id.display_name or ''}”" for line in lines
                    ),
                )
            )
        # sudo: the planned payments linked to the contract, whoever may read
        # them, as the check on save does; named only to those who may
        payments = (
            self.env["crm.planned.payment"]
            .sudo()
            .search(
                [("contract_id", "in", self._origin.ids), ("company_id", "not in", company.ids)]
            )
        )
        if payments:
            messages.append(
                self.env._(
                    "Planned payments of another company are linked to the contract "
                    "(%(payments)s): it cannot move to %(company)s while they are.",
                    payments=payments.with_env(self.env)._names_for_user(),
                    company=company.display_name,
                )
            )
        if not messages:
            return None
        return {
            "warning": {
                "title": self.env._("Warning for the change of your contract's company"),
                "message": "\n\n".join(messages),
            }
        }

    @api.constrains("company_id")
    def _check_company_of_dependents(self):
        """The records that follow the contract's company stay consistent with
        it: a contract moved to another company (a draft's term) is refused
        with Odoo's "Incompatible companies" while its lines carry taxes or
        products of the company before, or while a planned payment of that
        company is linked to it (``check_company``: Create Invoices and the
        planned payment's next save would stop on it later). Odoo's quotation
        refuses another company's products the same way; its lines' taxes
        follow the company because Odoo computes them, where a contract
        line's are the user's. The schedule's rows and alerts are the
        contract's own (its company, related): a draft has none. The planned
        payments are found as superuser (every one counts) but named only to
        a user who may read them: when some are hidden from the user, the
        refusal is the suite's own message, counting those (Odoo's, built
        as superuser, would name them all)."""
        # the lines' company is the contract's (related): checked as moved
        self.line_ids._check_company()
        # sudo: the planned payments linked to the contracts, whoever may read
        # them, each checked by Odoo's company check
        refused = (
            self.env["crm.planned.payment"]
            .sudo()
            .search([("contract_id", "in", self.ids)])
            .filtered(lambda payment: refused_by_company_check(payment, ["contract_id"]))
        )
        readable = refused.with_env(self.env)._filtered_access("read")
        if readable == refused:
            # the user may read them all: Odoo's message, as the user, names them
            readable._check_company(["contract_id"])
            return
        # not Odoo's message built as superuser: it would name to the user the
        # planned payments they may not read (as the form's warning, they are
        # counted)
        for contract in self:
            payments = refused.filtered(lambda p, c=contract: p.contract_id == c)
            if payments:
                raise UserError(
                    self.env._(
                        "Planned payments of another company are linked to contract "
                        "%(contract)s (%(payments)s): it cannot move to %(company)s while "
                        "they are.",
                        contract=contract.display_name,
                        payments=payments.with_env(self.env)._names_for_user(),
                        company=contract.company_id.display_name,
                    )
                )

    @api.constrains("renewal_term", "renewal_term_unit")
    def _check_renewal_term(self):
        for contract in self:
            if contract.renewal_term and not contract.renewal_term_unit:
                raise ValidationError(
                    self.env._(
                        "Contract %(name)s: give the renewal term's unit (months or days).",
                        name=contract.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        model = take_context_defaults(self, vals_list)
        self._check_lead_readable(vals_list)
        contracts = super(CrmContract, model).create(vals_list)
        contracts.browse(
            [
                contract.id
                for contract, vals in zip(contracts, vals_list, strict=True)
                if {"renewal_term", "renewal_term_unit"} & set(vals)
                and "renewal_term_given" not in vals
            ]
        )._mark_renewal_terms_given()
        # the sequence's prefix reads the context's time zone, which must exist
        tz = self.env.context.get("tz")
        if not (isinstance(tz, str) and tz in pytz.all_timezones_set):
            tz = self.env.user.tz or "UTC"
        for contract in contracts:
            # sudo: the sequence is the company's numbering, not a user's record
            number = (
                self.env["ir.sequence"]
                .sudo()
                .with_company(contract.company_id)
                .with_context(tz=tz)
                .next_by_code("crm.contract")
            )
            privileged(contract).write({"name": number or self.env._("New")})
        return contracts

    def write(self, vals):
        if "lead_id" in vals:
            self._check_lead_readable([vals])
        old_ends = (
            {contract.id: contract.date_end for contract in self} if "date_end" in vals else {}
        )
        res = super().write(vals)
        if {"renewal_term", "renewal_term_unit"} & set(vals) and "renewal_term_given" not in vals:
            self._mark_renewal_terms_given()
        if {"date_start", "date_end"} & set(vals):
            self._fit_lines_to_period(old_ends)
        if old_ends:
            self.filtered(lambda c: c.date_end != old_ends[c.id])._crm_end_moved()
        if {"date_start", "date_end", "currency_id", "payment_term_id"} & set(vals):
            self.filtered(lambda c: c.state == "active")._sync_schedule()
        return res

    def _crm_end_moved(self):
        """The end of these contracts moved (a renewal, an amendment, cleared):
        the alert of the end before is marked done, and the cron alerts again
        before the new end (once per end)."""
        if not self:
            return
        # sudo: the alerts cron's own reminder, whoever moved the end (its
        # assignee may be another user)
        for contract in self.sudo():
            contract.activity_feedback(
                [END_ACTIVITY],
                feedback=self.env._(
                    "The contract now ends on %(date)s.",
                    date=format_date(self.env, contract.date_end)
                    if contract.date_end
                    else self.env._("no end"),
                ),
            )
        alerted = self.filtered("end_alert_sent")
        if alerted:
            privileged(alerted).write({"end_alert_sent": False})

    def _fit_lines_to_period(self, old_ends=None):
        """The contract's period changed: its lines are clipped to it, so that no
        planned schedule row falls outside it. What cannot be clipped is refused:
        an invoiced row outside the new period (it is kept as it is), a line
        wholly outside it (remove it or change it first). When the end moves
        later (or is cleared), the lines that ended with the contract
        (``old_ends``: {contract id: its end before}) end with it again, as
        Renew extends them."""
        for contract in self:
            start, end = contract.date_start, contract.date_end
            old_end = (old_ends or {}).get(contract.id)
            if not start:
                continue  # required: the database refuses it
            invoiced = contract.schedule_ids.filtered(
                lambda r, s=start, e=end: r.state == "invoiced"
                and (r.date < s or (e and r.date > e))
            )
            if invoiced:
                raise UserError(
                    self.env._(
                        "Contract %(name)s has invoiced schedule rows outside %(start)s - "
                        "%(end)s (%(dates)s): its period must still cover them.",
                        name=contract.name,
                        start=format_date(self.env, start),
                        end=format_date(self.env, end) if end else self.env._("no end"),
                        dates=", ".join(
                            format_date(self.env, d) for d in sorted(set(invoiced.mapped("date")))
                        ),
                    )
                )
            outside = contract.line_ids.filtered(
                lambda line, s=start, e=end: (e and line.date_start > e)
                or (line.date_end and line.date_end < s)
            )
            if outside:
                raise UserError(
                    self.env._(
                        "Lines %(lines)s of contract %(name)s fall wholly outside its new "
                        "period %(start)s - %(end)s: remove or change them first.",
                        lines=", ".join(outside.mapped("name")),
                        name=contract.name,
                        start=format_date(self.env, start),
                        end=format_date(self.env, end) if end else self.env._("no end"),
                    )
                )
            for line in contract.line_ids:
                vals = {}
                if line.date_start < start:
                    vals["date_start"] = start
                if end and line.date_end and line.date_end > end:
                    vals["date_end"] = end
                elif old_end and line.date_end == old_end and (not end or end > old_end):
                    vals["date_end"] = end
                if vals:
                    # the contract's amended period (checked on the contract)
                    privileged(line).write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_activated(self):
        """Only a draft contract, never invoiced, is deleted: an activated one is
        the history of its schedule and invoices (the database would delete its
        rows with it, invoiced ones too, and its invoices would lose their
        link). It is terminated instead."""
        for contract in self:
            # sudo: the rows are the contract's, whoever may read its invoices
            invoiced = contract.sudo().schedule_ids.filtered(lambda r: r.state == "invoiced")
            if contract.state != "draft" or invoiced:
                raise UserError(
                    self.env._(
                        "Contract %(name)s was activated: only a draft contract, never "
                        "invoiced, is deleted. Terminate it instead (its schedule and "
                        "invoices are kept).",
                        name=contract.name,
                    )
                )

    def _crm_check_policy(self, vals, creating):
        res = super()._crm_check_policy(blank_dates_to_false(self, vals), creating)
        if not creating and set(AMENDABLE_TERMS) & set(vals):
            self._check_terms_editable()
        return res

    def _check_terms_editable(self):
        """The terms of a draft contract are its users'; those of an active
        contract are amended by finance only (as it renews and terminates);
        an expired or terminated contract is renewed, never rewritten."""
        if is_privileged(self):
            return
        for contract in self:
            if contract.state == "draft":
                continue
            if contract.state != "active":
                raise UserError(
                    self.env._(
                        "Contract %(name)s is no longer active: its terms and lines stay as "
                        "they were (renew it instead).",
                        name=contract.name,
                    )
                )
            self._check_finance_user()

    def _check_lead_readable(self, vals_list):
        """A contract is linked to a lead its user may read (the lead's Contracting
        gate reads the link)."""
        if is_privileged(self):
            return
        # a value of another type is the policy's to refuse (a ValidationError)
        ids = [
            vals["lead_id"]
            for vals in vals_list
            if isinstance(vals, dict)
            and isinstance(vals.get("lead_id"), int)
            and not isinstance(vals["lead_id"], bool)
            and 0 < vals["lead_id"] < 2**31
        ]
        leads = self.env["crm.lead"].browse(ids).exists()
        if leads:
            leads.check_access("read")

    def copy_data(self, default=None):
        """A duplicate keeps the contract's lead only when its user may read it
        (``_check_lead_readable`` refuses the link otherwise): an accountant who
        does not read the leads gets the copy without its lead instead of an
        access error; a lead given in ``default`` is checked as given."""
        vals_list = super().copy_data(default=default)
        if is_privileged(self) or "lead_id" in (default or {}):
            return vals_list
        readable = set(self.lead_id._filtered_access("read").ids)
        for vals in vals_list:
            if vals.get("lead_id") and vals["lead_id"] not in readable:
                vals["lead_id"] = False
        return vals_list

    # ------------------------------------------------------------------
    # States (public API)
    # ------------------------------------------------------------------

    @api.model
    def _crm_user_activates(self, user=None):
        """Whether ``user`` (by default the current user) activates, renews,
        terminates and invoices contracts: billing users (and accountants) and
        sales managers."""
        user = user or self.env.user
        return user.has_group("account.group_account_invoice") or user.has_group(
            "sales_team.group_sale_manager"
        )

    @api.model
    def _activation_approver(self, lead, company):
        """Who is asked to activate a contract of ``lead`` in ``company``
        (``action_request_activation``): the leader of the lead's sales team
        when they activate contracts (a sales manager or a billing user), are an
        active internal user and work in ``company``; else nobody (an empty
        recordset). One deterministic person, as the sales team is the lead's."""
        # sudo: the leader of the lead's sales team, their groups and companies,
        # to choose whom to ask, also when the user no longer reads the lead (a
        # step handed on); only that user is returned, to be named and assigned
        leader = lead.sudo().team_id.user_id
        if (
            leader
            and leader.active
            and not leader.share
            and company in leader.company_ids
            and self._crm_user_activates(leader)
        ):
            return self.env["res.users"].browse(leader.id)
        return self.env["res.users"]

    def _check_finance_user(self):
        """Activating, renewing, terminating and invoicing are finance's (billing,
        accountants) and sales managers'; salespeople draft contracts (and ask
        for their activation: ``action_request_activation``)."""
        if not (self.env.su or self._crm_user_activates()):
            raise AccessError(
                self.env._(
                    "Only billing users and sales managers activate, renew, terminate and "
                    "invoice contracts."
                )
            )
        self.check_access("write")

    def action_activate(self):
        """Draft -> active: the schedule of expected invoices is built. Returns True."""
        self._check_finance_user()
        for contract in self:
            if contract.state != "draft":
                raise UserError(
                    self.env._(
                        "Only a draft contract can be activated (%(name)s).", name=contract.name
                    )
                )
            if not contract.line_ids:
                raise UserError(
                    self.env._(
                        "Contract %(name)s has no line: add what it sells or buys.",
                        name=contract.name,
                    )
                )
        privileged(self).write({"state": "active"})
        # a term set to none meanwhile (or never computed) is the first term again
        for contract in self.filtered(lambda c: c.date_end and not c.renewal_term):
            term, unit = term_between(contract.date_start, contract.date_end)
            privileged(contract).write({"renewal_term": term, "renewal_term_unit": unit})
        self._sync_schedule()
        # the request to activate it is answered (sudo: it is assigned to the
        # leader of the lead's sales team, whoever activates)
        self.sudo().activity_feedback(
            [ACTIVATION_ACTIVITY], feedback=self.env._("The contract was activated.")
        )
        return True

    def action_request_activation(self):
        """Ask for the activation of the draft contract: salespeople draft
        contracts, billing users and sales managers activate them. Schedules a
        Contract Activation activity (Odoo notifies its assignee) for the leader
        of the contract's lead's sales team, when they activate contracts
        (``_activation_approver``); the activity is marked done when the contract
        is activated. Refused with a ``UserError`` for a contract that is not a
        draft or has no line, for a user who activates contracts themselves,
        when there is nobody to ask (no lead, no team leader who activates
        contracts: the message says so) and while a request is open. Returns
        True."""
        check_one(self)
        self.check_access("write")
        if self.state != "draft":
            raise UserError(
                self.env._("Only a draft contract can be activated (%(name)s).", name=self.name)
            )
        if not self.line_ids:
            raise UserError(
                self.env._(
                    "Contract %(name)s has no line: add what it sells or buys.", name=self.name
                )
            )
        if self._crm_user_activates():
            raise UserError(
                self.env._(
                    "You activate contracts yourself: use Activate on contract %(name)s.",
                    name=self.name,
                )
            )
        approver = self._activation_approver(self.lead_id, self.company_id)
        if not approver:
            raise UserError(
                self.env._(
                    "Nobody to ask for the activation of contract %(name)s: it has no lead "
                    "whose sales team has a leader who activates contracts (a sales manager or "
                    "a billing user). Ask a sales manager or a billing user to activate it.",
                    name=self.name,
                )
            )
        # sudo: whether a request is already open, whoever it was given to
        requested = self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(ACTIVATION_ACTIVITY)
        )
        if requested:
            raise UserError(
                self.env._(
                    "The activation of contract %(name)s was already requested from %(user)s.",
                    name=self.name,
                    user=requested[0].user_id.name,
                )
            )
        self.activity_schedule(
            ACTIVATION_ACTIVITY,
            user_id=approver.id,
            note=self.env._(
                "%(user)s asks you to activate contract %(name)s.",
                user=self.env.user.name,
                name=self.name,
            ),
        )
        return True

    def action_terminate(self):
        """Active or expired -> terminated: the schedule rows not invoiced are
        cancelled (an expired contract's rows dated on or before its end would
        otherwise still be invoiced), and its end alert is marked done. Returns
        True."""
        self._check_finance_user()
        if any(c.state not in ("active", "expired") for c in self):
            raise UserError(self.env._("Only an active or expired contract can be terminated."))
        privileged(self).write({"state": "terminated"})
        self.schedule_ids.filtered(lambda r: r.state == "planned")._set_state("cancelled")
        # the end alert asked to renew or close it: closed (sudo: the alerts
        # cron's reminder, whoever it was given to)
        self.sudo().activity_feedback(
            [END_ACTIVITY], feedback=self.env._("The contract was terminated.")
        )
        return True

    def action_renew(self):
        """Extend an active or expired contract by its renewal term
        (``renewal_term`` months or days, its first term unless changed) from the
        day after its end; the schedule follows. Billing users, accountants and
        sales managers. Returns True."""
        self._check_finance_user()
        return self._renew()

    def _renew(self, until=None):
        """Renew each contract by one term, or, with ``until`` (a date), by as many
        terms as its end takes to reach it, at most ``MAX_RENEWAL_TERMS`` at once."""
        notes = {}
        for contract in self:
            if contract.state not in ("active", "expired") or not contract.date_end:
                raise UserError(
                    self.env._(
                        "Only an active or expired contract with an end date can be "
                        "renewed (%(name)s).",
                        name=contract.name,
                    )
                )
            term, unit = contract._renewal_term()
            new_end = contract._next_end(until)
            if until and new_end < until:
                _logger.warning(
                    "contract %s (id %s) renewed by %s terms until %s, still before %s",
                    contract.name,
                    contract.id,
                    MAX_RENEWAL_TERMS,
                    new_end,
                    until,
                )
            # the term is written with the end: it stays what it was (the first
            # term when it was not set), and no longer follows the dates
            privileged(contract).write(
                {
                    "state": "active",
                    "date_end": new_end,
                    "end_alert_sent": False,
                    "renewal_term": term,
                    "renewal_term_unit": unit,
                    "renewed": True,
                }
            )
            privileged(
                contract.line_ids.filtered(
                    lambda line, old=contract.date_end: line.date_end and line.date_end >= old
                )
            ).write({"date_end": new_end})
            # the date as the note's language writes it (the reader's, on the
            # daily run), as the other notes of the daily runs
            notes[contract.id] = self.env._(
                "Renewed until %(date)s.", date=format_date(self.env, new_end)
            )
        # logged as Odoo logs what its own flows do (the user may write the
        # contracts, checked by action_renew, or the daily run): a billing user
        # without an e-mail address renews too; the notes created at once
        self._message_log_batch(notes)
        self._sync_schedule()
        return True

    def _renewal_term(self):
        """``(length, unit)`` of the contract's renewal term ("month" or "day"):
        its ``renewal_term``; without one, the first term (start to end) of a
        contract never renewed."""
        self.ensure_one()
        if self.renewal_term and self.renewal_term_unit:
            return self.renewal_term, self.renewal_term_unit
        if not self.renewed and self.date_start and self.date_end:
            return term_between(self.date_start, self.date_end)
        raise UserError(
            self.env._(
                "Contract %(name)s has no renewal term: set its Renewal Term first.",
                name=self.name,
            )
        )

    def _renewed_end(self, end=None):
        """The end of the next term: it starts the day after the current end
        (``end``, default the contract's) and lasts the renewal term, as many
        months (2026-12-01..2027-05-31, 6 months: 2027-11-30) or days. None past
        the dates Python holds.

        Months are counted from the contract's start when the term starts whole
        months after it: a contract from the 29th to the 31st keeps its day
        where the months have it (from 2026-01-31, one month: 2026-02-27, then
        2026-03-30, 2026-04-29), instead of drifting to the day a shorter month
        ended on (2026-03-27, 2026-04-27, ...)."""
        self.ensure_one()
        end = end or self.date_end
        term, unit = self._renewal_term()
        try:
            if unit == "month":
                after = end + timedelta(days=1)
                start, months = after, term
                elapsed = self.date_start and whole_months(self.date_start, after)
                if elapsed:
                    start, months = self.date_start, elapsed + term
                return start + relativedelta(months=months) - timedelta(days=1)
            return end + timedelta(days=term)
        except (OverflowError, ValueError):
            return None

    def _next_end(self, until=None):
        """The contract's end after one renewal term, or, with ``until``, after as
        many terms as bring it to ``until`` or later (at most
        ``MAX_RENEWAL_TERMS``). A ``UserError`` when it would pass the last date
        the suite accepts."""
        self.ensure_one()
        new_end = self._renewed_end()
        terms = 1
        while until and new_end and new_end < until and terms < MAX_RENEWAL_TERMS:
            new_end = self._renewed_end(new_end)
            terms += 1
        if not new_end or new_end > DATE_MAX:
            raise UserError(
                self.env._(
                    "Contract %(name)s cannot be renewed: its renewal term would end it "
                    "after %(max)s.",
                    name=self.name,
                    max=format_date(self.env, DATE_MAX),
                )
            )
        return new_end

    @api.model
    def _cron_expire_and_renew(self):
        """Contracts past their end: renewed when automatic (by as many terms as
        bring their end to today or later: a contract that ended several terms
        ago catches up in one run), else expired. An automatic contract that
        cannot be renewed (no renewal term, or one that would end it after the
        last date the suite accepts) expires, with a note of why."""
        today = fields.Date.context_today(self)
        ended = self.search([("state", "=", "active"), ("date_end", "<", today)])
        automatic = ended.filtered(lambda c: c.renewal == "automatic")
        stuck = self.browse()
        notes = {}
        for contract in automatic:
            try:
                # the run has no language: its notes are in the reader's
                contract._crm_in_reader_lang()._next_end(today)
            except UserError as error:
                _logger.warning(
                    "contract %s (id %s) not renewed: %s", contract.name, contract.id, error
                )
                notes[contract.id] = error.args[0]
                stuck |= contract
        # logged as the renewals' notes (_renew), by the run's user as before
        if stuck:
            stuck._message_log_batch(notes)
        # the cron renews as the company's contracts' keeper, not as a user;
        # the contracts of each reader's language together (their notes)
        for lang, contracts in (automatic - stuck).grouped(lambda c: c._crm_reader_lang()).items():
            for contract in contracts.with_context(lang=lang):
                with contract._crm_run_savepoint("renewal"):
                    contract._renew(until=today)
        for contract in (ended - automatic) | stuck:
            with contract._crm_run_savepoint("expiry"):
                privileged(contract).write({"state": "expired"})
        return True

    @contextmanager
    def _crm_run_savepoint(self, what):
        """One change of a daily run (a renewal, an expiry, an alert) in a
        savepoint of its own: when another worker changed this contract or its
        row since the run started (a user's Create Invoices or amendment,
        another run: the serialization failure Odoo retries a request on),
        the change is undone, logged and left to the next run, and the run's
        other changes stand (the failure used to undo the whole run until the
        next day)."""
        try:
            with self.env.cr.savepoint():
                yield
        except CHANGED_ELSEWHERE as exc:
            _logger.info(
                "contract %s (id %s): %s left to the next run, another worker is "
                "changing it (%s)",
                self.name,
                self.id,
                what,
                str(exc).strip(),
            )

    # ------------------------------------------------------------------
    # Schedule
    # ------------------------------------------------------------------

    def _sync_schedule(self):
        """The planned rows follow the lines; invoiced rows are never touched. A
        planned row of a (line, date) still expected stays, with its alert sent
        (once per row, whatever is amended), and takes its line's amounts; the
        planned rows no longer expected are removed, the missing ones created."""
        Schedule = privileged(self.env["crm.contract.schedule"])
        self._crm_lock_schedules()
        stale_ids, kept_ids, vals_list = [], [], []
        for contract in self:
            planned, invoiced_keys = {}, set()
            for row in contract.schedule_ids:
                key = (row.contract_line_id.id, row.date)
                if row.state == "invoiced":
                    invoiced_keys.add(key)
                elif row.state == "planned":
                    if key in planned:
                        stale_ids.append(row.id)
                    else:
                        planned[key] = row
            for line in contract.line_ids:
                for date in line._schedule_dates():
                    key = (line.id, date)
                    if key in invoiced_keys:
                        continue
                    row = planned.pop(key, None)
                    if row is not None:
                        kept_ids.append(row.id)
                        continue
                    vals_list.append(
                        {
                            "contract_id": contract.id,
                            "contract_line_id": line.id,
                            "date": date,
                            "amount_untaxed": line.price_subtotal,
                            "amount_total": line.price_total,
                        }
                    )
            # the rows of no line or date expected any more (a row of an invoiced
            # (line, date) included)
            stale_ids += [row.id for row in planned.values()]
        if stale_ids:
            Schedule.browse(stale_ids).unlink()
        Schedule.browse(kept_ids)._crm_take_line_amounts()
        if vals_list:
            Schedule.create(vals_list)

    def _crm_lock_schedules(self, skip_locked=False):
        """Lock these contracts' rows in id order and touch them before their
        schedules are rebuilt or topped up: a worker that read the schedule
        before another one committed new rows gets a serialization failure on
        its own lock (retried by Odoo with fresh rows) instead of a duplicate
        (line, date) refused by the unique index. ``skip_locked``: the ids of
        the contracts being changed right now are left out (the daily top-up
        leaves them to the next run). Returns the ids locked."""
        # the saved contracts only (not a new record's origin)
        saved = self.browse(id_ for id_ in self._ids if isinstance(id_, int))
        return lock_and_touch(saved, skip_locked=skip_locked)

    def action_view_invoices(self):
        check_one(self)
        return self._crm_invoices()._get_records_action(name=self.env._("Invoices"))
