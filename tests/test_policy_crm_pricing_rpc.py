"""crm_pricing under the suite's write policy (issue #24), over XML-RPC: the
rules are the sales managers', derived fields are owned, arguments and values
out of range get a clean fault (code 2 or 4) and nothing is written."""

import datetime
import json
import urllib.request

import pytest

pytestmark = pytest.mark.addon("crm_pricing")


@pytest.fixture(scope="module")
def product_manager(make_user):
    return make_user(["base.group_user", "product.group_product_manager"], "product_manager")


@pytest.fixture(scope="module")
def pricelist(admin):
    return admin.call("product.pricelist", "create", {"name": "Policy pricelist"})


def test_rules_are_the_sales_managers(
    admin, product_manager, sales_manager, pricelist, make_turnover_client, expect_fault
):
    partner_id, _product_id = make_turnover_client("Policy rule client", 1, 100.0)
    count = admin.call("product.pricelist.item", "search_count", [("pricelist_id", "=", pricelist)])
    for vals in (
        {"partner_id": partner_id},
        {"turnover_period": "year", "min_turnover": 1.0},
        {"payment_condition": True, "payment_max_days": 5},
    ):
        expect_fault(
            product_manager.call,
            "product.pricelist.item",
            "create",
            dict(vals, pricelist_id=pricelist, compute_price="percentage", percent_price=90.0),
            codes=(4,),
        )
    rule = sales_manager.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist,
            "partner_id": partner_id,
            "compute_price": "percentage",
            "percent_price": 10.0,
        },
    )
    expect_fault(
        product_manager.call,
        "product.pricelist.item",
        "write",
        [rule],
        {"percent_price": 90.0},
        codes=(4,),
    )
    expect_fault(product_manager.call, "product.pricelist.item", "unlink", [rule], codes=(4,))
    expect_fault(
        product_manager.call,
        "product.pricelist",
        "write",
        [pricelist],
        {"stacking_policy": "cumulative"},
        codes=(4,),
    )
    expect_fault(
        sales_manager.call, "product.pricelist.item", "write", [rule], {"is_conditional": False}
    )
    assert (
        admin.call("product.pricelist.item", "search_count", [("pricelist_id", "=", pricelist)])
        == count + 1
    )
    assert (
        admin.call("product.pricelist.item", "read", [rule], ["percent_price"])[0]["percent_price"]
        == 10.0
    )


def test_rule_values_out_of_range(admin, sales_manager, pricelist, expect_fault):
    count = admin.call("product.pricelist.item", "search_count", [("pricelist_id", "=", pricelist)])
    base = {"pricelist_id": pricelist, "compute_price": "percentage", "percent_price": 5.0}
    for vals in (
        {"turnover_period": "year", "min_turnover": 1e308},
        {"turnover_period": "year", "min_turnover": -1.0},
        {"turnover_period": "year", "min_turnover": [1000.0]},
        {"turnover_period": ["year"], "min_turnover": 10.0},
        {"payment_condition": True, "payment_max_days": 10**7},
        {"payment_condition": True, "payment_max_days": -1},
        {"date_start": "0001-01-01 00:00:00"},
        {"date_end": "9999-12-31 23:59:59"},
        {"fixed_price": 1e308, "compute_price": "fixed"},
        {"min_quantity": [1]},
    ):
        expect_fault(sales_manager.call, "product.pricelist.item", "create", dict(base, **vals))
    assert (
        admin.call("product.pricelist.item", "search_count", [("pricelist_id", "=", pricelist)])
        == count
    )


def test_explanation_and_setting_owned(
    admin, salesman, pricelist, make_turnover_client, expect_fault
):
    partner_id, product_id = make_turnover_client("Policy explained client", 1, 100.0)
    admin.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist,
            "partner_id": partner_id,
            "pricing_label": "Policy tier",
            "compute_price": "percentage",
            "percent_price": 10.0,
        },
    )
    order_id = salesman.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "pricelist_id": pricelist,
            "user_id": salesman.uid,
            "order_line": [(0, 0, {"product_id": product_id})],
        },
    )
    [line] = salesman.call(
        "sale.order.line", "search_read", [("order_id", "=", order_id)], ["pricing_explanation"]
    )
    for vals in ({"pricing_explanation": "Platinum"}, {"pricing_details": {"applied": True}}):
        expect_fault(salesman.call, "sale.order.line", "write", [line["id"]], vals)
    salesman.call("sale.order", "action_update_prices", [order_id])
    after = salesman.call("sale.order.line", "read", [line["id"]], ["pricing_explanation"])[0]
    assert after["pricing_explanation"] == line["pricing_explanation"]
    assert "Policy tier" in after["pricing_explanation"]
    [company] = admin.call("res.company", "search", [], limit=1)
    expect_fault(
        salesman.call,
        "res.company",
        "write",
        [company],
        {"crm_pricing_explanation_on_offers": True},
        codes=(4,),
    )


