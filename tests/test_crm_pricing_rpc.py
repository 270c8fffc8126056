"""crm_pricing over XML-RPC: the calls documented in crm_pricing/readme/USAGE.md."""

import datetime
import string
import xmlrpc.client

import pytest
from conftest import pricing_today

pytestmark = pytest.mark.addon("crm_pricing")


@pytest.fixture(scope="module")
def setup(admin, salesman, make_turnover_client):
    """A client with 1,500.00 of posted turnover this year and a product; the
    currency of the salesperson's company, where their orders are priced."""
    partner_id, product_id = make_turnover_client("RPC Client", quantity=3, price_unit=500.0)
    [user] = admin.call("res.users", "read", [salesman.uid], ["company_id"])
    [currency] = admin.call("res.company", "read", [user["company_id"][0]], ["currency_id"])
    return {
        "partner_id": partner_id,
        "product_id": product_id,
        "currency": currency["currency_id"][1],
    }


def gold_tier(partner_id):
    """The conditional rule of USAGE.md: 10 % for the client over 1,000.00 of
    turnover this year."""
    return {
        "pricing_label": "Gold tier",
        "partner_id": partner_id,
        "applied_on": "3_global",
        "compute_price": "percentage",
        "percent_price": 10.0,
        "turnover_period": "year",
        "turnover_period_ref": "current",
        "min_turnover": 1000.0,
    }


def test_manager_creates_rule_salesman_gets_price_and_explanation(setup, sales_manager, salesman):
    partner_id, product_id = setup["partner_id"], setup["product_id"]
    # the sales manager sets up the pricelist and a rule (documented in USAGE.md)
    pricelist_id = sales_manager.call(
        "product.pricelist", "create", {"name": "RPC Distributors", "stacking_policy": "best"}
    )
    rule_id = sales_manager.call(
        "product.pricelist.item",
        "create",
        {"pricelist_id": pricelist_id, **gold_tier(partner_id)},
    )
    assert rule_id
    # a bad rule is refused
    with pytest.raises(xmlrpc.client.Fault, match="ValidationError|between 0 and 100"):
        sales_manager.call(
            "product.pricelist.item",
            "create",
            {
                "pricelist_id": pricelist_id,
                "partner_id": partner_id,
                "compute_price": "percentage",
                "percent_price": 150.0,
            },
        )
    # salespeople cannot edit rules
    with pytest.raises(xmlrpc.client.Fault, match="AccessError|not allowed"):
        salesman.call("product.pricelist.item", "write", [rule_id], {"percent_price": 50.0})

    # a salesperson creates an order over XML-RPC: the rule applies
    order_id = salesman.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "pricelist_id": pricelist_id,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 2})],
        },
    )
    [line] = salesman.call(
        "sale.order.line",
        "search_read",
        [("order_id", "=", order_id)],
        fields=["price_unit", "discount", "price_subtotal", "pricing_explanation"],
    )
    year = pricing_today(salesman, partner_id).year
    assert line["pricing_explanation"] == (
        f"Gold tier: turnover {year} to date = 1,500.00 {setup['currency']} ≥ 1,000.00"
    )
    assert line["price_subtotal"] == pytest.approx(180.0)
    # price list of the client as of today
    wizard_id = salesman.call(
        "crm.client.pricelist.wizard",
        "create",
        {"partner_id": partner_id, "pricelist_id": pricelist_id},
    )
    lines = salesman.call("crm.client.pricelist.wizard", "get_lines", [wizard_id])
    widget = next(row for row in lines if row["product_id"] == product_id)
    assert (widget["list_price"], widget["price"], widget["rule"]) == (100.0, 90.0, "Gold tier")
    # the PDF's report action, as USAGE documents it (Odoo's holds None values,
    # which XML-RPC cannot carry: they are left out)
    action = salesman.call("crm.client.pricelist.wizard", "action_print_pdf", [wizard_id])
    assert action["type"] == "ir.actions.report"
    assert action["report_name"] == "crm_pricing.report_client_pricelist"
    assert None not in action.values()


def test_read_client_turnover(setup, salesman):
    partner_id = setup["partner_id"]
    turnover = salesman.call(
        "res.partner", "get_trade_turnover", [partner_id], period="year", period_ref="current"
    )
    assert turnover["amount"] == pytest.approx(1500.0)
    year = pricing_today(salesman, partner_id).year
    assert turnover["date_from"] == f"{year}-01-01"
    groups = salesman.call(
        "crm.turnover.report",
        "read_group",
        [("partner_id", "=", partner_id)],
        ["amount:sum"],
        ["date:quarter"],
    )
    assert sum(g["amount"] for g in groups) == pytest.approx(1500.0)
    by_half = salesman.call(
        "crm.turnover.report",
        "read_group",
        [("partner_id", "=", partner_id)],
        ["amount:sum"],
        ["half_year"],
    )
    assert len(by_half) == 1 and by_half[0]["half_year"].startswith(str(year))
    action = salesman.call("res.partner", "action_view_trade_turnover", [partner_id])
    assert action["res_model"] == "crm.turnover.report"
    with pytest.raises(xmlrpc.client.Fault, match="Unknown period"):
        salesman.call("res.partner", "get_trade_turnover", [partner_id], period="week")


