"""The suite's test runner (``make test``), run in the virtualenv.

1. lint (pre-commit), unless CRM_SUITE_SKIP_LINT=1;
2. install the addons with their Odoo tests on a throwaway database;
   then check the translation catalogues against the code;
3. install each addon alone (one at a time, each on a database of its own),
   unless CRM_SUITE_SKIP_ALONE=1;
4. serve that database and a copy of it, each with ``--workers=2``, and run the
   pytest suite in ``tests/`` against them over XML-RPC, its files in two
   shards side by side (one per database: they share no data).

Steps 1 and 3 run beside step 2: the Odoo tests keep about one of the two
cores busy (one test at a time), lint and the one-addon installs the other.
The XML-RPC suite is one request at a time per shard: two shards keep both
cores busy.

Any failed test, WARNING/ERROR logged while installing, skipped test or lint
error is a failure. Prints ``N passed, N failed`` and exits 1 on any failure.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import xml.etree.ElementTree as ET

from suite_odoo import copy_db, drop_db, free_port, odoo_cmd, stop, wait_http
from suite_setup import ADDONS, ROOT, VENV, ensure_oca_addons, say, venv_python

LOG_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): (?P<msg>.*)$"
)
RESULT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")


class Outcome:
    """What a test run found: counts and the problems to print."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.problems = []

    def problem(self, text):
        """One more failure that no test runner counted."""
        self.problems.append(text)
        self.failed += 1

    def add(self, other):
        """Count what a step run beside the others found."""
        self.passed += other.passed
        self.failed += other.failed
        self.problems.extend(other.problems)


# --------------------------------------------------------------------------
# Odoo logs
# --------------------------------------------------------------------------


def scan_odoo_log(path, addons):
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
            result = RESULT_RE.search(msg)
            if result and logger.startswith("odoo.tests"):
                failed, errors, tests = int(result[1]), int(result[2]), int(result[3])
            if logger.startswith(our) and msg.startswith("skipped "):
                problems.append(f"skipped test: {msg}")
            if level in ("WARNING", "ERROR", "CRITICAL"):
                problems.append(line.rstrip())
    return tests, failed, errors, problems


# --------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------


