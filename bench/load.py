"""Load and fault test: concurrent XML-RPC clients on a ``--workers=2`` server,
one worker killed and PostgreSQL stopped mid-run, invariants checked in SQL.

Salespeople create proformas of a few scarce storable products (the company's
reserved-stock policy set to ``block``), reserve them, confirm and cancel them;
accountants invoice the same customer contracts and cancel some of those
invoices. Afterwards the database must show no product reserved beyond its
stock, free to sell never negative, no schedule row invoiced twice, nothing
half-done, and no traceback (XML-RPC fault code 1) may have reached a client
other than while PostgreSQL was down.

    .venv/bin/python bench/load.py --db crm_load [--seconds 60 --clients 20
        --no-pg-stop]

The database is created with the addons when missing. PostgreSQL is stopped
(``pg_ctlcluster VERSION CLUSTER stop -m fast``, then ``start``) only when the
database lives on a local cluster that no other database is using at the time
(``--force-pg-stop`` overrides the second condition). ``tests/test_load_short.py``
runs a short version against the test server, reusing ``prepare``, ``run_load``
and ``check_invariants``.
"""

import argparse
import collections
import datetime
import http.client
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import xmlrpc.client

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFUSED = (2, 4)  # UserError/ValidationError, AccessError: clean refusals
TRANSPORT_ERRORS = (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError)
PRODUCTS = 4  # scarce storable products
STOCK = 10.0  # units of each in the warehouse
CONTRACTS = 4  # customer contracts invoiced by every accountant
MAX_ITERATIONS = 100_000  # a bound on every client loop, whatever the duration


# --------------------------------------------------------------------------
# XML-RPC sessions and what they saw
# --------------------------------------------------------------------------


class _Transport(xmlrpc.client.Transport):
    """Keep-alive HTTP with a timeout (a request never hangs a client forever),
    never resending a request."""

    def __init__(self, timeout):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        return conn

    def request(self, host, handler, request_body, verbose=False):
        # once: the standard transport silently sends a request again when the
        # connection was reset, which would hide a request lost with its worker
        return self.single_request(host, handler, request_body, verbose)


class Session:
    """A logged-in XML-RPC user, for one thread."""

    def __init__(self, url, db, login, password, timeout=180):
        self.url, self.db, self.login, self.password = url, db, login, password
        common = xmlrpc.client.ServerProxy(
            f"{url}/xmlrpc/2/common", allow_none=True, transport=_Transport(timeout)
        )
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise RuntimeError(f"cannot log in as {login}")
        self.models = xmlrpc.client.ServerProxy(
            f"{url}/xmlrpc/2/object", allow_none=True, transport=_Transport(timeout)
        )

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


Event = collections.namedtuple("Event", "role op outcome start end detail")


