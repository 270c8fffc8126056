"""crm_finance_cashflow over XML-RPC, the supplier-invoice alerts closed when
answered or moot: each has its own activity type and its schedule row keeps it
(``alert_activity_id``, the alerts cron's own); the bill created from the row
marks it done, Terminate (the rows cancelled) and an amendment that no longer
expects the row (a line's dates, a line removed) remove it."""

import datetime

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")

BILL_TYPE = ("crm_finance_cashflow", "mail_activity_type_supplier_invoice")


@pytest.fixture(scope="module")
def partner_id(admin):
    return admin.call("res.partner", "create", {"name": "RPC Bill Alerts Supplier"})


@pytest.fixture(scope="module")
def bill_type(admin):
    return admin.call("ir.model.data", "check_object_reference", *BILL_TYPE)[1]


def _day(today, days):
    return (today + datetime.timedelta(days=days)).isoformat()


def _run_alerts(admin):
    cron_id = admin.call(
        "ir.model.data",
        "check_object_reference",
        "crm_finance_cashflow",
        "ir_cron_crm_contract_alerts",
    )[1]
    admin.call("ir.cron", "method_direct_trigger", [cron_id])


def _line(start, name="Hosting"):
    return (
        0,
        0,
        {
            "name": name,
            "quantity": 1,
            "price_unit": 100,
            "recurrence": "monthly",
            "date_start": start,
        },
    )


def _alerted(admin, billing, partner_id, today, starts=(3,)):
    """An active supplier contract (one line per day of ``starts``), alerted."""
    contract_id = billing.call(
        "crm.contract",
        "create",
        {
            "contract_type": "supplier",
            "partner_id": partner_id,
            "date_start": _day(today, 3),
            "date_end": _day(today, 20),
            "line_ids": [_line(_day(today, days), f"Line {days}") for days in starts],
        },
    )
    assert billing.call("crm.contract", "action_activate", [contract_id]) is True
    _run_alerts(admin)
    return contract_id


def _alerts(admin, contract_id):
    """The contract's open supplier-invoice alerts (its end alert left out)."""
    bill_type = admin.call("ir.model.data", "check_object_reference", *BILL_TYPE)[1]
    return admin.call(
        "mail.activity",
        "search_read",
        [
            ("res_model", "=", "crm.contract"),
            ("res_id", "=", contract_id),
            ("activity_type_id", "=", bill_type),
        ],
        ["summary", "date_deadline", "activity_type_id"],
        order="date_deadline, id",
    )


def _rows(client, contract_id):
    return client.call(
        "crm.contract.schedule",
        "search_read",
        [("contract_id", "=", contract_id)],
        ["date", "state", "alert_sent", "alert_activity_id", "contract_line_id"],
        order="date, id",
    )


def test_alert_typed_and_kept_by_its_row(admin, billing, partner_id, today, bill_type):
    contract_id = _alerted(admin, billing, partner_id, today)
    [alert] = _alerts(admin, contract_id)
    assert alert["activity_type_id"][0] == bill_type
    assert alert["summary"].startswith("Supplier invoice expected")
    [row] = _rows(billing, contract_id)
    assert row["alert_sent"] and row["alert_activity_id"][0] == alert["id"]
    assert alert["date_deadline"] == row["date"]


def test_alert_link_is_the_crons(admin, billing, partner_id, today, expect_fault):
    """The link is the alerts cron's: refused to a user (nothing written)."""
    contract_id = _alerted(admin, billing, partner_id, today)
    [row] = _rows(billing, contract_id)
    expect_fault(
        billing.call, "crm.contract.schedule", "write", [row["id"]], {"alert_activity_id": False}
    )
    assert _rows(billing, contract_id) == [row]


def test_terminate_removes_the_alerts(admin, billing, partner_id, today):
    contract_id = _alerted(admin, billing, partner_id, today)
    assert len(_alerts(admin, contract_id)) == 1
    assert billing.call("crm.contract", "action_terminate", [contract_id]) is True
    assert {row["state"] for row in _rows(billing, contract_id)} == {"cancelled"}
    assert _alerts(admin, contract_id) == []


def test_row_no_longer_expected_removes_its_alert(admin, billing, partner_id, today, bill_type):
    contract_id = _alerted(admin, billing, partner_id, today, starts=(3, 4))
    first, second = _alerts(admin, contract_id)
    assert first["date_deadline"] == _day(today, 3)
    line_ids = billing.call("crm.contract", "read", [contract_id], ["line_ids"])[0]["line_ids"]
    moved, removed = sorted(line_ids)
    assert billing.call("crm.contract.line", "write", [moved], {"date_start": _day(today, 5)})
    assert _alerts(admin, contract_id) == [second], "the row of the old date is gone"
    _run_alerts(admin)
    assert [a["date_deadline"] for a in _alerts(admin, contract_id)] == [
        _day(today, 4),
        _day(today, 5),
    ]
    assert billing.call("crm.contract.line", "unlink", [removed]) is True
    [left] = _alerts(admin, contract_id)
    assert (left["date_deadline"], left["activity_type_id"][0]) == (_day(today, 5), bill_type)
    [row] = _rows(billing, contract_id)
    assert row["alert_activity_id"][0] == left["id"]


def test_bill_marks_the_alert_done(admin, billing, partner_id, today, bill_type):
    contract_id = _alerted(admin, billing, partner_id, today)
    [bill_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date=_day(today, 3)
    )
    assert _alerts(admin, contract_id) == []
    [done] = admin.call(
        "mail.message",
        "search_read",
        [
            ("model", "=", "crm.contract"),
            ("res_id", "=", contract_id),
            ("mail_activity_type_id", "=", bill_type),
        ],
        ["body"],
    )
    [bill] = admin.call("account.move", "read", [bill_id], ["display_name", "move_type"])
    assert bill["move_type"] == "in_invoice"
    assert "created" in done["body"] and bill["display_name"] in done["body"]
