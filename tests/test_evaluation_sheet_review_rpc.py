"""crm_evaluation_sheet after its review, over XML-RPC as salespeople: an item
is not moved into another salesperson's sheet (AccessError, fault code 4), a
sheet whose order is confirmed is neither reopened nor cancelled (UserError,
fault code 2), generating again from an unchanged sheet opens its quotation."""

import os

import pytest

pytestmark = pytest.mark.addon("crm_evaluation_sheet")


@pytest.fixture(scope="module")
def survey(admin):
    return admin.call(
        "product.product",
        "create",
        {"name": f"Review Survey {os.getpid()}", "type": "service", "list_price": 100.0},
    )


def _sheet(client, survey, qty=1.0):
    partner = client.call("res.partner", "create", {"name": "Review Evaluation Customer"})
    return client.call(
        "crm.evaluation.sheet",
        "create",
        {
            "partner_id": partner,
            "line_ids": [(0, 0, {"product_id": survey, "product_uom_qty": qty})],
        },
    )


def _line(admin, sheet_id):
    return admin.call("crm.evaluation.sheet.line", "search", [("sheet_id", "=", sheet_id)])


def test_item_not_moved_into_another_salespersons_sheet(
    admin, salesman, salesman_b, survey, expect_fault
):
    own = _sheet(salesman, survey)
    other = _sheet(salesman_b, survey, 2)
    [line] = _line(admin, own)
    expect_fault(
        salesman.call,
        "crm.evaluation.sheet.line",
        "write",
        [line],
        {"sheet_id": other},
        codes=(4,),
    )
    expect_fault(
        salesman.call,
        "crm.evaluation.sheet.line",
        "create",
        {"sheet_id": other, "product_id": survey},
        codes=(4,),
    )
    assert _line(admin, own) == [line]
    assert len(_line(admin, other)) == 1


def test_unchanged_sheet_and_confirmed_order(admin, salesman, survey, expect_fault):
    sheet_id = _sheet(salesman, survey)
    salesman.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    order_id = salesman.call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])[
        "res_id"
    ]
    # generating again from the unchanged sheet opens the same quotation
    again = salesman.call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])
    assert again["res_id"] == order_id
    [order] = salesman.call("sale.order", "read", [order_id], ["state"])
    assert order["state"] == "draft"
    # confirmed, the order keeps the sheet as it is
    admin.call("sale.order", "action_confirm", [order_id])
    for method in ("action_start", "action_reset_draft", "action_cancel"):
        fault = expect_fault(salesman.call, "crm.evaluation.sheet", method, [sheet_id])
        assert "is confirmed" in fault.faultString
    [sheet] = salesman.call("crm.evaluation.sheet", "read", [sheet_id], ["state"])
    assert sheet["state"] == "finalized"


def test_sheet_reopened_before_confirmation_keeps_its_items(admin, salesman, survey, expect_fault):
    # reopened while its order was a quotation: once the order is confirmed,
    # the sheet's items are not changed, added or deleted and the sheet is not
    # finalized again (UserError, fault code 2), nothing written
    sheet_id = _sheet(salesman, survey, 5)
    salesman.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    order_id = salesman.call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])[
        "res_id"
    ]
    salesman.call("crm.evaluation.sheet", "action_start", [sheet_id])
    admin.call("sale.order", "action_confirm", [order_id])
    [line] = _line(admin, sheet_id)
    refused = [
        ("crm.evaluation.sheet.line", "write", [[line], {"product_uom_qty": 50}]),
        ("crm.evaluation.sheet.line", "unlink", [[line]]),
        (
            "crm.evaluation.sheet.line",
            "create",
            [{"sheet_id": sheet_id, "product_id": survey, "product_uom_qty": 7}],
        ),
        (
            "crm.evaluation.sheet",
            "write",
            [[sheet_id], {"line_ids": [(0, 0, {"product_id": survey, "product_uom_qty": 7})]}],
        ),
        ("crm.evaluation.sheet", "action_update_prices", [[sheet_id]]),
        ("crm.evaluation.sheet", "action_finalize", [[sheet_id]]),
    ]
    for model, method, args in refused:
        fault = expect_fault(salesman.call, model, method, *args, codes=(2,))
        assert "is confirmed" in fault.faultString, (model, method)
    assert _line(admin, sheet_id) == [line]
    [item] = admin.call("crm.evaluation.sheet.line", "read", [line], ["product_uom_qty"])
    assert item["product_uom_qty"] == 5
    [sheet] = admin.call("crm.evaluation.sheet", "read", [sheet_id], ["state"])
    assert sheet["state"] == "in_progress"
