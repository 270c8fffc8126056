"""crm_pipeline's boards review fixes over XML-RPC: a campaign without company
converts its revenue, the lead activity reports (planned ones bounded to last
month and this month, done ones from Odoo's crm.activity.report), a lead whose
closed tasks have no client is not deleted, and a lead won at an early step did
not move on in the funnel."""

import ast
import datetime
import os
import string
from xml.etree import ElementTree

import pytest
from conftest import xmlid_res_id
from dateutil.relativedelta import relativedelta

pytestmark = pytest.mark.addon("crm_pipeline")


def _in(days):
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _foreign_currency(admin):
    """A new active currency worth half the company currency today."""
    company = admin.call("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    seed = os.getpid()
    for n in range(26 * 26):
        code = (
            "Q"
            + string.ascii_uppercase[(seed + n) // 26 % 26]
            + string.ascii_uppercase[(seed + n) % 26]
        )
        found = admin.call(
            "res.currency", "search", [("name", "=", code)], context={"active_test": False}
        )
        if not found:
            break
    currency_id = admin.call(
        "res.currency", "create", {"name": code, "symbol": code, "rounding": 0.01}
    )
    admin.call(
        "res.currency.rate",
        "create",
        {
            "currency_id": currency_id,
            "rate": 0.5,
            "name": datetime.date.today().isoformat(),
            "company_id": company,
        },
    )
    return currency_id


def test_campaign_without_company_converts_revenue(admin, sales_manager):
    currency_id = _foreign_currency(admin)
    pricelist_id = admin.call(
        "product.pricelist", "create", {"name": "RPC foreign prices", "currency_id": currency_id}
    )
    product_id = admin.call(
        "product.product",
        "create",
        {"name": "RPC campaign widget", "list_price": 100.0, "taxes_id": [(6, 0, [])]},
    )
    partner_id = admin.call("res.partner", "create", {"name": "RPC campaign customer"})
    campaign_id = sales_manager.call(
        "utm.campaign",
        "create",
        {"title": "RPC campaign without company", "company_id": False, "actual_cost": 500.0},
    )
    won_stage = admin.call("crm.stage", "search", [("is_won", "=", True)], limit=1)[0]
    lead_id = sales_manager.call(
        "crm.lead",
        "create",
        {
            "name": "RPC won, campaign without company",
            "type": "opportunity",
            "campaign_id": campaign_id,
            "expected_revenue": 1000.0,
        },
    )
    sales_manager.call("crm.lead", "write", [lead_id], {"stage_id": won_stage})
    order_id = sales_manager.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "pricelist_id": pricelist_id,
            "campaign_id": campaign_id,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 10})],
        },
    )
    sales_manager.call("sale.order", "action_confirm", [order_id])
    order = sales_manager.call("sale.order", "read", [order_id], ["amount_untaxed"])[0]
    assert order["amount_untaxed"] == 500.0  # in the foreign currency
    row = sales_manager.call(
        "utm.campaign",
        "read",
        [campaign_id],
        ["currency_id", "figures_currency_id", "sale_count", "revenue", "roi"],
    )[0]
    company = sales_manager.call("res.users", "read", [sales_manager.uid], ["company_id"])[0]
    company_currency = admin.call(
        "res.company", "read", [company["company_id"][0]], ["currency_id"]
    )[0]["currency_id"]
    assert row["currency_id"] is False
    # the figures say their currency: the current company's
    assert row["figures_currency_id"] == company_currency
    # 1,000.00 won + 500.00 of the foreign currency at 0.5 (1,000.00)
    assert (row["sale_count"], row["revenue"], row["roi"]) == (2, 2000.0, 300.0)


def _filter_domain(admin, xmlid, model):
    """The domain the report opens with: the filters of its search view that
    its window action selects (``search_default_*`` of its context), evaluated
    as the web client does (today, relativedelta)."""
    action_id = xmlid_res_id(admin, xmlid)
    action = admin.call(
        "ir.actions.act_window", "read", [action_id], ["context", "search_view_id"]
    )[0]
    context = ast.literal_eval(action["context"])
    views = admin.call(model, "get_views", [[action["search_view_id"][0], "search"]])
    arch = ElementTree.fromstring(views["views"]["search"]["arch"])
    today = datetime.date.today
    domain = []
    for key, value in context.items():
        if key.startswith("search_default_") and value:
            node = arch.find(f".//filter[@name='{key[len('search_default_') :]}']")
            assert node is not None, key
            if node.get("domain"):
                domain += eval(  # noqa: S307  (the filter's own domain, shipped by the addon)
                    node.get("domain"), {"context_today": today, "relativedelta": relativedelta}
                )
    assert domain
    return domain


