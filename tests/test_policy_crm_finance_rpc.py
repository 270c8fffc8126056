"""crm_finance_cashflow's write policy over XML-RPC (issue #24): each bypass of
the issue, tried as a salesperson and a billing user, is refused cleanly
(fault code 2 or 4) and writes nothing; renewal keeps the term's length; a
planned payment of an invoice pays that invoice; absurd values get a clean
error, never a traceback."""

import datetime
import math

import pytest

pytestmark = pytest.mark.addon("crm_finance_cashflow")


@pytest.fixture(scope="module")
def partner_id(admin):
    return admin.call("res.partner", "create", {"name": "RPC Policy Client"})


def _vals(partner_id, start="2026-01-01", end="2026-12-31", **extra):
    return dict(
        {
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
        **extra,
    )


def _read(client, model, ids, fields):
    return client.call(model, "read", ids, fields)


@pytest.fixture
def active_contract(admin, billing, salesman, partner_id):
    """An active contract of the salesperson: ``(contract_id, snapshot)``."""
    contract_id = salesman.call("crm.contract", "create", _vals(partner_id, user_id=salesman.uid))
    assert billing.call("crm.contract", "action_activate", [contract_id]) is True
    return contract_id


def _snapshot(admin, contract_id):
    [contract] = _read(
        admin,
        "crm.contract",
        [contract_id],
        ["state", "date_end", "amount", "lead_id", "name", "end_alert_sent", "partner_id"],
    )
    rows = admin.call(
        "crm.contract.schedule",
        "search_read",
        [("contract_id", "=", contract_id)],
        ["date", "date_due", "direction", "currency_id", "contract_state", "alert_sent", "state"],
    )
    lines = admin.call(
        "crm.contract.line",
        "search_read",
        [("contract_id", "=", contract_id)],
        ["price_unit", "quantity", "date_end"],
    )
    return contract, rows, lines


def test_salesperson_does_not_renew(admin, salesman, active_contract, expect_fault):
    before = _snapshot(admin, active_contract)
    fault = expect_fault(
        salesman.call, "crm.contract", "action_renew", [active_contract], codes=(4,)
    )
    assert "renew" in fault.faultString
    assert _snapshot(admin, active_contract) == before


def test_active_contract_terms(admin, salesman, active_contract, expect_fault):
    before = _snapshot(admin, active_contract)
    [line_id] = salesman.call(
        "crm.contract.line", "search", [("contract_id", "=", active_contract)]
    )
    for vals in (
        {"amount": 1.0},
        {"partner_id": admin.call("res.partner", "create", {"name": "X"})},
    ):
        expect_fault(salesman.call, "crm.contract", "write", [active_contract], vals)
    for vals in ({"date_end": "2027-12-31"}, {"renewal": "automatic"}, {"payment_term_id": False}):
        expect_fault(salesman.call, "crm.contract", "write", [active_contract], vals, codes=(4,))
    for vals in ({"price_unit": 1000.0}, {"date_end": "2027-12-31"}, {"quantity": 12}):
        expect_fault(salesman.call, "crm.contract.line", "write", [line_id], vals, codes=(4,))
    expect_fault(
        salesman.call,
        "crm.contract",
        "write",
        [active_contract],
        {"line_ids": [(0, 0, {"name": "Extra", "price_unit": 5, "date_start": "2026-03-01"})]},
        codes=(4,),
    )
    expect_fault(salesman.call, "crm.contract.line", "unlink", [line_id], codes=(4,))
    assert _snapshot(admin, active_contract) == before


def test_owned_at_create(admin, salesman, partner_id, expect_fault):
    count = admin.call("crm.contract", "search_count", [("partner_id", "=", partner_id)])
    for extra in ({"name": "CTR/FORGED"}, {"end_alert_sent": True}, {"state": "active"}):
        expect_fault(
            salesman.call,
            "crm.contract",
            "create",
            _vals(partner_id, user_id=salesman.uid, **extra),
        )
    # context defaults do not set them either
    contract_id = salesman.models.execute_kw(
        salesman.db,
        salesman.uid,
        salesman.password,
        "crm.contract",
        "create",
        [_vals(partner_id, user_id=salesman.uid)],
        {"context": {"default_state": "active", "default_end_alert_sent": True}},
    )
    [contract] = _read(admin, "crm.contract", [contract_id], ["state", "end_alert_sent", "name"])
    assert (contract["state"], contract["end_alert_sent"]) == ("draft", False)
    assert contract["name"].startswith("CTR/")
    assert (
        admin.call("crm.contract", "search_count", [("partner_id", "=", partner_id)]) == count + 1
    )


def test_lead_of_active_contract(admin, salesman, salesman_b, active_contract, expect_fault):
    own_lead = admin.call("crm.lead", "create", {"name": "Own lead", "user_id": salesman.uid})
    other_lead = admin.call(
        "crm.lead", "create", {"name": "Another's lead", "user_id": salesman_b.uid}
    )
    # the lead of an active contract no longer changes (the gate reads it)...
    expect_fault(salesman.call, "crm.contract", "write", [active_contract], {"lead_id": own_lead})
    expect_fault(
        salesman.call,
        "crm.lead",
        "write",
        [own_lead],
        {"crm_contract_ids": [(4, active_contract)]},
    )
    # ... and a contract never points at a lead its user may not read
    expect_fault(
        salesman.call,
        "crm.contract",
        "write",
        [active_contract],
        {"lead_id": other_lead},
        codes=(2, 4),
    )
    [contract] = _read(admin, "crm.contract", [active_contract], ["lead_id"])
    assert contract["lead_id"] is False


def test_schedule_rows_owned(admin, billing, salesman, active_contract, expect_fault):
    before = _snapshot(admin, active_contract)
    [row_id] = billing.call(
        "crm.contract.schedule", "search", [("contract_id", "=", active_contract)], limit=1
    )
    eur = admin.call(
        "res.currency", "search", [("name", "=", "EUR")], context={"active_test": False}
    )
    for vals in (
        {"date_due": "2030-01-01"},
        {"direction": "outgoing"},
        {"currency_id": eur[0]},
        {"contract_state": "terminated"},
        {"alert_sent": True},
        {"date": "2030-01-01"},
        {"amount_untaxed": 1},
        {"state": "cancelled"},
    ):
        for client in (billing, salesman):
            expect_fault(
                client.call, "crm.contract.schedule", "write", [row_id], vals, codes=(2, 4)
            )
    assert _snapshot(admin, active_contract) == before


@pytest.mark.parametrize(
    ("start", "end", "renewed", "rows"),
    [
        ("2026-12-01", "2027-05-31", "2027-11-30", 12),
        ("2027-01-01", "2027-06-30", "2027-12-31", 12),
    ],
)
def test_renewal_keeps_the_term(admin, billing, partner_id, start, end, renewed, rows):
    contract_id = billing.call("crm.contract", "create", _vals(partner_id, start, end))
    billing.call("crm.contract", "action_activate", [contract_id])
    assert billing.call("crm.contract", "action_renew", [contract_id]) is True
    [contract] = _read(admin, "crm.contract", [contract_id], ["date_end"])
    assert contract["date_end"] == renewed
    assert (
        admin.call("crm.contract.schedule", "search_count", [("contract_id", "=", contract_id)])
        == rows
    )


def test_planned_payment_pays_the_invoice(admin, billing, partner_id):
    invoice_id = admin.call(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": partner_id,
            "invoice_date": datetime.date.today().isoformat(),
            "invoice_line_ids": [
                (0, 0, {"name": "Work", "quantity": 1, "price_unit": 700, "tax_ids": [(6, 0, [])]})
            ],
        },
    )
    admin.call("account.move", "action_post", [invoice_id])
    planned_id = billing.call(
        "crm.planned.payment",
        "create",
        {
            "name": "Client pays",
            "direction": "incoming",
            "partner_id": partner_id,
            "amount": 700,
            "date": datetime.date.today().isoformat(),
            "invoice_id": invoice_id,
        },
    )
    assert billing.call("crm.planned.payment", "action_post", [planned_id]) is True
    [invoice] = _read(admin, "account.move", [invoice_id], ["payment_state", "amount_residual"])
    assert invoice["payment_state"] in ("paid", "in_payment")
    assert invoice["amount_residual"] == 0
    assert not billing.call(
        "crm.cashflow.forecast.report", "search_count", [("invoice_id", "=", invoice_id)]
    )


