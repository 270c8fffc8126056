"""crm_supply over XML-RPC: supplier orders receive into the customer
document's warehouse (not the company's first one), ordering again after the
RFQ is sent or the purchase order confirmed orders nothing twice, and the
product labels of purchase and invoice lines show the figures of the Free to
Sell column next to them (the receipt warehouse's, the invoice's company's)."""

import os
import xmlrpc.client

import pytest
from conftest import new_company, stocked_product

pytestmark = pytest.mark.addon("crm_supply")


def _label(name, free, held=0):
    """The label as Odoo writes quantities in English: at the precision of
    the quantity fields (2 digits), with its separators."""
    return f"{name} (free to sell: {free:,.2f}, reserved: {held:,.2f})"


def _call_none(client, model, method, ids, **kwargs):
    """Call a method that returns None, which XML-RPC cannot send back (the
    call is done all the same: the fault comes after its commit)."""
    try:
        client.call(model, method, ids, **kwargs)
    except xmlrpc.client.Fault as fault:
        assert "cannot marshal None" in fault.faultString, fault.faultString


def _set_stock(admin, product_id, location_id, qty, company_id=None):
    """``qty`` units of the product in the location (Odoo's inventory mode)."""
    context = {"inventory_mode": True}
    if company_id:
        context["allowed_company_ids"] = [company_id]
    quant_id = admin.call(
        "stock.quant",
        "create",
        {"product_id": product_id, "location_id": location_id, "inventory_quantity": qty},
        context=context,
    )
    _call_none(admin, "stock.quant", "action_apply_inventory", [quant_id], context=context)
    [quant] = admin.call("stock.quant", "read", [quant_id], ["quantity"], context=context)
    assert quant["quantity"] == qty


@pytest.fixture(scope="module")
def buyer(make_user):
    return make_user(
        ["sales_team.group_sale_salesman", "purchase.group_purchase_user"], "supply_wh_buyer"
    )


@pytest.fixture(scope="module")
def setup(admin):
    """Two warehouses of the admin's company and a customer."""
    [me] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    company_id = me["company_id"][0]
    wh1 = admin.call(
        "stock.warehouse",
        "search_read",
        [("company_id", "=", company_id)],
        ["lot_stock_id", "in_type_id"],
        limit=1,
    )[0]
    pid = os.getpid()
    wh2_id = admin.call(
        "stock.warehouse",
        "create",
        {
            "name": f"RPC Second Warehouse {pid}",
            "code": f"T{pid % 10000}",
            "company_id": company_id,
        },
    )
    [wh2] = admin.call("stock.warehouse", "read", [wh2_id], ["lot_stock_id", "in_type_id"])
    customer_id = admin.call("res.partner", "create", {"name": f"RPC Warehouse Customer {pid}"})
    return {"company": company_id, "wh1": wh1, "wh2": wh2, "customer": customer_id}


def _part(admin, setup, tag):
    """A product of its own vendor (no draft of another test to share), with
    10 units in the first warehouse and 2 in the second."""
    pid = os.getpid()
    vendor_id = admin.call("res.partner", "create", {"name": f"RPC {tag} Vendor {pid}"})
    name = f"RPC {tag} Part {pid}"
    product_id = stocked_product(admin, name, 10.0)
    [row] = admin.call("product.product", "read", [product_id], ["product_tmpl_id"])
    admin.call(
        "product.supplierinfo",
        "create",
        {"partner_id": vendor_id, "product_tmpl_id": row["product_tmpl_id"][0], "price": 2.0},
    )
    _set_stock(admin, product_id, setup["wh2"]["lot_stock_id"][0], 2.0)
    return {**setup, "product": product_id, "name": name, "vendor": vendor_id}


def _order(client, setup, qty, warehouse):
    return client.call(
        "sale.order",
        "create",
        {
            "partner_id": setup["customer"],
            "user_id": client.uid,
            "warehouse_id": warehouse["id"],
            "order_line": [(0, 0, {"product_id": setup["product"], "product_uom_qty": qty})],
        },
    )


def _supplier_orders(client, order_id):
    [order] = client.call("sale.order", "read", [order_id], ["crm_purchase_order_ids"])
    return order["crm_purchase_order_ids"]


