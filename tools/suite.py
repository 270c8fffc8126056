#!/usr/bin/env python3
"""Bring up Odoo 18.0 Community on PostgreSQL with the suite's addons.

    python3 tools/suite.py run      # serve Odoo with the seven addons and demo data
    python3 tools/suite.py test     # lint, Odoo tests, XML-RPC tests; "N passed, N failed"
    python3 tools/suite.py setup    # only the idempotent setup (PostgreSQL, Odoo, venv)

The setup (``suite_setup.py``, standard library only) runs with the Python that
started this script; ``run`` (``suite_odoo.py``) and ``test`` (``suite_test.py``)
then continue in the virtualenv it prepared.

Settings (environment variables):
    ODOO_SRC            an Odoo 18.0 source tree to use instead of the cache
    CRM_SUITE_DB        database used by ``run`` (default ``crm_suite``)
    CRM_SUITE_PORT      HTTP port used by ``run`` (default 8069)
    CRM_SUITE_ADDONS    comma-separated addons for ``test`` (default: all seven)
    CRM_SUITE_SKIP_LINT  set to 1 to skip the lint step of ``test``
    CRM_SUITE_SKIP_ALONE set to 1 to skip installing each addon alone in ``test``
    PGHOST/PGPORT/PGUSER/PGPASSWORD   an existing PostgreSQL server to use
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import suite_setup  # noqa: E402

IN_VENV = "--in-venv"


def _continue_in_venv(command, odoo_src):
    """Replace this process by the virtualenv's Python running ``command``."""
    python = suite_setup.venv_python()
    os.execv(python, [python, os.path.abspath(__file__), IN_VENV, command, odoo_src])


def _in_venv(command, odoo_src):
    if command == "run":
        import suite_odoo

        suite_odoo.cmd_run(odoo_src)
        return 0
    import suite_test

    return suite_test.cmd_test(odoo_src)


def main(argv):
    if len(argv) == 4 and argv[1] == IN_VENV and argv[2] in ("run", "test"):
        return _in_venv(argv[2], argv[3])
    if len(argv) != 2 or argv[1] not in ("run", "test", "setup"):
        print(__doc__)
        return 2
    command = argv[1]
    odoo_src = suite_setup.setup(need_browser=command != "run")
    if command == "setup":
        suite_setup.say("setup done")
        return 0
    _continue_in_venv(command, odoo_src)
    return 0  # not reached: execv does not return


if __name__ == "__main__":
    sys.exit(main(sys.argv))