def test_posted_planned_payment_not_deleted(admin, billing, partner_id, expect_fault):
    """A posted planned payment is not deleted (the payment it made would stay
    with nothing pointing back), nor a cancelled one; a planned one is."""
    vals = {
        "name": "RPC cash in",
        "direction": "incoming",
        "partner_id": partner_id,
        "amount": 80,
        "date": datetime.date.today().isoformat(),
    }
    posted_id = billing.call("crm.planned.payment", "create", vals)
    assert billing.call("crm.planned.payment", "action_post", [posted_id]) is True
    cancelled_id = billing.call("crm.planned.payment", "create", vals)
    assert billing.call("crm.planned.payment", "action_cancel", [cancelled_id]) is True
    planned_id = billing.call("crm.planned.payment", "create", vals)
    for ids in ([posted_id], [cancelled_id], [planned_id, posted_id]):
        expect_fault(billing.call, "crm.planned.payment", "unlink", ids)
    rows = _read(admin, "crm.planned.payment", [posted_id, cancelled_id, planned_id], ["state"])
    assert [row["state"] for row in rows] == ["posted", "cancelled", "planned"]
    [posted] = _read(admin, "crm.planned.payment", [posted_id], ["payment_id"])
    assert posted["payment_id"]
    assert billing.call("crm.planned.payment", "unlink", [planned_id]) is True
    assert not admin.call("crm.planned.payment", "search", [("id", "=", planned_id)])


