"""Deleting a client or a client group with pricing rules over XML-RPC: the
rules go with it (the database's cascade), so only who may delete those rules
deletes it; others get an AccessError (fault 4), never a traceback."""

import os
import xmlrpc.client

import pytest

pytestmark = pytest.mark.addon("crm_pricing")


@pytest.fixture(scope="module")
def rules(admin):
    tag = os.getpid()
    pricelist_id = admin.call("product.pricelist", "create", {"name": f"RPC Del PL {tag}"})
    category_id = admin.call("res.partner.category", "create", {"name": f"RPC Del Tag {tag}"})
    client_id = admin.call(
        "res.partner", "create", {"name": f"RPC Del Client {tag}", "is_company": True}
    )
    rule_ids = [
        admin.call(
            "product.pricelist.item",
            "create",
            {"pricelist_id": pricelist_id, "compute_price": "percentage", "percent_price": 5, **v},
        )
        for v in ({"partner_id": client_id}, {"partner_category_id": category_id})
    ]
    return {"client_id": client_id, "category_id": category_id, "rule_ids": rule_ids}


def _fault(call):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call()
    return caught.value


def test_contacts_user_refused(admin, make_user, rules):
    contacts = make_user(["base.group_user", "base.group_partner_manager"], "del_contacts")
    for model, rid in (
        ("res.partner", rules["client_id"]),
        ("res.partner.category", rules["category_id"]),
    ):
        fault = _fault(lambda model=model, rid=rid: contacts.call(model, "unlink", [rid]))
        assert fault.faultCode == 4, fault.faultString
        assert "Traceback" not in fault.faultString
    assert (
        admin.call("product.pricelist.item", "search_count", [("id", "in", rules["rule_ids"])]) == 2
    )


def test_sales_manager_deletes(admin, make_user, rules):
    manager = make_user(
        ["sales_team.group_sale_manager", "base.group_partner_manager"], "del_manager"
    )
    manager.call("res.partner.category", "unlink", [rules["category_id"]])
    manager.call("res.partner", "unlink", [rules["client_id"]])
    assert (
        admin.call("product.pricelist.item", "search_count", [("id", "in", rules["rule_ids"])]) == 0
    )
