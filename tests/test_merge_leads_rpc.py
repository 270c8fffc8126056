"""Odoo's merge of leads over XML-RPC (the wizard's create + action_merge):
what the suite keeps on a lead follows the surviving lead, since Odoo deletes
the merged ones."""

import os

import pytest


def _pair(client, tail_vals=None):
    tag = os.getpid()
    partner_id = client.call("res.partner", "create", {"name": f"RPC merge client {tag}"})
    head = client.call(
        "crm.lead",
        "create",
        {
            "name": f"RPC merge head {tag}",
            "type": "opportunity",
            "partner_id": partner_id,
            "probability": 90,
        },
    )
    tail = client.call(
        "crm.lead",
        "create",
        dict(
            {
                "name": f"RPC merge tail {tag}",
                "type": "opportunity",
                "partner_id": partner_id,
                "probability": 10,
            },
            **(tail_vals or {}),
        ),
    )
    return partner_id, head, tail


def _merge(client, head, tail):
    wizard = client.call(
        "crm.merge.opportunity", "create", {"opportunity_ids": [(6, 0, [head, tail])]}
    )
    client.call("crm.merge.opportunity", "action_merge", [wizard])
    assert not client.call("crm.lead", "search", [("id", "=", tail)])


@pytest.mark.addon("crm_pipeline")
def test_merge_keeps_tax_data_and_competitors(salesman):
    rival = salesman.call("crm.competitor", "create", {"name": f"RPC merge rival {os.getpid()}"})
    _partner_id, head, tail = _pair(
        salesman,
        {
            "vat": "RO 18547290",
            "company_registry": "J40/1234/2020",
            "vat_payer": True,
            "interest_status": "high",
            "competitor_ids": [(6, 0, [rival])],
        },
    )
    _merge(salesman, head, tail)
    [lead] = salesman.call(
        "crm.lead",
        "read",
        [head],
        ["vat", "company_registry", "vat_payer", "interest_status", "competitor_ids"],
    )
    assert (lead["vat"], lead["company_registry"], lead["vat_payer"]) == (
        "RO 18547290",
        "J40/1234/2020",
        True,
    )
    assert (lead["interest_status"], lead["competitor_ids"]) == ("high", [rival])


@pytest.mark.addon("crm_evaluation_sheet")
def test_merge_moves_the_evaluation_sheets(admin, salesman):
    product = admin.call(
        "product.product",
        "create",
        {"name": f"RPC merge survey {os.getpid()}", "type": "service", "list_price": 10.0},
    )
    _partner_id, head, tail = _pair(salesman)
    item = [(0, 0, {"product_id": product, "product_uom_qty": 1})]
    finalized, draft = (
        salesman.call("crm.evaluation.sheet", "create", {"lead_id": tail, "line_ids": item})
        for _ in range(2)
    )
    salesman.call("crm.evaluation.sheet", "action_finalize", [finalized])
    _merge(salesman, head, tail)
    sheets = salesman.call("crm.evaluation.sheet", "read", [finalized, draft], ["lead_id", "state"])
    assert [(s["lead_id"][0], s["state"]) for s in sheets] == [
        (head, "finalized"),
        (head, "draft"),
    ]
    [lead] = salesman.call("crm.lead", "read", [head], ["has_finalized_evaluation_sheet"])
    assert lead["has_finalized_evaluation_sheet"] is True


@pytest.mark.addon("crm_finance_cashflow")
def test_merge_moves_the_contracts(admin, salesman):
    partner_id, head, tail = _pair(salesman)
    vals = {
        "contract_type": "customer",
        "partner_id": partner_id,
        "lead_id": tail,
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
    active = admin.call("crm.contract", "create", vals)
    admin.call("crm.contract", "action_activate", [active])
    draft = salesman.call("crm.contract", "create", vals)
    _merge(salesman, head, tail)
    contracts = admin.call("crm.contract", "read", [active, draft], ["lead_id", "state"])
    assert [(c["lead_id"][0], c["state"]) for c in contracts] == [
        (head, "active"),
        (head, "draft"),
    ]
