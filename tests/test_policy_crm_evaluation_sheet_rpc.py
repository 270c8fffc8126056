"""crm_evaluation_sheet under the suite's write policy (issue #24), over XML-RPC
as a salesperson, a plain employee and a portal user: owned fields refused,
values out of range refused cleanly (fault code 2), nothing written."""

import os

import pytest

pytestmark = pytest.mark.addon("crm_evaluation_sheet")


@pytest.fixture(scope="module")
def survey(admin):
    return admin.call(
        "product.product",
        "create",
        {"name": f"Policy Survey {os.getpid()}", "type": "service", "list_price": 100.0},
    )


@pytest.fixture(scope="module")
def partner(salesman):
    return salesman.call("res.partner", "create", {"name": "Policy Evaluation Customer"})


def _sheet(client, partner, survey, qty=1.0):
    return client.call(
        "crm.evaluation.sheet",
        "create",
        {
            "partner_id": partner,
            "line_ids": [(0, 0, {"product_id": survey, "product_uom_qty": qty})],
        },
    )


def test_policy_is_declared_for_every_stored_field(admin):
    policy = admin.call(
        "crm.write.policy",
        "get_write_policy",
        ["crm.evaluation.sheet", "crm.evaluation.sheet.line", "product.recipe.line"],
    )
    for model, entry in policy.items():
        undeclared = [
            name
            for name, rule in entry["fields"].items()
            if not rule["declared"]
            and name not in ("id", "create_uid", "create_date", "write_uid", "write_date")
            and not name.startswith(("message_", "activity_", "website_message", "rating_"))
            and name not in ("has_message",)
        ]
        assert undeclared == [], (model, undeclared)
    sheet = policy["crm.evaluation.sheet"]["fields"]
    assert sheet["state"]["owner"] == "method"
    assert sheet["name"]["owner"] == "method"
    assert sheet["line_ids"]["states"] == ["draft", "in_progress"]


def test_owned_fields_refused(admin, salesman, partner, survey, expect_fault):
    sheet_id = _sheet(salesman, partner, survey, 2)
    [line_id] = salesman.call("crm.evaluation.sheet", "read", [sheet_id], ["line_ids"])[0][
        "line_ids"
    ]
    fields = ["name", "amount_total", "currency_id", "state"]
    before = admin.call("crm.evaluation.sheet", "read", [sheet_id], fields)
    for vals in (
        {"name": "EVS-FORGED"},
        {"amount_total": 1.0},
        {"currency_id": 1},
        {"state": "finalized"},
    ):
        expect_fault(salesman.call, "crm.evaluation.sheet", "write", [sheet_id], vals)
    for vals in ({"price_unit": 0.01}, {"price_subtotal": 0.01}, {"company_id": 1}):
        expect_fault(salesman.call, "crm.evaluation.sheet.line", "write", [line_id], vals)
    expect_fault(
        salesman.call,
        "crm.evaluation.sheet",
        "create",
        {"partner_id": partner, "name": "EVS-FORGED"},
    )
    assert admin.call("crm.evaluation.sheet", "read", [sheet_id], fields) == before
    assert not admin.call("crm.evaluation.sheet", "search", [("name", "=", "EVS-FORGED")])


def test_values_out_of_range(admin, salesman, partner, survey, expect_fault):
    count = admin.call("crm.evaluation.sheet", "search_count", [])
    for vals in (
        {"partner_id": partner, "date": "0001-01-01"},
        {"partner_id": partner, "date": "9999-12-31"},
        {"partner_id": partner, "date": ["2026-01-01"]},
        {"partner_id": [partner]},
        {
            "partner_id": partner,
            "line_ids": [(0, 0, {"product_id": survey, "product_uom_qty": 1e308})],
        },
        {
            "partner_id": partner,
            "line_ids": [(0, 0, {"product_id": survey, "product_uom_qty": -1})],
        },
        {
            "partner_id": partner,
            "line_ids": [(0, 0, {"product_id": survey, "product_uom_qty": [1]})],
        },
        {"partner_id": partner, "line_ids": "not commands"},
    ):
        expect_fault(salesman.call, "crm.evaluation.sheet", "create", vals)
    assert admin.call("crm.evaluation.sheet", "search_count", []) == count


def test_closed_sheet_and_public_methods(
    admin, salesman, employee, portal, partner, survey, expect_fault
):
    first = _sheet(salesman, partner, survey)
    second = _sheet(salesman, partner, survey)
    salesman.call("crm.evaluation.sheet", "action_finalize", [first, second])
    for vals in ({"date": "2030-01-01"}, {"partner_id": False}, {"line_ids": [(5,)]}):
        expect_fault(salesman.call, "crm.evaluation.sheet", "write", [first], vals)
    # one sheet at a time, cleanly
    for ids in ([first, second], []):
        expect_fault(salesman.call, "crm.evaluation.sheet", "action_generate_quotation", ids)
    for client in (employee, portal):
        expect_fault(
            client.call, "crm.evaluation.sheet", "action_generate_quotation", [first], codes=(3, 4)
        )
    assert not admin.call("sale.order", "search", [("evaluation_sheet_id", "in", [first, second])])
    # an unknown time zone does not break the quotation's number
    action = salesman.call(
        "crm.evaluation.sheet",
        "action_generate_quotation",
        [first],
        context={"tz": "Mars/Olympus_Mons"},
    )
    order_id = action["res_id"]
    salesman.call("sale.order", "action_revise", [order_id], context={"tz": "Nowhere/Void"})
    # an unknown language is refused cleanly
    expect_fault(
        salesman.call,
        "crm.evaluation.sheet",
        "action_update_prices",
        [second],
        context={"lang": "xx_XX"},
    )
    for vals in ({"evaluation_sheet_id": second}, {"revision_ids": [(4, order_id)]}):
        expect_fault(salesman.call, "sale.order", "write", [order_id], vals)


def test_company_setting_is_the_administrators(admin, salesman, expect_fault):
    [company] = admin.call("res.company", "search", [], limit=1)
    expect_fault(
        salesman.call,
        "res.company",
        "write",
        [company],
        {"crm_evaluation_sheet_required": False},
        codes=(4,),
    )


def test_sheet_only_on_a_lead_the_user_may_write(
    admin, salesman, salesman_b, partner, survey, expect_fault
):
    """A salesperson cannot attach a sheet to another salesperson's lead (its
    finalized sheet would open that lead's Meeting & evaluation gate)."""
    lead_id = admin.call(
        "crm.lead",
        "create",
        {"name": "Policy gated lead", "type": "opportunity", "user_id": salesman.uid},
    )
    count = admin.call("crm.evaluation.sheet", "search_count", [("lead_id", "=", lead_id)])
    expect_fault(
        salesman_b.call,
        "crm.evaluation.sheet",
        "create",
        {"lead_id": lead_id, "partner_id": partner},
        codes=(4,),
    )
    sheet_id = _sheet(salesman_b, partner, survey)
    expect_fault(
        salesman_b.call,
        "crm.evaluation.sheet",
        "write",
        [sheet_id],
        {"lead_id": lead_id},
        codes=(4,),
    )
    assert admin.call("crm.evaluation.sheet", "search_count", [("lead_id", "=", lead_id)]) == count
    # the lead's salesperson attaches theirs
    own = salesman.call(
        "crm.evaluation.sheet", "create", {"lead_id": lead_id, "partner_id": partner}
    )
    assert salesman.call("crm.evaluation.sheet", "read", [own], ["lead_id"])[0]["lead_id"][0] == (
        lead_id
    )
