"""Evaluation sheets over XML-RPC: the calls documented in
crm_evaluation_sheet/readme/USAGE.md."""

import os
import xmlrpc.client

import pytest

pytestmark = pytest.mark.addon("crm_evaluation_sheet")


@pytest.fixture(scope="module")
def catalogue(admin):
    """A product with a recipe (made by a sales manager / admin) and one without."""
    tag = os.getpid()
    call = admin.call
    unit = call("ir.model.data", "check_object_reference", "uom", "product_uom_unit")[1]
    gram = call("ir.model.data", "check_object_reference", "uom", "product_uom_gram")[1]
    kg = call("ir.model.data", "check_object_reference", "uom", "product_uom_kgm")[1]
    paint_id = call(
        "product.product",
        "create",
        {"name": f"RPC Paint {tag}", "uom_id": kg, "uom_po_id": kg, "list_price": 8.0},
    )
    brush_id = call("product.product", "create", {"name": f"RPC Brush {tag}", "list_price": 3.0})
    # --- USAGE: recipes --------------------------------------------------
    wall_tmpl_id = call(
        "product.template",
        "create",
        {
            "name": f"RPC Painted Wall {tag}",
            "type": "service",
            "list_price": 40.0,
            "uom_id": unit,
            "uom_po_id": unit,
            "recipe_line_ids": [
                (0, 0, {"product_id": paint_id, "quantity": 250, "uom_id": gram}),
                (0, 0, {"product_id": brush_id, "quantity": 1, "note": "one per wall"}),
            ],
        },
    )
    wall_id = call("product.product", "search", [("product_tmpl_id", "=", wall_tmpl_id)], limit=1)[
        0
    ]
    survey_id = call(
        "product.product",
        "create",
        {"name": f"RPC Survey {tag}", "type": "service", "list_price": 100.0},
    )
    return {"paint": paint_id, "brush": brush_id, "wall": wall_id, "survey": survey_id, "kg": kg}


