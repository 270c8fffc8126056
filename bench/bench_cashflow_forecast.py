#!/usr/bin/env python3
"""The cash-flow forecast: crm_finance_cashflow vs the plain grouped reads of its sources.

In one transaction that is rolled back at the end (the database is left
unchanged): ``--contracts`` active contracts (default 5,000, a tenth of them
supplier contracts, a fifth in a foreign currency) with one monthly line over
``--months`` months (default 36), so one planned schedule row per contract and
month, ``--invoices`` posted open customer invoices and vendor bills (default
50,000; each with its product line and its receivable or payable line, a
quarter of them in two instalments, 30 % at the invoice date and 70 % at the
due date) and ``--payments`` planned payments (default 5,000, a fifth of them
for an open invoice, whose open amount they reduce in the forecast), spread
over the same months, all inserted with plain SQL. Then, alternately (the machine may be
shared), each timed as the minimum of ``--runs`` runs:

- ``crm.contract.get_cashflow_forecast`` over the months (every source, the
  draft-invoiced rows, currency conversion, opening balance, periods and the
  overdue bucket);
- against the plain ``_read_group`` by due month, direction (or move type) and
  currency of its three sources over the same rows: the open invoices' open
  receivable and payable lines (Odoo's instalments), the planned schedule rows
  of active (and expired)
  contracts and the planned payments (of no invoice or of an open one), and the
  planned payments' sums per open invoice (what they take off its open amount).

Prints both times, the ratio (goals: under 1 s, ratio at most 1.3) and the time
per source row. ``--scales 1,10`` measures again after adding rows up to 10
times as many (contracts, invoices, payments), to show whether the time per
row stays flat. Needs a database where ``crm_finance_cashflow`` is installed::

    .venv/bin/python bench/bench_cashflow_forecast.py --db crm_suite [--scales 1,10]
"""

import argparse
import sys
import time

