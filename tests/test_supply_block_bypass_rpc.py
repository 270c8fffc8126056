"""crm_supply over XML-RPC: the "block" policy holds on a confirmed order
whatever the route (a plain write of the state, a line written again with the
same quantity, a packaging quantity) and on a delivery already validated (a
done move line's quantity raised, a done move line added), and a cancelled
quotation orders nothing from suppliers. In a company of its own: its policy
touches no other test."""

import os

import pytest
from conftest import stocked_product

pytestmark = pytest.mark.addon("crm_supply")


def _call_none(client, model, method, ids, **kwargs):
    """Call a method that returns None (XML-RPC cannot send it back)."""
    try:
        client.call(model, method, ids, **kwargs)
    except Exception as exc:  # noqa: BLE001
        assert "cannot marshal None" in str(exc), exc


@pytest.fixture(scope="module")
def bypass(admin, make_sales_company):
    """A company under "block", 5 units of a product in its warehouse, 4 of
    them held by a proforma of its sales manager: 1 is free to sell."""
    setup = make_sales_company("Bypass")
    company_id = setup["company_id"]
    pid = os.getpid()
    if not admin.call("stock.warehouse", "search_count", [("company_id", "=", company_id)]):
        # Odoo's stock makes a warehouse only for the first company on some paths
        admin.call(
            "stock.warehouse",
            "create",
            {"name": f"RPC Bypass WH {pid}", "code": "RBYP", "company_id": company_id},
            context={"allowed_company_ids": [company_id]},
        )
    [warehouse] = admin.call(
        "stock.warehouse",
        "search_read",
        [("company_id", "=", company_id)],
        ["lot_stock_id"],
        context={"allowed_company_ids": [company_id]},
    )
    product_id = admin.call(
        "product.product",
        "create",
        {"name": f"RPC Bypass Item {pid}", "is_storable": True, "list_price": 10.0},
    )
    context = {"inventory_mode": True, "allowed_company_ids": [company_id]}
    quant_id = admin.call(
        "stock.quant",
        "create",
        {
            "product_id": product_id,
            "location_id": warehouse["lot_stock_id"][0],
            "inventory_quantity": 5.0,
        },
        context=context,
    )
    _call_none(admin, "stock.quant", "action_apply_inventory", [quant_id], context=context)
    [row] = admin.call("product.product", "read", [product_id], ["product_tmpl_id"])
    box_id = admin.call(
        "product.packaging",
        "create",
        {"name": f"RPC Box of 10 {pid}", "product_id": product_id, "qty": 10.0, "sales": True},
    )
    partner_id = admin.call(
        "res.partner", "create", {"name": f"RPC Bypass Customer {pid}", "company_id": company_id}
    )
    setup.update(
        warehouse=warehouse["id"],
        product=product_id,
        template=row["product_tmpl_id"][0],
        box=box_id,
        partner=partner_id,
    )
    holder = _order(setup["manager"], setup, 4)
    setup["manager"].call("sale.order", "action_reserve_stock", [holder])
    admin.call("res.company", "write", [company_id], {"reserved_stock_policy": "block"})
    assert _free(admin, setup) == (4.0, 1.0)
    return setup


def _order(client, setup, qty):
    return client.call(
        "sale.order",
        "create",
        {
            "partner_id": setup["partner"],
            "user_id": client.uid,
            "order_line": [(0, 0, {"product_id": setup["product"], "product_uom_qty": qty})],
        },
    )


def _free(client, setup):
    [product] = client.call(
        "product.product",
        "read",
        [setup["product"]],
        ["qty_free_to_sell", "qty_reserved_proforma"],
        context={"warehouse_id": setup["warehouse"], "allowed_company_ids": [setup["company_id"]]},
    )
    return product["qty_reserved_proforma"], product["qty_free_to_sell"]


