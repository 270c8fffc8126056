#!/usr/bin/env python3
"""The boards' grouped queries over XML-RPC on a large pipeline.

    .venv/bin/python bench/bench_crm_boards.py [--db crm_boards_bench]
        [--leads 100000 --responsibilities 300000 --interactions 500000]

Runs on its OWN database (created with crm_pipeline and no demo data when
missing; never the test database). Fills it once with plain SQL: the leads
(spread over 20 salespeople, sources, campaigns, states and 3 years), three
responsibilities per lead (two closed, the last one open, half of those
overdue) and the interactions. Then serves it with ``--workers=2`` and times,
over XML-RPC as a sales manager, each panel of the General, Activities and
Funnel boards (``read_group`` as the web client sends it, and ``get_funnel``):
min of 3 runs each. Goal: each under 1 s.
"""

import argparse
import os
import subprocess
import sys
import time
import xmlrpc.client

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import suite_odoo  # noqa: E402  (the repository's own Odoo helpers)
import suite_setup  # noqa: E402

RUNS = 3
USERS = 20


def ensure_db(odoo_src, db):
    if suite_odoo.db_exists(db):
        return
    suite_setup.say(f"creating benchmark database '{db}' (crm_pipeline, no demo data)")
    subprocess.run(
        suite_odoo.odoo_cmd(
            odoo_src,
            db,
            "-i",
            "crm_pipeline",
            "--without-demo=all",
            "--stop-after-init",
            "--http-port",
            str(suite_odoo.free_port()),
        ),
        check=True,
    )


def _psql(db, sql):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql], check=True)


def _count(db, table):
    out = subprocess.run(
        ["psql", "-X", "-Atc", f"SELECT count(*) FROM {table}", "-d", db],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip())


def _rpc(url, db):
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, "admin", "admin", {})
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kwargs):
        return models.execute_kw(db, uid, "admin", model, method, list(args), kwargs)

    return call


