"""crm_pipeline over XML-RPC: who may hold a step (activate, complete, a plain
write of the step's responsible), be a lead's salesperson, own a task or an
interaction; and get_funnel's arguments as crm_pipeline/readme/USAGE.md names
them. Each refusal is a clean fault 2 naming the user, and writes nothing."""

import datetime
import os

import pytest
from conftest import xmlid_res_id

pytestmark = pytest.mark.addon("crm_pipeline")


def _in(days):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    return when.strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture(scope="module")
def people(admin, make_user):
    """An internal user without Sales rights, a salesperson of another company
    only and an archived salesperson: ``{key: (uid, name)}``."""
    tag = os.getpid()
    clerk = make_user(["base.group_user"], "resp_clerk")
    gone = make_user(["sales_team.group_sale_salesman"], "resp_gone")
    admin.call("res.users", "write", [gone.uid], {"active": False})
    company_id = admin.call("res.company", "create", {"name": f"RPC Other Company {tag}"})
    foreign_id = admin.call(
        "res.users",
        "create",
        {
            "name": f"RPC Foreign {tag}",
            "login": f"rpc_resp_foreign_{tag}",
            "company_id": company_id,
            "company_ids": [(6, 0, [company_id])],
            "groups_id": [(6, 0, [xmlid_res_id(admin, "sales_team.group_sale_salesman")])],
        },
    )
    names = {
        uid: admin.call("res.users", "read", [uid], ["name"], context={"active_test": False})[0][
            "name"
        ]
        for uid in (clerk.uid, gone.uid, foreign_id)
    }
    return {
        "clerk": (clerk.uid, names[clerk.uid]),
        "gone": (gone.uid, names[gone.uid]),
        "foreign": (foreign_id, names[foreign_id]),
    }


def _lead(client, name):
    return client.call(
        "crm.lead", "create", {"name": name, "type": "opportunity", "user_id": client.uid}
    )


def _lead_state(admin, lead_id):
    return admin.call("crm.lead", "read", [lead_id], ["activation_state", "user_id", "company_id"])[
        0
    ]


def test_activate_refuses_a_responsible_without_sales_rights(
    admin, salesman, sales_manager, people, expect_fault
):
    clerk_id, clerk_name = people["clerk"]
    for client in (salesman, sales_manager):
        lead_id = _lead(client, "RPC step for a clerk")
        before = _lead_state(admin, lead_id)
        fault = expect_fault(client.call, "crm.lead", "activate", [lead_id], clerk_id, _in(1))
        assert clerk_name in fault.faultString and "Sales rights" in fault.faultString
        assert _lead_state(admin, lead_id) == before
        assert before["activation_state"] == "inactive"


def test_activate_refuses_a_responsible_of_another_company(
    admin, sales_manager, people, expect_fault
):
    foreign_id, foreign_name = people["foreign"]
    lead_id = _lead(sales_manager, "RPC step abroad")
    before = _lead_state(admin, lead_id)
    assert before["company_id"]
    fault = expect_fault(sales_manager.call, "crm.lead", "activate", [lead_id], foreign_id, _in(1))
    assert f"{foreign_name} has no access to company" in fault.faultString
    assert _lead_state(admin, lead_id) == before
    # nor made the lead's salesperson by a plain write: the lead keeps its company
    fault = expect_fault(
        sales_manager.call, "crm.lead", "write", [lead_id], {"user_id": foreign_id}
    )
    assert f"{foreign_name} has no access to company" in fault.faultString
    assert _lead_state(admin, lead_id) == before


def test_complete_and_write_refuse_such_responsibles(admin, salesman, people, expect_fault):
    lead_id = _lead(salesman, "RPC step handed on")
    salesman.call("crm.lead", "activate", [lead_id], salesman.uid, _in(1))
    step_id = admin.call("crm.lead", "read", [lead_id], ["open_responsibility_id"])[0][
        "open_responsibility_id"
    ][0]
    for key in ("clerk", "foreign", "gone"):
        uid, name = people[key]
        fault = expect_fault(
            salesman.call,
            "crm.lead.responsibility",
            "complete",
            [step_id],
            "next",
            "Met them",
            next_user_id=uid,
            next_deadline=_in(2),
        )
        assert name in fault.faultString
        fault = expect_fault(
            salesman.call, "crm.lead.responsibility", "write", [step_id], {"user_id": uid}
        )
        assert name in fault.faultString
    step = admin.call("crm.lead.responsibility", "read", [step_id], ["state", "user_id"])[0]
    assert (step["state"], step["user_id"][0]) == ("assigned", salesman.uid)


@pytest.mark.parametrize(
    "model, vals",
    [
        ("crm.task", {"name": "RPC call back"}),
        ("crm.interaction", {"interaction_type": "call"}),
    ],
)
def test_task_and_interaction_users(admin, salesman, people, expect_fault, model, vals):
    client_id = admin.call("res.partner", "create", {"name": "RPC client", "is_company": True})
    vals = dict(vals, partner_id=client_id)
    for key, words in (("gone", "(archived)"), ("foreign", "has no access to company")):
        uid, name = people[key]
        fault = expect_fault(salesman.call, model, "create", dict(vals, user_id=uid))
        assert name in fault.faultString and words in fault.faultString
    record_id = salesman.call(model, "create", vals)
    for key in ("gone", "foreign"):
        uid, name = people[key]
        fault = expect_fault(salesman.call, model, "write", [record_id], {"user_id": uid})
        assert name in fault.faultString
    assert admin.call(model, "read", [record_id], ["user_id"])[0]["user_id"][0] == salesman.uid


def test_funnel_arguments(salesman, expect_fault):
    call = salesman.call
    report = "crm.responsibility.report"
    fault = expect_fault(call, report, "get_funnel", user_id="x")
    assert "user_id" in fault.faultString and "salesperson_id" not in fault.faultString
    fault = expect_fault(call, report, "get_funnel", date_from="2026-12-31", date_to="2026-01-01")
    assert "ends before it starts" in fault.faultString
    for kw in ({"date_from": "1800-01-01"}, {"date_to": "2201-01-01"}):
        fault = expect_fault(call, report, "get_funnel", **kw)
        assert "between 1900-01-01 and 2200-12-31" in fault.faultString
    for param in ("user_id", "team_id"):
        fault = expect_fault(call, report, "get_funnel", **{param: 2147483000})
        assert f"Unknown {param} 2147483000" in fault.faultString
    # the README's call still answers
    rows = call(
        report, "get_funnel", date_from="2026-01-01", date_to="2026-12-31", user_id=salesman.uid
    )
    assert rows and {"reached", "moved_on", "conversion", "avg_days"} <= set(rows[0])
