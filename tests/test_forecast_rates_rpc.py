"""crm_finance_cashflow over XML-RPC: the cash-flow forecast and its report
refuse an amount in a currency that has no rate in its company (fault 2, naming
the currency and the company, as Create Invoices refuses it) instead of
counting it one for one; with a rate, it converts."""

import datetime

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")

# a window of its own, far from the other tests' dates
YEAR = 2033
WINDOW = (f"{YEAR}-01-01", f"{YEAR}-12-31")


@pytest.fixture(scope="module")
def ukraine(admin, make_user):
    """A company in UAH and an accountant of it only (admin's companies are left
    alone: its forecast never reads this company's rows); returns (company id,
    accountant, GBP id)."""
    uah, gbp = (
        admin.call("res.currency", "search", [("name", "=", code)], context={"active_test": False})[
            0
        ]
        for code in ("UAH", "GBP")
    )
    admin.call("res.currency", "write", [uah, gbp], {"active": True})
    stamp = datetime.datetime.now().isoformat()
    company_id = admin.call(
        "res.company", "create", {"name": f"RPC UA Co {stamp}", "currency_id": uah}
    )
    accountant = make_user(["account.group_account_manager"], "ua_accountant")
    admin.call(
        "res.users",
        "write",
        [accountant.uid],
        {"company_ids": [(6, 0, [company_id])], "company_id": company_id},
    )
    # GBP has no rate of this company, nor a shared one
    assert not admin.call(
        "res.currency.rate",
        "search_count",
        [("currency_id", "=", gbp), ("company_id", "in", [False, company_id])],
    )
    return company_id, accountant, gbp


def test_currency_without_rate_refused(admin, ukraine, expect_fault):
    company_id, accountant, gbp = ukraine
    ctx = {"allowed_company_ids": [company_id]}
    partner_id = admin.call("res.partner", "create", {"name": "RPC Kyiv Client"})
    contract_id = accountant.call(
        "crm.contract",
        "create",
        {
            "partner_id": partner_id,
            "company_id": company_id,
            "currency_id": gbp,
            "date_start": WINDOW[0],
            "date_end": WINDOW[1],
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Setup",
                        "quantity": 1,
                        "price_unit": 100.0,
                        "recurrence": "one_off",
                        "date_start": WINDOW[0],
                    },
                )
            ],
        },
        context=ctx,
    )
    accountant.call("crm.contract", "action_activate", [contract_id], context=ctx)
    try:
        for call in (
            lambda: accountant.call(
                "crm.contract", "get_cashflow_forecast", *WINDOW, granularity="year", context=ctx
            ),
            lambda: accountant.call(
                "crm.cashflow.forecast.report",
                "search_read",
                [("contract_id", "=", contract_id)],
                ["amount"],
                context=ctx,
            ),
            lambda: accountant.call(
                "crm.cashflow.forecast.report",
                "read_group",
                [],
                ["amount_incoming:sum"],
                ["date:month"],
                context=ctx,
            ),
        ):
            fault = expect_fault(call)
            assert "no exchange rate of GBP" in fault.faultString
            assert "RPC UA Co" in fault.faultString
        # Create Invoices refuses it the same way
        fault = expect_fault(
            accountant.call,
            "crm.contract",
            "action_create_invoices",
            [contract_id],
            date=f"{YEAR}-02-01",
            context=ctx,
        )
        assert "no exchange rate of GBP" in fault.faultString
        # with a rate (1 UAH = 0.02 GBP): 100 GBP are 5,000 UAH
        admin.call(
            "res.currency.rate",
            "create",
            {"currency_id": gbp, "name": "2020-01-01", "rate": 0.02, "company_id": company_id},
        )
        forecast = accountant.call(
            "crm.contract", "get_cashflow_forecast", *WINDOW, granularity="year", context=ctx
        )
        assert forecast[1]["period"] == str(YEAR)
        assert forecast[1]["incoming"] == 5000.0
        rows = accountant.call(
            "crm.cashflow.forecast.report",
            "search_read",
            [("contract_id", "=", contract_id)],
            ["amount", "amount_currency"],
            context=ctx,
        )
        assert [(r["amount"], r["amount_currency"]) for r in rows] == [(5000.0, 100.0)]
    finally:
        accountant.call("crm.contract", "action_terminate", [contract_id], context=ctx)
