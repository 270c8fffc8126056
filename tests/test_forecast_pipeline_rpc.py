"""The weighted pipeline of the cash-flow forecast over XML-RPC (issue #27):
``crm.contract.get_cashflow_forecast(..., include_pipeline=True)`` gives each
period's ``pipeline`` (expected revenue x probability at the expected closing
date plus the client's payment term) apart from the committed figures, which
it never changes; an opportunity leaves it once it has an active contract or a
confirmed order; finance only, and only the opportunities the user may read;
bad input refused cleanly."""

import os

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")

# a year no other test writes in, so that the deltas are this module's
START, END = "2031-01-01", "2031-06-30"
COMMITTED = ("opening", "incoming", "outgoing", "net", "cumulative")


@pytest.fixture(scope="module")
def finance(make_user):
    """Finance that reads every opportunity."""
    return make_user(
        ["account.group_account_invoice", "sales_team.group_sale_salesman_all_leads"],
        "pipe_finance",
    )


@pytest.fixture(scope="module")
def finance_own(make_user):
    """Finance that is also a salesperson seeing only their own opportunities."""
    return make_user(
        ["account.group_account_invoice", "sales_team.group_sale_salesman"], "pipe_finance_own"
    )


@pytest.fixture(scope="module")
def partner_id(admin):
    """A client paying 30 days after the invoice."""
    term_id = admin.call(
        "account.payment.term",
        "create",
        {
            "name": f"RPC pipeline 30 days {os.getpid()}",
            "line_ids": [(0, 0, {"value": "percent", "value_amount": 100.0, "nb_days": 30})],
        },
    )
    return admin.call(
        "res.partner",
        "create",
        {"name": "RPC Pipeline Client", "is_company": True, "property_payment_term_id": term_id},
    )


def _lead(admin, partner_id, user_id, deadline="2031-01-20", **extra):
    return admin.call(
        "crm.lead",
        "create",
        dict(
            {
                "name": "RPC pipeline opportunity",
                "type": "opportunity",
                "partner_id": partner_id,
                "user_id": user_id,
                "expected_revenue": 10000.0,
                "probability": 40.0,
                "date_deadline": deadline,
            },
            **extra,
        ),
    )


def _forecast(client, **kw):
    return client.call("crm.contract", "get_cashflow_forecast", START, END, **kw)


def _pipeline(result):
    return {period["period"]: period["pipeline"] for period in result}


def _delta(before, after):
    return {
        label: round(value - _pipeline(before)[label], 2)
        for label, value in _pipeline(after).items()
    }


def _committed(result):
    return [{key: period[key] for key in COMMITTED} for period in result]


def test_pipeline_apart_then_contract_takes_over(admin, finance, partner_id):
    base = _forecast(finance, include_pipeline=True)
    committed = _committed(_forecast(finance))
    assert _committed(base) == committed
    assert "pipeline" not in _forecast(finance)[1], "without the flag, the result of before"
    lead_id = _lead(admin, partner_id, finance.uid)
    result = _forecast(finance, include_pipeline=True)
    delta = _delta(base, result)
    # closing 2031-01-20 plus the client's 30 days: February
    assert delta["2031-02"] == 4000.0
    assert sum(delta.values()) == 4000.0
    assert _committed(result) == committed
    [row] = finance.call(
        "crm.cashflow.forecast.report",
        "search_read",
        [("lead_id", "=", lead_id)],
        ["source", "kind", "date", "amount_pipeline", "amount_incoming", "amount_net"],
    )
    assert (row["source"], row["kind"], row["date"]) == ("pipeline", "pipeline", "2031-02-19")
    assert (row["amount_pipeline"], row["amount_incoming"], row["amount_net"]) == (4000, 0, 0)
    # its contract activated: out of the pipeline, the schedule in the committed
    contract_id = finance.call(
        "crm.contract",
        "create",
        {
            "contract_type": "customer",
            "partner_id": partner_id,
            "lead_id": lead_id,
            "date_start": "2031-03-01",
            "date_end": "2031-12-31",
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Racking",
                        "quantity": 1,
                        "price_unit": 1000.0,
                        "recurrence": "one_off",
                        "date_start": "2031-03-01",
                    },
                )
            ],
        },
    )
    assert _delta(base, _forecast(finance, include_pipeline=True)) == delta, "a draft: no"
    assert finance.call("crm.contract", "action_activate", [contract_id]) is True
    after = _forecast(finance, include_pipeline=True)
    assert set(_delta(base, after).values()) == {0.0}
    assert _committed(after) == _committed(_forecast(finance))
    assert round(after[3]["incoming"] - committed[3]["incoming"], 2) == 1000.0
    assert not finance.call("crm.cashflow.forecast.report", "search", [("lead_id", "=", lead_id)])


def test_confirmed_order_takes_over(admin, finance, partner_id):
    base = _forecast(finance, include_pipeline=True)
    lead_id = _lead(admin, partner_id, finance.uid, deadline="2031-04-10")
    product_id = admin.call("product.product", "create", {"name": "RPC pipeline desk"})
    order_id = admin.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "opportunity_id": lead_id,
            "order_line": [(0, 0, {"product_id": product_id, "price_unit": 10.0})],
        },
    )
    quotation = _forecast(finance, include_pipeline=True)
    assert _delta(base, quotation)["2031-05"] == 4000.0, "a quotation: still the pipeline"
    admin.call("sale.order", "action_confirm", [order_id])
    after = _forecast(finance, include_pipeline=True)
    assert set(_delta(base, after).values()) == {0.0}
    assert _committed(after) == _committed(quotation)


def test_access(admin, finance, finance_own, billing, salesman, partner_id, expect_fault):
    base_all = _forecast(finance, include_pipeline=True)
    base_own = _forecast(finance_own, include_pipeline=True)
    _lead(admin, partner_id, finance_own.uid, deadline="2031-05-20", name="Mine")
    _lead(admin, partner_id, salesman.uid, deadline="2031-05-20", name="Someone else's")
    # both for finance that reads every opportunity, one for the salesperson
    assert _delta(base_all, _forecast(finance, include_pipeline=True))["2031-06"] == 8000.0
    assert _delta(base_own, _forecast(finance_own, include_pipeline=True))["2031-06"] == 4000.0
    # finance without the CRM: the committed figures, never the pipeline
    assert _forecast(billing)
    expect_fault(billing.call, "crm.contract", "get_cashflow_forecast", START, END,
                 include_pipeline=True, codes=(4,))  # fmt: skip
    assert not billing.call("crm.cashflow.forecast.report", "search", [("kind", "=", "pipeline")])
    # not finance at all
    for include in (True, False):
        expect_fault(salesman.call, "crm.contract", "get_cashflow_forecast", START, END,
                     include_pipeline=include, codes=(4,))  # fmt: skip


@pytest.mark.parametrize("value", ["yes", 1, 0, None, [True], {"on": True}])
def test_bad_input(finance, expect_fault, value):
    expect_fault(
        finance.call, "crm.contract", "get_cashflow_forecast", START, END, include_pipeline=value
    )
