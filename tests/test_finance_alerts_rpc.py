"""crm_finance_cashflow over XML-RPC, the alerts and amounts that follow a
contract's amendments: a supplier bill is alerted once per row however often
the schedule is rebuilt (a line's sequence, the payment term); the end alert of
an end that moved (Renew, the end amended) is marked done and the new end is
alerted; a row given back by its cancelled invoice takes its line's price of
now; the forecast of a selected company that is not the current one opens
with that company's balance (one the caller may use but has not selected is
refused)."""

import datetime
import os

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")

END_TYPE = ("crm_finance_cashflow", "mail_activity_type_contract_end")


@pytest.fixture(scope="module")
def partner_id(admin):
    return admin.call("res.partner", "create", {"name": "RPC Alerts Supplier"})


def _day(today, days):
    return (today + datetime.timedelta(days=days)).isoformat()


def _ref(admin, module, name):
    return admin.call("ir.model.data", "check_object_reference", module, name)[1]


def _run_alerts(admin):
    admin.call(
        "ir.cron",
        "method_direct_trigger",
        [_ref(admin, "crm_finance_cashflow", "ir_cron_crm_contract_alerts")],
    )


def _contract(billing, partner_id, start, end=False, contract_type="supplier", **vals):
    contract_id = billing.call(
        "crm.contract",
        "create",
        {
            **vals,
            "contract_type": contract_type,
            "partner_id": partner_id,
            "date_start": start,
            "date_end": end,
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Hosting",
                        "quantity": 1,
                        "price_unit": 100,
                        "recurrence": "monthly",
                        "date_start": start,
                    },
                )
            ],
        },
    )
    assert billing.call("crm.contract", "action_activate", [contract_id]) is True
    return contract_id


def _activities(admin, contract_id):
    return admin.call(
        "mail.activity",
        "search_read",
        [("res_model", "=", "crm.contract"), ("res_id", "=", contract_id)],
        ["summary", "date_deadline", "activity_type_id"],
    )


def _ends(admin, contract_id):
    end_type = _ref(admin, *END_TYPE)
    return [a for a in _activities(admin, contract_id) if a["activity_type_id"][0] == end_type]


def _read(client, contract_id, fields):
    [contract] = client.call("crm.contract", "read", [contract_id], fields)
    return contract


def test_supplier_bills_alerted_once_per_row(admin, billing, partner_id, today):
    """Rebuilding the schedule (a line's sequence, the payment term) keeps the
    rows' alerts: the next run schedules nothing again."""
    contract_id = _contract(billing, partner_id, _day(today, -26))
    _run_alerts(admin)
    _run_alerts(admin)
    bills = _activities(admin, contract_id)
    assert len(bills) == 2, bills
    [line_id] = _read(billing, contract_id, ["line_ids"])["line_ids"]
    term_id = _ref(admin, "account", "account_payment_term_30days")
    for model, ids, vals in (
        ("crm.contract.line", [line_id], {"sequence": 5}),
        ("crm.contract", [contract_id], {"payment_term_id": term_id}),
    ):
        assert billing.call(model, "write", ids, vals) is True
        _run_alerts(admin)
        assert _activities(admin, contract_id) == bills, vals


def test_renew_closes_the_old_end_alert(admin, billing, partner_id, today):
    contract_id = _contract(
        billing, partner_id, _day(today, -30), _day(today, 10), "customer", alert_days_end=60
    )
    _run_alerts(admin)
    [old] = _ends(admin, contract_id)
    assert old["date_deadline"] == _day(today, 10)
    assert billing.call("crm.contract", "action_renew", [contract_id]) is True
    contract = _read(billing, contract_id, ["date_end", "end_alert_sent"])
    assert not contract["end_alert_sent"]
    assert _ends(admin, contract_id) == [], "the old end's alert is done"
    _run_alerts(admin)
    [new] = _ends(admin, contract_id)
    assert new["date_deadline"] == contract["date_end"]