class Recorder:
    """Every request of the run: its operation, outcome and time span.
    Outcomes: ``ok``, ``refused`` (fault 2 or 4), ``fault`` (any other fault
    code, 1 being a traceback) and ``transport`` (no answer: connection
    refused or reset, timeout, HTTP error)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.events = []
        self.windows = []  # (kind, start, end): worker kill, database down

    def call(self, session, role, op, model, method, *args, **kwargs):
        start = time.monotonic()
        result, outcome, detail = None, "ok", ""
        try:
            result = session.call(model, method, *args, **kwargs)
        except xmlrpc.client.Fault as fault:
            outcome = "refused" if fault.faultCode in REFUSED else "fault"
            lines = [ln for ln in str(fault.faultString).strip().splitlines() if ln.strip()]
            detail = f"{fault.faultCode}: {lines[-1] if lines else ''}"[:300]
        except TRANSPORT_ERRORS as exc:
            outcome, detail = "transport", f"{type(exc).__name__}: {exc}"[:300]
        event = Event(role, op, outcome, start, time.monotonic(), detail)
        with self._lock:
            self.events.append(event)
        if outcome in ("fault", "transport"):
            time.sleep(0.5)  # a client backs off while the server or database is down
        return outcome, result

    def window(self, kind, start, end):
        with self._lock:
            self.windows.append((kind, start, end))

    def in_window(self, event, kind):
        return any(
            k == kind and event.start <= end and event.end >= start
            for k, start, end in self.windows
        )

    def fault_window(self, event):
        """The fault window ``event`` overlaps (the database outage first), or None."""
        for kind in ("db_down", "worker_kill"):
            if self.in_window(event, kind):
                return kind
        return None


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def _group_ids(admin, xmlids):
    ids = []
    for xmlid in xmlids:
        module, name = xmlid.split(".")
        found = admin.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        if found:
            ids.append(found[0]["res_id"])
    return ids


def _make_user(admin, login, groups):
    admin.call(
        "res.users",
        "create",
        {
            "name": login.replace("_", " ").title(),
            "login": login,
            "password": login,
            "email": f"{login}@example.com",
            "groups_id": [(6, 0, _group_ids(admin, groups))],
        },
    )
    return login


def prepare(admin, salespeople, accountants, tag=None):
    """Scarce products with a little stock, the ``block`` policy, users,
    customers and active monthly contracts with rows due; returns the
    fixture (ids and logins) the run and the checks use. ``previous_policy``
    is what ``restore`` puts back."""
    tag = tag or f"{os.getpid()}_{int(time.time())}"
    [user] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    company_id = user["company_id"][0]
    [company] = admin.call("res.company", "read", [company_id], ["reserved_stock_policy"])
    admin.call("res.company", "write", [company_id], {"reserved_stock_policy": "block"})
    [warehouse] = admin.call(
        "stock.warehouse",
        "search_read",
        [("company_id", "=", company_id)],
        ["lot_stock_id"],
        limit=1,
    )
    products = []
    for i in range(PRODUCTS):
        product_id = admin.call(
            "product.product",
            "create",
            {
                "name": f"Load scarce {tag} {i}",
                "is_storable": True,
                "list_price": 10.0,
                "taxes_id": [(6, 0, [])],
            },
        )
        [product] = admin.call("product.product", "read", [product_id], ["product_tmpl_id"])
        wizard_id = admin.call(
            "stock.change.product.qty",
            "create",
            {
                "product_id": product_id,
                "product_tmpl_id": product["product_tmpl_id"][0],
                "new_quantity": STOCK,
            },
        )
        admin.call("stock.change.product.qty", "change_product_qty", [wizard_id])
        products.append(product_id)
    customers = [
        admin.call(
            "res.partner", "create", {"name": f"Load customer {tag} {i}", "is_company": True}
        )
        for i in range(3)
    ]
    accountant_groups = ["account.group_account_user", "account.group_account_invoice"]
    sales = [
        _make_user(admin, f"load_{tag}_sales_{i}", ["sales_team.group_sale_salesman"])
        for i in range(salespeople)
    ]
    accounting = [
        _make_user(admin, f"load_{tag}_accountant_{i}", accountant_groups)
        for i in range(accountants)
    ]
    today = datetime.date.today()
    start = (today.replace(day=1) - datetime.timedelta(days=180)).replace(day=1)
    contracts = []
    for i in range(CONTRACTS):
        contract_id = admin.call(
            "crm.contract",
            "create",
            {
                "contract_type": "customer",
                "title": f"Load contract {tag} {i}",
                "partner_id": customers[i % len(customers)],
                "date_start": start.isoformat(),
                "date_end": (today + datetime.timedelta(days=365)).isoformat(),
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"Maintenance {i}",
                            "quantity": 1,
                            "price_unit": 100.0 + i,
                            "recurrence": "monthly",
                            "date_start": start.isoformat(),
                        },
                    )
                ],
            },
        )
        admin.call("crm.contract", "action_activate", [contract_id])
        contracts.append(contract_id)
    return {
        "tag": tag,
        "company_id": company_id,
        "previous_policy": company["reserved_stock_policy"],
        "warehouse_id": warehouse["id"],
        "location_id": warehouse["lot_stock_id"][0],
        "products": products,
        "customers": customers,
        "salespeople": sales,
        "accountants": accounting,
        "contracts": contracts,
    }


def restore(admin, fixture):
    """The company's policy as it was before ``prepare``."""
    admin.call(
        "res.company",
        "write",
        [fixture["company_id"]],
        {"reserved_stock_policy": fixture["previous_policy"]},
    )


# --------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------

NO_CANCEL_WIZARD = {"context": {"disable_cancel_warning": True}}


