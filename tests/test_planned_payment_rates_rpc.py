"""crm_finance_cashflow over XML-RPC: a planned payment in a currency without a
rate on or before its date in its company is not posted (fault 2, naming the
currency, the date and the company, as Create Invoices refuses a contract's),
where Odoo converted it one for one (1,000 of the currency posted as 1,000 of
the company's, and counted so by the forecast); with a rate of its date, it is
posted converted. Not posted yet, the forecast refuses it as any amount
without a rate."""

import datetime
import os
import string

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")


@pytest.fixture(scope="module")
def no_rate_currency(admin):
    """A new active currency, without any rate; returns (id, code)."""
    seed = os.getpid()
    for n in range(26 * 26):
        code = (
            "Y"
            + string.ascii_uppercase[(seed + n) // 26 % 26]
            + string.ascii_uppercase[(seed + n) % 26]
        )
        if not admin.call(
            "res.currency", "search", [("name", "=", code)], context={"active_test": False}
        ):
            break
    currency_id = admin.call(
        "res.currency", "create", {"name": code, "symbol": code, "rounding": 0.01}
    )
    return currency_id, code


def refused(billing, planned_id, code, name, root_name, expect_fault):
    """Post the planned payment: fault 2 naming the currency and the root
    company, and it is still planned, with no payment."""
    fault = expect_fault(billing.call, "crm.planned.payment", "action_post", [planned_id])
    assert f"There is no exchange rate of {code} on or before" in fault.faultString
    assert f"in {root_name}: update the rates before posting {name}." in fault.faultString
    [planned] = billing.call("crm.planned.payment", "read", [planned_id], ["state", "payment_id"])
    assert (planned["state"], planned["payment_id"]) == ("planned", False)


def test_planned_payment_without_rate_not_posted(
    admin, billing, today, no_rate_currency, expect_fault
):
    currency_id, code = no_rate_currency
    [user] = billing.call("res.users", "read", [billing.uid], ["company_id"])
    company_id = user["company_id"][0]
    [company] = admin.call("res.company", "read", [company_id], ["root_id", "currency_id"])
    assert company["currency_id"][0] != currency_id
    partner_id = admin.call("res.partner", "create", {"name": "RPC Rates Landlord"})
    day = today - datetime.timedelta(days=1)
    name = f"RPC rent in {code}"
    planned_id = billing.call(
        "crm.planned.payment",
        "create",
        {
            "name": name,
            "direction": "outgoing",
            "partner_id": partner_id,
            "amount": 1000,
            "date": day.isoformat(),
            "currency_id": currency_id,
        },
    )
    try:
        # not posted yet: the forecast refuses it, never counts it one for one
        fault = expect_fault(
            billing.call,
            "crm.cashflow.forecast.report",
            "search_read",
            [("planned_payment_id", "=", planned_id)],
            ["amount"],
        )
        assert f"There is no exchange rate of {code} on or before" in fault.faultString
        assert "before reading the cash-flow forecast" in fault.faultString
        refused(billing, planned_id, code, name, company["root_id"][1], expect_fault)
        assert not admin.call("account.payment", "search", [("memo", "=", name)])
        # a rate of today, after the payment's date: not the rate of its date
        admin.call(
            "res.currency.rate",
            "create",
            {
                "currency_id": currency_id,
                "name": today.isoformat(),
                "rate": 0.2,
                "company_id": company["root_id"][0],
            },
        )
        refused(billing, planned_id, code, name, company["root_id"][1], expect_fault)
        assert not admin.call("account.payment", "search", [("memo", "=", name)])
        # with a rate on or before its date (1 of the company's currency = 0.25):
        # 1,000 are 4,000 of the company's currency
        admin.call(
            "res.currency.rate",
            "create",
            {
                "currency_id": currency_id,
                "name": (day - datetime.timedelta(days=10)).isoformat(),
                "rate": 0.25,
                "company_id": company["root_id"][0],
            },
        )
        assert billing.call("crm.planned.payment", "action_post", [planned_id]) is True
        [planned] = billing.call("crm.planned.payment", "read", [planned_id], ["payment_id"])
        [payment] = billing.call(
            "account.payment",
            "read",
            [planned["payment_id"][0]],
            ["amount", "currency_id", "amount_company_currency_signed"],
        )
        assert payment["amount"] == 1000.0
        assert payment["currency_id"][0] == currency_id
        assert payment["amount_company_currency_signed"] == -4000.0
    finally:
        [planned] = admin.call("crm.planned.payment", "read", [planned_id], ["state"])
        if planned["state"] == "planned":
            admin.call("crm.planned.payment", "unlink", [planned_id])
