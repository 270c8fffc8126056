"""crm_pipeline over XML-RPC: a campaign is its company's. A salesperson of
another company neither finds, reads nor writes it (AccessError, fault code 4),
its figures included; a campaign without company is everyone's; a campaign
named like one of another company is created with a number, not refused by
the database's unique name."""

import os

import pytest

pytestmark = pytest.mark.addon("crm_pipeline")


@pytest.fixture(scope="module")
def other_company_seller(admin, make_user):
    """A salesperson working only in a company of their own."""
    company_id = admin.call("res.company", "create", {"name": f"RPC Campaign Co {os.getpid()}"})
    seller = make_user(["sales_team.group_sale_salesman"], "campaign_co")
    admin.call(
        "res.users",
        "write",
        [seller.uid],
        {"company_ids": [(6, 0, [company_id])], "company_id": company_id},
    )
    return company_id, seller


def test_another_companys_campaign_is_out_of_reach(admin, other_company_seller, expect_fault):
    company_id, seller = other_company_seller
    [admin_company] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    title = f"RPC HQ fair {os.getpid()}"
    campaign_id = admin.call(
        "utm.campaign",
        "create",
        {
            "title": title,
            "company_id": admin_company["company_id"][0],
            "budget": 1000.0,
            "actual_cost": 800.0,
        },
    )
    shared_id = admin.call(
        "utm.campaign", "create", {"title": f"RPC shared fair {os.getpid()}", "company_id": False}
    )
    found = seller.call("utm.campaign", "search", [("id", "in", [campaign_id, shared_id])])
    assert found == [shared_id]
    expect_fault(seller.call, "utm.campaign", "read", [campaign_id], ["budget"], codes=(4,))
    expect_fault(seller.call, "utm.campaign", "read", [campaign_id], ["roi"], codes=(4,))
    expect_fault(
        seller.call, "utm.campaign", "write", [campaign_id], {"actual_cost": 1.0}, codes=(4,)
    )
    [row] = admin.call("utm.campaign", "read", [campaign_id], ["actual_cost"])
    assert row["actual_cost"] == 800.0
    assert seller.call("utm.campaign", "write", [shared_id], {"budget": 50.0}) is True
    # the same name in the seller's company: numbered, in their company
    for vals in ({"title": title}, {"name": title}):
        own_id = seller.call("utm.campaign", "create", vals)
        [own] = seller.call("utm.campaign", "read", [own_id], ["name", "title", "company_id"])
        assert own["title"] == title
        assert own["name"].startswith(f"{title} [")
        assert own["company_id"][0] == company_id


def test_a_lead_links_a_campaign_of_its_company(admin, make_user, expect_fault):
    """Odoo's company check on the lead's campaign: a sales manager of two
    companies cannot link a lead of one to a campaign of the other (fault 2,
    nothing written), by create or write; a shared campaign and one of the
    lead's company are linked."""
    [admin_user] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    home_id = admin_user["company_id"][0]
    other_id = admin.call("res.company", "create", {"name": f"RPC Lead Campaign Co {os.getpid()}"})
    manager = make_user(["sales_team.group_sale_manager"], "lead_campaign")
    admin.call(
        "res.users",
        "write",
        [manager.uid],
        {"company_ids": [(6, 0, [home_id, other_id])], "company_id": home_id},
    )
    pid = os.getpid()
    other_campaign = admin.call(
        "utm.campaign", "create", {"title": f"RPC other fair {pid}", "company_id": other_id}
    )
    shared_campaign = admin.call(
        "utm.campaign", "create", {"title": f"RPC open fair {pid}", "company_id": False}
    )
    home_campaign = admin.call(
        "utm.campaign", "create", {"title": f"RPC home fair {pid}", "company_id": home_id}
    )
    name = f"RPC lead of home {pid}"
    fault = expect_fault(
        manager.call,
        "crm.lead",
        "create",
        {"name": name, "company_id": home_id, "campaign_id": other_campaign},
    )
    assert "Incompatible companies" in fault.faultString
    assert admin.call("crm.lead", "search", [("name", "=", name)]) == []
    lead_id = manager.call("crm.lead", "create", {"name": name, "company_id": home_id})
    expect_fault(manager.call, "crm.lead", "write", [lead_id], {"campaign_id": other_campaign})
    [lead] = admin.call("crm.lead", "read", [lead_id], ["campaign_id"])
    assert lead["campaign_id"] is False
    for campaign_id in (shared_campaign, home_campaign):
        assert manager.call("crm.lead", "write", [lead_id], {"campaign_id": campaign_id})
        [lead] = admin.call("crm.lead", "read", [lead_id], ["campaign_id"])
        assert lead["campaign_id"][0] == campaign_id