def test_turnover_report_in_the_current_companys_currency(admin, make_user, make_turnover_client):
    """A company in another currency current, the invoicing company selected
    beside it: the analysis gives the turnover in the current company's
    currency, at the latest rate of its books (1 = 0.25 of the invoice's
    currency: 1,000.00 are 4,000 of it), and each line keeps its amount in its
    company's currency, the figure the pricing rules count."""
    partner_id, _product_id = make_turnover_client(
        "RPC Currencies Client", quantity=2, price_unit=500.0
    )
    domain = [("partner_id", "=", partner_id)]
    [line] = admin.call("crm.turnover.report", "search_read", domain, ["company_id", "currency_id"])
    main_id, main_currency = line["company_id"][0], line["currency_id"][0]
    # a currency of its own (three letters no other currency has): no rate but ours
    taken = {
        c["name"]
        for c in admin.call(
            "res.currency", "search_read", [], ["name"], context={"active_test": False}
        )
    }
    code = next(
        f"T{a}{b}" for a in string.ascii_uppercase for b in string.ascii_uppercase
        if f"T{a}{b}" not in taken
    )  # fmt: skip
    currency_id = admin.call("res.currency", "create", {"name": code, "symbol": code})
    stamp = datetime.datetime.now().isoformat()
    other_id = admin.call(
        "res.company", "create", {"name": f"RPC Turnover Co {stamp}", "currency_id": currency_id}
    )
    admin.call(
        "res.currency.rate",
        "create",
        {"currency_id": main_currency, "name": "2020-01-01", "rate": 0.25, "company_id": other_id},
    )
    user = make_user(["sales_team.group_sale_salesman"], "turnover_currencies")
    admin.call(
        "res.users",
        "write",
        [user.uid],
        {"company_ids": [(6, 0, [main_id, other_id])], "company_id": main_id},
    )
    both = {"allowed_company_ids": [other_id, main_id]}
    [group] = user.call(
        "crm.turnover.report", "read_group", domain, ["amount:sum"], [], context=both
    )
    assert group["amount"] == pytest.approx(4000.0)
    [row] = user.call(
        "crm.turnover.report",
        "search_read",
        domain,
        ["amount", "currency_id", "amount_company_currency", "company_currency_id"],
        context=both,
    )
    assert (row["amount"], row["currency_id"][0]) == (pytest.approx(4000.0), currency_id)
    assert row["amount_company_currency"] == pytest.approx(1000.0)
    assert row["company_currency_id"][0] == main_currency
    # the invoicing company alone: its own currency, as before
    [group] = user.call(
        "crm.turnover.report",
        "read_group",
        domain,
        ["amount:sum"],
        [],
        context={"allowed_company_ids": [main_id]},
    )
    assert group["amount"] == pytest.approx(1000.0)
    # the pricing rules' figure is the company's, in its currency
    turnover = user.call(
        "res.partner", "get_trade_turnover", [partner_id], company_id=main_id, context=both
    )
    assert turnover["amount"] == pytest.approx(1000.0)


def test_update_prices_lines_of_every_quantity(setup, admin, sales_manager, salesman):
    """Update prices over XML-RPC on lines of different quantities gives each
    line the price it gets alone (the standard rules are searched once for
    the order, then picked line by line as Odoo does)."""
    partner_id, product_id = setup["partner_id"], setup["product_id"]
    other_id = admin.call(
        "product.product",
        "create",
        {"name": "RPC every-quantity product", "lst_price": 200.0, "taxes_id": [(6, 0, [])]},
    )
    pricelist_id = sales_manager.call(
        "product.pricelist",
        "create",
        {
            "name": "RPC every quantity",
            "item_ids": [
                # standard: the first product at 50.00 from 5 units
                (
                    0,
                    0,
                    {
                        "applied_on": "0_product_variant",
                        "product_id": product_id,
                        "compute_price": "fixed",
                        "fixed_price": 50.0,
                        "min_quantity": 5,
                    },
                ),
                # conditional: 10 % for this client over 1,000.00 this year
                (0, 0, gold_tier(partner_id)),
            ],
        },
    )
    lines = [(product_id, 1), (product_id, 6), (other_id, 3), (other_id, 12)]

    def order(lines):
        return salesman.call(
            "sale.order",
            "create",
            {
                "partner_id": partner_id,
                "pricelist_id": pricelist_id,
                "order_line": [(0, 0, {"product_id": p, "product_uom_qty": q}) for p, q in lines],
            },
        )

    def prices(order_id):
        rows = salesman.call(
            "sale.order.line",
            "search_read",
            [("order_id", "=", order_id)],
            fields=["price_subtotal"],
            order="id",
        )
        return [row["price_subtotal"] for row in rows]

    order_id = order(lines)
    salesman.call("sale.order", "action_update_prices", [order_id])
    alone = [prices(order([line]))[0] for line in lines]
    assert prices(order_id) == pytest.approx([90.0, 300.0, 540.0, 2160.0])
    assert prices(order_id) == pytest.approx(alone)
