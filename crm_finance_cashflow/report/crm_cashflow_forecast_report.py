import json
from collections import defaultdict
from functools import partial

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, LazyTranslate, format_date

from odoo.addons.crm_suite_base.models.policy import check_one, owned

from ..models.crm_contract_schedule import last_due_date

_lt = LazyTranslate(__name__)

SOURCES = [
    ("invoice", "Open Invoice"),
    ("planned_payment", "Planned Payment"),
    ("schedule", "Contract Schedule"),
    ("pipeline", "Pipeline (weighted)"),
]
DIRECTIONS = [("incoming", "Incoming"), ("outgoing", "Outgoing")]
# committed figures (invoices, planned payments, contract schedules) and the
# weighted pipeline, never added to them
KINDS = [("committed", "Committed"), ("pipeline", "Pipeline (weighted)")]
# a row's id: the source record's id times the number of sources plus the
# source's rank, so that the sources never share an id
SOURCE_RANK = {"invoice": 0, "planned_payment": 1, "schedule": 2, "pipeline": 3}
# the invoices of the forecast and which way their money goes: Odoo's
# invoices, credit notes and receipts (``is_invoice(include_receipts=True)``),
# which all have receivable or payable instalments
INVOICE_DIRECTIONS = {
    "out_invoice": "incoming",
    "in_refund": "incoming",
    "out_receipt": "incoming",
    "in_invoice": "outgoing",
    "out_refund": "outgoing",
    "in_receipt": "outgoing",
}
# those of them whose money comes in
INCOMING_MOVE_TYPES = tuple(
    move_type for move_type, direction in INVOICE_DIRECTIONS.items() if direction == "incoming"
)
# the payment states of an invoice still open (planned payments of it count)
OPEN_PAYMENT_STATES = ("not_paid", "partial")