def start_lint():
    """Start pre-commit (ruff, pylint-odoo) beside the Odoo tests; its output
    goes to a file that ``finish_lint`` prints."""
    say("lint: pre-commit (ruff, pylint-odoo), beside the Odoo tests")
    env = dict(os.environ, PATH=os.path.join(VENV, "bin") + os.pathsep + os.environ["PATH"])
    out = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
    proc = subprocess.Popen(
        [os.path.join(VENV, "bin", "pre-commit"), "run", "--all-files", "--show-diff-on-failure"],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    return proc, out


def finish_lint(outcome, lint):
    proc, out = lint
    code = proc.wait()
    out.seek(0)
    print(out.read(), end="", flush=True)
    out.close()
    if code:
        outcome.problem("lint failed (pre-commit)")
    else:
        say("lint: passed")


def i18n_check(outcome, odoo_src, db, addons):
    """The translation templates match the code and every catalogue translates
    them (tools/suite_i18n.py)."""
    say("translations: templates exported from the test database, catalogues checked")
    res = subprocess.run(
        [
            venv_python(),
            os.path.join(ROOT, "tools", "suite_i18n.py"),
            "--db",
            db,
            "--addons",
            ",".join(addons),
            "--odoo-src",
            odoo_src,
            "--check",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    problems = [line.split("i18n: ", 1)[1] for line in res.stdout.splitlines() if "i18n: " in line]
    for problem in problems:
        outcome.problem(f"translations: {problem}")
    if res.returncode and not problems:
        outcome.problem("translations: the check failed (tools/suite_i18n.py)")
    elif not res.returncode:
        outcome.passed += 1


def odoo_tests(outcome, odoo_src, db, addons, log):
    """Install ``addons`` with their tests on ``db`` and count the results."""
    say(f"installing {', '.join(addons)} with their tests on '{db}' (log: {log})")
    res = subprocess.run(
        odoo_cmd(
            odoo_src,
            db,
            "-i",
            ",".join(addons),
            "--test-enable",
            "--test-tags",
            ",".join(f"/{a}" for a in addons),
            "--stop-after-init",
            "--log-level",
            "test",
            "--http-port",
            str(free_port()),
            "--logfile",
            log,
        ),
    )
    tests, failed, errors, found = scan_odoo_log(log, addons)
    say(f"Odoo tests: {tests} run, {failed} failed, {errors} errors")
    outcome.passed += tests - failed - errors
    outcome.failed += failed + errors
    # a warning/error line or skipped test that no failure counted is one more
    extra = [p for p in found if "FAIL: " not in p and "ERROR: " not in p]
    extra = [p for p in extra if not RESULT_RE.search(p)]
    for p in extra:
        outcome.problem(p)
    if res.returncode and not (failed or errors or extra):
        outcome.problem(f"Odoo exited with code {res.returncode}")
    if not tests:
        outcome.problem("Odoo ran no test")
    if res.returncode or not tests:
        subprocess.run(["tail", "-n", "60", log])


def oca_rates_tests(outcome, odoo_src, db, logdir):
    """crm_finance_cashflow beside OCA's currency_rate_update, installed for
    real on a copy of the test database (the suite's own databases never have
    it): its ``oca_rates`` tests."""
    oca_db = f"{db}_oca"
    log = os.path.join(logdir, "oca-rates.log")
    say(f"OCA's currency_rate_update beside crm_finance_cashflow on '{oca_db}' (log: {log})")
    drop_db(oca_db)
    copy_db(db, oca_db)
    addons_path = ",".join(
        [
            os.path.join(odoo_src, "addons"),
            os.path.join(odoo_src, "odoo", "addons"),
            ROOT,
            ensure_oca_addons(),
        ]
    )
    try:
        res = subprocess.run(
            odoo_cmd(
                odoo_src,
                oca_db,
                "--addons-path",
                addons_path,
                "-i",
                "currency_rate_update,currency_rate_update_RO_BNR",
                # Odoo runs the tests of the modules it installs or updates
                "-u",
                "crm_finance_cashflow",
                "--test-enable",
                "--test-tags",
                "oca_rates/crm_finance_cashflow",
                "--stop-after-init",
                "--log-level",
                "test",
                "--http-port",
                str(free_port()),
                "--logfile",
                log,
            ),
        )
        tests, failed, errors, found = scan_odoo_log(log, ["crm_finance_cashflow"])
    finally:
        drop_db(oca_db)
    say(f"OCA coexistence tests: {tests} run, {failed} failed, {errors} errors")
    outcome.passed += tests - failed - errors
    outcome.failed += failed + errors
    for p in found:
        if "FAIL: " not in p and "ERROR: " not in p and not RESULT_RE.search(p):
            outcome.problem(p)
    if not tests:
        outcome.problem("the OCA coexistence tests did not run")
    if res.returncode and not (failed or errors):
        outcome.problem(f"Odoo exited with code {res.returncode} (OCA coexistence)")


def _start_alone(odoo_src, addon, logdir):
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
    return addon, db, log, subprocess.Popen(cmd)


def install_alone(outcome, odoo_src, addons, logdir, parallel=1):
    """Install each addon on its own database, ``parallel`` at a time: an
    addon that only installs next to the others (a missing dependency) fails."""
    pending = list(addons)
    running = []
    while pending or running:
        while pending and len(running) < parallel:
            running.append(_start_alone(odoo_src, pending.pop(0), logdir))
        addon, db, log, proc = running.pop(0)
        code = proc.wait()
        found = scan_odoo_log(log, [addon])[3]
        if code:
            found.append(f"exit code {code}")
        for p in found:
            outcome.problem(f"installing {addon} alone: {p}")
        say(f"{addon} installs alone: {'no' if found else 'yes'}")
        drop_db(db)


def _install_alone_beside(outcome, odoo_src, addons, logdir):
    """``install_alone`` in a thread of its own: an exception is a failure."""
    try:
        install_alone(outcome, odoo_src, addons, logdir)
    except Exception as exc:  # noqa: BLE001 - reported as a failure, never lost
        outcome.problem(f"installing each addon alone: {exc!r}")


def pytest_counts(junit):
    """(passed, failed, skipped) from pytest's JUnit XML."""
    try:
        root = ET.parse(junit).getroot()
    except (OSError, ET.ParseError):
        return 0, 1, 0
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = sum(int(s.get("tests", 0)) for s in suites)
    bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    return total - bad - skipped, bad, skipped


def _start_server(odoo_src, db, port, log):
    cmd = odoo_cmd(
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
        log,
        "--limit-time-real",
        "600",
        "--limit-time-cpu",
        "300",
    )
    # odoo-bin with the password hashing of Odoo's own tests (see the script)
    assert cmd[1] == os.path.join(odoo_src, "odoo-bin")
    cmd[1] = os.path.join(ROOT, "tools", "odoo_rpc_server.py")
    return subprocess.Popen(cmd, env=dict(os.environ, ODOO_SRC=odoo_src))


#: the XML-RPC suite's shards, each on a database of its own
SHARDS = 2


#: seconds a test file unknown to tests/durations.json counts for
DEFAULT_SECONDS = 10.0


def _shards(count):
    """The test files in ``count`` groups taking about the same time (the
    longest files first, each to the lightest group), after the seconds
    ``tests/durations.json`` records for them (tools/record_test_durations.py):
    a file's tests share its module-scoped fixtures, so a file stays in one
    shard."""
    folder = os.path.join(ROOT, "tests")
    try:
        with open(os.path.join(folder, "durations.json"), encoding="utf-8") as fh:
            seconds = json.load(fh)
    except (OSError, ValueError):
        seconds = {}
    files = sorted(
        (seconds.get(name, DEFAULT_SECONDS), name)
        for name in os.listdir(folder)
        if name.startswith("test_") and name.endswith(".py")
    )
    groups = [[0.0, []] for _ in range(count)]
    for weight, name in reversed(files):
        group = min(groups, key=lambda g: g[0])
        group[0] += weight
        group[1].append(os.path.join(folder, name))
    return [sorted(names) for _weight, names in groups if names]


def _start_pytest(url, db, addons, junit, files):
    env = dict(
        os.environ,
        ODOO_URL=url,
        ODOO_DB=db,
        ODOO_ADMIN_LOGIN="admin",
        ODOO_ADMIN_PASSWORD="admin",
        CRM_SUITE_ADDONS=",".join(addons),
    )
    return subprocess.Popen(
        [
            venv_python(),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
            # the conftest and rootdir of the whole folder, whatever the shard
            "--rootdir",
            ROOT,
            *files,
        ],
        cwd=ROOT,
        env=env,
    )


def xmlrpc_tests(outcome, odoo_src, db, addons, logdir):
    """The pytest suite against multi-worker servers: its files in shards,
    each against its own copy of ``db`` (the first shard on ``db`` itself)."""
    shards = _shards(SHARDS)
    dbs = [db] + [f"{db}_rpc{i}" for i in range(1, len(shards))]
    for copy in dbs[1:]:
        drop_db(copy)
        copy_db(db, copy)
    servers = []
    try:
        for i, shard_db in enumerate(dbs):
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            log = os.path.join(logdir, f"odoo-server-{i}.log")
            say(f"starting Odoo with --workers=2 on {url} ({shard_db}) for XML-RPC shard {i + 1}")
            servers.append((url, log, _start_server(odoo_src, shard_db, port, log)))
        for url, log, srv in servers:
            if not wait_http(url + "/web/login", srv):
                outcome.problem("Odoo server did not come up for the XML-RPC suite")
                subprocess.run(["tail", "-n", "40", log])
                return
        runs = []
        for i, (files, shard_db, (url, _log, _srv)) in enumerate(
            zip(shards, dbs, servers, strict=True)
        ):
            junit = os.path.join(logdir, f"pytest-{i}.xml")
            runs.append((junit, _start_pytest(url, shard_db, addons, junit, files)))
        for junit, proc in runs:
            proc.wait()
            passed, failed, skipped = pytest_counts(junit)
            say(f"XML-RPC tests ({os.path.basename(junit)}): {passed} passed, {failed} failed")
            outcome.passed += passed
            outcome.failed += failed
            if skipped:
                outcome.problem(f"{skipped} XML-RPC test(s) skipped")
    finally:
        for _url, _log, srv in servers:
            stop(srv)
        for copy in dbs[1:]:
            drop_db(copy)


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def _report(outcome, logdir):
    if outcome.failed or os.environ.get("CRM_SUITE_KEEP_LOGS") == "1":
        say(f"logs kept in {logdir}")
    else:
        shutil.rmtree(logdir, ignore_errors=True)
    for p in outcome.problems:
        print(f"[crm-suite] PROBLEM: {p}", flush=True)
    print(f"{outcome.passed} passed, {outcome.failed} failed", flush=True)


def cmd_test(odoo_src):
    """Run every step; returns the exit code (1 on any failure)."""
    addons = [a for a in os.environ.get("CRM_SUITE_ADDONS", ",".join(ADDONS)).split(",") if a]
    outcome = Outcome()
    lint = None
    if os.environ.get("CRM_SUITE_SKIP_LINT") != "1":
        lint = start_lint()
    db = f"crm_suite_test_{os.getpid()}"
    logdir = tempfile.mkdtemp(prefix="crm-suite-test-")
    alone, alone_outcome = None, Outcome()
    try:
        if len(addons) > 1 and os.environ.get("CRM_SUITE_SKIP_ALONE") != "1":
            # its own databases and counts: nothing shared with the steps below
            alone = threading.Thread(
                target=_install_alone_beside, args=(alone_outcome, odoo_src, addons, logdir)
            )
            alone.start()
        drop_db(db)
        odoo_tests(outcome, odoo_src, db, addons, os.path.join(logdir, "odoo-install.log"))
        if lint:
            finish_lint(outcome, lint)
            lint = None
        i18n_check(outcome, odoo_src, db, addons)
        if "crm_finance_cashflow" in addons:
            oca_rates_tests(outcome, odoo_src, db, logdir)
        if alone:
            # the XML-RPC shards take both cores
            alone.join()
            outcome.add(alone_outcome)
            alone = None
        xmlrpc_tests(outcome, odoo_src, db, addons, logdir)
    finally:
        if lint:
            finish_lint(outcome, lint)
        if alone:
            alone.join()
            outcome.add(alone_outcome)
        drop_db(db)
    _report(outcome, logdir)
    return 1 if outcome.failed else 0