def _po(client, po_id):
    [po] = client.call(
        "purchase.order",
        "read",
        [po_id],
        ["picking_type_id", "state", "order_line", "partner_id", "origin"],
    )
    lines = client.call(
        "purchase.order.line",
        "read",
        po["order_line"],
        ["product_id", "product_qty", "qty_free_to_sell"],
    )
    return po, lines


def test_supplier_orders_receive_in_the_documents_warehouse(admin, buyer, setup):
    """An order of 5 in WH2 (2 in stock there) orders 3 received in WH2, not
    WH1; an order of 15 in WH1 (10 there) orders its 5 on a supplier order
    receiving in WH1, not on the WH2 line. Each supplier order's Source
    Document names the documents it orders for, as Odoo's buy rule writes it:
    a third document in WH2 adds its name to the WH2 draft, ordering again for
    the first one adds no name twice."""
    setup = _part(admin, setup, "Warehouse")
    in_wh2 = _order(buyer, setup, 5, setup["wh2"])
    buyer.call("sale.order", "action_create_supplier_orders", [in_wh2])
    [po_wh2_id] = _supplier_orders(buyer, in_wh2)
    po_wh2, lines = _po(buyer, po_wh2_id)
    assert po_wh2["partner_id"][0] == setup["vendor"]
    assert po_wh2["picking_type_id"][0] == setup["wh2"]["in_type_id"][0]
    assert [line["product_qty"] for line in lines] == [3.0]

    in_wh1 = _order(buyer, setup, 15, setup["wh1"])
    buyer.call("sale.order", "action_create_supplier_orders", [in_wh1])
    [po_wh1_id] = _supplier_orders(buyer, in_wh1)
    assert po_wh1_id != po_wh2_id
    po_wh1, lines = _po(buyer, po_wh1_id)
    assert po_wh1["picking_type_id"][0] == setup["wh1"]["in_type_id"][0]
    assert [line["product_qty"] for line in lines] == [5.0]
    assert [line["product_qty"] for line in _po(buyer, po_wh2_id)[1]] == [3.0]

    def name(order_id):
        return buyer.call("sale.order", "read", [order_id], ["name"])[0]["name"]

    assert po_wh2["origin"] == name(in_wh2)
    assert po_wh1["origin"] == name(in_wh1)
    again_wh2 = _order(buyer, setup, 4, setup["wh2"])
    buyer.call("sale.order", "action_create_supplier_orders", [again_wh2])
    assert _supplier_orders(buyer, again_wh2) == [po_wh2_id]
    assert _po(buyer, po_wh2_id)[0]["origin"] == f"{name(in_wh2)}, {name(again_wh2)}"
    # the WH2 draft is shared now: ordering again for the first document alone
    # orders its need again there, and names it once
    buyer.call("sale.order", "action_create_supplier_orders", [in_wh2])
    po_wh2, lines = _po(buyer, po_wh2_id)
    assert [line["product_qty"] for line in lines] == [8.0]
    assert po_wh2["origin"] == f"{name(in_wh2)}, {name(again_wh2)}"


def test_ordering_again_after_the_rfq_is_sent_or_confirmed(admin, buyer, setup):
    """12 in WH1 (10 in stock): 2 short. Sent, then confirmed, the RFQ still
    orders them: ordering again creates nothing (it created a new draft of 2
    each time)."""
    setup = _part(admin, setup, "Again")
    order_id = _order(buyer, setup, 12, setup["wh1"])
    buyer.call("sale.order", "action_create_supplier_orders", [order_id])
    [po_id] = _supplier_orders(buyer, order_id)
    assert [line["product_qty"] for line in _po(buyer, po_id)[1]] == [2.0]
    admin.call("purchase.order", "write", [po_id], {"state": "sent"})
    buyer.call("sale.order", "action_create_supplier_orders", [order_id])
    assert _supplier_orders(buyer, order_id) == [po_id]
    admin.call("purchase.order", "button_confirm", [po_id])
    assert _po(buyer, po_id)[0]["state"] == "purchase"
    buyer.call("sale.order", "action_create_supplier_orders", [order_id])
    assert _supplier_orders(buyer, order_id) == [po_id]
    assert [line["product_qty"] for line in _po(buyer, po_id)[1]] == [2.0]
    # "all": the whole line of the confirmed supplier order counts too
    buyer.call("sale.order", "action_create_supplier_orders", [order_id], mode="all")
    po_ids = _supplier_orders(buyer, order_id)
    [new_id] = set(po_ids) - {po_id}
    new, lines = _po(buyer, new_id)
    assert new["state"] == "draft"
    assert [line["product_qty"] for line in lines] == [10.0]
    # a cancelled supplier order no longer counts
    _call_none(admin, "purchase.order", "button_cancel", [new_id])
    buyer.call("sale.order", "action_create_supplier_orders", [order_id], mode="all")
    assert len(set(_supplier_orders(buyer, order_id)) - {po_id, new_id}) == 1


