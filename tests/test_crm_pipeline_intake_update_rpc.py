"""crm_pipeline lead intake over XML-RPC, the second review: in "update" mode a
row repeating an earlier row of the file (the same tax ID) that matches the
same lead is skipped as a duplicate of that row, not applied over the earlier
row's update; errors name the rows by their number in the file, the empty
rows before them counted."""

import base64
import io
import os
import time

import openpyxl
import pytest
from conftest import ro_cui

pytestmark = pytest.mark.addon("crm_pipeline")


def _tag():
    return f"{os.getpid()}{time.monotonic_ns() % 100000}"


def _report(summary):
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(summary["rejected_file"])))
    return list(book.active.iter_rows(min_row=2, values_only=True))


def test_update_row_repeating_an_earlier_row_is_skipped(salesman):
    tag = _tag()
    cui = ro_cui(tag)
    lead_id = salesman.call(
        "crm.lead",
        "create",
        {"name": f"RPC update twin {tag}", "vat": f"RO{cui}", "user_id": salesman.uid},
    )
    text = (
        "Company,Tax ID,E-mail,City\n"
        f"First {tag} SRL,RO{cui},first{tag}@x.example.com,Cluj\n"
        f"Second {tag} SRL,{cui},second{tag}@x.example.com,Iasi\n"
    )
    summary = salesman.call(
        "crm.lead",
        "import_leads",
        base64.b64encode(text.encode()).decode(),
        "leads.csv",
        {"duplicate_action": "update"},
    )
    assert (summary["updated"], summary["skipped"], summary["created"]) == (1, 1, 0)
    assert summary["rejected"] == 0
    [lead] = salesman.call("crm.lead", "read", [lead_id], ["partner_name", "email_from", "city"])
    assert (lead["partner_name"], lead["email_from"], lead["city"]) == (
        f"First {tag} SRL",
        f"first{tag}@x.example.com",
        "Cluj",
    )
    [skipped] = _report(summary)
    assert skipped[0] == 3
    assert "row 2 of the file" in skipped[1]
    assert skipped[2] == f"Second {tag} SRL"


def test_error_rows_numbered_as_in_the_file(salesman):
    tag = _tag()
    text = f"Company,E-mail\nOk {tag} SRL,ok{tag}@x.example.com\n,\n,\nBad {tag} SRL,not-an-email\n"
    summary = salesman.call(
        "crm.lead",
        "import_leads",
        base64.b64encode(text.encode()).decode(),
        "leads.csv",
        {"mode": "skip_invalid"},
    )
    assert (summary["created"], summary["rejected"]) == (1, 1)
    assert summary["errors"][0]["row"] == 5
    assert [(row[0], row[2]) for row in _report(summary)] == [(5, f"Bad {tag} SRL")]
