"""crm_pricing over XML-RPC: the figures of a price are the same wherever they
are read (the quotation line, the client's price list) and whoever prices
(periods in the company's time zone)."""

import datetime
import os

import pytest
import pytz
from conftest import pricing_today

pytestmark = pytest.mark.addon("crm_pricing")


def _group_id(admin, xmlid):
    module, name = xmlid.split(".")
    [row] = admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name), ("model", "=", "res.groups")],
        fields=["res_id"],
    )
    return row["res_id"]


@pytest.fixture
def discounts_on(admin):
    """The Sales setting *Discounts* on for the test, as it was after."""
    group_id = _group_id(admin, "sale.group_discount_per_so_line")
    [user_group] = admin.call(
        "res.groups", "read", [_group_id(admin, "base.group_user")], ["implied_ids"]
    )
    was_on = group_id in user_group["implied_ids"]
    if not was_on:
        settings = admin.call("res.config.settings", "create", {"group_discount_per_so_line": True})
        admin.call("res.config.settings", "execute", [settings])
    yield
    if not was_on:
        settings = admin.call(
            "res.config.settings", "create", {"group_discount_per_so_line": False}
        )
        admin.call("res.config.settings", "execute", [settings])


def _client_and_product(admin, name, list_price):
    tag = f"{name} {os.getpid()}"
    partner_id = admin.call("res.partner", "create", {"name": tag, "is_company": True})
    product_id = admin.call(
        "product.product",
        "create",
        {"name": f"{tag} product", "list_price": list_price, "taxes_id": [(6, 0, [])]},
    )
    return partner_id, product_id


def _line(client, order_id):
    [line] = client.call(
        "sale.order.line",
        "search_read",
        [("order_id", "=", order_id)],
        fields=["price_unit", "discount", "price_subtotal", "pricing_explanation"],
    )
    return line


def test_stacked_discounts_line_total_is_the_client_price(
    admin, sales_manager, salesman, discounts_on
):
    partner_id, product_id = _client_and_product(admin, "RPC Stacked", 1000.0)
    pricelist_id = sales_manager.call(
        "product.pricelist",
        "create",
        {"name": f"RPC Stacked {os.getpid()}", "stacking_policy": "cumulative"},
    )
    for label, percent, sequence in (("A", 12.5, 1), ("B", 7.5, 2)):
        sales_manager.call(
            "product.pricelist.item",
            "create",
            {
                "pricelist_id": pricelist_id,
                "pricing_label": label,
                "partner_id": partner_id,
                "applied_on": "3_global",
                "compute_price": "percentage",
                "percent_price": percent,
                "sequence": sequence,
            },
        )
    order_id = salesman.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "pricelist_id": pricelist_id,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 100})],
        },
    )
    line = _line(salesman, order_id)
    # 1000 × 0.875 × 0.925 = 809.375: 19.0625 % would be kept as 19.06 % (809.40)
    assert (line["price_unit"], line["discount"]) == (809.38, 0.0)
    assert line["price_subtotal"] == pytest.approx(80938.0)
    assert "19.06" not in line["pricing_explanation"]
    wizard_id = salesman.call(
        "crm.client.pricelist.wizard",
        "create",
        {"partner_id": partner_id, "pricelist_id": pricelist_id},
    )
    rows = salesman.call("crm.client.pricelist.wizard", "get_lines", [wizard_id])
    row = next(r for r in rows if r["product_id"] == product_id)
    assert round(row["price"], 2) == line["price_unit"]


def _company_zone(admin, company_id):
    """The time zone crm_pricing counts the company's periods in."""
    [company] = admin.call("res.company", "read", [company_id], ["partner_id", "country_id"])
    [partner] = admin.call("res.partner", "read", [company["partner_id"][0]], ["tz"])
    if partner["tz"]:
        return partner["tz"]
    if company["country_id"]:
        [country] = admin.call("res.country", "read", [company["country_id"][0]], ["code"])
        zones = pytz.country_timezones.get(country["code"], [])
        if zones:
            return zones[0]
    return "UTC"


