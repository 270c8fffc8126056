#!/usr/bin/env python3
"""The cash-flow forecast: crm_finance_cashflow vs a plain grouped read.

In one transaction that is rolled back at the end (the database is left
unchanged): ``--contracts`` active contracts (default 5,000, a tenth of them
supplier contracts, a fifth in a foreign currency) with one monthly line over
``--months`` months (default 36), so one planned schedule row per contract and
month, and ``--invoices`` posted open customer invoices and vendor bills
(default 50,000) spread over the same months, all inserted with plain SQL.
Then, each timed as the minimum of 3 runs:

- ``crm.contract.get_cashflow_forecast`` over the 36 months (every source,
  currency conversion, opening balance, periods and the overdue bucket);
- against plain Odoo's ``_read_group`` of the open invoices by due month (what
  finance would read without the suite).

Prints the times and the ratio (goals: under 2 s, ratio at most 3), then what
keeping the forecast's totals per day (``crm.contract.schedule.total``) costs
the writes: its share of activating and invoicing 100 contracts. Needs a
database where ``crm_finance_cashflow`` is installed::

    .venv/bin/python bench/bench_cashflow_forecast.py --db crm_suite
"""

import argparse
import sys

from bench_common import add_odoo_arguments, best, rolled_back_env


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_odoo_arguments(parser, "crm_finance_cashflow")
    parser.add_argument("--contracts", type=int, default=5000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--invoices", type=int, default=50000)
    args, odoo_args = parser.parse_known_args()

    with rolled_back_env(
        args, odoo_args, vacuum=("account_move", "crm_contract", "crm_contract_schedule")
    ) as env:
        run(env, args.contracts, args.months, args.invoices)


def run(env, n_contracts, months, n_invoices):
    from dateutil.relativedelta import relativedelta

    from odoo import fields

    cr = env.cr
    company = env.company
    start = fields.Date.context_today(env.user).replace(day=1)
    end = start + relativedelta(months=months, days=-1)
    foreign = (
        env["res.currency"]
        .with_context(active_test=False)
        .search([("id", "!=", company.currency_id.id)], limit=1)
    )
    foreign.active = True
    env["res.currency.rate"].create({"currency_id": foreign.id, "name": start, "rate": 0.2})
    partners = env["res.partner"].create(
        [{"name": f"Bench Cash-Flow Partner {i}"} for i in range(200)]
    )
    sale = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    purchase = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "purchase")], limit=1
    )
    env.flush_all()
    print(
        f"inserting {n_contracts} contracts with {months} monthly rows and "
        f"{n_invoices} open invoices ...",
        flush=True,
    )
    cr.execute(
        """
        INSERT INTO crm_contract (name, partner_id, company_id, currency_id, contract_type,
               renewal, state, date_start, date_end, create_date, write_date)
        SELECT 'BENCH/' || g, (%(partners)s::int[])[1 + g %% %(n_partners)s], %(company)s,
               CASE WHEN g %% 5 = 0 THEN %(foreign)s ELSE %(own)s END,
               CASE WHEN g %% 10 = 0 THEN 'supplier' ELSE 'customer' END,
               'none', 'active', %(start)s, %(end)s, now(), now()
          FROM generate_series(1, %(n)s) AS g
     RETURNING id
        """,
        {
            "partners": partners.ids,
            "n_partners": len(partners),
            "company": company.id,
            "foreign": foreign.id,
            "own": company.currency_id.id,
            "start": start,
            "end": end,
            "n": n_contracts,
        },
    )
    contract_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        INSERT INTO crm_contract_schedule (contract_id, company_id, partner_id, contract_type,
               contract_state, direction, currency_id, date, date_due, amount_untaxed,
               amount_total, state, create_date, write_date)
        SELECT c.id, c.company_id, c.partner_id, c.contract_type, c.state,
               CASE WHEN c.contract_type = 'customer' THEN 'incoming' ELSE 'outgoing' END,
               c.currency_id,
               (%(start)s::date + make_interval(months => m))::date,
               (%(start)s::date + make_interval(months => m, days => 30))::date,
               100 + c.id %% 900, 121 + c.id %% 900, 'planned', now(), now()
          FROM crm_contract c, generate_series(0, %(months)s - 1) AS m
         WHERE c.id = ANY(%(ids)s)
        """,
        {"start": start, "months": months, "ids": contract_ids},
    )
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
          FROM generate_series(1, %(n)s) AS g
        """,
        {
            "purchase": purchase.id,
            "sale": sale.id,
            "company": company.id,
            "foreign": foreign.id,
            "own": company.currency_id.id,
            "partners": partners.ids,
            "n_partners": len(partners),
            "start": start,
            "months": months,
            "n": n_invoices,
        },
    )
    # rows inserted in SQL: the forecast's totals per day are rebuilt from them,
    # as an upgrade of the module does (the ORM keeps them current otherwise)
    env["crm.contract.schedule.total"]._rebuild()
    for table in ("crm_contract", "crm_contract_schedule", "account_move"):
        cr.execute(f"ANALYZE {table}")  # noqa: S608 (a fixed name)

    Move = env["account.move"]
    open_invoices = [
        ("company_id", "=", company.id),
        ("state", "=", "posted"),
        ("move_type", "in", ("out_invoice", "out_refund", "in_invoice", "in_refund")),
        ("payment_state", "in", ("not_paid", "partial")),
    ]

    def plain():
        Move._read_group(
            open_invoices, ["invoice_date_due:month", "move_type"], ["amount_residual:sum"]
        )

    def ours():
        return env["crm.contract"].get_cashflow_forecast(start, end, "month", company.id)

    plain_time = best(plain, env=env)
    ours_time = best(ours, env=env)
    forecast = ours()
    incoming = sum(p["incoming"] for p in forecast)
    print(
        f"forecast over {months} months ({len(forecast) - 1} periods and the overdue "
        f"bucket, {incoming:,.0f} incoming): plain read_group of the open invoices "
        f"{plain_time * 1000:.0f} ms, get_cashflow_forecast {ours_time * 1000:.0f} ms "
        f"(goal < 2 s), ratio {ours_time / plain_time:.2f} (goal <= 3)"
    )
    upkeep(env, partners, start, end, months)


