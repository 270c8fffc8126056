"""crm_pipeline lead intake over XML-RPC, the audit by a Romanian salesperson:
a tax ID whose control digit is wrong is a row error (as the lookup by tax ID
refuses it), and the summary's errors list every rejected row."""

import base64
import os
import time

import pytest
from conftest import ro_cui

pytestmark = pytest.mark.addon("crm_pipeline")


def _tag():
    return f"{os.getpid()}{time.monotonic_ns() % 100000}"


def _b64(text):
    return base64.b64encode(text.encode()).decode()


def test_wrong_tax_id_is_a_row_error(salesman, expect_fault):
    tag = _tag()
    content = _b64(f"Company,Tax ID\nBadVat {tag} SRL,RO12345678\n")
    before = salesman.call("crm.lead", "search_count", [])
    summary = salesman.call("crm.lead", "import_leads", content, "leads.csv", {})
    assert (summary["created"], summary["rejected"], summary["aborted"]) == (0, 1, True)
    assert summary["errors"] == [
        {"row": 2, "reason": "RO12345678 is not a valid Romanian tax ID (CUI)."}
    ]
    assert salesman.call("crm.lead", "search_count", []) == before
    # the lookup by tax ID refuses it with the same message
    fault = expect_fault(salesman.call, "crm.lead", "create_from_tax_id", "RO12345678")
    assert "RO12345678 is not a valid Romanian tax ID (CUI)." in fault.faultString
    # skipping the invalid rows: the good one is imported, the bad one reported
    good = ro_cui(tag[-8:])
    content = _b64(
        "Company,Tax ID,Country\n"
        f"GoodVat {tag} SRL,RO{good},\n"
        f"BadVat {tag} SRL,RO12345678,\n"
        f"BadBare {tag} SRL,12345678,Romania\n"
        f"BadGerman {tag} GmbH,DE136695977,\n"
    )
    summary = salesman.call(
        "crm.lead",
        "import_leads",
        content,
        "leads.csv",
        {"mode": "skip_invalid", "duplicate_action": "create"},
    )
    assert (summary["created"], summary["rejected"]) == (1, 3)
    assert [error["row"] for error in summary["errors"]] == [3, 4, 5]
    assert "DE136695977 is not a valid DE VAT number." in summary["errors"][2]["reason"]
    [lead] = salesman.call("crm.lead", "read", summary["lead_ids"], ["vat"])
    assert lead["vat"] == f"RO{good}"


def test_neighbours_tax_ids_checked(salesman):
    """A Ukrainian, Moldovan or Russian tax ID of the wrong form or check
    digit is a row error naming the forms it may take; the right ones are
    imported."""
    tag = _tag()
    content = _b64(
        "Company,Tax ID,Country\n"
        f"ТОВ Сонях {tag},32855961,Ukraine\n"
        f"ТОВ Хибна {tag},32855962,Ukraine\n"
        f"Vin {tag} SRL,MD1008600038412,\n"
    )
    summary = salesman.call(
        "crm.lead",
        "import_leads",
        content,
        "leads.csv",
        {"mode": "skip_invalid", "duplicate_action": "create"},
    )
    assert (summary["created"], summary["rejected"]) == (1, 2)
    assert summary["errors"][0]["reason"] == (
        "32855962 is not a valid Ukrainian tax ID: an ЄДРПОУ code (8 digits), a РНОКПП "
        "(10 digits), both with their check digit, or a VAT number (12 digits)."
    )
    assert "MD1008600038412 is not a valid Moldovan tax ID" in summary["errors"][1]["reason"]
    [lead] = salesman.call("crm.lead", "read", summary["lead_ids"], ["vat"])
    assert lead["vat"] == "32855961"


def test_every_rejected_row_in_errors(salesman):
    tag = _tag()
    rows = "".join(f"RPC every error {tag} {n},not-an-email\n" for n in range(130))
    summary = salesman.call(
        "crm.lead",
        "import_leads",
        _b64(f"Company,E-mail\n{rows}"),
        "leads.csv",
        {"mode": "skip_invalid"},
    )
    assert (summary["rejected"], summary["created"]) == (130, 0)
    assert [error["row"] for error in summary["errors"]] == list(range(2, 132))
    assert all("not an e-mail address" in error["reason"] for error in summary["errors"])
