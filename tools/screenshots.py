#!/usr/bin/env python3
"""Take the addons' screenshots from a running ``make run`` database.

    .venv/bin/python tools/screenshots.py                    # every screen
    .venv/bin/python tools/screenshots.py --only lead_form board
    .venv/bin/python tools/screenshots.py --url http://localhost:8069 --db crm_suite

Each screen is opened in headless Chromium (Debian's ``chromium``), logged in
as the demo user of the README's demo story who works on it (login =
password; a session from ``/web/session/authenticate``), at 1280×800, and
saved as an optimised PNG into the addon's ``static/description/``. The
records are found by their demo xml ids through XML-RPC as the administrator
(``--admin-login``/``--admin-password``). Driving Chromium uses its DevTools
protocol through ``websocket-client``, which Odoo's own requirements install.
"""

import argparse
import base64
import glob
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import xmlrpc.client

import websocket
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WIDTH, HEIGHT = 1280, 800


class Ref(str):
    """An xml id in a search domain, replaced by its record's id."""


#: name -> (addon, demo login, what to open). ``record``: an xml id, or a
#: (model, domain) searched for one record; ``action``: the action whose
#: breadcrumbs and menu frame the record (or shown alone without a record).
SCREENS = {
    "lead_form": (
        "crm_pipeline",
        "ro_sales1",
        {"action": "crm.crm_lead_action_pipeline", "record": "crm_pipeline.demo_lead_story"},
    ),
    "board_general": (
        "crm_pipeline",
        "ro_manager",
        {"action": "crm_pipeline.crm_board_general_action"},
    ),
    "board_activities": (
        "crm_pipeline",
        "ro_manager",
        {"action": "crm_pipeline.crm_board_activities_action"},
    ),
    "board_funnel": (
        "crm_pipeline",
        "ro_manager",
        {"action": "crm_pipeline.crm_board_funnel_action"},
    ),
    "evaluation_sheet": (
        "crm_evaluation_sheet",
        "ro_sales1",
        {
            "action": "crm_evaluation_sheet.crm_evaluation_sheet_action",
            "record": "crm_evaluation_sheet.evaluation_sheet_demo",
        },
    ),
    "quotation_chapters": (
        "crm_pricing",
        "ro_sales1",
        {
            "action": "sale.action_quotations_with_onboarding",
            "record": (
                "sale.order",
                [
                    ("evaluation_sheet_id", "=", Ref("crm_evaluation_sheet.evaluation_sheet_demo")),
                    ("state", "!=", "cancel"),
                ],
            ),
            "columns": ["pricing_explanation"],
            "scroll": ".o_notebook",
        },
    ),
    "proforma": (
        "crm_supply",
        "ro_sales1",
        {
            "action": "sale.action_quotations_with_onboarding",
            "record": "crm_supply.demo_proforma_order",
        },
    ),
    "contract": (
        "crm_finance_cashflow",
        "ro_accountant",
        {
            "action": "crm_finance_cashflow.crm_contract_action_customer",
            "record": "crm_finance_cashflow.demo_contract_story",
        },
    ),
    "cashflow_forecast": (
        "crm_finance_cashflow",
        "ro_accountant",
        {"action": "crm_finance_cashflow.crm_cashflow_forecast_report_action"},
    ),
}


