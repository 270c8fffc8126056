"""crm_finance_cashflow over XML-RPC: what an open invoice and its planned
payments count for in ``get_cashflow_forecast`` and its report. The planned
payments of an invoice count at most what it still owes (by date, once Odoo's
Register Payment lowered it), a planned payment above it is refused (fault 2,
naming the open amount), an invoice of several instalments counts each at its
own due date, and with several companies selected the report converts every
row at the current company's rates, as Odoo's invoice analysis does."""

import datetime
import string

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")

# a window of its own, far from the other tests' dates
YEAR = 2034
WINDOW = (f"{YEAR}-01-01", f"{YEAR}-12-31")


@pytest.fixture(scope="module")
def partner_id(admin):
    return admin.call("res.partner", "create", {"name": "RPC Invoice Figures Client"})


def _incoming(client, **kw):
    """{period: incoming} of the forecast over WINDOW, by month."""
    return {
        period["period"]: period["incoming"]
        for period in client.call("crm.contract", "get_cashflow_forecast", *WINDOW, **kw)
    }


def _added(base, result):
    return {
        period: round(result[period] - base[period], 2)
        for period in result
        if round(result[period] - base[period], 2)
    }


def _invoice(client, partner_id, amount, **vals):
    invoice_id = client.call(
        "account.move",
        "create",
        dict(
            {
                "move_type": "out_invoice",
                "partner_id": partner_id,
                "invoice_date": f"{YEAR}-01-10",
                "invoice_line_ids": [(0, 0, {"name": "Work", "price_unit": amount, "tax_ids": []})],
            },
            **vals,
        ),
    )
    client.call("account.move", "action_post", [invoice_id])
    return invoice_id


def _register_payment(client, invoice_id, amount):
    """Odoo's Register Payment of ``amount``, part of the invoice left open."""
    register_id = client.call(
        "account.payment.register",
        "create",
        {"amount": amount, "payment_difference_handling": "open"},
        context={"active_model": "account.move", "active_ids": [invoice_id]},
    )
    client.call("account.payment.register", "action_create_payments", [register_id])


def _rows(client, invoice_id):
    """The report's rows of the invoice and of its planned payments."""
    rows = client.call(
        "crm.cashflow.forecast.report",
        "search_read",
        ["|", ("invoice_id", "=", invoice_id), ("planned_payment_id.invoice_id", "=", invoice_id)],
        ["source", "date", "amount_currency", "is_overdue"],
    )
    return sorted((r["source"], r["date"], r["amount_currency"]) for r in rows)


def test_planned_payments_count_at_most_the_open_amount(billing, partner_id, expect_fault):
    base = _incoming(billing)
    invoice_id = _invoice(billing, partner_id, 1000.0, invoice_date_due=f"{YEAR}-03-20")
    _register_payment(billing, invoice_id, 400.0)
    assert _added(base, _incoming(billing)) == {f"{YEAR}-03": 600.0}
    vals = {
        "name": "RPC promised",
        "direction": "incoming",
        "partner_id": partner_id,
        "invoice_id": invoice_id,
    }
    # more than the 600.00 still owed: refused, naming the open amount
    fault = expect_fault(
        billing.call,
        "crm.planned.payment",
        "create",
        dict(vals, amount=900.0, date=f"{YEAR}-05-10"),
    )
    assert "600.00" in fault.faultString
    assert "left to pay" in fault.faultString
    billing.call("crm.planned.payment", "create", dict(vals, amount=600.0, date=f"{YEAR}-05-10"))
    assert _added(base, _incoming(billing)) == {f"{YEAR}-05": 600.0}
    # Register Payment of 300.00 more: the planned payment counts the 300.00 left
    # (it counted 600.00: 900.00 from an invoice owing 600.00)
    _register_payment(billing, invoice_id, 300.0)
    assert _added(base, _incoming(billing)) == {f"{YEAR}-05": 300.0}
    assert _rows(billing, invoice_id) == [("planned_payment", f"{YEAR}-05-10", 300.0)]


def test_open_receipts_count_their_way(billing, partner_id):
    """An unpaid sales receipt is money to come, a purchase receipt money to go."""
    base = billing.call("crm.contract", "get_cashflow_forecast", *WINDOW)
    sale_id = _invoice(
        billing, partner_id, 300.0, move_type="out_receipt", invoice_date_due=f"{YEAR}-06-05"
    )
    purchase_id = _invoice(
        billing, partner_id, 120.0, move_type="in_receipt", invoice_date_due=f"{YEAR}-06-06"
    )
    assert _rows(billing, sale_id) == [("invoice", f"{YEAR}-06-05", 300.0)]
    assert _rows(billing, purchase_id) == [("invoice", f"{YEAR}-06-06", 120.0)]
    get_forecast = billing.call("crm.contract", "get_cashflow_forecast", *WINDOW)
    june = {p["period"]: p for p in get_forecast}[f"{YEAR}-06"]
    before = {p["period"]: p for p in base}[f"{YEAR}-06"]
    assert round(june["incoming"] - before["incoming"], 2) == 300.0
    assert round(june["outgoing"] - before["outgoing"], 2) == 120.0