def test_sheet_finalize_generate_revise(salesman, catalogue):
    call = salesman.call
    partner_id = call("res.partner", "create", {"name": "RPC Evaluation Customer"})
    lead_id = call(
        "crm.lead",
        "create",
        {"name": "RPC renovation", "partner_id": partner_id, "type": "opportunity"},
    )
    wall_id, survey_id = catalogue["wall"], catalogue["survey"]
    # --- USAGE: create a sheet with its items -----------------------------
    sheet_id = call(
        "crm.evaluation.sheet",
        "create",
        {
            "lead_id": lead_id,  # the customer comes from the lead
            "line_ids": [
                (0, 0, {"product_id": wall_id, "product_uom_qty": 4}),
                (0, 0, {"product_id": survey_id, "product_uom_qty": 1}),
            ],
        },
    )
    sheet = call(
        "crm.evaluation.sheet",
        "read",
        [sheet_id],
        ["name", "partner_id", "state", "amount_total", "pricelist_id", "currency_id"],
    )[0]
    assert sheet["partner_id"][0] == partner_id
    assert sheet["state"] == "draft"
    # the wall is priced from its components (its recipe_pricing): 4 walls are
    # 1 kg of paint (8.0) and 4 brushes (3.0), as on the quotation
    assert sheet["amount_total"] == 8.0 + 4 * 3.0 + 100.0
    lines = call(
        "crm.evaluation.sheet.line",
        "search_read",
        [("sheet_id", "=", sheet_id)],
        ["product_id", "product_uom_qty", "price_unit", "price_subtotal", "has_recipe"],
    )
    assert [(line["price_unit"], line["has_recipe"]) for line in lines] == [
        (5.0, True),
        (100.0, False),
    ]
    # --- USAGE: start, finalize ----------------------------------------------
    assert call("crm.evaluation.sheet", "action_start", [sheet_id]) is True
    assert call("crm.evaluation.sheet", "action_finalize", [sheet_id]) is True
    # --- USAGE: generate the quotation -----------------------------------------
    action = call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])
    order_id = action["res_id"]
    order = call(
        "sale.order", "read", [order_id], ["name", "state", "opportunity_id", "evaluation_sheet_id"]
    )[0]
    assert order["opportunity_id"][0] == lead_id
    assert order["evaluation_sheet_id"][0] == sheet_id
    order_lines = call(
        "sale.order.line",
        "search_read",
        [("order_id", "=", order_id)],
        ["display_type", "name", "product_id", "product_uom_qty", "product_uom"],
        order="sequence",
    )
    got = [(ol["display_type"] or ol["product_id"][0], ol["product_uom_qty"]) for ol in order_lines]
    assert got == [
        ("line_section", 0.0),
        (catalogue["paint"], 1.0),  # 250 g x 4 = 1 kg
        (catalogue["brush"], 4.0),
        ("line_section", 0.0),
        (survey_id, 1.0),
    ]
    [order_total] = call("sale.order", "read", [order_id], ["amount_untaxed"])
    assert order_total["amount_untaxed"] == sheet["amount_total"]
    assert order_lines[0]["name"].startswith("RPC Painted Wall")
    assert order_lines[0]["name"].endswith("× 4 Units")
    assert order_lines[1]["product_uom"][0] == catalogue["kg"]
    # --- USAGE: revise the quotation -------------------------------------------
    action = call("sale.order", "action_revise", [order_id])
    revision = call(
        "sale.order",
        "read",
        [action["res_id"]],
        ["name", "state", "revision_of_id", "revision_number", "revision_history_ids"],
    )[0]
    assert revision["name"] == f"{order['name']}-R1"
    assert revision["revision_of_id"][0] == order_id
    assert revision["revision_number"] == 1
    assert sorted(revision["revision_history_ids"]) == sorted([order_id, revision["id"]])
    assert call("sale.order", "read", [order_id], ["state"])[0]["state"] == "cancel"
    # --- USAGE: reopen, change, finalize, generate the next revision -----------
    call("crm.evaluation.sheet", "action_start", [sheet_id])
    call("crm.evaluation.sheet.line", "write", [lines[1]["id"]], {"product_uom_qty": 2})
    call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    action = call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])
    rev2 = call("sale.order", "read", [action["res_id"]], ["name", "revision_of_id"])[0]
    assert rev2["name"] == f"{order['name']}-R2"
    assert rev2["revision_of_id"][0] == revision["id"]
    sheet = call("crm.evaluation.sheet", "read", [sheet_id], ["sale_order_ids"])[0]
    assert sorted(sheet["sale_order_ids"]) == sorted([order_id, revision["id"], rev2["id"]])
    lead = call("crm.lead", "read", [lead_id], ["evaluation_sheet_ids", "order_ids"])[0]
    assert lead["evaluation_sheet_ids"] == [sheet_id]
    assert sorted(lead["order_ids"]) == sorted(sheet["sale_order_ids"])


def test_bad_input_and_other_salesman(salesman, salesman_b, catalogue):
    call = salesman.call
    partner_id = call("res.partner", "create", {"name": "RPC Empty Customer"})
    sheet_id = call("crm.evaluation.sheet", "create", {"partner_id": partner_id})
    with pytest.raises(xmlrpc.client.Fault, match="has no item"):
        call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    call(
        "crm.evaluation.sheet",
        "write",
        [sheet_id],
        {"line_ids": [(0, 0, {"product_id": catalogue["survey"], "product_uom_qty": 0})]},
    )
    with pytest.raises(xmlrpc.client.Fault, match="without a quantity"):
        call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    with pytest.raises(xmlrpc.client.Fault, match="Finalize evaluation sheet"):
        call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])
    assert call("crm.evaluation.sheet", "read", [sheet_id], ["state"])[0]["state"] == "draft"
    # another salesperson neither sees nor changes the sheet
    assert salesman_b.call("crm.evaluation.sheet", "search", [("id", "=", sheet_id)]) == []
    with pytest.raises(xmlrpc.client.Fault, match="access|AccessError|not allowed"):
        salesman_b.call("crm.evaluation.sheet", "action_cancel", [sheet_id])
    # a salesperson reads recipes but does not change them
    recipe = call(
        "product.recipe.line",
        "search_read",
        [("product_tmpl_id.product_variant_ids", "in", [catalogue["wall"]])],
        ["quantity"],
    )
    assert len(recipe) == 2
    with pytest.raises(xmlrpc.client.Fault, match="access|AccessError|not allowed"):
        call("product.recipe.line", "write", [recipe[0]["id"]], {"quantity": 9})
    assert call("crm.evaluation.sheet", "action_cancel", [sheet_id]) is True