def test_purchase_line_label_is_its_receipt_warehouses(admin, buyer, setup):
    setup = _part(admin, setup, "PO Label")
    order_id = _order(buyer, setup, 5, setup["wh2"])
    buyer.call("sale.order", "action_create_supplier_orders", [order_id])
    [po_id] = _supplier_orders(buyer, order_id)
    po, [line] = _po(buyer, po_id)
    # the form passes the receipt warehouse to the line's product field
    views = buyer.call("purchase.order", "get_views", [[False, "form"]])
    arch = views["views"]["form"]["arch"]
    assert "'warehouse_id': parent.crm_supply_warehouse_id" in arch
    assert line["qty_free_to_sell"] == 2.0
    [po] = buyer.call("purchase.order", "read", [po_id], ["crm_supply_warehouse_id"])
    assert po["crm_supply_warehouse_id"][0] == setup["wh2"]["id"]
    [product] = buyer.call(
        "product.product",
        "read",
        [setup["product"]],
        ["display_name"],
        context={
            "crm_supply_stock_label": True,
            "warehouse_id": po["crm_supply_warehouse_id"][0],
        },
    )
    assert product["display_name"] == _label(setup["name"], line["qty_free_to_sell"])


def test_invoice_line_label_is_its_companys(admin, make_user, setup):
    """A user of two companies, both selected: the invoice line's label shows
    the invoice's company's figures, as its column; a company the user is
    not in, or not selected, gives a label without figures, never a fault."""
    setup = _part(admin, setup, "Invoice Label")
    pid = os.getpid()
    company_b = new_company(admin, f"RPC Label Company {pid}")
    # (Odoo makes a new company's warehouse at once only in its own tests)
    wh_b_id = admin.call(
        "stock.warehouse",
        "create",
        {"name": f"RPC Label Warehouse {pid}", "code": f"L{pid % 10000}", "company_id": company_b},
        context={"allowed_company_ids": [company_b]},
    )
    [wh_b] = admin.call(
        "stock.warehouse",
        "read",
        [wh_b_id],
        ["lot_stock_id"],
        context={"allowed_company_ids": [company_b]},
    )
    _set_stock(admin, setup["product"], wh_b["lot_stock_id"][0], 100.0, company_b)
    foreign = admin.call("res.company", "create", {"name": f"RPC Foreign Company {pid}"})
    user = make_user(
        ["account.group_account_invoice", "sales_team.group_sale_salesman"], "label_user"
    )
    admin.call(
        "res.users",
        "write",
        [user.uid],
        {"company_ids": [(6, 0, [setup["company"], company_b])], "company_id": setup["company"]},
    )
    move_id = admin.call(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": setup["customer"],
            "invoice_line_ids": [(0, 0, {"product_id": setup["product"], "quantity": 1})],
        },
        context={"allowed_company_ids": [setup["company"]]},
    )
    both = {"allowed_company_ids": [setup["company"], company_b]}
    [move] = user.call("account.move", "read", [move_id], ["invoice_line_ids"], context=both)
    [line] = user.call(
        "account.move.line", "read", move["invoice_line_ids"], ["qty_free_to_sell"], context=both
    )
    views = user.call("account.move", "get_views", [[False, "form"]], context=both)
    assert "'crm_supply_company_id': parent.company_id" in views["views"]["form"]["arch"]

    def label(company_id, context=both):
        [product] = user.call(
            "product.product",
            "read",
            [setup["product"]],
            ["display_name"],
            context={
                **context,
                "crm_supply_stock_label": True,
                "crm_supply_company_id": company_id,
            },
        )
        return product["display_name"]

    assert label(setup["company"]) == _label(setup["name"], line["qty_free_to_sell"])
    assert label(company_b).startswith(f"{setup['name']} (free to sell: ")
    assert label(company_b) != label(setup["company"])
    assert label(foreign) == setup["name"]
    assert label(company_b, {"allowed_company_ids": [setup["company"]]}) == setup["name"]
    assert label("1") == setup["name"]