def test_instalments_at_their_own_due_dates(admin, billing, partner_id):
    term_id = admin.call(
        "account.payment.term",
        "create",
        {
            "name": "RPC 30% now, 70% in 60 days",
            "line_ids": [
                (0, 0, {"value": "percent", "value_amount": 30.0, "nb_days": 0}),
                (0, 0, {"value": "percent", "value_amount": 70.0, "nb_days": 60}),
            ],
        },
    )
    base = _incoming(billing)
    invoice_id = _invoice(billing, partner_id, 1000.0, invoice_payment_term_id=term_id)
    [invoice] = billing.call("account.move", "read", [invoice_id], ["invoice_date_due"])
    assert invoice["invoice_date_due"] == f"{YEAR}-03-11"
    # each instalment at its due date (the whole invoice was at the last one)
    assert _added(base, _incoming(billing)) == {f"{YEAR}-01": 300.0, f"{YEAR}-03": 700.0}
    assert _rows(billing, invoice_id) == [
        ("invoice", f"{YEAR}-01-10", 300.0),
        ("invoice", f"{YEAR}-03-11", 700.0),
    ]
    # a planned payment takes the first instalment first
    billing.call(
        "crm.planned.payment",
        "create",
        {
            "name": "RPC instalments promised",
            "direction": "incoming",
            "partner_id": partner_id,
            "invoice_id": invoice_id,
            "amount": 400.0,
            "date": f"{YEAR}-02-01",
        },
    )
    assert _added(base, _incoming(billing)) == {f"{YEAR}-02": 400.0, f"{YEAR}-03": 600.0}


def test_other_companies_at_the_current_companys_rates(admin, make_user):
    """A company in another currency selected beside the current one: its rows
    convert at the current company's rate of its currency (1 = 4 of it: 100 of
    it are 25.00), not at its own rates (1 of it = 0.2: it showed 20.00)."""
    [me] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    main_id = me["company_id"][0]
    [main] = admin.call("res.company", "read", [main_id], ["currency_id"])
    main_currency = main["currency_id"][0]
    stamp = datetime.datetime.now().isoformat()
    # a currency of its own (three letters no other currency has)
    taken = {
        c["name"]
        for c in admin.call(
            "res.currency", "search_read", [], ["name"], context={"active_test": False}
        )
    }
    code = next(
        f"Q{a}{b}" for a in string.ascii_uppercase for b in string.ascii_uppercase
        if f"Q{a}{b}" not in taken
    )  # fmt: skip
    currency_id = admin.call(
        "res.currency", "create", {"name": code, "symbol": "Q", "rounding": 0.01}
    )
    other_id = admin.call(
        "res.company", "create", {"name": f"RPC XFC Co {stamp}", "currency_id": currency_id}
    )
    admin.call(
        "res.currency.rate",
        "create",
        [
            {"currency_id": currency_id, "name": "2020-01-01", "rate": 4.0, "company_id": main_id},
            {"currency_id": main_currency, "name": "2020-01-01", "rate": 0.2,
             "company_id": other_id},
        ],
    )  # fmt: skip
    accountant = make_user(["account.group_account_manager"], "xfc_accountant")
    admin.call(
        "res.users",
        "write",
        [accountant.uid],
        {"company_ids": [(6, 0, [main_id, other_id])], "company_id": main_id},
    )
    partner_id = admin.call("res.partner", "create", {"name": "RPC XFC Client"})
    contract_id = accountant.call(
        "crm.contract",
        "create",
        {
            "partner_id": partner_id,
            "company_id": other_id,
            "currency_id": currency_id,
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
        context={"allowed_company_ids": [other_id]},
    )
    accountant.call(
        "crm.contract",
        "action_activate",
        [contract_id],
        context={"allowed_company_ids": [other_id]},
    )
    try:
        rows = accountant.call(
            "crm.cashflow.forecast.report",
            "search_read",
            [("contract_id", "=", contract_id)],
            ["amount", "amount_currency", "currency_id"],
            context={"allowed_company_ids": [main_id, other_id]},
        )
        assert [(r["amount"], r["amount_currency"]) for r in rows] == [(25.0, 100.0)]
        assert rows[0]["currency_id"][0] == main_currency
        # the method gives each company in its own currency
        forecast = accountant.call(
            "crm.contract",
            "get_cashflow_forecast",
            *WINDOW,
            granularity="year",
            company_id=other_id,
            context={"allowed_company_ids": [main_id, other_id]},
        )
        assert forecast[1]["incoming"] == 100.0
    finally:
        accountant.call(
            "crm.contract",
            "action_terminate",
            [contract_id],
            context={"allowed_company_ids": [other_id]},
        )