class Odoo:
    """XML-RPC as the administrator, to find the demo records."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        self.uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(
            db, login, password, {}
        )
        if not self.uid:
            sys.exit(f"cannot log in to {db} at {url} as {login}")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kw):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, args, kw)

    def ref(self, xmlid):
        """(model, id) of an xml id."""
        module, name = xmlid.split(".")
        return self.call("ir.model.data", "check_object_reference", module, name)

    def record(self, spec):
        if isinstance(spec, str):
            return self.ref(spec)
        model, domain = spec
        domain = [
            (field, op, self.ref(value)[1] if isinstance(value, Ref) else value)
            for field, op, value in domain
        ]
        ids = self.call(model, "search", domain, order="id desc", limit=1)
        if not ids:
            sys.exit(f"no {model} matches {domain}: is the demo data installed?")
        return model, ids[0]


def session_id(url, db, login, password):
    """A web session of ``login`` (its ``session_id`` cookie)."""
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"db": db, "login": login, "password": password},
        }
    ).encode()
    request = urllib.request.Request(
        f"{url}/web/session/authenticate", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        answer = json.load(response)
        cookies = response.headers.get_all("Set-Cookie") or []
    if answer.get("error") or not answer.get("result", {}).get("uid"):
        sys.exit(f"cannot log in to the web client as {login}: {answer.get('error')}")
    for cookie in cookies:
        name, _, rest = cookie.partition("=")
        if name.strip() == "session_id":
            return rest.split(";")[0]
    sys.exit("the server sent no session cookie")


class Browser:
    """Headless Chromium driven through the DevTools protocol."""

    def __init__(self, executable):
        self.profile = tempfile.mkdtemp(prefix="crm-suite-shots-")
        self.proc = subprocess.Popen(
            [
                executable,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--no-first-run",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().count("\n") >= 1:
                break
            time.sleep(0.1)
        else:
            self.close()
            sys.exit("Chromium did not start")
        port = open(port_file).read().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:  # noqa: S310
            page = next(t for t in json.load(r) if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.send("Page.enable")
        self.send("Network.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def open(self, url, cookie):
        self.send("Network.setCookie", name="session_id", value=cookie, url=url, path="/")
        self.send("Page.navigate", url=url)
        # the web client is ready when a view is shown and no RPC is running
        ready = (
            "!!document.querySelector('.o_action_manager .o_view_controller, "
            ".o_action_manager .o_form_view, .o_action_manager .o_content')"
            " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
        )
        deadline = time.time() + 60
        while not self.evaluate(ready):
            if time.time() > deadline:
                raise RuntimeError(f"{url} did not load")
            time.sleep(0.3)
        time.sleep(2)  # charts, pivots and the chatter fill in

    def show_optional_column(self, field):
        """Tick an optional column of the list (the toggler at its right)."""
        self.evaluate("document.querySelector('.o_optional_columns_dropdown_toggle')?.click()")
        time.sleep(0.5)
        checked = self.evaluate(
            "(() => { const box = document.querySelector("
            f"'.o-dropdown--menu input[name={field}]');"
            " if (!box) return false; if (!box.checked) box.click(); return true; })()"
        )
        if not checked:
            raise RuntimeError(f"no optional column {field}")
        time.sleep(0.5)
        # close the menu
        self.evaluate("document.querySelector('.o_optional_columns_dropdown_toggle')?.click()")
        time.sleep(0.5)

    def screenshot(self):
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=False)
        return base64.b64decode(data["data"])

    def close(self):
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def save_png(data, path):
    """1280×800, as a 256-colour palette PNG: a screen of the web client keeps
    its look and weighs a fraction of the full-colour capture."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    if image.size != (WIDTH, HEIGHT):
        image = image.resize((WIDTH, HEIGHT), Image.LANCZOS)
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    image.save(path, optimize=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("ODOO_URL", "http://localhost:8069"))
    parser.add_argument("--db", default=os.environ.get("CRM_SUITE_DB", "crm_suite"))
    parser.add_argument("--admin-login", default="admin")
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--password", help="the demo users' password (default: each one's login)")
    parser.add_argument("--only", nargs="+", choices=sorted(SCREENS), help="these screens only")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--out", default=ROOT, help="the repository to write into")
    args = parser.parse_args()
    url = args.url.rstrip("/")
    odoo = Odoo(url, args.db, args.admin_login, args.admin_password)
    sessions = {}
    browser = Browser(args.chromium)
    try:
        for name in args.only or SCREENS:
            addon, login, spec = SCREENS[name]
            if login not in sessions:
                sessions[login] = session_id(url, args.db, login, args.password or login)
            path = f"/odoo/action-{spec['action']}"
            if spec.get("record"):
                _model, res_id = odoo.record(spec["record"])
                path += f"/{res_id}"
            browser.open(f"{url}{path}", sessions[login])
            for column in spec.get("columns", ()):
                browser.show_optional_column(column)
            if spec.get("scroll"):
                browser.evaluate(
                    f"document.querySelector({json.dumps(spec['scroll'])})"
                    "?.scrollIntoView({block: 'start'})"
                )
                time.sleep(0.5)
            target = os.path.join(args.out, addon, "static", "description", f"{name}.png")
            save_png(browser.screenshot(), target)
            print(f"{os.path.relpath(target, args.out)}  ({login}, {path})")
    finally:
        browser.close()
    stray = sorted(
        os.path.relpath(p, args.out)
        for p in glob.glob(os.path.join(args.out, "*", "static", "description", "*.png"))
        if os.path.splitext(os.path.basename(p))[0] not in SCREENS and "icon" not in p
    )
    if stray:
        print("not taken by this script:", ", ".join(stray))


if __name__ == "__main__":
    main()