def salesperson(session, rec, fixture, deadline, rng):
    """Proformas of the scarce products: reserve, then confirm or cancel;
    confirmed orders are mostly cancelled again, so that stock keeps moving."""
    for _i in range(MAX_ITERATIONS):
        if time.monotonic() >= deadline:
            return
        products = rng.sample(fixture["products"], rng.choice((1, 1, 1, 2)))
        lines = [
            (0, 0, {"product_id": p, "product_uom_qty": rng.choice((1, 1, 2, 3))}) for p in products
        ]
        outcome, order_id = rec.call(
            session,
            "sales",
            "order.create",
            "sale.order",
            "create",
            {
                "partner_id": rng.choice(fixture["customers"]),
                "user_id": session.uid,
                "order_line": lines,
            },
        )
        if outcome != "ok":
            continue
        if rng.random() < 0.8:
            reserved, _res = rec.call(
                session, "sales", "order.reserve", "sale.order", "action_reserve_stock", [order_id]
            )
            confirm = reserved == "ok" and rng.random() < 0.5
        else:
            confirm = True  # straight to confirmation: the policy checks it there
        confirmed = False
        if confirm:
            done, _res = rec.call(
                session, "sales", "order.confirm", "sale.order", "action_confirm", [order_id]
            )
            confirmed = done == "ok"
        if not confirmed or rng.random() < 0.9:
            rec.call(
                session,
                "sales",
                "order.cancel",
                "sale.order",
                "action_cancel",
                [order_id],
                **NO_CANCEL_WIZARD,
            )


def accountant(session, rec, fixture, deadline, rng):
    """Invoice the contracts' due rows; cancel some invoices (their rows come
    back and are invoiced again), post a few, cancel others' drafts."""
    today = datetime.date.today().isoformat()
    for _i in range(MAX_ITERATIONS):
        if time.monotonic() >= deadline:
            return
        contract_id = rng.choice(fixture["contracts"])
        outcome, move_ids = rec.call(
            session,
            "accounting",
            "contract.invoice",
            "crm.contract",
            "action_create_invoices",
            [contract_id],
            date=today,
        )
        if outcome == "ok" and move_ids:
            roll = rng.random()
            if roll < 0.6:
                rec.call(
                    session,
                    "accounting",
                    "invoice.cancel",
                    "account.move",
                    "write",
                    move_ids,
                    {"state": "cancel"},
                )
            elif roll < 0.7:
                rec.call(
                    session, "accounting", "invoice.post", "account.move", "action_post", move_ids
                )
        if rng.random() < 0.3:
            # someone else's draft, possibly being cancelled by a third accountant
            outcome, drafts = rec.call(
                session,
                "accounting",
                "invoice.search",
                "account.move",
                "search",
                [
                    ("partner_id", "in", fixture["customers"]),
                    ("state", "=", "draft"),
                    ("move_type", "=", "out_invoice"),
                ],
                limit=5,
            )
            if outcome == "ok" and drafts:
                rec.call(
                    session,
                    "accounting",
                    "invoice.cancel",
                    "account.move",
                    "write",
                    [rng.choice(drafts)],
                    {"state": "cancel"},
                )
        time.sleep(rng.uniform(0.0, 0.2))


def monitor(session, rec, fixture, deadline, lowest):
    """Free to sell of the scarce products read once a second (admin)."""
    while time.monotonic() < deadline:
        outcome, rows = rec.call(
            session,
            "monitor",
            "free_to_sell.read",
            "product.product",
            "read",
            fixture["products"],
            ["qty_free_to_sell"],
            context={"warehouse_id": fixture["warehouse_id"]},
        )
        if outcome == "ok":
            for row in rows:
                lowest[row["id"]] = min(
                    lowest.get(row["id"], row["qty_free_to_sell"]), row["qty_free_to_sell"]
                )
        time.sleep(1.0)


# --------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------


def _listening_inodes(port):
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as fh:
                next(fh)
                for line in fh:
                    parts = line.split()
                    if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add(parts[9])
        except OSError:
            continue
    return inodes


def _pids_holding(inodes):
    pids = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    pids.add(int(pid))
                    break
        except OSError:
            continue
    return pids


def _ppid(pid):
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        return int(fh.read().rsplit(")", 1)[1].split()[1])


