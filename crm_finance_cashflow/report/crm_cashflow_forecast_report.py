import datetime
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
    def _forecast_source_queries(self, detailed=True):
        """Hook: one SELECT per source, each row one expected payment with the
        columns of the first (amounts in their own currency); another addon adds a
        source by appending its query. Read by the report row by row and by
        ``crm.contract.get_cashflow_forecast`` grouped, so both say the same.
        ``detailed=False`` (the totals): only the date, direction, currency and
        amount count, and the planned schedule rows come already summed per day
        from ``crm.contract.schedule.total`` instead of one by one."""
        # joins rather than per-row subqueries: cheap to plan (no JIT) and dropped
        # by PostgreSQL when the columns are not read
        if detailed:
            invoice_contract = SQL("invoice_contract.contract_id")
            invoice_join = SQL(
                """
                LEFT JOIN (
                          SELECT invoice_id, MIN(contract_id) AS contract_id
                            FROM crm_contract_schedule
                           WHERE invoice_id IS NOT NULL
                        GROUP BY invoice_id
                     ) invoice_contract ON invoice_contract.invoice_id = m.id
                """
            )
            contract_name = SQL("contract.name")
            contract_join = SQL("LEFT JOIN crm_contract contract ON contract.id = s.contract_id")
        else:
            invoice_contract, contract_name = SQL("NULL::integer"), SQL("NULL::varchar")
            invoice_join = contract_join = SQL("")
        params = {
            "companies": tuple(self.env.companies.ids),
            "invoice_contract": invoice_contract,
            "contract_name": contract_name,
            "invoice_join": invoice_join,
            "contract_join": contract_join,
        }
        schedule_columns = SQL(
            """
            s.id * 3 + %(rank)s AS id, 'schedule' AS source,
            s.direction,
            s.date_due AS date, s.partner_id, s.company_id,
            s.currency_id AS original_currency_id, s.amount_total AS amount_currency,
            %(contract_name)s AS name, s.contract_id, NULL::integer AS invoice_id,
            s.id AS schedule_id, NULL::integer AS planned_payment_id
            """,
            rank=SOURCE_RANK["schedule"],
            **params,
        )
        return [
            # open customer invoices and vendor bills, unless a planned payment
            # stands for them
            SQL(
                """
                SELECT m.id * 3 + %(rank)s AS id, 'invoice' AS source,
                       CASE WHEN m.move_type IN ('out_invoice', 'in_refund')
                            THEN 'incoming' ELSE 'outgoing' END AS direction,
                       m.invoice_date_due AS date, m.commercial_partner_id AS partner_id,
                       m.company_id, m.currency_id AS original_currency_id,
                       m.amount_residual AS amount_currency, m.name,
                       %(invoice_contract)s AS contract_id, m.id AS invoice_id,
                       NULL::integer AS schedule_id, NULL::integer AS planned_payment_id
                  FROM account_move m
                  %(invoice_join)s
                 WHERE m.company_id IN %(companies)s
                   AND m.state = 'posted'
                   AND m.move_type IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund')
                   AND m.payment_state IN ('not_paid', 'partial')
                   AND NOT EXISTS (
                           SELECT 1 FROM crm_planned_payment p
                            WHERE p.invoice_id = m.id AND p.state = 'planned'
                       )
                """,
                rank=SOURCE_RANK["invoice"],
                **params,
            ),
            SQL(
                """
                SELECT p.id * 3 + %(rank)s AS id, 'planned_payment' AS source, p.direction,
                       p.date, p.partner_id, p.company_id,
                       p.currency_id AS original_currency_id, p.amount AS amount_currency,
                       p.name, p.contract_id, p.invoice_id, NULL::integer AS schedule_id,
                       p.id AS planned_payment_id
                  FROM crm_planned_payment p
                 WHERE p.company_id IN %(companies)s AND p.state = 'planned'
                """,
                rank=SOURCE_RANK["planned_payment"],
                **params,
            ),
            # the active contracts' rows not invoiced yet
            SQL(
                """
                SELECT %(columns)s
                  FROM crm_contract_schedule s
                  %(contract_join)s
                 WHERE s.company_id IN %(companies)s AND s.contract_state = 'active'
                   AND s.state = 'planned'
                """,
                columns=schedule_columns,
                **params,
            )
            if detailed
            # the same, summed per day
            else SQL(
                """
                SELECT NULL::integer AS id, 'schedule' AS source, t.direction,
                       t.date_due AS date, NULL::integer AS partner_id, t.company_id,
                       t.currency_id AS original_currency_id,
                       t.amount_total AS amount_currency, NULL::varchar AS name,
                       NULL::integer AS contract_id, NULL::integer AS invoice_id,
                       NULL::integer AS schedule_id, NULL::integer AS planned_payment_id
                  FROM crm_contract_schedule_total t
                 WHERE t.company_id IN %(companies)s
                """,
                **params,
            ),
            # invoiced as a draft only: still expected through the row
            SQL(
                """
                SELECT %(columns)s
                  FROM account_move inv
                  JOIN crm_contract_schedule s ON s.invoice_id = inv.id
                  %(contract_join)s
                 WHERE inv.state = 'draft' AND s.company_id IN %(companies)s
                   AND s.contract_state = 'active' AND s.state = 'invoiced'
                """,
                columns=schedule_columns,
                **params,
            ),
        ]

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
    def _forecast_totals(self, company, date_to=None):
        """[(date, direction, amount in company currency)] of ``company`` (up to
        ``date_to``): the sources grouped in SQL by day, direction and currency,
        then converted with the report's factors (a few thousand groups instead of
        every row)."""
        report = self.with_context(allowed_company_ids=[company.id])
        report.check_access("read")
        for model_name, field_names in self._depends.items():
            self.env[model_name].flush_model(field_names)
        # grouped source by source: cheaper than grouping their union
        self.env.cr.execute(
            SQL(" UNION ALL ").join(
                SQL(
                    """
                    SELECT date, direction, original_currency_id,
                           SUM(amount_currency)::float
                      FROM (%s) source
                     WHERE date <= %s
                  GROUP BY date, direction, original_currency_id
                    """,
                    query,
                    date_to or datetime.date.max,
                )
                for query in report._forecast_source_queries(detailed=False)
            )
        )
        totals = self.env.cr.fetchall()
        # the rates of the currencies found only
        factors = report._forecast_factors(
            fields.Date.context_today(self),
            self.env["res.currency"].browse({currency_id for _d, _dr, currency_id, _a in totals}),
        )
        return [
            (date, direction, amount * factors.get((company.id, currency_id), 1.0))
            for date, direction, currency_id, amount in totals
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