from bench_common import add_odoo_arguments, rolled_back_env


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_odoo_arguments(parser, "crm_finance_cashflow")
    parser.add_argument("--contracts", type=int, default=5000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--invoices", type=int, default=50000)
    parser.add_argument("--payments", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--scales", default="1", help="comma-separated multipliers of the rows, e.g. 1,10"
    )
    args, odoo_args = parser.parse_known_args()
    scales = sorted({int(scale) for scale in args.scales.split(",")})

    with rolled_back_env(
        args,
        odoo_args,
        vacuum=(
            "account_move",
            "account_move_line",
            "crm_contract",
            "crm_contract_schedule",
            "crm_planned_payment",
        ),
    ) as env:
        bench = Bench(env, args.months)
        done = 0
        for scale in scales:
            bench.insert(
                done * args.contracts,
                (scale - done) * args.contracts,
                done * args.invoices,
                (scale - done) * args.invoices,
                done * args.payments,
                (scale - done) * args.payments,
            )
            done = scale
            bench.measure(scale, args.runs)


class Bench:
    def __init__(self, env, months):
        from dateutil.relativedelta import relativedelta

        from odoo import fields

        self.env, self.months = env, months
        self.company = env.company
        self.start = fields.Date.context_today(env.user).replace(day=1)
        self.end = self.start + relativedelta(months=months, days=-1)
        self.foreign = (
            env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", self.company.currency_id.id)], limit=1)
        )
        self.foreign.active = True
        env["res.currency.rate"].create(
            {"currency_id": self.foreign.id, "name": self.start, "rate": 0.2}
        )
        self.partners = env["res.partner"].create(
            [{"name": f"Bench Cash-Flow Partner {i}"} for i in range(200)]
        )
        journals = env["account.journal"].search([("company_id", "=", self.company.id)])
        self.sale = journals.filtered(lambda j: j.type == "sale")[:1]
        self.purchase = journals.filtered(lambda j: j.type == "purchase")[:1]
        accounts = env["account.account"].search(
            [("company_ids", "in", self.company.ids)], order="code, id"
        )
        self.accounts = {
            kind: accounts.filtered(lambda a, kind=kind: a.account_type == kind)[:1].id
            for kind in ("asset_receivable", "liability_payable", "income", "expense")
        }
        env.flush_all()
        self.counts = {"invoices": 0, "rows": 0, "payments": 0}
        self.invoice_lines = 0

    def _params(self, **more):
        return dict(
            {
                "partners": self.partners.ids,
                "n_partners": len(self.partners),
                "company": self.company.id,
                "foreign": self.foreign.id,
                "own": self.company.currency_id.id,
                "start": self.start,
                "end": self.end,
                "months": self.months,
                "sale": self.sale.id,
                "purchase": self.purchase.id,
                "receivable": self.accounts["asset_receivable"],
                "payable": self.accounts["liability_payable"],
                "income": self.accounts["income"],
                "expense": self.accounts["expense"],
            },
            **more,
        )

    def insert(self, c_from, n_contracts, i_from, n_invoices, p_from, n_payments):
        cr = self.env.cr
        print(
            f"inserting {n_contracts} contracts with {self.months} monthly rows, "
            f"{n_invoices} open invoices and {n_payments} planned payments ...",
            flush=True,
        )
        began = time.perf_counter()
        cr.execute(
            """
            INSERT INTO crm_contract (name, partner_id, company_id, currency_id, contract_type,
                   renewal, state, date_start, date_end, create_date, write_date)
            SELECT 'BENCH/' || g, (%(partners)s::int[])[1 + g %% %(n_partners)s], %(company)s,
                   CASE WHEN g %% 5 = 0 THEN %(foreign)s ELSE %(own)s END,
                   CASE WHEN g %% 10 = 0 THEN 'supplier' ELSE 'customer' END,
                   'none', 'active', %(start)s, %(end)s, now(), now()
              FROM generate_series(%(first)s, %(last)s) AS g
         RETURNING id
            """,
            self._params(first=c_from + 1, last=c_from + n_contracts),
        )
        contract_ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            """
            INSERT INTO crm_contract_schedule (contract_id, company_id, partner_id,
                   contract_type, contract_state, direction, currency_id, date, date_due,
                   amount_untaxed, amount_total, state, create_date, write_date)
            SELECT c.id, c.company_id, c.partner_id, c.contract_type, c.state,
                   CASE WHEN c.contract_type = 'customer' THEN 'incoming' ELSE 'outgoing' END,
                   c.currency_id,
                   (%(start)s::date + make_interval(months => m))::date,
                   (%(start)s::date + make_interval(months => m, days => 30))::date,
                   100 + c.id %% 900, 121 + c.id %% 900, 'planned', now(), now()
              FROM crm_contract c, generate_series(0, %(months)s - 1) AS m
             WHERE c.id = ANY(%(ids)s)
            """,
            self._params(ids=contract_ids),
        )
        self.counts["rows"] += cr.rowcount
        cr.execute(
            """
            INSERT INTO account_move (name, journal_id, company_id, currency_id, partner_id,
                   commercial_partner_id, move_type, state, payment_state, auto_post, date,
                   invoice_date, invoice_date_due, amount_total, amount_residual,
                   amount_residual_signed, create_date, write_date)
            SELECT 'BENCH/INV/' || g,
                   CASE WHEN g %% 4 = 0 THEN %(purchase)s ELSE %(sale)s END, %(company)s,
                   CASE WHEN g %% 7 = 0 THEN %(foreign)s ELSE %(own)s END,
                   (%(partners)s::int[])[1 + g %% %(n_partners)s],
                   (%(partners)s::int[])[1 + g %% %(n_partners)s],
                   CASE WHEN g %% 4 = 0 THEN 'in_invoice' ELSE 'out_invoice' END,
                   'posted', CASE WHEN g %% 3 = 0 THEN 'partial' ELSE 'not_paid' END, 'no',
                   %(start)s::date + (g %% (%(months)s * 30)),
                   %(start)s::date + (g %% (%(months)s * 30)),
                   %(start)s::date + (g %% (%(months)s * 30)) + 30,
                   500 + g %% 1000, 400 + g %% 1000, 400 + g %% 1000, now(), now()
              FROM generate_series(%(first)s, %(last)s) AS g
         RETURNING id
            """,
            self._params(first=i_from + 1, last=i_from + n_invoices),
        )
        invoice_ids = [row[0] for row in cr.fetchall()]
        self.counts["invoices"] += len(invoice_ids)
        # their lines: the product line, and the receivable (customer invoice)
        # or payable (vendor bill) line of each instalment, open for the
        # invoice's open amount; a quarter of them in two instalments (30 % at
        # the invoice date, 70 % at the due date); 1 foreign unit is 5 of the
        # company's (the rate above)
        cr.execute(
            """
            INSERT INTO account_move_line (move_id, move_name, journal_id, company_id,
                   company_currency_id, currency_id, partner_id, account_id, display_type,
                   parent_state, date, date_maturity, debit, credit, balance, amount_currency,
                   amount_residual, amount_residual_currency, reconciled, create_date,
                   write_date)
            SELECT m.id, m.name, m.journal_id, m.company_id, %(own)s, m.currency_id,
                   m.partner_id,
                   CASE WHEN part.kind = 'product'
                        THEN CASE WHEN m.move_type = 'out_invoice' THEN %(income)s
                                  ELSE %(expense)s END
                        WHEN m.move_type = 'out_invoice' THEN %(receivable)s
                        ELSE %(payable)s END,
                   part.kind, 'posted', m.date,
                   CASE WHEN part.kind = 'payment_term' AND part.n = 1 AND m.id %% 4 = 1
                        THEN m.invoice_date ELSE m.invoice_date_due END,
                   GREATEST(f.sign * f.share * m.amount_total * f.rate, 0),
                   GREATEST(-f.sign * f.share * m.amount_total * f.rate, 0),
                   f.sign * f.share * m.amount_total * f.rate,
                   f.sign * f.share * m.amount_total,
                   f.open * f.sign * f.share * m.amount_residual * f.rate,
                   f.open * f.sign * f.share * m.amount_residual,
                   FALSE, now(), now()
              FROM account_move m
             CROSS JOIN (VALUES ('product', 1), ('payment_term', 1), ('payment_term', 2))
                   AS part(kind, n)
             CROSS JOIN LATERAL (
                    SELECT -- a customer invoice's receivable is a debit, its product a credit
                           CASE WHEN (m.move_type = 'out_invoice') = (part.kind = 'payment_term')
                                THEN 1 ELSE -1 END AS sign,
                           CASE WHEN part.kind = 'product' OR m.id %% 4 != 1 THEN 1.0
                                WHEN part.n = 1 THEN 0.3 ELSE 0.7 END AS share,
                           CASE WHEN m.currency_id = %(foreign)s THEN 5 ELSE 1 END AS rate,
                           CASE WHEN part.kind = 'product' THEN 0 ELSE 1 END AS open
                   ) f
             WHERE m.id = ANY(%(ids)s)
               AND (part.kind = 'product' OR part.n = 1 OR m.id %% 4 = 1)
            """,
            self._params(ids=invoice_ids),
        )
        self.invoice_lines += cr.rowcount
        # a fifth of the payments are of an open invoice (the forecast takes
        # them off its open amount), the others for money expected otherwise
        cr.execute(
            """
            INSERT INTO crm_planned_payment (name, direction, partner_id, company_id,
                   currency_id, amount, date, state, invoice_id, create_date, write_date)
            SELECT 'BENCH/PAY/' || g,
                   CASE WHEN g %% 3 = 0 THEN 'outgoing' ELSE 'incoming' END,
                   (%(partners)s::int[])[1 + g %% %(n_partners)s], %(company)s,
                   CASE WHEN g %% 6 = 0 THEN %(foreign)s ELSE %(own)s END,
                   200 + g %% 500, %(start)s::date + (g %% (%(months)s * 30)), 'planned',
                   CASE WHEN g %% 5 = 0
                        THEN (%(invoices)s::int[])[1 + g %% %(n_invoices)s] END,
                   now(), now()
              FROM generate_series(%(first)s, %(last)s) AS g
            """,
            self._params(
                first=p_from + 1,
                last=p_from + n_payments,
                invoices=invoice_ids or [None],
                n_invoices=max(len(invoice_ids), 1),
            ),
        )
        self.counts["payments"] += cr.rowcount
        tables = (
            "crm_contract",
            "crm_contract_schedule",
            "account_move",
            "account_move_line",
            "crm_planned_payment",
        )
        for table in tables:
            cr.execute(f"ANALYZE {table}")  # noqa: S608 (a fixed name)
        print(f"  inserted in {time.perf_counter() - began:.0f} s", flush=True)

    def plain(self):
        """The three sources' grouped reads, as finance would read them without
        the suite's forecast."""
        env, company, end = self.env, self.company, self.end
        # the open instalments of the open invoices: their receivable and
        # payable lines not reconciled yet
        env["account.move.line"]._read_group(
            [
                ("company_id", "=", company.id),
                ("parent_state", "=", "posted"),
                ("display_type", "=", "payment_term"),
                ("reconciled", "=", False),
                (
                    "move_id",
                    "any",
                    [
                        (
                            "move_type",
                            "in",
                            ("out_invoice", "out_refund", "in_invoice", "in_refund"),
                        ),
                        ("payment_state", "in", ("not_paid", "partial")),
                    ],
                ),
                ("date_maturity", "<=", end),
            ],
            ["date_maturity:month", "move_type", "currency_id"],
            ["amount_residual_currency:sum"],
        )
        env["crm.contract.schedule"]._read_group(
            [
                ("company_id", "=", company.id),
                ("state", "=", "planned"),
                ("contract_state", "in", ("active", "expired")),
                ("date_due", "<=", end),
            ],
            ["date_due:month", "direction", "currency_id"],
            ["amount_total:sum"],
        )
        open_invoice = ("invoice_id.payment_state", "in", ("not_paid", "partial"))
        for of_invoice in (("invoice_id", "=", False), open_invoice):
            env["crm.planned.payment"]._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "planned"),
                    ("date", "<=", end),
                    of_invoice,
                ],
                ["date:month", "direction", "currency_id"],
                ["amount:sum"],
            )
        # what the planned payments take off their open invoices (the forecast
        # counts an invoice's rest at its due date)
        env["crm.planned.payment"]._read_group(
            [("company_id", "=", company.id), ("state", "=", "planned"), open_invoice],
            ["invoice_id", "currency_id"],
            ["amount:sum"],
        )

    def ours(self):
        return self.env["crm.contract"].get_cashflow_forecast(
            self.start, self.end, "month", self.company.id
        )

    def measure(self, scale, runs):
        times = {"plain": [], "ours": []}
        for _i in range(runs):
            # alternately, so that a busy moment of the machine weighs on both
            for name, func in (("plain", self.plain), ("ours", self.ours)):
                self.env.invalidate_all()
                began = time.perf_counter()
                func()
                times[name].append(time.perf_counter() - began)
        plain, ours = min(times["plain"]), min(times["ours"])
        forecast = self.ours()
        incoming = sum(p["incoming"] for p in forecast)
        rows = sum(self.counts.values())
        print(
            f"x{scale}: {self.counts['rows']:,} schedule rows, {self.counts['invoices']:,} open "
            f"invoices ({self.invoice_lines:,} lines), {self.counts['payments']:,} planned "
            f"payments; forecast over "
            f"{self.months} months ({len(forecast) - 1} periods and the overdue bucket, "
            f"{incoming:,.0f} incoming)\n"
            f"  plain grouped reads of the three sources {plain * 1000:.0f} ms "
            f"({plain / rows * 1e6:.2f} us a row), get_cashflow_forecast {ours * 1000:.0f} ms "
            f"({ours / rows * 1e6:.2f} us a row; goal < 1 s at x1), ratio {ours / plain:.2f} "
            f"(goal <= 1.3)",
            flush=True,
        )


if __name__ == "__main__":
    sys.exit(main())