def test_label_of_another_companys_warehouse_has_no_figures(admin, make_user, setup):
    """A salesperson of company B alone: the label names no figure of company
    A's warehouse, through ``name_search`` (which Odoo computes as superuser)
    as through ``read`` (which refused it with an AccessError); a salesperson
    of company A sees them."""
    setup = _part(admin, setup, "Foreign Label")
    pid = os.getpid()
    company_b = new_company(admin, f"RPC Label Only B {pid}")
    seller_b = make_user(["sales_team.group_sale_salesman"], "label_only_b")
    admin.call(
        "res.users",
        "write",
        [seller_b.uid],
        {"company_ids": [(6, 0, [company_b])], "company_id": company_b},
    )
    seller_a = make_user(["sales_team.group_sale_salesman"], "label_company_a")
    order_id = _order(admin, setup, 3, setup["wh1"])
    admin.call("sale.order", "action_reserve_stock", [order_id])
    [product] = admin.call("product.product", "read", [setup["product"]], ["product_tmpl_id"])
    template_id = product["product_tmpl_id"][0]
    name = setup["name"]
    records = (("product.product", setup["product"]), ("product.template", template_id))
    for model, record_id in records:
        for where in (
            {"warehouse_id": setup["wh1"]["id"]},
            {"location": setup["wh1"]["lot_stock_id"][0]},
        ):
            context = {"crm_supply_stock_label": True, **where}
            found = seller_a.call(model, "name_search", name, context=context)
            assert found == [[record_id, _label(name, 7, 3)]], (model, where)
            found = seller_b.call(model, "name_search", name, context=context)
            assert found == [[record_id, name]], (model, where)
            try:
                [row] = seller_b.call(model, "read", [record_id], ["display_name"], context=context)
            except xmlrpc.client.Fault as fault:
                # Odoo's own stock describes the context's location in fields_get
                # (reading its usage as the user), which read may call: a
                # location of another company is refused there, not by the label
                assert "location" in where and "Inventory Locations" in fault.faultString
            else:
                assert row["display_name"] == name, (model, where)


def test_sale_line_label_leaves_its_orders_reservations_out(admin, buyer, make_user, setup):
    """Picking a product on a line of a proforma: the label leaves the order's
    own reservations out, as the line's Free to Sell column does; the context
    key naming the order leaves out only an order the user may read (another
    salesperson's own order is counted)."""
    setup = _part(admin, setup, "Own Order Label")
    order_id = _order(buyer, setup, 4, setup["wh1"])
    buyer.call("sale.order", "action_reserve_stock", [order_id])
    [order] = buyer.call("sale.order", "read", [order_id], ["order_line"])
    [line] = buyer.call(
        "sale.order.line",
        "read",
        order["order_line"],
        ["qty_free_to_sell", "qty_reserved_proforma", "product_template_id"],
    )
    assert (line["qty_free_to_sell"], line["qty_reserved_proforma"]) == (10.0, 0.0)
    views = buyer.call("sale.order", "get_views", [[False, "form"]])
    assert "'crm_supply_order_id': parent.id" in views["views"]["form"]["arch"]
    template_id = line["product_template_id"][0]
    context = {
        "crm_supply_stock_label": True,
        "warehouse_id": setup["wh1"]["id"],
        "crm_supply_order_id": order_id,
    }
    name = setup["name"]
    own = _label(name, line["qty_free_to_sell"], line["qty_reserved_proforma"])
    assert buyer.call("product.template", "name_search", name, context=context) == [
        [template_id, own]
    ]
    [row] = buyer.call("product.template", "read", [template_id], ["display_name"], context=context)
    assert row["display_name"] == own
    other = make_user(["sales_team.group_sale_salesman"], "label_other_seller")
    for client, order_key in ((other, order_id), (buyer, str(order_id)), (buyer, False)):
        found = client.call(
            "product.template",
            "name_search",
            name,
            context={**context, "crm_supply_order_id": order_key},
        )
        assert found == [[template_id, _label(name, 6, 4)]], order_key


