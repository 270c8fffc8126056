"""Provisioning for the suite: PostgreSQL, the Odoo 18.0 source, the virtualenv
and Chromium. Standard library only: it runs before the virtualenv exists.

Used by ``tools/suite.py``; ``setup()`` is idempotent and returns the Odoo source
tree to use. See the README's "Quick start" for the order of the sources.
"""

import getpass
import glob
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.parse
import urllib.request
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = [
    "crm_suite_base",
    "crm_pipeline",
    "crm_pipeline_mass_mailing",
    "crm_evaluation_sheet",
    "crm_pricing",
    "crm_supply",
    "crm_finance_cashflow",
]
VENV = os.path.join(ROOT, ".venv")
DATA_DIR = os.path.join(VENV, "odoo-data")  # Odoo's --data-dir (filestores, sessions)
STATE = os.path.join(VENV, "crm-suite-state")
CACHE = os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
    "odoo-crm-suite",
)
ODOO_CACHE = os.path.join(CACHE, "odoo-18.0")
ODOO_GIT = "https://github.com/odoo/odoo.git"
ODOO_NIGHTLY = "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"


_STARTED = time.monotonic()


def say(msg):
    """One line of progress, with the minutes and seconds since the start."""
    elapsed = int(time.monotonic() - _STARTED)
    print(f"[crm-suite +{elapsed // 60:02d}:{elapsed % 60:02d}] {msg}", flush=True)


def die(msg, code=2):
    print(f"[crm-suite] ERROR: {msg}", file=sys.stderr, flush=True)
    sys.exit(code)


def run(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, **kw)


def read_text(path):
    """The content of ``path``, or None when it does not exist."""
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def write_text(path, text):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------


def _pg_answers():
    """True when a server answers with the standard PG* variables."""
    if not shutil.which("pg_isready"):
        return False
    res = subprocess.run(["pg_isready", "-q", "-t", "3"], capture_output=True)
    return res.returncode == 0


def _pg_can_login():
    res = subprocess.run(
        ["psql", "-X", "-d", "postgres", "-Atc", "select 1"],
        capture_output=True,
        text=True,
    )
    return res.returncode == 0


def _is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _current_user():
    return os.environ.get("PGUSER") or getpass.getuser()


def _install_postgres():
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


def _local_cluster():
    """(version, name) of the Debian cluster on PGPORT (or the first one)."""
    # pg_lsclusters -h: "version name port status owner datadir logfile"
    out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines() if line.strip()]
    if not rows:
        die("PostgreSQL is installed but has no cluster: run pg_createcluster.")
    wanted_port = os.environ.get("PGPORT", "5432")
    row = next((r for r in rows if r[2] == wanted_port), rows[0])
    return row[0], row[1]


def _start_local_cluster():
    if not shutil.which("pg_lsclusters"):
        _install_postgres()
    version, name = _local_cluster()
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
            return
        time.sleep(1)
    die("PostgreSQL did not start; see /var/log/postgresql/.")


def _create_login_role():
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


def ensure_postgres():
    """A server that answers, with a login role for the current user."""
    if not _pg_answers():
        _start_local_cluster()
    if not _pg_can_login():
        _create_login_role()


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
    our_reqs = read_text(os.path.join(ROOT, "requirements.txt"))
    dev_reqs = read_text(os.path.join(ROOT, "requirements-dev.txt"))
    digest = hashlib.sha256((odoo_src + odoo_reqs + our_reqs + dev_reqs).encode()).hexdigest()
    stamp = os.path.join(STATE, "requirements.sha256")
    if read_text(stamp) == digest:
        return
    req_file = os.path.join(STATE, "odoo-requirements.txt")
    write_text(req_file, odoo_reqs)
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
    write_text(os.path.join(site, "odoo-18.0-src.pth"), odoo_src + "\n")
    write_text(stamp, digest)


#: OCA's exchange-rate modules, which crm_finance_cashflow steps aside for: the
#: test command installs them on a copy of its database (never committed, never
#: on the suite's own databases)
OCA_WHEELS = [
    "odoo-addon-currency_rate_update==18.0.1.0.1.28",
    "odoo-addon-currency_rate_update_ro_bnr==18.0.1.3.0",
]
OCA_DIR = os.path.join(STATE, "oca")


def ensure_oca_addons():
    """OCA's wheels downloaded from the package registry and unpacked under
    ``OCA_DIR``; returns the addons directory to put on Odoo's addons path."""
    addons = os.path.join(OCA_DIR, "unpacked", "odoo", "addons")
    stamp = os.path.join(OCA_DIR, "wheels.txt")
    wanted = "\n".join(OCA_WHEELS)
    if read_text(stamp) == wanted and os.path.isdir(addons):
        return addons
    say("downloading OCA's currency_rate_update for the coexistence test")
    wheels = os.path.join(OCA_DIR, "wheels")
    shutil.rmtree(OCA_DIR, ignore_errors=True)
    os.makedirs(wheels)
    run(
        [venv_python(), "-m", "pip", "download", "-q", "--disable-pip-version-check"]
        + ["--no-deps", "-d", wheels]
        + OCA_WHEELS
    )
    for name in os.listdir(wheels):
        with zipfile.ZipFile(os.path.join(wheels, name)) as wheel:
            wheel.extractall(os.path.join(OCA_DIR, "unpacked"))
    write_text(stamp, wanted)
    return addons


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
        ensure_oca_addons()
    return odoo_src
