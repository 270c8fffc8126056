#!/usr/bin/env python3
"""Free to sell while picking products: crm_supply vs Odoo's own figures.

In one transaction that is rolled back at the end (the database is left
unchanged): ``--products`` storable products (default 10,000) with stock and
``--reservations`` open proforma reservations (default 50,000, inserted with
plain SQL). Then, each timed as the minimum of 3 runs:

- ``name_search`` of 100 products as the sale line's product field asks for them
  (crm_supply: label with free-to-sell and reserved figures) against the plain
  ``name_search``;
- ``read`` of the picking figures of all the products: ``qty_free_to_sell`` and
  ``qty_reserved_proforma`` against Odoo's ``free_qty``, ``qty_available`` and
  ``outgoing_qty`` of the same products (what plain Odoo shows);
- reserving a 200-line proforma (``action_reserve_stock``), goal under 1 s.

Prints the times and the ratios (goal <= 1.5). Needs a database where
``crm_supply`` is installed::

    .venv/bin/python bench/bench_supply_free_to_sell.py --db crm_suite
"""

import argparse
import sys
import time

from bench_common import add_odoo_arguments, best, rolled_back_env


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_odoo_arguments(parser, "crm_supply")
    parser.add_argument("--products", type=int, default=10000)
    parser.add_argument("--reservations", type=int, default=50000)
    args, odoo_args = parser.parse_known_args()

    with rolled_back_env(args, odoo_args) as env:
        run(env, args.products, args.reservations)


def run(env, n_products, n_reservations):
    from odoo import Command

    cr = env.cr
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    stock = warehouse.lot_stock_id
    print(f"creating {n_products} products with stock ...", flush=True)
    products = env["product.product"].create(
        [{"name": f"Bench Bolt {i:05d}", "is_storable": True} for i in range(n_products)]
    )
    env.flush_all()
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
    print(f"inserting {n_reservations} reservations ...", flush=True)
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
    cr.execute("ANALYZE sale_stock_reservation")
    cr.execute("ANALYZE stock_quant")
    Product = env["product.product"].with_context(warehouse_id=warehouse.id)
    labelled = Product.with_context(crm_supply_stock_label=True)

    def search(model):
        return lambda: list(model.name_search("Bench Bolt", limit=100))

    plain_search = best(search(Product), env=env)
    ours_search = best(search(labelled), env=env)
    ids = products.ids

    def read_plain():
        Product.browse(ids).read(["free_qty", "qty_available", "outgoing_qty"])

    def read_ours():
        Product.browse(ids).read(["qty_free_to_sell", "qty_reserved_proforma"])

    plain_read = best(read_plain, env=env)
    ours_read = best(read_ours, env=env)
    print(
        f"name_search of 100 products: plain {plain_search * 1000:.1f} ms, with the "
        f"free-to-sell label {ours_search * 1000:.1f} ms, ratio {ours_search / plain_search:.2f}"
    )
    print(
        f"read of {len(ids)} products' figures: plain {plain_read * 1000:.1f} ms, "
        f"free to sell {ours_read * 1000:.1f} ms, ratio {ours_read / plain_read:.2f} (goal <= 1.5)"
    )
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
    print(f"reserving a 200-line proforma: {reserve * 1000:.0f} ms (goal < 1 s)")


if __name__ == "__main__":
    sys.exit(main())
