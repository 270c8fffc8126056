"""crm_evaluation_sheet over XML-RPC: an item priced from its components is
priced with the recipe it keeps (``recipe_snapshot``) when the sheet's date,
customer or pricelist changes after the product's recipe did, so that the
sheet's total, its components preview and its quotation agree; Update Prices
takes the recipe of the day."""

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
def bay(admin):
    """A "bay" priced from its components: 10 beams at 18.50 and 1 frame at
    64.00 per bay; returns (bay id, beam recipe line id)."""
    tag = os.getpid()
    beam = admin.call(
        "product.product",
        "create",
        {
            "name": f"RPC Kept Beam {tag}",
            "type": "consu",
            "list_price": 18.5,
            "taxes_id": [(6, 0, [])],
        },
    )
    frame = admin.call(
        "product.product",
        "create",
        {
            "name": f"RPC Kept Frame {tag}",
            "type": "consu",
            "list_price": 64.0,
            "taxes_id": [(6, 0, [])],
        },
    )
    bay = admin.call(
        "product.product",
        "create",
        {
            "name": f"RPC Kept Bay {tag}",
            "type": "consu",
            "list_price": 999.0,
            "taxes_id": [(6, 0, [])],
            "recipe_pricing": "components",
            "recipe_line_ids": [
                (0, 0, {"product_id": frame, "quantity": 1, "sequence": 1}),
                (0, 0, {"product_id": beam, "quantity": 10, "sequence": 2}),
            ],
        },
    )
    [beam_line] = admin.call("product.recipe.line", "search", [("product_id", "=", beam)])
    return bay, beam_line


def _item(client, sheet_id):
    [line] = client.call(
        "crm.evaluation.sheet.line",
        "search_read",
        [("sheet_id", "=", sheet_id)],
        ["price_unit", "price_subtotal", "components_preview", "recipe_snapshot"],
    )
    [sheet] = client.call("crm.evaluation.sheet", "read", [sheet_id], ["amount_total"])
    return sheet["amount_total"], line


def _assert_ten_beams(client, sheet_id):
    total, line = _item(client, sheet_id)
    assert total == pytest.approx(249.0)
    assert line["price_subtotal"] == pytest.approx(249.0)
    assert line["price_unit"] == pytest.approx(249.0)
    assert "10 Units RPC Kept Beam" in line["components_preview"]
    assert line["recipe_snapshot"]["components"][1][2] == 10.0


def test_sheet_terms_changed_after_the_recipe(admin, salesman, sales_manager, bay):
    bay_id, beam_line = bay
    partner = salesman.call("res.partner", "create", {"name": "RPC Kept Recipe Customer"})
    other = salesman.call("res.partner", "create", {"name": "RPC Kept Recipe Other"})
    pricelist = admin.call("product.pricelist", "create", {"name": f"RPC Kept {os.getpid()}"})
    sheet_id = salesman.call(
        "crm.evaluation.sheet",
        "create",
        {
            "partner_id": partner,
            "pricelist_id": False,
            "line_ids": [(0, 0, {"product_id": bay_id, "product_uom_qty": 1})],
        },
    )
    _assert_ten_beams(salesman, sheet_id)
    sales_manager.call("product.recipe.line", "write", [beam_line], {"quantity": 20})
    try:
        _assert_ten_beams(salesman, sheet_id)
        for vals in (
            {"date": "2020-01-15"},
            {"partner_id": other},
            {"pricelist_id": pricelist},
        ):
            salesman.call("crm.evaluation.sheet", "write", [sheet_id], vals)
            _assert_ten_beams(salesman, sheet_id)
        salesman.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
        order_id = salesman.call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])[
            "res_id"
        ]
        [order] = salesman.call("sale.order", "read", [order_id], ["amount_untaxed"])
        assert order["amount_untaxed"] == pytest.approx(249.0)
        # reopened, Update Prices takes the recipe of the day
        salesman.call("crm.evaluation.sheet", "action_start", [sheet_id])
        salesman.call("crm.evaluation.sheet", "action_update_prices", [sheet_id])
        total, line = _item(salesman, sheet_id)
        assert total == pytest.approx(434.0)
        assert "20 Units RPC Kept Beam" in line["components_preview"]
    finally:
        sales_manager.call("product.recipe.line", "write", [beam_line], {"quantity": 10})