def _cmdline(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as fh:
        return fh.read().decode(errors="replace").split("\0")


def find_http_workers(port, db):
    """(master pid, [HTTP worker pids]) of the Odoo prefork server listening on
    ``port`` for ``db``, or (None, []) when that cannot be told for sure: the
    processes holding the listening socket, one of them (the master, an
    ``odoo-bin`` serving ``db``) the parent of all the others."""
    try:
        pids = _pids_holding(_listening_inodes(port))
        masters = [pid for pid in pids if _ppid(pid) not in pids]
        if len(masters) != 1:
            return None, []
        master = masters[0]
        cmd = _cmdline(master)
        if not any(arg.endswith("odoo-bin") for arg in cmd) or db not in cmd:
            return None, []
        workers = sorted(pid for pid in pids if pid != master)
        if any(_ppid(pid) != master for pid in workers):
            return None, []
        return master, workers
    except OSError:
        return None, []


def kill_worker(rec, port, db, notes):
    """SIGKILL one HTTP worker; True when the master spawned a new one."""
    master, workers = find_http_workers(port, db)
    if len(workers) < 2:
        notes.append(f"worker kill skipped: no prefork workers found for port {port}")
        return None
    victim = workers[0]
    start = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    rec.window("worker_kill", start, start + 3.0)
    for _i in range(100):
        time.sleep(0.2)
        _master, now = find_http_workers(port, db)
        if victim not in now and len(now) >= len(workers):
            notes.append(
                f"worker {victim} killed; the master respawned it in "
                f"{time.monotonic() - start:.1f} s"
            )
            return True
    notes.append(f"worker {victim} killed; not respawned within 20 s")
    return False


def pg_cluster(conn_params):
    """(version, cluster) of the local Debian cluster that serves the database,
    or None (another host, no pg_lsclusters, no match)."""
    import psycopg2  # pylint: disable=import-outside-toplevel

    with psycopg2.connect(**conn_params) as conn, conn.cursor() as cr:
        cr.execute("SELECT inet_server_addr()::text, current_setting('data_directory')")
        addr, datadir = cr.fetchone()
    conn.close()
    if addr and not re.match(r"^(127\.|::1)", addr):
        return None
    try:
        out = subprocess.run(
            ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 6 and os.path.realpath(parts[5]) == os.path.realpath(datadir):
            return parts[0], parts[1]
    return None


def other_pg_users(conn_params):
    """Connections to the cluster for other databases than ours (someone else's
    work that a stop would break)."""
    import psycopg2  # pylint: disable=import-outside-toplevel

    conn = psycopg2.connect(**conn_params)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT DISTINCT datname FROM pg_stat_activity WHERE datname IS NOT NULL "
                "AND datname <> current_database() AND pid <> pg_backend_pid()"
            )
            return [row[0] for row in cr.fetchall()]
    finally:
        conn.close()


def stop_postgres(rec, cluster, probe, seconds, notes):
    """Stop the cluster for ``seconds``, start it, and wait until a request
    through Odoo succeeds again; the span is the database-down window."""
    version, name = cluster
    start = time.monotonic()
    subprocess.run(["pg_ctlcluster", version, name, "stop", "-m", "fast"], check=True)
    stopped = time.monotonic()
    time.sleep(seconds)
    subprocess.run(["pg_ctlcluster", version, name, "start"], check=True)
    started = time.monotonic()
    for _i in range(300):
        try:
            probe.call("res.company", "search_count", [])
            back = time.monotonic()
            # requests already in flight when the database came back may still fail
            rec.window("db_down", start, back + 2.0)
            notes.append(
                f"PostgreSQL {version}/{name}: stopping took {stopped - start:.1f} s, down "
                f"{started - stopped:.1f} s; requests succeed again {back - started:.1f} s "
                "after its start"
            )
            return back
        except (xmlrpc.client.Fault, *TRANSPORT_ERRORS):
            time.sleep(0.2)
    rec.window("db_down", start, time.monotonic())
    notes.append(f"PostgreSQL {version}/{name} restarted but requests still fail after 60 s")
    return None


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------


def run_load(url, db, fixture, seconds, port=None, kill=True, pg=None, pg_seconds=4.0, seed=1):
    """Run the clients for ``seconds``: one per salesperson and accountant of
    the fixture, plus a monitor. ``kill``: SIGKILL one HTTP worker of the
    server on ``port`` at 20 % of the run; ``pg``: (version, cluster) to stop
    at 45 %. Returns a result dict for ``check_invariants`` and ``report``."""
    rec = Recorder()
    notes = []
    lowest = {}
    # log in first (every worker loads its registry): the clock starts after
    logins = fixture["salespeople"] + fixture["accountants"]
    sessions = [Session(url, db, login, login) for login in logins]
    admin = Session(
        url,
        db,
        os.environ.get("ODOO_ADMIN_LOGIN", "admin"),
        os.environ.get("ODOO_ADMIN_PASSWORD", "admin"),
    )
    deadline = time.monotonic() + seconds
    threads = []
    for i, session in enumerate(sessions):
        work = salesperson if session.login in fixture["salespeople"] else accountant
        rng = random.Random(seed * 1000 + i)
        threads.append(threading.Thread(target=work, args=(session, rec, fixture, deadline, rng)))
    threads.append(threading.Thread(target=monitor, args=(admin, rec, fixture, deadline, lowest)))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    respawned, back = None, None
    if kill and port:
        time.sleep(max(0.0, started + seconds * 0.2 - time.monotonic()))
        respawned = kill_worker(rec, port, db, notes)
    if pg:
        time.sleep(max(0.0, started + seconds * 0.45 - time.monotonic()))
        probe = Session(url, db, admin.login, admin.password)
        back = stop_postgres(rec, pg, probe, pg_seconds, notes)
    for thread in threads:
        thread.join()
    return {
        "recorder": rec,
        "notes": notes,
        "lowest_free": lowest,
        "respawned": respawned,
        "pg_stopped": bool(pg),
        "db_back": back,
        "seconds": time.monotonic() - started,
    }


def _percentile(values, pct):
    values = sorted(values)
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(round(pct / 100.0 * (len(values) - 1))))]