def test_period_boundaries_do_not_follow_who_prices(admin, make_user, sales_manager):
    [me] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    company_id = me["company_id"][0]
    zone = _company_zone(admin, company_id)
    # 00:30 on the first day of Q4 2025 in the company's zone: still Q3 further west
    local = pytz.timezone(zone).localize(datetime.datetime(2025, 10, 1, 0, 30))
    moment = local.astimezone(pytz.utc).strftime("%Y-%m-%d %H:%M:%S")
    west = "Pacific/Pago_Pago"  # UTC-11
    assert zone != west
    partner_id, product_id = _client_and_product(admin, "RPC Quarter", 100.0)
    invoice_id = admin.call(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": partner_id,
            "invoice_date": "2025-08-10",
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": product_id,
                        "quantity": 1,
                        "price_unit": 60000.0,
                        "tax_ids": [(6, 0, [])],
                    },
                )
            ],
        },
    )
    admin.call("account.move", "action_post", [invoice_id])
    pricelist_id = sales_manager.call(
        "product.pricelist", "create", {"name": f"RPC Quarter {os.getpid()}"}
    )
    sales_manager.call(
        "product.pricelist.item",
        "create",
        {
            "pricelist_id": pricelist_id,
            "pricing_label": "Gold tier",
            "partner_id": partner_id,
            "applied_on": "3_global",
            "compute_price": "percentage",
            "percent_price": 10.0,
            "turnover_period": "quarter",
            "turnover_period_ref": "last",
            "min_turnover": 50000.0,
        },
    )
    subtotals = []
    for tz in (zone, west):
        seller = make_user(["sales_team.group_sale_salesman"], "quarter")
        admin.call("res.users", "write", [seller.uid], {"tz": tz})
        order_id = seller.call(
            "sale.order",
            "create",
            {
                "partner_id": partner_id,
                "pricelist_id": pricelist_id,
                "date_order": moment,
                "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 1})],
            },
        )
        subtotals.append(_line(seller, order_id)["price_subtotal"])
    # Q3 2025 (60,000.00) for both: the Gold tier
    assert subtotals == [90.0, 90.0]
    # Update Prices by a manager elsewhere keeps it
    admin.call("res.users", "write", [sales_manager.uid], {"tz": west})
    sales_manager.call("sale.order", "action_update_prices", [order_id])
    assert _line(sales_manager, order_id)["price_subtotal"] == 90.0


def test_client_price_list_dated_on_the_company_day(admin, make_sales_company):
    """The client's price list is dated by default on the day the company's
    quotations are priced on (its time zone), not the user's: a manager in
    Kiritimati (UTC+14) of a company in Pago Pago (UTC-11) is always a day
    ahead of it, and the price list counted the turnover of another day
    (another month, quarter or year at their turn) than the quotations."""
    setup = make_sales_company("Price List Day")
    [company] = admin.call("res.company", "read", [setup["company_id"]], ["partner_id"])
    admin.call("res.partner", "write", [company["partner_id"][0]], {"tz": "Pacific/Pago_Pago"})
    manager = setup["manager"]
    admin.call("res.users", "write", [manager.uid], {"tz": "Pacific/Kiritimati"})
    tag = os.getpid()
    partner_id = manager.call(
        "res.partner", "create", {"name": f"RPC Price List Day Client {tag}", "is_company": True}
    )
    pricelist_id = manager.call(
        "product.pricelist", "create", {"name": f"RPC Price List Day {tag}"}
    )
    company_day = pricing_today(manager, partner_id)
    wizard_id = manager.call(
        "crm.client.pricelist.wizard",
        "create",
        {"partner_id": partner_id, "pricelist_id": pricelist_id},
    )
    [wizard] = manager.call(
        "crm.client.pricelist.wizard", "read", [wizard_id], ["date", "company_id"]
    )
    assert wizard["company_id"][0] == setup["company_id"]
    assert wizard["date"] == company_day.isoformat()
    # a date given is kept
    wizard_id = manager.call(
        "crm.client.pricelist.wizard",
        "create",
        {"partner_id": partner_id, "pricelist_id": pricelist_id, "date": "2026-07-15"},
    )
    [wizard] = manager.call("crm.client.pricelist.wizard", "read", [wizard_id], ["date"])
    assert wizard["date"] == "2026-07-15"
