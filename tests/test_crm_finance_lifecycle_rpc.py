"""crm_finance_cashflow over XML-RPC, the ends of a contract's life: an
expired contract terminated (its planned rows cancelled), a contract invoice
reversed through Odoo's Credit Note wizard (its rows given back, or taken over
by the new draft), and renewals by the contract's renewal term (not by the span
from its start to its end, which doubled at each renewal)."""

import os

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")


@pytest.fixture(scope="module")
def partner_id(admin):
    return admin.call("res.partner", "create", {"name": "RPC Lifecycle Client"})


def _contract(billing, partner_id, start, end, **vals):
    contract_id = billing.call(
        "crm.contract",
        "create",
        {
            **vals,
            "contract_type": "customer",
            "partner_id": partner_id,
            "date_start": start,
            "date_end": end,
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Maintenance",
                        "quantity": 1,
                        "price_unit": 100,
                        "recurrence": "monthly",
                        "date_start": start,
                    },
                )
            ],
        },
    )
    assert billing.call("crm.contract", "action_activate", [contract_id]) is True
    return contract_id


def _rows(client, contract_id):
    return client.call(
        "crm.contract.schedule",
        "search_read",
        [("contract_id", "=", contract_id)],
        ["date", "state", "invoice_id"],
        order="date",
    )


def test_expired_contract_terminated(admin, billing, partner_id, expect_fault):
    contract_id = _contract(billing, partner_id, "2025-01-01", "2025-12-31")
    # the daily run expires it (ended, no automatic renewal)
    [cron_id] = admin.call(
        "ir.model.data",
        "check_object_reference",
        "crm_finance_cashflow",
        "ir_cron_crm_contract_alerts",
    )[1:]
    admin.call("ir.cron", "method_direct_trigger", [cron_id])
    [contract] = billing.call("crm.contract", "read", [contract_id], ["state"])
    assert contract["state"] == "expired"
    assert {row["state"] for row in _rows(billing, contract_id)} == {"planned"}
    assert billing.call("crm.contract", "action_terminate", [contract_id]) is True
    [contract] = billing.call("crm.contract", "read", [contract_id], ["state"])
    assert contract["state"] == "terminated"
    assert {row["state"] for row in _rows(billing, contract_id)} == {"cancelled"}
    assert (
        billing.call("crm.contract", "action_create_invoices", [contract_id], date="2026-01-15")
        == []
    )
    expect_fault(billing.call, "crm.contract", "action_terminate", [contract_id])


def _reverse(billing, invoice_id, method):
    [invoice] = billing.call("account.move", "read", [invoice_id], ["journal_id"])
    wizard_id = billing.call(
        "account.move.reversal",
        "create",
        {"journal_id": invoice["journal_id"][0], "reason": "Wrong price"},
        context={"active_model": "account.move", "active_ids": [invoice_id]},
    )
    billing.call("account.move.reversal", method, [wizard_id])
    [wizard] = billing.call("account.move.reversal", "read", [wizard_id], ["new_move_ids"])
    return wizard["new_move_ids"]


def test_credit_note_gives_rows_back(admin, billing, partner_id, expect_fault):
    contract_id = _contract(billing, partner_id, "2026-01-01", "2026-12-31")
    [invoice_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-02-01"
    )
    billing.call("account.move", "action_post", [invoice_id])
    [credit_id] = _reverse(billing, invoice_id, "refund_moves")
    billing.call("account.move", "action_post", [credit_id])
    [invoice] = billing.call("account.move", "read", [invoice_id], ["payment_state"])
    assert invoice["payment_state"] == "reversed"
    rows = _rows(billing, contract_id)
    assert [row["state"] for row in rows[:2]] == ["planned", "planned"]
    assert not any(row["invoice_id"] for row in rows)
    # the reversal stays
    for move_id in (invoice_id, credit_id):
        expect_fault(billing.call, "account.move", "button_draft", [move_id])
    # invoiced again, once
    [again_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-02-01"
    )
    assert [row["invoice_id"][0] for row in _rows(billing, contract_id)[:2]] == [again_id] * 2


def test_reverse_and_new_draft_takes_the_rows_over(billing, partner_id):
    contract_id = _contract(billing, partner_id, "2026-01-01", "2026-12-31")
    [invoice_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-02-01"
    )
    billing.call("account.move", "action_post", [invoice_id])
    [draft_id] = _reverse(billing, invoice_id, "modify_moves")
    rows = _rows(billing, contract_id)
    assert [(row["state"], row["invoice_id"][0]) for row in rows[:2]] == [
        ("invoiced", draft_id)
    ] * 2
    assert (
        billing.call("crm.contract", "action_create_invoices", [contract_id], date="2026-02-01")
        == []
    )


