"""What the in-process benchmarks share: where Odoo's addons are, the timing of a
call, and an environment whose transaction is rolled back at the end (the
database is left unchanged)."""

import contextlib
import os
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_addons_path():
    """The cached Odoo 18.0 source's addons plus this repository, as
    ``tools/suite.py`` uses them (``ODOO_SRC`` wins)."""
    src = os.environ.get("ODOO_SRC") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
        "odoo-crm-suite",
        "odoo-18.0",
    )
    return ",".join([os.path.join(src, "addons"), os.path.join(src, "odoo", "addons"), ROOT])


def add_odoo_arguments(parser, what, default_db=None):
    """``--db`` (a database where ``what`` is installed; required unless
    ``default_db`` is given) and ``--addons-path``."""
    parser.add_argument(
        "--db", required=default_db is None, default=default_db, help=f"database with {what}"
    )
    parser.add_argument("--addons-path", default=default_addons_path())


def best(func, runs=3, env=None):
    """The shortest of ``runs`` calls of ``func`` (caches dropped before each)."""
    times = []
    for _i in range(runs):
        if env is not None:
            env.invalidate_all()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def best_alternating(funcs, runs=3, env=None):
    """The shortest of ``runs`` calls of each of ``funcs``, called in turn (one of
    each, then again), so that a change of the machine's load weighs on all of
    them alike; caches dropped before each call."""
    times = [[] for _func in funcs]
    for _i in range(runs):
        for func, spent in zip(funcs, times, strict=True):
            if env is not None:
                env.invalidate_all()
            start = time.perf_counter()
            func()
            spent.append(time.perf_counter() - start)
    return [min(spent) for spent in times]


@contextlib.contextmanager
def rolled_back_env(args, odoo_args, context=None, vacuum=()):
    """A superuser environment on ``args.db``, rolled back on exit. ``vacuum``:
    tables to VACUUM (FULL, ANALYZE) first, so that rows left dead by earlier
    runs do not weigh on this one: a plain VACUUM frees them but keeps the
    tables' size on disk, which the planner reads (a bench database filled and
    rolled back many times measured the free-to-sell label twice as slow).
    FULL locks the tables: bench databases only."""
    import odoo  # pylint: disable=import-outside-toplevel
    from odoo import api  # pylint: disable=import-outside-toplevel
    from odoo.tools import config  # pylint: disable=import-outside-toplevel

    config.parse_config(
        ["-d", args.db, "--addons-path", args.addons_path, "--log-level", "warn"]
        + [a for a in odoo_args if a != "--"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    if vacuum:
        with registry.cursor() as cr:
            cr._cnx.autocommit = True
            cr.execute(f"VACUUM (FULL, ANALYZE) {', '.join(vacuum)}")  # noqa: S608 (fixed names)
    with registry.cursor() as cr:
        try:
            yield api.Environment(cr, odoo.SUPERUSER_ID, context or {})
        finally:
            cr.rollback()
