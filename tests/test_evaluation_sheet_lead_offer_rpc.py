"""The quotation generated from an evaluation sheet on a lead is the lead's
offer, over XML-RPC (crm_evaluation_sheet): its salesperson is the lead's,
whoever generates it (the holder of a step handed over, a sales manager), who
sees it and the sheet on the lead and sends it from the CRM; the holder is not
sent to a form they cannot open."""

import datetime
import os

import pytest

pytestmark = pytest.mark.addon("crm_evaluation_sheet")


def _at(days):
    moment = datetime.datetime.now().replace(microsecond=0) + datetime.timedelta(days=days)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture(scope="module")
def offer_lead(admin):
    """``make(owner)``: an activated lead of ``owner`` (a client) for a client
    with a service product to put on its sheet."""
    tag = f"{os.getpid()}"
    partner_id = admin.call(
        "res.partner", "create", {"name": f"RPC Lead Offer Client {tag}", "is_company": True}
    )
    product_id = admin.call(
        "product.product",
        "create",
        {
            "name": f"RPC Lead Offer Survey {tag}",
            "type": "service",
            "list_price": 150.0,
            "taxes_id": [(6, 0, [])],
        },
    )

    def make(owner):
        lead_id = admin.call(
            "crm.lead",
            "create",
            {"name": f"RPC Lead Offer {tag}", "partner_id": partner_id, "type": "opportunity"},
        )
        admin.call("crm.lead", "activate", [lead_id], owner.uid, _at(1))
        return lead_id

    make.product_id = product_id
    return make


def _sheet(client, lead_id, product_id):
    sheet_id = client.call(
        "crm.evaluation.sheet",
        "create",
        {
            "lead_id": lead_id,
            "line_ids": [(0, 0, {"product_id": product_id, "product_uom_qty": 2})],
        },
    )
    client.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    return sheet_id


def test_handed_over_step_makes_the_leads_offer(
    admin, salesman, salesman_b, offer_lead, expect_fault
):
    owner, holder = salesman_b, salesman
    lead_id = offer_lead(owner)
    [lead] = owner.call("crm.lead", "read", [lead_id], ["open_responsibility_id"])
    meeting_id = owner.call(
        "crm.lead.responsibility",
        "complete",
        [lead["open_responsibility_id"][0]],
        "next",
        "Meeting agreed: the evaluation is the holder's",
        next_user_id=holder.uid,
        next_deadline=_at(2),
    )
    sheet_id = _sheet(holder, lead_id, offer_lead.product_id)
    action = holder.call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])
    # the quotation is the owner's: the holder gets a notification, then the lead
    assert action["type"] == "ir.actions.client"
    assert action["tag"] == "display_notification"
    assert action["params"]["next"]["res_model"] == "crm.lead"
    assert action["params"]["next"]["res_id"] == lead_id
    [order_id] = admin.call("sale.order", "search", [("evaluation_sheet_id", "=", sheet_id)])
    assert admin.call("sale.order", "read", [order_id], ["user_id"])[0]["user_id"][0] == owner.uid
    expect_fault(holder.call, "sale.order", "read", [order_id], ["name"], codes=(4,))
    holder.call(
        "crm.lead.responsibility",
        "complete",
        [meeting_id],
        "next",
        "Evaluated",
        next_user_id=owner.uid,
        next_deadline=_at(4),
    )
    # the lead's salesperson: the quotation on the lead, the sheet's status, Send
    [lead] = owner.call(
        "crm.lead", "read", [lead_id], ["order_ids", "quotation_count", "evaluation_sheet_ids"]
    )
    assert lead["order_ids"] == [order_id]
    assert lead["quotation_count"] == 1
    assert lead["evaluation_sheet_ids"] == [sheet_id]
    [sheet] = owner.call("crm.evaluation.sheet", "read", [sheet_id], ["state"])
    assert sheet["state"] == "finalized"
    composer = owner.call("crm.lead", "action_send_offer", [lead_id])
    assert composer["res_model"] == "mail.compose.message"
    # ... and reads the holder's sheet without changing it
    expect_fault(
        owner.call, "crm.evaluation.sheet", "write", [sheet_id], {"notes": "mine"}, codes=(4,)
    )


def test_managers_sheet_on_a_salespersons_lead(salesman, salesman_b, sales_manager, offer_lead):
    lead_id = offer_lead(salesman)
    sheet_id = _sheet(sales_manager, lead_id, offer_lead.product_id)
    action = sales_manager.call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])
    order_id = action["res_id"]
    [order] = salesman.call("sale.order", "read", [order_id], ["user_id", "opportunity_id"])
    assert order["user_id"][0] == salesman.uid
    assert order["opportunity_id"][0] == lead_id
    [lead] = salesman.call("crm.lead", "read", [lead_id], ["order_ids", "evaluation_sheet_ids"])
    assert lead["order_ids"] == [order_id]
    assert lead["evaluation_sheet_ids"] == [sheet_id]
    assert salesman.call("crm.evaluation.sheet", "search", [("id", "=", sheet_id)]) == [sheet_id]
    # another salesperson reads neither
    assert not salesman_b.call("crm.evaluation.sheet", "search", [("id", "=", sheet_id)])
    assert not salesman_b.call("sale.order", "search", [("id", "=", order_id)])
