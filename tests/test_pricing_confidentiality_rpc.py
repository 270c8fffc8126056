"""crm_pricing over XML-RPC: a pricelist rule's conditions (client, client
group, turnover and purchase thresholds, payment condition) are confidential.
Salespeople and accounting read them; any other user (warehouse, an employee
without sales rights, a portal customer) gets an AccessError (fault 4) reading
or searching them, and still works with the orders the rules price."""

import pytest

pytestmark = pytest.mark.addon("crm_pricing")

MODEL = "product.pricelist.item"
CONFIDENTIAL = (
    "partner_id",
    "partner_category_id",
    "turnover_period",
    "turnover_period_ref",
    "min_turnover",
    "purchase_categ_id",
    "min_period_qty",
    "min_categ_amount",
    "payment_condition",
    "payment_max_days",
)


@pytest.fixture(scope="module")
def stock_user(make_user):
    return make_user(["stock.group_stock_user"], "conf_stock")


@pytest.fixture(scope="module")
def setup(admin, make_turnover_client):
    """A client with 1,500.00 of turnover this year, a pricelist whose rule
    gives it 10 % from 1,000.00 of turnover in the year to date."""
    partner_id, product_id = make_turnover_client("Confidential Client", 3, 500.0)
    pricelist_id = admin.call("product.pricelist", "create", {"name": "Confidential tiers"})
    rule_id = admin.call(
        MODEL,
        "create",
        {
            "pricelist_id": pricelist_id,
            "pricing_label": "Gold tier",
            "partner_id": partner_id,
            "compute_price": "percentage",
            "percent_price": 10.0,
            "turnover_period": "year",
            "turnover_period_ref": "current",
            "min_turnover": 1000.0,
            "payment_condition": True,
            "payment_max_days": 3650,
        },
    )
    term_id = admin.call(
        "ir.model.data", "check_object_reference", "account", "account_payment_term_immediate"
    )[1]
    return {
        "partner_id": partner_id,
        "product_id": product_id,
        "pricelist_id": pricelist_id,
        "rule_id": rule_id,
        "term_id": term_id,
    }


#: a warehouse user: Odoo's stock comes with crm_supply (sale_stock)
@pytest.mark.addon("crm_pricing", "crm_supply")
def test_conditions_refused_to_users_without_sales_or_accounting(
    setup, stock_user, employee, portal, expect_fault
):
    rule_id = setup["rule_id"]
    for user in (stock_user, employee, portal):
        for fname in CONFIDENTIAL:
            expect_fault(user.call, MODEL, "read", [rule_id], [fname], codes=(4,))
            expect_fault(
                user.call,
                MODEL,
                "search_read",
                [("id", "=", rule_id)],
                fields=[fname],
                codes=(4,),
            )
            expect_fault(user.call, MODEL, "search", [(fname, "!=", False)], codes=(4,))
            expect_fault(
                user.call,
                MODEL,
                "web_search_read",
                [("id", "=", rule_id)],
                {fname: {}},
                codes=(4,),
            )
    for user in (stock_user, employee):
        # a plain read and fields_get leave the conditions out
        [row] = user.call(MODEL, "read", [rule_id])
        assert not set(CONFIDENTIAL) & set(row)
        assert row["pricing_label"] == "Gold tier"
        assert row["is_conditional"] is True
        assert not set(CONFIDENTIAL) & set(user.call(MODEL, "fields_get"))
        # the views load, without the conditions
        views = user.call(MODEL, "get_views", [[False, "form"], [False, "list"]])
        arch = views["views"]["form"]["arch"] + views["views"]["list"]["arch"]
        assert 'name="pricing_label"' in arch
        assert not [f for f in CONFIDENTIAL if f'name="{f}"' in arch]


def test_salesperson_and_accounting_read_conditions(setup, salesman, billing):
    for user in (salesman, billing):
        [row] = user.call(MODEL, "read", [setup["rule_id"]], list(CONFIDENTIAL))
        assert row["partner_id"][0] == setup["partner_id"]
        assert (row["turnover_period"], row["min_turnover"]) == ("year", 1000.0)
        assert user.call(MODEL, "search", [("min_turnover", ">=", 1000.0)]) != []
        views = user.call(MODEL, "get_views", [[False, "form"]])
        assert 'name="min_turnover"' in views["views"]["form"]["arch"]


@pytest.mark.addon("crm_pricing", "crm_supply")
def test_order_priced_and_delivered_by_the_warehouse(setup, salesman, stock_user):
    order_id = salesman.call(
        "sale.order",
        "create",
        {
            "partner_id": setup["partner_id"],
            "pricelist_id": setup["pricelist_id"],
            "payment_term_id": setup["term_id"],
            "order_line": [(0, 0, {"product_id": setup["product_id"], "product_uom_qty": 2})],
        },
    )
    salesman.call("sale.order", "action_confirm", [order_id])
    [picking] = stock_user.call(
        "stock.picking", "search_read", [("sale_id", "=", order_id)], fields=["id"]
    )
    domain = [("picking_id", "=", picking["id"])]
    moves = stock_user.call("stock.move", "search_read", domain, fields=["product_uom_qty"])
    for move in moves:
        stock_user.call(
            "stock.move",
            "write",
            [move["id"]],
            {"quantity": move["product_uom_qty"], "picked": True},
        )
    stock_user.call("stock.picking", "button_validate", [picking["id"]])
    [done] = stock_user.call("stock.picking", "read", [picking["id"]], ["state"])
    assert done["state"] == "done"
    [line] = salesman.call(
        "sale.order.line",
        "search_read",
        [("order_id", "=", order_id)],
        fields=["price_subtotal", "qty_delivered", "pricing_explanation"],
    )
    assert line["price_subtotal"] == pytest.approx(180.0)
    assert line["qty_delivered"] == pytest.approx(2.0)
    assert line["pricing_explanation"].startswith("Gold tier: turnover ")


