"""The suite's test runner (``make test``), run in the virtualenv.

1. lint (pre-commit), unless CRM_SUITE_SKIP_LINT=1;
2. install the addons on a throwaway database, with their few *at_install*
   tests (run as each module is installed); then run their *post_install*
   tests in two Odoo processes side by side, each on a copy of that database,
   the test files shared out by the time ``tests/odoo_durations.json`` records;
   beside them, on another copy, check the translation catalogues against the
   code and run the OCA coexistence tests;
3. install each addon alone (each on a database of its own, or on a copy of
   one that holds only what a new one would: sale's, crm_pipeline's), unless
   CRM_SUITE_SKIP_ALONE=1;
4. serve the installed database and a copy of it, each with ``--workers=2``,
   and run the pytest suite in ``tests/`` against them over XML-RPC, its files
   in two shards side by side (one per database: they share no data).

Steps 1 and 3 run beside step 2. The install keeps one of the two cores busy,
lint and the one-addon installs the other; the two test processes and the
two XML-RPC shards keep both busy.

Any failed test, WARNING/ERROR logged while installing, skipped test or lint
error is a failure. Prints ``N passed, N failed`` and exits 1 on any failure.
"""

import ast
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import xml.etree.ElementTree as ET

import psycopg2
import suite_bases
from suite_odoo import copy_db, drop_db, free_port, install_cmd, odoo_cmd, stop, wait_http
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


def _scan_counted(outcome, log, addons, returncode, what):
    """Count the tests of an Odoo log and its problems into ``outcome``; return
    (tests run, failed, errors)."""
    tests, failed, errors, found = scan_odoo_log(log, addons)
    outcome.passed += tests - failed - errors
    outcome.failed += failed + errors
    # a warning/error line or skipped test that no failure counted is one more
    extra = [p for p in found if "FAIL: " not in p and "ERROR: " not in p]
    extra = [p for p in extra if not RESULT_RE.search(p)]
    for p in extra:
        outcome.problem(p)
    if returncode and not (failed or errors or extra):
        outcome.problem(f"Odoo exited with code {returncode} ({what})")
    if returncode:
        subprocess.run(["tail", "-n", "60", log])
    return tests, failed, errors


def _odoo_test_cmd(odoo_src, db, tags, log, *extra):
    """Odoo running the tests ``tags`` selects on ``db`` and stopping, its log
    at the test level in ``log``."""
    return odoo_cmd(
        odoo_src,
        db,
        *extra,
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
    )


def odoo_install(outcome, odoo_src, db, addons, log):
    """Install ``addons`` on ``db`` with their *at_install* tests (each run
    right after its module is installed, before the modules that depend on it);
    their *post_install* tests are run by ``odoo_post_install_tests``."""
    kept = suite_bases.base(
        odoo_src,
        suite_bases.odoo_dependencies(addons, _manifests(odoo_src)),
        os.path.join(os.path.dirname(log), "base-install.log"),
        of_the_day=True,
    )
    if kept:
        suite_bases.copy_base(kept, db)
        say(f"'{db}': a copy of {kept}, the kept database of Odoo's modules")
    say(f"installing {', '.join(addons)} with their at_install tests on '{db}' (log: {log})")
    res = subprocess.run(
        _odoo_test_cmd(
            odoo_src, db, ",".join(f"at_install/{a}" for a in addons), log, "-i", ",".join(addons)
        )
    )
    tests, failed, errors = _scan_counted(outcome, log, addons, res.returncode, "install")
    say(f"installed; at_install tests: {tests} run, {failed} failed, {errors} errors")
    return not res.returncode


#: processes running the Odoo tests side by side, each on a copy of the
#: installed database: one test at a time each, so two keep both cores busy
ODOO_TEST_PROCESSES = 2

#: seconds an Odoo test file unknown to tests/odoo_durations.json counts for
DEFAULT_ODOO_SECONDS = 5.0


