#!/usr/bin/env python3
"""Run Odoo's own tests of some modules against a database where they are
already installed, with the whole registry loaded: the check behind "installing
is safe" (Odoo's flows behave as before with the suite installed).

Odoo runs a module's ``at_install`` tests right after installing that module,
before the modules that depend on it are loaded, so ``--test-tags /crm`` never
exercises crm's tests with the suite's overrides. This script loads the
registry of an existing database first, then runs the ``at_install`` and the
``post_install`` tests of the given modules (browser tours included).

Run it twice, on a database with the suite and on one with the same Odoo
modules without it (``--list-failures`` prints the failing tests, one a line,
to compare); tests that fail on both are tests that expect to run before other
Odoo modules are installed (``sale`` before ``sale_stock``, say)::

    .venv/bin/python tools/odoo_core_tests.py --db suite_db --modules crm,sale_crm,sale
    .venv/bin/python tools/odoo_core_tests.py --db plain_db --modules crm,sale_crm,sale

Never on a database that matters: Odoo's tests roll back their transactions,
but some commit (tours, crons) and the filestore is shared. Never two runs on
the same database at once (they deadlock on shared rows).
"""

import argparse
import csv
import logging
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from bench_common import default_addons_path  # noqa: E402
from suite_setup import DATA_DIR  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database where the modules are installed")
    parser.add_argument("--modules", required=True, help="comma-separated modules whose tests run")
    parser.add_argument("--tags", default="+standard", help="Odoo test tags (default +standard)")
    parser.add_argument("--addons-path", default=default_addons_path())
    parser.add_argument(
        "--data-dir",
        default=DATA_DIR,
        help="Odoo's data directory (default: the one tools/suite.py uses)",
    )
    parser.add_argument("--http-port", default="8139", help="port of the server tours use")
    parser.add_argument("--log-file", help="Odoo's log goes there instead of standard error")
    parser.add_argument(
        "--list-failures", action="store_true", help="print the failing tests at the end"
    )
    args = parser.parse_args()

    import odoo  # pylint: disable=import-outside-toplevel
    from odoo.service import server  # pylint: disable=import-outside-toplevel
    from odoo.tools import config  # pylint: disable=import-outside-toplevel

    odoo_args = ["-d", args.db, "--addons-path", args.addons_path, "--data-dir", args.data_dir]
    odoo_args += ["--http-port", args.http_port, "--log-level", "test"]
    if args.log_file:
        odoo_args += ["--logfile", args.log_file]
    config.parse_config(odoo_args)
    odoo.netsvc.init_logger()
    # as odoo-bin's server command does (odoo/cli/server.py): base_import reads
    # CSV files with fields larger than Python's default limit
    csv.field_size_limit(500 * 1024 * 1024)
    # the registry loads without running tests; the tests enabled afterwards
    # run with every installed module loaded
    odoo.modules.registry.Registry(args.db)
    config["test_enable"] = True
    config["test_tags"] = args.tags
    from odoo.tests import loader  # pylint: disable=import-outside-toplevel (test mode first)

    # tours need the HTTP server of this process
    server.server = server.ThreadedServer(odoo.http.root)
    server.server.http_spawn()

    failed = []
    logging.getLogger().addHandler(_FailureCollector(failed))
    modules = [name.strip() for name in args.modules.split(",") if name.strip()]
    ran = failures = errors = 0
    for position in ("at_install", "post_install"):
        result = loader.run_suite(loader.make_suite(modules, position))
        ran += result.testsRun
        failures += result.failures_count
        errors += result.errors_count
    print(f"{args.modules}: {ran} tests, {failures} failures, {errors} errors", flush=True)
    if args.list_failures:
        for line in sorted(set(failed)):
            print(line)
    return 1 if failures or errors else 0


class _FailureCollector(logging.Handler):
    """Collects the "FAIL: Class.test" / "ERROR: Class.test" lines Odoo logs."""

    def __init__(self, sink):
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record):
        # a failing subtest logs "FAIL: Subtest Class.test (params)": the test's name follows
        match = re.match(r"(FAIL|ERROR): (?:Subtest )?(\S+(?: \([\w.]+\))?)", record.getMessage())
        if match:
            self.sink.append(f"{match.group(1)}: {match.group(2)}")


if __name__ == "__main__":
    sys.exit(main())
