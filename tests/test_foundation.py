"""Every addon under test is installed, and a non-admin user reads a model of
each over XML-RPC (for ``crm_suite_base``, which has no model of records: the
write policy it publishes)."""

import os
import xmlrpc.client

import pytest

#: per addon: a model a salesperson reads, and fields of it the addon adds
MODELS = {
    "crm_suite_base": "crm.write.policy",
    "crm_pipeline": "crm.responsibility.type",
    "crm_pipeline_mass_mailing": "utm.campaign",
    "crm_evaluation_sheet": "crm.evaluation.sheet",
    "crm_pricing": "crm.turnover.report",
    "crm_supply": "sale.stock.reservation",
    "crm_finance_cashflow": "crm.contract",
}
ADDON_FIELDS = {
    "crm_pipeline_mass_mailing": [
        "mailing_count",
        "mailing_recipient_count",
        "mailing_reply_count",
    ],
}
UNDER_TEST = [a for a in os.environ.get("CRM_SUITE_ADDONS", ",".join(MODELS)).split(",") if a]


@pytest.mark.parametrize("addon", UNDER_TEST)
def test_addon_installed(admin, addon):
    mods = admin.call("ir.module.module", "search_read", [("name", "=", addon)], fields=["state"])
    assert mods and mods[0]["state"] == "installed"


@pytest.mark.parametrize("addon", UNDER_TEST)
def test_salesman_reads_a_model_of_the_addon(admin, salesman, addon):
    assert addon in MODELS, f"{addon} has no entry in MODELS: name a model a salesperson reads"
    model = MODELS[addon]
    # the salesman is not an administrator
    assert not salesman.call("res.users", "has_group", salesman.uid, "base.group_system")
    if addon == "crm_suite_base":
        # the policy of every model of the suite (of crm.lead's, at least, with
        # crm_pipeline), as the web client and other systems read it
        policy = salesman.call(model, "get_write_policy")
        assert isinstance(policy, dict)
        assert all({"state_field", "fields"} <= set(entry) for entry in policy.values())
        assert policy == admin.call(model, "get_write_policy")
        # a list of model names, exactly: not a string matched by its letters
        assert set(salesman.call(model, "get_write_policy", ["crm.write.policy"])) <= {
            "crm.write.policy"
        }
        for bad in ("crm.lead", 5, [5], {"crm.lead": 1}):
            with pytest.raises(xmlrpc.client.Fault, match="model_names must be a list"):
                salesman.call(model, "get_write_policy", bad)
        return
    extra = ADDON_FIELDS.get(addon, [])
    records = salesman.call(model, "search_read", [], fields=["display_name", *extra], limit=5)
    assert isinstance(records, list)
    assert all(set(extra) <= set(record) for record in records)
    fields = salesman.call(model, "fields_get", attributes=["type"])
    assert {"display_name", *extra} <= set(fields)


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
