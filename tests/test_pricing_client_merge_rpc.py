"""Merging a client with pricing rules into another contact over XML-RPC
(Odoo's Merge Contacts wizard, open to Contact Creation): its rules would
move to the kept contact, so only who may change a rule's client (sales
managers) merges it; others get an AccessError (fault 4), nothing merged.
The moved rules keep their client of their price list's company: merged into
another company's client, the merge is refused (fault 2), nothing merged; so
is a plain change of the client's company to another than its rules' price
list's."""

import os
import xmlrpc.client

import pytest
from conftest import new_company

pytestmark = pytest.mark.addon("crm_pricing")

WIZARD = "base.partner.merge.automatic.wizard"


def _clients(admin, name):
    tag = os.getpid()
    pricelist_id = admin.call("product.pricelist", "create", {"name": f"RPC Merge PL {tag}"})
    src_id, dst_id = (
        admin.call("res.partner", "create", {"name": f"RPC {name} {tag} {n}", "is_company": True})
        for n in ("src", "dst")
    )
    rule_id = admin.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist_id,
            "compute_price": "percentage",
            "percent_price": 5,
            "partner_id": src_id,
        },
    )
    return src_id, dst_id, rule_id


def _merge(client, src_id, dst_id):
    wizard_id = client.call(
        WIZARD, "create", {"partner_ids": [(6, 0, [dst_id, src_id])], "dst_partner_id": dst_id}
    )
    return client.call(WIZARD, "action_merge", [wizard_id])


def _rule_client(admin, rule_id):
    return admin.call("product.pricelist.item", "read", [rule_id], ["partner_id"])[0]["partner_id"]


def test_salesman_with_contact_creation_refused(admin, make_user):
    src_id, dst_id, rule_id = _clients(admin, "Merge Refused")
    salesman = make_user(
        ["sales_team.group_sale_salesman", "base.group_partner_manager"], "merge_salesman"
    )
    with pytest.raises(xmlrpc.client.Fault) as caught:
        _merge(salesman, src_id, dst_id)
    fault = caught.value
    assert fault.faultCode == 4, fault.faultString
    assert "Traceback" not in fault.faultString
    assert "only sales managers can merge it into another contact" in fault.faultString
    assert admin.call("res.partner", "search_count", [("id", "=", src_id)]) == 1
    assert _rule_client(admin, rule_id)[0] == src_id


def test_sales_manager_merges_rule_follows(admin, make_user):
    src_id, dst_id, rule_id = _clients(admin, "Merge Manager")
    manager = make_user(
        ["sales_team.group_sale_manager", "base.group_partner_manager"], "merge_manager"
    )
    _merge(manager, src_id, dst_id)
    assert (
        admin.call(
            "res.partner", "search_count", [("id", "=", src_id), ("active", "in", [True, False])]
        )
        == 0
    )
    assert _rule_client(admin, rule_id)[0] == dst_id


def test_merge_into_another_companys_client_refused(admin, make_user):
    tag = os.getpid()
    [me] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    company_id = me["company_id"][0]
    other_company_id = new_company(admin, f"RPC Merge Other Co {tag}")
    pricelist_id = admin.call(
        "product.pricelist", "create", {"name": f"RPC Merge PL Co {tag}", "company_id": company_id}
    )
    src_id = admin.call(
        "res.partner", "create", {"name": f"RPC Merge Shared {tag}", "is_company": True}
    )
    dst_id, ok_id = (
        admin.call(
            "res.partner",
            "create",
            {"name": f"RPC Merge {label} {tag}", "is_company": True, "company_id": cid},
        )
        for label, cid in (("Foreign Client", other_company_id), ("Home Client", company_id))
    )
    rule_id = admin.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist_id,
            "compute_price": "percentage",
            "percent_price": 5,
            "partner_id": src_id,
        },
    )
    manager = make_user(
        ["sales_team.group_sale_manager", "base.group_partner_manager"], "merge_co_manager"
    )
    admin.call(
        "res.users",
        "write",
        [manager.uid],
        {"company_ids": [(6, 0, [company_id, other_company_id])], "company_id": company_id},
    )
    context = {"allowed_company_ids": [company_id, other_company_id]}

    def merge(dst):
        wizard_id = manager.call(
            WIZARD,
            "create",
            {"partner_ids": [(6, 0, [dst, src_id])], "dst_partner_id": dst},
            context=context,
        )
        return manager.call(WIZARD, "action_merge", [wizard_id], context=context)

    with pytest.raises(xmlrpc.client.Fault) as caught:
        merge(dst_id)
    fault = caught.value
    assert fault.faultCode == 2, fault.faultString
    assert "Traceback" not in fault.faultString
    # the kept contact, given its company again once it carries the rule
    assert (
        f"RPC Merge Foreign Client {tag} is a client of pricing rules of {me['company_id'][1]}'s "
        "price lists" in fault.faultString
    )
    assert admin.call("res.partner", "search_count", [("id", "=", src_id)]) == 1
    assert _rule_client(admin, rule_id)[0] == src_id
    # into a client of the price list's company: merged, the rule follows
    merge(ok_id)
    everyone = [("id", "=", src_id), ("active", "in", [True, False])]
    assert admin.call("res.partner", "search_count", everyone) == 0
    assert _rule_client(admin, rule_id)[0] == ok_id


