"""crm_finance_cashflow over XML-RPC, what is deleted or undone: an activated
contract is not deleted (its invoiced schedule rows would go with it and its
invoices lose their link), and a planned payment whose payment is cancelled,
rejected, reset to draft or deleted is planned again, and posted again with
that payment when it is posted again."""

import datetime

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")


@pytest.fixture(scope="module")
def accountant(make_user):
    return make_user(["account.group_account_manager"], "fin_undone_accountant")


@pytest.fixture(scope="module")
def partner_id(admin):
    return admin.call("res.partner", "create", {"name": "RPC Undone Client"})


def _contract_vals(partner_id):
    return {
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
                    "price_unit": 100,
                    "recurrence": "monthly",
                    "date_start": "2026-01-01",
                },
            )
        ],
    }


def test_activated_contract_not_deleted(billing, accountant, partner_id, expect_fault):
    contract_id = billing.call("crm.contract", "create", _contract_vals(partner_id))
    assert billing.call("crm.contract", "action_activate", [contract_id]) is True
    [invoice_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-02-01"
    )
    billing.call("account.move", "action_post", [invoice_id])
    fault = expect_fault(accountant.call, "crm.contract", "unlink", [contract_id])
    assert "Terminate it instead" in fault.faultString
    # nor with Odoo's uninstall flag, which only administrators' deletions keep
    fault = expect_fault(
        accountant.call,
        "crm.contract",
        "unlink",
        [contract_id],
        context={"_force_unlink": True},
    )
    assert "Terminate it instead" in fault.faultString
    rows = billing.call(
        "crm.contract.schedule",
        "search_read",
        [("contract_id", "=", contract_id), ("invoice_id", "=", invoice_id)],
        ["state"],
    )
    assert [row["state"] for row in rows] == ["invoiced", "invoiced"]
    # terminated, it stays the history of its invoice
    assert billing.call("crm.contract", "action_terminate", [contract_id]) is True
    expect_fault(accountant.call, "crm.contract", "unlink", [contract_id])
    assert billing.call("crm.contract", "search_count", [("id", "=", contract_id)]) == 1
    [line] = billing.call(
        "account.move.line",
        "search_read",
        [("move_id", "=", invoice_id), ("display_type", "=", "product")],
        ["crm_contract_schedule_id"],
        limit=1,
    )
    assert line["crm_contract_schedule_id"]
    # billing users delete no contract (Odoo's access rights); a draft is the
    # accountants' to delete
    draft_id = billing.call("crm.contract", "create", _contract_vals(partner_id))
    expect_fault(billing.call, "crm.contract", "unlink", [draft_id], codes=(4,))
    assert accountant.call("crm.contract", "unlink", [draft_id]) is True
    assert billing.call("crm.contract", "search_count", [("id", "=", draft_id)]) == 0


def _planned(client, partner_id, days=10):
    return client.call(
        "crm.planned.payment",
        "create",
        {
            "name": "Supplier deposit",
            "direction": "outgoing",
            "partner_id": partner_id,
            "amount": 700,
            "date": (datetime.date.today() + datetime.timedelta(days=days)).isoformat(),
        },
    )


def _read(client, planned_id):
    [planned] = client.call(
        "crm.planned.payment", "read", [planned_id], ["state", "payment_id", "message_ids"]
    )
    return planned


def _notes(client, planned):
    messages = client.call("mail.message", "read", planned["message_ids"], ["body"])
    return " ".join(message["body"] for message in messages)


def _cumulative(client):
    today = datetime.date.today()
    forecast = client.call(
        "crm.contract",
        "get_cashflow_forecast",
        today.isoformat(),
        (today + datetime.timedelta(days=60)).isoformat(),
    )
    return [period["cumulative"] for period in forecast[1:]]


def _counted(client, planned_id):
    return client.call(
        "crm.cashflow.forecast.report", "search_count", [("planned_payment_id", "=", planned_id)]
    )


def test_payment_undone_plans_again(billing, partner_id):
    """The payment written back to draft, rejected or cancelled (Odoo's buttons
    write its state; over XML-RPC, where they return nothing, a client writes
    it), then deleted: the planned payment is planned again each time, keeping
    the payment until it is deleted, and posted again when that payment pays
    again; the forecast counts the money once throughout."""
    planned_id = _planned(billing, partner_id)
    expected = _cumulative(billing)
    assert billing.call("crm.planned.payment", "action_post", [planned_id]) is True
    first_id = _read(billing, planned_id)["payment_id"][0]
    billing.call("account.payment", "write", [first_id], {"state": "draft"})
    planned = _read(billing, planned_id)
    assert (planned["state"], planned["payment_id"][0]) == ("planned", first_id)
    assert "was reset to draft" in _notes(billing, planned)
    # counted again in the forecast's rows
    assert _counted(billing, planned_id)
    assert _cumulative(billing) == expected
    # paid again (its entry stayed posted): the planned payment is posted with
    # it, counted once
    billing.call("account.payment", "write", [first_id], {"state": "paid"})
    planned = _read(billing, planned_id)
    assert (planned["state"], planned["payment_id"][0]) == ("posted", first_id)
    assert "was posted again" in _notes(billing, planned)
    assert not _counted(billing, planned_id)
    assert _cumulative(billing) == expected
    # rejected (its entry stays posted): planned again, counted once
    billing.call("account.payment", "write", [first_id], {"state": "rejected"})
    planned = _read(billing, planned_id)
    assert (planned["state"], planned["payment_id"][0]) == ("planned", first_id)
    assert "was rejected" in _notes(billing, planned)
    assert _cumulative(billing) == expected
    # posted again: a new payment takes its place, then cancelled
    assert billing.call("crm.planned.payment", "action_post", [planned_id]) is True
    second_id = _read(billing, planned_id)["payment_id"][0]
    assert second_id != first_id
    billing.call("account.payment", "write", [second_id], {"state": "canceled"})
    planned = _read(billing, planned_id)
    assert (planned["state"], planned["payment_id"][0]) == ("planned", second_id)
    assert "was cancelled" in _notes(billing, planned)
    # the payments deleted (Odoo deletes a draft or cancelled one); the planned
    # payment stays planned, without them
    billing.call("account.payment", "write", [first_id], {"state": "draft"})
    assert billing.call("account.payment", "unlink", [first_id, second_id]) is True
    planned = _read(billing, planned_id)
    assert (planned["state"], planned["payment_id"]) == ("planned", False)
    assert billing.call("crm.planned.payment", "action_cancel", [planned_id]) is True
    assert _read(billing, planned_id)["state"] == "cancelled"
