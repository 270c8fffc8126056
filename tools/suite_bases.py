"""Databases of Odoo's own modules, kept between test runs.

``make test`` installs the suite's addons on a database where Odoo's modules
they depend on are installed already, as each addon alone: installing Odoo's
``crm``, ``sale_stock``, ``purchase_stock``, ``account`` and ``mass_mailing``
with their demo data is most of an install's time, and gives the same database
every time for the same Odoo tree (on the same day: Odoo's demo data dates its
records from the day it is installed). So each such database (a *base*) is built
once, on a new database, with ``odoo-bin -i`` as a new database gets them, and
kept in PostgreSQL (``crm_suite_odoo_<tree>_<modules>``, its filestore under
``~/.cache/odoo-crm-suite/databases``); a run copies it (``CREATE DATABASE ...
WITH TEMPLATE``) and installs the suite's addons on the copy.

- A base is named by the digest of the Odoo tree (each file's path, size and
  modification time) and of its modules: another Odoo tree builds its own
  bases, and the bases of a tree no longer used are dropped at the start of a
  run (``prune``).
- Nothing of the suite is in a base: the suite's addons, their data and their
  *at_install* tests are installed and run on every copy, as before.
- The bases the tests run on are of the day (``base``'s ``of_the_day``).
- A base no run used for ``UNUSED_DAYS`` is dropped.
- ``CRM_SUITE_KEEP_BASES=0`` installs everything on new databases, as before
  the bases; dropping the bases (or the whole cache folder) is always safe.
"""

import datetime
import hashlib
import os
import re
import shutil
import subprocess
import threading
import time

from psycopg2 import sql
from suite_odoo import copy_db, db_exists, drop_db, install_cmd, maintenance_connection
from suite_setup import ADDONS, CACHE, DATA_DIR, say

PREFIX = "crm_suite_odoo_"
#: the bases' filestores (their databases are in PostgreSQL)
STORES = os.path.join(CACHE, "databases", "filestore")
#: a base is ready once its marker is written, after its database and filestore
MARKERS = os.path.join(CACHE, "databases")

#: a base no run used for so long is dropped (the suite's addons changed their
#: dependencies, or CRM_SUITE_ADDONS named others)
UNUSED_DAYS = 7

_fingerprints = {}
_lock = threading.Lock()
#: one lock per base: two threads of a run that need the same one build it once
_building = {}


def enabled():
    return os.environ.get("CRM_SUITE_KEEP_BASES", "1") != "0"


def tree_fingerprint(odoo_src):
    """The digest of the Odoo tree: the path, size and modification time of
    each of its files (as ``make`` judges a file changed), about a second."""
    with _lock:
        if odoo_src not in _fingerprints:
            digest = hashlib.sha256()
            for path, dirs, files in os.walk(odoo_src):
                dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", ".git"))
                for name in sorted(files):
                    stat = os.stat(os.path.join(path, name))
                    rel = os.path.relpath(os.path.join(path, name), odoo_src)
                    digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
            _fingerprints[odoo_src] = digest.hexdigest()[:12]
        return _fingerprints[odoo_src]


def odoo_dependencies(addons, manifests):
    """The Odoo modules ``addons`` depend on, directly or through other suite
    addons, without those that one of the others depends on already (the
    fewest modules that install the same ones)."""
    suite = set(ADDONS)

    def closure(module):
        seen, stack = set(), [module]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(manifests.get(current, ((),))[0])
        return seen

    wanted = set()
    for addon in addons:
        wanted |= {m for m in closure(addon) if m not in suite}
    below = set()
    for module in wanted:
        below |= closure(module) - {module}
    return sorted(wanted - below) or ["base"]


def _name(odoo_src, modules, day):
    text = ",".join(sorted(modules)) + (f"\n{day}" if day else "")
    key = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"{PREFIX}{tree_fingerprint(odoo_src)}_{key}"


