"""A salesperson finishes Contracting over XML-RPC (crm_finance_cashflow): the
gate says what they can do (draft the contract, request its activation from
the leader of the lead's sales team), the request is an activity for that
leader, who activates the contract, and the step moves on."""

import datetime

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")


@pytest.fixture(scope="module")
def contracting(admin, make_sales_company, make_user):
    """A company with a salesperson in the team led by a sales manager, a
    client, and ``lead(team_id)``: a lead of the salesperson at Contracting."""
    company = make_sales_company("Activation")
    admin.call(
        "crm.team", "write", [company["team_id"]], {"member_ids": [(4, company["salesman"].uid)]}
    )
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": "RPC Activation Client", "is_company": True, "company_id": company["company_id"]},
    )
    contracting_type_id = admin.call(
        "crm.responsibility.type", "search", [("kind", "=", "contracting")]
    )[0]

    def lead(team_id):
        lead_id = admin.call(
            "crm.lead",
            "create",
            {
                "name": "RPC Activation Lead",
                "partner_id": partner_id,
                "type": "opportunity",
                "company_id": company["company_id"],
                "team_id": team_id,
            },
        )
        tomorrow = datetime.date.today() + datetime.timedelta(days=1)
        admin.call(
            "crm.lead",
            "activate",
            [lead_id],
            company["salesman"].uid,
            f"{tomorrow} 09:00:00",
            responsibility_type_id=contracting_type_id,
        )
        return lead_id

    return dict(company, partner_id=partner_id, lead=lead)


def _draft(salesman, lead_id):
    [lead] = salesman.call("crm.lead", "read", [lead_id], ["open_responsibility_id"])
    resp_id = lead["open_responsibility_id"][0]
    context = salesman.call("crm.lead.responsibility", "action_new_contract", [resp_id])["context"]
    line = {
        "name": "Racking",
        "quantity": 1,
        "price_unit": 100.0,
        "recurrence": "one_off",
        "date_start": context["default_date_start"],
    }
    contract_id = salesman.call(
        "crm.contract", "create", {"line_ids": [(0, 0, line)]}, context=context
    )
    return resp_id, contract_id


def test_salesperson_requests_the_activation(contracting, expect_fault):
    salesman, manager = contracting["salesman"], contracting["manager"]
    lead_id = contracting["lead"](contracting["team_id"])
    [lead] = salesman.call("crm.lead", "read", [lead_id], ["open_responsibility_id", "team_id"])
    assert lead["team_id"][0] == contracting["team_id"]
    resp_id = lead["open_responsibility_id"][0]
    fault = expect_fault(
        salesman.call, "crm.lead.responsibility", "complete", [resp_id], "next", "Signed"
    )
    assert "Request Activation" in fault.faultString
    manager_name = manager.call("res.users", "read", [manager.uid], ["name"])[0]["name"]
    assert manager_name in fault.faultString
    resp_id, contract_id = _draft(salesman, lead_id)
    expect_fault(salesman.call, "crm.contract", "action_activate", [contract_id], codes=(4,))
    assert salesman.call("crm.contract", "action_request_activation", [contract_id]) is True
    requests = manager.call(
        "mail.activity",
        "search_read",
        [("res_model", "=", "crm.contract"), ("res_id", "=", contract_id)],
        ["user_id", "activity_type_id"],
    )
    assert [r["user_id"][0] for r in requests] == [manager.uid]
    fault = expect_fault(salesman.call, "crm.contract", "action_request_activation", [contract_id])
    assert "already requested" in fault.faultString
    assert manager.call("crm.contract", "action_activate", [contract_id]) is True
    assert not manager.call(
        "mail.activity",
        "search",
        [("res_model", "=", "crm.contract"), ("res_id", "=", contract_id)],
    )
    assert salesman.call("crm.lead.responsibility", "complete", [resp_id], "next", "Signed") is True


def test_nobody_to_ask(admin, contracting, expect_fault):
    """A team without leader: the gate and the request say to ask a sales
    manager or a billing user; nothing is scheduled."""
    team_id = admin.call(
        "crm.team",
        "create",
        {
            "name": "RPC Activation Leaderless Team",
            "company_id": contracting["company_id"],
            "user_id": False,
            "member_ids": [(4, contracting["salesman"].uid)],
        },
    )
    salesman = contracting["salesman"]
    lead_id = contracting["lead"](team_id)
    [lead] = salesman.call("crm.lead", "read", [lead_id], ["open_responsibility_id"])
    fault = expect_fault(
        salesman.call,
        "crm.lead.responsibility",
        "complete",
        [lead["open_responsibility_id"][0]],
        "next",
        "Signed",
    )
    assert "ask a sales manager or a billing user" in fault.faultString
    _resp_id, contract_id = _draft(salesman, lead_id)
    fault = expect_fault(salesman.call, "crm.contract", "action_request_activation", [contract_id])
    assert "Nobody to ask" in fault.faultString
    assert not admin.call(
        "mail.activity",
        "search",
        [("res_model", "=", "crm.contract"), ("res_id", "=", contract_id)],
    )
    # a sales manager activates contracts: no request, Activate
    fault = expect_fault(
        contracting["manager"].call, "crm.contract", "action_request_activation", [contract_id]
    )
    assert "You activate contracts yourself" in fault.faultString
