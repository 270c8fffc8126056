"""Bypasses tried as an integration partner would: over XML-RPC, with a
salesperson's, a plain employee's and a portal user's credentials.

Each test asserts a clean refusal (the ``expect_fault`` fixture: fault code 2 for a ``UserError`` or
``ValidationError``, 3 or 4 for access) and that nothing changed. Each addon's
section carries its own ``addon`` marker, so a run limited to some addons only
runs their sections. See the README's "Security model" section.
"""

import datetime

import pytest
from conftest import xmlid_res_id

# ---------------------------------------------------------------------------
# crm_pipeline
# ---------------------------------------------------------------------------


def _in(days):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    return when.strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def open_step(admin, salesman):
    """A lead of the salesperson, activated: (lead id, open responsibility id)."""
    lead_id = admin.call(
        "crm.lead", "create", {"name": "Bypass RPC lead", "type": "opportunity", "user_id": False}
    )
    salesman.call("crm.lead", "activate", [lead_id], salesman.uid, _in(1))
    resp_id = salesman.call("crm.lead", "read", [lead_id], ["open_responsibility_id"])[0][
        "open_responsibility_id"
    ][0]
    return lead_id, resp_id


STEP_FIELDS = ["lead_id", "type_id", "state", "summary", "date_closed"]


@pytest.mark.addon("crm_pipeline")
def test_pipeline_steps_move_only_through_their_methods(
    admin, salesman, sales_manager, open_step, expect_fault
):
    lead_id, resp_id = open_step
    before = admin.call("crm.lead.responsibility", "read", [resp_id], STEP_FIELDS)
    contracting = xmlid_res_id(admin, "crm_pipeline.responsibility_type_contracting")
    for client in (salesman, sales_manager):
        for vals in (
            {"type_id": contracting},
            {"state": "done"},
            {"summary": "Done, trust me"},
            {"lead_id": lead_id},
        ):
            expect_fault(client.call, "crm.lead.responsibility", "write", [resp_id], vals)
        # a context key is no way around it
        expect_fault(
            client.call,
            "crm.lead.responsibility",
            "write",
            [resp_id],
            {"state": "done"},
            context={"crm_pipeline_guard": True, "crm_pipeline_activation": True},
        )
        expect_fault(
            client.call,
            "crm.lead.responsibility",
            "create",
            {"lead_id": lead_id, "type_id": contracting, "user_id": client.uid, "deadline": _in(1)},
        )
    assert admin.call("crm.lead.responsibility", "read", [resp_id], STEP_FIELDS) == before


@pytest.mark.addon("crm_pipeline")
def test_pipeline_activation_guards(admin, salesman, employee, portal, expect_fault):
    lead_id = admin.call(
        "crm.lead",
        "create",
        {"name": "Bypass RPC inactive", "type": "opportunity", "user_id": False},
    )
    contracting = xmlid_res_id(admin, "crm_pipeline.responsibility_type_contracting")
    # the chain starts at its first step for salespeople
    expect_fault(
        salesman.call,
        "crm.lead",
        "activate",
        [lead_id],
        salesman.uid,
        _in(1),
        responsibility_type_id=contracting,
        codes=(4,),
    )
    expect_fault(
        salesman.call,
        "crm.lead",
        "write",
        [lead_id],
        {"activation_state": "active"},
        context={"crm_pipeline_activation": True},
    )
    # neither an employee nor a portal user reaches leads at all
    for client in (employee, portal):
        expect_fault(
            client.call, "crm.lead", "activate", [lead_id], client.uid, _in(1), codes=(3, 4)
        )
    # bad input: a clean refusal, never a traceback
    for args in (
        (salesman.uid, "not a date"),
        (salesman.uid, 20301231),
        ([salesman.uid, admin.uid], _in(1)),
        (str(salesman.uid), _in(1)),
    ):
        expect_fault(salesman.call, "crm.lead", "activate", [lead_id], *args)
    lead = admin.call("crm.lead", "read", [lead_id], ["activation_state", "responsibility_ids"])[0]
    assert (lead["activation_state"], lead["responsibility_ids"]) == ("inactive", [])


@pytest.mark.addon("crm_pipeline")
def test_pipeline_complete_bad_input(admin, salesman, open_step, expect_fault):
    _lead_id, resp_id = open_step
    for args, kw in (
        (("next", "Sum"), {"next_deadline": "x"}),
        (("next", "Sum"), {"next_deadline": 5}),
        (("next", "Sum"), {"next_deadline": _in(1), "next_user_id": [1, 2]}),
        ((7, "Sum"), {}),
        (("refused", "No"), {"lost_reason_id": "Too expensive"}),
    ):
        expect_fault(salesman.call, "crm.lead.responsibility", "complete", [resp_id], *args, **kw)
    state = admin.call("crm.lead.responsibility", "read", [resp_id], ["state"])[0]["state"]
    assert state == "assigned"


