#!/usr/bin/env python3
"""Odoo's server for the XML-RPC suite (``tools/suite_test.py``): ``odoo-bin``
with the password hashing of Odoo's own test classes.

Usage: ``ODOO_SRC=<Odoo's source> odoo_rpc_server.py [odoo-bin arguments...]``
(an environment variable, not an argument: the server starts its gevent
process again with this script and its own arguments).

Odoo 18 hashes and verifies passwords with 600,000 rounds of PBKDF2 (0.6-0.9 s
on a CI core), and an XML-RPC call verifies its password again whenever the
registry's caches were cleared (``res.users.check`` is an ormcache), which
creating a user or a company, or changing a user's groups or companies, does.
The suite's XML-RPC tests do that often, with a dozen clients: sampled with
py-spy, 78 % of the servers' time went into PBKDF2. ``odoo.tests.common``
takes one round for the same reason ("Many user an password are done during
tests"); this does the same for the XML-RPC servers, and lets Odoo replace the
stored hashes of more rounds (the administrator's, from the installation) at
their next login, as it upgrades any outdated hash. Nothing else of Odoo is
changed: the credentials are checked by Odoo's own code, only cheaper.
"""

import os
import sys

os.environ["TZ"] = "UTC"  # as odoo-bin, before the time module is imported

sys.path.insert(0, os.path.abspath(os.environ["ODOO_SRC"]))

from passlib.context import CryptContext  # noqa: E402

import odoo  # noqa: E402

from odoo.addons.base.models import res_users  # noqa: E402


def _crypt_context(self):  # noqa: ARG001
    return CryptContext(
        ["pbkdf2_sha512", "plaintext"],
        deprecated=["auto"],
        pbkdf2_sha512__rounds=1,
        # a stored hash of more rounds is verified once, then replaced
        pbkdf2_sha512__max_rounds=1,
    )


res_users.Users._crypt_context = _crypt_context

if __name__ == "__main__":
    odoo.cli.main()