def test_trade_turnover_arguments(admin, salesman, make_turnover_client, expect_fault):
    partner_id, _ = make_turnover_client("Policy turnover client", 1, 100.0)
    other_id, _ = make_turnover_client("Policy turnover other", 1, 100.0)
    admin.call("res.partner", "write", [partner_id, other_id], {"user_id": salesman.uid})
    for kw in (
        {"date": "0001-01-01"},
        {"date": "9999-12-31"},
        {"date": "1899-12-31"},
        {"date": ["2026-01-01"]},
        {"date": 1e308},
        {"period": ["year"]},
        {"period": None},
        {"period_ref": {"a": 1}},
        {"company_id": 2**31 - 1},
        {"company_id": -1},
        {"company_id": 1.5},
    ):
        expect_fault(
            salesman.call, "res.partner", "get_trade_turnover", [partner_id], codes=(2, 4), **kw
        )
    for ids in ([partner_id, other_id], []):
        expect_fault(salesman.call, "res.partner", "get_trade_turnover", ids)
        expect_fault(salesman.call, "res.partner", "action_view_trade_turnover", ids)
    result = salesman.call(
        "res.partner",
        "get_trade_turnover",
        [partner_id],
        period="quarter",
        date="2200-12-31",
        context={"tz": "Mars/Olympus_Mons"},
    )
    assert result["date_to"] == "2200-12-31"
    expect_fault(
        salesman.call, "res.partner", "get_trade_turnover", [partner_id], context={"lang": "xx_XX"}
    )


def test_client_price_list_wizard(admin, salesman, pricelist, make_turnover_client, expect_fault):
    partner_id, _ = make_turnover_client("Policy price list client", 1, 100.0)
    admin.call("res.partner", "write", [partner_id], {"user_id": salesman.uid})
    for vals in ({"date": "0001-01-01"}, {"date": "9999-12-31"}, {"categ_id": [1]}):
        expect_fault(
            salesman.call,
            "crm.client.pricelist.wizard",
            "create",
            dict({"partner_id": partner_id, "pricelist_id": pricelist}, **vals),
        )
    wizards = [
        salesman.call(
            "crm.client.pricelist.wizard",
            "create",
            {"partner_id": partner_id, "pricelist_id": pricelist},
        )
        for _ in range(2)
    ]
    expect_fault(salesman.call, "crm.client.pricelist.wizard", "get_lines", wizards)
    lines = salesman.call(
        "crm.client.pricelist.wizard",
        "get_lines",
        wizards[:1],
        context={"tz": "Nowhere/Void"},
    )
    assert isinstance(lines, list)