def _recorded_seconds(path):
    """The seconds a durations file (tools/record_test_durations.py) records
    for each test file; none when it is missing or unreadable."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


def _balanced(seconds, count, first=(), head=0.0):
    """The names of ``seconds`` ({name: seconds}) in at most ``count`` groups
    taking about the same time: the longest first, each to the lightest
    group. The names in ``first`` go to the first group, which starts with
    ``head`` seconds, before the others are shared out. The groups are
    returned with their names sorted, empty ones left out."""
    groups = [[head + sum(seconds[n] for n in first), list(first)]]
    groups += [[0.0, []] for _ in range(count - 1)]
    rest = ((w, n) for n, w in seconds.items() if n not in first)
    for weight, name in sorted(rest, reverse=True):
        group = min(groups, key=lambda g: g[0])
        group[0] += weight
        group[1].append(name)
    return [sorted(names) for _weight, names in groups if names]


def _copies(db, suffix, count):
    """``db`` and ``count - 1`` fresh copies of it (``{db}_{suffix}1``, ...),
    dropped first if a run before left them behind."""
    dbs = [db] + [f"{db}_{suffix}{i}" for i in range(1, count)]
    for copy in dbs[1:]:
        drop_db(copy)
        copy_db(db, copy)
    return dbs


#: seconds Odoo takes to generate its asset bundles in a test process with
#: browser tours (``_pregenerate_assets_bundles``, before its first test:
#: 80 s of JavaScript and 34 s of CSS in the run of 2026-12-07)
ASSETS_SECONDS = 114.0


def _odoo_test_groups(addons, count):
    """``--test-tags`` for ``count`` processes whose tests take about the same
    time, after the seconds ``tests/odoo_durations.json`` records for each test
    file (tools/record_test_durations.py). The first group runs every addon's
    tests but the files given to the others, so that a test in a file of
    another name runs too. It also runs every file with an ``HttpCase`` (the
    browser tours): Odoo generates the asset bundles before the tests of a
    process that has one, two minutes of a core, so that only one process
    spends them (a file whose ``HttpCase`` comes from another file's class
    makes the other process generate them as well: slower, not wrong)."""
    recorded = _recorded_seconds(os.path.join(ROOT, "tests", "odoo_durations.json"))
    seconds, tours = {}, set()
    for addon in addons:
        folder = os.path.join(ROOT, addon, "tests")
        if os.path.isdir(folder):
            for name in os.listdir(folder):
                if name.startswith("test_") and name.endswith(".py"):
                    path = f"{addon}/tests/{name}"
                    seconds[path] = recorded.get(path, DEFAULT_ODOO_SECONDS)
                    with open(os.path.join(folder, name), encoding="utf-8") as fh:
                        if "HttpCase" in fh.read():
                            tours.add(path)
    others = _balanced(seconds, count, first=tours, head=ASSETS_SECONDS)[1:]
    first = [f"/{a}" for a in addons] + [f"-/{name}" for names in others for name in names]
    tags = [first] + [[f"/{name}" for name in names] for names in others]
    # Odoo runs a module's at_install tests whenever it loads it with
    # --test-enable: the install ran them, on the modules installed so far
    return [",".join([*group, "-at_install"]) for group in tags]


def odoo_post_install_tests(outcome, odoo_src, db, addons, logdir):
    """The addons' post_install tests (all but a few of them), in
    ``ODOO_TEST_PROCESSES`` Odoo processes side by side, each on a copy of the
    installed ``db`` (the first on ``db`` itself): Odoo runs the post_install
    tests of a database's modules when started with ``--test-enable`` and
    without ``-i``/``-u``, as it runs them right after installing them."""
    groups = _odoo_test_groups(addons, ODOO_TEST_PROCESSES)
    dbs = _copies(db, "t", len(groups))
    runs = []
    try:
        for i, (tags, test_db) in enumerate(zip(groups, dbs, strict=True)):
            log = os.path.join(logdir, f"odoo-tests-{i}.log")
            say(f"Odoo tests, process {i + 1} of {len(groups)}, on '{test_db}' (log: {log})")
            runs.append(
                (i, test_db, log, subprocess.Popen(_odoo_test_cmd(odoo_src, test_db, tags, log)))
            )
        for i, _test_db, log, proc in runs:
            code = proc.wait()
            tests, failed, errors = _scan_counted(outcome, log, addons, code, "Odoo tests")
            say(f"Odoo tests, process {i + 1}: {tests} run, {failed} failed, {errors} errors")
            if not tests:
                outcome.problem(f"Odoo ran no test in process {i + 1}")
    finally:
        for _i, _db, _log, proc in runs:
            stop(proc)
        for copy in dbs[1:]:
            drop_db(copy)


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
            _odoo_test_cmd(
                odoo_src,
                oca_db,
                "oca_rates/crm_finance_cashflow",
                log,
                "--addons-path",
                addons_path,
                "-i",
                "currency_rate_update,currency_rate_update_RO_BNR",
                # Odoo runs the tests of the modules it installs or updates
                "-u",
                "crm_finance_cashflow",
            )
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


def _checks(outcome, odoo_src, db, addons, logdir):
    """The checks of an installed database: the translation catalogues, the
    OCA coexistence tests."""
    i18n_check(outcome, odoo_src, db, addons)
    if "crm_finance_cashflow" in addons:
        oca_rates_tests(outcome, odoo_src, db, logdir)


def _checks_beside(outcome, odoo_src, db, addons, logdir):
    """``_checks`` in a thread of its own, on a copy dropped after them: an
    exception is a failure."""
    try:
        _checks(outcome, odoo_src, db, addons, logdir)
    except Exception as exc:  # noqa: BLE001 - reported as a failure, never lost
        outcome.problem(f"checks of the installed database: {exc!r}")
    finally:
        drop_db(db)


def _manifests(odoo_src):
    """``{module: (depends, auto_install, countries)}`` of the installable modules of the
    addons path ``odoo_cmd`` gives Odoo (the first of a name wins, as in Odoo)."""
    found = {}
    for path in (os.path.join(odoo_src, "addons"), os.path.join(odoo_src, "odoo", "addons"), ROOT):
        for name in sorted(os.listdir(path)):
            manifest = os.path.join(path, name, "__manifest__.py")
            if name in found or not os.path.isfile(manifest):
                continue
            with open(manifest, encoding="utf-8") as fh:
                data = ast.literal_eval(fh.read())
            if not data.get("installable", True):
                continue
            # Odoo's default: a module without dependencies depends on base
            depends = set(data.get("depends") or ([] if name == "base" else ["base"]))
            found[name] = (depends, data.get("auto_install", False), data.get("countries"))
    return found


def _install_result(name, manifests, installed, countries):
    """The modules a database holding ``installed`` holds once ``name`` is
    installed on it, as Odoo's ``button_install`` chooses them: ``name`` and
    its dependencies, then each auto_install module whose trigger (its
    dependencies, or the ones it lists) is installed or to install, at least
    one of them to install, with its own dependencies; a localisation (a
    module with ``countries``) only when one of the database's companies is in
    one of them (``countries``: their codes; None for a new database's first
    modules, which Odoo chooses without looking at companies). None when a
    module is not on the addons path."""
    to_install = set()

    def add(module):
        stack = [module]
        while stack:
            current = stack.pop()
            if current in installed or current in to_install:
                continue
            if current not in manifests:
                return False
            to_install.add(current)
            stack.extend(manifests[current][0])
        return True

    if not add(name):
        return None
    grown = True
    while grown:
        grown = False
        for module, (depends, auto, module_countries) in manifests.items():
            if not auto or module in installed or module in to_install:
                continue
            trigger = depends if auto is True else set(auto)
            if not trigger <= installed | to_install or not trigger & to_install:
                continue
            if (
                countries is not None
                and module_countries
                and not {c.upper() for c in module_countries} & countries
            ):
                continue
            if not add(module):
                return None
            grown = True
    return installed | to_install


def _database_facts(db):
    """(installed modules, country codes of the companies, those of the
    companies base created) of ``db``."""
    conn = psycopg2.connect(dbname=db)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed'")
            installed = {row[0] for row in cr.fetchall()}
            cr.execute(
                """SELECT country.code, data.id IS NOT NULL
                     FROM res_company company
                     JOIN res_partner partner ON partner.id = company.partner_id
                     JOIN res_country country ON country.id = partner.country_id
                LEFT JOIN ir_model_data data ON data.model = 'res.company'
                      AND data.res_id = company.id AND data.module = 'base'"""
            )
            rows = cr.fetchall()
    finally:
        conn.close()
    return installed, {code for code, _base in rows}, {code for code, base in rows if base}


#: Odoo modules most addons depend on, installed once on a database of their
#: own before the addons alone (when two or more of them depend on it): a base
#: for the addons' databases like theirs
ALONE_SHARED = ("sale",)


def _install_on(odoo_src, module, db, base, log):
    """Install ``module`` on ``db``, a new database or a copy of ``base``
    (its label, database and filestores' folder): (problems, (installed
    modules, companies' countries, base's companies' countries) when there is
    none)."""
    drop_db(db)
    if base:
        copy_db(base[1], db, base[2])
    code = subprocess.run(install_cmd(odoo_src, db, [module], log)).returncode
    found = scan_odoo_log(log, [module])[3]
    if code:
        found.append(f"exit code {code}")
    return found, None if found else _database_facts(db)


def install_alone(outcome, odoo_src, addons, logdir):
    """Install each addon on a database of its own: an addon that only installs
    next to the others (a missing dependency) fails. The ``ALONE_SHARED``
    modules first, then the smaller addons first. A module is installed on a
    copy of an earlier database when Odoo would then install the very modules
    a new database gets (``_install_result``, from the manifests): sale's
    database serves crm_pricing, crm_supply and crm_pipeline, crm_pipeline's
    the three addons that depend on it, and the modules they share are
    installed once. Each database is checked to hold what the manifests say a
    new one would; an addon installed on a copy that does not is installed
    again on a new database."""
    manifests = _manifests(odoo_src)
    first = _install_result("base", manifests, set(), None) or set()
    countries = None  # of the companies base creates (its demo company)
    done = []  # (module, database, its installed modules, its companies' countries)

    def expected(module):
        return _install_result(module, manifests, first, countries or set())

    # a shared base only serves when two addons or more depend on it (and
    # the kept databases of Odoo's modules are off)
    jobs = [
        (module, True)
        for module in ALONE_SHARED
        if not suite_bases.enabled()
        and sum(module in (expected(addon) or ()) for addon in addons) > 1
    ]
    jobs += [(addon, False) for addon in sorted(addons, key=lambda a: len(expected(a) or ()))]
    try:
        for module, shared in jobs:
            db = f"crm_suite_alone_{os.getpid()}_{module}"
            log = os.path.join(logdir, f"alone-{module}.log")
            kept = None
            if not shared:
                kept = suite_bases.base(
                    odoo_src,
                    suite_bases.odoo_dependencies([module], manifests),
                    os.path.join(logdir, f"base-{module}.log"),
                )
            if kept and countries is None:
                countries = _database_facts(kept)[2]
            fresh = expected(module) if countries is not None else None
            base = None
            if fresh and kept:
                base = (f"the kept database {kept}", kept, suite_bases.STORES)
            elif fresh:
                bases = [d for d in done if _install_result(module, manifests, d[2], d[3]) == fresh]
                base = max(bases, key=lambda d: len(d[2]), default=None)
                base = base and (f"{base[0]}'s database", base[1], None)
            found, facts = _install_on(odoo_src, module, db, base, log)
            if base and (found or facts[0] != fresh):
                say(f"{module} on a copy of {base[0]}: not as new; on a new one")
                base = None
                found, facts = _install_on(odoo_src, module, db, base, log)
            on = f" (on a copy of {base[0]})" if base else ""
            if shared:
                say(f"{module} installed as a base for the addons{on}: {'no' if found else 'yes'}")
            else:
                for p in found:
                    outcome.problem(f"installing {module} alone: {p}")
                say(f"{module} installs alone{on}: {'no' if found else 'yes'}")
            if facts and countries is None:
                countries = facts[2]
            if facts and facts[0] == expected(module):
                done.append((module, db, facts[0], facts[1]))
            else:
                # not what the manifests say a new database holds: not a base
                drop_db(db)
    finally:
        for _module, db, _modules, _countries in done:
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
    """The test files in ``count`` groups taking about the same time, after the
    seconds ``tests/durations.json`` records for them: a file's tests share
    its module-scoped fixtures, so a file stays in one shard."""
    folder = os.path.join(ROOT, "tests")
    recorded = _recorded_seconds(os.path.join(folder, "durations.json"))
    seconds = {
        os.path.join(folder, name): recorded.get(name, DEFAULT_SECONDS)
        for name in os.listdir(folder)
        if name.startswith("test_") and name.endswith(".py")
    }
    return _balanced(seconds, count)


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
    dbs = _copies(db, "rpc", len(shards))
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
    checks, checks_outcome = None, Outcome()
    if suite_bases.enabled():
        suite_bases.prune(odoo_src)
    try:
        if len(addons) > 1 and os.environ.get("CRM_SUITE_SKIP_ALONE") != "1":
            # its own databases and counts: nothing shared with the steps below
            alone = threading.Thread(
                target=_install_alone_beside, args=(alone_outcome, odoo_src, addons, logdir)
            )
            alone.start()

        drop_db(db)
        if odoo_install(outcome, odoo_src, db, addons, os.path.join(logdir, "odoo-install.log")):
            # the checks on a copy of their own, beside the tests
            drop_db(f"{db}_checks")
            copy_db(db, f"{db}_checks")
            checks = threading.Thread(
                target=_checks_beside,
                args=(checks_outcome, odoo_src, f"{db}_checks", addons, logdir),
            )
            checks.start()
            odoo_post_install_tests(outcome, odoo_src, db, addons, logdir)
        else:
            _checks(outcome, odoo_src, db, addons, logdir)
        if lint:
            finish_lint(outcome, lint)
            lint = None
        for beside, beside_outcome in ((checks, checks_outcome), (alone, alone_outcome)):
            if beside:
                # the XML-RPC shards take both cores
                beside.join()
                outcome.add(beside_outcome)
        checks = alone = None
        xmlrpc_tests(outcome, odoo_src, db, addons, logdir)
    finally:
        if lint:
            finish_lint(outcome, lint)
        for beside, beside_outcome in ((checks, checks_outcome), (alone, alone_outcome)):
            if beside:
                beside.join()
                outcome.add(beside_outcome)
        drop_db(db)
    _report(outcome, logdir)
    return 1 if outcome.failed else 0
