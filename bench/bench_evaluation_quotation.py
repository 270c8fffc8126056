#!/usr/bin/env python3
"""Quotation generation from an evaluation sheet vs one plain sale.order.create.

A sheet of ``--items`` items (default 1,000) whose recipes have
``--components`` components each (default 10) is generated into a quotation
(about 11,000 lines with the sections); the same order lines are then created
with one plain ``sale.order.create`` call. Both times and their ratio are
printed; the goal is a ratio of at most 1.3. Everything runs in one
transaction that is rolled back: the database is left unchanged.

Run it with the virtualenv's python against a database where
``crm_evaluation_sheet`` is installed (``make run`` creates ``crm_suite``)::

    .venv/bin/python bench/bench_evaluation_quotation.py --db crm_suite

Odoo is loaded in-process (``odoo.tools.config`` + ``odoo.modules.registry``);
``--addons-path`` defaults to the cached Odoo 18.0 source plus this repository,
as ``tools/suite.py`` uses them. PostgreSQL is reached through the usual
``PG*`` variables (``--db_host`` etc. can be passed after ``--``).
"""

import argparse
import sys
import time

from bench_common import add_odoo_arguments, rolled_back_env


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_odoo_arguments(parser, "crm_evaluation_sheet")
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--components", type=int, default=10)
    args, odoo_args = parser.parse_known_args()

    with rolled_back_env(args, odoo_args, context={"tracking_disable": True}) as env:
        from odoo import Command  # pylint: disable=import-outside-toplevel

        run(env, Command, args.items, args.components)


def run(env, Command, n_items, n_components):
    print(f"setting up {n_items} items x {n_components} components ...", flush=True)
    gram = env.ref("uom.product_uom_gram")
    kg = env.ref("uom.product_uom_kgm")
    # a pool of components, half of them counted in kg and used in grams
    pool = env["product.product"].create(
        [
            {
                "name": f"Bench Component {i}",
                "type": "consu",
                "list_price": 1.0 + i % 7,
                **({"uom_id": kg.id, "uom_po_id": kg.id} if i % 2 else {}),
            }
            for i in range(5 * n_components)
        ]
    )
    items = env["product.product"].create(
        [
            {
                "name": f"Bench Item {i}",
                "type": "service",
                "list_price": 100.0,
                "recipe_line_ids": [
                    Command.create(
                        {
                            "product_id": comp.id,
                            "quantity": 1 + (i + j) % 5 if not comp.uom_id == kg else 250,
                            "uom_id": gram.id if comp.uom_id == kg else comp.uom_id.id,
                            "sequence": j,
                        }
                    )
                    for j, comp in enumerate(
                        pool[(i % 5) * n_components : (i % 5 + 1) * n_components]
                    )
                ],
            }
            for i in range(n_items)
        ]
    )
    partner = env["res.partner"].create({"name": "Bench Customer"})
    sheet = env["crm.evaluation.sheet"].create(
        {
            "partner_id": partner.id,
            "line_ids": [
                Command.create({"product_id": item.id, "product_uom_qty": 1 + i % 4, "sequence": i})
                for i, item in enumerate(items)
            ],
        }
    )
    sheet.action_finalize()
    env.flush_all()
    # the same lines, ready for the plain create; building them is timed on
    # its own to show what the generation adds
    env.invalidate_all()
    start, queries = time.perf_counter(), env.cr.sql_log_count
    plain_lines = [Command.create(vals) for vals in sheet._prepare_quotation_line_vals()]
    print(
        f"building the {len(plain_lines)} line values from the sheet: "
        f"{time.perf_counter() - start:.2f}s, {env.cr.sql_log_count - queries} queries",
        flush=True,
    )

    def timed(label, func):
        env.invalidate_all()
        start = time.perf_counter()
        queries = env.cr.sql_log_count
        order = func()
        env.flush_all()
        elapsed = time.perf_counter() - start
        print(
            f"{label}: {elapsed:.2f}s, {len(order.order_line)} lines, "
            f"{env.cr.sql_log_count - queries} queries",
            flush=True,
        )
        return elapsed, order

    plain_time, plain = timed(
        "plain sale.order.create",
        lambda: env["sale.order"].create(
            {
                "partner_id": partner.id,
                "pricelist_id": sheet.pricelist_id.id,
                "order_line": plain_lines,
            }
        ),
    )
    generated_time, generated = timed(
        "generated from the sheet",
        lambda: env["sale.order"].browse(sheet.action_generate_quotation()["res_id"]),
    )
    assert len(plain.order_line) == len(generated.order_line)
    assert plain.amount_untaxed == generated.amount_untaxed
    print(f"ratio generated / plain: {generated_time / plain_time:.2f} (goal <= 1.3)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
