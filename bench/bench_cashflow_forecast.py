#!/usr/bin/env python3
"""The cash-flow forecast: crm_finance_cashflow vs the plain grouped reads of its sources.

In one transaction that is rolled back at the end (the database is left
unchanged): ``--contracts`` active contracts (default 5,000, a tenth of them
supplier contracts, a fifth in a foreign currency) with one monthly line over
``--months`` months (default 36), so one planned schedule row per contract and
month, ``--invoices`` posted open customer invoices and vendor bills (default
50,000) and ``--payments`` planned payments (default 5,000, a fifth of them for
an open invoice, whose open amount they reduce in the forecast), spread over the same
months, all inserted with plain SQL. Then, alternately (the machine may be
shared), each timed as the minimum of ``--runs`` runs:

- ``crm.contract.get_cashflow_forecast`` over the months (every source, the
  draft-invoiced rows, currency conversion, opening balance, periods and the
  overdue bucket);
- against the plain ``_read_group`` by due month, direction (or move type) and
  currency of its three sources over the same rows: the open invoices, the
  planned schedule rows of active (and expired)
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
        vacuum=("account_move", "crm_contract", "crm_contract_schedule", "crm_planned_payment"),
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
        env.flush_all()
        self.counts = {"invoices": 0, "rows": 0, "payments": 0}

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
        tables = ("crm_contract", "crm_contract_schedule", "account_move", "crm_planned_payment")
        for table in tables:
            cr.execute(f"ANALYZE {table}")  # noqa: S608 (a fixed name)
        print(f"  inserted in {time.perf_counter() - began:.0f} s", flush=True)

    def plain(self):
        """The three sources' grouped reads, as finance would read them without
        the suite's forecast."""
        env, company, end = self.env, self.company, self.end
        env["account.move"]._read_group(
            [
                ("company_id", "=", company.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund", "in_invoice", "in_refund")),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<=", end),
            ],
            ["invoice_date_due:month", "move_type", "currency_id"],
            ["amount_residual:sum"],
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
            f"invoices, {self.counts['payments']:,} planned payments; forecast over "
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
