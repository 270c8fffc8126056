"""Over XML-RPC a portal customer reads its quotations, its company and its
own contact with its access rights: what the suite adds there that is
internal (offer approval reasons, the company's limits and settings, stock
reservations, supplier orders, contract links, the client file's keys and
statuses) is refused (fault 4), as the salesperson still reads it."""

import os

import pytest
from conftest import OdooClient, xmlid_res_id

pytestmark = pytest.mark.addon("crm_pipeline")

SUITE = (
    "crm_suite_base",
    "crm_pipeline",
    "crm_pipeline_mass_mailing",
    "crm_evaluation_sheet",
    "crm_pricing",
    "crm_supply",
    "crm_finance_cashflow",
)
#: what the suite adds to records a customer reads and may see: the approval
#: state (its portal page says a waiting quotation "is being updated"), the
#: revision printed on its quotation (and how many there are), the document
#: note printed on its documents, the receiving warehouse of a supplier's
#: order, a product's minimum and multiple order quantities
CUSTOMER_FIELDS = {
    ("sale.order", "offer_approval_state"),
    ("sale.order", "revision_number"),
    ("sale.order", "revision_root_id"),
    ("sale.order", "revision_count"),
    ("res.partner", "crm_document_note"),
    ("res.users", "crm_document_note"),
    ("purchase.order", "crm_supply_warehouse_id"),
    ("product.template", "sale_min_qty"),
    ("product.template", "sale_qty_multiple"),
    ("product.product", "sale_min_qty"),
    ("product.product", "sale_qty_multiple"),
}


@pytest.fixture(scope="module")
def customer(admin, make_sales_company):
    """A company asking approval above 5% of discount, a client with a portal
    user (its contact) and a quotation of the client waiting for approval."""
    tag = f"{os.getpid()}"
    company = make_sales_company("PortalFields", offer_approval_discount=5.0)
    client_id = admin.call(
        "res.partner",
        "create",
        {"name": f"RPC Portal Fields Client {tag}", "is_company": True},
    )
    login = f"rpc_portal_fields_{tag}"
    user_id = admin.call(
        "res.users",
        "create",
        {
            "name": f"RPC Portal Fields Buyer {tag}",
            "login": login,
            "password": login,
            "groups_id": [(6, 0, [xmlid_res_id(admin, "base.group_portal")])],
            "company_id": company["company_id"],
            "company_ids": [(6, 0, [company["company_id"]])],
        },
    )
    partner_id = admin.call("res.users", "read", [user_id], ["partner_id"])[0]["partner_id"][0]
    admin.call("res.partner", "write", [partner_id], {"parent_id": client_id})
    product_id = admin.call(
        "product.product", "create", {"name": f"RPC Portal Shelf {tag}", "lst_price": 100.0}
    )
    seller = company["salesman"]
    order_id = seller.call(
        "sale.order",
        "create",
        {
            "partner_id": client_id,
            "company_id": company["company_id"],
            "order_line": [(0, 0, {"product_id": product_id, "discount": 8.0})],
        },
    )
    admin.call("sale.order", "message_subscribe", [order_id], partner_ids=[client_id])
    portal = OdooClient(seller.url, seller.db, login, login)
    return {
        "portal": portal,
        "seller": seller,
        "order_id": order_id,
        "client_id": client_id,
        "partner_id": partner_id,
        **company,
    }


def test_portal_customer_reads_no_offer_approval_figures(customer, expect_fault):
    portal, seller, order_id = customer["portal"], customer["seller"], customer["order_id"]
    state = portal.call("sale.order", "read", [order_id], ["offer_approval_state", "name"])
    assert state[0]["offer_approval_state"] == "to_approve"
    reason = seller.call("sale.order", "read", [order_id], ["offer_approval_reason"])
    assert "below" in reason[0]["offer_approval_reason"]
    for fname in ("offer_approval_reason", "offer_approval_signature"):
        expect_fault(portal.call, "sale.order", "read", [order_id], [fname], codes=(4,))
        expect_fault(
            portal.call, "sale.order", "search_read", [("id", "=", order_id)], [fname], codes=(4,)
        )
    company_fields = ["offer_approval_amount", "offer_approval_discount", "crm_block_duplicate_vat"]
    expect_fault(portal.call, "res.company", "search_read", [], company_fields, codes=(4,))
    limits = seller.call("res.company", "read", [customer["company_id"]], company_fields)
    assert limits[0]["offer_approval_discount"] == 5.0
    partner_fields = ["intake_vat_key", "vat_payer", "company_status"]
    for partner_id in (customer["partner_id"], customer["client_id"]):
        expect_fault(portal.call, "res.partner", "read", [partner_id], partner_fields, codes=(4,))
    assert seller.call("res.partner", "read", [customer["client_id"]], partner_fields)
    # the document note, printed on the client's documents, is the customer's
    portal.call("res.partner", "read", [customer["client_id"]], ["crm_document_note"])


def test_portal_customer_reads_no_internal_suite_field(admin, customer, expect_fault):
    """Every field the installed suite addons add to a model portal users may
    read is the employees' (``groups``), but those the customer sees."""
    portal = customer["portal"]
    portal_group = xmlid_res_id(admin, "base.group_portal")
    rights = admin.call(
        "ir.model.access",
        "search_read",
        [("perm_read", "=", True), ("group_id", "in", [portal_group, False])],
        ["model_id"],
    )
    model_ids = sorted({right["model_id"][0] for right in rights})
    models = {m["model"] for m in admin.call("ir.model", "read", model_ids, ["model"])}
    installed = {
        m["name"]
        for m in admin.call(
            "ir.module.module",
            "search_read",
            [("name", "in", SUITE), ("state", "=", "installed")],
            ["name"],
        )
    }
    data = admin.call(
        "ir.model.data",
        "search_read",
        [("model", "=", "ir.model.fields"), ("module", "in", sorted(installed))],
        ["res_id"],
    )
    field_ids = sorted({row["res_id"] for row in data})
    # the fields of the suite's own: no other module declares them
    others = admin.call(
        "ir.model.data",
        "search_read",
        [
            ("model", "=", "ir.model.fields"),
            ("res_id", "in", field_ids),
            ("module", "not in", sorted(installed)),
        ],
        ["res_id"],
    )
    own = set(field_ids) - {row["res_id"] for row in others}
    suite_fields = {}
    for field in admin.call("ir.model.fields", "read", sorted(own), ["model", "name"]):
        if field["model"] in models:
            suite_fields.setdefault(field["model"], set()).add(field["name"])
    assert "sale.order" in suite_fields
    readable = []
    for model, fnames in sorted(suite_fields.items()):
        visible = portal.call(model, "fields_get", attributes=["type"])
        readable += [
            f"{model}.{name}"
            for name in sorted(fnames & set(visible))
            if (model, name) not in CUSTOMER_FIELDS
        ]
    assert not readable, f"internal fields readable by portal users: {readable}"
