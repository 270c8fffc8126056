"""Review fixes of crm_pipeline over XML-RPC: an offer's approval covers its
client; one meaning of an overdue responsibility for its filter, its field, the
board's report and the responsible's activity; moving a task off a lead needs
write access on that lead.

The offer tests run in a company of their own, so that its approval limits
never touch the quotations of the other tests running on the same database.
"""

import datetime
import os
import zoneinfo

import pytest

pytestmark = pytest.mark.addon("crm_pipeline")


@pytest.fixture(scope="module")
def offer_company(admin, make_user):
    """A company asking approval above a 10% discount, a salesperson and a
    sales manager (the leader of its team) working in it, two clients (one
    with a contact person) and a product at 100.00."""
    tag = f"{os.getpid()}"
    company_id = admin.call("res.company", "create", {"name": f"RPC Review Co {tag}"})
    admin.call("res.company", "write", [company_id], {"offer_approval_discount": 10.0})
    admin.call("res.users", "write", [admin.uid], {"company_ids": [(4, company_id)]})
    users = {}
    for role, groups in (
        ("salesman", ["sales_team.group_sale_salesman"]),
        ("manager", ["sales_team.group_sale_manager"]),
    ):
        client = make_user(groups, f"review_{role}")
        admin.call(
            "res.users",
            "write",
            [client.uid],
            {"company_ids": [(4, company_id)], "company_id": company_id},
        )
        users[role] = client
    team_id = admin.call(
        "crm.team",
        "create",
        {
            "name": f"RPC Review Team {tag}",
            "company_id": company_id,
            "user_id": users["manager"].uid,
        },
    )
    client_id = admin.call(
        "res.partner", "create", {"name": f"RPC Review Client {tag}", "is_company": True}
    )
    person_id = admin.call(
        "res.partner",
        "create",
        {"name": f"RPC Review Buyer {tag}", "parent_id": client_id, "type": "contact"},
    )
    other_id = admin.call(
        "res.partner", "create", {"name": f"RPC Review Other {tag}", "is_company": True}
    )
    product_id = admin.call(
        "product.product",
        "create",
        {"name": f"RPC Review Shelf {tag}", "lst_price": 100.0, "taxes_id": [(6, 0, [])]},
    )
    return {
        "company_id": company_id,
        "team_id": team_id,
        "client_id": client_id,
        "person_id": person_id,
        "other_id": other_id,
        "product_id": product_id,
        **users,
    }


def _approval(client, order_id):
    return client.call("sale.order", "read", [order_id], ["offer_approval_state"])[0][
        "offer_approval_state"
    ]


def test_a_change_of_client_asks_for_approval_again(offer_company, expect_fault):
    sales, manager = offer_company["salesman"], offer_company["manager"]
    order_id = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": offer_company["client_id"],
            "company_id": offer_company["company_id"],
            "team_id": offer_company["team_id"],
            "order_line": [(0, 0, {"product_id": offer_company["product_id"], "discount": 20.0})],
        },
    )
    assert _approval(sales, order_id) == "to_approve"
    assert manager.call("sale.order", "action_approve_offer", [order_id]) is True
    # another contact of the same company: the same client, still approved
    sales.call("sale.order", "write", [order_id], {"partner_id": offer_company["person_id"]})
    assert _approval(sales, order_id) == "approved"
    # another client: the approval was not given for them
    sales.call("sale.order", "write", [order_id], {"partner_id": offer_company["other_id"]})
    assert _approval(sales, order_id) == "to_approve"
    expect_fault(sales.call, "sale.order", "action_quotation_sent", [order_id])
    assert manager.call("sale.order", "action_approve_offer", [order_id]) is True
    assert _approval(sales, order_id) == "approved"


