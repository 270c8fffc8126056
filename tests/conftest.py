"""Suite-level tests: real Odoo over XML-RPC.

The test command (``make test``) starts Odoo with ``--workers=2`` on a throwaway
database where the addons are installed, and sets:

    ODOO_URL, ODOO_DB, ODOO_ADMIN_LOGIN, ODOO_ADMIN_PASSWORD, CRM_SUITE_ADDONS

Each test module declares the addon it covers with ``pytestmark =
pytest.mark.addon("crm_xxx")``; tests of addons that are not installed in this
run are deselected (never skipped: the test command counts a skip as a failure).
"""

import datetime
import http.server
import itertools
import os
import pathlib
import threading
import xmlrpc.client

import pytest

_counter = itertools.count()


def pytest_configure(config):
    config.addinivalue_line("markers", "addon(name): the addon a test covers")


def pytest_collection_modifyitems(config, items):
    wanted = set(filter(None, os.environ.get("CRM_SUITE_ADDONS", "").split(",")))
    if not wanted:
        return
    keep, drop = [], []
    for item in items:
        marker = item.get_closest_marker("addon")
        if marker and not set(marker.args) <= wanted:
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class OdooClient:
    """A logged-in XML-RPC session: ``client.call(model, method, *args, **kw)``."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.login, self.password = url, db, login, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise RuntimeError(f"cannot log in as {login}")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


@pytest.fixture(scope="session")
def odoo_env():
    try:
        return {
            "url": os.environ["ODOO_URL"],
            "db": os.environ["ODOO_DB"],
            "login": os.environ.get("ODOO_ADMIN_LOGIN", "admin"),
            "password": os.environ.get("ODOO_ADMIN_PASSWORD", "admin"),
        }
    except KeyError as exc:
        pytest.exit(f"{exc} is not set: run these tests through 'make test'", 2)


@pytest.fixture(scope="session")
def admin(odoo_env):
    return OdooClient(odoo_env["url"], odoo_env["db"], odoo_env["login"], odoo_env["password"])


def xmlid_res_id(client, xmlid):
    """The id of the record of ``xmlid`` (``module.name``), read by ``client``."""
    module, name = xmlid.split(".")
    res = client.call(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        fields=["res_id"],
    )
    assert res, f"{xmlid} not found"
    return res[0]["res_id"]


@pytest.fixture(scope="session")
def make_user(admin, odoo_env):
    """Create an internal user with the given groups (xml ids); returns a client."""

    def _make(groups, name=None):
        n = next(_counter)
        login = f"rpc_{name or 'user'}_{os.getpid()}_{n}"
        group_ids = [xmlid_res_id(admin, xmlid) for xmlid in groups]
        admin.call(
            "res.users",
            "create",
            {
                "name": login.replace("_", " ").title(),
                "login": login,
                "password": login,
                "email": f"{login}@example.com",
                "groups_id": [(6, 0, group_ids)],
            },
        )
        return OdooClient(odoo_env["url"], odoo_env["db"], login, login)

    return _make


def ro_cui(number):
    """A valid Romanian tax ID (CUI) made of ``number`` (1 to 999,999,999) and
    its control digit: imports refuse a tax ID whose control digit is wrong."""
    body = str(int(number) % 10**9 or 1)
    total = sum(int(d) * int(k) for d, k in zip(body, "753217532"[-len(body) :], strict=True))
    return body + str(total * 10 % 11 % 10)


def new_company(admin, name, **vals):
    """Create the company ``name``, write ``vals`` on it (after its creation,
    as a user would set it up) and add it to the administrator's companies;
    returns its id."""
    company_id = admin.call("res.company", "create", {"name": name})
    if vals:
        admin.call("res.company", "write", [company_id], vals)
    admin.call("res.users", "write", [admin.uid], {"company_ids": [(4, company_id)]})
    return company_id


@pytest.fixture(scope="session")
def make_sales_company(admin, make_user):
    """A company of its own for tests whose company settings must not touch
    the other tests on the same database: ``make_sales_company(label,
    **vals)`` creates the company "RPC <label> Co <pid>" (``new_company``), a
    salesperson and a sales manager working in it (logins
    ``<label>_salesman``/``<label>_manager`` in lower case, as ``make_user``
    makes them) and the sales team "RPC <label> Team <pid>" of the company,
    led by the manager; returns ``{"company_id", "team_id", "salesman",
    "manager"}`` (the users as clients)."""

    def _make(label, **vals):
        tag = f"{os.getpid()}"
        company_id = new_company(admin, f"RPC {label} Co {tag}", **vals)
        users = {}
        for role, groups in (
            ("salesman", ["sales_team.group_sale_salesman"]),
            ("manager", ["sales_team.group_sale_manager"]),
        ):
            client = make_user(groups, f"{label.lower()}_{role}")
            admin.call(
                "res.users",
                "write",
                [client.uid],
                {"company_ids": [(4, company_id)], "company_id": company_id},
            )
            users[role] = client
        team_id = admin.call(
            "crm.team",
            "create",
            {
                "name": f"RPC {label} Team {tag}",
                "company_id": company_id,
                "user_id": users["manager"].uid,
            },
        )
        return {"company_id": company_id, "team_id": team_id, **users}

    return _make


@pytest.fixture(scope="session")
def salesman(make_user):
    return make_user(["sales_team.group_sale_salesman"], "salesman")


@pytest.fixture(scope="session")
def salesman_b(make_user):
    return make_user(["sales_team.group_sale_salesman"], "salesman_b")


@pytest.fixture(scope="session")
def sales_manager(make_user):
    return make_user(["sales_team.group_sale_manager"], "sales_manager")


@pytest.fixture(scope="session")
def employee(make_user):
    """An internal user with no sales, stock or accounting rights."""
    return make_user(["base.group_user"], "employee")


@pytest.fixture(scope="session")
def portal(make_user):
    """A portal user (``share``), as a customer logging in to the portal."""
    return make_user(["base.group_portal"], "portal")


@pytest.fixture(scope="module")
def billing(make_user, request):
    """A billing user (``account.group_account_invoice``: finance without
    access to the CRM), one per test module, its login named after the module
    (``test_finance_alerts_rpc``: ``rpc_finance_alerts_billing_...``)."""
    module = request.module.__name__.rpartition(".")[2]
    label = module.removeprefix("test_").removesuffix("_rpc")
    return make_user(["account.group_account_invoice"], f"{label}_billing")


@pytest.fixture(scope="module")
def today(admin):
    """The server's day (the crons' context_today: the admin's time zone or
    UTC), once per test module."""
    return datetime.date.fromisoformat(
        admin.call("crm.contract", "default_get", ["date_start"])["date_start"]
    )


@pytest.fixture
def nbr_feed(admin):
    """The NBR's feed served locally from crm_finance_cashflow's test sample,
    as the provider's address (``crm_finance_cashflow.nbr_url``, restored after
    the test): no test reaches the network."""
    body = (
        pathlib.Path(__file__).parent.parent / "crm_finance_cashflow/tests/feeds/nbrfxrates.xml"
    ).read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's API
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    key = "crm_finance_cashflow.nbr_url"
    before = admin.call("ir.config_parameter", "get_param", key)
    admin.call(
        "ir.config_parameter", "set_param", key, f"http://127.0.0.1:{server.server_address[1]}/"
    )
    try:
        yield
    finally:
        admin.call("ir.config_parameter", "set_param", key, before or False)
        server.shutdown()


def _expect_fault(call, *args, codes=(2,), **kwargs):
    """Run ``call`` and assert it fails with one of the XML-RPC fault ``codes``.

    Odoo answers a ``UserError``/``ValidationError`` with code 2, an
    ``AccessDenied`` with 3 and an ``AccessError`` with 4; code 1 is a
    traceback, which a clean refusal never is. Returns the fault.
    """
    with pytest.raises(xmlrpc.client.Fault) as info:
        call(*args, **kwargs)
    assert info.value.faultCode in codes, info.value.faultString
    return info.value


@pytest.fixture(scope="session")
def expect_fault():
    """``expect_fault(client.call, model, method, *args, codes=(2,))``: see
    ``_expect_fault``."""
    return _expect_fault


def stocked_product(admin, name, qty=5.0):
    """A storable product ``name`` at 10.00 with ``qty`` units in the main
    warehouse (Odoo's *Update Quantity* wizard); returns its id."""
    product_id = admin.call(
        "product.product", "create", {"name": name, "is_storable": True, "list_price": 10.0}
    )
    [row] = admin.call("product.product", "read", [product_id], ["product_tmpl_id"])
    wizard_id = admin.call(
        "stock.change.product.qty",
        "create",
        {
            "product_id": product_id,
            "product_tmpl_id": row["product_tmpl_id"][0],
            "new_quantity": qty,
        },
    )
    admin.call("stock.change.product.qty", "change_product_qty", [wizard_id])
    return product_id


def pricing_today(client, partner_id):
    """The day crm_pricing counts periods up to: today in the current
    company's time zone (not the machine's)."""
    turnover = client.call(
        "res.partner", "get_trade_turnover", [partner_id], period="month", period_ref="current"
    )
    return datetime.date.fromisoformat(turnover["date_to"])


@pytest.fixture(scope="session")
def make_turnover_client(admin):
    """Create a client company, a tax-free product at 100.00 and one posted
    customer invoice of ``quantity`` × ``price_unit`` for today; returns
    ``(partner_id, product_id)``.

    Today is the pricing's own day, in the company's time zone, as
    ``get_trade_turnover`` reports it: the machine's date is a day ahead of
    the demo company's New York from midnight UTC, and an invoice dated then
    would be in the future of the period the rules count."""

    def _make(name, quantity=1, price_unit=1000.0):
        tag = f"{os.getpid()}-{next(_counter)}"
        partner_id = admin.call(
            "res.partner", "create", {"name": f"{name} {tag}", "is_company": True}
        )
        product_id = admin.call(
            "product.product",
            "create",
            {"name": f"{name} product {tag}", "lst_price": 100.0, "taxes_id": [(6, 0, [])]},
        )
        today = pricing_today(admin, partner_id)
        invoice_id = admin.call(
            "account.move",
            "create",
            {
                "move_type": "out_invoice",
                "partner_id": partner_id,
                "invoice_date": today.isoformat(),
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product_id,
                            "quantity": quantity,
                            "price_unit": price_unit,
                            "tax_ids": [(6, 0, [])],
                        },
                    )
                ],
            },
        )
        admin.call("account.move", "action_post", [invoice_id])
        return partner_id, product_id

    return _make
