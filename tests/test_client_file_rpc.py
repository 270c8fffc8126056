"""The client file over XML-RPC (issue #27): the partner carries
``crm_contract_ids`` and ``crm_pricing_rule_ids``, readable by the client's
salesperson and not by another one (no sudo leak); salespeople read their
clients' contracts but do not activate, renew or terminate them; the lead's
money lists contract invoices; bad input gets a clean fault."""

import os

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")


@pytest.fixture(scope="module")
def client_id(admin, salesman):
    return admin.call(
        "res.partner",
        "create",
        {"name": f"RPC Client File {os.getpid()}", "is_company": True, "user_id": salesman.uid},
    )


@pytest.fixture(scope="module")
def contract_id(admin, billing, client_id):
    contract_id = billing.call(
        "crm.contract",
        "create",
        {
            "partner_id": client_id,
            "title": "RPC client file maintenance",
            "user_id": billing.uid,
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
    return contract_id


def test_salesperson_reads_client_contracts(salesman, client_id, contract_id):
    row = salesman.call("res.partner", "read", [client_id], ["crm_contract_ids"])[0]
    assert row["crm_contract_ids"] == [contract_id]
    contract = salesman.call("crm.contract", "read", [contract_id], ["name", "state"])[0]
    assert contract["state"] == "active"
    # the CRM menu's action lists it too
    assert contract_id in salesman.call("crm.contract", "search", [("partner_id", "=", client_id)])


def test_salesperson_cannot_change_states(salesman, admin, expect_fault, contract_id):
    for method in ("action_terminate", "action_renew", "action_activate"):
        expect_fault(salesman.call, "crm.contract", method, [contract_id], codes=(2, 4))
    expect_fault(
        salesman.call, "crm.contract", "write", [contract_id], {"title": "x"}, codes=(2, 4)
    )
    row = admin.call("crm.contract", "read", [contract_id], ["state", "title"])[0]
    assert (row["state"], row["title"]) == ("active", "RPC client file maintenance")


def test_other_salesperson_sees_nothing(salesman_b, expect_fault, client_id, contract_id):
    row = salesman_b.call("res.partner", "read", [client_id], ["crm_contract_ids"])[0]
    assert row["crm_contract_ids"] == []
    expect_fault(salesman_b.call, "crm.contract", "read", [contract_id], ["name"], codes=(4,))


def test_employee_cannot_read_contract_fields(employee, expect_fault, client_id):
    expect_fault(
        employee.call, "res.partner", "read", [client_id], ["crm_contract_ids"], codes=(4,)
    )


def test_document_note_is_written_and_checked(salesman, admin, expect_fault, client_id):
    salesman.call("res.partner", "write", [client_id], {"crm_document_note": "Quote PO-12"})
    row = admin.call("res.partner", "read", [client_id], ["crm_document_note"])[0]
    assert row["crm_document_note"] == "Quote PO-12"
    expect_fault(salesman.call, "res.partner", "write", [client_id], {"crm_document_note": [1]})


def test_smart_button_needs_one_client(salesman, admin, expect_fault, client_id):
    other = admin.call("res.partner", "create", {"name": "RPC other client"})
    expect_fault(salesman.call, "res.partner", "action_view_crm_contracts", [client_id, other])
    action = salesman.call("res.partner", "action_view_crm_contracts", [client_id])
    assert action["res_model"] == "crm.contract"


@pytest.mark.addon("crm_pricing")
def test_pricing_rules_for_the_salesperson_only(
    admin, salesman, salesman_b, expect_fault, client_id
):
    pricelist_id = admin.call("product.pricelist", "create", {"name": "RPC client file"})
    rule_id = admin.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist_id,
            "pricing_label": "RPC negotiated",
            "partner_id": client_id,
            "compute_price": "percentage",
            "percent_price": 5.0,
        },
    )
    row = salesman.call("res.partner", "read", [client_id], ["crm_pricing_rule_ids"])[0]
    assert rule_id in row["crm_pricing_rule_ids"]
    conditions = salesman.call("res.partner", "get_pricing_conditions", [client_id])
    assert {c["rule_id"]: c["met"] for c in conditions}[rule_id] is True
    row = salesman_b.call("res.partner", "read", [client_id], ["crm_pricing_rule_ids"])[0]
    assert row["crm_pricing_rule_ids"] == []
    expect_fault(salesman_b.call, "res.partner", "get_pricing_conditions", [client_id], codes=(4,))
    for date in ("soon", 7, "2500-01-01"):
        expect_fault(salesman.call, "res.partner", "get_pricing_conditions", [client_id], date=date)


def test_lead_money_lists_contract_invoices(admin, billing, salesman, client_id):
    lead_id = salesman.call(
        "crm.lead",
        "create",
        {"name": "RPC money lead", "type": "opportunity", "partner_id": client_id},
    )
    contract_id = salesman.call(
        "crm.contract",
        "create",
        {
            "partner_id": client_id,
            "lead_id": lead_id,
            "date_start": "2026-01-01",
            "date_end": "2027-12-31",
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Racking",
                        "quantity": 1,
                        "price_unit": 200,
                        "recurrence": "monthly",
                        "date_start": "2026-01-01",
                    },
                )
            ],
        },
    )
    billing.call("crm.contract", "action_activate", [contract_id])
    invoice_ids = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-01-15"
    )
    admin.call("account.move", "write", invoice_ids, {"invoice_user_id": salesman.uid})
    admin.call("account.move", "action_post", invoice_ids)
    row = salesman.call(
        "crm.lead",
        "read",
        [lead_id],
        [
            "crm_invoice_ids",
            "crm_schedule_ids",
            "crm_amount_invoiced",
            "crm_amount_due",
            "crm_amount_to_invoice",
        ],
    )[0]
    assert row["crm_invoice_ids"] == invoice_ids
    # February 2026 to December 2027
    assert len(row["crm_schedule_ids"]) == 23
    assert row["crm_amount_invoiced"] == pytest.approx(row["crm_amount_due"])
    assert row["crm_amount_to_invoice"] > 0
