"""crm_finance_cashflow over XML-RPC: an accountant (Invoicing Administrator,
not Settings) updates the current company's rates with the currencies' list
button and reads the result; a salesperson is refused (fault 4). A draft
contract's value is what its lines will be scheduled for (it was 0 until
Activate)."""

import datetime

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")


@pytest.fixture
def nbr_company(admin, make_user, nbr_feed):
    """A RON company on the NBR (its feed served locally: ``nbr_feed``), an
    accountant and a salesperson working in it (its provider restored after
    the test)."""
    ron = admin.call(
        "res.currency", "search", [("name", "=", "RON")], context={"active_test": False}
    )
    admin.call("res.currency", "write", ron, {"active": True})
    stamp = datetime.datetime.now().isoformat()
    company_id = admin.call(
        "res.company", "create", {"name": f"RPC Currencies Co {stamp}", "currency_id": ron[0]}
    )
    admin.call("res.users", "write", [admin.uid], {"company_ids": [(4, company_id)]})
    admin.call("res.company", "write", [company_id], {"crm_rate_provider": "nbr"})
    users = {
        "accountant": make_user(["account.group_account_manager"], "cur_accountant"),
        "salesman": make_user(["sales_team.group_sale_salesman"], "cur_salesman"),
    }
    for client in users.values():
        admin.call(
            "res.users",
            "write",
            [client.uid],
            {"company_ids": [(4, company_id)], "company_id": company_id},
        )
    try:
        yield company_id, users
    finally:
        admin.call("res.company", "write", [company_id], {"crm_rate_provider": "none"})


def test_accountant_updates_rates_from_the_currencies(admin, nbr_company, expect_fault):
    company_id, users = nbr_company
    ctx = {"allowed_company_ids": [company_id]}
    expect_fault(
        users["salesman"].call,
        "res.currency",
        "action_crm_update_currency_rates",
        [],
        context=ctx,
        codes=(4,),
    )
    assert not admin.call("res.currency.rate", "search_count", [("company_id", "=", company_id)])
    result = users["accountant"].call(
        "res.currency", "action_crm_update_currency_rates", [], context=ctx
    )
    assert result["params"]["type"] == "success"
    assert "National Bank of Romania" in result["params"]["message"]
    assert admin.call("res.currency.rate", "search_count", [("company_id", "=", company_id)])
    [company] = users["accountant"].call(
        "res.company",
        "read",
        [company_id],
        ["crm_rate_provider", "crm_rate_last_update", "crm_rate_last_error"],
    )
    assert company["crm_rate_provider"] == "nbr"
    assert company["crm_rate_last_update"] and not company["crm_rate_last_error"]


def test_draft_contract_value_from_its_lines(salesman):
    partner_id = salesman.call("res.partner", "create", {"name": "RPC Draft Value Client"})
    contract_id = salesman.call(
        "crm.contract",
        "create",
        {
            "partner_id": partner_id,
            "date_start": "2027-01-01",
            "date_end": "2027-12-31",
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Rental",
                        "price_unit": 3395.0,
                        "recurrence": "monthly",
                        "date_start": "2027-01-01",
                    },
                )
            ],
        },
    )
    [contract] = salesman.call("crm.contract", "read", [contract_id], ["state", "amount"])
    assert (contract["state"], contract["amount"]) == ("draft", 12 * 3395.0)
