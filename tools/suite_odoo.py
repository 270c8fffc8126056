"""Odoo commands for the suite: databases, the odoo-bin command line, ``run``.

Runs in the suite's virtualenv (``tools/suite.py`` starts it there after the
setup), so it may use psycopg2. PostgreSQL is reached through the standard PG*
variables, as ``tools/suite_setup.py`` left it.
"""

import glob
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psycopg2
from psycopg2 import sql
from suite_setup import ADDONS, DATA_DIR, ROOT, STATE, read_text, say, venv_python, write_text

# --------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------


def maintenance_connection():
    """An autocommit connection to the ``postgres`` database, for creating,
    copying and dropping databases (the caller closes it)."""
    conn = psycopg2.connect(dbname="postgres")
    conn.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    return conn


def db_exists(name):
    conn = maintenance_connection()
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cr.fetchone() is not None
    finally:
        conn.close()


def copy_db(source, target, stores=None):
    """``target`` as a copy of database ``source`` (no connection may be open
    on ``source``), with a copy of its filestore (in ``stores``, by default
    Odoo's ``--data-dir`` of the suite)."""
    conn = maintenance_connection()
    try:
        with conn.cursor() as cr:
            cr.execute(
                sql.SQL("CREATE DATABASE {} WITH TEMPLATE {}").format(
                    sql.Identifier(target), sql.Identifier(source)
                )
            )
    finally:
        conn.close()
    store = os.path.join(stores or os.path.join(DATA_DIR, "filestore"), source)
    if os.path.isdir(store):
        shutil.copytree(store, os.path.join(DATA_DIR, "filestore", target), dirs_exist_ok=True)


def drop_db(name, attempts=30):
    """Drop ``name``, closing its connections, and its filestore (as Odoo's own
    database manager does). A connection of another role (PostgreSQL's
    autovacuum worker, busy on a freshly installed database) cannot be
    terminated by a non-superuser: wait for it to finish and try again."""
    conn = maintenance_connection()
    try:
        with conn.cursor() as cr:
            for attempt in range(attempts):
                try:
                    cr.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            sql.Identifier(name)
                        )
                    )
                    shutil.rmtree(os.path.join(DATA_DIR, "filestore", name), ignore_errors=True)
                    return
                except (psycopg2.errors.InsufficientPrivilege, psycopg2.errors.ObjectInUse):
                    if attempt == attempts - 1:
                        raise
                    time.sleep(2)
    finally:
        conn.close()


# --------------------------------------------------------------------------
# odoo-bin
# --------------------------------------------------------------------------


def odoo_cmd(odoo_src, db, *extra):
    addons_path = ",".join(
        [os.path.join(odoo_src, "addons"), os.path.join(odoo_src, "odoo", "addons"), ROOT]
    )
    cmd = [
        venv_python(),
        os.path.join(odoo_src, "odoo-bin"),
        "--addons-path",
        addons_path,
        "-d",
        db,
        "--db-filter",
        f"^{re.escape(db)}$",
        "--data-dir",
        DATA_DIR,
    ]
    for var, opt in (
        ("PGHOST", "--db_host"),
        ("PGPORT", "--db_port"),
        ("PGUSER", "--db_user"),
        ("PGPASSWORD", "--db_password"),
    ):
        if os.environ.get(var):
            cmd += [opt, os.environ[var]]
    return cmd + list(extra)


def install_cmd(odoo_src, db, modules, log):
    """Odoo installing ``modules`` on ``db`` (without tests) and stopping, its
    log in ``log``."""
    return odoo_cmd(
        odoo_src,
        db,
        "-i",
        ",".join(modules),
        "--stop-after-init",
        "--http-port",
        str(free_port()),
        "--logfile",
        log,
        "--max-cron-threads",
        "0",
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, timeout=180):
    """True once ``url`` answers 200; False if ``proc`` dies or time runs out."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return True
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(1)
    return False


def stop(proc, timeout=30):
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


# --------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------


def addons_digest():
    h = hashlib.sha256()
    for addon in ADDONS:
        for path in sorted(glob.glob(os.path.join(ROOT, addon, "**", "*"), recursive=True)):
            if os.path.isfile(path) and "__pycache__" not in path:
                h.update(path.encode())
                with open(path, "rb") as fh:
                    h.update(fh.read())
    return h.hexdigest()


def _prepare_run_db(odoo_src, db):
    """Create ``db`` with the seven addons, or upgrade them when their code changed."""
    digest = addons_digest()
    stamp = os.path.join(STATE, f"run-{db}.sha256")
    modules = ",".join(ADDONS)
    if not db_exists(db):
        say(f"creating database '{db}' with the seven addons and demo data")
        option = "-i"
    elif read_text(stamp) != digest:
        say(f"addons changed: upgrading them in '{db}'")
        option = "-u"
    else:
        return
    subprocess.run(
        odoo_cmd(
            odoo_src, db, option, modules, "--stop-after-init", "--http-port", str(free_port())
        ),
        check=True,
    )
    write_text(stamp, digest)


def cmd_run(odoo_src):
    db = os.environ.get("CRM_SUITE_DB", "crm_suite")
    port = os.environ.get("CRM_SUITE_PORT", "8069")
    _prepare_run_db(odoo_src, db)
    url = f"http://localhost:{port}"
    say(f"serving Odoo at {url}  (database '{db}', login 'admin', password 'admin'; Ctrl-C stops)")
    proc = subprocess.Popen(odoo_cmd(odoo_src, db, "--http-port", port))
    try:
        sys.exit(proc.wait())
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        proc.wait()
        say("stopped")