def test_limits(admin, billing, partner_id, expect_fault):
    count = admin.call("crm.contract", "search_count", [("partner_id", "=", partner_id)])
    bad_contracts = [
        _vals(partner_id, start="0001-01-01"),
        _vals(partner_id, end="9999-12-31"),
        _vals(partner_id, end=["2026-12-31"]),
        _vals(partner_id, alert_days_end=10_000_000),
        _vals(partner_id, alert_days_invoice=-3),
        _vals(partner_id, start=""),
    ]
    for price in (1e308, -1.0):
        vals = _vals(partner_id)
        vals["line_ids"][0][2]["price_unit"] = price
        bad_contracts.append(vals)
    vals = _vals(partner_id)
    vals["line_ids"][0][2]["quantity"] = [1]
    bad_contracts.append(vals)
    for vals in bad_contracts:
        expect_fault(billing.call, "crm.contract", "create", vals)
    assert admin.call("crm.contract", "search_count", [("partner_id", "=", partner_id)]) == count
    contract_id = billing.call("crm.contract", "create", _vals(partner_id))
    billing.call("crm.contract", "action_activate", [contract_id])
    for date in ("9999-12-31", "0001-01-01", ["2026-02-01"], "not a date"):
        expect_fault(
            billing.call, "crm.contract", "action_create_invoices", [contract_id], date=date
        )
    assert not admin.call(
        "crm.contract.schedule",
        "search_count",
        [("contract_id", "=", contract_id), ("state", "=", "invoiced")],
    )
    for args, kwargs in (
        (("0001-01-01", "2026-12-31"), {}),
        (("2026-01-01", "9999-12-31"), {}),
        (("2026-01-01", "2026-12-31"), {"granularity": ["month"]}),
        (([1], "2026-12-31"), {}),
    ):
        expect_fault(billing.call, "crm.contract", "get_cashflow_forecast", *args, **kwargs)
    for amount in (1e308, -10.0):
        expect_fault(
            billing.call,
            "crm.planned.payment",
            "create",
            {"name": "Bad", "amount": amount, "date": "2026-01-01"},
        )
    assert math.isfinite(1e308)  # XML-RPC carries 1e308 (NaN and inf do not marshal)
    # an unknown time zone in the context: the methods still answer
    result = billing.models.execute_kw(
        billing.db,
        billing.uid,
        billing.password,
        "crm.contract",
        "get_cashflow_forecast",
        ["2026-01-01", "2026-03-31"],
        {"context": {"tz": "Mars/Olympus_Mons"}},
    )
    assert result[0]["period"] == "overdue"
    invoices = billing.models.execute_kw(
        billing.db,
        billing.uid,
        billing.password,
        "crm.contract",
        "action_create_invoices",
        [[contract_id]],
        {"date": "2026-01-15", "context": {"tz": "Mars/Olympus_Mons"}},
    )
    assert len(invoices) == 1
    created = billing.models.execute_kw(
        billing.db,
        billing.uid,
        billing.password,
        "crm.contract",
        "create",
        [_vals(partner_id)],
        {"context": {"tz": "Mars/Olympus_Mons"}},
    )
    [contract] = _read(admin, "crm.contract", [created], ["name"])
    assert contract["name"].startswith("CTR/")


