"""A company given to a method by its id is one of the selected companies
(allowed_company_ids, which Odoo keeps within the user's), not any company of
the user: crm.contract.get_cashflow_forecast(company_id=...),
res.company.action_update_currency_rates,
res.partner.get_trade_turnover(company_id=...) and the client price list
(crm.client.pricelist.wizard's company_id) answer fault 4 for a company of the
user that is not selected."""

import datetime

import pytest


@pytest.fixture(scope="module")
def two_companies(admin, make_user):
    """Two companies of a user who is an accountant and a sales manager (their
    providers none: the rate update reads no feed); returns (first, second,
    user)."""
    stamp = datetime.datetime.now().isoformat()
    first, second = (
        admin.call("res.company", "create", {"name": f"RPC Selected {n} Co {stamp}"})
        for n in (1, 2)
    )
    user = make_user(
        ["account.group_account_manager", "sales_team.group_sale_manager"], "selected_companies"
    )
    admin.call(
        "res.users",
        "write",
        [user.uid],
        {"company_ids": [(6, 0, [first, second])], "company_id": first},
    )
    return first, second, user


@pytest.mark.addon("crm_finance_cashflow")
def test_forecast_and_rates_of_a_selected_company_only(two_companies, expect_fault):
    first, second, user = two_companies
    window = ("2033-01-01", "2033-03-31")
    only_first = {"allowed_company_ids": [first]}
    expect_fault(
        user.call,
        "crm.contract",
        "get_cashflow_forecast",
        *window,
        company_id=second,
        context=only_first,
        codes=(4,),
    )
    forecast = user.call(
        "crm.contract",
        "get_cashflow_forecast",
        *window,
        company_id=second,
        context={"allowed_company_ids": [first, second]},
    )
    assert forecast[0]["period"] == "overdue"
    fault = expect_fault(
        user.call,
        "res.company",
        "action_update_currency_rates",
        [second],
        context=only_first,
        codes=(4,),
    )
    assert "not one of your selected companies" in fault.faultString
    assert user.call("res.company", "action_update_currency_rates", [first], context=only_first)


@pytest.mark.addon("crm_pricing")
def test_turnover_of_a_selected_company_only(admin, two_companies, expect_fault):
    first, second, user = two_companies
    partner_id = admin.call(
        "res.partner", "create", {"name": "RPC Selected Companies Client", "is_company": True}
    )
    expect_fault(
        user.call,
        "res.partner",
        "get_trade_turnover",
        [partner_id],
        company_id=second,
        context={"allowed_company_ids": [first]},
        codes=(4,),
    )
    turnover = user.call(
        "res.partner",
        "get_trade_turnover",
        [partner_id],
        company_id=second,
        context={"allowed_company_ids": [first, second]},
    )
    assert turnover["amount"] == 0.0


@pytest.mark.addon("crm_pricing")
def test_client_price_list_of_a_selected_company_only(admin, two_companies, expect_fault):
    """The wizard's company, like get_trade_turnover's: one of the selected
    companies when it is created and when its lines are read."""
    first, second, user = two_companies
    partner_id = admin.call(
        "res.partner", "create", {"name": "RPC Selected Price List Client", "is_company": True}
    )
    pricelist_id = admin.call(
        "product.pricelist", "create", {"name": "RPC Selected Co 2 list", "company_id": second}
    )
    vals = {"partner_id": partner_id, "company_id": second, "pricelist_id": pricelist_id}
    Wizard = "crm.client.pricelist.wizard"
    only_first = {"allowed_company_ids": [first]}
    expect_fault(user.call, Wizard, "create", vals, context=only_first, codes=(4,))
    wizard_id = user.call(Wizard, "create", vals, context={"allowed_company_ids": [first, second]})
    assert isinstance(
        user.call(Wizard, "get_lines", [wizard_id], context={"allowed_company_ids": [second]}),
        list,
    )
    expect_fault(user.call, Wizard, "get_lines", [wizard_id], context=only_first, codes=(4,))
    expect_fault(
        user.call, Wizard, "action_export_xlsx", [wizard_id], context=only_first, codes=(4,)
    )
