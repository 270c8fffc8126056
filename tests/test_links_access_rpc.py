"""Links over XML-RPC: a quotation linked to another salesperson's lead, a
closed step's history, the client of a record filed on a lead, and the suite's
wizards given records the user cannot read. Every refusal a clean fault
(``AccessError``: 4, ``UserError``/``ValidationError``: 2), nothing written.
"""

import base64
import datetime
import os

import pytest
from conftest import new_company, xmlid_res_id

pytestmark = pytest.mark.addon("crm_pipeline")


def _in(days):
    return (datetime.datetime.utcnow() + datetime.timedelta(days=days)).strftime(
        "%Y-%m-%d %H:%M:%S"
    )


def _partner(admin, name, **vals):
    return admin.call(
        "res.partner",
        "create",
        dict({"name": f"{name} {os.getpid()}", "is_company": True}, **vals),
    )


def _lead(admin, user, partner_id, name="RPC links lead"):
    return admin.call(
        "crm.lead",
        "create",
        {"name": name, "type": "opportunity", "user_id": user.uid, "partner_id": partner_id},
    )


def _order(client, partner_id, **vals):
    return client.call("sale.order", "create", dict({"partner_id": partner_id}, **vals))


def test_quotation_on_foreign_lead_does_not_pass_its_offer_gate(
    admin, salesman, salesman_b, sales_manager, expect_fault
):
    customer_b = _partner(admin, "RPC links customer B")
    client_a = _partner(admin, "RPC links client A")
    lead_b = _lead(admin, salesman_b, customer_b)
    salesman_b.call("crm.lead", "activate", [lead_b], salesman_b.uid, _in(1))
    [lead] = admin.call("crm.lead", "read", [lead_b], ["open_responsibility_id"])
    step_id = lead["open_responsibility_id"][0]
    offer_type = xmlid_res_id(admin, "crm_pipeline.responsibility_type_offer_negotiation")
    sales_manager.call(
        "crm.lead.responsibility", "action_correct_type", [step_id], offer_type, "Taken over"
    )
    # A cannot read B's lead: he links no quotation to it
    expect_fault(salesman.call, "crm.lead", "read", [lead_b], ["name"], codes=(4,))
    expect_fault(
        salesman.call,
        "sale.order",
        "create",
        {"partner_id": client_a, "opportunity_id": lead_b},
        codes=(4,),
    )
    order_id = _order(salesman, client_a)
    expect_fault(
        salesman.call, "sale.order", "write", [order_id], {"opportunity_id": lead_b}, codes=(4,)
    )
    assert not admin.call("sale.order", "search_count", [("opportunity_id", "=", lead_b)])
    salesman.call("sale.order", "action_quotation_sent", [order_id])
    # B's step still waits for a quotation of the lead's own
    fault = expect_fault(
        salesman_b.call,
        "crm.lead.responsibility",
        "complete",
        [step_id],
        "next",
        "Sent",
        next_deadline=_in(3),
    )
    assert "quotation" in fault.faultString


def test_odoo_quotation_flows_link_the_lead(admin, salesman, sales_manager):
    customer = _partner(admin, "RPC links own customer")
    lead_id = _lead(admin, salesman, customer)
    # the lead's salesperson: New Quotation on the lead (Odoo's context)
    action = salesman.call("crm.lead", "action_new_quotation", [lead_id])
    context = {k: v for k, v in action["context"].items() if k.startswith("default_")}
    order_id = salesman.call("sale.order", "create", {"partner_id": customer}, context=context)
    [order] = salesman.call("sale.order", "read", [order_id], ["opportunity_id"])
    assert order["opportunity_id"][0] == lead_id
    # taken off the lead and back
    salesman.call("sale.order", "write", [order_id], {"opportunity_id": False})
    salesman.call("sale.order", "write", [order_id], {"opportunity_id": lead_id})
    # a sales manager links any lead
    other_id = _order(admin, customer)
    sales_manager.call("sale.order", "write", [other_id], {"opportunity_id": lead_id})
    assert admin.call("sale.order", "search_count", [("opportunity_id", "=", lead_id)]) == 2


def test_closed_step_keeps_its_responsible_and_deadline(admin, salesman, salesman_b, expect_fault):
    customer = _partner(admin, "RPC links closed step")
    lead_id = _lead(admin, salesman, customer)
    salesman.call("crm.lead", "activate", [lead_id], salesman.uid, _in(1))
    [lead] = salesman.call("crm.lead", "read", [lead_id], ["open_responsibility_id"])
    step_id = lead["open_responsibility_id"][0]
    # open: a plain write (rescheduling)
    salesman.call("crm.lead.responsibility", "write", [step_id], {"deadline": _in(2)})
    reason_id = admin.call("crm.lost.reason", "create", {"name": "RPC links: no budget"})
    salesman.call(
        "crm.lead.responsibility",
        "complete",
        [step_id],
        "refused",
        "No budget",
        lost_reason_id=reason_id,
    )
    [before] = admin.call("crm.lead.responsibility", "read", [step_id], ["deadline", "user_id"])
    for vals in ({"deadline": _in(9)}, {"user_id": salesman_b.uid}):
        fault = expect_fault(salesman.call, "crm.lead.responsibility", "write", [step_id], vals)
        assert "cannot be changed in this state" in fault.faultString
    [after] = admin.call("crm.lead.responsibility", "read", [step_id], ["deadline", "user_id"])
    assert after == before
    policy = admin.call("crm.write.policy", "get_write_policy")["crm.lead.responsibility"]
    for fname in ("deadline", "user_id"):
        assert policy["fields"][fname]["states"] == ["assigned", "in_progress"]