@pytest.mark.addon("crm_pipeline")
def test_pipeline_won_lost_close_the_chain(admin, salesman, open_step):
    lead_id, resp_id = open_step
    assert salesman.call("crm.lead", "action_set_won", [lead_id]) is True
    resp = admin.call("crm.lead.responsibility", "read", [resp_id], ["state"])[0]
    assert resp["state"] == "done"


@pytest.mark.addon("crm_pipeline")
def test_pipeline_lost_lead_won_stays_active(admin, salesman, open_step):
    """Odoo's Won button on a lost lead: won and Active, not back to Inactive."""
    lead_id, resp_id = open_step
    reason_id = admin.call("crm.lost.reason", "create", {"name": "RPC lost then won"})
    salesman.call("crm.lead", "action_set_lost", [lead_id], lost_reason_id=reason_id)
    assert salesman.call("crm.lead", "action_set_won", [lead_id]) is True
    fields = ["active", "activation_state", "probability"]
    lead = admin.call("crm.lead", "read", [lead_id], fields)[0]
    assert [lead[f] for f in fields] == [True, "active", 100]
    resp = admin.call("crm.lead.responsibility", "read", [resp_id], ["state"])[0]
    assert resp["state"] == "cancelled"


@pytest.mark.addon("crm_pipeline")
def test_pipeline_merge_into_an_inactive_lead_keeps_the_step(admin, salesman, open_step):
    """Odoo's merge makes the most confident lead the survivor: one not yet
    activated takes over the merged lead's open step and is Active."""
    lead_id, resp_id = open_step
    head_id = admin.call(
        "crm.lead",
        "create",
        {"name": "RPC merge head", "type": "opportunity", "user_id": salesman.uid},
    )
    admin.call("crm.lead", "write", [head_id], {"probability": 95})
    admin.call("crm.lead", "write", [lead_id], {"probability": 5})
    # the web client's Merge (Odoo's merge_opportunity returns a record: not
    # for XML-RPC)
    wizard_id = salesman.call(
        "crm.merge.opportunity",
        "create",
        {"opportunity_ids": [(6, 0, [head_id, lead_id])], "user_id": salesman.uid},
    )
    action = salesman.call("crm.merge.opportunity", "action_merge", [wizard_id])
    assert action["res_id"] == head_id
    assert not admin.call(
        "crm.lead", "search", [("id", "=", lead_id)], context={"active_test": False}
    )
    head = admin.call("crm.lead", "read", [head_id], ["activation_state", "open_responsibility_id"])
    assert (head[0]["activation_state"], head[0]["open_responsibility_id"][0]) == (
        "active",
        resp_id,
    )


@pytest.mark.addon("crm_pipeline")
def test_pipeline_manager_corrects_with_a_reason(
    admin, salesman, sales_manager, open_step, expect_fault
):
    lead_id, resp_id = open_step
    meeting = xmlid_res_id(admin, "crm_pipeline.responsibility_type_meeting_evaluation")
    expect_fault(
        salesman.call,
        "crm.lead.responsibility",
        "action_correct_type",
        [resp_id],
        meeting,
        "Met at the fair",
        codes=(4,),
    )
    assert sales_manager.call(
        "crm.lead.responsibility", "action_correct_type", [resp_id], meeting, "Met at the fair"
    )
    resp = admin.call("crm.lead.responsibility", "read", [resp_id], ["type_id", "state"])[0]
    assert (resp["type_id"][0], resp["state"]) == (meeting, "assigned")
    messages = admin.call(
        "mail.message",
        "search_read",
        [("model", "=", "crm.lead"), ("res_id", "=", lead_id)],
        fields=["body"],
    )
    assert any("Met at the fair" in m["body"] for m in messages)


@pytest.mark.addon("crm_pipeline")
def test_pipeline_complete_wizard_of_another_salesperson(salesman_b, open_step, expect_fault):
    _lead_id, resp_id = open_step
    expect_fault(
        salesman_b.call,
        "crm.lead.responsibility.complete.wizard",
        "create",
        {"responsibility_id": resp_id, "summary": "peek"},
        codes=(4,),
    )


@pytest.mark.addon("crm_pipeline")
def test_pipeline_interactions_and_tasks_on_another_salespersons_lead(
    admin, salesman_b, open_step, expect_fault
):
    lead_id, _resp_id = open_step
    expect_fault(
        salesman_b.call,
        "crm.interaction",
        "create",
        {"lead_id": lead_id, "interaction_type": "call"},
        codes=(3, 4),
    )
    expect_fault(
        salesman_b.call, "crm.task", "create", {"name": "Peek", "lead_id": lead_id}, codes=(3, 4)
    )
    assert not admin.call("crm.interaction", "search", [("lead_id", "=", lead_id)])
    assert not admin.call("crm.task", "search", [("lead_id", "=", lead_id)])