def test_vendor_contact_of_another_company_is_no_vendor(admin, make_user, expect_fault, setup):
    """A shared product whose vendor line (of every company) names a vendor
    contact restricted to company A: a company-B document has no vendor for
    it, a clear error whichever companies are selected (it made a company-B
    purchase order from A's vendor with both selected, and failed with an
    AccessError on the contact with B alone); the product's next vendor, a
    shared contact, buys for B."""
    pid = os.getpid()
    company_a = setup["company"]
    company_b = new_company(admin, f"RPC Vendor Company B {pid}")
    only_b = {"allowed_company_ids": [company_b]}
    wh_b = admin.call(
        "stock.warehouse",
        "create",
        {
            "name": f"RPC Vendor Warehouse B {pid}",
            "code": f"V{pid % 10000}",
            "company_id": company_b,
        },
        context=only_b,
    )
    vendor_a = admin.call(
        "res.partner", "create", {"name": f"RPC Vendor of A {pid}", "company_id": company_a}
    )
    name = f"RPC Foreign Vendor Part {pid}"
    product_id = admin.call("product.product", "create", {"name": name, "is_storable": True})
    [row] = admin.call("product.product", "read", [product_id], ["product_tmpl_id"])
    template_id = row["product_tmpl_id"][0]
    admin.call(
        "product.supplierinfo",
        "create",
        {"partner_id": vendor_a, "product_tmpl_id": template_id, "price": 2.0, "company_id": False},
    )
    buyer = make_user(
        ["sales_team.group_sale_salesman", "purchase.group_purchase_user"], "vendor_co_buyer"
    )
    admin.call(
        "res.users",
        "write",
        [buyer.uid],
        {"company_ids": [(6, 0, [company_a, company_b])], "company_id": company_a},
    )

    def order(context):
        return buyer.call(
            "sale.order",
            "create",
            {
                "partner_id": setup["customer"],
                "company_id": company_b,
                "warehouse_id": wh_b,
                "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 3})],
            },
            context=context,
        )

    for allowed in ([company_b, company_a], [company_b]):
        context = {"allowed_company_ids": allowed}
        order_id = order(context)
        fault = expect_fault(
            buyer.call,
            "sale.order",
            "action_create_supplier_orders",
            [order_id],
            mode="all",
            context=context,
        )
        assert f"no vendor: {name}" in fault.faultString
        [row] = buyer.call(
            "sale.order", "read", [order_id], ["crm_purchase_order_ids"], context=context
        )
        assert row["crm_purchase_order_ids"] == []
    assert admin.call("purchase.order", "search", [("partner_id", "=", vendor_a)]) == []

    shared_vendor = admin.call("res.partner", "create", {"name": f"RPC Shared Vendor {pid}"})
    admin.call(
        "product.supplierinfo",
        "create",
        {
            "partner_id": shared_vendor,
            "product_tmpl_id": template_id,
            "price": 3.0,
            "sequence": 20,
            "company_id": False,
        },
    )
    order_id = order(only_b)
    buyer.call(
        "sale.order", "action_create_supplier_orders", [order_id], mode="all", context=only_b
    )
    [po_id] = buyer.call(
        "sale.order", "read", [order_id], ["crm_purchase_order_ids"], context=only_b
    )[0]["crm_purchase_order_ids"]
    [po] = buyer.call(
        "purchase.order",
        "read",
        [po_id],
        ["partner_id", "company_id", "order_line"],
        context=only_b,
    )
    assert po["partner_id"][0] == shared_vendor
    assert po["company_id"][0] == company_b
    [line] = buyer.call(
        "purchase.order.line",
        "read",
        po["order_line"],
        ["product_qty", "price_unit"],
        context=only_b,
    )
    assert (line["product_qty"], line["price_unit"]) == (3.0, 3.0)
