"""The offer step over XML-RPC (crm_pipeline): approval above the company's
limits, Send Offer from the CRM through Odoo's composer, offer lines imported
from a spreadsheet; every refusal a clean fault.

The tests run in a company of their own, so that its approval limits never
touch the quotations of the other tests running on the same database.
"""

import base64
import datetime
import io
import os
import xmlrpc.client

import openpyxl
import pytest
from conftest import xmlid_res_id

pytestmark = pytest.mark.addon("crm_pipeline")


def _b64(text):
    return base64.b64encode(text.encode()).decode()


def _xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return base64.b64encode(out.getvalue()).decode()


@pytest.fixture(scope="module")
def offer(admin, make_sales_company):
    """A company with an approval limit of 10% discount and 5,000 untaxed, a
    salesperson and a sales manager working in it (the leader of its team), a
    client and two products."""
    tag = f"{os.getpid()}"
    company = make_sales_company(
        "Offer", offer_approval_discount=10.0, offer_approval_amount=5000.0
    )
    company_id = company["company_id"]
    if not admin.call("stock.warehouse", "search_count", [("company_id", "=", company_id)]):
        # Odoo's stock makes a warehouse only for the first company on some paths
        admin.call(
            "stock.warehouse",
            "create",
            {"name": f"RPC Offer WH {tag}", "code": "ROFR", "company_id": company_id},
        )
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": f"RPC Offer Client {tag}", "is_company": True, "email": "c@offer.example.com"},
    )
    product_id = admin.call(
        "product.product",
        "create",
        {
            "name": f"RPC Offer Shelf {tag}",
            "default_code": f"RPC-SHELF-{tag}",
            "lst_price": 100.0,
            "taxes_id": [(6, 0, [])],
        },
    )
    bracket_id = admin.call(
        "product.product",
        "create",
        {
            "name": f"RPC Offer Bracket {tag}",
            "default_code": f"RPC-BRK-{tag}",
            "lst_price": 10.0,
            "taxes_id": [(6, 0, [])],
        },
    )
    return {
        "tag": tag,
        "partner_id": partner_id,
        "product_id": product_id,
        "bracket_id": bracket_id,
        **company,
    }


def _order(offer, discount=0.0, qty=1.0, lead_id=None):
    vals = {
        "partner_id": offer["partner_id"],
        "company_id": offer["company_id"],
        "team_id": offer["team_id"],
        "order_line": [
            (
                0,
                0,
                {"product_id": offer["product_id"], "product_uom_qty": qty, "discount": discount},
            )
        ],
    }
    if lead_id:
        vals["opportunity_id"] = lead_id
    return offer["salesman"].call("sale.order", "create", vals)


def _state(client, order_id):
    return client.call("sale.order", "read", [order_id], ["offer_approval_state", "state"])[0]


def test_company_limits_are_checked(admin, offer, expect_fault):
    for vals in (
        {"offer_approval_discount": 101.0},
        {"offer_approval_discount": -5},
        {"offer_approval_amount": -1},
        {"offer_approval_amount": "much"},
        {"offer_approval_amount": 1e13},
    ):
        expect_fault(admin.call, "res.company", "write", [offer["company_id"]], vals)
    # only administrators write the company
    expect_fault(
        offer["manager"].call,
        "res.company",
        "write",
        [offer["company_id"]],
        {"offer_approval_discount": 0},
        codes=(4,),
    )
    values = admin.call(
        "res.company",
        "read",
        [offer["company_id"]],
        ["offer_approval_discount", "offer_approval_amount"],
    )[0]
    assert (values["offer_approval_discount"], values["offer_approval_amount"]) == (10.0, 5000.0)


