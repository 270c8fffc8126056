#!/usr/bin/env python3
"""Bring up Odoo 18.0 Community on PostgreSQL with the suite's addons.

Standard library only: this script runs before the virtualenv exists.

    python3 tools/suite.py run      # serve Odoo with the five addons and demo data
    python3 tools/suite.py test     # lint, Odoo tests, XML-RPC tests; "N passed, N failed"
    python3 tools/suite.py setup    # only the idempotent setup (PostgreSQL, Odoo, venv)

Settings (environment variables):
    ODOO_SRC            an Odoo 18.0 source tree to use instead of the cache
    CRM_SUITE_DB        database used by ``run`` (default ``crm_suite``)
    CRM_SUITE_PORT      HTTP port used by ``run`` (default 8069)
    CRM_SUITE_ADDONS    comma-separated addons for ``test`` (default: all five)
    CRM_SUITE_SKIP_LINT  set to 1 to skip the lint step of ``test``
    CRM_SUITE_SKIP_ALONE set to 1 to skip installing each addon alone in ``test``
    PGHOST/PGPORT/PGUSER/PGPASSWORD   an existing PostgreSQL server to use
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
import tempfile
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = [
    "crm_pipeline",
    "crm_evaluation_sheet",
    "crm_pricing",
    "crm_supply",
    "crm_finance_cashflow",
]
VENV = os.path.join(ROOT, ".venv")
STATE = os.path.join(VENV, "crm-suite-state")
CACHE = os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
    "odoo-crm-suite",
)
ODOO_CACHE = os.path.join(CACHE, "odoo-18.0")
ODOO_GIT = "https://github.com/odoo/odoo.git"
ODOO_NIGHTLY = "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
# Substrings of WARNING lines that Odoo itself logs and that are no fault of
# ours. Empty on purpose: any WARNING or ERROR during the install fails the run.
BENIGN_WARNINGS = ()


def say(msg):
    print(f"[crm-suite] {msg}", flush=True)


def die(msg, code=2):
    print(f"[crm-suite] ERROR: {msg}", file=sys.stderr, flush=True)
    sys.exit(code)


def run(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, **kw)


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------


def _pg_env():
    return dict(os.environ)


def _pg_answers():
    """True when a server answers with the standard PG* variables."""
    if not shutil.which("pg_isready"):
        return False
    res = subprocess.run(["pg_isready", "-q", "-t", "3"], env=_pg_env(), capture_output=True)
    return res.returncode == 0


def _pg_can_login():
    res = subprocess.run(
        ["psql", "-X", "-d", "postgres", "-Atc", "select 1"],
        env=_pg_env(),
        capture_output=True,
        text=True,
    )
    return res.returncode == 0


def _is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _current_user():
    import getpass

    return os.environ.get("PGUSER") or getpass.getuser()


def ensure_postgres():
    if _pg_answers() and _pg_can_login():
        return
    if not _pg_answers():
        if not shutil.which("pg_lsclusters"):
            if not _is_root():
                die(
                    "No PostgreSQL server answers and none is installed. Install "
                    "PostgreSQL 13+ (Debian: apt-get install postgresql) or set "
                    "PGHOST/PGPORT/PGUSER/PGPASSWORD to a server that answers."
                )
            say("installing Debian's postgresql package")
            run(["apt-get", "update", "-qq"])
            run(
                ["apt-get", "install", "-y", "-qq", "postgresql"],
                env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
            )
        # pg_lsclusters -h: "version name port status owner datadir logfile"
        rows = [
            line.split()
            for line in subprocess.run(
                ["pg_lsclusters", "-h"], capture_output=True, text=True
            ).stdout.splitlines()
            if line.strip()
        ]
        if not rows:
            die("PostgreSQL is installed but has no cluster: run pg_createcluster.")
        wanted_port = os.environ.get("PGPORT", "5432")
        row = next((r for r in rows if r[2] == wanted_port), rows[0])
        version, name = row[0], row[1]
        if not _is_root():
            die(
                f"PostgreSQL cluster {version}/{name} is not running and only root "
                f"can start it here: run 'sudo pg_ctlcluster {version} {name} start' "
                "or set PG* variables to a server that answers."
            )
        say(f"starting PostgreSQL cluster {version}/{name}")
        run(["pg_ctlcluster", version, name, "start"])
        for _ in range(30):
            if _pg_answers():
                break
            time.sleep(1)
        else:
            die("PostgreSQL did not start; see /var/log/postgresql/.")
    if not _pg_can_login():
        user = _current_user()
        if user == "postgres":
            die("Odoo refuses to run as the 'postgres' role: set PGUSER to another role.")
        if not _is_root():
            die(
                f"PostgreSQL answers but role '{user}' cannot log in: create it "
                f"(sudo -u postgres createuser --createdb {user})."
            )
        say(f"creating PostgreSQL login role '{user}'")
        run(["runuser", "-u", "postgres", "--", "createuser", "--createdb", user])
        if not _pg_can_login():
            die(f"role '{user}' still cannot log in to PostgreSQL")


def db_exists(name):
    res = subprocess.run(
        [
            "psql",
            "-X",
            "-d",
            "postgres",
            "-Atc",
            f"select 1 from pg_database where datname = '{name}'",
        ],
        capture_output=True,
        text=True,
        env=_pg_env(),
    )
    return res.stdout.strip() == "1"


def drop_db(name):
    subprocess.run(["dropdb", "--if-exists", "--force", name], env=_pg_env(), capture_output=True)


# --------------------------------------------------------------------------
# Odoo source
# --------------------------------------------------------------------------


def _is_odoo18(path):
    release = os.path.join(path, "odoo", "release.py")
    if not os.path.isfile(release):
        return False
    with open(release, encoding="utf-8") as fh:
        text = fh.read()
    return re.search(r"^version_info = \(18, 0,", text, re.M) is not None


def _reachable(url):
    """Fail fast when the network does not answer (no minutes-long hangs)."""
    host = urllib.parse.urlparse(url).hostname
    try:
        socket.create_connection((host, 443), timeout=10).close()
        return True
    except OSError as exc:
        say(f"{host} is not reachable: {exc}")
        return False


def _download_odoo(dest):
    tmp = dest + ".part"
    shutil.rmtree(tmp, ignore_errors=True)
    if shutil.which("git") and _reachable(ODOO_GIT):
        say(f"downloading Odoo 18.0 from {ODOO_GIT} (shallow)")
        res = subprocess.run(
            ["git", "clone", "-q", "--depth", "1", "-b", "18.0", ODOO_GIT, tmp],
            timeout=1800,
            env=dict(os.environ, GIT_HTTP_LOW_SPEED_LIMIT="1000", GIT_HTTP_LOW_SPEED_TIME="20"),
        )
        if res.returncode == 0 and _is_odoo18(tmp):
            shutil.rmtree(os.path.join(tmp, ".git"), ignore_errors=True)
            os.rename(tmp, dest)
            return True
        shutil.rmtree(tmp, ignore_errors=True)
    if not _reachable(ODOO_NIGHTLY):
        return False
    say(f"downloading Odoo 18.0 nightly source archive from {ODOO_NIGHTLY}")
    try:
        import tarfile

        os.makedirs(tmp)
        with urllib.request.urlopen(ODOO_NIGHTLY, timeout=20) as resp:
            with tarfile.open(fileobj=resp, mode="r|gz") as tar:
                tar.extractall(tmp)
        inner = [p for p in glob.glob(os.path.join(tmp, "*")) if _is_odoo18(p)]
        if inner:
            os.rename(inner[0], dest)
            shutil.rmtree(tmp, ignore_errors=True)
            return True
    except Exception as exc:  # noqa: BLE001 - any failure means "no download"
        say(f"download failed: {exc}")
    shutil.rmtree(tmp, ignore_errors=True)
    return False


def ensure_odoo_src():
    src = os.environ.get("ODOO_SRC")
    if src:
        src = os.path.abspath(os.path.expanduser(src))
        if not _is_odoo18(src):
            die(f"ODOO_SRC={src} is not an Odoo 18.0 source tree (odoo/release.py).")
        return src
    if os.path.isdir(ODOO_CACHE):
        if not _is_odoo18(ODOO_CACHE):
            die(
                f"{ODOO_CACHE} exists but is not an Odoo 18.0 tree; remove it or set "
                "ODOO_SRC to an Odoo 18.0 source tree."
            )
        return ODOO_CACHE
    os.makedirs(CACHE, exist_ok=True)
    if _download_odoo(ODOO_CACHE):
        return ODOO_CACHE
    die(
        "No Odoo 18.0 source found and the download failed. Set ODOO_SRC to an "
        f"Odoo 18.0 Community source tree, or put one at {ODOO_CACHE}."
    )


# --------------------------------------------------------------------------
# virtualenv
# --------------------------------------------------------------------------


def venv_python():
    return os.path.join(VENV, "bin", "python")


def _odoo_requirements(odoo_src):
    """Odoo's requirements with the known snags of this platform worked around."""
    out = []
    with open(os.path.join(odoo_src, "requirements.txt"), encoding="utf-8") as fh:
        for line in fh:
            stripped = line.split("#", 1)[0].strip()
            if not stripped:
                continue
            # cbor2 5.4.2 only ships an sdist that needs pkg_resources to build
            if stripped.startswith("cbor2==5.4.2"):
                stripped = "cbor2==5.6.2 ; python_version < '3.12'"
            # python-ldap compiles against libldap; only auth_ldap needs it
            if stripped.startswith("python-ldap"):
                continue
            out.append(stripped)
    # used by Odoo's phone formatting when present (Debian's odoo depends on it)
    out.append("phonenumbers")
    # chrome devtools protocol for browser tours
    out.append("websocket-client")
    # gevent loads its plugins through pkg_resources; the pkg_resources of
    # old setuptools does not find zope_interface's normalised dist-info, so
    # the longpolling worker of --workers mode dies at start
    out.append("setuptools>=70,<80")
    return "\n".join(out) + "\n"