def test_shortened_period_clips_the_lines(admin, billing, partner_id, expect_fault):
    """A plain write of an active contract's end (as a client sends it) clips
    its lines and planned rows to the new period; an invoiced row outside a
    newer period is refused (fault code 2) and nothing changes."""
    vals = _vals(partner_id, start="2027-01-01", end="2027-12-31")
    vals["line_ids"][0][2]["date_end"] = "2027-12-31"
    contract_id = billing.call("crm.contract", "create", vals)
    assert billing.call("crm.contract", "action_activate", [contract_id]) is True
    assert billing.call("crm.contract", "write", [contract_id], {"date_end": "2027-06-30"})
    contract, rows, lines = _snapshot(admin, contract_id)
    assert contract["amount"] == 600.0
    assert max(row["date"] for row in rows) == "2027-06-01"
    assert [line["date_end"] for line in lines] == ["2027-06-30"]
    billing.call("crm.contract", "action_create_invoices", [contract_id], date="2027-03-01")
    before = _snapshot(admin, contract_id)
    expect_fault(billing.call, "crm.contract", "write", [contract_id], {"date_end": "2027-02-15"})
    assert _snapshot(admin, contract_id) == before


def test_extended_period_extends_the_lines_that_ended_with_it(admin, billing, partner_id):
    """A plain write of a later end extends the lines that ended with the
    contract, and their planned rows, as Renew does."""
    vals = _vals(partner_id, start="2027-01-01", end="2027-06-30")
    vals["line_ids"][0][2]["date_end"] = "2027-06-30"
    contract_id = billing.call("crm.contract", "create", vals)
    assert billing.call("crm.contract", "action_activate", [contract_id]) is True
    assert billing.call("crm.contract", "write", [contract_id], {"date_end": "2027-12-31"})
    contract, rows, lines = _snapshot(admin, contract_id)
    assert contract["amount"] == 1200.0
    assert max(row["date"] for row in rows) == "2027-12-01"
    assert [line["date_end"] for line in lines] == ["2027-12-31"]


def test_terminated_contract_draft_invoice_still_expected(admin, billing, partner_id):
    """A contract terminated while its invoice is a draft: its invoiced rows
    stay in the forecast report until the invoice is posted or cancelled."""
    contract_id = billing.call(
        "crm.contract", "create", _vals(partner_id, start="2025-01-01", end="2025-12-31")
    )
    assert billing.call("crm.contract", "action_activate", [contract_id]) is True
    billing.call("crm.contract", "action_create_invoices", [contract_id], date="2025-12-01")
    assert billing.call("crm.contract", "action_terminate", [contract_id]) is True
    rows = billing.call(
        "crm.cashflow.forecast.report",
        "search_read",
        [("contract_id", "=", contract_id)],
        ["source", "amount_incoming"],
    )
    assert {row["source"] for row in rows} == {"schedule"}
    assert sum(row["amount_incoming"] for row in rows) == 1200.0


def _currency_with_root_rate(admin, name, root_id, day, rate):
    """The id of currency ``name`` (created once) with ``rate`` on ``day`` in
    the root company ``root_id``."""
    found = admin.call(
        "res.currency", "search", [("name", "=", name)], context={"active_test": False}
    )
    currency_id = (
        found[0] if found else admin.call("res.currency", "create", {"name": name, "symbol": name})
    )
    admin.call("res.currency", "write", [currency_id], {"active": True})
    if not admin.call(
        "res.currency.rate",
        "search",
        [("currency_id", "=", currency_id), ("company_id", "=", root_id), ("name", "=", day)],
    ):
        admin.call(
            "res.currency.rate",
            "create",
            {"currency_id": currency_id, "name": day, "rate": rate, "company_id": root_id},
        )
    return currency_id


def test_branch_contract_invoiced_at_its_root_rate(admin, billing, partner_id):
    """A branch's contract in a foreign currency is invoiced at its root
    company's rate (Odoo keeps a branch's rates on its root): it was refused
    for want of a rate of the branch's own."""
    [me] = _read(admin, "res.users", [admin.uid], ["company_id"])
    root_id = me["company_id"][0]
    branch_id = admin.call(
        "res.company",
        "create",
        {"name": f"RPC Branch {datetime.datetime.now()}", "parent_id": root_id},
    )
    [billing_user] = _read(admin, "res.users", [billing.uid], ["company_id"])
    admin.call(
        "res.users",
        "write",
        [billing.uid],
        {"company_ids": [(4, branch_id), (4, billing_user["company_id"][0])]},
    )
    currency_id = _currency_with_root_rate(admin, "XRB", root_id, "2026-01-01", 2.0)
    context = {"allowed_company_ids": [branch_id, billing_user["company_id"][0]]}
    contract_id = billing.call(
        "crm.contract",
        "create",
        _vals(partner_id, currency_id=currency_id, company_id=branch_id),
        context=context,
    )
    assert billing.call("crm.contract", "action_activate", [contract_id], context=context)
    [invoice_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-01-20", context=context
    )
    [invoice] = _read(admin, "account.move", [invoice_id], ["company_id", "amount_untaxed_signed"])
    assert invoice["company_id"][0] == branch_id
    assert invoice["amount_untaxed_signed"] == 50.0


