"""crm_evaluation_sheet's recipes and quotations over XML-RPC: a finalized
sheet's quotation is made of the recipes the sheet was priced with; a combo
product is not a recipe component; an infinite recipe quantity nested in a
product is a clean refusal (fault code 2); a sheet without a pricelist is
quoted without one, in its currency; an unassigned sheet on another
salesperson's lead is neither read, written nor finalized (fault code 4)."""

import os

import pytest

pytestmark = pytest.mark.addon("crm_evaluation_sheet")


def _ref(admin, xmlid):
    module, name = xmlid.split(".")
    [row] = admin.call(
        "ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"]
    )
    return row["res_id"]


@pytest.fixture(scope="module")
def wall(admin):
    """A service "wall" at 176.05 whose recipe is 250 g of paint (sold by kg
    at 40.50), priced at its own price; returns (wall id, paint id)."""
    kg, gram = _ref(admin, "uom.product_uom_kgm"), _ref(admin, "uom.product_uom_gram")
    paint = admin.call(
        "product.product",
        "create",
        {
            "name": f"RPC Paint {os.getpid()}",
            "type": "consu",
            "uom_id": kg,
            "uom_po_id": kg,
            "list_price": 40.5,
            "taxes_id": [(6, 0, [])],
        },
    )
    wall = admin.call(
        "product.product",
        "create",
        {
            "name": f"RPC Wall {os.getpid()}",
            "type": "service",
            "list_price": 176.05,
            "taxes_id": [(6, 0, [])],
            "recipe_pricing": "recipe",
            "recipe_line_ids": [(0, 0, {"product_id": paint, "quantity": 250, "uom_id": gram})],
        },
    )
    return wall, paint


def _template(admin, product_id):
    [row] = admin.call("product.product", "read", [product_id], ["product_tmpl_id"])
    return row["product_tmpl_id"][0]


def _finalized_sheet(client, product_id, qty):
    partner = client.call("res.partner", "create", {"name": "Recipe Sheet Customer"})
    sheet_id = client.call(
        "crm.evaluation.sheet",
        "create",
        {
            "partner_id": partner,
            "pricelist_id": False,
            "line_ids": [(0, 0, {"product_id": product_id, "product_uom_qty": qty})],
        },
    )
    client.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    return sheet_id


def _quote(client, sheet_id):
    order_id = client.call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])[
        "res_id"
    ]
    [order] = client.call("sale.order", "read", [order_id], ["amount_untaxed"])
    lines = client.call(
        "sale.order.line",
        "search_read",
        [("order_id", "=", order_id), ("display_type", "=", False)],
        ["product_id", "product_uom_qty"],
        order="sequence",
    )
    return (
        order_id,
        order["amount_untaxed"],
        [(line["product_id"][0], line["product_uom_qty"]) for line in lines],
    )


def _total(client, sheet_id):
    [sheet] = client.call("crm.evaluation.sheet", "read", [sheet_id], ["amount_total"])
    return sheet["amount_total"]


def test_quotation_keeps_the_sheets_recipe(admin, salesman, wall):
    wall_id, paint_id = wall
    template = _template(admin, wall_id)
    sheet_id = _finalized_sheet(salesman, wall_id, 4)
    assert _total(salesman, sheet_id) == pytest.approx(704.20)
    # the recipe pricing changes after the sheet was finalized
    admin.call("product.template", "write", [template], {"recipe_pricing": "components"})
    try:
        _order, untaxed, lines = _quote(salesman, sheet_id)
    finally:
        admin.call("product.template", "write", [template], {"recipe_pricing": "recipe"})
    assert untaxed == pytest.approx(704.20)
    assert lines == [(wall_id, 4.0)]

    # priced from the components, then the recipe's quantity doubles
    admin.call("product.template", "write", [template], {"recipe_pricing": "components"})
    [recipe_line] = admin.call(
        "product.recipe.line", "search", [("product_tmpl_id", "=", template)]
    )
    try:
        sheet_id = _finalized_sheet(salesman, wall_id, 4)
        assert _total(salesman, sheet_id) == pytest.approx(40.5)
        admin.call("product.recipe.line", "write", [recipe_line], {"quantity": 500})
        order_id, untaxed, lines = _quote(salesman, sheet_id)
        assert (untaxed, lines) == (pytest.approx(40.5), [(paint_id, 1.0)])
        # reopened and repriced, the sheet takes the recipe of the day
        salesman.call("crm.evaluation.sheet", "action_start", [sheet_id])
        salesman.call("crm.evaluation.sheet", "action_update_prices", [sheet_id])
        assert _total(salesman, sheet_id) == pytest.approx(81.0)
        salesman.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
        revision_id, untaxed, lines = _quote(salesman, sheet_id)
        assert revision_id != order_id
        assert (untaxed, lines) == (pytest.approx(81.0), [(paint_id, 2.0)])
    finally:
        admin.call("product.recipe.line", "write", [recipe_line], {"quantity": 250})
        admin.call("product.template", "write", [template], {"recipe_pricing": "recipe"})


