"""crm_pipeline over XML-RPC: the calls documented in crm_pipeline/readme/USAGE.md."""

import datetime
import xmlrpc.client

import pytest
from conftest import xmlid_res_id

pytestmark = pytest.mark.addon("crm_pipeline")


def _in(days):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    return when.strftime("%Y-%m-%d %H:%M:%S")


def _satisfy_downstream_gates(admin, lead_id):
    """crm_evaluation_sheet, when installed, gates Meeting & evaluation on a
    finalised sheet: give the lead one so the chain is what is tested here."""

    def installed(name):
        return admin.call(
            "ir.module.module",
            "search_count",
            [("name", "=", name), ("state", "=", "installed")],
        )

    partner_id = admin.call("res.partner", "create", {"name": "RPC gate customer"})
    admin.call("crm.lead", "write", [lead_id], {"partner_id": partner_id})
    if installed("crm_finance_cashflow"):
        # Contracting moves on with an active customer contract of the lead
        today = datetime.date.today().isoformat()
        contract_id = admin.call(
            "crm.contract",
            "create",
            {
                "lead_id": lead_id,
                "partner_id": partner_id,
                "date_start": today,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Gate line",
                            "price_unit": 1.0,
                            "recurrence": "one_off",
                            "date_start": today,
                        },
                    )
                ],
            },
        )
        admin.call("crm.contract", "action_activate", [contract_id])
    if not installed("crm_evaluation_sheet"):
        return
    product_id = admin.call("product.product", "create", {"name": "RPC gate item"})
    sheet_id = admin.call(
        "crm.evaluation.sheet",
        "create",
        {
            "lead_id": lead_id,
            "line_ids": [(0, 0, {"product_id": product_id, "product_uom_qty": 1})],
        },
    )
    admin.call("crm.evaluation.sheet", "action_finalize", [sheet_id])


@pytest.fixture
def lead_id(admin):
    return admin.call(
        "crm.lead", "create", {"name": "RPC lead", "type": "opportunity", "user_id": False}
    )


def test_activate_and_complete_to_won(admin, salesman, lead_id):
    call = salesman.call
    # every new lead starts inactive
    lead = admin.call("crm.lead", "read", [lead_id], ["activation_state"])[0]
    assert lead["activation_state"] == "inactive"

    # activate: responsible, first contact (UTC), priority
    assert call("crm.lead", "activate", [lead_id], salesman.uid, _in(1), priority="2") is True
    lead = call(
        "crm.lead",
        "read",
        [lead_id],
        ["activation_state", "user_id", "priority", "open_responsibility_id"],
    )[0]
    assert lead["activation_state"] == "active"
    assert lead["user_id"][0] == salesman.uid
    assert lead["priority"] == "2"
    resp_id = lead["open_responsibility_id"][0]
    resp = call("crm.lead.responsibility", "read", [resp_id], ["type_code", "state"])[0]
    assert (resp["type_code"], resp["state"]) == ("contact_prospect", "assigned")

    # activating again is refused
    with pytest.raises(xmlrpc.client.Fault, match="already active"):
        call("crm.lead", "activate", [lead_id], salesman.uid, _in(1))

    # complete with "next": the next responsibility opens (same responsible)
    meeting_id = call(
        "crm.lead.responsibility",
        "complete",
        [resp_id],
        "next",
        "Called, meeting agreed",
        next_deadline=_in(3),
    )
    _satisfy_downstream_gates(admin, lead_id)
    offer_id = call(
        "crm.lead.responsibility",
        "complete",
        [meeting_id],
        "next",
        "Evaluated",
        next_deadline=_in(5),
    )
    # Offer & negotiation is gated on a sent or confirmed quotation
    with pytest.raises(xmlrpc.client.Fault, match="quotation"):
        call(
            "crm.lead.responsibility", "complete", [offer_id], "next", "Sent", next_deadline=_in(6)
        )
    partner_id = admin.call("res.partner", "create", {"name": "RPC customer"})
    order_id = admin.call(
        "sale.order", "create", {"partner_id": partner_id, "opportunity_id": lead_id}
    )
    admin.call("sale.order", "write", [order_id], {"state": "sent"})
    contracting_id = call(
        "crm.lead.responsibility",
        "complete",
        [offer_id],
        "next",
        "Accepted",
        next_deadline=_in(7),
    )
    warnings = call("crm.lead.responsibility", "get_contracting_warnings", [contracting_id])
    assert isinstance(warnings, list) and warnings
    assert call("crm.lead.responsibility", "complete", [contracting_id], "next", "Signed") is True
    lead = call("crm.lead", "read", [lead_id], ["probability", "stage_id"])[0]
    assert lead["probability"] == 100
    states = call(
        "crm.lead.responsibility",
        "search_read",
        [("lead_id", "=", lead_id)],
        fields=["state"],
    )
    assert {s["state"] for s in states} == {"done"}