def summarize(result):
    """Per operation: counts by outcome and p50/p95 latency (answered requests
    outside the fault windows)."""
    rec = result["recorder"]
    rows = {}
    for event in rec.events:
        row = rows.setdefault(
            event.op,
            {"requests": 0, "ok": 0, "refused": 0, "errors": 0, "during_faults": 0, "lat": []},
        )
        row["requests"] += 1
        faulted = rec.fault_window(event) is not None
        if event.outcome in ("ok", "refused"):
            row[event.outcome] += 1
            if not faulted:
                row["lat"].append(event.end - event.start)
        elif faulted:
            row["during_faults"] += 1
        else:
            row["errors"] += 1
    for row in rows.values():
        lat = row.pop("lat")
        row["p50_ms"] = _percentile(lat, 50) * 1000
        row["p95_ms"] = _percentile(lat, 95) * 1000
    return rows


def report(result, violations, out=sys.stdout):
    rows = summarize(result)
    rec = result["recorder"]
    total = len(rec.events)
    header = (
        f"{'operation':<20}{'requests':>9}{'ok':>7}{'refused':>9}{'errors':>8}"
        f"{'in faults':>10}{'p50 ms':>9}{'p95 ms':>9}"
    )
    print(header, file=out)
    for op in sorted(rows):
        r = rows[op]
        print(
            f"{op:<20}{r['requests']:>9}{r['ok']:>7}{r['refused']:>9}{r['errors']:>8}"
            f"{r['during_faults']:>10}{r['p50_ms']:>9.0f}{r['p95_ms']:>9.0f}",
            file=out,
        )
    answered = sum(r["ok"] + r["refused"] for r in rows.values())
    print(
        f"{total} requests in {result['seconds']:.0f} s, {answered} answered "
        f"({answered / max(result['seconds'], 1):.1f}/s); latency: answered requests "
        "outside the fault windows",
        file=out,
    )
    reasons = collections.Counter(
        e.detail for e in rec.events if e.outcome == "refused"
    ).most_common(6)
    for text, count in reasons:
        print(f"  refused {count}x: {_short(text)}", file=out)
    for kind in ("worker_kill", "db_down"):
        hit = [
            e
            for e in rec.events
            if e.outcome in ("fault", "transport") and rec.fault_window(e) == kind
        ]
        if hit:
            kinds = collections.Counter(f"{e.outcome} {_short(e.detail)}" for e in hit).most_common(
                3
            )
            print(
                f"  during {kind}: {len(hit)} failed ({'; '.join(f'{n}x {t}' for t, n in kinds)})",
                file=out,
            )
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", file=out)
    for note in result["notes"]:
        print(f"  {note}", file=out)
    if violations:
        print(f"INVARIANTS VIOLATED ({len(violations)}):", file=out)
        for violation in violations:
            print(f"  - {violation}", file=out)
    else:
        print("invariants: all hold", file=out)