def test_approval_by_a_sales_manager(offer, expect_fault):
    sales, manager = offer["salesman"], offer["manager"]
    plain = _order(offer, discount=5.0)
    assert _state(sales, plain)["offer_approval_state"] == "not_needed"
    order_id = _order(offer, discount=20.0)
    values = sales.call(
        "sale.order", "read", [order_id], ["offer_approval_state", "offer_approval_reason"]
    )[0]
    assert values["offer_approval_state"] == "to_approve"
    assert "20.00%" in values["offer_approval_reason"]
    # waiting: not sent, not marked sent, not confirmed, not printed
    for method in ("action_quotation_sent", "action_quotation_send", "action_confirm"):
        expect_fault(sales.call, "sale.order", method, [order_id])
    # nor by a plain write of Odoo's state
    for state in ("sent", "sale"):
        expect_fault(sales.call, "sale.order", "write", [order_id], {"state": state})
    assert _state(sales, order_id)["state"] == "draft"
    # the state is the approval's, not the caller's
    expect_fault(
        sales.call, "sale.order", "write", [order_id], {"offer_approval_state": "approved"}
    )
    expect_fault(
        manager.call, "sale.order", "write", [order_id], {"offer_approval_state": "approved"}
    )
    # only a sales manager approves or rejects
    expect_fault(sales.call, "sale.order", "action_approve_offer", [order_id], codes=(4,))
    expect_fault(sales.call, "sale.order", "action_reject_offer", [order_id], "no", codes=(4,))
    for reason in ("", "  ", None, 12, ["x"], {"a": 1}):
        expect_fault(manager.call, "sale.order", "action_reject_offer", [order_id], reason)
    assert manager.call("sale.order", "action_approve_offer", [order_id]) is True
    assert _state(sales, order_id)["offer_approval_state"] == "approved"
    expect_fault(manager.call, "sale.order", "action_approve_offer", [order_id])
    expect_fault(manager.call, "sale.order", "action_approve_offer", [2**31 - 2])
    # a change of the lines asks again
    line_id = sales.call("sale.order", "read", [order_id], ["order_line"])[0]["order_line"][0]
    sales.call("sale.order.line", "write", [line_id], {"product_uom_qty": 2})
    assert _state(sales, order_id)["offer_approval_state"] == "to_approve"
    assert manager.call("sale.order", "action_reject_offer", [order_id], "Too cheap") is True
    assert _state(sales, order_id)["offer_approval_state"] == "rejected"
    expect_fault(sales.call, "sale.order", "action_quotation_sent", [order_id])
    messages = sales.call(
        "mail.message",
        "search_read",
        [("model", "=", "sale.order"), ("res_id", "=", order_id)],
        fields=["body"],
    )
    assert any("Too cheap" in m["body"] for m in messages)
    activities = sales.call(
        "mail.activity",
        "search_read",
        [("res_model", "=", "sale.order"), ("res_id", "=", order_id), ("user_id", "=", sales.uid)],
        fields=["note"],
    )
    assert any("Too cheap" in (a["note"] or "") for a in activities)
    # the salesperson lowers the discount: no approval needed, sent
    sales.call("sale.order.line", "write", [line_id], {"discount": 8.0})
    assert _state(sales, order_id)["offer_approval_state"] == "not_needed"
    assert sales.call("sale.order", "action_quotation_sent", [order_id]) is True
    assert _state(sales, order_id)["state"] == "sent"


def test_amount_limit(offer):
    order_id = _order(offer, qty=51)  # 5,100.00 untaxed
    assert _state(offer["salesman"], order_id)["offer_approval_state"] == "to_approve"


