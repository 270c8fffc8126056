import json

from odoo import api, fields, models
from odoo.tools import SQL, LazyTranslate

from odoo.addons.crm_suite_base.models.policy import owned

_lt = LazyTranslate(__name__)

SOURCES = [
    ("invoice", "Open Invoice"),
    ("planned_payment", "Planned Payment"),
    ("schedule", "Contract Schedule"),
]
DIRECTIONS = [("incoming", "Incoming"), ("outgoing", "Outgoing")]
# a row's id: the source record's id times 3 plus the source's rank, so that the
# three sources never share an id
SOURCE_RANK = {"invoice": 0, "planned_payment": 1, "schedule": 2}
# the invoices of the forecast and which way their money goes
INVOICE_DIRECTIONS = {
    "out_invoice": "incoming",
    "in_refund": "incoming",
    "in_invoice": "outgoing",
    "out_refund": "outgoing",
}


class CrmCashflowForecastReport(models.Model):
    """What money is expected in and out, one row per open invoice, planned payment
    and contract schedule row not invoiced yet; the pivot, graph and list of the
    cash-flow forecast, and what ``crm.contract.get_cashflow_forecast`` sums.

    An invoiced schedule row counts once, through its invoice once that is posted
    (through the row while the invoice is a draft); a planned payment of
    an invoice replaces the invoice's open amount. Amounts are converted at
    today's rate into the currency of the current company, as Odoo's invoice
    analysis does, so that totals over several companies add like amounts."""

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
        ),
        owned(_lt("a report over the invoices, planned payments and contract schedules.")),
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
            "invoice_date_due",
            "move_type",
            "name",
            "payment_state",
            "state",
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
        "crm.contract": ["name"],
        "res.currency.rate": ["company_id", "currency_id", "name", "rate"],
    }

    name = fields.Char(string="Reference", readonly=True, copy=False)
    source = fields.Selection(SOURCES, readonly=True, copy=False)
    direction = fields.Selection(DIRECTIONS, readonly=True, copy=False)
    date = fields.Date(
        string="Expected Date",
        readonly=True,
        copy=False,
        help="Invoices: their due date; planned payments: their date; contract "
        "schedule rows: their date plus the contract's payment term.",
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
        help="In the current company's currency; other currencies at today's rate.",
    )
    amount_incoming = fields.Monetary(string="Incoming", readonly=True, copy=False)
    amount_outgoing = fields.Monetary(string="Outgoing", readonly=True, copy=False)
    amount_net = fields.Monetary(string="Net", readonly=True, copy=False)
    contract_id = fields.Many2one("crm.contract", readonly=True, copy=False)
    invoice_id = fields.Many2one("account.move", readonly=True, copy=False)
    schedule_id = fields.Many2one(
        "crm.contract.schedule", string="Schedule Row", readonly=True, copy=False
    )
    planned_payment_id = fields.Many2one("crm.planned.payment", readonly=True, copy=False)

    @property
    def _table_query(self):
        return self._forecast_query()

    @api.model
    def _forecast_factors(self, today, currencies=None):
        """{(company_id, currency_id): factor}: what one unit of a currency (all of
        them, or ``currencies``) of each allowed company's rows is worth today in
        the current company's currency (that company's own rates, as
        ``res.currency._convert`` reads them)."""
        if currencies is None:
            currencies = self.env["res.currency"].with_context(active_test=False).search([])
        target = self.env.company.currency_id
        currencies |= target
        factors = {}
        for company in self.env.companies:
            rates = currencies._get_rates(company, today)
            own = rates.get(target.id) or 1.0
            for currency_id, rate in rates.items():
                factors[company.id, currency_id] = own / (rate or 1.0)
        return factors

    @api.model
    def _forecast_sources(self):
        """Hook: what the forecast reads, one dict per source, in the allowed
        companies; another addon adds a source by appending one.

        - ``source``: its key in ``SOURCES``; ``model`` and ``domain``: the
          records still expected (read as superuser: the report's or the
          forecast's access is checked first);
        - ``date``, ``amount`` (in ``currency``) and ``currency``: field names;
        - ``direction``: a field whose values are ``incoming`` and ``outgoing``,
          or ``(field, {value: direction})``;
        - ``partner``, ``name``, ``contract``, ``invoice``, ``schedule``,
          ``planned_payment``: the report's other columns, each a field name, a
          ``many2one.field`` path, ``None`` or a function ``(query) -> SQL``.

        The report lists their records (``_forecast_source_queries``) and
        ``crm.contract.get_cashflow_forecast`` groups them with ``_read_group``
        (``_forecast_totals``), so both say the same."""
        companies = self.env.companies.ids
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
        return [
            # open customer invoices and vendor bills, unless a planned payment
            # stands for them
            {
                "source": "invoice",
                "model": "account.move",
                "domain": [
                    ("company_id", "in", companies),
                    ("state", "=", "posted"),
                    ("move_type", "in", tuple(INVOICE_DIRECTIONS)),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("crm_planned_payment_ids", "not any", [("state", "=", "planned")]),
                ],
                "date": "invoice_date_due",
                "amount": "amount_residual",
                "currency": "currency_id",
                "direction": ("move_type", INVOICE_DIRECTIONS),
                "partner": "commercial_partner_id",
                "name": "name",
                "contract": self._forecast_invoice_contract,
                "invoice": "id",
                "schedule": None,
                "planned_payment": None,
            },
            {
                "source": "planned_payment",
                "model": "crm.planned.payment",
                "domain": [("company_id", "in", companies), ("state", "=", "planned")],
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
            },
            # the active contracts' rows not invoiced yet (the partial index
            # crm_contract_schedule_forecast covers them)
            dict(
                schedule,
                domain=[
                    ("company_id", "in", companies),
                    ("state", "=", "planned"),
                    ("contract_state", "=", "active"),
                ],
            ),
            # invoiced as a draft only: still expected through the row
            dict(
                schedule,
                domain=[
                    ("company_id", "in", companies),
                    ("state", "=", "invoiced"),
                    ("contract_state", "=", "active"),
                    ("invoice_id.state", "=", "draft"),
                ],
            ),
        ]

    @api.model
    def _forecast_invoice_contract(self, query):
        """The contract an invoice was made from (the first, if several): a join
        rather than a per-row subquery, cheap to plan and dropped by PostgreSQL
        when the column is not read."""
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
            SQL("%s = %s", SQL.identifier(alias, "invoice_id"), SQL.identifier(query.table, "id")),
        )
        return SQL.identifier(alias, "contract_id")

    @api.model
    def _forecast_source_queries(self):
        """One SELECT per source of ``_forecast_sources``, each row one expected
        payment with the report's columns (amounts in their own currency)."""
        return [self._forecast_source_query(source) for source in self._forecast_sources()]

    @api.model
    def _forecast_source_query(self, source):
        model = self.env[source["model"]].sudo()
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
            SQL("%s * 3 + %s AS id", SQL.identifier(alias, "id"), SOURCE_RANK[source["source"]]),
            SQL("%s::varchar AS source", source["source"]),
            SQL("%s::varchar AS direction", direction),
            SQL("%s AS date", column(source["date"], "date")),
            SQL("%s AS partner_id", column(source["partner"], "integer")),
            SQL("%s AS company_id", column("company_id", "integer")),
            SQL("%s AS original_currency_id", column(source["currency"], "integer")),
            SQL("%s AS amount_currency", column(source["amount"], "numeric")),
            SQL("%s::varchar AS name", column(source["name"], "varchar")),
            *(
                SQL("%s AS %s", column(source[key], "integer"), SQL.identifier(f"{key}_id"))
                for key in ("contract", "invoice", "schedule", "planned_payment")
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
        factors = {f"{c}-{cur}": f for (c, cur), f in self._forecast_factors(today).items()}
        return SQL(
            """
            SELECT src.id, src.source, src.direction, src.date, src.partner_id,
                   src.company_id, %(currency)s AS currency_id, src.original_currency_id,
                   src.amount_currency, src.name, src.contract_id, src.invoice_id,
                   src.schedule_id, src.planned_payment_id,
                   src.date < %(today)s AS is_overdue,
                   src.amount_currency * src.factor AS amount,
                   CASE WHEN src.direction = 'incoming'
                        THEN src.amount_currency * src.factor ELSE 0.0 END AS amount_incoming,
                   CASE WHEN src.direction = 'outgoing'
                        THEN src.amount_currency * src.factor ELSE 0.0 END AS amount_outgoing,
                   CASE WHEN src.direction = 'incoming' THEN 1.0 ELSE -1.0 END
                        * src.amount_currency * src.factor AS amount_net
              FROM (
                    -- the factor looked up per row in a JSON object: a join to the
                    -- rates would make the planner loop over every currency
                    SELECT sources.*,
                           COALESCE(
                               (%(factors)s::jsonb
                                   ->> (sources.company_id || '-' || sources.original_currency_id)
                               )::numeric,
                               1.0
                           ) AS factor
                      FROM (%(sources)s) sources
                   ) src
            """,
            today=today,
            currency=self.env.company.currency_id.id,
            sources=SQL(" UNION ALL ").join(self._forecast_source_queries()),
            factors=json.dumps(factors),
        )

    @api.model
    def _forecast_totals(self, company, date_to, granularity="day"):
        """[(date, direction, amount in company currency)] of ``company`` up to
        ``date_to``: each source of ``_forecast_sources`` grouped with
        ``_read_group`` by due ``granularity`` (day or month: the first day of
        the month), direction and currency, then converted with the report's
        factors (a few thousand groups instead of every row)."""
        report = self.with_context(allowed_company_ids=[company.id])
        report.check_access("read")
        totals = []
        for source in report._forecast_sources():
            # sudo: the report's access is checked above, the sources' domains
            # keep to the company
            model = self.env[source["model"]].sudo()
            field, values = self._forecast_direction(source)
            date = source["date"]
            for day, direction, currency, amount in model._read_group(
                source["domain"] + [(date, "<=", date_to)],
                [f"{date}:{granularity}", field, source["currency"]],
                [f"{source['amount']}:sum"],
                order=f"{date}:{granularity}",
            ):
                if day and amount:
                    totals.append(
                        (day, values[direction] if values else direction, currency.id, amount)
                    )
        # the rates of the currencies found only
        factors = report._forecast_factors(
            fields.Date.context_today(self),
            self.env["res.currency"].browse({currency_id for _d, _dr, currency_id, _a in totals}),
        )
        return [
            (day, direction, amount * factors.get((company.id, currency_id), 1.0))
            for day, direction, currency_id, amount in totals
        ]

    def action_open_source(self):
        """Open what the row stands for: the invoice, the planned payment or the
        contract schedule row."""
        self.ensure_one()
        record = {
            "invoice": self.invoice_id,
            "planned_payment": self.planned_payment_id,
            "schedule": self.schedule_id,
        }[self.source]
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "views": [(False, "form")],
            "target": "current",
        }