def _short(text):
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"S\d{5,}(-R\d+)?", "S…", text)
    text = re.sub(r"Load scarce \S+ ", "Load scarce ", text)
    return text[:140]


# --------------------------------------------------------------------------
# Invariants
# --------------------------------------------------------------------------

SQL_CHECKS = [
    (
        "reserved by proformas beyond the stock on hand",
        """
        SELECT r.product_id, r.location_id, SUM(r.quantity),
               (SELECT COALESCE(SUM(q.quantity), 0) FROM stock_quant q
                  JOIN stock_location l ON l.id = q.location_id
                 WHERE q.product_id = r.product_id
                   AND l.parent_path LIKE (SELECT parent_path FROM stock_location
                                            WHERE id = r.location_id) || '%%')
          FROM sale_stock_reservation r
         WHERE r.state = 'reserved' AND r.product_id = ANY(%(products)s)
         GROUP BY r.product_id, r.location_id
        HAVING SUM(r.quantity) > (SELECT COALESCE(SUM(q.quantity), 0) FROM stock_quant q
                  JOIN stock_location l ON l.id = q.location_id
                 WHERE q.product_id = r.product_id
                   AND l.parent_path LIKE (SELECT parent_path FROM stock_location
                                            WHERE id = r.location_id) || '%%') + 0.0001
        """,
    ),
    (
        "proforma reservations plus open deliveries beyond the stock on hand",
        """
        WITH loc AS (SELECT parent_path FROM stock_location WHERE id = %(location)s),
        inside AS (SELECT l.id FROM stock_location l, loc
                    WHERE l.parent_path LIKE loc.parent_path || '%%')
        SELECT p.id,
               (SELECT COALESCE(SUM(quantity), 0) FROM sale_stock_reservation
                 WHERE state = 'reserved' AND product_id = p.id
                   AND location_id IN (SELECT id FROM inside)) AS held,
               (SELECT COALESCE(SUM(product_qty), 0) FROM stock_move
                 WHERE product_id = p.id AND state NOT IN ('draft', 'cancel', 'done')
                   AND location_id IN (SELECT id FROM inside)
                   AND location_dest_id NOT IN (SELECT id FROM inside)) AS outgoing,
               (SELECT COALESCE(SUM(quantity), 0) FROM stock_quant
                 WHERE product_id = p.id AND location_id IN (SELECT id FROM inside)) AS on_hand
          FROM product_product p
         WHERE p.id = ANY(%(products)s)
        """,
    ),
    (
        "schedule row on two live invoice lines",
        """
        SELECT l.crm_contract_schedule_id, COUNT(*)
          FROM account_move_line l JOIN account_move m ON m.id = l.move_id
          JOIN crm_contract_schedule s ON s.id = l.crm_contract_schedule_id
         WHERE m.state <> 'cancel' AND s.contract_id = ANY(%(contracts)s)
         GROUP BY 1 HAVING COUNT(*) > 1
        """,
    ),
    (
        "contract billed on live invoices more often than it has invoiced rows",
        """
        SELECT c.id, c.name,
               (SELECT COUNT(*) FROM account_move_line l JOIN account_move m ON m.id = l.move_id
                 WHERE m.invoice_origin = c.name AND m.state <> 'cancel'
                   AND l.display_type = 'product') AS lines,
               (SELECT COUNT(*) FROM crm_contract_schedule s
                 WHERE s.contract_id = c.id AND s.state = 'invoiced') AS rows
          FROM crm_contract c
         WHERE c.id = ANY(%(contracts)s)
           AND (SELECT COUNT(*) FROM account_move_line l JOIN account_move m ON m.id = l.move_id
                 WHERE m.invoice_origin = c.name AND m.state <> 'cancel'
                   AND l.display_type = 'product')
            <> (SELECT COUNT(*) FROM crm_contract_schedule s
                 WHERE s.contract_id = c.id AND s.state = 'invoiced')
        """,
    ),
    (
        "invoiced schedule row without its live invoice line",
        """
        SELECT s.id, s.invoice_id, m.state
          FROM crm_contract_schedule s LEFT JOIN account_move m ON m.id = s.invoice_id
         WHERE s.contract_id = ANY(%(contracts)s) AND s.state = 'invoiced'
           AND (m.id IS NULL OR m.state = 'cancel' OR NOT EXISTS (
                SELECT 1 FROM account_move_line l
                 WHERE l.move_id = m.id AND l.crm_contract_schedule_id = s.id))
        """,
    ),
    (
        "planned or cancelled schedule row still linked to an invoice",
        """
        SELECT s.id, s.state, s.invoice_id,
               (SELECT array_agg(l.move_id) FROM account_move_line l
                 WHERE l.crm_contract_schedule_id = s.id)
          FROM crm_contract_schedule s
         WHERE s.contract_id = ANY(%(contracts)s) AND s.state <> 'invoiced'
           AND (s.invoice_id IS NOT NULL OR EXISTS (
                SELECT 1 FROM account_move_line l WHERE l.crm_contract_schedule_id = s.id))
        """,
    ),
    (
        "cancelled invoice line still linked to a schedule row",
        """
        SELECT l.id, l.move_id, l.crm_contract_schedule_id
          FROM account_move_line l JOIN account_move m ON m.id = l.move_id
          JOIN crm_contract_schedule s ON s.id = l.crm_contract_schedule_id
         WHERE m.state = 'cancel' AND s.contract_id = ANY(%(contracts)s)
        """,
    ),
    (
        "confirmed or cancelled order still holding a proforma reservation",
        """
        SELECT o.id, o.name, o.state, r.id
          FROM sale_order o JOIN sale_stock_reservation r ON r.order_id = o.id
         WHERE o.partner_id = ANY(%(customers)s) AND o.state IN ('sale', 'cancel')
           AND r.state = 'reserved'
        """,
    ),
    (
        "confirmed order without its delivery",
        """
        SELECT o.id, o.name FROM sale_order o
         WHERE o.partner_id = ANY(%(customers)s) AND o.state = 'sale'
           AND NOT EXISTS (SELECT 1 FROM stock_picking p WHERE p.sale_id = o.id
                            AND p.state <> 'cancel')
        """,
    ),
    (
        "cancelled order with an open delivery",
        """
        SELECT o.id, o.name, p.id, p.state FROM sale_order o
          JOIN stock_picking p ON p.sale_id = o.id
         WHERE o.partner_id = ANY(%(customers)s) AND o.state = 'cancel'
           AND p.state NOT IN ('cancel', 'done')
        """,
    ),
    (
        "active reservation larger than its order line",
        """
        SELECT r.id, r.quantity, l.product_uom_qty FROM sale_stock_reservation r
          JOIN sale_order_line l ON l.id = r.order_line_id
         WHERE r.state = 'reserved' AND r.product_id = ANY(%(products)s)
           AND r.quantity > l.product_uom_qty + 0.0001
        """,
    ),
]


