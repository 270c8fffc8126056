"""crm_pipeline's campaign fields and the products-by-quantity report over
XML-RPC (issue #27, "Reports and campaigns"): the calls in the README."""

import datetime
import os

import pytest

pytestmark = pytest.mark.addon("crm_pipeline")

_FIELDS = [
    "campaign_type",
    "sponsor",
    "expected_close_date",
    "expected_response_rate",
    "team_id",
]


def test_campaign_fields(admin, salesman, expect_fault):
    team_id = admin.call("crm.team", "create", {"name": f"RPC fair team {os.getpid()}"})
    campaign_id = salesman.call(
        "utm.campaign",
        "create",
        {
            "title": "RPC Computer World ad",
            "campaign_type": "advertisement",
            "sponsor": "Computer World",
            "expected_close_date": "2026-04-15",
            "expected_response_rate": 12.5,
            "team_id": team_id,
        },
    )
    row = salesman.call("utm.campaign", "read", [campaign_id], _FIELDS)[0]
    assert row["campaign_type"] == "advertisement"
    assert row["sponsor"] == "Computer World"
    assert row["expected_close_date"] == "2026-04-15"
    assert row["expected_response_rate"] == 12.5
    assert row["team_id"][0] == team_id
    # bad values: a clean refusal (fault code 2) and nothing written
    for vals in (
        {"expected_response_rate": 150},
        {"expected_response_rate": -0.5},
        {"expected_response_rate": "good"},
        {"campaign_type": "billboard"},
        {"expected_close_date": "15/04/2026"},
        {"expected_close_date": "3000-01-01"},
        {"team_id": "Fair team"},
        {"sponsor": ["Computer World"]},
    ):
        expect_fault(salesman.call, "utm.campaign", "write", [campaign_id], vals)
    assert salesman.call("utm.campaign", "read", [campaign_id], _FIELDS)[0] == row
    expect_fault(
        salesman.call,
        "utm.campaign",
        "create",
        {"title": "RPC bad rate", "expected_response_rate": 101},
    )
    groups = salesman.call(
        "utm.campaign",
        "read_group",
        [("id", "=", campaign_id)],
        ["expected_response_rate:avg"],
        ["campaign_type", "team_id"],
        lazy=False,
    )
    assert [(g["campaign_type"], g["team_id"][0], g["__count"]) for g in groups] == [
        ("advertisement", team_id, 1)
    ]


def test_products_by_quantity(admin, salesman, salesman_b):
    tag = os.getpid()
    partner_id = admin.call("res.partner", "create", {"name": f"RPC quantity client {tag}"})
    product_id = admin.call("product.product", "create", {"name": f"RPC laptop {tag}"})

    def order(user, qty, confirm):
        order_id = admin.call(
            "sale.order",
            "create",
            {
                "partner_id": partner_id,
                "user_id": user.uid,
                "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": qty})],
            },
        )
        if confirm:
            admin.call("sale.order", "action_confirm", [order_id])
        return order_id

    order(salesman, 10, confirm=True)
    order(salesman, 4, confirm=False)
    order(salesman_b, 7, confirm=True)
    year_ago = (datetime.date.today() - datetime.timedelta(days=365)).isoformat()
    domain = [
        ("state", "in", ["draft", "sent", "sale"]),
        ("date", ">=", year_ago),
        ("product_id", "=", product_id),
    ]

    def figures(user):
        groups = user.call(
            "sale.report",
            "read_group",
            domain,
            ["qty_sold:sum", "qty_quoted:sum"],
            ["product_id", "date:month"],
            lazy=False,
        )
        return [(g["qty_sold"], g["qty_quoted"]) for g in groups]

    # the salesperson's own orders; the admin (a sales manager) sees all
    assert figures(salesman) == [(10.0, 4.0)]
    assert figures(admin) == [(17.0, 4.0)]