@pytest.mark.addon("crm_pipeline")
def test_pipeline_bad_durations(admin, salesman, expect_fault):
    partner_id = admin.call("res.partner", "create", {"name": "Duration RPC client"})
    interaction_id = salesman.call(
        "crm.interaction", "create", {"partner_id": partner_id, "duration": 1.0}
    )
    for value in (-1, 1e308, "2", [1, 2]):
        expect_fault(
            salesman.call,
            "crm.interaction",
            "create",
            {"partner_id": partner_id, "duration": value},
        )
        expect_fault(
            salesman.call, "crm.interaction", "write", [interaction_id], {"duration": value}
        )
    assert (
        salesman.call("crm.interaction", "read", [interaction_id], ["duration"])[0]["duration"]
        == 1.0
    )
    assert salesman.call("crm.interaction", "search_count", [("partner_id", "=", partner_id)]) == 1


# (end of crm_pipeline)

# ---------------------------------------------------------------------------
# crm_evaluation_sheet
# ---------------------------------------------------------------------------


@pytest.fixture
def finalized_sheet(admin, salesman):
    partner_id = admin.call("res.partner", "create", {"name": "Bypass sheet customer"})
    product_id = admin.call("product.product", "create", {"name": "Bypass item", "lst_price": 10})
    sheet_id = salesman.call(
        "crm.evaluation.sheet",
        "create",
        {
            "partner_id": partner_id,
            "line_ids": [(0, 0, {"product_id": product_id, "product_uom_qty": 2})],
        },
    )
    salesman.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    return sheet_id, product_id


SHEET_FIELDS = ["state", "partner_id", "pricelist_id", "date", "amount_total"]


@pytest.mark.addon("crm_evaluation_sheet")
def test_sheet_state_and_finalized_prices(admin, salesman, finalized_sheet, expect_fault):
    sheet_id, product_id = finalized_sheet
    before = admin.call("crm.evaluation.sheet", "read", [sheet_id], SHEET_FIELDS)
    other_id = admin.call("res.partner", "create", {"name": "Other bypass customer"})
    for vals in (
        {"state": "draft"},
        {"partner_id": other_id},
        {"date": "2020-01-01"},
        {"line_ids": [(0, 0, {"product_id": product_id, "product_uom_qty": 1})]},
    ):
        expect_fault(salesman.call, "crm.evaluation.sheet", "write", [sheet_id], vals)
    line_ids = admin.call("crm.evaluation.sheet", "read", [sheet_id], ["line_ids"])[0]["line_ids"]
    expect_fault(
        salesman.call, "crm.evaluation.sheet.line", "write", line_ids, {"product_uom_qty": 99}
    )
    expect_fault(
        salesman.call,
        "crm.evaluation.sheet",
        "create",
        {"partner_id": other_id, "state": "finalized"},
        context={"crm_evaluation_sheet_guard": True},
    )
    assert admin.call("crm.evaluation.sheet", "read", [sheet_id], SHEET_FIELDS) == before


@pytest.mark.addon("crm_evaluation_sheet")
def test_sheet_bad_quantities(admin, salesman, finalized_sheet, expect_fault):
    _sheet_id, product_id = finalized_sheet
    partner_id = admin.call("res.partner", "create", {"name": "Bad quantity customer"})
    for qty in (-1, 1e308, float("nan"), "12"):
        expect_fault(
            salesman.call,
            "crm.evaluation.sheet",
            "create",
            {
                "partner_id": partner_id,
                "line_ids": [(0, 0, {"product_id": product_id, "product_uom_qty": qty})],
            },
        )
    assert not admin.call("crm.evaluation.sheet", "search", [("partner_id", "=", partner_id)])


@pytest.mark.addon("crm_evaluation_sheet")
def test_sheet_revision_fields(admin, salesman, employee, portal, finalized_sheet, expect_fault):
    sheet_id, _product_id = finalized_sheet
    order_id = salesman.call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])[
        "res_id"
    ]
    fields = ["revision_number", "revision_of_id", "evaluation_sheet_id"]
    before = admin.call("sale.order", "read", [order_id], fields)
    for vals in (
        {"revision_number": 5},
        {"revision_of_id": order_id},
        {"evaluation_sheet_id": False},
    ):
        expect_fault(salesman.call, "sale.order", "write", [order_id], vals)
    for client in (employee, portal):
        expect_fault(client.call, "sale.order", "action_revise", [order_id], codes=(3, 4))
    assert admin.call("sale.order", "read", [order_id], fields) == before


# (end of crm_evaluation_sheet)

# ---------------------------------------------------------------------------
# crm_pricing
# ---------------------------------------------------------------------------