def test_plain_write_of_the_state_is_refused_under_block(admin, bypass, expect_fault):
    salesman = bypass["salesman"]
    order_id = _order(salesman, bypass, 3)
    fault = expect_fault(salesman.call, "sale.order", "action_confirm", [order_id])
    assert "3.00 wanted, 1.00 free to sell" in fault.faultString
    fault = expect_fault(salesman.call, "sale.order", "write", [order_id], {"state": "sale"})
    assert "3.00 wanted, 1.00 free to sell" in fault.faultString
    [order] = salesman.call("sale.order", "read", [order_id], ["state", "picking_ids"])
    assert (order["state"], order["picking_ids"]) == ("draft", [])
    assert _free(admin, bypass) == (4.0, 1.0)


def test_confirmed_line_is_checked_on_what_its_delivery_lacks(admin, bypass, expect_fault):
    salesman = bypass["salesman"]
    company_id = bypass["company_id"]
    # written to sale while the company allowed it: no delivery
    admin.call("res.company", "write", [company_id], {"reserved_stock_policy": "allow"})
    try:
        order_id = _order(salesman, bypass, 3)
        assert salesman.call("sale.order", "write", [order_id], {"state": "sale"}) is True
    finally:
        admin.call("res.company", "write", [company_id], {"reserved_stock_policy": "block"})
    [line_id] = salesman.call("sale.order.line", "search", [("order_id", "=", order_id)])
    fault = expect_fault(
        salesman.call, "sale.order.line", "write", [line_id], {"product_uom_qty": 3}
    )
    assert "3.00 wanted, 1.00 free to sell" in fault.faultString
    [order] = salesman.call("sale.order", "read", [order_id], ["picking_ids"])
    assert order["picking_ids"] == []
    assert _free(admin, bypass) == (4.0, 1.0)
    salesman.call("sale.order", "action_cancel", [order_id])


def test_packaging_quantity_of_a_confirmed_line_is_checked(admin, bypass, expect_fault):
    salesman = bypass["salesman"]
    company_id = bypass["company_id"]
    admin.call("res.company", "write", [company_id], {"reserved_stock_policy": "allow"})
    try:
        order_id = _order(salesman, bypass, 1)
        salesman.call("sale.order", "action_confirm", [order_id])
    finally:
        admin.call("res.company", "write", [company_id], {"reserved_stock_policy": "block"})
    [line_id] = salesman.call("sale.order.line", "search", [("order_id", "=", order_id)])
    # 5 on hand, 1 going out, 4 held: nothing free; 30 is 29 more
    fault = expect_fault(
        salesman.call,
        "sale.order.line",
        "write",
        [line_id],
        {"product_packaging_id": bypass["box"], "product_packaging_qty": 3},
    )
    assert "29.00 wanted, 0.00 free to sell" in fault.faultString
    fault = expect_fault(
        salesman.call, "sale.order.line", "write", [line_id], {"product_uom_qty": 30}
    )
    assert "29.00 wanted, 0.00 free to sell" in fault.faultString
    [line] = salesman.call("sale.order.line", "read", [line_id], ["product_uom_qty"])
    assert line["product_uom_qty"] == 1.0
    [order] = admin.call(
        "sale.order",
        "read",
        [order_id],
        ["picking_ids"],
        context={"allowed_company_ids": [company_id]},
    )
    moves = admin.call(
        "stock.move",
        "search_read",
        [("picking_id", "in", order["picking_ids"]), ("state", "!=", "cancel")],
        ["product_uom_qty"],
        context={"allowed_company_ids": [company_id]},
    )
    assert sum(move["product_uom_qty"] for move in moves) == 1.0
    salesman.call("sale.order", "action_cancel", [order_id])