def test_activity_reports(admin, salesman):
    lead_id = salesman.call(
        "crm.lead",
        "create",
        {"name": "RPC activities lead", "type": "opportunity", "user_id": salesman.uid},
    )
    model_id = admin.call("ir.model", "search", [("model", "=", "crm.lead")])[0]
    todo_type = xmlid_res_id(admin, "mail.mail_activity_data_todo")
    today = datetime.date.today()
    next_month = (today.replace(day=1) + relativedelta(months=1)).isoformat()

    def activity(deadline, summary):
        return salesman.call(
            "mail.activity",
            "create",
            {
                "res_model_id": model_id,
                "res_id": lead_id,
                "user_id": salesman.uid,
                "activity_type_id": todo_type,
                "date_deadline": deadline,
                "summary": summary,
            },
        )

    now_id = activity(today.isoformat(), "RPC this month")
    future_id = activity(next_month, "RPC next month")
    done_id = activity(today.isoformat(), "RPC done")
    salesman.call("mail.activity", "action_feedback", [done_id], feedback="Called")
    # Odoo deletes a done To-Do
    assert not salesman.call(
        "mail.activity", "search", [("id", "=", done_id)], context={"active_test": False}
    )
    planned = _filter_domain(
        admin, "crm_pipeline.crm_report_activities_two_months_action", "mail.activity"
    )
    found = salesman.call("mail.activity", "search", planned + [("res_id", "=", lead_id)])
    assert found == [now_id], "next month's activity is not in last month and this month"
    assert future_id not in found
    done = _filter_domain(
        admin, "crm_pipeline.crm_report_done_activities_two_months_action", "crm.activity.report"
    )
    groups = salesman.call(
        "crm.activity.report",
        "read_group",
        done + [("lead_id", "=", lead_id)],
        ["mail_activity_type_id"],
        ["mail_activity_type_id"],
        context={"active_test": False},
    )
    assert [(g["mail_activity_type_id"][0], g["mail_activity_type_id_count"]) for g in groups] == [
        (todo_type, 1)
    ]


def test_lead_with_closed_task_without_client_is_not_deleted(
    admin, salesman, sales_manager, expect_fault
):
    lead_id = salesman.call(
        "crm.lead", "create", {"name": "RPC lead without customer", "user_id": salesman.uid}
    )
    task_id = salesman.call(
        "crm.task", "create", {"name": "RPC closed orphan task", "lead_id": lead_id}
    )
    salesman.call("crm.task", "action_confirm_done", [task_id])
    expect_fault(sales_manager.call, "crm.lead", "unlink", [lead_id])
    assert sales_manager.call("crm.lead", "search", [("id", "=", lead_id)])
    task = salesman.call("crm.task", "read", [task_id], ["lead_id", "partner_id", "is_closed"])[0]
    assert task["lead_id"][0] == lead_id and task["is_closed"]
    # filed on a client, the lead goes and the task stays editable
    partner_id = admin.call("res.partner", "create", {"name": "RPC orphan task client"})
    salesman.call("crm.task", "write", [task_id], {"partner_id": partner_id})
    sales_manager.call("crm.lead", "unlink", [lead_id])
    salesman.call("crm.task", "write", [task_id], {"description": "still editable"})
    task = salesman.call("crm.task", "read", [task_id], ["lead_id", "partner_id"])[0]
    assert (task["lead_id"], task["partner_id"][0]) == (False, partner_id)


def test_lead_won_early_did_not_move_on(salesman):
    call = salesman.call
    won_id = call(
        "crm.lead",
        "create",
        {"name": "RPC funnel won early", "type": "opportunity", "user_id": salesman.uid},
    )
    moving_id = call(
        "crm.lead",
        "create",
        {"name": "RPC funnel moving", "type": "opportunity", "user_id": salesman.uid},
    )
    for lead_id in (won_id, moving_id):
        call("crm.lead", "activate", [lead_id], salesman.uid, _in(1))
    resp_id = call("crm.lead", "read", [moving_id], ["open_responsibility_id"])[0][
        "open_responsibility_id"
    ][0]
    call("crm.lead.responsibility", "complete", [resp_id], "next", "Met", next_deadline=_in(3))
    call("crm.lead", "action_set_won", [won_id])
    rows = call(
        "crm.responsibility.report",
        "search_read",
        [("lead_id", "in", [won_id, moving_id]), ("state", "=", "done")],
        ["lead_id", "moved_on"],
    )
    assert {r["lead_id"][0]: r["moved_on"] for r in rows} == {won_id: 0, moving_id: 1}