def test_send_offer_from_the_crm_counts_for_the_gate(admin, offer, expect_fault):
    sales, manager = offer["salesman"], offer["manager"]
    lead_id = sales.call(
        "crm.lead",
        "create",
        {
            "name": f"RPC offer lead {offer['tag']}",
            "type": "opportunity",
            "partner_id": offer["partner_id"],
            "company_id": offer["company_id"],
            "user_id": sales.uid,
        },
    )
    expect_fault(sales.call, "crm.lead", "action_send_offer", [lead_id])  # no quotation
    manager.call(
        "crm.lead",
        "activate",
        [lead_id],
        sales.uid,
        (datetime.datetime.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S"),
        responsibility_type_id=xmlid_res_id(
            admin, "crm_pipeline.responsibility_type_offer_negotiation"
        ),
    )
    step_id = sales.call("crm.lead", "read", [lead_id], ["open_responsibility_id"])[0][
        "open_responsibility_id"
    ][0]
    order_id = _order(offer, discount=20.0, lead_id=lead_id)
    expect_fault(sales.call, "crm.lead.responsibility", "action_send_offer", [step_id])
    for bad in (-1, "x", True, 2.5, [order_id]):
        expect_fault(sales.call, "crm.lead", "action_send_offer", [lead_id], order_id=bad)
    other_id = _order(offer)
    expect_fault(sales.call, "crm.lead", "action_send_offer", [lead_id], order_id=other_id)
    manager.call("sale.order", "action_approve_offer", [order_id])
    later = (datetime.datetime.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S")
    expect_fault(
        sales.call,
        "crm.lead.responsibility",
        "complete",
        [step_id],
        "next",
        "Offer sent",
        next_deadline=later,
    )
    action = sales.call("crm.lead.responsibility", "action_send_offer", [step_id])
    assert action["res_model"] == "mail.compose.message"
    assert action["context"]["default_res_ids"] == [order_id]
    assert action["context"]["default_template_id"] == xmlid_res_id(
        admin, "sale.email_template_edi_sale"
    )
    ctx = dict(action["context"])
    if admin.call("ir.actions.report", "get_wkhtmltopdf_state") != "ok":
        # no PDF renderer on this server: the same composer, without the
        # template's PDF (the Odoo tests check the attachment)
        ctx.update(default_template_id=False, default_subject="Offer", default_body="<p>Offer</p>")
    composer_id = sales.models.execute_kw(
        sales.db,
        sales.uid,
        sales.password,
        "mail.compose.message",
        "create",
        [{}],
        {"context": ctx},
    )
    sales.models.execute_kw(
        sales.db,
        sales.uid,
        sales.password,
        "mail.compose.message",
        "action_send_mail",
        [[composer_id]],
        {"context": ctx},
    )
    assert _state(sales, order_id)["state"] == "sent"
    next_id = sales.call(
        "crm.lead.responsibility",
        "complete",
        [step_id],
        "next",
        "Offer sent and accepted",
        next_deadline=later,
    )
    assert isinstance(next_id, int)


def test_import_lines(offer, expect_fault):
    sales = offer["salesman"]
    tag = offer["tag"]
    order_id = _order(offer)
    csv = f"Cod produs;Cantitate;Preț;Capitol\nRPC-BRK-{tag};3;9,5;Montaj\nRPC-SHELF-{tag};1;;\n"
    result = sales.call("sale.order", "action_import_lines", [order_id], _b64(csv), "oferta.csv")
    assert (result["created"], result["sections"]) == (2, 1)
    lines = sales.call(
        "sale.order.line",
        "read",
        result["line_ids"],
        ["display_type", "name", "product_uom_qty", "price_unit"],
    )
    assert lines[0]["display_type"] == "line_section" and lines[0]["name"] == "Montaj"
    assert (lines[1]["product_uom_qty"], lines[1]["price_unit"]) == (3.0, 9.5)
    # Russian headers in an .xlsx file
    data = _xlsx([["Артикул", "Количество"], [f"RPC-BRK-{tag}", 2]])
    result = sales.call("sale.order", "action_import_lines", [order_id], data, "offer.xlsx")
    assert result["created"] == 1
    count = len(sales.call("sale.order", "read", [order_id], ["order_line"])[0]["order_line"])
    # row by row, nothing written
    bad = f"Produs,Cantitate\nRPC-BRK-{tag},1\nNo such product,1\nRPC-BRK-{tag},zero\n"
    fault = expect_fault(
        sales.call, "sale.order", "action_import_lines", [order_id], _b64(bad), "x.csv"
    )
    assert "Row 3" in fault.faultString and "Row 4" in fault.faultString
    assert "Row 2" not in fault.faultString
    for content, name in (
        ("%%%", "x.csv"),
        (None, "x.csv"),
        (_b64("Produs,Cantitate\nx,1\n"), None),
        (_b64("Produs,Cantitate\nx,1\n"), "x.exe"),
        (_b64("a,b\n1,2\n"), "x.csv"),
        (_b64("Produs,Cantitate\n"), "x.csv"),
    ):
        expect_fault(sales.call, "sale.order", "action_import_lines", [order_id], content, name)
    after = len(sales.call("sale.order", "read", [order_id], ["order_line"])[0]["order_line"])
    assert after == count
    # several orders at once, or an unknown one
    other_id = _order(offer)
    expect_fault(
        sales.call, "sale.order", "action_import_lines", [order_id, other_id], _b64(csv), "x.csv"
    )
    expect_fault(sales.call, "sale.order", "action_import_lines", [2**31 - 3], _b64(csv), "x.csv")


def test_import_wizard_and_other_roles(offer, make_user, expect_fault):
    sales = offer["salesman"]
    order_id = _order(offer)
    csv = f"Product,Qty\nRPC-BRK-{offer['tag']},1\n"
    wizard_id = sales.call(
        "sale.order.line.import",
        "create",
        {"order_id": order_id, "file": _b64(csv), "file_name": "x.csv"},
    )
    sales.call("sale.order.line.import", "action_import", [wizard_id])
    lines = sales.call("sale.order", "read", [order_id], ["order_line"])[0]["order_line"]
    assert len(lines) == 2
    # another salesperson (own documents only) neither imports nor approves
    other = make_user(["sales_team.group_sale_salesman"], "offer_other")
    expect_fault(
        other.call,
        "sale.order",
        "action_import_lines",
        [order_id],
        _b64(csv),
        "x.csv",
        codes=(4,),
    )
    employee = make_user(["base.group_user"], "offer_employee")
    expect_fault(employee.call, "sale.order", "action_approve_offer", [order_id], codes=(4,))
    expect_fault(
        employee.call,
        "sale.order.line.import",
        "create",
        {"order_id": order_id, "file": _b64(csv), "file_name": "x.csv"},
        codes=(4,),
    )


@pytest.mark.addon("crm_pipeline", "crm_supply")
def test_a_quotation_waiting_for_approval_is_not_reserved(admin, offer, expect_fault):
    """crm_supply's proforma reservation waits for crm_pipeline's approval too."""
    storable = admin.call(
        "product.product",
        "create",
        {
            "name": f"RPC Offer Storable {offer['tag']}",
            "is_storable": True,
            "lst_price": 100.0,
            "taxes_id": [(6, 0, [])],
        },
    )
    order_id = offer["salesman"].call(
        "sale.order",
        "create",
        {
            "partner_id": offer["partner_id"],
            "company_id": offer["company_id"],
            "team_id": offer["team_id"],
            "order_line": [(0, 0, {"product_id": storable, "product_uom_qty": 1, "discount": 30})],
        },
    )
    assert _state(offer["salesman"], order_id)["offer_approval_state"] == "to_approve"
    fault = expect_fault(offer["salesman"].call, "sale.order", "action_reserve_stock", [order_id])
    assert "reserved as a proforma" in fault.faultString
    assert not admin.call("sale.stock.reservation", "search", [("order_id", "=", order_id)])
    assert offer["manager"].call("sale.order", "action_approve_offer", [order_id]) is True
    # approved: what is left to say is the stock's (none here), not the approval's
    try:
        offer["salesman"].call("sale.order", "action_reserve_stock", [order_id])
    except xmlrpc.client.Fault as fault:
        assert fault.faultCode == 2, fault.faultString
        assert "approv" not in fault.faultString, fault.faultString
