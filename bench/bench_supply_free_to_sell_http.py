#!/usr/bin/env python3
"""The free-to-sell label as a user waits for it: the web client's JSON-RPC
``name_search`` call of a line's product field, through a running server.

    .venv/bin/python bench/bench_supply_free_to_sell_http.py
        [--db crm_supply_http_bench --products 10000 --reservations-per-product 5 --runs 25]

``bench_supply_free_to_sell.py`` times ``name_search`` inside the benchmark's
own process, in a transaction it rolls back. A server cannot see rows that are
never committed, so this benchmark keeps its data in a database of its own:
created with ``crm_supply`` and no demo data when missing, then filled once
with the same products, stock and reservations as the other benchmark (its
``fill``), committed. Never the test database.

It starts a server on that database (two workers, no cron, as in production),
logs in as the administrator, and calls ``/web/dataset/call_kw/<model>/name_search``
as the product field does: on ``product.product`` (purchase and invoice lines)
and on ``product.template`` (the sale line in Odoo 18), for 8 results (what
the web client asks for) and 100. Each call is made with the order's warehouse
in the context, with and without the label (``crm_supply_stock_label``), in
turn, and the minimum of ``--runs`` calls of each is kept. The request's own
cost (HTTP, session, JSON) counts on both sides: the ratio is what a user of
the web client waits for, not the server's ``name_search`` alone.

Prints the times, the ratios and what the label costs. The goal of issue #28 is
measured by ``bench_supply_free_to_sell.py``; this one gives the figure a user
feels.
"""

import argparse
import os
import sys
import tempfile
import time

import requests
from bench_common import ROOT, add_odoo_arguments
from bench_supply_free_to_sell import ensure_db, fill
from load import start_server

sys.path.insert(0, os.path.join(ROOT, "tools"))

import suite_odoo  # noqa: E402

SEARCH = "Bench Bolt"


def ensure_data(args):
    """Fill ``args.db`` once (committed) when it has no benchmark products yet."""
    import odoo  # pylint: disable=import-outside-toplevel
    from odoo import api  # pylint: disable=import-outside-toplevel
    from odoo.tools import config  # pylint: disable=import-outside-toplevel

    config.parse_config(["-d", args.db, "--addons-path", args.addons_path, "--log-level", "warn"])
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute(
            "SELECT count(*) FROM product_template WHERE name->>'en_US' LIKE %s",
            [f"{SEARCH} %"],
        )
        if cr.fetchone()[0]:
            return
        fill(env, args.products, args.products * args.reservations_per_product)
        cr.commit()
    with registry.cursor() as cr:
        cr._cnx.autocommit = True  # pylint: disable=protected-access
        cr.execute(
            "VACUUM (FULL, ANALYZE) product_template, product_product, stock_quant,"
            " sale_stock_reservation"
        )


def measure(url, db, runs):
    session = requests.Session()

    def rpc(path, params):
        response = session.post(f"{url}{path}", json={"jsonrpc": "2.0", "params": params})
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RuntimeError(body["error"])
        return body["result"]

    uid = rpc("/web/session/authenticate", {"db": db, "login": "admin", "password": "admin"})["uid"]
    warehouse = rpc(
        "/web/dataset/call_kw/stock.warehouse/search",
        {"model": "stock.warehouse", "method": "search", "args": [[]], "kwargs": {"limit": 1}},
    )[0]

    def call(model, limit, label):
        context = {"lang": "en_US", "uid": uid, "warehouse_id": warehouse}
        if label:
            context["crm_supply_stock_label"] = True
        start = time.perf_counter()
        result = rpc(
            f"/web/dataset/call_kw/{model}/name_search",
            {
                "model": model,
                "method": "name_search",
                "args": [],
                "kwargs": {"name": SEARCH, "limit": limit, "context": context},
            },
        )
        return time.perf_counter() - start, result

    lines = []
    for model in ("product.product", "product.template"):
        for limit in (8, 100):
            __, sample = call(model, limit, True)
            assert len(sample) == limit and "free to sell:" in sample[0][1], sample
            best = {False: float("inf"), True: float("inf")}
            for _i in range(runs):
                for label in (False, True):
                    best[label] = min(best[label], call(model, limit, label)[0])
            plain, ours = best[False], best[True]
            lines.append(
                f"JSON-RPC name_search of {limit} {model}: plain {plain * 1000:.1f} ms, "
                f"with the free-to-sell label {ours * 1000:.1f} ms, ratio {ours / plain:.2f} "
                f"(the label costs {(ours - plain) * 1000:.1f} ms)"
            )
            print(lines[-1], flush=True)
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    add_odoo_arguments(parser, "crm_supply", default_db="crm_supply_http_bench")
    parser.add_argument("--products", type=int, default=10000, help="when the data is made")
    parser.add_argument("--reservations-per-product", type=int, default=5)
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    ensure_db(args)
    ensure_data(args)
    port = suite_odoo.free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "odoo.log")
        # the load test's server: two workers, no cron
        server = start_server(suite_odoo, args.db, port, log)
        try:
            if not suite_odoo.wait_http(f"{url}/web/login", server):
                with open(log, encoding="utf-8") as handle:
                    sys.exit(f"the server did not start:\n{handle.read()[-3000:]}")
            lines = measure(url, args.db, args.runs)
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"\nsummary (ratio = with the label / without, through a server on {args.db})")
    for line in lines:
        print(line)


if __name__ == "__main__":
    sys.exit(main())
