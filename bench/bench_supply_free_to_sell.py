#!/usr/bin/env python3
"""Free to sell while picking products: crm_supply vs Odoo's own figures.

    .venv/bin/python bench/bench_supply_free_to_sell.py [--db crm_supply_bench]
        [--products 10000,100000 --reservations-per-product 5 --runs 15]

Runs on a database of its own (created with ``crm_supply`` and no demo data
when missing; never the test database). For each size of ``--products``, in a
transaction rolled back afterwards (the database is left unchanged): that many
storable products (one created by the ORM, the others copies of its rows made
with plain SQL), 1,000 units of each in the main warehouse's stock, and
``--reservations-per-product`` open proforma reservations per product (50,000
at 10,000 products). Then, timed as the minimum of ``--runs`` runs (3 for the
``read``), the two sides called in turn, caches dropped before each call:

- ``name_search`` of the products as a line's product field asks for them (the
  web client asks for 8; also 100, the figure this benchmark always gave), with
  crm_supply's label carrying the free-to-sell and reserved figures
  (``crm_supply_stock_label`` and the order's warehouse in the context), against
  the same ``name_search`` without the label: on ``product.product`` (purchase
  and invoice lines) and on ``product.template`` (the sale line's product field
  in Odoo 18);
- ``read`` of the picking figures of ``--read-products`` products (all of them
  at 10,000): ``qty_free_to_sell`` and ``qty_reserved_proforma`` against Odoo's
  ``free_qty``, ``qty_available`` and ``outgoing_qty`` of the same products
  (what plain Odoo shows);
- reserving a 200-line proforma (``action_reserve_stock``), goal under 1 s.

Prints the times and the ratios (goals: ``name_search`` <= 1.15, ``read`` <= 1.5).
"""

import argparse
import os
import subprocess
import sys
import time

from bench_common import (
    add_odoo_arguments,
    best_alternating,
    rolled_back_env,
)

TABLES = (
    "product_template",
    "product_product",
    "stock_quant",
    "stock_move",
    "sale_order",
    "sale_order_line",
    "sale_stock_reservation",
)
SEARCH_GOAL = 1.15
READ_GOAL = 1.5