def _gold_tier_pricelist(admin, name):
    """A pricelist whose one rule, "Gold tier", gives 10 % off to a client with
    at least 1,000 of turnover this year."""
    pricelist_id = admin.call("product.pricelist", "create", {"name": name})
    admin.call(
        "product.pricelist.item",
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
    return pricelist_id


def test_explanation_hides_another_salespersons_client_turnover(
    admin, salesman, salesman_b, sales_manager, make_turnover_client, expect_fault
):
    """A quotation salesman B makes for salesman A's client gets the turnover
    rule's price and its label, not the client's turnover (which
    get_trade_turnover refuses B); a user who may see it gets the figures."""
    partner_id, product_id = make_turnover_client("Explained tier client", 3, 500.0)
    admin.call("res.partner", "write", [partner_id], {"user_id": salesman.uid})
    pricelist_id = _gold_tier_pricelist(admin, "Explained tiers")
    expect_fault(salesman_b.call, "res.partner", "get_trade_turnover", [partner_id], codes=(4,))

    def quotation(client):
        order_id = client.call(
            "sale.order",
            "create",
            {
                "partner_id": partner_id,
                "pricelist_id": pricelist_id,
                "user_id": client.uid,
                "order_line": [(0, 0, {"product_id": product_id})],
            },
        )
        [line] = client.call(
            "sale.order.line",
            "search_read",
            [("order_id", "=", order_id)],
            ["price_subtotal", "pricing_explanation", "pricing_details"],
        )
        return order_id, line

    order_b, line_b = quotation(salesman_b)
    assert line_b["price_subtotal"] == pytest.approx(90.0)
    assert line_b["pricing_explanation"] == "Gold tier"
    assert line_b["pricing_details"]["explanation"] == "Gold tier"
    assert "1,500" not in str(line_b)
    _order_a, line_a = quotation(salesman)
    assert line_a["price_subtotal"] == pytest.approx(90.0)
    assert line_a["pricing_explanation"].startswith("Gold tier: turnover ")
    assert "1,500.00" in line_a["pricing_explanation"]
    # a sales manager updating B's prices writes the figures
    sales_manager.call("sale.order", "action_update_prices", [order_b])
    [after] = sales_manager.call("sale.order.line", "read", [line_b["id"]], ["pricing_explanation"])
    assert "1,500.00" in after["pricing_explanation"]


def test_configurator_route_ignores_pricing_parameters(admin, salesman, make_turnover_client):
    """Odoo's configurator route passes unknown parameters down to the
    pricelist: the pricing engine's own are dropped, no traceback."""
    partner_id, product_id = make_turnover_client("Configurator client", 3, 500.0)
    pricelist_id = _gold_tier_pricelist(admin, "Configurator tiers")
    [product] = admin.call("product.product", "read", [product_id], ["product_tmpl_id"])
    [user] = salesman.call("res.users", "read", [salesman.uid], ["company_id"])
    company_id = user["company_id"][0]
    [company] = admin.call("res.company", "read", [company_id], ["currency_id"])
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())

    def jsonrpc(path, params):
        request = urllib.request.Request(
            f"{salesman.url}{path}",
            data=json.dumps({"jsonrpc": "2.0", "params": params}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with opener.open(request, timeout=60) as response:
            return json.load(response)

    auth = jsonrpc(
        "/web/session/authenticate",
        {"db": salesman.db, "login": salesman.login, "password": salesman.password},
    )
    assert auth.get("result"), auth
    params = {
        "product_template_id": product["product_tmpl_id"][0],
        "quantity": 1,
        "currency_id": company["currency_id"][0],
        "so_date": datetime.datetime.now().replace(microsecond=0).isoformat(" "),
        "company_id": company_id,
        "pricelist_id": pricelist_id,
        "only_main_product": True,
    }

    def price(**extra):
        res = jsonrpc("/sale/product_configurator/get_values", dict(params, **extra))
        assert "error" not in res, res["error"]
        return res["result"]["products"][0]["price"]

    # the client chosen on the order: its price
    assert price(crm_partner_id=partner_id) == pytest.approx(90.0)
    assert price() == pytest.approx(100.0)
    for extra in (
        {"partner": partner_id},
        {"partner": partner_id, "company": company_id},
        {"partner": "x"},
        {"crm_pricing_rules": [1]},
        {"crm_pricing_cache": []},
        {"payment_term": 1},
    ):
        assert price(**extra) == pytest.approx(100.0), extra


def test_update_prices_refuses_several_or_none(
    salesman, pricelist, make_turnover_client, expect_fault
):
    """Update Prices works on one quotation: several ids, or none, get a clean
    refusal (code 2), not Odoo's "Expected singleton" traceback, and no price
    is touched."""
    partner_id, product_id = make_turnover_client("Policy update prices client", 1, 100.0)
    orders = [
        salesman.call(
            "sale.order",
            "create",
            {
                "partner_id": partner_id,
                "pricelist_id": pricelist,
                "user_id": salesman.uid,
                "order_line": [(0, 0, {"product_id": product_id, "price_unit": 1234.0})],
            },
        )
        for _n in range(2)
    ]
    for ids in (orders, []):
        expect_fault(salesman.call, "sale.order", "action_update_prices", ids)
    lines = salesman.call(
        "sale.order.line", "search_read", [("order_id", "in", orders)], ["price_unit"]
    )
    assert [line["price_unit"] for line in lines] == [1234.0, 1234.0]
    assert salesman.call("sale.order", "action_update_prices", orders[:1]) is True


def test_price_list_product_and_category_of_a_clients_rule_are_deleted_by_sales_managers(
    admin, product_manager, sales_manager, expect_fault
):
    """Odoo lets product managers delete price lists and products; a client's
    negotiated rule goes with them (the database's cascade): refused to them
    (AccessError), left to the sales managers."""
    partner_id = admin.call("res.partner", "create", {"name": "RPC deleted rules client"})
    template_id = admin.call("product.template", "create", {"name": "RPC negotiated widget"})
    pricelist_id = admin.call("product.pricelist", "create", {"name": "RPC deleted rules"})
    rule = sales_manager.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist_id,
            "partner_id": partner_id,
            "applied_on": "1_product",
            "product_tmpl_id": template_id,
            "compute_price": "percentage",
            "percent_price": 10.0,
        },
    )
    categ_id = admin.call("product.category", "create", {"name": "RPC negotiated group"})
    sales_manager.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist_id,
            "partner_id": partner_id,
            "applied_on": "2_product_category",
            "categ_id": categ_id,
            "compute_price": "percentage",
            "percent_price": 5.0,
        },
    )
    for model, record in (
        ("product.pricelist", pricelist_id),
        ("product.template", template_id),
        ("product.category", categ_id),
    ):
        fault = expect_fault(product_manager.call, model, "unlink", [record], codes=(4,))
        assert "only sales managers can delete it" in fault.faultString
    assert admin.call("product.pricelist.item", "search_count", [("id", "=", rule)]) == 1
    sales_manager.call("product.template", "unlink", [template_id])
    assert admin.call("product.pricelist.item", "search_count", [("id", "=", rule)]) == 0
    sales_manager.call("product.category", "unlink", [categ_id])
    product_manager.call("product.pricelist", "unlink", [pricelist_id])