def fill(url, db, leads, responsibilities, interactions):
    """Once: salespeople, clients, sources and campaigns through the ORM (over
    XML-RPC), then the leads, responsibilities and interactions in plain SQL."""
    if _count(db, "crm_lead") >= leads:
        return
    started = time.time()
    suite_setup.say(f"filling '{db}': {leads} leads, {responsibilities} responsibilities, ...")
    call = _rpc(url, db)
    salesman = call("ir.model.data", "check_object_reference", "sales_team", "group_sale_salesman")
    sellers = call(
        "res.users",
        "create",
        [
            {"name": f"Bench Seller {i}", "login": f"bench_seller_{i}", "groups_id": [salesman]}
            for i in range(USERS)
        ],
    )
    clients = call(
        "res.partner",
        "create",
        [{"name": f"Bench Client {i}", "is_company": True} for i in range(1000)],
    )
    sources = call("utm.source", "create", [{"name": f"Bench source {i}"} for i in range(8)])
    campaigns = call(
        "utm.campaign", "create", [{"title": f"Bench campaign {i}"} for i in range(12)]
    )
    per_lead = max(1, responsibilities // leads)
    _psql(
        db,
        f"""
        CREATE TEMP TABLE bench_ids AS
        SELECT ARRAY{sellers}::int[] AS sellers, ARRAY{clients}::int[] AS clients,
               ARRAY{sources}::int[] AS sources, ARRAY{campaigns}::int[] AS campaigns;
        INSERT INTO crm_lead (name, type, active, activation_state, interest_status, user_id,
                              partner_id, source_id, campaign_id, company_id, probability,
                              expected_revenue, priority, create_date, write_date)
        SELECT 'Bench lead ' || i,
               'opportunity',
               i % 10 <> 0,
               CASE WHEN i % 4 = 0 THEN 'inactive' ELSE 'active' END,
               (ARRAY['shown', 'high', 'refused', 'pause', 'ready'])[1 + i % 5],
               b.sellers[1 + i % {USERS}],
               b.clients[1 + i % 1000],
               b.sources[1 + i % 8],
               b.campaigns[1 + i % 12],
               1,
               CASE WHEN i % 10 = 0 THEN 0 ELSE 10 + i % 90 END,
               1000 + i % 50000,
               (i % 4)::text,
               now() - (i % 1095) * interval '1 day',
               now()
          FROM generate_series(1, {leads}) i, bench_ids b;
        INSERT INTO crm_lead_responsibility (lead_id, type_id, user_id, deadline, state,
                                             date_closed, create_date, write_date)
        SELECT l.id, t.id, l.user_id,
               l.create_date + (t.seq * 3 + 2) * interval '1 day',
               CASE WHEN t.seq < {per_lead} THEN 'done' ELSE 'assigned' END,
               CASE WHEN t.seq < {per_lead}
                    THEN l.create_date + (t.seq * 3 + 1) * interval '1 day' END,
               l.create_date + t.seq * 3 * interval '1 day', now()
          FROM crm_lead l
          JOIN LATERAL (
              SELECT id, row_number() OVER (ORDER BY sequence, id) AS seq
                FROM crm_responsibility_type
               ORDER BY sequence, id LIMIT {per_lead}
          ) t ON TRUE
         WHERE l.activation_state = 'active';
        INSERT INTO crm_interaction (partner_id, user_id, company_id, interaction_type, date,
                                     lead_id, duration, create_date, write_date)
        SELECT l.partner_id, l.user_id, 1,
               (ARRAY['call', 'meeting', 'visit', 'email'])[1 + i % 4],
               now() - (i % 400) * interval '1 day', l.id, 0.5, now(), now()
          FROM generate_series(1, {interactions}) i
          JOIN crm_lead l ON l.id = (SELECT min(id) FROM crm_lead) + i % {leads};
        ANALYZE crm_lead, crm_lead_responsibility, crm_interaction;
        """,
    )
    suite_setup.say(f"filled in {time.time() - started:.1f} s")


PANELS = [
    # (board, panel, model, method, args, kwargs) as the web client sends them
    ("General", "leads by activation state", "crm.lead", "read_group",
     [[], ["__count"], ["activation_state"]], {"lazy": False, "context": {"active_test": False}}),
    ("General", "leads by interest status", "crm.lead", "read_group",
     [[], ["__count"], ["interest_status"]], {"lazy": False}),
    ("General", "leads by source and campaign", "crm.lead", "read_group",
     [[], ["__count", "expected_revenue:sum"], ["source_id", "campaign_id"]], {"lazy": False}),
    ("General", "leads by salesperson", "crm.lead", "read_group",
     [[], ["__count", "expected_revenue:sum"], ["user_id", "activation_state"]], {"lazy": False}),
    ("Activities", "open responsibilities", "crm.responsibility.report", "read_group",
     [[("is_open", "=", True)], ["__count"], ["user_id", "type_id"]], {"lazy": False}),
    ("Activities", "overdue responsibilities (first 80)", "crm.responsibility.report",
     "search_read", [[("is_overdue", "=", True)]],
     {"fields": ["lead_id", "type_id", "user_id", "deadline"], "limit": 80}),
    ("Activities", "interactions per month", "crm.interaction", "read_group",
     [[], ["__count"], ["date:month", "user_id"]], {"lazy": False}),
    ("Funnel", "steps: leads, moved on, days", "crm.responsibility.report", "read_group",
     [[], ["lead_id:count_distinct", "moved_on:sum", "days_open:avg"], ["type_id"]],
     {"lazy": False}),
    ("Funnel", "get_funnel()", "crm.responsibility.report", "get_funnel", [], {}),
]  # fmt: skip


def time_panels(url, db):
    call = _rpc(url, db)
    print(f"{'board':<11} {'panel':<38} {'time':>9}  goal < 1 s")
    worst = 0.0
    for board, panel, model, method, args, kwargs in PANELS:
        best = None
        for _ in range(RUNS):
            started = time.perf_counter()
            call(model, method, *args, **kwargs)
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
        worst = max(worst, best)
        print(f"{board:<11} {panel:<38} {best * 1000:8.1f} ms")
    print(f"slowest panel: {worst * 1000:.1f} ms ({'met' if worst < 1 else 'NOT met'})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="crm_boards_bench")
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--responsibilities", type=int, default=300_000)
    parser.add_argument("--interactions", type=int, default=500_000)
    args = parser.parse_args()
    odoo_src = suite_setup.ensure_odoo_src()
    ensure_db(odoo_src, args.db)
    port = suite_odoo.free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        suite_odoo.odoo_cmd(
            odoo_src,
            args.db,
            "--workers",
            "2",
            "--http-port",
            str(port),
            "--gevent-port",
            str(suite_odoo.free_port()),
            "--max-cron-threads",
            "0",
            "--log-level",
            "warn",
        )
    )
    try:
        if not suite_odoo.wait_http(url + "/web/login", server):
            sys.exit("the Odoo server did not come up")
        fill(url, args.db, args.leads, args.responsibilities, args.interactions)
        time_panels(url, args.db)
    finally:
        suite_odoo.stop(server)


if __name__ == "__main__":
    main()