@pytest.mark.parametrize(
    ("start", "end", "term", "ends"),
    [
        # not 2029-12-31: the second renewal is one year too, not the two from the start
        ("2026-01-01", "2026-12-31", [12, "month"], ["2027-12-31", "2028-12-31"]),
        ("2026-01-01", "2026-03-31", [3, "month"], ["2026-06-30", "2026-09-30"]),
        ("2026-01-10", "2026-02-20", [42, "day"], ["2026-04-03", "2026-05-15"]),
    ],
)
def test_renewed_twice_by_its_term(billing, partner_id, start, end, term, ends):
    contract_id = _contract(billing, partner_id, start, end)
    fields = ["date_end", "renewal_term", "renewal_term_unit", "renewed"]
    [contract] = billing.call("crm.contract", "read", [contract_id], fields)
    assert [contract["renewal_term"], contract["renewal_term_unit"]] == term
    assert contract["renewed"] is False
    for expected in ends:
        assert billing.call("crm.contract", "action_renew", [contract_id]) is True
        [contract] = billing.call("crm.contract", "read", [contract_id], fields)
        assert contract["date_end"] == expected
    assert [contract["renewal_term"], contract["renewal_term_unit"]] == term
    assert contract["renewed"] is True


def test_renewal_term_kept_and_amended(billing, salesman, partner_id, expect_fault):
    """A term given at creation is kept (a shorter first period renewed by
    years); finance changes it on an active contract, its salesperson does not,
    nobody sets ``renewed``, and a value out of bounds is refused."""
    contract_id = _contract(
        billing,
        partner_id,
        "2026-03-15",
        "2026-12-31",
        user_id=salesman.uid,
        renewal_term=12,
        renewal_term_unit="month",
    )
    expect_fault(
        salesman.call, "crm.contract", "write", [contract_id], {"renewal_term": 1}, codes=(4,)
    )
    for vals in ({"renewal_term": -1}, {"renewal_term_unit": "week"}, {"renewed": True}):
        expect_fault(billing.call, "crm.contract", "write", [contract_id], vals)
    assert billing.call("crm.contract", "action_renew", [contract_id]) is True
    assert billing.call("crm.contract", "action_renew", [contract_id]) is True
    [contract] = billing.call("crm.contract", "read", [contract_id], ["date_end"])
    assert contract["date_end"] == "2028-12-31"
    # amending the end of a renewed contract leaves the term; finance changes it
    billing.call("crm.contract", "write", [contract_id], {"date_end": "2028-06-30"})
    billing.call(
        "crm.contract", "write", [contract_id], {"renewal_term": 6, "renewal_term_unit": "month"}
    )
    assert billing.call("crm.contract", "action_renew", [contract_id]) is True
    [contract] = billing.call(
        "crm.contract", "read", [contract_id], ["date_end", "renewal_term", "renewal_term_unit"]
    )
    assert (contract["date_end"], contract["renewal_term"]) == ("2028-12-31", 6)


def test_contract_invoice_carries_the_responsible(billing, salesman, partner_id):
    """The invoice's salesperson is the contract's responsible, not the billing
    user who invoices it: the responsible reads it (Odoo's Personal Invoices)."""
    contract_id = _contract(billing, partner_id, "2026-01-01", "2026-12-31", user_id=salesman.uid)
    [invoice_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-02-01"
    )
    [invoice] = billing.call("account.move", "read", [invoice_id], ["invoice_user_id"])
    assert invoice["invoice_user_id"][0] == salesman.uid
    assert salesman.call("account.move", "search", [("id", "=", invoice_id)]) == [invoice_id]
    # no responsible: no salesperson (not the billing user)
    unassigned_id = _contract(billing, partner_id, "2026-01-01", "2026-12-31", user_id=False)
    [invoice_id] = billing.call(
        "crm.contract", "action_create_invoices", [unassigned_id], date="2026-02-01"
    )
    [invoice] = billing.call("account.move", "read", [invoice_id], ["invoice_user_id"])
    assert invoice["invoice_user_id"] is False


