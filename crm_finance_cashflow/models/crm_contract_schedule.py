import logging

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, LazyTranslate, html2plaintext

from odoo.addons.crm_suite_base.models.policy import (
    check_date,
    is_privileged,
    owned,
    privileged,
)

_lt = LazyTranslate(__name__)

_logger = logging.getLogger(__name__)

SCHEDULE_STATES = [("planned", "Planned"), ("invoiced", "Invoiced"), ("cancelled", "Cancelled")]
ONE_INVOICE_INDEX = "crm_contract_schedule_one_invoice_line"
FORECAST_INDEX = "crm_contract_schedule_forecast"
ONE_ROW_INDEX = "crm_contract_schedule_one_row_line_date"
#: what invoicing a contract raises when another worker has just invoiced it
#: (committed after this transaction started: SerializationFailure) or is
#: invoicing it (its rows locked: LockNotAvailable; a second invoice line of a
#: row: UniqueViolation)
INVOICED_ELSEWHERE = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.UniqueViolation,
)


def last_due_date(term, day):
    """When the money of ``day`` is expected under payment term ``term``: the due
    date of the term's last line, as Odoo computes each line's
    (``account.payment.term.line._get_due_date``); ``day`` without a term."""
    if not term or not day:
        return day
    return max([line._get_due_date(day) for line in term.line_ids] or [day])


