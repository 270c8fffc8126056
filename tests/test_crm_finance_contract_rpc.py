"""crm_finance_cashflow over XML-RPC: the calls of its readme (contracts,
schedule, invoicing), guarded states, and the Contracting gate."""

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")


def _contract_vals(partner_id, **extra):
    return dict(
        {
            "contract_type": "customer",
            "partner_id": partner_id,
            "date_start": "2026-01-01",
            "date_end": "2026-12-31",
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Maintenance",
                        "quantity": 1,
                        "price_unit": 850,
                        "recurrence": "monthly",
                        "date_start": "2026-01-01",
                    },
                )
            ],
        },
        **extra,
    )


def test_contract_schedule_and_invoices(admin, billing, expect_fault):
    partner_id = admin.call("res.partner", "create", {"name": "RPC Contract Client"})
    contract_id = billing.call("crm.contract", "create", _contract_vals(partner_id))
    assert billing.call("crm.contract", "action_activate", [contract_id]) is True
    rows = billing.call(
        "crm.contract.schedule",
        "search_read",
        [("contract_id", "=", contract_id)],
        ["date", "amount_untaxed", "state"],
    )
    assert len(rows) == 12 and {r["state"] for r in rows} == {"planned"}
    invoice_ids = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-02-01"
    )
    assert len(invoice_ids) == 1
    [invoice] = admin.call("account.move", "read", invoice_ids, ["amount_untaxed", "move_type"])
    assert (invoice["amount_untaxed"], invoice["move_type"]) == (1700.0, "out_invoice")
    # again: nothing more to invoice
    assert (
        billing.call("crm.contract", "action_create_invoices", [contract_id], date="2026-02-01")
        == []
    )
    # the state moves only through the methods
    expect_fault(billing.call, "crm.contract", "write", [contract_id], {"state": "draft"})
    [row_id] = billing.call(
        "crm.contract.schedule", "search", [("contract_id", "=", contract_id)], limit=1
    )
    expect_fault(billing.call, "crm.contract.schedule", "write", [row_id], {"amount_total": 1})
    # so does the invoice line's link to its row
    line_ids = billing.call(
        "account.move.line",
        "search",
        [("move_id", "in", invoice_ids), ("crm_contract_schedule_id", "!=", False)],
    )
    assert len(line_ids) == 2
    expect_fault(
        billing.call, "account.move.line", "write", line_ids, {"crm_contract_schedule_id": False}
    )
    # the invoice cancelled by writing its state: its two rows are planned again
    assert billing.call("account.move", "write", invoice_ids, {"state": "cancel"}) is True
    states = billing.call(
        "crm.contract.schedule",
        "read",
        billing.call(
            "crm.contract.schedule",
            "search",
            [("contract_id", "=", contract_id), ("date", "<=", "2026-02-01")],
        ),
        ["state", "invoice_id"],
    )
    assert [(r["state"], r["invoice_id"]) for r in states] == [("planned", False)] * 2
    # invoiced again, then the draft deleted: the same
    again_ids = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-02-01"
    )
    assert len(again_ids) == 1 and again_ids != invoice_ids
    assert billing.call("account.move", "unlink", again_ids) is True
    # the state written directly with the context key that switches off Odoo's
    # hook after a move's write (why account.move keeps its write override): the
    # same, and the cancelled invoice is not reset to draft
    third_ids = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-02-01"
    )
    no_sync = {"context": {"skip_account_move_synchronization": True}}
    assert billing.call("account.move", "write", third_ids, {"state": "cancel"}, **no_sync)
    expect_fault(billing.call, "account.move", "write", third_ids, {"state": "draft"}, **no_sync)
    expect_fault(billing.call, "account.move", "write", invoice_ids, {"state": "draft"})
    assert billing.call("account.move", "read", third_ids, ["state"])[0]["state"] == "cancel"
    assert (
        billing.call(
            "crm.contract.schedule",
            "search_count",
            [("contract_id", "=", contract_id), ("state", "=", "planned")],
        )
        == 12
    )
    assert billing.call("crm.contract", "action_terminate", [contract_id]) is True


