from bisect import bisect_right
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.crm_suite_base.models.policy import check_date

from .account_payment import DONE_STATES

GRANULARITIES = {
    "week": relativedelta(weeks=1),
    "month": relativedelta(months=1),
    "quarter": relativedelta(months=3),
    "year": relativedelta(years=1),
}
MAX_PERIODS = 120


class CrmContract(models.Model):
    _inherit = "crm.contract"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def get_cashflow_forecast(
        self, date_from, date_to, granularity="month", company_id=None, include_pipeline=False
    ):
        """Expected incoming and outgoing money per period, in the company currency.

        Sources: open customer invoices and vendor bills by due date (their open
        amount, less their planned payments: never below zero), planned payments by
        date (a planned payment of an invoice counts at its date, the rest of the
        invoice's open amount at the invoice's due date), and contract schedule
        rows not invoiced yet (expected payment date: the row's date plus the
        contract's payment term);
        an invoiced row counts once, through its invoice. Foreign amounts convert at
        today's rate. ``opening`` is the balance of the bank and cash journals the
        day before ``date_from``, their outstanding receipts and payments accounts
        included (a posted payment not yet on a bank statement); the money posted
        on those accounts from ``date_from`` on counts in its period's incoming or
        outgoing, so that posting a planned payment leaves the cash unchanged.

        Returns a list: first the ``overdue`` bucket (what was expected before
        ``date_from`` and is still open), then one dict per period with period,
        date_from, date_to, opening, incoming, outgoing, net, cumulative.

        ``include_pipeline=True`` adds to each dict ``pipeline``: the weighted
        pipeline (open opportunities' expected revenue times their probability,
        at their expected closing date plus the client's payment term, until the
        opportunity has an active customer contract or a confirmed order), apart
        from the committed figures, which it never changes. Only the
        opportunities the user may read count (crm.lead's access rights and
        record rules); a user without read access to opportunities is refused."""
        user = self.env.user
        if not (
            self.env.su
            or user.has_group("account.group_account_invoice")
            or user.has_group("account.group_account_readonly")
        ):
            raise AccessError(self.env._("The cash-flow forecast is for accounting users."))
        start, end = self._forecast_date(date_from), self._forecast_date(date_to)
        if end < start:
            raise UserError(self.env._("The forecast ends before it starts."))
        if not isinstance(granularity, str) or granularity not in GRANULARITIES:
            raise UserError(
                self.env._(
                    "Unknown granularity %(value)r: week, month, quarter or year.",
                    value=granularity,
                )
            )
        if not isinstance(include_pipeline, bool):
            raise UserError(self.env._("include_pipeline must be true or false."))
        if company_id is not None and (
            isinstance(company_id, bool)
            or not isinstance(company_id, int)
            or not 0 < company_id < 2**31
        ):
            raise UserError(self.env._("company_id must be one company id."))
        company = self.env["res.company"].browse(company_id) if company_id else self.env.company
        # one of the selected companies (allowed_company_ids, which Odoo keeps
        # within the user's), as Odoo's multi-company reads are
        if company not in self.env.companies and not self.env.su:
            raise AccessError(self.env._("You have no access to that company."))
        if include_pipeline and not self.env["crm.lead"].has_access("read"):
            raise AccessError(
                self.env._("The forecast's pipeline is for users who may read the opportunities.")
            )
        periods = self._forecast_periods(start, end, granularity)
        # whole months when the periods are made of them (fewer groups to read)
        unit = "month" if granularity != "week" and start.day == 1 else "day"
        forecast = self.with_company(company)
        items = forecast._forecast_items(company, end, unit)
        if include_pipeline:
            # apart from the committed figures, under its own key
            items += [
                (date, "pipeline", amount)
                for date, _direction, amount in forecast._forecast_items(
                    company, end, unit, committed=False
                )
            ]
        # the money already moved from date_from on: in its period, as the
        # expected money it replaces (a posted planned payment, a paid invoice)
        items += forecast._forecast_posted(company, start, end, unit)
        opening = forecast._forecast_opening(company, start)
        overdue = {"incoming": 0.0, "outgoing": 0.0, "pipeline": 0.0}
        sums = defaultdict(lambda: {"incoming": 0.0, "outgoing": 0.0, "pipeline": 0.0})
        starts = [p_start for _label, p_start, _p_end in periods]
        for date, direction, amount in items:
            if date < start:
                overdue[direction] += amount
            elif date <= end:
                sums[bisect_right(starts, date) - 1][direction] += amount
        rnd = company.currency_id.round
        result = [
            {
                "period": "overdue",
                "date_from": False,
                "date_to": fields.Date.to_string(start - relativedelta(days=1)),
                "opening": False,
                "incoming": rnd(overdue["incoming"]),
                "outgoing": rnd(overdue["outgoing"]),
                "net": rnd(overdue["incoming"] - overdue["outgoing"]),
                "cumulative": False,
            }
        ]
        if include_pipeline:
            result[0]["pipeline"] = rnd(overdue["pipeline"])
        cumulative = opening
        for index, (label, p_start, p_end) in enumerate(periods):
            incoming, outgoing = sums[index]["incoming"], sums[index]["outgoing"]
            period_opening = cumulative
            cumulative += incoming - outgoing
            result.append(
                {
                    "period": label,
                    "date_from": fields.Date.to_string(p_start),
                    "date_to": fields.Date.to_string(p_end),
                    "opening": rnd(period_opening),
                    "incoming": rnd(incoming),
                    "outgoing": rnd(outgoing),
                    "net": rnd(incoming - outgoing),
                    "cumulative": rnd(cumulative),
                }
            )
            if include_pipeline:
                result[-1]["pipeline"] = rnd(sums[index]["pipeline"])
        return result

    @api.model
    def _forecast_date(self, value):
        """``value`` as a date a business uses (1900-2200), else a UserError."""
        return check_date(self.env, value, self.env._("The forecast's dates"))

    @api.model
    def _forecast_periods(self, start, end, granularity):
        step = GRANULARITIES[granularity]
        if granularity == "month":
            first = start.replace(day=1)
        elif granularity == "quarter":
            first = start.replace(day=1, month=(start.month - 1) // 3 * 3 + 1)
        elif granularity == "year":
            first = start.replace(day=1, month=1)
        else:
            first = start - relativedelta(days=start.weekday())
        periods, current = [], first
        while current <= end:
            nxt = current + step
            periods.append(
                (
                    self._forecast_label(current, granularity),
                    max(current, start),
                    min(nxt - relativedelta(days=1), end),
                )
            )
            if len(periods) > MAX_PERIODS:
                raise UserError(
                    self.env._("A forecast has at most %(max)s periods.", max=MAX_PERIODS)
                )
            current = nxt
        return periods

    @staticmethod
    def _forecast_label(day, granularity):
        if granularity == "month":
            return day.strftime("%Y-%m")
        if granularity == "quarter":
            return f"{day.year} Q{(day.month - 1) // 3 + 1}"
        if granularity == "year":
            return str(day.year)
        return f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"

    @api.model
    def _forecast_cash_accounts(self, company):
        """The accounts holding ``company``'s money: its bank and cash journals'
        own accounts and their outstanding receipts and payments accounts, where
        Odoo posts a payment until it is matched with a bank statement line
        (the payment method lines' account, else the company's default
        outstanding accounts, as ``account.payment`` takes them)."""
        journals = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "in", ("bank", "cash"))]
        )
        accounts = journals.default_account_id
        for method_lines, xmlid in (
            (journals.inbound_payment_method_line_ids, "account_journal_payment_debit_account_id"),
            (
                journals.outbound_payment_method_line_ids,
                "account_journal_payment_credit_account_id",
            ),
        ):
            accounts |= method_lines.payment_account_id
            if any(not line.payment_account_id for line in method_lines):
                # sudo: the company's chart, as account.payment reads it
                chart = (
                    self.env["account.chart.template"]
                    .sudo()
                    .with_context(allowed_company_ids=company.root_id.ids)
                )
                default = (
                    chart.ref(xmlid, raise_if_not_found=False) or company.sudo().transfer_account_id
                )
                accounts |= self.env["account.account"].browse(default.ids)
        return accounts

    @api.model
    def _forecast_opening(self, company, start):
        """The balance of ``company``'s money (``_forecast_cash_accounts``) the
        day before ``start``: its bank and cash journals' balance and the
        payments posted but not yet on a bank statement."""
        accounts = self._forecast_cash_accounts(company)
        if not accounts:
            return 0.0
        [(balance,)] = self.env["account.move.line"]._read_group(
            [
                ("account_id", "in", accounts.ids),
                ("parent_state", "=", "posted"),
                ("date", "<", start),
                ("company_id", "=", company.id),
                *self._forecast_paying_domain(),
            ],
            [],
            ["balance:sum"],
        )
        return balance or 0.0

    @api.model
    def _forecast_paying_domain(self):
        """Leaves out the journal entries of payments that pay nothing (their
        state cancelled, rejected or draft): Odoo keeps a rejected payment's
        entry posted (and a payment whose state is written directly keeps its
        entry as it was), but its money never came or left, and its planned
        payments are planned again (``account.payment.write``): counted as
        posted too, it would count twice. The payment's state is the one
        source of truth, for the planned payment as for the money."""
        # in positive terms: a negation over the path would leave out the
        # entries of no payment too (NOT (NULL IN ...) is not true in SQL)
        return [
            "|",
            ("move_id.origin_payment_id", "=", False),
            ("move_id.origin_payment_id.state", "in", DONE_STATES),
        ]

    @api.model
    def _forecast_posted(self, company, start, end, granularity="day"):
        """[(date, "incoming"|"outgoing", amount in company currency)]: the money
        posted on ``company``'s bank, cash and outstanding accounts from
        ``start`` to ``end``, by day or month (its first day). Each entry counts
        by its net on those accounts: a bank statement line matched with a
        payment (the payment's outstanding account to the bank's) moves
        nothing."""
        accounts = self._forecast_cash_accounts(company)
        if not accounts:
            return []
        groups = self.env["account.move.line"]._read_group(
            [
                ("account_id", "in", accounts.ids),
                ("parent_state", "=", "posted"),
                ("date", ">=", start),
                ("date", "<=", end),
                ("company_id", "=", company.id),
                *self._forecast_paying_domain(),
            ],
            [f"date:{granularity}", "move_id"],
            ["balance:sum"],
        )
        return [
            (day, "incoming" if balance > 0 else "outgoing", abs(balance))
            for day, _move, balance in groups
            if not company.currency_id.is_zero(balance)
        ]

    @api.model
    def _forecast_items(self, company, date_to, granularity="day", committed=True):
        """[(date, "incoming"|"outgoing", amount in company currency)] up to
        ``date_to``, by day or by month (its first day): the committed sources
        of the forecast report (``committed=False``: the weighted pipeline),
        grouped, so that the method and the report never disagree."""
        return self.env["crm.cashflow.forecast.report"]._forecast_totals(
            company, date_to, granularity, committed=committed
        )
