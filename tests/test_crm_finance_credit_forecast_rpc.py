"""crm_finance_cashflow over XML-RPC: planned payments of part of an open
invoice (the forecast keeps the rest of the invoice at its due date), a partly
paid contract invoice credited in full (its rows given back, as a reversed
one's), and the automatic renewal's label (by the renewal term)."""

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")

# a window of its own, far from the other tests' dates
WINDOW = ("2031-01-01", "2031-06-30")


@pytest.fixture(scope="module")
def partner_id(admin):
    return admin.call("res.partner", "create", {"name": "RPC Credit Forecast Client"})


def _incoming(billing):
    """{period: incoming} of the forecast over WINDOW."""
    return {
        period["period"]: period["incoming"]
        for period in billing.call("crm.contract", "get_cashflow_forecast", *WINDOW)
    }


def _added(base, result):
    return {
        period: round(result[period] - base[period], 2)
        for period in result
        if round(result[period] - base[period], 2)
    }


def test_planned_payment_of_part_of_an_invoice(admin, billing, partner_id, expect_fault):
    base = _incoming(billing)
    invoice_id = billing.call(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": partner_id,
            "invoice_date": "2031-01-15",
            "invoice_date_due": "2031-01-15",
            "invoice_line_ids": [(0, 0, {"name": "Work", "price_unit": 1000.0, "tax_ids": []})],
        },
    )
    billing.call("account.move", "action_post", [invoice_id])
    assert _added(base, _incoming(billing)) == {"2031-01": 1000.0}
    vals = {
        "name": "RPC part of the invoice",
        "direction": "incoming",
        "partner_id": partner_id,
        "invoice_id": invoice_id,
    }
    billing.call("crm.planned.payment", "create", dict(vals, amount=300.0, date="2031-03-10"))
    # the payment at its date, the rest of the invoice at its due date
    assert _added(base, _incoming(billing)) == {"2031-01": 700.0, "2031-03": 300.0}
    # more than the invoice still owes (700.00 once the 300.00 are planned): fault 2
    fault = expect_fault(
        billing.call, "crm.planned.payment", "create", dict(vals, amount=900.0, date="2031-04-10")
    )
    assert "would total" in fault.faultString
    rest_id = billing.call(
        "crm.planned.payment", "create", dict(vals, amount=700.0, date="2031-04-10")
    )
    # nothing left of the invoice
    assert _added(base, _incoming(billing)) == {"2031-03": 300.0, "2031-04": 700.0}
    billing.call("crm.planned.payment", "action_cancel", [rest_id])
    assert _added(base, _incoming(billing)) == {"2031-01": 700.0, "2031-03": 300.0}


def _rows(client, contract_id):
    return client.call(
        "crm.contract.schedule",
        "search_read",
        [("contract_id", "=", contract_id)],
        ["state", "invoice_id"],
        order="date",
    )


def _credit_note(billing, invoice_id):
    [invoice] = billing.call("account.move", "read", [invoice_id], ["journal_id"])
    wizard_id = billing.call(
        "account.move.reversal",
        "create",
        {"journal_id": invoice["journal_id"][0], "reason": "Not delivered"},
        context={"active_model": "account.move", "active_ids": [invoice_id]},
    )
    billing.call("account.move.reversal", "refund_moves", [wizard_id])
    [wizard] = billing.call("account.move.reversal", "read", [wizard_id], ["new_move_ids"])
    return wizard["new_move_ids"]


def test_partly_paid_invoice_credited_in_full(billing, partner_id, expect_fault):
    contract_id = billing.call(
        "crm.contract",
        "create",
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
                        "price_unit": 100,
                        "recurrence": "monthly",
                        "date_start": "2026-01-01",
                    },
                )
            ],
        },
    )
    billing.call("crm.contract", "action_activate", [contract_id])
    [invoice_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-02-01"
    )
    billing.call("account.move", "action_post", [invoice_id])
    register_id = billing.call(
        "account.payment.register",
        "create",
        {"amount": 50.0, "payment_difference_handling": "open"},
        context={"active_model": "account.move", "active_ids": [invoice_id]},
    )
    billing.call("account.payment.register", "action_create_payments", [register_id])
    [credit_id] = _credit_note(billing, invoice_id)
    billing.call("account.move", "action_post", [credit_id])
    [invoice] = billing.call(
        "account.move", "read", [invoice_id], ["payment_state", "crm_contract_rows_released"]
    )
    assert invoice["payment_state"] in ("paid", "in_payment")
    assert invoice["crm_contract_rows_released"] is True
    rows = _rows(billing, contract_id)
    assert [row["state"] for row in rows[:2]] == ["planned", "planned"]
    assert not any(row["invoice_id"] for row in rows)
    # the credit note stays (fault 2), and the period is invoiced again, once
    expect_fault(billing.call, "account.move", "button_draft", [credit_id])
    [again_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-02-01"
    )
    assert [row["invoice_id"][0] for row in _rows(billing, contract_id)[:2]] == [again_id] * 2


def test_automatic_renewal_label(billing):
    fields = billing.call("crm.contract", "fields_get", ["renewal"], ["selection"])
    assert dict(fields["renewal"]["selection"])["automatic"] == "Automatic (renewal term)"
