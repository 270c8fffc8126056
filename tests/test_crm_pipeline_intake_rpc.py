"""crm_pipeline lead intake over XML-RPC: a salesman imports leads from a
spreadsheet, sees the duplicates of another salesman's lead, and the company
setting "One lead per tax ID" holds over RPC. The calls are the ones of the
"Lead intake" section of crm_pipeline/readme/USAGE.md."""

import base64
import csv
import io
import os

import pytest
from conftest import ro_cui

pytestmark = pytest.mark.addon("crm_pipeline")


def _csv(rows):
    stream = io.StringIO()
    csv.writer(stream).writerows(rows)
    return base64.b64encode(stream.getvalue().encode("utf-8")).decode()


@pytest.mark.addon("crm_pipeline")
def test_import_leads_and_duplicates(salesman, salesman_b):
    tag = os.getpid()
    vat = f"RO{ro_cui(tag)}"
    existing_id = salesman.call(
        "crm.lead",
        "create",
        {"name": f"RPC intake existing {tag}", "email_from": f"office{tag}@intake.example"},
    )
    content = _csv(
        [
            ["Denumire", "CUI", "E-mail", "Oraș"],
            [f"RPC Alfa {tag} SRL", vat, "", "Cluj-Napoca"],
            [f"RPC Dup {tag} SRL", "", f"OFFICE{tag}@intake.example", ""],
            ["", "", "no-name@intake.example", ""],
        ]
    )
    summary = salesman_b.call(
        "crm.lead",
        "import_leads",
        content,
        "leads.csv",
        {"mode": "skip_invalid", "duplicate_action": "skip"},
    )
    assert summary["created"] == 1
    assert summary["skipped"] == 1
    assert summary["rejected"] == 1
    assert summary["errors"][0]["row"] == 4
    assert summary["rejected_file_name"] == "rejected_rows.xlsx"
    assert base64.b64decode(summary["rejected_file"])[:2] == b"PK"
    [lead] = salesman_b.call(
        "crm.lead",
        "read",
        summary["lead_ids"],
        ["activation_state", "partner_name", "vat", "city", "duplicate_warning"],
    )
    assert lead["activation_state"] == "inactive"
    assert lead["city"] == "Cluj-Napoca"
    # salesman_b cannot read the existing lead, but is told it exists and whose it is
    assert not salesman_b.call("crm.lead", "search", [("id", "=", existing_id)])
    dup_id = salesman_b.call(
        "crm.lead",
        "create",
        {"name": f"RPC intake twin {tag}", "email_from": f"office{tag}@intake.example"},
    )
    [dup] = salesman_b.call("crm.lead", "read", [dup_id], ["duplicate_warning"])
    assert f"RPC intake existing {tag}" in dup["duplicate_warning"]


@pytest.mark.addon("crm_pipeline")
def test_import_leads_bad_input(salesman, expect_fault):
    call = salesman.call
    expect_fault(call, "crm.lead", "import_leads", "not base64!", "leads.csv", {})
    expect_fault(call, "crm.lead", "import_leads", _csv([["City"], ["Arad"]]), "leads.csv", {})
    expect_fault(
        call, "crm.lead", "import_leads", _csv([["Company"], ["A"]]), "l.csv", {"mode": "maybe"}
    )
    expect_fault(call, "crm.lead", "import_leads", base64.b64encode(b"%PDF").decode(), "a.pdf")
    # an invalid row in "all or nothing" mode: nothing is written
    before = call("crm.lead", "search_count", [])
    summary = call(
        "crm.lead",
        "import_leads",
        _csv([["Company", "E-mail"], ["RPC ok SRL", ""], ["RPC bad SRL", "not-an-email"]]),
        "leads.csv",
        {"mode": "all"},
    )
    assert summary["aborted"] and summary["created"] == 0 and summary["rejected"] == 1
    assert call("crm.lead", "search_count", []) == before


@pytest.mark.addon("crm_pipeline")
def test_tax_id_lookup_checks_first(salesman, expect_fault):
    # A wrong control digit is refused before any web service is called.
    fault = expect_fault(salesman.call, "crm.lead", "create_from_tax_id", "RO18547291")
    assert "not a valid Romanian tax ID" in fault.faultString
    expect_fault(salesman.call, "crm.lead", "create_from_tax_id", 18547290)


@pytest.mark.addon("crm_pipeline")
def test_one_lead_per_tax_id_over_rpc(admin, salesman, salesman_b, expect_fault):
    [user] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    company_id = user["company_id"][0]
    vat = f"RO{os.getpid()}"
    salesman.call("crm.lead", "create", {"name": "RPC first of the tax ID", "vat": vat})
    admin.call("res.company", "write", [company_id], {"crm_block_duplicate_vat": True})
    try:
        expect_fault(
            salesman_b.call, "crm.lead", "create", {"name": "RPC second", "vat": vat.lower()}
        )
        expect_fault(
            salesman_b.call,
            "crm.lead",
            "create",
            {"name": "RPC second", "vat": vat},
            context={"crm_pipeline_skip_duplicate": True, "import_file": True},
        )
        # the settings field is for managers only
        expect_fault(
            salesman_b.call,
            "res.company",
            "write",
            [company_id],
            {"crm_block_duplicate_vat": False},
            codes=(4,),
        )
    finally:
        admin.call("res.company", "write", [company_id], {"crm_block_duplicate_vat": False})
