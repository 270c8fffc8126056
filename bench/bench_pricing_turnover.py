#!/usr/bin/env python3
"""Price computation of a quotation: turnover rules vs a plain pricelist.

    .venv/bin/python bench/bench_pricing_turnover.py [--db crm_pricing_bench]
        [--history 1000,1000000] [--lines 200,1000] [--quantities same|varied]
        [--runs 5]

Runs on its OWN database (created with crm_pricing and no demo data when
missing; never the test database). For each invoice-history size it fills
``account_move_line`` with that many posted customer-invoice product lines
(plain SQL, 10 lines per invoice, 200 clients over 5 years), then, for each
quotation size, times Odoo's "Update prices" (``sale.order._recompute_prices``,
caches invalidated, min of ``--runs`` runs) of the same quotation on a pricelist with
turnover rules and on a plain pricelist with one ordinary discount rule. Prints
both times, the SQL queries of one run and one ``RATIO`` line per (history,
quotation) pair. Goal (issue #28): rules <= 1.05x plain, flat when the history
grows. ``--quantities varied`` gives each line its own quantity (2 on every line
otherwise), so that no two lines share a price computation.
"""

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import suite_odoo  # noqa: E402  (the repository's own Odoo helpers)
import suite_setup  # noqa: E402

N_LINES = 200  # products of the invoice history and of the first quotation
N_CLIENTS = 200
LINES_PER_MOVE = 10
RUNS = 5


def ensure_db(odoo_src, db):
    if suite_odoo.db_exists(db):
        return
    suite_setup.say(f"creating benchmark database '{db}' (crm_pricing, no demo data)")
    suite_setup.run(
        suite_odoo.odoo_cmd(
            odoo_src,
            db,
            "-i",
            "crm_pricing",
            "--without-demo=all",
            "--stop-after-init",
            "--http-port",
            str(suite_odoo.free_port()),
        )
    )


def setup_data(env, odoo):
    """Clients, products, the two pricelists, a template invoice (once)."""
    ICP = env["ir.config_parameter"]
    if ICP.get_param("crm_pricing.bench_ready"):
        return
    company = env.company
    if not env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)]):
        env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
    partners = env["res.partner"].create(
        [{"name": f"Bench Client {i}", "is_company": True} for i in range(N_CLIENTS)]
    )
    categ = env["product.category"].create({"name": "Bench Group"})
    products = env["product.product"].create(
        [
            {
                "name": f"Bench Product {i}",
                "lst_price": 10.0 + i,
                "categ_id": categ.id,
                "taxes_id": [],
            }
            for i in range(N_LINES)
        ]
    )
    rules = env["product.pricelist"].create(
        {
            "name": "Bench turnover rules",
            "item_ids": [
                (
                    0,
                    0,
                    {
                        "pricing_label": "Gold",
                        "compute_price": "percentage",
                        "percent_price": 10,
                        "turnover_period": "quarter",
                        "min_turnover": 1000.0,
                        "sequence": 1,
                    },
                ),
                (
                    0,
                    0,
                    {
                        "pricing_label": "Silver",
                        "compute_price": "percentage",
                        "percent_price": 5,
                        "turnover_period": "half_year",
                        "turnover_period_ref": "current",
                        "min_turnover": 500.0,
                        "sequence": 2,
                    },
                ),
                (
                    0,
                    0,
                    {
                        "pricing_label": "Group",
                        "compute_price": "percentage",
                        "percent_price": 3,
                        "turnover_period": "year",
                        "purchase_categ_id": categ.id,
                        "min_categ_amount": 100.0,
                        "sequence": 3,
                    },
                ),
            ],
        }
    )
    plain = env["product.pricelist"].create(
        {
            "name": "Bench plain",
            "item_ids": [(0, 0, {"compute_price": "percentage", "percent_price": 10})],
        }
    )
    template = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partners[0].id,
            "invoice_date": "2021-01-01",
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": products[0].id,
                        "quantity": 1,
                        "price_unit": 10.0,
                        "tax_ids": [],
                    },
                )
            ],
        }
    )
    template.action_post()
    # the quotation's client meets the rules whatever the history size
    Item = env["product.pricelist.item"]
    today = Item._pricing_local_date(odoo.fields.Datetime.now(), company)
    for day in (Item._pricing_period("quarter", "last", today)[0], today):
        invoice = template.copy({"invoice_date": day, "date": day})
        invoice.invoice_line_ids.price_unit = 2000.0
        invoice.action_post()
    orders = _create_orders(env, partners[0], (rules, plain), products, "same")
    ICP.set_param(
        "crm_pricing.bench_ready",
        ",".join(str(i) for i in [template.id, *orders.ids, *partners.ids[:1]]),
    )
    ICP.set_param("crm_pricing.bench_partners", ",".join(map(str, partners.ids)))
    ICP.set_param("crm_pricing.bench_products", ",".join(map(str, products.ids)))