def test_client_company_change_refused(admin, make_user):
    tag = os.getpid()
    [me] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    company_id, company = me["company_id"]
    other_company_id = new_company(admin, f"RPC Client Other Co {tag}")
    pricelist_id = admin.call(
        "product.pricelist", "create", {"name": f"RPC Client PL Co {tag}", "company_id": company_id}
    )
    client_id = admin.call(
        "res.partner", "create", {"name": f"RPC Client With Rules {tag}", "is_company": True}
    )
    admin.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist_id,
            "compute_price": "percentage",
            "percent_price": 5,
            "partner_id": client_id,
        },
    )
    manager = make_user(
        ["sales_team.group_sale_manager", "base.group_partner_manager"], "client_co_manager"
    )
    # a contact manager without pricing rights, who cannot read the rules
    contact_manager = make_user(
        ["base.group_user", "base.group_partner_manager"], "client_co_contacts"
    )
    for user in (manager, contact_manager):
        admin.call(
            "res.users",
            "write",
            [user.uid],
            {"company_ids": [(6, 0, [company_id, other_company_id])], "company_id": company_id},
        )
    context = {"allowed_company_ids": [company_id, other_company_id]}
    for user in (manager, contact_manager):
        with pytest.raises(xmlrpc.client.Fault) as caught:
            user.call(
                "res.partner",
                "write",
                [client_id],
                {"company_id": other_company_id},
                context=context,
            )
        fault = caught.value
        assert fault.faultCode == 2, fault.faultString
        assert "Traceback" not in fault.faultString
        assert (
            f"RPC Client With Rules {tag} is a client of pricing rules of {company}'s price "
            f"lists: its company can only be {company}, or none. A sales manager moves or "
            "removes its pricing rules first." in fault.faultString
        ), fault.faultString
        [client] = admin.call("res.partner", "read", [client_id], ["company_id"])
        assert client["company_id"] is False
    # the rules' price list's company: allowed
    manager.call("res.partner", "write", [client_id], {"company_id": company_id}, context=context)
    [client] = admin.call("res.partner", "read", [client_id], ["company_id"])
    assert client["company_id"][0] == company_id


def test_user_main_company_change_refused(admin, make_user):
    """Changing a user's main company changes their contact's (Odoo's
    res.users write, also from their preferences): refused when that contact
    is a client of another company's rules; nothing changes."""
    tag = os.getpid()
    [me] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    company_id, company = me["company_id"]
    other_company_id = new_company(admin, f"RPC User Other Co {tag}")
    pricelist_id = admin.call(
        "product.pricelist", "create", {"name": f"RPC User PL Co {tag}", "company_id": company_id}
    )
    user = make_user(["base.group_user"], "client_co_user")
    admin.call(
        "res.users",
        "write",
        [user.uid],
        {"company_ids": [(6, 0, [company_id, other_company_id])], "company_id": company_id},
    )
    [record] = admin.call("res.users", "read", [user.uid], ["partner_id"])
    partner_id, partner = record["partner_id"]
    admin.call("res.partner", "write", [partner_id], {"company_id": company_id})
    admin.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist_id,
            "compute_price": "percentage",
            "percent_price": 5,
            "partner_id": partner_id,
        },
    )
    for writer in (admin, user):
        with pytest.raises(xmlrpc.client.Fault) as caught:
            writer.call("res.users", "write", [user.uid], {"company_id": other_company_id})
        fault = caught.value
        assert fault.faultCode == 2, fault.faultString
        assert (
            f"{partner} is a client of pricing rules of {company}'s price lists: its company "
            f"can only be {company}, or none." in fault.faultString
        ), fault.faultString
        [record] = admin.call("res.users", "read", [user.uid], ["company_id"])
        assert record["company_id"][0] == company_id
        [record] = admin.call("res.partner", "read", [partner_id], ["company_id"])
        assert record["company_id"][0] == company_id