def test_planned_payment_of_an_invoice_it_cannot_pay(admin, billing, partner_id, expect_fault):
    """A planned payment of an invoice it cannot pay (not open, the other way,
    another partner) is refused when created or written, not at Post."""
    contract_id = _contract(billing, partner_id, "2026-01-01", "2026-12-31")
    [invoice_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-02-01"
    )
    other_id = admin.call("res.partner", "create", {"name": "RPC Lifecycle Other Client"})
    vals = {
        "name": "RPC client pays",
        "direction": "incoming",
        "partner_id": partner_id,
        "amount": 50.0,
        "date": "2026-03-01",
        "invoice_id": invoice_id,
    }
    # a draft invoice is not open
    expect_fault(billing.call, "crm.planned.payment", "create", vals)
    billing.call("account.move", "action_post", [invoice_id])
    for wrong in ({"direction": "outgoing"}, {"partner_id": other_id}):
        expect_fault(billing.call, "crm.planned.payment", "create", dict(vals, **wrong))
    assert not billing.call("crm.planned.payment", "search", [("invoice_id", "=", invoice_id)])
    planned_id = billing.call("crm.planned.payment", "create", vals)
    for wrong in ({"direction": "outgoing"}, {"partner_id": other_id}):
        expect_fault(billing.call, "crm.planned.payment", "write", [planned_id], wrong)
    [planned] = billing.call(
        "crm.planned.payment", "read", [planned_id], ["direction", "partner_id", "invoice_id"]
    )
    assert (planned["direction"], planned["partner_id"][0], planned["invoice_id"][0]) == (
        "incoming",
        partner_id,
        invoice_id,
    )
    # a journal Post cannot record a payment in (a sales journal) is refused
    # when it is set, not at Post
    [sales_id] = billing.call("account.journal", "search", [("type", "=", "sale")], limit=1)
    fault = expect_fault(
        billing.call, "crm.planned.payment", "write", [planned_id], {"journal_id": sales_id}
    )
    assert "bank or cash journal" in fault.faultString
    assert billing.call("crm.planned.payment", "action_post", [planned_id]) is True


def test_draft_moved_to_another_company_keeps_no_tax_of_the_first(
    admin, billing, partner_id, expect_fault
):
    """A draft contract whose line carries a tax of its company is not moved to
    another company: Odoo's "Incompatible companies" (fault 2), not a contract
    of one company with another's taxes that Create Invoices refused later;
    without the tax it moves, its line with it."""
    [user] = billing.call("res.users", "read", [billing.uid], ["company_id"])
    main_id = user["company_id"][0]
    other_id = admin.call(
        "res.company", "create", {"name": f"RPC Lifecycle Other Co {os.getpid()}"}
    )
    admin.call("res.users", "write", [billing.uid], {"company_ids": [(4, other_id)]})
    tax_id = admin.call(
        "account.tax",
        "create",
        {"name": f"RPC Lifecycle VAT {os.getpid()}", "amount": 19.0, "company_id": main_id},
    )
    both = {"allowed_company_ids": [main_id, other_id]}
    contract_id = billing.call(
        "crm.contract",
        "create",
        {
            "partner_id": partner_id,
            "date_start": "2026-01-01",
            "date_end": "2026-12-31",
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Taxed",
                        "price_unit": 100,
                        "date_start": "2026-01-01",
                        "tax_ids": [(6, 0, [tax_id])],
                    },
                )
            ],
        },
        context=both,
    )
    fault = expect_fault(
        billing.call,
        "crm.contract",
        "write",
        [contract_id],
        {"company_id": other_id},
        context=both,
    )
    assert "Incompatible companies" in fault.faultString
    [contract] = billing.call("crm.contract", "read", [contract_id], ["company_id", "line_ids"])
    assert contract["company_id"][0] == main_id
    billing.call(
        "crm.contract.line", "write", contract["line_ids"], {"tax_ids": [(5, 0, 0)]}, context=both
    )
    billing.call("crm.contract", "write", [contract_id], {"company_id": other_id}, context=both)
    [line] = billing.call(
        "crm.contract.line", "read", contract["line_ids"], ["company_id"], context=both
    )
    assert line["company_id"][0] == other_id


def test_one_record_buttons_refuse_none_or_several(billing, partner_id, expect_fault):
    """The buttons of one record answer none or several ids with a clean
    refusal (fault 2), never a traceback (fault 1)."""
    contract_id = _contract(billing, partner_id, "2026-01-01", "2026-12-31")
    row_ids = billing.call(
        "crm.cashflow.forecast.report", "search", [("contract_id", "=", contract_id)], limit=2
    )
    assert len(row_ids) == 2
    for ids in ([], row_ids):
        expect_fault(billing.call, "crm.cashflow.forecast.report", "action_open_source", ids)
    action = billing.call("crm.cashflow.forecast.report", "action_open_source", row_ids[:1])
    assert action["res_model"] == "crm.contract.schedule"
    expect_fault(billing.call, "crm.contract", "action_view_invoices", [])
