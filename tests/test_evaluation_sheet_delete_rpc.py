"""crm_evaluation_sheet over XML-RPC: a sales manager does not delete a sheet
whose order is confirmed, nor a finalized sheet its quotations were generated
from (UserError, fault code 2; nothing deleted): the order keeps its sheet, the
lead the finalized sheet its Meeting & evaluation step reads. A sheet without
quotation is deleted."""

import os

import pytest

pytestmark = pytest.mark.addon("crm_evaluation_sheet")


@pytest.fixture(scope="module")
def survey(admin):
    return admin.call(
        "product.product",
        "create",
        {"name": f"Delete Survey {os.getpid()}", "type": "service", "list_price": 100.0},
    )


def _quoted_sheet(admin, salesman, survey):
    partner_id = salesman.call("res.partner", "create", {"name": "Deletion Customer"})
    lead_id = salesman.call(
        "crm.lead", "create", {"name": "Deletion lead", "partner_id": partner_id}
    )
    sheet_id = salesman.call(
        "crm.evaluation.sheet",
        "create",
        {"lead_id": lead_id, "line_ids": [(0, 0, {"product_id": survey, "product_uom_qty": 1})]},
    )
    salesman.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    order_id = salesman.call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])[
        "res_id"
    ]
    return lead_id, sheet_id, order_id


def _kept(admin, lead_id, sheet_id, order_id):
    [sheet] = admin.call("crm.evaluation.sheet", "read", [sheet_id], ["line_ids", "state"])
    assert len(sheet["line_ids"]) == 1
    [order] = admin.call("sale.order", "read", [order_id], ["evaluation_sheet_id"])
    assert order["evaluation_sheet_id"][0] == sheet_id
    [lead] = admin.call("crm.lead", "read", [lead_id], ["evaluation_sheet_ids"])
    assert sheet_id in lead["evaluation_sheet_ids"]
    return sheet


def test_sheet_of_a_confirmed_order_is_not_deleted(
    admin, salesman, sales_manager, survey, expect_fault
):
    lead_id, sheet_id, order_id = _quoted_sheet(admin, salesman, survey)
    admin.call("sale.order", "action_confirm", [order_id])
    fault = expect_fault(sales_manager.call, "crm.evaluation.sheet", "unlink", [sheet_id])
    assert "is confirmed" in fault.faultString
    assert _kept(admin, lead_id, sheet_id, order_id)["state"] == "finalized"


def test_finalized_sheet_with_quotations_is_cancelled_not_deleted(
    admin, salesman, sales_manager, survey, expect_fault
):
    lead_id, sheet_id, order_id = _quoted_sheet(admin, salesman, survey)
    fault = expect_fault(sales_manager.call, "crm.evaluation.sheet", "unlink", [sheet_id])
    assert "cancel the sheet instead" in fault.faultString
    _kept(admin, lead_id, sheet_id, order_id)
    assert sales_manager.call("crm.evaluation.sheet", "action_cancel", [sheet_id]) is True


def test_sheet_without_quotation_is_deleted(admin, salesman, sales_manager, survey):
    sheet_id = salesman.call(
        "crm.evaluation.sheet",
        "create",
        {
            "partner_id": salesman.call("res.partner", "create", {"name": "Deletion Other"}),
            "line_ids": [(0, 0, {"product_id": survey, "product_uom_qty": 1})],
        },
    )
    salesman.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    assert sales_manager.call("crm.evaluation.sheet", "unlink", [sheet_id]) is True
    assert not admin.call("crm.evaluation.sheet", "search", [("id", "=", sheet_id)])