def check_invariants(result, fixture, conn_params, admin=None):
    """Violations (strings): the database's state after the run, free to sell as
    Odoo reads it, and what reached the clients. Empty when all hold."""
    import psycopg2  # pylint: disable=import-outside-toplevel

    violations = []
    params = {
        "products": fixture["products"],
        "contracts": fixture["contracts"],
        "customers": fixture["customers"],
        "location": fixture["location_id"],
    }
    conn = psycopg2.connect(**conn_params)
    try:
        with conn.cursor() as cr:
            for label, query in SQL_CHECKS:
                cr.execute(query, params)
                rows = cr.fetchall()
                if label.startswith("proforma reservations plus"):
                    rows = [r for r in rows if float(r[1]) + float(r[2]) > float(r[3]) + 0.0001]
                if rows:
                    violations.append(f"{label}: {rows[:5]}{' …' if len(rows) > 5 else ''}")
    finally:
        conn.close()
    if admin is not None:
        rows = admin.call(
            "product.product",
            "read",
            fixture["products"],
            ["qty_free_to_sell"],
            context={"warehouse_id": fixture["warehouse_id"]},
        )
        negative = {r["id"]: r["qty_free_to_sell"] for r in rows if r["qty_free_to_sell"] < 0}
        if negative:
            violations.append(f"free to sell negative after the run: {negative}")
    during = {pid: qty for pid, qty in result["lowest_free"].items() if qty < 0}
    if during:
        violations.append(f"free to sell read negative during the run: {during}")
    rec = result["recorder"]
    for event in rec.events:
        if rec.in_window(event, "db_down"):
            continue
        if event.outcome == "fault":
            violations.append(f"fault reached a client ({event.role}, {event.op}): {event.detail}")
        elif event.outcome == "transport" and not rec.in_window(event, "worker_kill"):
            violations.append(f"request lost ({event.role}, {event.op}): {event.detail}")
    if result["respawned"] is False:
        violations.append("the killed worker was not respawned")
    if result["pg_stopped"]:
        if result["db_back"] is None:
            violations.append("requests never succeeded again after PostgreSQL restarted")
        else:
            for role in ("sales", "accounting"):
                if not any(
                    e.role == role
                    and e.outcome in ("ok", "refused")
                    and e.end > result["db_back"] + 0.5
                    for e in rec.events
                ):
                    violations.append(f"no {role} request answered after PostgreSQL came back")
    for role in ("sales", "accounting"):
        if not any(e.role == role and e.outcome == "ok" for e in rec.events):
            violations.append(f"no {role} request succeeded at all")
    return violations