def _create_orders(env, partner, pricelists, products, quantities):
    orders = env["sale.order"]
    for pricelist in pricelists:
        orders |= env["sale.order"].create(
            {
                "partner_id": partner.id,
                "pricelist_id": pricelist.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": p.id,
                            "product_uom_qty": 2 if quantities == "same" else 1 + i,
                        },
                    )
                    for i, p in enumerate(products)
                ],
            }
        )
    return orders


def quotation_orders(env, n_lines, quantities):
    """(rules order, plain order) of ``n_lines`` lines, created once: the first
    200 products are those of the invoice history, more are added when needed."""
    ICP = env["ir.config_parameter"]
    ids = [int(x) for x in ICP.get_param("crm_pricing.bench_ready").split(",")]
    Order = env["sale.order"]
    if n_lines == N_LINES and quantities == "same":
        return Order.browse(ids[1]), Order.browse(ids[2])
    key = f"crm_pricing.bench_orders_{n_lines}_{quantities}"
    if not ICP.get_param(key):
        rules, plain = Order.browse(ids[1]).pricelist_id, Order.browse(ids[2]).pricelist_id
        products = env["product.product"].browse(
            [int(x) for x in ICP.get_param("crm_pricing.bench_products").split(",")]
        )
        extra = ICP.get_param("crm_pricing.bench_more_products")
        if extra:
            products |= env["product.product"].browse([int(x) for x in extra.split(",")])
        if len(products) < n_lines:
            more = env["product.product"].create(
                [
                    {
                        "name": f"Bench Product {i}",
                        "lst_price": 10.0 + i,
                        "categ_id": products[0].categ_id.id,
                        "taxes_id": [],
                    }
                    for i in range(len(products), n_lines)
                ]
            )
            products |= more
            ICP.set_param(
                "crm_pricing.bench_more_products", ",".join(map(str, products[N_LINES:].ids))
            )
        orders = _create_orders(
            env, Order.browse(ids[1]).partner_id, (rules, plain), products[:n_lines], quantities
        )
        ICP.set_param(key, ",".join(map(str, orders.ids)))
        env.cr.commit()
    return Order.browse([int(x) for x in ICP.get_param(key).split(",")])


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = %s AND column_name <> 'id'",
        (table,),
    )
    return [r[0] for r in cr.fetchall()]


def fill_history(env, target):
    """Bring the bench invoice history to ``target`` product lines (SQL)."""
    cr = env.cr
    ICP = env["ir.config_parameter"]
    template_id = int(ICP.get_param("crm_pricing.bench_ready").split(",")[0])
    partners = [int(x) for x in ICP.get_param("crm_pricing.bench_partners").split(",")]
    products = [int(x) for x in ICP.get_param("crm_pricing.bench_products").split(",")]
    cr.execute("SELECT count(*) FROM account_move WHERE name LIKE 'BENCH/%%'")
    have = cr.fetchone()[0] * LINES_PER_MOVE
    todo = (target - have) // LINES_PER_MOVE
    if todo <= 0:
        return 0.0
    start = time.time()
    cr.execute(
        "SELECT id FROM account_move_line WHERE move_id = %s AND display_type = 'product'",
        (template_id,),
    )
    template_line = cr.fetchone()[0]
    move_cols = _columns(cr, "account_move")
    line_cols = _columns(cr, "account_move_line")
    move_over = {
        "name": "'BENCH/' || (%(offset)s + g)",
        "invoice_date": "date '2021-01-01' + ((%(offset)s + g) %% 2150)",
        "date": "date '2021-01-01' + ((%(offset)s + g) %% 2150)",
        "partner_id": "(%(partners)s::int[])[1 + (%(offset)s + g) %% %(n_partners)s]",
        "commercial_partner_id": "(%(partners)s::int[])[1 + (%(offset)s + g) %% %(n_partners)s]",
        "payment_reference": "NULL",
        "ref": "NULL",
    }
    line_over = {
        "move_id": "m.id",
        "date": "m.date",
        "invoice_date": "m.invoice_date",
        "move_name": "m.name",
        "partner_id": "m.partner_id",
        "product_id": "(%(products)s::int[])[1 + (m.id * 7 + k) %% %(n_products)s]",
        "balance": "-(10 + k)",
        "debit": "0",
        "credit": "10 + k",
        "amount_currency": "-(10 + k)",
        "price_unit": "10 + k",
        "price_subtotal": "10 + k",
        "price_total": "10 + k",
    }
    moves_select = ", ".join(move_over.get(c, f't."{c}"') for c in move_cols)
    lines_select = ", ".join(line_over.get(c, f't."{c}"') for c in line_cols)
    chunk = 20000
    done = 0
    while done < todo:
        n = min(chunk, todo - done)
        cr.execute(
            f"""
            WITH m AS (
                INSERT INTO account_move ({", ".join(f'"{c}"' for c in move_cols)})
                SELECT {moves_select}
                  FROM account_move t, generate_series(1, %(n)s) g
                 WHERE t.id = %(template)s
             RETURNING id, date, invoice_date, name, partner_id
            )
            INSERT INTO account_move_line ({", ".join(f'"{c}"' for c in line_cols)})
            SELECT {lines_select}
              FROM account_move_line t, m, generate_series(1, {LINES_PER_MOVE}) k
             WHERE t.id = %(template_line)s
            """,
            {
                "n": n,
                "offset": have // LINES_PER_MOVE + done,
                "template": template_id,
                "template_line": template_line,
                "partners": partners,
                "n_partners": len(partners),
                "products": products,
                "n_products": len(products),
            },
        )
        done += n
        cr.commit()
    cr.execute("ANALYZE account_move")
    cr.execute("ANALYZE account_move_line")
    cr.commit()
    return time.time() - start