def _day_of(name):
    """The day a base of the day was built for ('' for the others)."""
    with open(_marker(name), encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    return lines[1] if len(lines) > 1 else ""


def _marker(name):
    return os.path.join(MARKERS, f"{name}.ready")


def _store(root, name):
    return os.path.join(root, name)


def _drop(name):
    drop_db(name)
    shutil.rmtree(_store(STORES, name), ignore_errors=True)
    if os.path.exists(_marker(name)):
        os.remove(_marker(name))


def prune(odoo_src):
    """Drop the bases of another Odoo tree, those of the day of another day,
    and those a run stopped building."""
    current = f"{PREFIX}{tree_fingerprint(odoo_src)}_"
    pattern = re.compile(rf"^{PREFIX}[0-9a-f]{{12}}_[0-9a-f]{{12}}(_(\d+))?$")
    conn = maintenance_connection()
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{PREFIX}%"])
            names = [row[0] for row in cr.fetchall()]
    finally:
        conn.close()
    for name in names:
        match = pattern.match(name)
        if not match:
            continue
        building = match.group(2)
        if building and _alive(int(building)):
            continue  # another run is building it
        if building or not name.startswith(current) or not os.path.exists(_marker(name)):
            say(f"dropping the kept database {name} (another Odoo tree, or unfinished)")
            _drop(name)
        elif _day_of(name) not in ("", _today()):
            say(f"dropping the kept database {name} (of another day)")
            _drop(name)
        elif time.time() - os.path.getmtime(_marker(name)) > UNUSED_DAYS * 86400:
            say(f"dropping the kept database {name} (unused for {UNUSED_DAYS} days)")
            _drop(name)


def _today():
    return datetime.date.today().isoformat()


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def base(odoo_src, modules, log, of_the_day=False):
    """The name of the kept database of Odoo's ``modules`` installed on a new
    database, built now when there is none (``log``: Odoo's log then); None
    when the bases are off or the build failed (the caller installs on a new
    database). ``of_the_day``: built today, for a database the tests run on.
    Odoo's demo data dates its records from the day it is installed (orders
    of last week, invoices due next month, this year's turnover): on a base
    of another day they would be a fresh database's of that day, and a test
    could pass or fail by the base's age (at the turn of a month or a year).
    The databases the addons are only installed on take any day's."""
    if not enabled():
        return None
    day = _today() if of_the_day else ""
    name = _name(odoo_src, modules, day)
    with _lock:
        lock = _building.setdefault(name, threading.Lock())
    with lock:
        return _base(odoo_src, name, modules, day, log)


def _base(odoo_src, name, modules, day, log):
    if db_exists(name) and os.path.exists(_marker(name)):
        os.utime(_marker(name))  # used: kept (``prune``)
        return name
    building = f"{name}_{os.getpid()}"
    drop_db(building)
    say(f"building the kept database of Odoo's {', '.join(modules)} (log: {log})")
    code = subprocess.run(install_cmd(odoo_src, building, modules, log)).returncode
    if code:
        say(f"building {name} failed (exit code {code}): installing on a new database")
        drop_db(building)
        return None
    if db_exists(name) and os.path.exists(_marker(name)):
        drop_db(building)  # another run built it meanwhile
        return name
    _drop(name)  # a database without its marker: unfinished
    conn = maintenance_connection()
    try:
        with conn.cursor() as cr:
            cr.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(building), sql.Identifier(name)
                )
            )
    finally:
        conn.close()
    os.makedirs(STORES, exist_ok=True)
    built = os.path.join(DATA_DIR, "filestore", building)
    if os.path.isdir(built):
        shutil.move(built, _store(STORES, name))
    with open(_marker(name), "w", encoding="utf-8") as fh:
        fh.write(f"{','.join(modules)}\n{day}\n")
    return name


def copy_base(name, target):
    """``target`` as a copy of the kept database ``name``, with its filestore."""
    copy_db(name, target, STORES)
