"""Test helpers shared by the suite's addons (every addon that depends on
crm_suite_base imports them as ``odoo.addons.crm_suite_base.tests.common``).

``RaceCase``: transactions racing on real cursors of their own, which see
only what is committed. The test's own transaction is rolled back at the end,
theirs are not: what they commit (the fixtures they race on, what the race
writes) stays in the database unless a clean-up removes it.

``load_migration``: an addon's migration script as a module, for a test to
call its ``migrate`` (or the functions it is made of) on the state it mends."""

import importlib.util
from contextlib import contextmanager
from pathlib import Path

from odoo import SUPERUSER_ID, api
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase
from odoo.tools import SQL


def load_migration(addon, version, script="post-migrate"):
    """The migration script ``script`` of ``addon``'s ``version`` (its
    ``migrations/<version>/<script>.py``), loaded as a module."""
    path = Path(get_module_path(addon)) / "migrations" / version / f"{script}.py"
    name = f"{addon}_migration_{version.replace('.', '_')}_{script.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class RaceCase(TransactionCase):
    """Real cursors racing on committed records, removed at the end."""

    # never hang the test run if something waits on a lock
    lock_timeout = "20s"

    def _cursor(self, lock_timeout=None):
        """A new cursor (a transaction of its own) that waits ``lock_timeout``
        (the class's by default) at the most for a lock."""
        cr = self.registry.cursor()
        cr.execute(SQL("SET lock_timeout = %s", lock_timeout or self.lock_timeout))
        return cr

    @contextmanager
    def _committed_env(self, uid=SUPERUSER_ID):
        """An environment on a new cursor, committed when the block ends
        without an error (rolled back otherwise), then closed: to create what
        the racing transactions see, to read what they committed, to remove
        it."""
        with self._cursor() as cr:
            yield api.Environment(cr, uid, {})

    def _cleanup_committed(self, cleanup, *args):
        """At the end of the test, whatever its outcome, run ``cleanup(env,
        *args)`` in a committed environment (``_committed_env``)."""

        def run():
            with self._committed_env() as env:
                cleanup(env, *args)

        self.addCleanup(run)

    @contextmanager
    def _racing_envs(self, uid=SUPERUSER_ID, count=2):
        """``count`` environments of ``uid`` on new cursors, all open at once
        (each takes its snapshot at its first query): what one commits, the
        others see or not as PostgreSQL says. The cursors are closed (what
        they did not commit rolled back) when the block ends."""
        cursors = []
        try:
            for _i in range(count):
                cursors.append(self._cursor())
            yield [api.Environment(cr, uid, {}) for cr in cursors]
        finally:
            for cr in cursors:
                cr.close()