def test_end_moved_later_alerts_again(admin, billing, partner_id, today):
    contract_id = _contract(billing, partner_id, _day(today, -30), _day(today, 10), "customer")
    _run_alerts(admin)
    assert _read(billing, contract_id, ["end_alert_sent"])["end_alert_sent"]
    assert billing.call("crm.contract", "write", [contract_id], {"date_end": _day(today, 25)})
    assert not _read(billing, contract_id, ["end_alert_sent"])["end_alert_sent"]
    assert _ends(admin, contract_id) == []
    _run_alerts(admin)
    [new] = _ends(admin, contract_id)
    assert new["date_deadline"] == _day(today, 25)


def test_released_row_takes_the_line_price(billing, partner_id):
    """The row of a deleted draft invoice is planned again at its line's price
    of now (changed meanwhile), as the line's other planned rows."""
    contract_id = _contract(billing, partner_id, "2026-11-01", "2027-10-31", "customer")
    [invoice_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-11-15"
    )
    [line_id] = _read(billing, contract_id, ["line_ids"])["line_ids"]
    assert billing.call("crm.contract.line", "write", [line_id], {"price_unit": 150}) is True
    # deleting the draft gives its row back as cancelling it does (the Odoo
    # test cancels it: button_cancel returns None, which XML-RPC cannot carry)
    assert billing.call("account.move", "unlink", [invoice_id]) is True
    rows = billing.call(
        "crm.contract.schedule",
        "search_read",
        [("contract_id", "=", contract_id)],
        ["date", "state", "amount_untaxed", "amount_total"],
        order="date",
    )
    assert {row["state"] for row in rows} == {"planned"}
    assert {(row["amount_untaxed"], row["amount_total"]) for row in rows} == {(150.0, 150.0)}
    assert _read(billing, contract_id, ["amount"])["amount"] == 12 * 150.0


def test_forecast_opening_of_a_company_not_current(admin, make_user, today, expect_fault):
    """company_id=X with X selected but not the current company (the first of
    the context's allowed_company_ids): X's opening balance, as when X is the
    current one; X not among the selected companies: refused (fault 4)."""
    finance = make_user(["account.group_account_invoice"], "fin_alerts_two_companies")
    [user] = admin.call("res.users", "read", [finance.uid], ["company_id"])
    company_id = user["company_id"][0]
    other_id = admin.call(
        "res.company", "create", {"name": f"RPC Alerts Second Company {os.getpid()}"}
    )
    admin.call("res.users", "write", [finance.uid], {"company_ids": [(4, other_id)]})
    window = (_day(today, 1), _day(today, 60))

    def forecast(selected):
        return finance.models.execute_kw(
            finance.db,
            finance.uid,
            finance.password,
            "crm.contract",
            "get_cashflow_forecast",
            list(window),
            {"company_id": company_id, "context": {"allowed_company_ids": selected}},
        )

    selected = forecast([company_id])
    assert selected[1]["opening"], "the demo company has money in the bank"
    assert forecast([other_id, company_id]) == selected
    expect_fault(forecast, [other_id], codes=(4,))


def test_cancelled_bill_stays_on_the_contract_and_its_row_is_alerted_again(
    admin, billing, partner_id, today
):
    """A bill cancelled (its state written, as the suite's API cancels): it stays
    among the contract's invoices and keeps its contract; its row is expected
    again, and alerted again by the next run."""
    contract_id = _contract(billing, partner_id, _day(today, 3), _day(today, 20))
    bill_type = _ref(admin, "crm_finance_cashflow", "mail_activity_type_supplier_invoice")

    def bills():
        return [a for a in _activities(admin, contract_id) if a["activity_type_id"][0] == bill_type]

    _run_alerts(admin)
    [first] = bills()
    [bill_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date=_day(today, 3)
    )
    assert bills() == []
    assert billing.call("account.move", "write", [bill_id], {"state": "cancel"}) is True
    [bill] = billing.call("account.move", "read", [bill_id], ["crm_contract_id", "state"])
    assert (bill["crm_contract_id"][0], bill["state"]) == (contract_id, "cancel")
    assert _read(billing, contract_id, ["invoice_count"])["invoice_count"] == 1
    _run_alerts(admin)
    [again] = bills()
    assert again["id"] != first["id"]
    [new_bill_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date=_day(today, 3)
    )
    assert new_bill_id != bill_id
    assert _read(billing, contract_id, ["invoice_count"])["invoice_count"] == 2