def _time_once(env, order):
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    order._recompute_prices()
    env.flush_all()
    elapsed = time.perf_counter() - start
    queries = env.cr.sql_log_count - queries
    env.cr.rollback()
    return elapsed, queries


def time_prices(env, orders, runs=RUNS):
    """Min of ``runs`` interleaved runs per order, after one warm-up run each,
    and the queries of one run."""
    best = [None] * len(orders)
    queries = [None] * len(orders)
    for run in range(runs + 1):
        for i, order in enumerate(orders):
            elapsed, queries[i] = _time_once(env, order)
            if run:
                best[i] = elapsed if best[i] is None else min(best[i], elapsed)
    return best, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="crm_pricing_bench")
    parser.add_argument("--history", default="1000,1000000")
    parser.add_argument("--lines", default="200,1000", help="quotation sizes")
    parser.add_argument("--quantities", choices=("same", "varied"), default="same")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs per order (min)")
    args = parser.parse_args()
    sizes = [int(x) for x in args.history.split(",")]
    line_sizes = [int(x) for x in args.lines.split(",")]
    odoo_src = suite_setup.ensure_odoo_src()
    ensure_db(odoo_src, args.db)

    sys.path.insert(0, odoo_src)
    import odoo  # pylint: disable=import-outside-toplevel
    from odoo import api  # pylint: disable=import-outside-toplevel

    cmd = suite_odoo.odoo_cmd(odoo_src, args.db)
    odoo.tools.config.parse_config(cmd[2:] + ["--log-level", "warn"])
    registry = odoo.modules.registry.Registry(args.db)
    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        setup_data(env, odoo)
        cr.commit()
        quotations = {n: quotation_orders(env, n, args.quantities) for n in line_sizes}
        for size in sizes:
            spent = fill_history(env, size)
            cr.execute(
                "SELECT count(*) FROM account_move_line aml"
                "  JOIN account_move am ON am.id = aml.move_id"
                " WHERE am.state = 'posted' AND am.move_type = 'out_invoice'"
                "   AND aml.display_type = 'product'"
            )
            lines = cr.fetchone()[0]
            print(f"history: {lines:,} posted invoice lines (filled in {spent:.1f}s)", flush=True)
            for n_lines, (rules_order, plain_order) in quotations.items():
                explained = rules_order.order_line[:1]
                (rules_t, plain_t), (rules_q, plain_q) = time_prices(
                    env, [rules_order, plain_order], args.runs
                )
                rules_order._recompute_prices()
                sample = explained.pricing_explanation
                cr.rollback()
                results[size, n_lines] = (rules_t, plain_t)
                print(
                    f"  {n_lines:,}-line quotation ({args.quantities} quantities):"
                    f" turnover rules {rules_t * 1000:8.1f} ms ({rules_q} queries)"
                    f" | plain pricelist {plain_t * 1000:8.1f} ms ({plain_q} queries)"
                    f"   e.g. {sample!r}",
                    flush=True,
                )
                print(
                    f"RATIO history={lines:,} lines={n_lines:,}: {rules_t / plain_t:.2f}"
                    f"  (goal <= 1.05; {rules_t * 1000:.1f} / {plain_t * 1000:.1f} ms)",
                    flush=True,
                )
    if len(sizes) >= 2:
        for n_lines in line_sizes:
            (r1, p1), (r2, p2) = results[sizes[0], n_lines], results[sizes[-1], n_lines]
            print(
                f"growth with history ({sizes[0]:,} -> {sizes[-1]:,} lines), {n_lines:,}-line"
                f" quotation: turnover rules {r2 / r1:.2f}x, plain {p2 / p1:.2f}x"
            )


if __name__ == "__main__":
    main()