def test_bad_input_and_access(admin, billing, salesman, salesman_b, employee, expect_fault):
    partner_id = admin.call("res.partner", "create", {"name": "RPC Contract Client 2"})
    expect_fault(
        billing.call,
        "crm.contract",
        "create",
        _contract_vals(partner_id, date_start="2026-06-01", date_end="2026-01-01"),
    )
    bad_line = _contract_vals(partner_id)
    bad_line["line_ids"][0][2]["quantity"] = -1
    expect_fault(billing.call, "crm.contract", "create", bad_line)
    # salespeople draft their own contracts but do not activate them
    contract_id = salesman.call(
        "crm.contract", "create", _contract_vals(partner_id, user_id=salesman.uid)
    )
    expect_fault(salesman.call, "crm.contract", "action_activate", [contract_id], codes=(4,))
    expect_fault(salesman_b.call, "crm.contract", "read", [contract_id], ["name"], codes=(4,))
    expect_fault(employee.call, "crm.contract", "read", [contract_id], ["name"], codes=(4,))
    # a currency without rate: a clear error and no invoice
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    code = next(
        f"Q{a}{b}"
        for a in letters
        for b in letters
        if not admin.call(
            "res.currency",
            "search_count",
            [("name", "=", f"Q{a}{b}"), ("active", "in", [True, False])],
        )
    )
    currency_id = admin.call("res.currency", "create", {"name": code, "symbol": "¤"})
    foreign_id = billing.call(
        "crm.contract", "create", _contract_vals(partner_id, currency_id=currency_id)
    )
    billing.call("crm.contract", "action_activate", [foreign_id])
    expect_fault(
        billing.call, "crm.contract", "action_create_invoices", [foreign_id], date="2026-01-05"
    )
    assert not admin.call(
        "crm.contract.schedule",
        "search_count",
        [("contract_id", "=", foreign_id), ("state", "=", "invoiced")],
    )
    # nor is it forecast (the forecast refuses a currency without rate too):
    # terminated, it leaves the company's forecast to the other tests
    expect_fault(billing.call, "crm.contract", "get_cashflow_forecast", "2026-01-01", "2026-12-31")
    assert billing.call("crm.contract", "action_terminate", [foreign_id]) is True


def test_planned_payments_and_forecast(admin, billing, salesman, expect_fault):
    partner_id = admin.call("res.partner", "create", {"name": "RPC Landlord"})
    payment_id = billing.call(
        "crm.planned.payment",
        "create",
        {
            "name": "Rent",
            "direction": "outgoing",
            "partner_id": partner_id,
            "amount": 6000,
            "date": "2026-03-01",
        },
    )
    expect_fault(billing.call, "crm.planned.payment", "write", [payment_id], {"state": "posted"})
    result = billing.call(
        "crm.contract", "get_cashflow_forecast", "2026-01-01", "2026-12-31", granularity="quarter"
    )
    assert result[0]["period"] == "overdue"
    assert [p["period"] for p in result[1:]] == ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
    assert result[1]["outgoing"] >= 6000
    for period in result[1:]:
        assert round(period["cumulative"] - period["opening"] - period["net"], 2) == 0
    expect_fault(
        billing.call,
        "crm.contract",
        "get_cashflow_forecast",
        "2026-01-01",
        "2026-12-31",
        granularity="fortnight",
    )
    expect_fault(billing.call, "crm.contract", "get_cashflow_forecast", "2026-06-01", "2026-01-01")
    expect_fault(
        salesman.call,
        "crm.contract",
        "get_cashflow_forecast",
        "2026-01-01",
        "2026-02-01",
        codes=(4,),
    )
    assert billing.call("crm.planned.payment", "action_cancel", [payment_id]) is True


def test_forecast_report(admin, billing, salesman, expect_fault):
    partner_id = admin.call("res.partner", "create", {"name": "RPC Forecast Tenant"})
    contract_id = billing.call(
        "crm.contract", "create", _contract_vals(partner_id, title="Forecast report")
    )
    billing.call("crm.contract", "action_activate", [contract_id])
    groups = billing.call(
        "crm.cashflow.forecast.report",
        "read_group",
        [("contract_id", "=", contract_id)],
        ["amount_incoming:sum", "amount_outgoing:sum"],
        ["date:quarter", "source"],
        lazy=False,
    )
    assert [g["date:quarter"] for g in groups] == ["Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"]
    assert {g["source"] for g in groups} == {"schedule"}
    assert [g["amount_incoming"] for g in groups] == [2550.0] * 4
    rows = billing.call(
        "crm.cashflow.forecast.report",
        "search_read",
        [("contract_id", "=", contract_id)],
        ["date", "source", "direction", "amount", "schedule_id"],
        order="date",
    )
    assert len(rows) == 12 and rows[0]["date"] == "2026-01-01"
    action = billing.call("crm.cashflow.forecast.report", "action_open_source", [rows[0]["id"]])
    assert (action["res_model"], action["res_id"]) == (
        "crm.contract.schedule",
        rows[0]["schedule_id"][0],
    )
    expect_fault(
        salesman.call, "crm.cashflow.forecast.report", "search_read", [], ["amount"], codes=(4,)
    )


def test_rate_update_refusals(admin, billing, expect_fault):
    """Updating the rates is the accountants': a billing user is refused for
    their rights (fault 4); the settings' button without a record answers a
    clean fault 2, not a traceback."""
    company_id = admin.call("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    fault = expect_fault(
        billing.call, "res.company", "action_update_currency_rates", [company_id], codes=(4,)
    )
    assert "accountants" in fault.faultString
    expect_fault(admin.call, "res.config.settings", "action_crm_update_currency_rates", [])
