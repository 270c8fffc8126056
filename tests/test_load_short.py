"""A short run of the load and fault test (``bench/load.py``) against the test
server: salespeople reserving, confirming and cancelling proformas of scarce
products under the ``block`` policy, accountants invoicing the same contracts
and cancelling some invoices, one HTTP worker killed mid-run when the server's
prefork workers can be told for sure (no PostgreSQL stop here: the full run
does it). The invariants are read from the database afterwards."""

import importlib.util
import os
import urllib.parse

import pytest

pytestmark = pytest.mark.addon("crm_supply", "crm_finance_cashflow")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _bench_load():
    spec = importlib.util.spec_from_file_location(
        "crm_suite_bench_load", os.path.join(ROOT, "bench", "load.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_short_load_keeps_invariants(odoo_env):
    load = _bench_load()
    url, db = odoo_env["url"], odoo_env["db"]
    parsed = urllib.parse.urlsplit(url)
    port = parsed.port if parsed.hostname in ("127.0.0.1", "localhost", "::1") else None
    # the worker kill needs the server's own prefork workers, found for sure
    kill = bool(port) and len(load.find_http_workers(port, db)[1]) >= 2
    admin = load.Session(url, db, odoo_env["login"], odoo_env["password"])
    fixture = load.prepare(admin, salespeople=4, accountants=2)
    try:
        result = load.run_load(url, db, fixture, seconds=10, port=port, kill=kill)
        violations = load.check_invariants(result, fixture, {"dbname": db}, admin)
    finally:
        load.restore(admin, fixture)
    load.report(result, violations)
    assert not violations, "\n".join(violations)
    if kill:
        assert result["respawned"], result["notes"]