def test_recipe_snapshot_is_owned(salesman, wall, expect_fault):
    sheet_id = _finalized_sheet(salesman, wall[0], 1)
    salesman.call("crm.evaluation.sheet", "action_start", [sheet_id])
    lines = salesman.call("crm.evaluation.sheet.line", "search", [("sheet_id", "=", sheet_id)])
    fault = expect_fault(
        salesman.call,
        "crm.evaluation.sheet.line",
        "write",
        lines,
        {"recipe_snapshot": {"pricing": False, "components": []}},
    )
    assert "cannot be written directly" in fault.faultString


def test_combo_component_refused(admin, sales_manager, wall, expect_fault):
    _wall_id, paint_id = wall
    combo_choice = admin.call(
        "product.combo",
        "create",
        {
            "name": f"RPC Combo Choice {os.getpid()}",
            "combo_item_ids": [(0, 0, {"product_id": paint_id})],
        },
    )
    combo = admin.call(
        "product.product",
        "create",
        {
            "name": f"RPC Combo {os.getpid()}",
            "type": "combo",
            "combo_ids": [(6, 0, [combo_choice])],
        },
    )
    fault = expect_fault(
        sales_manager.call,
        "product.template",
        "create",
        {"name": "RPC Combo Recipe", "recipe_line_ids": [(0, 0, {"product_id": combo})]},
    )
    assert "combo product" in fault.faultString
    assert not admin.call("product.template", "search", [("name", "=", "RPC Combo Recipe")])


@pytest.mark.parametrize("qty", [float("inf"), float("nan"), -1.0])
@pytest.mark.parametrize("model", ["product.template", "product.product"])
def test_nested_recipe_quantity_refused(admin, sales_manager, wall, expect_fault, model, qty):
    name = f"RPC Bad Recipe {os.getpid()}"
    recipe = [(0, 0, {"product_id": wall[1], "quantity": qty})]
    expect_fault(sales_manager.call, model, "create", {"name": name, "recipe_line_ids": recipe})
    assert not admin.call("product.template", "search", [("name", "=", name)])
    record = admin.call(model, "create", {"name": name})
    expect_fault(sales_manager.call, model, "write", [record], {"recipe_line_ids": recipe})
    [row] = admin.call(model, "read", [record], ["recipe_line_ids"])
    assert row["recipe_line_ids"] == []
    admin.call(model, "unlink", [record])


def test_sheet_without_pricelist_quoted_in_its_currency(admin, salesman, wall):
    company_currency = admin.call("res.company", "search_read", [], ["currency_id"], limit=1)[0][
        "currency_id"
    ][0]
    [other] = admin.call(
        "res.currency",
        "search",
        [("id", "!=", company_currency), ("active", "in", [True, False])],
        limit=1,
    )
    admin.call("res.currency", "write", [other], {"active": True})
    pricelist = admin.call(
        "product.pricelist", "create", {"name": f"RPC Foreign {os.getpid()}", "currency_id": other}
    )
    partner = admin.call(
        "res.partner",
        "create",
        {"name": "RPC Foreign Customer", "property_product_pricelist": pricelist},
    )
    sheet_id = salesman.call(
        "crm.evaluation.sheet",
        "create",
        {
            "partner_id": partner,
            "pricelist_id": False,
            "line_ids": [(0, 0, {"product_id": wall[0], "product_uom_qty": 2})],
        },
    )
    salesman.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    [sheet] = salesman.call(
        "crm.evaluation.sheet", "read", [sheet_id], ["pricelist_id", "currency_id", "amount_total"]
    )
    assert sheet["pricelist_id"] is False
    order_id = salesman.call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])[
        "res_id"
    ]
    [order] = salesman.call(
        "sale.order", "read", [order_id], ["pricelist_id", "currency_id", "amount_untaxed"]
    )
    assert order["pricelist_id"] is False
    assert order["currency_id"] == sheet["currency_id"]
    assert order["amount_untaxed"] == pytest.approx(sheet["amount_total"])


def test_unassigned_sheet_follows_the_lead(admin, salesman, salesman_b, wall, expect_fault):
    [uid] = admin.call("res.users", "search", [("login", "=", salesman.login)])
    lead = admin.call("crm.lead", "create", {"name": "RPC A's lead", "user_id": uid})
    partner = admin.call("res.partner", "create", {"name": "RPC Lead Customer"})
    sheet_id = salesman.call(
        "crm.evaluation.sheet",
        "create",
        {
            "lead_id": lead,
            "partner_id": partner,
            "line_ids": [(0, 0, {"product_id": wall[0], "product_uom_qty": 1})],
        },
    )
    salesman.call("crm.evaluation.sheet", "write", [sheet_id], {"user_id": False})
    for method, args in (
        ("read", [[sheet_id], ["state"]]),
        ("action_finalize", [[sheet_id]]),
        ("write", [[sheet_id], {"notes": "<p>mine</p>"}]),
    ):
        expect_fault(salesman_b.call, "crm.evaluation.sheet", method, *args, codes=(4,))
    assert sheet_id not in salesman_b.call(
        "crm.evaluation.sheet", "search", [("lead_id", "=", lead)]
    )
    [sheet] = admin.call("crm.evaluation.sheet", "read", [sheet_id], ["state", "notes"])
    assert sheet["state"] == "draft"
    assert not sheet["notes"]
    # the lead's salesperson finalizes it
    salesman.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    [row] = salesman.call("crm.lead", "read", [lead], ["has_finalized_evaluation_sheet"])
    assert row["has_finalized_evaluation_sheet"]