def test_overdue_is_one_thing(admin, make_user):
    """The last second of yesterday and the first of today in the
    responsible's time zone: the filter's field, the board's report and the
    responsible's to-do agree."""
    responsible = make_user(["sales_team.group_sale_salesman"], "review_tokyo")
    admin.call("res.users", "write", [responsible.uid], {"tz": "Asia/Tokyo"})
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    today = datetime.datetime.now(tokyo).date()
    midnight = (
        datetime.datetime.combine(today, datetime.time.min, tokyo)
        .astimezone(datetime.timezone.utc)
        .replace(tzinfo=None)
    )
    responsibilities = {}
    for name, deadline in (
        ("late", midnight - datetime.timedelta(seconds=1)),
        ("due today", midnight),
    ):
        lead_id = admin.call(
            "crm.lead",
            "create",
            {"name": f"RPC overdue {name} {os.getpid()}", "user_id": responsible.uid},
        )
        admin.call(
            "crm.lead",
            "activate",
            [lead_id],
            responsible.uid,
            deadline.strftime("%Y-%m-%d %H:%M:%S"),
        )
        [resp] = admin.call(
            "crm.lead.responsibility",
            "search_read",
            [("lead_id", "=", lead_id)],
            fields=["is_overdue", "activity_id"],
        )
        responsibilities[name] = resp
    ids = [resp["id"] for resp in responsibilities.values()]
    for user in (admin, responsible):
        filtered = user.call(
            "crm.lead.responsibility", "search", [("id", "in", ids), ("is_overdue", "=", True)]
        )
        reported = user.call(
            "crm.responsibility.report",
            "search_read",
            [("responsibility_id", "in", ids)],
            fields=["responsibility_id", "is_overdue"],
        )
        reported = {row["responsibility_id"][0]: row["is_overdue"] for row in reported}
        for name, resp in responsibilities.items():
            overdue = name == "late"
            [activity] = admin.call("mail.activity", "read", [resp["activity_id"][0]], ["state"])
            assert resp["is_overdue"] is overdue, name
            assert (resp["id"] in filtered) is overdue, name
            assert reported[resp["id"]] is overdue, name
            assert (activity["state"] == "overdue") is overdue, name


def test_an_assignee_does_not_move_a_task_off_the_lead(admin, make_user, expect_fault):
    owner = make_user(["sales_team.group_sale_salesman"], "review_owner")
    assignee = make_user(["sales_team.group_sale_salesman"], "review_assignee")
    client_id = admin.call(
        "res.partner", "create", {"name": f"RPC Move Client {os.getpid()}", "is_company": True}
    )
    leads = {}
    for who, user in (("owner", owner), ("owner 2", owner), ("assignee", assignee)):
        leads[who] = admin.call(
            "crm.lead",
            "create",
            {
                "name": f"RPC move, {who}",
                "partner_id": client_id,
                "user_id": user.uid,
                "type": "opportunity",
            },
        )
    task_id = owner.call(
        "crm.task",
        "create",
        {"name": "Sample", "lead_id": leads["owner"], "user_id": assignee.uid},
    )
    for lead_id in (leads["assignee"], False):
        expect_fault(
            assignee.call, "crm.task", "write", [task_id], {"lead_id": lead_id}, codes=(4,)
        )
    expect_fault(
        assignee.call,
        "crm.lead",
        "write",
        [leads["assignee"]],
        {"crm_task_ids": [(4, task_id)]},
        codes=(4,),
    )
    # no such lead: a clean refusal
    expect_fault(owner.call, "crm.task", "write", [task_id], {"lead_id": 2**31 - 2}, codes=(2, 4))
    assert (
        owner.call("crm.task", "read", [task_id], ["lead_id"])[0]["lead_id"][0] == (leads["owner"])
    )
    # the assignee works it; its owner moves it between their leads
    assert assignee.call("crm.task", "action_start", [task_id]) is True
    owner.call("crm.task", "write", [task_id], {"lead_id": leads["owner 2"]})
    assert (
        owner.call("crm.task", "read", [task_id], ["lead_id"])[0]["lead_id"][0]
        == (leads["owner 2"])
    )
