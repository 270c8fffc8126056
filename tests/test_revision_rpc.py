"""Revisions of quotations over XML-RPC: what a revised quotation holds goes
to its revision (crm_supply's reservations, through crm_suite_base's
``sale.order._crm_hand_over_to`` hook, when crm_evaluation_sheet revises)."""

import datetime
import os

import pytest
from conftest import stocked_product

_BOTH = pytest.mark.addon("crm_evaluation_sheet", "crm_supply")


@pytest.fixture(scope="module")
def goods(admin):
    """A storable product with 5 units in the main warehouse, a customer."""
    tag = os.getpid()
    warehouse = admin.call("stock.warehouse", "search_read", [], ["id"], limit=1)[0]
    product_id = stocked_product(admin, f"RPC Revision Rack {tag}", 5.0)
    partner_id = admin.call("res.partner", "create", {"name": f"RPC Revision Customer {tag}"})
    return {"product": product_id, "partner": partner_id, "warehouse": warehouse["id"]}


def _free(client, goods):
    [product] = client.call(
        "product.product",
        "read",
        [goods["product"]],
        ["qty_reserved_proforma", "qty_free_to_sell"],
        context={"warehouse_id": goods["warehouse"]},
    )
    return product["qty_reserved_proforma"], product["qty_free_to_sell"]


def _held(client, order_id):
    return [
        (r["order_line_id"] and r["order_line_id"][0], r["quantity"], r["date_expiry"])
        for r in client.call(
            "sale.stock.reservation",
            "search_read",
            [("order_id", "=", order_id), ("state", "=", "reserved")],
            ["order_line_id", "quantity", "date_expiry"],
        )
    ]


@_BOTH
def test_revise_hands_the_reservations_over(salesman, goods):
    call = salesman.call
    expiry = (datetime.date.today() + datetime.timedelta(days=4)).isoformat()
    order_id = call(
        "sale.order",
        "create",
        {
            "partner_id": goods["partner"],
            "user_id": salesman.uid,
            "reservation_expiry_date": expiry,
            "order_line": [(0, 0, {"product_id": goods["product"], "product_uom_qty": 3})],
        },
    )
    assert call("sale.order", "action_reserve_stock", [order_id]) is True
    assert _free(salesman, goods) == (3.0, 2.0)
    revision_id = call("sale.order", "action_revise", [order_id])["res_id"]
    assert call("sale.order", "read", [order_id], ["state"])[0]["state"] == "cancel"
    # the stock stays held, by the revision, until the same day
    [line_id] = call("sale.order.line", "search", [("order_id", "=", revision_id)])
    assert _held(salesman, revision_id) == [(line_id, 3.0, expiry)]
    assert _held(salesman, order_id) == []
    assert _free(salesman, goods) == (3.0, 2.0)
    [revision] = call(
        "sale.order", "read", [revision_id], ["reservation_expiry_date", "has_reservation"]
    )
    assert revision["reservation_expiry_date"] == expiry
    assert revision["has_reservation"] is True
    assert call("sale.order", "action_release_stock", [revision_id]) is True
    assert _free(salesman, goods) == (0.0, 5.0)


@_BOTH
def test_regenerated_quotation_keeps_the_reservations(salesman, goods):
    call = salesman.call
    sheet_id = call(
        "crm.evaluation.sheet",
        "create",
        {
            "partner_id": goods["partner"],
            "line_ids": [(0, 0, {"product_id": goods["product"], "product_uom_qty": 2})],
        },
    )
    call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    order_id = call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])["res_id"]
    assert call("sale.order", "action_reserve_stock", [order_id]) is True
    assert _free(salesman, goods) == (2.0, 3.0)
    # reopen the sheet, finalize it again and generate: the next revision
    call("crm.evaluation.sheet", "action_start", [sheet_id])
    call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    new_id = call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])["res_id"]
    assert new_id != order_id
    assert call("sale.order", "read", [order_id], ["state"])[0]["state"] == "cancel"
    [line_id] = call(
        "sale.order.line",
        "search",
        [("order_id", "=", new_id), ("product_id", "=", goods["product"])],
    )
    assert [(line, qty) for line, qty, _day in _held(salesman, new_id)] == [(line_id, 2.0)]
    assert _free(salesman, goods) == (2.0, 3.0)
    call("sale.order", "action_release_stock", [new_id])


@pytest.mark.addon("crm_evaluation_sheet")
def test_quotation_of_a_finalized_sheet_keeps_its_prices(admin, salesman):
    """The reviewer's case: a service at 100, 2 units, finalized, the list
    price then raised to 150: the quotation is 200, the sheet's estimate; and
    an item priced from its components keeps their prices too."""
    tag = os.getpid()
    service_id = admin.call(
        "product.product",
        "create",
        {
            "name": f"RPC Priced Service {tag}",
            "type": "service",
            "list_price": 100.0,
            "taxes_id": [(6, 0, [])],
        },
    )
    part_id = admin.call(
        "product.product",
        "create",
        {"name": f"RPC Priced Part {tag}", "list_price": 4.0, "taxes_id": [(6, 0, [])]},
    )
    kit_tmpl_id = admin.call(
        "product.template",
        "create",
        {
            "name": f"RPC Priced Kit {tag}",
            "type": "service",
            "taxes_id": [(6, 0, [])],
            "recipe_line_ids": [(0, 0, {"product_id": part_id, "quantity": 3})],
        },
    )
    [kit_id] = admin.call("product.product", "search", [("product_tmpl_id", "=", kit_tmpl_id)])
    partner_id = admin.call("res.partner", "create", {"name": f"RPC Priced Customer {tag}"})
    call = salesman.call
    sheet_id = call(
        "crm.evaluation.sheet",
        "create",
        {
            "partner_id": partner_id,
            "line_ids": [
                (0, 0, {"product_id": service_id, "product_uom_qty": 2}),
                (0, 0, {"product_id": kit_id, "product_uom_qty": 1}),
            ],
        },
    )
    call("crm.evaluation.sheet", "action_finalize", [sheet_id])
    [sheet] = call("crm.evaluation.sheet", "read", [sheet_id], ["amount_total"])
    assert sheet["amount_total"] == 2 * 100.0 + 3 * 4.0
    admin.call("product.product", "write", [service_id], {"list_price": 150.0})
    admin.call("product.product", "write", [part_id], {"list_price": 5.0})
    order_id = call("crm.evaluation.sheet", "action_generate_quotation", [sheet_id])["res_id"]
    [order] = call("sale.order", "read", [order_id], ["amount_untaxed"])
    assert order["amount_untaxed"] == sheet["amount_total"]
    lines = call(
        "sale.order.line",
        "search_read",
        [("order_id", "=", order_id), ("display_type", "=", False)],
        ["product_id", "price_unit"],
        order="sequence",
    )
    assert [(line["product_id"][0], line["price_unit"]) for line in lines] == [
        (service_id, 100.0),
        (part_id, 4.0),
    ]