def ensure_db(args):
    """Create ``args.db`` with crm_supply and no demo data when it is missing."""
    import psycopg2  # pylint: disable=import-outside-toplevel

    conn = psycopg2.connect(dbname="postgres")
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.db])
            if cr.fetchone():
                return
    finally:
        conn.close()
    print(f"creating benchmark database '{args.db}' (crm_supply, no demo data) ...", flush=True)
    odoo_bin = os.path.join(os.path.dirname(args.addons_path.split(",")[0]), "odoo-bin")
    subprocess.run(
        [
            sys.executable,
            odoo_bin,
            "--addons-path",
            args.addons_path,
            "-d",
            args.db,
            "-i",
            "crm_supply",
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            "--log-level",
            "warn",
        ],
        check=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    add_odoo_arguments(parser, "crm_supply", default_db="crm_supply_bench")
    parser.add_argument("--products", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument("--reservations-per-product", type=int, default=5)
    parser.add_argument("--read-products", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=15)
    args, odoo_args = parser.parse_known_args()
    ensure_db(args)
    start = time.perf_counter()
    results = []
    with rolled_back_env(args, odoo_args, vacuum=TABLES) as env:
        for size in [int(x) for x in args.products.split(",")]:
            results.append(run(env, size, size * args.reservations_per_product, args))
            env.cr.rollback()
            vacuum(env.registry)
    print(
        "\nsummary (ratio = with the label / without; goals: name_search <= "
        f"{SEARCH_GOAL}, read <= {READ_GOAL})"
    )
    for line in results:
        print(line)
    print(f"(whole run: {time.perf_counter() - start:.0f} s)")


def vacuum(registry):
    """VACUUM (FULL, ANALYZE) the tables the last size filled (its rows were
    rolled back): the next size does not pay for them, nor for the disk space
    they took (``bench_common.rolled_back_env``)."""
    with registry.cursor() as cr:
        cr._cnx.autocommit = True  # pylint: disable=protected-access
        cr.execute(f"VACUUM (FULL, ANALYZE) {', '.join(TABLES)}")  # noqa: S608 (fixed names)


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = %s AND column_name <> 'id'",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def create_products(env, n_products):
    """``n_products`` storable products: one by the ORM, the others copies of its
    template and variant rows with their own names (plain SQL)."""
    cr = env.cr
    model = env["product.product"].create({"name": "Bench Bolt 000000", "is_storable": True})
    env.flush_all()
    tmpl_cols = _columns(cr, "product_template")
    prod_cols = _columns(cr, "product_product")
    tmpl_select = ", ".join(
        "jsonb_build_object('en_US', 'Bench Bolt ' || lpad(g::text, 6, '0'))"
        if col == "name"
        else f't."{col}"'
        for col in tmpl_cols
    )
    prod_select = ", ".join(
        "n.id" if col == "product_tmpl_id" else f'p."{col}"' for col in prod_cols
    )
    cr.execute(
        f"""
        WITH n AS (
            INSERT INTO product_template ({", ".join(f'"{c}"' for c in tmpl_cols)})
            SELECT {tmpl_select}
              FROM product_template t, generate_series(1, %(n)s - 1) g
             WHERE t.id = %(template)s
             ORDER BY g
         RETURNING id
        )
        INSERT INTO product_product ({", ".join(f'"{c}"' for c in prod_cols)})
        SELECT {prod_select} FROM product_product p, n WHERE p.id = %(product)s
        """,  # noqa: S608 (the tables' own column names)
        {"n": n_products, "template": model.product_tmpl_id.id, "product": model.id},
    )
    cr.execute(
        "SELECT id FROM product_product WHERE id >= %s AND product_tmpl_id IN"
        " (SELECT id FROM product_template WHERE name->>'en_US' LIKE 'Bench Bolt %%')"
        " ORDER BY id",
        [model.id],
    )
    return env["product.product"].browse([row[0] for row in cr.fetchall()])


def fill(env, n_products, n_reservations):
    """``n_products`` storable products with 1,000 units each in the main
    warehouse's stock and ``n_reservations`` open proforma reservations spread
    over them; returns (warehouse, products, the proformas' customer)."""
    cr = env.cr
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    stock = warehouse.lot_stock_id
    print(f"\n{n_products:,} products: creating them with stock ...", flush=True)
    products = create_products(env, n_products)
    cr.execute(
        """
        INSERT INTO stock_quant (product_id, location_id, company_id, quantity,
                                 reserved_quantity, in_date, create_date, write_date)
        SELECT p, %s, %s, 1000, 0, now(), now(), now() FROM unnest(%s) AS p
        """,
        [stock.id, env.company.id, products.ids],
    )
    partner = env["res.partner"].create({"name": "Bench Proforma Customer"})
    holder = env["sale.order"].create({"partner_id": partner.id, "warehouse_id": warehouse.id})
    env.flush_all()
    print(f"inserting {n_reservations:,} reservations ...", flush=True)
    cr.execute(
        """
        INSERT INTO sale_stock_reservation (order_id, partner_id, company_id, warehouse_id,
               location_id, product_id, quantity, state, date_expiry, create_date, write_date)
        SELECT %s, %s, %s, %s, %s, (%s::int[])[1 + (g %% %s)], 1, 'reserved',
               current_date + 14, now(), now()
          FROM generate_series(0, %s - 1) AS g
        """,
        [
            holder.id,
            partner.id,
            env.company.id,
            warehouse.id,
            stock.id,
            products.ids,
            len(products),
            n_reservations,
        ],
    )
    for table in ("product_template", "product_product", "stock_quant", "sale_stock_reservation"):
        cr.execute(f"ANALYZE {table}")  # noqa: S608 (fixed names)
    return warehouse, products, partner


def run(env, n_products, n_reservations, args):
    from odoo import Command  # pylint: disable=import-outside-toplevel

    warehouse, products, partner = fill(env, n_products, n_reservations)
    env.invalidate_all()
    # the context of a sale line's product field (crm_supply's views)
    Product = env["product.product"].with_context(warehouse_id=warehouse.id)
    sample = Product.with_context(crm_supply_stock_label=True).name_search("Bench Bolt", limit=8)
    assert len(sample) == 8 and "free to sell: 995" in sample[0][1], sample
    print(f"label: {sample[0][1]}")
    size = f"{n_products:,} products, {n_reservations:,} reservations"
    lines = []
    # the purchase and invoice lines' product field (product.product), and the
    # sale line's (product.template, as Odoo 18's sale order form shows it)
    Template = env["product.template"].with_context(warehouse_id=warehouse.id)
    for model, what in ((Product, "products"), (Template, "product templates")):
        labelled = model.with_context(crm_supply_stock_label=True)
        for limit in (8, 100):

            def search(model, limit=limit):
                return lambda: model.name_search("Bench Bolt", limit=limit)

            plain, ours = best_alternating([search(model), search(labelled)], args.runs, env)
            lines.append(
                f"{size}: name_search of {limit} {what}: plain {plain * 1000:.1f} ms, "
                f"with the free-to-sell label {ours * 1000:.1f} ms, "
                f"ratio {ours / plain:.2f} (goal <= {SEARCH_GOAL}; "
                f"the label costs {(ours - plain) * 1000:.1f} ms)"
            )
            print(lines[-1], flush=True)

    ids = products.ids[: args.read_products]

    def read_plain():
        Product.browse(ids).read(["free_qty", "qty_available", "outgoing_qty"])

    def read_ours():
        Product.browse(ids).read(["qty_free_to_sell", "qty_reserved_proforma"])

    plain, ours = best_alternating([read_plain, read_ours], 3, env)
    lines.append(
        f"{size}: read of {len(ids):,} products' figures: plain {plain * 1000:.1f} ms, "
        f"free to sell {ours * 1000:.1f} ms, ratio {ours / plain:.2f} (goal <= {READ_GOAL})"
    )
    print(lines[-1], flush=True)
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "warehouse_id": warehouse.id,
            "order_line": [
                Command.create({"product_id": pid, "product_uom_qty": 2}) for pid in ids[:200]
            ],
        }
    )
    env.flush_all()
    start = time.perf_counter()
    order.action_reserve_stock()
    env.flush_all()
    reserve = time.perf_counter() - start
    lines.append(f"{size}: reserving a 200-line proforma: {reserve * 1000:.0f} ms (goal < 1 s)")
    print(lines[-1], flush=True)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