def test_refusal_marks_the_lead_lost(admin, salesman, lead_id):
    call = salesman.call
    call("crm.lead", "activate", [lead_id], salesman.uid, _in(1))
    resp_id = call("crm.lead", "read", [lead_id], ["open_responsibility_id"])[0][
        "open_responsibility_id"
    ][0]
    with pytest.raises(xmlrpc.client.Fault, match="lost reason"):
        call("crm.lead.responsibility", "complete", [resp_id], "refused", "No budget")
    reason_id = admin.call("crm.lost.reason", "create", {"name": "No budget (RPC)"})
    call(
        "crm.lead.responsibility",
        "complete",
        [resp_id],
        "refused",
        "No budget",
        lost_reason_id=reason_id,
    )
    lead = call(
        "crm.lead",
        "read",
        [lead_id],
        ["active", "lost_reason_id"],
        context={"active_test": False},
    )[0]
    assert lead["active"] is False
    assert lead["lost_reason_id"][0] == reason_id


def test_lead_won_without_activation_is_active(salesman):
    """Odoo's Won button on a lead never activated: won and Active, without a
    chain (not left Inactive, offering an Activate that refuses a won lead);
    moved back to an open stage, it is Inactive again."""
    call = salesman.call
    lead_id = call("crm.lead", "create", {"name": "RPC won at once"})
    fields = ["active", "probability", "activation_state", "responsibility_ids"]
    lead = call("crm.lead", "read", [lead_id], fields)[0]
    assert (lead["activation_state"], lead["responsibility_ids"]) == ("inactive", [])
    assert call("crm.lead", "action_set_won", [lead_id]) is True
    lead = call("crm.lead", "read", [lead_id], fields)[0]
    assert [lead[f] for f in fields] == [True, 100, "active", []]
    inactive = call(
        "crm.lead", "search", [("id", "=", lead_id), ("activation_state", "=", "inactive")]
    )
    assert inactive == []
    open_stage_id = call("crm.stage", "search", [("is_won", "=", False)], limit=1)[0]
    call("crm.lead", "write", [lead_id], {"stage_id": open_stage_id})
    lead = call("crm.lead", "read", [lead_id], ["activation_state"])[0]
    assert lead["activation_state"] == "inactive"


def test_bad_activation_input(admin, salesman, lead_id):
    portal_group = xmlid_res_id(admin, "base.group_portal")
    portal_id = admin.call(
        "res.users",
        "create",
        {
            "name": "RPC portal",
            "login": f"rpc_portal_{lead_id}",
            "groups_id": [(6, 0, [portal_group])],
        },
    )
    with pytest.raises(xmlrpc.client.Fault, match="active internal user"):
        salesman.call("crm.lead", "activate", [lead_id], portal_id, _in(1))
    with pytest.raises(xmlrpc.client.Fault, match="first contact"):
        salesman.call("crm.lead", "activate", [lead_id], salesman.uid, False)
    lead = admin.call("crm.lead", "read", [lead_id], ["activation_state", "responsibility_ids"])[0]
    assert lead["activation_state"] == "inactive"
    assert lead["responsibility_ids"] == []


def test_salesman_cannot_read_another_salesman_lead(admin, salesman, salesman_b, lead_id):
    admin.call("crm.lead", "activate", [lead_id], salesman_b.uid, _in(1))
    resp_id = admin.call("crm.lead", "read", [lead_id], ["open_responsibility_id"])[0][
        "open_responsibility_id"
    ][0]
    # B reads both
    assert salesman_b.call("crm.lead", "read", [lead_id], ["name"])
    assert salesman_b.call("crm.lead.responsibility", "read", [resp_id], ["state"])
    # A reads neither
    with pytest.raises(xmlrpc.client.Fault, match="AccessError|access"):
        salesman.call("crm.lead", "read", [lead_id], ["name"])
    with pytest.raises(xmlrpc.client.Fault, match="AccessError|access"):
        salesman.call("crm.lead.responsibility", "read", [resp_id], ["state"])
    assert salesman.call("crm.lead.responsibility", "search", [("id", "=", resp_id)]) == []