def test_kept_explanation_gives_figures_to_who_may_see_them(
    admin, make_turnover_client, salesman, salesman_b, sales_manager
):
    """A line priced by a sales manager keeps an explanation with the client's
    turnover; the order's salesperson, who may not see that client's turnover
    (the client is another salesperson's), reads the rule's label only."""
    partner_id, product_id = make_turnover_client("Kept Explanation Client", 3, 500.0)
    admin.call("res.partner", "write", [partner_id], {"user_id": salesman_b.uid})
    pricelist_id = admin.call("product.pricelist", "create", {"name": "Kept explanations"})
    admin.call(
        MODEL,
        "create",
        {
            "pricelist_id": pricelist_id,
            "pricing_label": "Gold tier",
            "partner_id": partner_id,
            "compute_price": "percentage",
            "percent_price": 10.0,
            "turnover_period": "year",
            "turnover_period_ref": "current",
            "min_turnover": 1000.0,
        },
    )
    order_id = salesman.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "user_id": salesman.uid,
            "pricelist_id": pricelist_id,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 1})],
        },
    )
    sales_manager.call("sale.order", "action_update_prices", [order_id])
    domain = [("order_id", "=", order_id)]
    [line] = sales_manager.call("sale.order.line", "search_read", domain, ["pricing_explanation"])
    assert line["pricing_explanation"].startswith("Gold tier: turnover"), line
    assert "1,500.00" in line["pricing_explanation"]
    [line] = salesman.call(
        "sale.order.line",
        "search_read",
        domain,
        ["pricing_explanation", "crm_pricing_explanation_label", "price_subtotal"],
    )
    assert line["pricing_explanation"] == "Gold tier", line
    assert "1,500" not in str(line)
    assert line["price_subtotal"] == pytest.approx(90.0)
    with pytest.raises(Exception, match="AccessError|not allowed|rights"):
        salesman.call("sale.order.line", "search_read", domain, ["crm_pricing_explanation_full"])


def test_kept_figures_stay_their_clients(
    admin, make_turnover_client, salesman, salesman_b, sales_manager
):
    """The figures a line's explanation keeps are its client's: when a sales
    manager gives the quotation another client, or copies it for another
    client, the order's salesperson (who may see the new client's turnover,
    not the first's) still reads the rule's label only."""
    partner_id, product_id = make_turnover_client("Figures Owner Client", 3, 500.0)
    admin.call("res.partner", "write", [partner_id], {"user_id": salesman_b.uid})
    # nobody's client: every salesperson sees its turnover
    other_id = admin.call(
        "res.partner", "create", {"name": "Figures Other Client", "is_company": True}
    )
    pricelist_id = admin.call("product.pricelist", "create", {"name": "Figures tiers"})
    admin.call(
        MODEL,
        "create",
        {
            "pricelist_id": pricelist_id,
            "pricing_label": "Gold tier",
            "compute_price": "percentage",
            "percent_price": 10.0,
            "turnover_period": "year",
            "turnover_period_ref": "current",
            "min_turnover": 1000.0,
        },
    )
    order_id = sales_manager.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "pricelist_id": pricelist_id,
            "user_id": salesman.uid,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 1})],
        },
    )

    def explanation(client, order):
        [line] = client.call(
            "sale.order.line",
            "search_read",
            [("order_id", "=", order)],
            ["pricing_explanation", "price_subtotal"],
        )
        assert line["price_subtotal"] == pytest.approx(90.0)
        return line["pricing_explanation"]

    assert explanation(salesman, order_id) == "Gold tier"
    assert "1,500.00" in explanation(sales_manager, order_id)
    copy = sales_manager.call(
        "sale.order", "copy", [order_id], {"partner_id": other_id, "user_id": salesman.uid}
    )
    copy_id = copy[0] if isinstance(copy, list) else copy
    sales_manager.call("sale.order", "write", [order_id], {"partner_id": other_id})
    for order in (order_id, copy_id):
        assert explanation(salesman, order) == "Gold tier"
        assert "1,500.00" in explanation(sales_manager, order)


def test_product_managers_create_and_duplicate_plain_pricelists(make_user, admin):
    """Odoo lets product managers create and duplicate pricelists: the suite's
    fields with their defaults do not stop them; a client's rule does."""
    manager = make_user(["base.group_user", "product.group_product_manager"], "conf_product")
    pricelist_id = manager.call(
        "product.pricelist",
        "create",
        {
            "name": "Retail plain",
            "stacking_policy": "best",
            "item_ids": [
                (0, 0, {"compute_price": "percentage", "percent_price": 5, "sequence": 10})
            ],
        },
    )
    copy_id = manager.call("product.pricelist", "copy", [pricelist_id])
    assert copy_id
    partner_id = admin.call("res.partner", "create", {"name": "Conditional Copy Client"})
    admin.call(
        MODEL,
        "create",
        {
            "pricelist_id": pricelist_id,
            "partner_id": partner_id,
            "percent_price": 7,
            "compute_price": "percentage",
        },
    )
    with pytest.raises(Exception, match="AccessError|only sales managers"):
        manager.call("product.pricelist", "copy", [pricelist_id])