def test_raised_done_delivery_is_checked(admin, bypass, make_user, expect_fault):
    """A delivery of 1 validated while the company allowed it (nothing free
    to sell left beside the proforma's 4): raising its done move line, or
    adding one to it, over a plain write or create takes 1 more than is free:
    refused under block; lowering it passes and gives the unit back."""
    company_id = bypass["company_id"]
    seller = make_user(
        ["sales_team.group_sale_salesman", "stock.group_stock_user"], "bypass_seller_stock"
    )
    admin.call(
        "res.users",
        "write",
        [seller.uid],
        {"company_ids": [(4, company_id)], "company_id": company_id},
    )
    admin.call("res.company", "write", [company_id], {"reserved_stock_policy": "allow"})
    try:
        order_id = _order(seller, bypass, 1)
        seller.call("sale.order", "action_confirm", [order_id])
        [order] = seller.call("sale.order", "read", [order_id], ["picking_ids"])
        [picking_id] = order["picking_ids"]
        [move] = seller.call("stock.move", "search_read", [("picking_id", "=", picking_id)], ["id"])
        seller.call("stock.move", "write", [move["id"]], {"quantity": 1, "picked": True})
        assert seller.call("stock.picking", "button_validate", [picking_id]) is True
    finally:
        admin.call("res.company", "write", [company_id], {"reserved_stock_policy": "block"})
    [line] = seller.call(
        "stock.move.line",
        "search_read",
        [("picking_id", "=", picking_id)],
        ["state", "quantity", "location_id", "location_dest_id"],
    )
    assert (line["state"], line["quantity"]) == ("done", 1.0)
    held, free = _free(admin, bypass)
    assert held == 4.0 and free <= 0.0
    refusal = "1.00 wanted, 0.00 free to sell"
    fault = expect_fault(seller.call, "stock.move.line", "write", [line["id"]], {"quantity": 2})
    assert refusal in fault.faultString
    assert "Raising the done quantities of" in fault.faultString
    fault = expect_fault(
        seller.call,
        "stock.move.line",
        "create",
        {
            "move_id": move["id"],
            "picking_id": picking_id,
            "product_id": bypass["product"],
            "location_id": line["location_id"][0],
            "location_dest_id": line["location_dest_id"][0],
            "quantity": 1,
        },
    )
    assert refusal in fault.faultString
    [after] = seller.call("stock.move.line", "read", [line["id"]], ["quantity"])
    assert after["quantity"] == 1.0
    assert seller.call("stock.move.line", "search_count", [("picking_id", "=", picking_id)]) == 1
    assert _free(admin, bypass) == (held, free)
    # lowering the done quantity gives the unit back
    assert seller.call("stock.move.line", "write", [line["id"]], {"quantity": 0}) is True
    assert _free(admin, bypass) == (held, free + 1.0)


def test_cancelled_quotation_orders_nothing_from_suppliers(admin, make_user, expect_fault):
    buyer = make_user(
        ["sales_team.group_sale_salesman", "purchase.group_purchase_user"], "bypass_buyer"
    )
    pid = os.getpid()
    vendor_id = admin.call("res.partner", "create", {"name": f"RPC Bypass Vendor {pid}"})
    product_id = stocked_product(admin, f"RPC Bypass Part {pid}", 0.0)
    [row] = admin.call("product.product", "read", [product_id], ["product_tmpl_id"])
    admin.call(
        "product.supplierinfo",
        "create",
        {"partner_id": vendor_id, "product_tmpl_id": row["product_tmpl_id"][0], "price": 2.0},
    )
    partner_id = admin.call("res.partner", "create", {"name": f"RPC Bypass Buyer Client {pid}"})
    order_id = buyer.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "user_id": buyer.uid,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 46})],
        },
    )
    buyer.call("sale.order", "action_cancel", [order_id])
    fault = expect_fault(
        buyer.call, "sale.order", "action_create_supplier_orders", [order_id], mode="shortfall"
    )
    assert "a cancelled document orders nothing from suppliers" in fault.faultString
    assert admin.call("purchase.order", "search", [("partner_id", "=", vendor_id)]) == []
    [order] = buyer.call("sale.order", "read", [order_id], ["crm_purchase_order_ids"])
    assert order["crm_purchase_order_ids"] == []
