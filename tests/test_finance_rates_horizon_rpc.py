"""crm_finance_cashflow over XML-RPC: a rate feed that cannot be used, or a bad
timeout setting, is reported per company instead of failing the whole update;
an open-ended contract is scheduled up to today plus its rolling horizon."""

import datetime
import http.server
import pathlib
import threading

import pytest
from dateutil.relativedelta import relativedelta

pytestmark = pytest.mark.addon("crm_finance_cashflow")

FEEDS = pathlib.Path(__file__).parent.parent / "crm_finance_cashflow/tests/feeds"
ECB = (FEEDS / "eurofxref-daily.xml").read_bytes()
NBR = (FEEDS / "nbrfxrates.xml").read_bytes()
BODIES = {
    "/ecb": ECB,
    "/nbr": NBR,
    "/ecb-no-time": ECB.replace(b" time='2026-11-24'", b""),
    "/ecb-bad-time": ECB.replace(b"time='2026-11-24'", b"time='2026-13-45'"),
}
PARAMS = ("ecb_url", "nbr_url", "rate_timeout")


@pytest.fixture
def feeds(admin):
    """The sample feeds served locally; returns a function pointing a
    provider's address at one of them (the settings restored after the test)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's API
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.end_headers()
            self.wfile.write(BODIES[self.path])

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    keys = [f"crm_finance_cashflow.{name}" for name in PARAMS]
    before = {key: admin.call("ir.config_parameter", "get_param", key) for key in keys}

    def point(provider, path):
        admin.call(
            "ir.config_parameter", "set_param", f"crm_finance_cashflow.{provider}_url", base + path
        )

    try:
        yield point
    finally:
        for key, value in before.items():
            admin.call("ir.config_parameter", "set_param", key, value or False)
        server.shutdown()


@pytest.fixture
def companies(admin):
    """Two RON companies of the admin, one on the ECB and one on the NBR (their
    providers cleared after the test: the daily cron would read the real feeds)."""
    ron = admin.call(
        "res.currency", "search", [("name", "=", "RON")], context={"active_test": False}
    )
    admin.call("res.currency", "write", ron, {"active": True})
    stamp = datetime.datetime.now().isoformat()
    ids = [
        admin.call(
            "res.company",
            "create",
            {"name": f"RPC {provider} Co {stamp}", "currency_id": ron[0]},
        )
        for provider in ("ecb", "nbr")
    ]
    admin.call("res.users", "write", [admin.uid], {"company_ids": [(4, i) for i in ids]})
    admin.call("res.company", "write", [ids[0]], {"crm_rate_provider": "ecb"})
    admin.call("res.company", "write", [ids[1]], {"crm_rate_provider": "nbr"})
    try:
        yield ids
    finally:
        admin.call("res.company", "write", ids, {"crm_rate_provider": "none"})


def _rates(admin, company_id):
    return admin.call("res.currency.rate", "search_count", [("company_id", "=", company_id)])


@pytest.mark.parametrize("path", ["/ecb-no-time", "/ecb-bad-time"])
def test_ecb_feed_without_date_reported_per_company(admin, feeds, companies, path):
    """An ECB feed without a usable date: the button answers a notification
    naming the ECB company (it was a traceback, fault 1, and no company was
    updated), stores none of its rates and updates the NBR company."""
    ecb_id, nbr_id = companies
    feeds("ecb", path)
    feeds("nbr", "/nbr")
    result = admin.call("res.company", "action_update_currency_rates", companies)
    assert result["params"]["type"] == "danger"
    [ecb, nbr] = admin.call(
        "res.company", "read", companies, ["name", "crm_rate_last_error", "crm_rate_last_update"]
    )
    assert ecb["name"] in result["params"]["message"]
    assert nbr["name"] not in result["params"]["message"]
    assert "European Central Bank not updated" in ecb["crm_rate_last_error"]
    assert not _rates(admin, ecb_id)
    assert not nbr["crm_rate_last_error"] and nbr["crm_rate_last_update"]
    assert _rates(admin, nbr_id)


@pytest.mark.parametrize("timeout", ["abc", "0", "-1"])
def test_bad_timeout_setting_uses_the_default(admin, feeds, companies, timeout):
    """A timeout setting that is not a positive number: the default is used and
    the rates are updated (it was a ValueError, fault 1, for every company)."""
    feeds("ecb", "/ecb")
    feeds("nbr", "/nbr")
    admin.call("ir.config_parameter", "set_param", "crm_finance_cashflow.rate_timeout", timeout)
    assert admin.call("res.company", "action_update_currency_rates", companies) is True
    for company_id in companies:
        assert _rates(admin, company_id)


def test_open_ended_contract_scheduled_to_the_rolling_horizon(admin, expect_fault, today):
    """An open-ended contract that started four years ago, activated today, is
    scheduled until today plus 36 months (it stopped 36 months after its start,
    in the past); the daily top-up adds no twin of its rows.

    Today is the server's day (``today``: the admin's time zone), not the
    machine's: the last evening of a month in UTC is already the next month in
    Brussels, and the horizon is counted from the server's day."""
    start = today.replace(day=1) - relativedelta(years=4)
    partner_id = admin.call("res.partner", "create", {"name": "RPC Open-ended Client"})
    contract_id = admin.call(
        "crm.contract",
        "create",
        {
            "contract_type": "customer",
            "partner_id": partner_id,
            "date_start": start.isoformat(),
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Hosting",
                        "quantity": 1,
                        "price_unit": 10,
                        "recurrence": "monthly",
                        "date_start": start.isoformat(),
                    },
                )
            ],
        },
    )
    assert admin.call("crm.contract", "action_activate", [contract_id]) is True

    def dates():
        rows = admin.call(
            "crm.contract.schedule", "search_read", [("contract_id", "=", contract_id)], ["date"]
        )
        return sorted(row["date"] for row in rows)

    horizon = today + relativedelta(months=36)  # a 29 February ends on the 28th
    rows = dates()
    assert len(rows) == len(set(rows)) == (4 + 3) * 12 + 1
    assert (
        rows[-1]
        <= horizon.isoformat()
        < (datetime.date.fromisoformat(rows[-1]) + datetime.timedelta(days=31)).isoformat()
    )
    [cron] = admin.call(
        "ir.model.data",
        "search_read",
        [
            ("module", "=", "crm_finance_cashflow"),
            ("name", "=", "ir_cron_crm_contract_extend_schedules"),
        ],
        ["res_id"],
    )
    admin.call("ir.cron", "method_direct_trigger", [cron["res_id"]])
    assert dates() == rows
    # the top-up is the cron's: not callable over XML-RPC
    expect_fault(admin.call, "crm.contract", "_cron_extend_schedules", codes=(1, 2, 4))