# --------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------


def _suite_odoo():
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import suite_odoo  # pylint: disable=import-outside-toplevel

    return suite_odoo


def odoo_src():
    import suite_setup  # pylint: disable=import-outside-toplevel

    return os.environ.get("ODOO_SRC") or suite_setup.ODOO_CACHE


def _command(suite_odoo, db, *extra):
    cmd = suite_odoo.odoo_cmd(odoo_src(), db, *extra)
    if not os.path.exists(cmd[0]):
        cmd[0] = sys.executable  # a checkout without its own .venv (a worktree)
    return cmd


def ensure_db(suite_odoo, db):
    if suite_odoo.db_exists(db):
        return
    print(f"creating database {db} with the suite's addons", flush=True)
    modules = ",".join(suite_odoo.ADDONS)
    subprocess.run(
        _command(
            suite_odoo,
            db,
            "-i",
            modules,
            "--stop-after-init",
            "--http-port",
            str(suite_odoo.free_port()),
        ),
        check=True,
    )


def start_server(suite_odoo, db, port, log):
    return subprocess.Popen(
        _command(
            suite_odoo,
            db,
            "--workers",
            "2",
            "--max-cron-threads",
            "0",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(port),
            "--gevent-port",
            str(suite_odoo.free_port()),
            "--logfile",
            log,
            "--log-level",
            "warn",
        )
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--db", default="crm_load", help="created with the addons when missing")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--no-pg-stop", action="store_true", help="do not stop PostgreSQL")
    parser.add_argument(
        "--force-pg-stop",
        action="store_true",
        help="stop the cluster even when other databases are in use on it",
    )
    parser.add_argument("--pg-seconds", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.clients < 2:
        parser.error("--clients: at least 2 (a salesperson and an accountant)")
    suite_odoo = _suite_odoo()
    conn_params = {"dbname": args.db}
    ensure_db(suite_odoo, args.db)
    pg = None
    if not args.no_pg_stop:
        pg = pg_cluster(conn_params)
        others = other_pg_users(conn_params) if pg else []
        if pg is None:
            print("PostgreSQL stop skipped: the database is not on a local cluster", flush=True)
        elif others and not args.force_pg_stop:
            print(
                f"PostgreSQL stop skipped: cluster {'/'.join(pg)} also serves {others} "
                "(--force-pg-stop to stop it anyway)",
                flush=True,
            )
            pg = None
    port = suite_odoo.free_port()
    url = f"http://127.0.0.1:{port}"
    log = os.path.join(ROOT, "bench", "results", f"load-{args.db}.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    print(f"starting Odoo --workers=2 on {url} (log: {log})", flush=True)
    server = start_server(suite_odoo, args.db, port, log)
    try:
        if not suite_odoo.wait_http(url + "/web/login", server):
            print("Odoo did not come up", file=sys.stderr)
            return 2
        admin = Session(url, args.db, "admin", "admin")
        accountants = max(1, round(args.clients * 0.3))
        fixture = prepare(admin, args.clients - accountants, accountants)
        try:
            print(
                f"{args.clients} clients ({args.clients - accountants} salespeople, "
                f"{accountants} accountants) for {args.seconds:.0f} s",
                flush=True,
            )
            result = run_load(
                url,
                args.db,
                fixture,
                args.seconds,
                port=port,
                pg=pg,
                pg_seconds=args.pg_seconds,
                seed=args.seed,
            )
            violations = check_invariants(result, fixture, conn_params, admin)
        finally:
            restore(admin, fixture)
        report(result, violations)
        return 1 if violations else 0
    finally:
        suite_odoo.stop(server)


if __name__ == "__main__":
    sys.exit(main())