@pytest.mark.addon("crm_pricing")
def test_pricing_turnover_confidential(
    admin, make_user, salesman, employee, make_turnover_client, expect_fault
):
    partner_id, _product_id = make_turnover_client("Bypass turnover client", 1, 5000.0)
    admin.call("res.partner", "write", [partner_id], {"user_id": salesman.uid})
    owner = salesman.call("res.partner", "get_trade_turnover", [partner_id])
    assert owner["amount"] == 5000.0
    other = make_user(["sales_team.group_sale_salesman"], "turnover_other")
    for client in (other, employee):
        expect_fault(client.call, "res.partner", "get_trade_turnover", [partner_id], codes=(4,))
        expect_fault(
            client.call, "res.partner", "action_view_trade_turnover", [partner_id], codes=(4,)
        )
    rows = other.call(
        "crm.turnover.report", "search_read", [("partner_id", "=", partner_id)], fields=["amount"]
    )
    assert rows == []
    expect_fault(employee.call, "crm.turnover.report", "search_read", [], codes=(4,))
    accountant = make_user(["account.group_account_invoice"], "turnover_accountant")
    assert accountant.call("res.partner", "get_trade_turnover", [partner_id])["amount"] == 5000.0
    for kw in ({"date": "x"}, {"date": 20260101}, {"company_id": [1]}):
        expect_fault(salesman.call, "res.partner", "get_trade_turnover", [partner_id], **kw)


@pytest.mark.addon("crm_pricing")
def test_pricing_explanations_internal(admin, salesman, portal, make_turnover_client, expect_fault):
    partner_id, product_id = make_turnover_client("Bypass explained client", 1, 5000.0)
    pricelist_id = admin.call("product.pricelist", "create", {"name": "Bypass tiers"})
    admin.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist_id,
            "pricing_label": "Secret tier",
            "compute_price": "percentage",
            "percent_price": 10.0,
            "turnover_period": "year",
            "turnover_period_ref": "current",
            "min_turnover": 1000.0,
        },
    )
    order_id = admin.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "pricelist_id": pricelist_id,
            "user_id": salesman.uid,
            "order_line": [(0, 0, {"product_id": product_id})],
        },
    )
    line = salesman.call(
        "sale.order.line",
        "search_read",
        [("order_id", "=", order_id)],
        fields=["pricing_explanation"],
    )[0]
    assert "Secret tier" in line["pricing_explanation"]
    expect_fault(
        portal.call,
        "sale.order.line",
        "read",
        [line["id"]],
        ["pricing_explanation"],
        codes=(3, 4),
    )


@pytest.mark.addon("crm_pricing")
def test_pricing_no_vip_price_by_context(admin, salesman, make_turnover_client):
    vip_id, product_id = make_turnover_client("Bypass VIP", 1, 100.0)
    other_id, _ = make_turnover_client("Bypass ordinary", 1, 100.0)
    pricelist_id = admin.call("product.pricelist", "create", {"name": "Bypass VIP prices"})
    admin.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist_id,
            "partner_id": vip_id,
            "compute_price": "percentage",
            "percent_price": 40.0,
        },
    )
    order_id = salesman.call(
        "sale.order",
        "create",
        {"partner_id": other_id, "pricelist_id": pricelist_id, "user_id": salesman.uid},
    )
    line_id = salesman.call(
        "sale.order.line",
        "create",
        {"order_id": order_id, "product_id": product_id},
        context={"crm_pricing_partner_id": vip_id},
    )
    line = salesman.call("sale.order.line", "read", [line_id], ["price_unit", "discount"])[0]
    assert (line["price_unit"], line["discount"]) == (100.0, 0.0)


@pytest.mark.addon("crm_pricing")
def test_pricing_bad_rules(admin, sales_manager, expect_fault):
    pricelist_id = admin.call("product.pricelist", "create", {"name": "Bypass bad rules"})
    client_id = admin.call("res.partner", "create", {"name": "Bypass bad rules client"})
    for vals in (
        # a conditional rule's discount stays within 0-100 % (Odoo's own rules
        # are checked as Odoo checks them)
        {"compute_price": "percentage", "percent_price": 150.0, "partner_id": client_id},
        {
            "compute_price": "percentage",
            "percent_price": 10.0,
            "turnover_period": "year",
            "min_turnover": -1.0,
        },
        {"compute_price": "percentage", "percent_price": 10.0, "turnover_period": "year"},
        {"compute_price": "percentage", "percent_price": float("nan")},
    ):
        expect_fault(
            sales_manager.call,
            "product.pricelist.item",
            "create",
            dict(vals, pricelist_id=pricelist_id),
        )
    assert (
        admin.call("product.pricelist.item", "search_count", [("pricelist_id", "=", pricelist_id)])
        == 0
    )


# (end of crm_pricing)