def upkeep(env, partners, start, end, months, n_contracts=100):
    """What keeping ``crm.contract.schedule.total`` current costs the writes: the
    share of its SQL in activating and then invoicing contracts through the ORM."""
    import time

    from odoo import Command

    Totals = env.registry["crm.contract.schedule.total"]
    add_rows = Totals._add_schedule_rows
    spent = [0.0]

    def timed_add_rows(self, condition, sign):
        began = time.perf_counter()
        add_rows(self, condition, sign)
        spent[0] += time.perf_counter() - began

    contracts = env["crm.contract"].create(
        [
            {
                "partner_id": partners[i % len(partners)].id,
                "date_start": start,
                "date_end": end,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Bench upkeep",
                            "price_unit": 100.0,
                            "recurrence": "monthly",
                            "date_start": start,
                        }
                    )
                ],
            }
            for i in range(n_contracts)
        ]
    )
    env.flush_all()
    Totals._add_schedule_rows = timed_add_rows
    try:
        for label, action in (
            ("activating", contracts.action_activate),
            ("invoicing the first month of", lambda: contracts.action_create_invoices(start)),
        ):
            spent[0] = 0.0
            began = time.perf_counter()
            action()
            env.flush_all()
            total = time.perf_counter() - began
            print(
                f"{label} {n_contracts} contracts ({n_contracts * months} schedule rows) "
                f"through the ORM: {total * 1000:.0f} ms, of which keeping the forecast's "
                f"totals {spent[0] * 1000:.0f} ms ({spent[0] / total:.1%})"
            )
    finally:
        Totals._add_schedule_rows = add_rows


if __name__ == "__main__":
    sys.exit(main())
