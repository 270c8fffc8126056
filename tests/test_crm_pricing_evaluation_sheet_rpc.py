"""crm_pricing and crm_evaluation_sheet together: a client-specific rule prices
the evaluation sheet's items as it prices the quotation's lines."""

import os

import pytest

pytestmark = pytest.mark.addon("crm_pricing", "crm_evaluation_sheet")


def test_turnover_rule_prices_sheet_item_and_quotation(
    admin, sales_manager, salesman, make_turnover_client
):
    tag = os.getpid()
    partner_id, product_id = make_turnover_client("RPC Sheet Client", price_unit=2000.0)
    pricelist_id = sales_manager.call(
        "product.pricelist", "create", {"name": f"RPC Sheet Tiers {tag}"}
    )
    sales_manager.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist_id,
            "pricing_label": "Silver tier",
            "partner_id": partner_id,
            "applied_on": "3_global",
            "compute_price": "percentage",
            "percent_price": 20.0,
            "turnover_period": "year",
            "turnover_period_ref": "current",
            "min_turnover": 1000.0,
        },
    )
    sheet_id = salesman.call(
        "crm.evaluation.sheet",
        "create",
        {
            "partner_id": partner_id,
            "pricelist_id": pricelist_id,
            "line_ids": [(0, 0, {"product_id": product_id, "product_uom_qty": 3})],
        },
    )
    [item] = salesman.call(
        "crm.evaluation.sheet.line",
        "search_read",
        [("sheet_id", "=", sheet_id)],
        fields=["price_unit", "price_subtotal"],
    )
    # 100.00 list price, 20 % for a client above 1,000.00 of turnover this year
    assert item["price_unit"] == pytest.approx(80.0)
    assert item["price_subtotal"] == pytest.approx(240.0)
    # the same rule on a client without the turnover leaves the catalogue price
    other_id = admin.call("res.partner", "create", {"name": f"RPC Sheet Other {tag}"})
    other_sheet = salesman.call(
        "crm.evaluation.sheet",
        "create",
        {
            "partner_id": other_id,
            "pricelist_id": pricelist_id,
            "line_ids": [(0, 0, {"product_id": product_id, "product_uom_qty": 3})],
        },
    )
    [other_item] = salesman.call(
        "crm.evaluation.sheet.line",
        "search_read",
        [("sheet_id", "=", other_sheet)],
        fields=["price_unit"],
    )
    assert other_item["price_unit"] == pytest.approx(100.0)
    # the quotation generated from the sheet carries the same price and says why
    salesman.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    salesman.call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])
    [order_id] = salesman.call("crm.evaluation.sheet", "read", [sheet_id], ["sale_order_ids"])[0][
        "sale_order_ids"
    ]
    lines = salesman.call(
        "sale.order.line",
        "search_read",
        [("order_id", "=", order_id), ("display_type", "=", False)],
        fields=["price_subtotal", "pricing_explanation"],
    )
    assert len(lines) == 1
    assert lines[0]["price_subtotal"] == pytest.approx(240.0)
    assert lines[0]["pricing_explanation"].startswith("Silver tier: turnover")