def ensure_venv(odoo_src):
    py = venv_python()
    if not os.path.exists(py):
        base = sys.executable
        if not (3, 10) <= sys.version_info[:2] <= (3, 12):
            die("Python 3.10 to 3.12 is required to run Odoo 18.0.")
        say(f"creating virtualenv {VENV}")
        run([base, "-m", "venv", VENV])
    os.makedirs(STATE, exist_ok=True)
    odoo_reqs = _odoo_requirements(odoo_src)
    with open(os.path.join(ROOT, "requirements.txt"), encoding="utf-8") as fh:
        our_reqs = fh.read()
    with open(os.path.join(ROOT, "requirements-dev.txt"), encoding="utf-8") as fh:
        dev_reqs = fh.read()
    digest = hashlib.sha256((odoo_src + odoo_reqs + our_reqs + dev_reqs).encode()).hexdigest()
    stamp = os.path.join(STATE, "requirements.sha256")
    if os.path.exists(stamp) and open(stamp).read() == digest:
        return
    req_file = os.path.join(STATE, "odoo-requirements.txt")
    with open(req_file, "w", encoding="utf-8") as fh:
        fh.write(odoo_reqs)
    say("installing Python requirements into the virtualenv")
    pip = [py, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    run(
        pip
        + [
            "-r",
            req_file,
            "-r",
            os.path.join(ROOT, "requirements.txt"),
            "-r",
            os.path.join(ROOT, "requirements-dev.txt"),
        ]
    )
    # Odoo itself: importable from the venv without copying or building it
    # (pip's console script trips on pkg_resources; we run odoo-bin instead).
    site = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with open(os.path.join(site, "odoo-18.0-src.pth"), "w", encoding="utf-8") as fh:
        fh.write(odoo_src + "\n")
    with open(stamp, "w") as fh:
        fh.write(digest)


def ensure_chromium():
    """Browser tours need Chromium; Odoo silently skips them without it."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return
    if not _is_root() or not shutil.which("apt-get"):
        die("Chromium is required for the browser tours: install Debian's 'chromium'.")
    say("installing Debian's chromium for the browser tours")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", "chromium"], env=env)


def setup(need_browser=False):
    ensure_postgres()
    odoo_src = ensure_odoo_src()
    ensure_venv(odoo_src)
    if need_browser:
        ensure_chromium()
    return odoo_src


# --------------------------------------------------------------------------
# Odoo commands
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
        os.path.join(VENV, "odoo-data"),
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


def addons_digest():
    h = hashlib.sha256()
    for addon in ADDONS:
        for path in sorted(glob.glob(os.path.join(ROOT, addon, "**", "*"), recursive=True)):
            if os.path.isfile(path) and "__pycache__" not in path:
                h.update(path.encode())
                with open(path, "rb") as fh:
                    h.update(fh.read())
    return h.hexdigest()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, timeout=180):
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


def cmd_run():
    odoo_src = setup()
    db = os.environ.get("CRM_SUITE_DB", "crm_suite")
    port = os.environ.get("CRM_SUITE_PORT", "8069")
    digest = addons_digest()
    stamp = os.path.join(STATE, f"run-{db}.sha256")
    modules = ",".join(ADDONS)
    if not db_exists(db):
        say(f"creating database '{db}' with the five addons and demo data")
        run(
            odoo_cmd(
                odoo_src, db, "-i", modules, "--stop-after-init", "--http-port", str(free_port())
            )
        )
        with open(stamp, "w") as fh:
            fh.write(digest)
    elif not os.path.exists(stamp) or open(stamp).read() != digest:
        say(f"addons changed: upgrading them in '{db}'")
        run(
            odoo_cmd(
                odoo_src, db, "-u", modules, "--stop-after-init", "--http-port", str(free_port())
            )
        )
        with open(stamp, "w") as fh:
            fh.write(digest)
    url = f"http://localhost:{port}"
    say(f"serving Odoo at {url}  (database '{db}', login 'admin', password 'admin'; Ctrl-C stops)")
    proc = subprocess.Popen(odoo_cmd(odoo_src, db, "--http-port", port))
    try:
        sys.exit(proc.wait())
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        proc.wait()
        say("stopped")


LOG_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): (?P<msg>.*)$"
)
RESULT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")


def _scan_odoo_log(path, addons):
    """Return (tests, failed, errors, problems) from an Odoo test log."""
    tests = failed = errors = 0
    problems = []
    our = tuple(f"odoo.addons.{a}" for a in addons)
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            m = LOG_RE.match(line.rstrip("\n"))
            if not m:
                continue
            level, logger, msg = m["level"], m["logger"], m["msg"]
            r = RESULT_RE.search(msg)
            if r and logger.startswith("odoo.tests"):
                failed, errors, tests = int(r[1]), int(r[2]), int(r[3])
            if logger.startswith(our) and msg.startswith("skipped "):
                problems.append(f"skipped test: {msg}")
            if level in ("WARNING", "ERROR", "CRITICAL"):
                if any(b in line for b in BENIGN_WARNINGS):
                    continue
                problems.append(line.rstrip())
    return tests, failed, errors, problems


def _lint():
    say("lint: pre-commit (ruff, pylint-odoo)")
    env = dict(os.environ, PATH=os.path.join(VENV, "bin") + os.pathsep + os.environ["PATH"])
    res = subprocess.run(
        [os.path.join(VENV, "bin", "pre-commit"), "run", "--all-files", "--show-diff-on-failure"],
        cwd=ROOT,
        env=env,
    )
    return res.returncode == 0


def _pytest_counts(junit):
    try:
        root = ET.parse(junit).getroot()
    except (OSError, ET.ParseError):
        return 0, 0, 1
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = sum(int(s.get("tests", 0)) for s in suites)
    bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    return total - bad - skipped, bad, skipped


def _install_alone(odoo_src, addons, logdir):
    """Install each addon on its own database, two at a time (2 cores).

    Returns the problems found: an addon that only installs next to the
    others (a missing dependency) fails here.
    """
    problems = []
    pending = list(addons)
    running = []
    while pending or running:
        while pending and len(running) < 2:
            addon = pending.pop(0)
            db = f"crm_suite_alone_{os.getpid()}_{addon}"
            log = os.path.join(logdir, f"alone-{addon}.log")
            drop_db(db)
            cmd = odoo_cmd(
                odoo_src,
                db,
                "-i",
                addon,
                "--stop-after-init",
                "--http-port",
                str(free_port()),
                "--logfile",
                log,
                "--max-cron-threads",
                "0",
            )
            running.append((addon, db, log, subprocess.Popen(cmd)))
        addon, db, log, proc = running.pop(0)
        code = proc.wait()
        _tests, _failed, _errors, found = _scan_odoo_log(log, [addon])
        if code:
            found.append(f"exit code {code}")
        problems += [f"installing {addon} alone: {p}" for p in found]
        say(f"{addon} installs alone: {'no' if found else 'yes'}")
        drop_db(db)
    return problems


def cmd_test():
    odoo_src = setup(need_browser=True)
    addons = [a for a in os.environ.get("CRM_SUITE_ADDONS", ",".join(ADDONS)).split(",") if a]
    passed = failed = 0
    problems = []
    if os.environ.get("CRM_SUITE_SKIP_LINT") != "1":
        if not _lint():
            problems.append("lint failed (pre-commit)")
            failed += 1
    db = f"crm_suite_test_{os.getpid()}"
    logdir = tempfile.mkdtemp(prefix="crm-suite-test-")
    log = os.path.join(logdir, "odoo-install.log")
    try:
        drop_db(db)
        say(f"installing {', '.join(addons)} with their tests on '{db}' (log: {log})")
        tags = ",".join(f"/{a}" for a in addons)
        res = subprocess.run(
            odoo_cmd(
                odoo_src,
                db,
                "-i",
                ",".join(addons),
                "--test-enable",
                "--test-tags",
                tags,
                "--stop-after-init",
                "--log-level",
                "test",
                "--http-port",
                str(free_port()),
                "--logfile",
                log,
            ),
        )
        tests, o_failed, o_errors, o_problems = _scan_odoo_log(log, addons)
        say(f"Odoo tests: {tests} run, {o_failed} failed, {o_errors} errors")
        passed += tests - o_failed - o_errors
        failed += o_failed + o_errors
        # every warning/error line or skipped test that is not a counted
        # failure is one more failure
        extra = [
            p
            for p in o_problems
            if "FAIL: " not in p and "ERROR: " not in p and not RESULT_RE.search(p)
        ]
        problems += extra
        failed += len(extra)
        if res.returncode != 0 and not (o_failed or o_errors or extra):
            problems.append(f"Odoo exited with code {res.returncode}")
            failed += 1
        if not tests:
            problems.append("Odoo ran no test")
            failed += 1
        if res.returncode != 0 or not tests:
            subprocess.run(["tail", "-n", "60", log])
        if len(addons) > 1 and os.environ.get("CRM_SUITE_SKIP_ALONE") != "1":
            alone = _install_alone(odoo_src, addons, logdir)
            problems += alone
            failed += len(alone)
        # XML-RPC suite against a multi-worker server on the same database
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        srv_log = os.path.join(logdir, "odoo-server.log")
        say(f"starting Odoo with --workers=2 on {url} for the XML-RPC suite")
        srv = subprocess.Popen(
            odoo_cmd(
                odoo_src,
                db,
                "--workers",
                "2",
                "--http-port",
                str(port),
                # the longpolling/websocket process would take the fixed 8072
                "--gevent-port",
                str(free_port()),
                "--max-cron-threads",
                "0",
                "--logfile",
                srv_log,
                "--limit-time-real",
                "600",
                "--limit-time-cpu",
                "300",
            )
        )
        try:
            if not wait_http(url + "/web/login", srv):
                problems.append("Odoo server did not come up for the XML-RPC suite")
                failed += 1
                subprocess.run(["tail", "-n", "40", srv_log])
            else:
                junit = os.path.join(logdir, "pytest.xml")
                env = dict(
                    os.environ,
                    ODOO_URL=url,
                    ODOO_DB=db,
                    ODOO_ADMIN_LOGIN="admin",
                    ODOO_ADMIN_PASSWORD="admin",
                    CRM_SUITE_ADDONS=",".join(addons),
                )
                subprocess.run(
                    [
                        venv_python(),
                        "-m",
                        "pytest",
                        "-q",
                        "-p",
                        "no:cacheprovider",
                        f"--junitxml={junit}",
                        os.path.join(ROOT, "tests"),
                    ],
                    cwd=ROOT,
                    env=env,
                )
                p_pass, p_fail, p_skip = _pytest_counts(junit)
                say(f"XML-RPC tests: {p_pass} passed, {p_fail} failed, {p_skip} skipped")
                passed += p_pass
                failed += p_fail
                if p_skip:
                    problems.append(f"{p_skip} XML-RPC test(s) skipped")
                    failed += p_skip
        finally:
            srv.terminate()
            try:
                srv.wait(30)
            except subprocess.TimeoutExpired:
                srv.kill()
    finally:
        drop_db(db)
    if not failed:
        shutil.rmtree(logdir, ignore_errors=True)
    else:
        say(f"logs kept in {logdir}")
    for p in problems:
        print(f"[crm-suite] PROBLEM: {p}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


def main(argv):
    if len(argv) != 2 or argv[1] not in ("run", "test", "setup"):
        print(__doc__)
        return 2
    if argv[1] == "setup":
        setup(need_browser=True)
        say("setup done")
    elif argv[1] == "run":
        cmd_run()
    else:
        cmd_test()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