def test_record_on_lead_is_filed_on_its_client(admin, salesman, expect_fault):
    customer = _partner(admin, "RPC links lead customer")
    person = admin.call("res.partner", "create", {"name": "RPC links buyer", "parent_id": customer})
    stranger = _partner(admin, "RPC links other client")
    lead_id = _lead(admin, salesman, customer)
    for model, vals in (
        ("crm.interaction", {"interaction_type": "call"}),
        ("crm.task", {"name": "Send the brochure"}),
    ):
        vals = dict(vals, lead_id=lead_id)
        expect_fault(salesman.call, model, "create", dict(vals, partner_id=stranger))
        assert not admin.call(model, "search_count", [("partner_id", "=", stranger)])
        record_id = salesman.call(model, "create", dict(vals, partner_id=person))
        [record] = salesman.call(model, "read", [record_id], ["partner_id", "contact_id"])
        assert (record["partner_id"][0], record["contact_id"][0]) == (customer, person)
        expect_fault(salesman.call, model, "write", [record_id], {"partner_id": stranger})
        [record] = admin.call(model, "read", [record_id], ["partner_id"])
        assert record["partner_id"][0] == customer
        # without a lead, any client
        salesman.call(
            model,
            "write",
            [record_id],
            {"lead_id": False, "partner_id": stranger, "contact_id": False},
        )


def test_line_import_wizard_refuses_foreign_quotation(admin, salesman, salesman_b, expect_fault):
    client_b = _partner(admin, "RPC links import B")
    order_b = _order(salesman_b, client_b)
    data = base64.b64encode(b"Product,Quantity\nX,1\n").decode()
    expect_fault(
        salesman.call,
        "sale.order.line.import",
        "create",
        {"order_id": order_b, "file": data},
        codes=(4,),
    )
    expect_fault(
        salesman.call,
        "sale.order.line.import",
        "create",
        {"file": data},
        context={"default_order_id": order_b},
        codes=(4,),
    )
    own = _order(salesman, _partner(admin, "RPC links import A"))
    wizard_id = salesman.call("sale.order.line.import", "create", {"order_id": own, "file": data})
    expect_fault(
        salesman.call,
        "sale.order.line.import",
        "write",
        [wizard_id],
        {"order_id": order_b},
        codes=(4,),
    )


def test_offer_reject_wizard_refuses_another_companys_quotation(admin, sales_manager, expect_fault):
    company_id = new_company(admin, f"RPC Links Co {os.getpid()}")
    client = _partner(admin, "RPC links elsewhere")
    foreign = admin.call(
        "sale.order",
        "create",
        {"partner_id": client, "company_id": company_id},
        context={"allowed_company_ids": [company_id]},
    )
    expect_fault(
        sales_manager.call,
        "sale.order.offer.reject",
        "create",
        {"order_id": foreign, "reason": "Too cheap"},
        codes=(4,),
    )


@pytest.mark.addon("crm_evaluation_sheet")
def test_line_import_wizard_refuses_foreign_sheet(admin, salesman, salesman_b, expect_fault):
    client_b = _partner(admin, "RPC links sheet B")
    sheet_b = salesman_b.call("crm.evaluation.sheet", "create", {"partner_id": client_b})
    data = base64.b64encode(b"Product,Quantity\nX,1\n").decode()
    expect_fault(
        salesman.call,
        "sale.order.line.import",
        "create",
        {"sheet_id": sheet_b, "file": data},
        codes=(4,),
    )
    sheet_a = salesman.call(
        "crm.evaluation.sheet", "create", {"partner_id": _partner(admin, "RPC links sheet A")}
    )
    wizard_id = salesman.call(
        "sale.order.line.import", "create", {"sheet_id": sheet_a, "file": data}
    )
    expect_fault(
        salesman.call,
        "sale.order.line.import",
        "write",
        [wizard_id],
        {"sheet_id": sheet_b},
        codes=(4,),
    )


@pytest.mark.addon("crm_pricing")
def test_price_list_wizard_refuses_another_companys_records(admin, salesman, expect_fault):
    company_id = new_company(admin, f"RPC Links Pricing Co {os.getpid()}")
    foreign_client = _partner(admin, "RPC links pricing elsewhere", company_id=company_id)
    [company] = admin.call("res.company", "read", [company_id], ["currency_id"])
    foreign_list = admin.call(
        "product.pricelist",
        "create",
        {
            "name": "RPC links elsewhere",
            "currency_id": company["currency_id"][0],
            "company_id": company_id,
        },
    )
    own_client = _partner(admin, "RPC links pricing own")
    own_list = admin.call("product.pricelist", "create", {"name": "RPC links own list"})
    Wizard = "crm.client.pricelist.wizard"
    for vals in (
        {"partner_id": foreign_client, "pricelist_id": own_list},
        {"partner_id": own_client, "company_id": company_id},
        {"partner_id": own_client, "pricelist_id": foreign_list},
    ):
        expect_fault(salesman.call, Wizard, "create", vals, codes=(4,))
    wizard_id = salesman.call(
        Wizard, "create", {"partner_id": own_client, "pricelist_id": own_list}
    )
    for vals in ({"partner_id": foreign_client}, {"company_id": company_id}):
        expect_fault(salesman.call, Wizard, "write", [wizard_id], vals, codes=(4,))
    [wizard] = salesman.call(Wizard, "read", [wizard_id], ["partner_id"])
    assert wizard["partner_id"][0] == own_client
