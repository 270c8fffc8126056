"""Every addon under test is installed, and a non-admin user reads a model of
each over XML-RPC."""

import os
import xmlrpc.client

import pytest

MODELS = {
    "crm_pipeline": "crm.responsibility.type",
    "crm_evaluation_sheet": "crm.evaluation.sheet",
    "crm_pricing": "crm.turnover.report",
    "crm_supply": "sale.stock.reservation",
    "crm_finance_cashflow": "crm.contract",
}
UNDER_TEST = [a for a in os.environ.get("CRM_SUITE_ADDONS", ",".join(MODELS)).split(",") if a]


@pytest.mark.parametrize("addon", UNDER_TEST)
def test_addon_installed(admin, addon):
    mods = admin.call("ir.module.module", "search_read", [("name", "=", addon)], fields=["state"])
    assert mods and mods[0]["state"] == "installed"


@pytest.mark.parametrize("addon", UNDER_TEST)
def test_salesman_reads_a_model_of_the_addon(admin, salesman, addon):
    model = MODELS[addon]
    # the salesman is not an administrator
    assert not salesman.call("res.users", "has_group", salesman.uid, "base.group_system")
    records = salesman.call(model, "search_read", [], fields=["display_name"], limit=5)
    assert isinstance(records, list)
    fields = salesman.call(model, "fields_get", attributes=["type"])
    assert "display_name" in fields


@pytest.mark.addon("crm_pipeline")
def test_salesman_reads_chain_but_cannot_edit_it(salesman):
    types = salesman.call(
        "crm.responsibility.type", "search_read", [], fields=["code"], order="sequence"
    )
    assert [t["code"] for t in types][:4] == [
        "contact_prospect",
        "meeting_evaluation",
        "offer_negotiation",
        "contracting",
    ]
    with pytest.raises(xmlrpc.client.Fault, match="AccessError|not allowed"):
        salesman.call("crm.responsibility.type", "write", [types[0]["id"]], {"duration_days": 9})
