"""crm_pipeline's boards, campaigns and competitors over XML-RPC: the calls in
crm_pipeline/readme/USAGE.md ("Boards, funnel, campaigns and competitors")."""

import os
import xmlrpc.client

import pytest

pytestmark = pytest.mark.addon("crm_pipeline")


def test_competitor_lost_deal(admin, salesman, salesman_b):
    tag = os.getpid()
    competitor_id = salesman.call(
        "crm.competitor", "create", {"name": f"RPC RackMaster {tag}", "strengths": "Price"}
    )
    lead_id = salesman.call(
        "crm.lead",
        "create",
        {
            "name": "RPC deal lost to a competitor",
            "type": "opportunity",
            "user_id": salesman.uid,
            "expected_revenue": 1200.0,
            "competitor_ids": [(4, competitor_id)],
        },
    )
    reason_id = admin.call("crm.lost.reason", "create", {"name": f"RPC price {tag}"})
    salesman.call("crm.lead", "write", [lead_id], {"lost_competitor_id": competitor_id})
    salesman.call("crm.lead", "action_set_lost", [lead_id], lost_reason_id=reason_id)
    figures = salesman.call(
        "crm.competitor", "read", [competitor_id], ["lead_count", "lost_count", "lost_amount"]
    )[0]
    assert (figures["lead_count"], figures["lost_count"], figures["lost_amount"]) == (
        1,
        1,
        1200.0,
    )
    # another salesperson counts only the deals they can see
    other = salesman_b.call("crm.competitor", "read", [competitor_id], ["lost_count"])[0]
    assert other["lost_count"] == 0


def test_campaign_figures(admin, sales_manager):
    campaign_id = sales_manager.call(
        "utm.campaign",
        "create",
        {"title": "RPC fair", "budget": 1000.0, "actual_cost": 500.0, "expected_revenue": 3000.0},
    )
    sales_manager.call(
        "crm.lead",
        "create",
        {"name": "RPC campaign response", "campaign_id": campaign_id},
    )
    row = sales_manager.call(
        "utm.campaign",
        "read",
        [campaign_id],
        ["response_count", "sale_count", "revenue", "roi", "expected_roi"],
    )[0]
    assert row["response_count"] == 1
    assert row["sale_count"] == 0
    assert row["expected_roi"] == 200.0
    assert row["roi"] == -100.0
    with pytest.raises(xmlrpc.client.Fault) as info:
        sales_manager.call("utm.campaign", "write", [campaign_id], {"budget": -5})
    assert info.value.faultCode == 2
    budget = sales_manager.call("utm.campaign", "read", [campaign_id], ["budget"])[0]["budget"]
    assert budget == 1000


def test_funnel(salesman, expect_fault):
    rows = salesman.call("crm.responsibility.report", "get_funnel", user_id=salesman.uid)
    assert [r["name"] for r in rows][:1] == ["Contact prospect"]
    assert {"reached", "moved_on", "conversion", "avg_days"} <= set(rows[0])
    expect_fault(salesman.call, "crm.responsibility.report", "get_funnel", date_from="x")
    expect_fault(salesman.call, "crm.responsibility.report", "get_funnel", user_id=[1, 2])


def test_results_hidden_from_employees(admin, employee):
    campaign_id = admin.call("utm.campaign", "create", {"title": "RPC hidden"})
    with pytest.raises(xmlrpc.client.Fault) as info:
        employee.call("utm.campaign", "read", [campaign_id], ["revenue"])
    assert info.value.faultCode in (3, 4)


def test_commission_rates(admin, sales_manager, salesman, expect_fault):
    categ_id = admin.call("product.category", "create", {"name": f"RPC comm {os.getpid()}"})
    rate_id = sales_manager.call("crm.commission.rate", "create", {"categ_id": categ_id, "rate": 4})
    expect_fault(sales_manager.call, "crm.commission.rate", "create", {"rate": 101})
    expect_fault(
        salesman.call, "crm.commission.rate", "write", [rate_id], {"rate": 50}, codes=(3, 4)
    )
    groups = salesman.call(
        "crm.commission.report",
        "read_group",
        [],
        ["amount:sum", "commission:sum"],
        ["user_id"],
        lazy=False,
    )
    assert all(g["user_id"][0] == salesman.uid for g in groups if g["user_id"])