class CrmCashflowForecastReport(models.Model):
    """What money is expected in and out, one row per open invoice, planned payment
    and contract schedule row not invoiced yet; the pivot, graph and list of the
    cash-flow forecast, and what ``crm.contract.get_cashflow_forecast`` sums.

    An open invoice counts per open instalment (its receivable or payable line
    at its due date: one for an invoice of one due date). An invoiced schedule
    row counts once, through its invoice once that is posted (through the row
    while the invoice is a draft); the planned payments of an invoice count at
    their own dates, together at most the invoice's open amount (by date), and
    the rest of the invoice at its instalments' due dates (the first due first).
    Amounts are converted at today's rate into the currency of the current
    company, at that company's rates whichever company a row is of, as Odoo's
    invoice analysis does, so that totals over several companies add like
    amounts; an amount in a currency without a rate refuses the report (a
    ``UserError`` naming the currency and the company), never counts one for
    one."""

    _name = "crm.cashflow.forecast.report"
    _description = "Cash-Flow Forecast"
    _inherit = ["crm.write.policy.mixin"]
    _auto = False
    # a view over the sources: nothing of it is written
    _crm_write_policy = dict.fromkeys(
        (
            "name",
            "source",
            "direction",
            "date",
            "is_overdue",
            "partner_id",
            "company_id",
            "currency_id",
            "original_currency_id",
            "amount_currency",
            "amount",
            "amount_incoming",
            "amount_outgoing",
            "amount_net",
            "contract_id",
            "invoice_id",
            "schedule_id",
            "planned_payment_id",
            "kind",
            "amount_pipeline",
            "lead_id",
        ),
        owned(
            _lt(
                "a report over the invoices, planned payments, contract schedules and open "
                "opportunities."
            )
        ),
    )
    _order = "date, id"
    _rec_name = "name"
    # flushed before the report is read, so that it sees pending changes
    _depends = {
        "account.move": [
            "amount_residual",
            "commercial_partner_id",
            "company_id",
            "currency_id",
            "move_type",
            "name",
            "payment_state",
            "state",
        ],
        "account.move.line": [
            "amount_residual_currency",
            "company_id",
            "currency_id",
            "date_maturity",
            "display_type",
            "move_id",
            "move_name",
            "parent_state",
            "reconciled",
        ],
        "crm.planned.payment": [
            "amount",
            "company_id",
            "contract_id",
            "currency_id",
            "date",
            "direction",
            "invoice_id",
            "name",
            "partner_id",
            "state",
        ],
        "crm.contract.schedule": [
            "amount_total",
            "company_id",
            "contract_id",
            "contract_state",
            "currency_id",
            "date_due",
            "direction",
            "invoice_id",
            "partner_id",
            "state",
        ],
        "crm.contract": ["contract_type", "lead_id", "name", "state"],
        "crm.lead": [
            "active",
            "company_id",
            "date_deadline",
            "name",
            "partner_id",
            "probability",
            "prorated_revenue",
            "stage_id",
            "type",
        ],
        "res.company": ["currency_id"],
        "res.partner": ["commercial_partner_id", "property_payment_term_id"],
        "res.currency": ["decimal_places"],
        "res.currency.rate": ["company_id", "currency_id", "name", "rate"],
        "sale.order": ["opportunity_id", "state"],
    }

    name = fields.Char(string="Reference", readonly=True, copy=False)
    source = fields.Selection(SOURCES, readonly=True, copy=False)
    direction = fields.Selection(DIRECTIONS, readonly=True, copy=False)
    date = fields.Date(
        string="Expected Date",
        readonly=True,
        copy=False,
        help="Invoices: the due date of each open instalment; planned payments: their "
        "date; contract "
        "schedule rows: their date plus the contract's payment term; opportunities: "
        "their expected closing date plus the client's payment term.",
    )
    is_overdue = fields.Boolean(
        string="Overdue", readonly=True, copy=False, help="Expected before today and still open."
    )
    partner_id = fields.Many2one("res.partner", readonly=True, copy=False)
    company_id = fields.Many2one("res.company", readonly=True, copy=False)
    currency_id = fields.Many2one(
        "res.currency",
        string="Report Currency",
        readonly=True,
        copy=False,
        help="The current company's currency, in which the amounts are expressed.",
    )
    original_currency_id = fields.Many2one(
        "res.currency", string="Currency", readonly=True, copy=False
    )
    amount_currency = fields.Monetary(
        string="Amount in Currency",
        currency_field="original_currency_id",
        readonly=True,
        copy=False,
    )
    amount = fields.Monetary(
        readonly=True,
        copy=False,
        help="In the current company's currency; other currencies at today's rate. "
        "Committed rows only: the pipeline's amount is in Pipeline (weighted).",
    )
    # committed figures only: the pipeline has its own measure
    amount_incoming = fields.Monetary(string="Incoming", readonly=True, copy=False)
    amount_outgoing = fields.Monetary(string="Outgoing", readonly=True, copy=False)
    amount_net = fields.Monetary(string="Net", readonly=True, copy=False)
    contract_id = fields.Many2one("crm.contract", readonly=True, copy=False)
    invoice_id = fields.Many2one("account.move", readonly=True, copy=False)
    schedule_id = fields.Many2one(
        "crm.contract.schedule", string="Schedule Row", readonly=True, copy=False
    )
    planned_payment_id = fields.Many2one("crm.planned.payment", readonly=True, copy=False)
    kind = fields.Selection(
        KINDS,
        string="Commitment",
        readonly=True,
        copy=False,
        help="Committed: open invoices, planned payments and contract schedules. Pipeline "
        "(weighted): open opportunities, their expected revenue times their probability, "
        "in its own measure, never in Amount, Incoming, Outgoing and Net.",
    )
    amount_pipeline = fields.Monetary(
        string="Pipeline (weighted)",
        readonly=True,
        copy=False,
        help="Open opportunities' expected revenue times their probability, expected at "
        "their expected closing date plus the client's payment term, until the "
        "opportunity has an active customer contract or a confirmed order.",
    )
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True, copy=False)

    @property
    def _table_query(self):
        return self._forecast_query()

    @api.model
    def _forecast_factors(self, today, currencies=None):
        """{currency_id: factor}: what one unit of a currency (all of them, or
        ``currencies``) is worth today in the current company's currency, at
        the current company's rates (its root company's, else shared ones),
        whichever company a row is of: Odoo's invoice analysis converts the
        rows of several companies alike, at the current company's rates
        (``res.currency._get_simple_currency_table``), so that another
        company's own rates (or its lack of them) never change the figures of
        the current one.

        Only the currencies whose rates exist: a currency without a rate on or
        before today in the current company (``_forecast_rates``) is left out,
        where Odoo's conversion would take 1.0 silently; the forecast refuses
        its amounts (``_forecast_missing_rate``), as Create Invoices does."""
        if currencies is None:
            currencies = self.env["res.currency"].with_context(active_test=False).search([])
        company = self.env.company
        target = company.currency_id
        rates = self._forecast_rates(company, currencies | target, today)
        # the current company's own currency always has a rate there (the
        # reference of its rates: 1.0 without one)
        own = rates[target.id]
        factors = {currency_id: own / rate for currency_id, rate in rates.items()}
        # the current company's currency itself needs no rate
        factors[target.id] = 1.0
        return factors

    @api.model
    def _forecast_rates(self, company, currencies, today):
        """{currency id: rate} of those of ``currencies`` that have a rate on or
        before ``today`` in ``company`` (its root company's, else a shared one),
        as Odoo's ``res.currency._get_rates`` reads them, without the 1.0 it
        gives a currency that has none; the company's own currency is always
        there (without a rate, 1.0: the reference of its rates)."""
        rates = currencies._get_rates(company, today)
        present = set(currencies._crm_rated(company, today).ids)
        own = company.currency_id.id
        return {
            currency_id: rate
            for currency_id, rate in rates.items()
            if rate and (currency_id in present or currency_id == own)
        }

    @api.model
    def _forecast_missing_rate(self, currency_id, today, company=None):
        """Refuse the forecast of amounts in ``currency_id``, which
        ``_forecast_factors`` (or, for a planned payment of an invoice in
        another currency, ``_forecast_planned_taken``) cannot convert: a
        ``UserError`` naming the currency and the company whose rates Odoo
        reads (``company``, by default the current one; a branch's root), as
        Create Invoices names them."""
        company = company or self.env.company
        raise UserError(
            self.env._(
                "There is no exchange rate of %(currency)s on or before %(date)s in "
                "%(company)s: update the rates before reading the cash-flow forecast.",
                currency=self.env["res.currency"].browse(currency_id).name,
                date=format_date(self.env, today),
                # sudo: the name of the company whose rates Odoo reads (a branch's
                # root, which the user may not read)
                company=company.sudo().root_id.name,
            )
        )

    @api.model
    def _forecast_sources(self):
        """Hook: what the forecast reads, one dict per source, in the allowed
        companies; another addon adds a source by appending one.

        - ``source``: its key in ``SOURCES``; ``model`` and ``domain``: the
          records still expected;
        - ``sudo`` (default ``True``): read as superuser (the report's or the
          forecast's access is checked first); ``False``: read as the user, the
          model's access rights and record rules apply (a user who may not
          read the model gets none of its rows);
        - ``committed`` (default ``True``): ``False`` for money not committed
          (the weighted pipeline): the report shows it apart (its ``kind``,
          ``amount_pipeline``), never in the committed measures (``amount``,
          ``amount_incoming``, ``amount_outgoing``, ``amount_net``), and
          ``get_cashflow_forecast`` reads it only when asked, apart;
        - ``date``, ``amount`` (in ``currency``) and ``currency``: field names,
          or functions ``(query) -> SQL``; ``company`` (default ``company_id``)
          likewise;
        - ``direction``: a field whose values are ``incoming`` and ``outgoing``,
          or ``(field, {value: direction})``;
        - ``totals`` (optional): a function ``(source, model, date_to,
          granularity) -> [(day, direction, currency id, amount)]`` giving the
          source's grouped totals when the report's query grouped would be
          slower (``_forecast_invoice_totals``);
        - ``partner``, ``name``, ``contract``, ``invoice``, ``schedule``,
          ``planned_payment``, ``lead`` (optional): the report's other columns,
          each a field name, a ``many2one.field`` path, ``None`` or a function
          ``(query) -> SQL``.

        The report lists their records (``_forecast_source_queries``) and
        ``crm.contract.get_cashflow_forecast`` groups them (``_forecast_totals``:
        with ``_read_group`` when the date, currency and direction are fields,
        else by grouping the report's own query of the source), so both say the
        same."""
        companies = self.env.companies.ids
        # what each planned payment of an open invoice takes of it, which the
        # invoices' and the planned payments' sources both read: built once
        # (its rates looked up once), when one of them first needs it
        taken = self._forecast_once(self._forecast_planned_taken)
        schedule = {
            "source": "schedule",
            "model": "crm.contract.schedule",
            "date": "date_due",
            "amount": "amount_total",
            "currency": "currency_id",
            "direction": "direction",
            "partner": "partner_id",
            "name": "contract_id.name",
            "contract": "contract_id",
            "invoice": None,
            "schedule": "id",
            "planned_payment": None,
        }
        planned = {
            "source": "planned_payment",
            "model": "crm.planned.payment",
            "domain": [
                ("company_id", "in", companies),
                ("state", "=", "planned"),
                ("invoice_id", "=", False),
            ],
            "date": "date",
            "amount": "amount",
            "currency": "currency_id",
            "direction": "direction",
            "partner": "partner_id",
            "name": "name",
            "contract": "contract_id",
            "invoice": "invoice_id",
            "schedule": None,
            "planned_payment": "id",
        }
        return [
            # open customer invoices and vendor bills, one row per instalment
            # still open (its receivable or payable line, at its due date): what
            # the invoice's planned payments leave of it
            {
                "source": "invoice",
                "model": "account.move.line",
                "domain": self._forecast_invoice_domain(companies),
                "date": "date_maturity",
                "amount": partial(self._forecast_invoice_rest, taken=taken),
                "totals": partial(self._forecast_invoice_totals, taken=taken),
                "currency": "currency_id",
                "direction": ("move_type", INVOICE_DIRECTIONS),
                "partner": "move_id.commercial_partner_id",
                "name": "move_name",
                "contract": self._forecast_invoice_contract,
                "invoice": "move_id",
                "schedule": None,
                "planned_payment": None,
            },
            # planned payments: of no invoice, and of an invoice still open (one
            # paid otherwise, by Odoo's Register Payment, reversed or cancelled
            # brings nothing more), each for what it takes of the invoice's open
            # amount; two sources rather than an OR, so that PostgreSQL joins
            # the few invoiced ones to their invoices by id instead of reading
            # every open invoice's id
            planned,
            dict(
                planned,
                domain=[
                    ("company_id", "in", companies),
                    ("state", "=", "planned"),
                    ("invoice_id.state", "=", "posted"),
                    ("invoice_id.payment_state", "in", OPEN_PAYMENT_STATES),
                ],
                amount=partial(self._forecast_planned_amount, taken=taken),
                totals=partial(self._forecast_planned_totals, taken=taken),
            ),
            # the rows not invoiced yet of active contracts, and of expired ones
            # (rows due while they ran: a contract's rows never pass its end),
            # which Create Invoices still invoices (the partial index
            # crm_contract_schedule_forecast covers them)
            dict(
                schedule,
                domain=[
                    ("company_id", "in", companies),
                    ("state", "=", "planned"),
                    ("contract_state", "in", ("active", "expired")),
                ],
            ),
            # invoiced as a draft only: still expected through the row, whatever
            # the contract's state since (expired, terminated): the invoice is due
            dict(
                schedule,
                domain=[
                    ("company_id", "in", companies),
                    ("state", "=", "invoiced"),
                    ("invoice_id.state", "=", "draft"),
                ],
            ),
            # not committed: the open opportunities, weighted by their probability
            {
                "source": "pipeline",
                "committed": False,
                # as the user: crm.lead's access rights and record rules apply, so
                # that a salesperson sees no one else's opportunities through it
                "sudo": False,
                "model": "crm.lead",
                "domain": self._forecast_pipeline_domain(companies),
                "date": self._forecast_pipeline_date,
                # expected revenue x probability / 100, in the company currency
                "amount": "prorated_revenue",
                "currency": self._forecast_pipeline_currency,
                "company": self._forecast_pipeline_company,
                "direction": ("type", {"opportunity": "incoming"}),
                "partner": "partner_id.commercial_partner_id",
                "name": "name",
                "contract": None,
                "invoice": None,
                "schedule": None,
                "planned_payment": None,
                "lead": "id",
            },
        ]

    @api.model
    def _forecast_pipeline_domain(self, companies):
        """The open opportunities of the pipeline source: not won or lost, a
        probability, an expected revenue and an expected closing date (without
        one, an opportunity has no place in time: left out), of the allowed
        companies or of none (counted in the current company), and neither an
        active customer contract nor a confirmed order yet: from then on that
        contract's schedule, or the order's invoices, carry the money."""
        # sudo: which leads have an active customer contract or a confirmed
        # order, whoever may read those; the condition only takes opportunities
        # out of the pipeline and shows nothing of the contracts or orders
        contracts = (
            self.env["crm.contract"]
            .sudo()
            ._search(
                [
                    ("lead_id", "!=", False),
                    ("contract_type", "=", "customer"),
                    ("state", "=", "active"),
                ]
            )
        )
        orders = (
            self.env["sale.order"]
            .sudo()
            ._search([("opportunity_id", "!=", False), ("state", "=", "sale")])
        )
        return [
            ("type", "=", "opportunity"),
            ("active", "=", True),
            ("probability", ">", 0),
            "|",
            ("stage_id", "=", False),
            ("stage_id.is_won", "=", False),
            ("date_deadline", "!=", False),
            ("prorated_revenue", "!=", 0),
            "|",
            ("company_id", "in", companies),
            ("company_id", "=", False),
            # NOT IN over non-null ids only (the subqueries' domains)
            ("id", "not in", contracts.subselect(SQL.identifier(contracts.table, "lead_id"))),
            ("id", "not in", orders.subselect(SQL.identifier(orders.table, "opportunity_id"))),
        ]

    @api.model
    def _forecast_pipeline_company(self, query):
        """An opportunity's company, the current one when it has none."""
        return SQL(
            "COALESCE(%s, %s)", SQL.identifier(query.table, "company_id"), self.env.company.id
        )

    @api.model
    def _forecast_pipeline_currency(self, query):
        """The currency of an opportunity's expected revenue: its company's
        (``crm.lead.company_currency``: the current company's when it has none)."""
        company = query.left_join(query.table, "company_id", "res_company", "id", "company_id")
        return SQL(
            "COALESCE(%s, %s)",
            SQL.identifier(company, "currency_id"),
            self.env.company.currency_id.id,
        )

    @api.model
    def _forecast_pipeline_date(self, query):
        """When an opportunity's money is expected: its expected closing date plus
        the client's payment term in the opportunity's company, computed by Odoo
        for each (company, client, closing date) of the query's opportunities
        (one grouped query) and looked up per row in a JSON object."""
        company = self._forecast_pipeline_company(query)
        partner = SQL("COALESCE(%s, 0)", SQL.identifier(query.table, "partner_id"))
        deadline = SQL.identifier(query.table, "date_deadline")
        keys = self.env.execute_query(query.select(SQL("DISTINCT %s", company), partner, deadline))
        due = self._forecast_pipeline_due_dates(keys)
        return SQL(
            "COALESCE((%s::jsonb ->> (%s || '-' || %s || '-' || to_char(%s, 'YYYY-MM-DD')))::date,"
            " %s)",
            json.dumps(due),
            company,
            partner,
            deadline,
            deadline,
        )

    @api.model
    def _forecast_pipeline_due_dates(self, keys):
        """{"company-partner-closing date": due date} for ``keys``, triples
        ``(company id, partner id or 0, closing date)``, where the client's
        payment term moves the date: the due date of the term's last line, as
        for the contract schedules (``last_due_date``)."""
        partners_of = defaultdict(set)
        for company_id, partner_id, _deadline in keys:
            if partner_id:
                partners_of[company_id].add(partner_id)
        terms = {}
        for company_id, partner_ids in partners_of.items():
            # sudo: the partners' payment terms in the opportunity's company, of
            # which only the due dates are used; one read per company
            partners = self.env["res.partner"].sudo().with_company(company_id).browse(partner_ids)
            for partner in partners:
                terms[company_id, partner.id] = (
                    partner.property_payment_term_id
                    or partner.commercial_partner_id.property_payment_term_id
                )
        due, dates = {}, {}
        for company_id, partner_id, deadline in keys:
            term = terms.get((company_id, partner_id))
            if not term:
                continue
            if (term.id, deadline) not in dates:
                dates[term.id, deadline] = last_due_date(term, deadline)
            if dates[term.id, deadline] != deadline:
                key = f"{company_id}-{partner_id}-{deadline.isoformat()}"
                due[key] = dates[term.id, deadline].isoformat()
        return due

    @api.model
    def _forecast_invoice_domain(self, companies):
        """The invoices' source: the open instalments of the open invoices of
        ``companies``, that is the receivable and payable lines (Odoo's
        ``payment_term`` lines, each due at its ``date_maturity``, whose open
        amounts Odoo sums into the invoice's) not reconciled yet, of the posted
        customer invoices, vendor bills and credit notes not or partly paid. An
        invoice of one due date has one; one whose payment term splits it (30 %
        now, 70 % in 60 days) has one per instalment, each expected (and
        overdue) at its own date."""
        return [
            ("company_id", "in", companies),
            ("parent_state", "=", "posted"),
            ("display_type", "=", "payment_term"),
            ("reconciled", "=", False),
            (
                "move_id",
                "any",
                [
                    ("move_type", "in", tuple(INVOICE_DIRECTIONS)),
                    ("payment_state", "in", OPEN_PAYMENT_STATES),
                ],
            ),
        ]

    @api.model
    def _forecast_invoice_contract(self, query):
        """The contract an instalment's invoice was made from (the first, if
        several): a join rather than a per-row subquery, cheap to plan and
        dropped by PostgreSQL when the column is not read."""
        alias = query.make_alias(query.table, "crm_contract")
        query.add_join(
            "LEFT JOIN",
            alias,
            SQL(
                """
                (SELECT invoice_id, MIN(contract_id) AS contract_id
                   FROM crm_contract_schedule
                  WHERE invoice_id IS NOT NULL
               GROUP BY invoice_id)
                """
            ),
            SQL(
                "%s = %s",
                SQL.identifier(alias, "invoice_id"),
                SQL.identifier(query.table, "move_id"),
            ),
        )
        return SQL.identifier(alias, "contract_id")

    @api.model
    def _forecast_flushed(self, sql):
        """``sql`` (the forecast's own SQL over the planned payments and the
        invoices' lines), flushing first what it reads."""
        for model, fnames in (
            (
                "crm.planned.payment",
                ("amount", "company_id", "currency_id", "date", "invoice_id", "state"),
            ),
            (
                "account.move",
                (
                    "amount_residual",
                    "company_id",
                    "currency_id",
                    "move_type",
                    "payment_state",
                    "state",
                ),
            ),
            (
                "account.move.line",
                (
                    "amount_residual_currency",
                    "currency_id",
                    "date_maturity",
                    "display_type",
                    "move_id",
                    "parent_state",
                    "reconciled",
                ),
            ),
            ("res.currency", ("decimal_places",)),
        ):
            for fname in fnames:
                sql = SQL("%s", sql, to_flush=self.env[model]._fields[fname])
        return sql

    @api.model
    def _forecast_planned_taken(self):
        """SQL of what each planned payment of an open invoice (of the allowed
        companies) counts for in the forecast: ``id``, ``invoice_id`` (and the
        invoice's ``move_type`` and ``company_id``), ``taken`` (in the
        invoice's currency) and ``amount`` (the same in the payment's
        currency).

        The planned payments of an invoice count at most its open amount, as
        the field's help says (the link never adds to the invoice): they take
        it in their order (date, then id), each up to its own amount, so that
        the last ones take what is left, or nothing, once Odoo's Register
        Payment (or a credit note) has lowered the invoice below their total.
        An amount in another currency than the invoice's is converted at
        today's rate of the invoice's company (its rates, as Odoo's payment
        registration reads them; a currency without a rate there is refused)
        and rounded to the invoice's currency. The rates are read for the
        currencies of planned payments in another currency than their
        invoice's only."""
        companies = self.env.companies.ids
        # the planned payments in another currency than their invoice's, of the
        # open invoices of the allowed companies (the others are not read)
        foreign = self.env.execute_query(
            self._forecast_flushed(
                SQL(
                    """
                    SELECT DISTINCT move.company_id, payment.currency_id, move.currency_id
                      FROM crm_planned_payment payment
                      JOIN account_move move ON move.id = payment.invoice_id
                     WHERE payment.state = 'planned'
                       AND payment.currency_id != move.currency_id
                       AND move.company_id = ANY(%(companies)s)
                       AND move.state = 'posted'
                       AND move.payment_state IN %(open)s
                    """,
                    companies=companies,
                    open=OPEN_PAYMENT_STATES,
                )
            )
        )
        rates = {}
        if foreign:
            today = fields.Date.context_today(self)
            pairs = defaultdict(set)
            for company_id, *currency_ids in foreign:
                pairs[company_id].update(currency_ids)
            for company_id, currency_ids in sorted(pairs.items()):
                company = self.env["res.company"].browse(company_id)
                found = self._forecast_rates(
                    company, self.env["res.currency"].browse(currency_ids), today
                )
                for currency_id in sorted(currency_ids):
                    if currency_id not in found:
                        self._forecast_missing_rate(currency_id, today, company)
                    rates[f"{company_id}-{currency_id}"] = found[currency_id]
        return self._forecast_flushed(
            SQL(
                """
            (SELECT alloc.id, alloc.invoice_id, alloc.move_type, alloc.company_id, alloc.taken,
                    CASE WHEN alloc.taken >= alloc.amount_invoice THEN alloc.amount
                         ELSE ROUND(alloc.amount * alloc.taken / alloc.amount_invoice,
                                    alloc.decimal_places)
                    END AS amount
               FROM (SELECT planned.*,
                            GREATEST(0, LEAST(planned.amount_invoice, planned.residual
                                - COALESCE(SUM(planned.amount_invoice) OVER (
                                      PARTITION BY planned.invoice_id
                                      ORDER BY planned.date, planned.id
                                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                            )) AS taken
                       FROM (SELECT payment.id, payment.invoice_id, payment.date,
                                    move.move_type, move.company_id,
                                    payment.amount, currency.decimal_places,
                                    move.amount_residual AS residual,
                                    ROUND(CASE WHEN payment.currency_id = move.currency_id
                                               THEN payment.amount
                                               ELSE payment.amount
                                                    * (%(rates)s::jsonb ->> (move.company_id
                                                           || '-' || move.currency_id))::numeric
                                                    / (%(rates)s::jsonb ->> (move.company_id
                                                           || '-' || payment.currency_id))::numeric
                                          END, invoice_currency.decimal_places) AS amount_invoice
                               FROM crm_planned_payment payment
                               JOIN account_move move ON move.id = payment.invoice_id
                               JOIN res_currency currency ON currency.id = payment.currency_id
                               JOIN res_currency invoice_currency
                                 ON invoice_currency.id = move.currency_id
                              WHERE payment.state = 'planned'
                                AND move.company_id = ANY(%(companies)s)
                                AND move.state = 'posted'
                                AND move.payment_state IN %(open)s) planned
                    ) alloc)
                """,
                rates=json.dumps(rates),
                companies=companies,
                open=OPEN_PAYMENT_STATES,
            )
        )

    @staticmethod
    def _forecast_once(build):
        """A function giving ``build()``, called at its first call only."""
        built = []

        def once():
            if not built:
                built.append(build())
            return built[0]

        return once

    @api.model
    def _forecast_invoice_line_rests(self, taken):
        """SQL of the open instalments of the invoices that have planned
        payments (``taken()``: ``_forecast_planned_taken``), with what those
        leave of each:
        ``id`` (the line's), ``move_id``, ``company_id``, ``date`` (its due
        date), ``direction``, ``currency_id``, ``residual`` (its open amount in
        the invoice's currency, positive the way the money goes) and ``rest``.
        The planned payments take the instalments in their order (due date,
        then id), the first due first, as Odoo's payment registration pays
        them; an instalment they cover entirely has a rest of 0. Only those
        invoices' lines are read, by their invoice (``move_id``'s index)."""
        return self._forecast_flushed(
            SQL(
                """
            (SELECT line.id, line.move_id, line.company_id, line.date, line.direction,
                    line.currency_id, line.residual,
                    GREATEST(0, LEAST(line.residual, SUM(line.residual) OVER (
                        PARTITION BY line.move_id ORDER BY line.date, line.id
                    ) - line.taken)) AS rest
               FROM (SELECT line.id, line.move_id, taken.company_id,
                            line.date_maturity AS date, line.currency_id,
                            CASE WHEN taken.move_type IN %(incoming)s
                                 THEN 'incoming' ELSE 'outgoing' END AS direction,
                            CASE WHEN taken.move_type IN %(incoming)s
                                 THEN line.amount_residual_currency
                                 ELSE -line.amount_residual_currency END AS residual,
                            taken.taken
                       FROM (SELECT invoice_id, move_type, company_id, SUM(taken) AS taken
                               FROM %(planned)s AS planned
                              WHERE move_type IN %(types)s
                           GROUP BY invoice_id, move_type, company_id) taken
                       JOIN account_move_line line ON line.move_id = taken.invoice_id
                      WHERE line.display_type = 'payment_term'
                        AND line.parent_state = 'posted'
                        AND (line.reconciled IS NULL OR line.reconciled = FALSE)) line)
                """,
                incoming=INCOMING_MOVE_TYPES,
                types=tuple(INVOICE_DIRECTIONS),
                planned=taken(),
            )
        )

    def _forecast_invoice_rest(self, query, taken):
        """What an open instalment of an invoice still brings at its due date:
        its open amount, less what the invoice's planned payments take of it
        (each counts at its own date, at most the invoice's open amount;
        ``_forecast_invoice_line_rests``). An instalment they cover entirely
        is left out: never below zero. The rests are computed for the
        invoices that have planned payments only, in one subquery joined to
        the lines, not per row."""
        alias = query.make_alias(query.table, "crm_rest")
        query.add_join(
            "LEFT JOIN",
            alias,
            self._forecast_invoice_line_rests(taken),
            SQL("%s = %s", SQL.identifier(alias, "id"), SQL.identifier(query.table, "id")),
        )
        rest = SQL.identifier(alias, "rest")
        query.add_where(SQL("(%s IS NULL OR %s > 0)", rest, rest))
        move_type = (
            self.env["account.move.line"].sudo()._field_to_sql(query.table, "move_type", query)
        )
        residual = SQL.identifier(query.table, "amount_residual_currency")
        return SQL(
            "COALESCE(%s, CASE WHEN %s IN %s THEN %s ELSE -%s END)",
            rest,
            move_type,
            INCOMING_MOVE_TYPES,
            residual,
            residual,
        )

    def _forecast_planned_amount(self, query, taken):
        """What a planned payment of an open invoice counts for, in its own
        currency: its part of the invoice's open amount
        (``_forecast_planned_taken``); one that takes nothing of it is left
        out."""
        alias = query.make_alias(query.table, "crm_taken")
        query.add_join(
            "JOIN",
            alias,
            taken(),
            SQL("%s = %s", SQL.identifier(alias, "id"), SQL.identifier(query.table, "id")),
        )
        amount = SQL.identifier(alias, "amount")
        query.add_where(SQL("%s > 0", amount))
        return amount

    @api.model
    def _forecast_invoice_totals(self, source, model, date_to, granularity, taken):
        """The invoices' part of the forecast's totals: Odoo's grouped read of
        their open instalments (by due day or month, move type and currency),
        then what the planned payments take off them, read for the invoices
        the planned payments name only (``_forecast_invoice_line_rests``): the
        same sums as the report's rows (``_forecast_invoice_rest``) without
        joining every open instalment."""
        _field, values = self._forecast_direction(source)
        totals = [
            # the outgoing lines' open amounts are credits: negative
            (day, direction, currency_id, amount if direction == "incoming" else -amount)
            for day, direction, currency_id, amount in self._forecast_source_totals(
                dict(source, amount="amount_residual_currency", totals=None),
                model,
                date_to,
                granularity,
            )
        ]
        rests = self.env.execute_query(
            SQL(
                """
                SELECT date_trunc(%(unit)s, rest.date)::date, rest.direction, rest.currency_id,
                       SUM(rest.rest - rest.residual)
                  FROM %(rests)s AS rest
                 WHERE rest.date <= %(date_to)s
                   AND rest.company_id = ANY(%(companies)s)
              GROUP BY 1, 2, 3
                """,
                unit=granularity,
                rests=self._forecast_invoice_line_rests(taken),
                date_to=date_to,
                companies=self.env.companies.ids,
            )
        )
        return totals + [row for row in rests if row[3]]

    @api.model
    def _forecast_planned_totals(self, source, model, date_to, granularity, taken):
        """The planned payments of open invoices' part of the forecast's
        totals: what each takes of its invoice (``_forecast_planned_taken``),
        grouped by day or month, direction and currency; the same sums as the
        report's rows (``_forecast_planned_amount``) without the report's
        columns."""
        return self.env.execute_query(
            SQL(
                """
                SELECT date_trunc(%(unit)s, payment.date)::date, payment.direction,
                       payment.currency_id, SUM(taken.amount)
                  FROM %(taken)s AS taken
                  JOIN crm_planned_payment payment ON payment.id = taken.id
                 WHERE taken.amount > 0
                   AND payment.date <= %(date_to)s
                   AND payment.company_id = ANY(%(companies)s)
              GROUP BY 1, 2, 3
                """,
                unit=granularity,
                taken=taken(),
                date_to=date_to,
                companies=self.env.companies.ids,
            )
        )

    @api.model
    def _forecast_source_queries(self):
        """One SELECT per source of ``_forecast_sources`` the user may read, each
        row one expected payment with the report's columns (amounts in their own
        currency)."""
        return [
            self._forecast_source_query(source)
            for source in self._forecast_sources()
            if self._forecast_source_model(source) is not None
        ]

    @api.model
    def _forecast_source_model(self, source):
        """The model to read a source's records with: as superuser, or as the user
        when the source says ``sudo: False`` (None if the user may not read it)."""
        model = self.env[source["model"]]
        if source.get("sudo", True):
            return model.sudo()
        return model if model.has_access("read") else None

    @api.model
    def _forecast_source_query(self, source):
        model = self._forecast_source_model(source)
        query = model._search(source["domain"])
        alias = query.table

        def column(spec, null_type):
            if spec is None:
                return SQL("NULL::%s", SQL(null_type))
            if callable(spec):
                return spec(query)
            if "." in spec:
                fname, sub = spec.split(".", 1)
                comodel = model.env[model._fields[fname].comodel_name]
                joined = query.left_join(alias, fname, comodel._table, "id", fname)
                return comodel._field_to_sql(joined, sub, query)
            return model._field_to_sql(alias, spec, query)

        field, values = self._forecast_direction(source)
        direction = column(field, "varchar")
        if values:
            direction = SQL(
                "CASE %s END",
                SQL(" ").join(
                    SQL("WHEN %s = %s THEN %s", direction, value, target)
                    for value, target in values.items()
                ),
            )
        return query.select(
            SQL(
                "%s * %s + %s AS id",
                SQL.identifier(alias, "id"),
                len(SOURCE_RANK),
                SOURCE_RANK[source["source"]],
            ),
            SQL("%s::varchar AS source", source["source"]),
            SQL(
                "%s::varchar AS kind",
                "committed" if source.get("committed", True) else "pipeline",
            ),
            SQL("%s::varchar AS direction", direction),
            SQL("%s AS date", column(source["date"], "date")),
            SQL("%s AS partner_id", column(source["partner"], "integer")),
            SQL("%s AS company_id", column(source.get("company", "company_id"), "integer")),
            SQL("%s AS original_currency_id", column(source["currency"], "integer")),
            SQL("%s AS amount_currency", column(source["amount"], "numeric")),
            SQL("%s::varchar AS name", column(source["name"], "varchar")),
            *(
                SQL("%s AS %s", column(source.get(key), "integer"), SQL.identifier(f"{key}_id"))
                for key in ("contract", "invoice", "schedule", "planned_payment", "lead")
            ),
        )

    @staticmethod
    def _forecast_direction(source):
        """``(field, {value: direction} or None)`` of a source."""
        direction = source["direction"]
        return direction if isinstance(direction, tuple) else (direction, None)

    @api.model
    def _forecast_query(self):
        today = fields.Date.context_today(self)
        # the current company's rates, whichever company a row is of
        factors = json.dumps(self._forecast_factors(today))
        sources = SQL(" UNION ALL ").join(self._forecast_source_queries())
        # a row whose amount cannot be converted (no rate) refuses the report, as
        # it refuses get_cashflow_forecast and Create Invoices: its figures would
        # otherwise count one unit of its currency as one of the company's
        missing = self.env.execute_query(
            SQL(
                """
                SELECT sources.original_currency_id
                  FROM (%(sources)s) sources
                 WHERE sources.original_currency_id != %(currency)s
                   AND (%(factors)s::jsonb ->> sources.original_currency_id::text) IS NULL
                 LIMIT 1
                """,
                sources=sources,
                currency=self.env.company.currency_id.id,
                factors=factors,
            )
        )
        if missing:
            self._forecast_missing_rate(missing[0][0], today)
        return SQL(
            """
            SELECT src.id, src.source, src.kind, src.direction, src.date, src.partner_id,
                   src.company_id, %(currency)s AS currency_id, src.original_currency_id,
                   src.amount_currency, src.name, src.contract_id, src.invoice_id,
                   src.schedule_id, src.planned_payment_id, src.lead_id,
                   src.date < %(today)s AS is_overdue,
                   -- the committed figures: the pipeline never adds to them
                   CASE WHEN src.kind = 'committed'
                        THEN src.amount_currency * src.factor ELSE 0.0 END AS amount,
                   CASE WHEN src.kind = 'committed' AND src.direction = 'incoming'
                        THEN src.amount_currency * src.factor ELSE 0.0 END AS amount_incoming,
                   CASE WHEN src.kind = 'committed' AND src.direction = 'outgoing'
                        THEN src.amount_currency * src.factor ELSE 0.0 END AS amount_outgoing,
                   CASE WHEN src.kind <> 'committed' THEN 0.0
                        WHEN src.direction = 'incoming' THEN 1.0 ELSE -1.0 END
                        * src.amount_currency * src.factor AS amount_net,
                   CASE WHEN src.kind = 'pipeline'
                        THEN src.amount_currency * src.factor ELSE 0.0 END AS amount_pipeline
              FROM (
                    -- the factor looked up per row in a JSON object: a join to the
                    -- rates would make the planner loop over every currency
                    SELECT sources.*,
                           (%(factors)s::jsonb ->> sources.original_currency_id::text
                           )::numeric AS factor
                      FROM (%(sources)s) sources
                   ) src
            """,
            today=today,
            currency=self.env.company.currency_id.id,
            sources=sources,
            factors=factors,
        )

    @api.model
    def _forecast_totals(self, company, date_to, granularity="day", committed=True):
        """[(date, direction, amount in company currency)] of ``company`` up to
        ``date_to``, of the committed sources (or, ``committed=False``, of the
        others: the weighted pipeline) of ``_forecast_sources``, each grouped
        by due ``granularity`` (day or month: the first day of the month),
        direction and currency (``_forecast_source_totals``), then converted
        with the report's factors, at ``company``'s rates (a few thousand groups
        instead of every row)."""
        report = self.with_context(allowed_company_ids=[company.id])
        report.check_access("read")
        totals = []
        for source in report._forecast_sources():
            if source.get("committed", True) != committed:
                continue
            model = report._forecast_source_model(source)
            if model is None:
                continue
            for day, direction, currency_id, amount in report._forecast_source_totals(
                source, model, date_to, granularity
            ):
                if day and amount:
                    totals.append((day, direction, currency_id, amount))
        # the rates of the currencies found only; one without a rate is refused
        today = fields.Date.context_today(self)
        currencies = {currency_id for _d, _dr, currency_id, _a in totals}
        factors = report._forecast_factors(today, self.env["res.currency"].browse(currencies))
        for currency_id in sorted(currencies):
            if currency_id not in factors:
                report._forecast_missing_rate(currency_id, today)
        return [
            (day, direction, amount * factors[currency_id])
            for day, direction, currency_id, amount in totals
        ]

    @api.model
    def _forecast_source_totals(self, source, model, date_to, granularity):
        """[(day, direction, currency id, amount)] of one source up to
        ``date_to``: its model's ``_read_group`` when its date, amount, currency,
        direction and company are fields, else its report query grouped in
        SQL. ``model``: as ``_forecast_source_model`` gives it (the sources read
        as superuser keep to the allowed companies by their domains)."""
        if source.get("totals"):
            return source["totals"](source, model, date_to, granularity)
        field, values = self._forecast_direction(source)
        date, currency = source["date"], source["currency"]
        specs = (date, currency, field, source["amount"])
        if not all(isinstance(spec, str) for spec in specs) or (
            source.get("company", "company_id") != "company_id"
        ):
            return self.env.execute_query(
                SQL(
                    """
                    SELECT date_trunc(%(unit)s, src.date)::date, src.direction,
                           src.original_currency_id, SUM(src.amount_currency)
                      FROM (%(source)s) src
                     WHERE src.date <= %(date_to)s
                  GROUP BY 1, 2, 3
                  ORDER BY 1
                    """,
                    unit=granularity,
                    source=self._forecast_source_query(source),
                    date_to=date_to,
                )
            )
        return [
            (day, values[direction] if values else direction, currency.id, amount)
            for day, direction, currency, amount in model._read_group(
                source["domain"] + [(date, "<=", date_to)],
                [f"{date}:{granularity}", field, currency],
                [f"{source['amount']}:sum"],
                order=f"{date}:{granularity}",
            )
        ]

    def action_open_source(self):
        """Open what the row stands for: the invoice, the planned payment, the
        contract schedule row or the opportunity."""
        check_one(self)
        record = {
            "invoice": self.invoice_id,
            "planned_payment": self.planned_payment_id,
            "schedule": self.schedule_id,
            "pipeline": self.lead_id,
        }[self.source]
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "views": [(False, "form")],
            "target": "current",
        }