def test_branch_rates_stored_on_its_root(admin, nbr_feed):
    """Update rates now on a branch stores the rates on its root company (Odoo
    refuses a rate on a branch): it failed with Odoo's ValidationError."""
    ron = admin.call(
        "res.currency", "search", [("name", "=", "RON")], context={"active_test": False}
    )
    admin.call("res.currency", "write", ron, {"active": True})
    stamp = datetime.datetime.now().isoformat()
    root_id = admin.call(
        "res.company", "create", {"name": f"RPC Rates Root {stamp}", "currency_id": ron[0]}
    )
    branch_id = admin.call(
        "res.company",
        "create",
        {"name": f"RPC Rates Branch {stamp}", "parent_id": root_id, "crm_rate_provider": "nbr"},
    )
    admin.call("res.users", "write", [admin.uid], {"company_ids": [(4, root_id), (4, branch_id)]})
    try:
        assert admin.call("res.company", "action_update_currency_rates", [branch_id]) is True
        assert admin.call("res.currency.rate", "search_count", [("company_id", "=", root_id)])
        assert not admin.call("res.currency.rate", "search_count", [("company_id", "=", branch_id)])
        [branch] = _read(admin, "res.company", [branch_id], ["crm_rate_last_error"])
        assert not branch["crm_rate_last_error"]
    finally:
        # the daily cron would read the real feed for it
        admin.call("res.company", "write", [branch_id], {"crm_rate_provider": "none"})


def test_moving_an_invoiced_line_refused(admin, billing, partner_id, expect_fault):
    """Moving a line's first date off a row already invoiced is refused (fault
    code 2), and nothing changes: the period would be invoiced twice."""
    contract_id = billing.call("crm.contract", "create", _vals(partner_id))
    assert billing.call("crm.contract", "action_activate", [contract_id]) is True
    billing.call("crm.contract", "action_create_invoices", [contract_id], date="2026-01-31")
    [line_id] = billing.call("crm.contract.line", "search", [("contract_id", "=", contract_id)])
    before = _snapshot(admin, contract_id)
    fault = expect_fault(
        billing.call, "crm.contract.line", "write", [line_id], {"date_start": "2026-01-15"}
    )
    # the date as the user's language (en_US) writes it
    assert "invoiced for 01/01/2026" in fault.faultString
    assert _snapshot(admin, contract_id) == before


def test_row_of_a_deleted_line_cancelled_with_its_invoice(admin, billing, partner_id):
    """A line deleted while its row is on a draft invoice: cancelling the
    invoice cancels the row, which the next run no longer invoices (as a
    line of nothing)."""
    vals = _vals(partner_id)
    vals["line_ids"].append(
        (0, 0, {"name": "Support", "price_unit": 50, "date_start": "2026-01-01"})
    )
    contract_id = billing.call("crm.contract", "create", vals)
    assert billing.call("crm.contract", "action_activate", [contract_id]) is True
    [invoice_id] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-01-31"
    )
    [support_id] = billing.call(
        "crm.contract.line",
        "search",
        [("contract_id", "=", contract_id), ("name", "=", "Support")],
    )
    billing.call("crm.contract.line", "unlink", [support_id])
    billing.call("account.move", "write", [invoice_id], {"state": "cancel"})
    rows = admin.call(
        "crm.contract.schedule",
        "search_read",
        [("contract_id", "=", contract_id), ("contract_line_id", "=", False)],
        ["state"],
    )
    assert [row["state"] for row in rows] == ["cancelled"]
    [again] = billing.call(
        "crm.contract", "action_create_invoices", [contract_id], date="2026-01-31"
    )
    [move] = _read(admin, "account.move", [again], ["amount_untaxed"])
    assert move["amount_untaxed"] == 100.0