class CrmContractSchedule(models.Model):
    """One expected invoice of a contract line."""

    _name = "crm.contract.schedule"
    _description = "Contract Schedule"
    _inherit = ["crm.write.policy.mixin"]
    _order = "date, id"
    _check_company_auto = True
    # every field moves the cash-flow forecast: the rows are the contract's
    _crm_write_policy = dict.fromkeys(
        (
            "contract_id",
            "contract_line_id",
            "company_id",
            "partner_id",
            "contract_type",
            "direction",
            "contract_state",
            "user_id",
            "name",
            "date",
            "currency_id",
            "amount_untaxed",
            "amount_total",
            "payment_term_id",
            "date_due",
            "state",
            "invoice_id",
        ),
        owned(
            _lt(
                "the schedule follows from the contract's lines; invoices are created by "
                "Create Invoices."
            )
        ),
    ) | dict.fromkeys(("alert_sent", "alert_activity_id"), owned(_lt("kept by the alerts cron.")))

    contract_id = fields.Many2one(
        "crm.contract", required=True, ondelete="cascade", index=True, copy=False
    )
    contract_line_id = fields.Many2one("crm.contract.line", ondelete="set null", copy=False)
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    contract_type = fields.Selection(related="contract_id.contract_type", store=True)
    direction = fields.Selection(
        [("incoming", "Incoming"), ("outgoing", "Outgoing")],
        compute="_compute_direction",
        store=True,
        help="Customer contracts bring money in, supplier contracts take it out.",
    )
    contract_state = fields.Selection(
        related="contract_id.state", string="Contract Status", store=True, index=True
    )
    user_id = fields.Many2one(related="contract_id.user_id", store=True)
    name = fields.Char(related="contract_line_id.name")
    date = fields.Date(required=True, index=True, copy=False, help="When the invoice is expected.")
    currency_id = fields.Many2one(related="contract_id.currency_id", store=True)
    amount_untaxed = fields.Monetary(copy=False)
    amount_total = fields.Monetary(copy=False)
    payment_term_id = fields.Many2one(related="contract_id.payment_term_id", store=True)
    date_due = fields.Date(
        string="Expected Payment",
        compute="_compute_date_due",
        store=True,
        index=True,
        help="When the money is expected: the row's date plus the contract's payment term.",
    )
    state = fields.Selection(SCHEDULE_STATES, default="planned", required=True, index=True)
    invoice_id = fields.Many2one("account.move", readonly=True, copy=False, index="btree_not_null")
    alert_sent = fields.Boolean(readonly=True, copy=False)
    alert_activity_id = fields.Many2one(
        "mail.activity",
        string="Supplier Invoice Alert",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
        help="The alerts cron's reminder that this row's supplier invoice is expected: "
        "done when the row is billed, removed when it is cancelled or no longer expected.",
    )

    @api.depends("contract_type")
    def _compute_direction(self):
        for row in self:
            row.direction = "incoming" if row.contract_type == "customer" else "outgoing"

    @api.depends("date", "payment_term_id")
    def _compute_date_due(self):
        for row in self:
            row.date_due = last_due_date(row.payment_term_id, row.date)

    def init(self):
        # what the cash-flow forecast groups: the planned rows of active and
        # expired contracts (the invoiced history grows, they do not), with the
        # grouped columns, so that PostgreSQL can read the index alone; the
        # index of before (active contracts only) is replaced
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'crm_contract_schedule' "
            "AND indexname = %s",
            [FORECAST_INDEX],
        )
        [indexdef] = self.env.cr.fetchone() or [None]
        if indexdef and "expired" not in indexdef:
            self.env.cr.execute(SQL("DROP INDEX %s", SQL.identifier(FORECAST_INDEX)))
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS %s
                    ON crm_contract_schedule (company_id, date_due)
               INCLUDE (direction, currency_id, amount_total)
                 WHERE state = 'planned' AND contract_state IN ('active', 'expired')
                """,
                SQL.identifier(FORECAST_INDEX),
            )
        )
        self._init_one_row_index()

    def _init_one_row_index(self):
        """One live row (planned or invoiced) per line and date: a second would
        be invoiced twice. The schedule's rebuild and the open-ended contracts'
        daily top-up both keep to it; the index also reads a line's last row.
        A database that has such twins already keeps them (and a warning) until
        they are sorted out."""
        cr = self.env.cr
        cr.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [ONE_ROW_INDEX])
        if cr.fetchone():
            return
        cr.execute(
            """
            SELECT contract_line_id, date
              FROM crm_contract_schedule
             WHERE contract_line_id IS NOT NULL AND state != 'cancelled'
          GROUP BY contract_line_id, date
            HAVING COUNT(*) > 1
             LIMIT 10
            """
        )
        twins = cr.fetchall()
        if twins:
            _logger.warning(
                "%s not created: schedule rows of the same line and date %s",
                ONE_ROW_INDEX,
                twins,
            )
            return
        cr.execute(
            SQL(
                """
                CREATE UNIQUE INDEX %s
                    ON crm_contract_schedule (contract_line_id, date)
                 WHERE contract_line_id IS NOT NULL AND state != 'cancelled'
                """,
                SQL.identifier(ONE_ROW_INDEX),
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not is_privileged(self):
            raise UserError(self.env._("Schedule rows follow from the contract's lines."))
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_planned_or_invoiced(self):
        """Rows are deleted only by the schedule's own methods (as they are
        created: an amendment, a removed line), and an invoiced row is kept
        (the record of its invoice). Not when the module is uninstalled: its
        rows go with their table; the uninstall flag counts only for
        administrators (crm_suite_base's extension of ``base``)."""
        if not is_privileged(self):
            raise UserError(self.env._("Schedule rows follow from the contract's lines."))
        if any(r.state == "invoiced" for r in self):
            raise UserError(self.env._("An invoiced schedule row is kept."))

    def unlink(self):
        # a row no longer expected (an amendment, its line removed): its alert is moot
        self._crm_close_alerts()
        return super().unlink()

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") in ("invoiced", "cancelled"):
            self._crm_close_alerts()
        return res

    def _crm_close_alerts(self):
        """The open supplier-invoice alerts of these rows, answered or moot: an
        invoiced row's is marked done (the bill is there, as a user would mark
        it, and the chatter says so), a cancelled or removed row's is deleted
        (nothing is expected any more, as Odoo removes a moot activity)."""
        # sudo: the alerts cron's reminder, whoever bills or amends (its
        # assignee may be another user)
        rows = self.sudo().filtered(lambda r: r.alert_activity_id.active)
        billed = rows.filtered(lambda r: r.state == "invoiced" and r.invoice_id)
        moot = (rows - billed).alert_activity_id
        for row in billed:
            row.alert_activity_id.action_feedback(
                feedback=self.env._("Bill %(bill)s created.", bill=row.invoice_id.display_name)
            )
        moot.unlink()

    def _set_state(self, state):
        privileged(self).write({"state": state})

    def _crm_take_line_amounts(self):
        """These rows' amounts are their line's (its price, quantity and taxes of
        now), as the schedule plans them."""
        for line, rows in self.filtered("contract_line_id").grouped("contract_line_id").items():
            vals = {"amount_untaxed": line.price_subtotal, "amount_total": line.price_total}
            rows = rows.filtered(
                lambda r, v=vals: (r.amount_untaxed, r.amount_total)
                != (v["amount_untaxed"], v["amount_total"])
            )
            if rows:
                privileged(rows).write(vals)

    def _crm_invoiceable(self):
        """A row still to be invoiced when planned: its line exists (a row whose
        line was deleted has nothing to invoice) and its contract is active, or
        expired and the row dated on or before its end (due while it ran)."""
        self.ensure_one()
        contract = self.contract_id
        if not self.contract_line_id:
            return False
        return contract.state == "active" or (
            contract.state == "expired"
            and bool(contract.date_end)
            and self.date <= contract.date_end
        )


class CrmContract(models.Model):
    _inherit = "crm.contract"  # pylint: disable=consider-merging-classes-inherited

    @api.returns("account.move", lambda moves: moves.ids)
    def action_create_invoices(self, date=None):
        """Invoice (customer contracts) or bill (supplier contracts) the planned
        schedule rows due by ``date`` (default today) of active contracts, and of
        expired ones those dated on or before their end, one document per contract in
        its currency; the amounts in company currency use the rate of the invoice
        date (Odoo's own conversion). A missing rate for that date is a UserError and
        nothing is created. Returns the invoices created (ids over XML-RPC)."""
        self._check_finance_user()
        date = (
            check_date(self.env, date, self.env._("The invoice date"))
            if date is not None and date is not False
            else fields.Date.context_today(self)
        )
        rows = self.schedule_ids.filtered(lambda r: r.state == "planned" and r.date <= date)
        rows = rows.filtered(lambda r: r._crm_invoiceable())
        if not rows:
            return self.env["account.move"]
        # serialize with any other worker invoicing the same rows
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM crm_contract_schedule WHERE id = ANY(%s) "
                    "ORDER BY id FOR UPDATE NOWAIT",
                    [rows.ids],
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable as exc:
            raise UserError(
                self.env._("These contracts are being invoiced right now: try again in a moment.")
            ) from exc
        rows.invalidate_recordset(["state"])
        rows = rows.filtered(lambda r: r.state == "planned")
        # each contract converts with its own company's rates (a branch's are its
        # root company's, as Odoo reads them): every (company, currency) pair
        # needs a rate, else Odoo would fall back to 1.0
        pairs = {(r.company_id, r.currency_id) for r in rows}
        for company, currency in sorted(pairs, key=lambda p: (p[0].id, p[1].id)):
            currency._crm_check_rate(
                company,
                date,
                lambda **values: self.env._(
                    "There is no exchange rate of %(currency)s on or before %(date)s in "
                    "%(company)s: update the rates before invoicing.",
                    **values,
                ),
            )
        moves = self.env["account.move"]
        for contract, contract_rows in rows.grouped("contract_id").items():
            moves |= contract._create_invoice(contract_rows, date)
        return moves

    def _create_invoice(self, rows, date):
        """The invoice of ``rows`` (planned, locked, all of this contract) dated
        ``date``, and the rows marked invoiced by it."""
        self.ensure_one()
        vals = self._prepare_invoice_values(rows, date)
        try:
            with self.env.cr.savepoint():
                # sudo: the contract's invoicing (checked above) creates the
                # document as accounting would; salespeople have no invoice rights
                move = self.env["account.move"].sudo().with_company(self.company_id).create(vals)
        except psycopg2.errors.UniqueViolation as exc:
            raise UserError(
                self.env._("These schedule rows were just invoiced by another user.")
            ) from exc
        privileged(rows).write({"state": "invoiced", "invoice_id": move.id})
        # logged as Odoo logs what its own flows do (the user may write the
        # contract, checked by action_create_invoices, or the daily run): a
        # billing user without an e-mail address invoices too
        self._message_log(body=self.env._("Invoice %(move)s created.", move=move._get_html_link()))
        return self.env["account.move"].browse(move.id)

    def _prepare_invoice_values(self, rows, date):
        """Hook: the values of the invoice (customer contracts) or bill (supplier
        contracts) of this contract's schedule ``rows`` dated ``date``, one line
        per row (``_prepare_invoice_line_values``). An addon adds an analytic
        distribution, a fiscal position rule or a narration here; the lines'
        link to their row (``crm_contract_schedule_id``) is what keeps a row from
        being invoiced twice and must stay.

        A customer invoice's salesperson is the contract's responsible and its
        sales team the lead's (``_crm_invoice_team``), as a sale order's invoice
        carries the order's, whoever invoices (a billing user, the daily run):
        its commissions, the responsible's access to it (Odoo's *Personal
        Invoices*) and the lead's figures follow. A contract without a
        responsible gives an invoice without a salesperson, as an order without
        one does (Odoo would otherwise name the user who invoices, or OdooBot).
        Vendor bills have no salesperson (Odoo clears it)."""
        self.ensure_one()
        vals = {
            "move_type": "out_invoice" if self.contract_type == "customer" else "in_invoice",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "invoice_date": date,
            "invoice_payment_term_id": self.payment_term_id.id,
            # without a term the invoice is due on its date (Odoo would say today)
            "invoice_date_due": date if not self.payment_term_id else False,
            "invoice_origin": self.name,
            "crm_contract_id": self.id,
            "invoice_line_ids": [
                Command.create(self._prepare_invoice_line_values(row)) for row in rows
            ],
        }
        if self.contract_type == "customer":
            vals["invoice_user_id"] = self.user_id.id
            vals["team_id"] = self._crm_invoice_team().id
        return vals

    def _crm_invoice_team(self):
        """The sales team of the contract's customer invoices: its lead's (of
        the contract's company or of none), else its responsible's, as Odoo
        gives an invoice its salesperson's team (``account.move._compute_team_id``),
        else none."""
        self.ensure_one()
        # sudo: the lead's team and the responsible's teams, whoever invoices
        contract = self.sudo()
        company = contract.company_id
        team = contract.lead_id.team_id
        if team and (not team.company_id or team.company_id in company.parent_ids):
            return team
        Team = self.env["crm.team"]
        user = contract.user_id
        if not user.sale_team_id:
            return Team
        return (
            Team.sudo()
            .with_company(company)
            ._get_default_team_id(user_id=user.id, domain=[("company_id", "=", company.id)])
        )

    def _prepare_invoice_line_values(self, row):
        """Hook: the values of the invoice line of schedule ``row``."""
        self.ensure_one()
        line = row.contract_line_id
        return {
            "product_id": line.product_id.id,
            "name": line.name or self.name,
            "quantity": line.quantity,
            "price_unit": line.price_unit,
            "tax_ids": [Command.set(line.tax_ids.ids)],
            "crm_contract_schedule_id": row.id,
        }

    @api.model
    def _cron_create_invoices(self):
        """Invoice the rows due today, contract by contract: each in its own
        savepoint, so that one contract's refusal (no rate of its currency, ...)
        is logged and noted on its chatter (once a day) and the others are
        invoiced all the same. A contract another worker has just invoiced (a
        user's Create Invoices committed after the run started) or is invoicing
        is logged and skipped: that worker's invoice stands."""
        # the expired contracts whose rows due while they ran are still planned
        domain = [
            "|",
            ("state", "=", "active"),
            "&",
            ("state", "=", "expired"),
            ("schedule_ids", "any", [("state", "=", "planned")]),
        ]
        contracts = self.search(domain)
        contracts._crm_update_rates_before_invoicing(fields.Date.context_today(self))
        for contract in contracts:
            # the run has no language: what it writes on the contract (its
            # notes, a refusal's message) is in the language of who reads it
            reader = contract._crm_in_reader_lang()
            try:
                with self.env.cr.savepoint():
                    reader.action_create_invoices()
            except INVOICED_ELSEWHERE as exc:
                contract._crm_log_invoiced_elsewhere(exc)
            except UserError as exc:
                if isinstance(exc.__cause__, INVOICED_ELSEWHERE):
                    # Create Invoices' own message of a concurrent worker
                    contract._crm_log_invoiced_elsewhere(exc)
                    continue
                _logger.warning(
                    "contract %s (id %s) not invoiced: %s", contract.name, contract.id, exc
                )
                reader._crm_note_invoicing_error(str(exc))
        return True

    def _crm_update_rates_before_invoicing(self, date):
        """Before the daily run invoices these contracts: the rates of the
        companies (with a provider) of their foreign-currency rows due by
        ``date`` that were not updated on ``date`` yet are updated now, as their
        cron does. An invoice keeps the rate of its creation (Odoo's
        ``invoice_currency_rate``, not recomputed when a rate comes later): an
        invoice made before the day's update would stay at the day before's.
        Under the rates cron's lock, as Odoo's cron runner takes it: the runner
        leaves that cron until this run ends, and the two never write the day's
        rates at once; while that cron runs (its lock taken), the invoices
        convert at the rates at hand."""
        Company = self.env["res.company"]
        if not self or Company._crm_rates_by_oca():
            return
        # sudo: the run reads every contract's rows and companies
        rows = (
            self.env["crm.contract.schedule"]
            .sudo()
            .search(
                [
                    ("contract_id", "in", self.ids),
                    ("state", "=", "planned"),
                    ("date", "<=", date),
                ]
            )
        )
        foreign = rows.filtered(lambda r: r.currency_id != r.company_id.currency_id)
        roots = foreign.company_id.root_id
        if not roots:
            return

        def updated(company):
            last = company.crm_rate_last_update
            return bool(last) and fields.Datetime.context_timestamp(self, last).date() >= date

        # sudo: the companies whose rates convert these invoices, whoever runs it
        stale = (
            Company.sudo()
            .search([("crm_rate_provider", "!=", "none")])
            .filtered(lambda c: c.root_id in roots and not updated(c))
        )
        if not stale:
            return
        cron = self.env.ref(
            "crm_finance_cashflow.ir_cron_crm_currency_rates", raise_if_not_found=False
        )
        if cron:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM ir_cron WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
                    cron.id,
                )
            )
            if not self.env.cr.fetchone():
                _logger.info(
                    "exchange rates of %s: their update is running, the invoices convert "
                    "at the rates at hand",
                    ", ".join(stale.mapped("name")),
                )
                return
        _logger.info(
            "exchange rates of %s not updated today yet: updated before invoicing",
            ", ".join(stale.mapped("name")),
        )
        stale._crm_update_rates()

    def _crm_log_invoiced_elsewhere(self, error):
        """The daily run leaves a contract another worker has just invoiced, or
        is invoicing: that worker's invoice stands, nothing is noted on the
        contract."""
        _logger.info(
            "contract %s (id %s) skipped: another worker is invoicing it (%s)",
            self.name,
            self.id,
            str(error).strip(),
        )

    def _crm_note_invoicing_error(self, error):
        """A note on the contract's chatter that the daily run could not invoice
        it, with the error; at most one with the same error a (UTC) day. In
        the language of who reads it (``_crm_reader_lang``), as ``error``."""
        self.ensure_one()
        body = self._crm_in_reader_lang().env._(
            "The daily run could not invoice this contract: %(error)s", error=error
        )
        # the day in UTC, as the messages' dates
        today = fields.Datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        # sudo: the contract's own chatter, whoever runs the cron
        notes = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("date", ">=", today),
                ]
            )
        )
        if any(html2plaintext(note.body or "").strip() == body for note in notes):
            return
        # logged as the other notes of the contract's runs (_create_invoice)
        self._message_log(body=body)
