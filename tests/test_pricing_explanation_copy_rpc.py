"""crm_pricing over XML-RPC: a copy of a quotation (Duplicate, a revision by
crm_evaluation_sheet) keeps its lines' prices, a price set by hand included,
and the explanations that go with them; a price recomputed on the copy gets
its own explanation."""

import os

import pytest

SILVER = "Silver tier"


@pytest.fixture(scope="module")
def tiers(sales_manager, make_turnover_client):
    """A client with 1,000.00 of turnover this year, a product at 100.00 and a
    pricelist giving that client 20 % off from 500.00 of turnover."""
    partner_id, product_id = make_turnover_client("RPC Copy Client")
    pricelist_id = sales_manager.call(
        "product.pricelist", "create", {"name": f"RPC Copy Tiers {os.getpid()}"}
    )
    sales_manager.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist_id,
            "pricing_label": SILVER,
            "partner_id": partner_id,
            "applied_on": "3_global",
            "compute_price": "percentage",
            "percent_price": 20.0,
            "turnover_period": "year",
            "turnover_period_ref": "current",
            "min_turnover": 500.0,
        },
    )
    return {"partner": partner_id, "product": product_id, "pricelist": pricelist_id}


def _lines(client, order_id):
    return [
        (line["price_unit"], line["pricing_explanation"])
        for line in client.call(
            "sale.order.line",
            "search_read",
            [("order_id", "=", order_id), ("display_type", "=", False)],
            ["price_unit", "pricing_explanation"],
            order="sequence, id",
        )
    ]


def _quotation(salesman, tiers):
    """A quotation of two lines: the rule's price, and a price set by hand
    (77.00) that keeps the explanation of the rule's price it replaced."""
    order_id = salesman.call(
        "sale.order",
        "create",
        {
            "partner_id": tiers["partner"],
            "pricelist_id": tiers["pricelist"],
            "user_id": salesman.uid,
            "order_line": [
                (0, 0, {"product_id": tiers["product"], "product_uom_qty": 1, "sequence": 1}),
                (0, 0, {"product_id": tiers["product"], "product_uom_qty": 1, "sequence": 2}),
            ],
        },
    )
    [_auto, manual] = salesman.call(
        "sale.order.line", "search", [("order_id", "=", order_id)], order="sequence, id"
    )
    salesman.call("sale.order.line", "write", [manual], {"price_unit": 77.0})
    lines = _lines(salesman, order_id)
    assert [price for price, _text in lines] == [pytest.approx(80.0), pytest.approx(77.0)]
    assert all(text and text.startswith(SILVER) for _price, text in lines)
    return order_id, lines


@pytest.mark.addon("crm_pricing")
def test_duplicate_keeps_explanations(salesman, tiers, expect_fault):
    order_id, lines = _quotation(salesman, tiers)
    copy = salesman.call("sale.order", "copy", [order_id])
    copy_id = copy[0] if isinstance(copy, list) else copy
    assert _lines(salesman, copy_id) == lines
    # the salesperson still cannot write the explanations themselves
    [line_id] = salesman.call(
        "sale.order.line", "search", [("order_id", "=", copy_id), ("price_unit", "=", 77.0)]
    )
    fault = expect_fault(
        salesman.call,
        "sale.order.line",
        "write",
        [line_id],
        {"crm_pricing_explanation_label": "Mine"},
    )
    assert "cannot be written directly" in fault.faultString
    assert _lines(salesman, copy_id) == lines


@pytest.mark.addon("crm_pricing", "crm_evaluation_sheet")
def test_revision_keeps_explanations_until_update_prices(salesman, tiers):
    order_id, lines = _quotation(salesman, tiers)
    action = salesman.call("sale.order", "action_revise", [order_id])
    revision_id = action["res_id"]
    assert revision_id != order_id
    assert _lines(salesman, revision_id) == lines
    # a new quantity recomputes the rule's price and its explanation; the
    # price set by hand and its explanation stay
    lines_ids = salesman.call(
        "sale.order.line", "search", [("order_id", "=", revision_id)], order="sequence, id"
    )
    salesman.call("sale.order.line", "write", lines_ids, {"product_uom_qty": 2})
    assert _lines(salesman, revision_id) == lines
    # Update Prices recomputes both, with fresh explanations
    assert salesman.call("sale.order", "action_update_prices", [revision_id]) is True
    revised = _lines(salesman, revision_id)
    assert [price for price, _text in revised] == [pytest.approx(80.0)] * 2
    assert all(text and text.startswith(SILVER) for _price, text in revised)


@pytest.mark.addon("crm_pricing", "crm_evaluation_sheet")
def test_regenerated_quotation_explains_its_prices(salesman, tiers):
    """A sheet's quotation generated again is priced afresh: each line has
    the explanation of its price."""
    sheet_id = salesman.call(
        "crm.evaluation.sheet",
        "create",
        {
            "partner_id": tiers["partner"],
            "pricelist_id": tiers["pricelist"],
            "line_ids": [(0, 0, {"product_id": tiers["product"], "product_uom_qty": 3})],
        },
    )
    salesman.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    first = salesman.call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])
    [line_id] = salesman.call(
        "sale.order.line",
        "search",
        [("order_id", "=", first["res_id"]), ("display_type", "=", False)],
    )
    salesman.call("sale.order.line", "write", [line_id], {"price_unit": 77.0})
    # reopened and finalized again: the next quotation is generated (an
    # unchanged sheet opens its quotation as it is)
    salesman.call("crm.evaluation.sheet", "action_start", [sheet_id])
    salesman.call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    second = salesman.call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])
    assert second["res_id"] != first["res_id"]
    [(price, text)] = _lines(salesman, second["res_id"])
    # the sheet's price, the rule's, explained
    assert price == pytest.approx(80.0)
    assert text and text.startswith(SILVER)
