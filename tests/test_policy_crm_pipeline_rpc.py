"""crm_pipeline under the suite's write policy, over XML-RPC (issue #24): the
fields kept by the code are refused, the duplicate guard holds whatever the
context says, hostile spreadsheets and arguments end in clean faults (code 2,
or 4 for access), never a traceback (code 1), and nothing is written."""

import base64
import csv
import datetime
import io
import os
import zipfile

import openpyxl
import pytest

pytestmark = pytest.mark.addon("crm_pipeline")


def _b64(content):
    return base64.b64encode(content).decode()


def _csv(rows):
    stream = io.StringIO()
    csv.writer(stream).writerows(rows)
    return _b64(stream.getvalue().encode())


def _xlsx_with_row(row_number, value="x", serial=None):
    book = openpyxl.Workbook()
    book.active.append(["Company", "Date"])
    stream = io.BytesIO()
    book.save(stream)
    src = zipfile.ZipFile(io.BytesIO(stream.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cells = f'<c r="A{row_number}" t="inlineStr"><is><t>{value}</t></is></c>'
                if serial is not None:
                    cells += f'<c r="B{row_number}" s="1"><v>{serial}</v></c>'
                row = f'<row r="{row_number}">{cells}</row>'.encode()
                data = data.replace(b"</sheetData>", row + b"</sheetData>")
            elif item.filename == "xl/styles.xml" and serial is not None:
                data = data.replace(b'<cellXfs count="1">', b'<cellXfs count="2">').replace(
                    b"</cellXfs>", b'<xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
                )
            dst.writestr(item, data)
    return _b64(out.getvalue())


def _count(admin):
    return admin.call("crm.lead", "search_count", [], context={"active_test": False})


@pytest.fixture(scope="module")
def lead_id(salesman):
    uid = salesman.uid
    return salesman.call(
        "crm.lead", "create", {"name": f"RPC policy lead {os.getpid()}", "user_id": uid}
    )


def test_owned_fields_refused(salesman, lead_id, expect_fault):
    for vals in (
        {"intake_vat_key": "1"},
        {"intake_phone_key": "1"},
        {"activation_state": "active"},
    ):
        expect_fault(salesman.call, "crm.lead", "write", [lead_id], vals)


def test_duplicate_guard_ignores_the_context_company(admin, salesman, expect_fault):
    user = salesman.call("res.users", "read", [salesman.uid], ["company_id"])[0]
    company_id = user["company_id"][0]
    other_id = admin.call("res.company", "create", {"name": f"RPC other {os.getpid()}"})
    admin.call("res.users", "write", [salesman.uid], {"company_ids": [(4, other_id)]})
    vat = f"RO{os.getpid()}3"
    admin.call("crm.lead", "create", {"name": "RPC holder", "vat": vat, "company_id": company_id})
    mine = salesman.call(
        "crm.lead",
        "create",
        {"name": "RPC mine", "user_id": salesman.uid, "company_id": company_id},
    )
    admin.call("res.company", "write", [company_id], {"crm_block_duplicate_vat": True})
    try:
        ctx = {"allowed_company_ids": [other_id, company_id]}
        expect_fault(salesman.call, "crm.lead", "write", [mine], {"vat": vat}, context=ctx)
        expect_fault(
            salesman.call, "crm.lead", "write", [mine], {"intake_vat_key": vat[2:]}, context=ctx
        )
        expect_fault(
            salesman.call,
            "crm.lead",
            "create",
            {"name": "RPC twin", "vat": vat, "company_id": company_id},
            context=ctx,
        )
        assert salesman.call("crm.lead", "read", [mine], ["vat"])[0]["vat"] is False
    finally:
        admin.call("res.company", "write", [company_id], {"crm_block_duplicate_vat": False})


def test_rejected_rows_have_no_formula(salesman):
    summary = salesman.call(
        "crm.lead",
        "import_leads",
        _csv([["Company", "E-mail"], ['\x01=HYPERLINK("http://x")', "not-an-email"]]),
        "leads.csv",
        {"mode": "skip_invalid"},
    )
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(summary["rejected_file"])))
    values = [c.value for row in book.active.iter_rows() for c in row if c.value]
    assert not [v for v in values if isinstance(v, str) and v.startswith("=")]


def test_xlsx_row_number_beyond_the_limit(admin, salesman, expect_fault):
    before = _count(admin)
    fault = expect_fault(
        salesman.call, "crm.lead", "import_leads", _xlsx_with_row(2000000000), "big.xlsx"
    )
    assert "limit" in fault.faultString
    assert _count(admin) == before


@pytest.mark.parametrize("serial", ["1e300", "99999999999"])
def test_xlsx_date_serial_overflow(salesman, serial):
    try:
        salesman.call(
            "crm.lead", "import_leads", _xlsx_with_row(2, f"Serial {serial}", serial), "d.xlsx"
        )
    except Exception as exc:  # noqa: BLE001 - a clean fault is fine, a traceback is not
        assert getattr(exc, "faultCode", None) == 2, exc


@pytest.mark.parametrize("column", ["²", "٣", "１", "9" * 5000])
def test_mapping_with_unusual_digits(salesman, expect_fault, column):
    expect_fault(
        salesman.call,
        "crm.lead",
        "import_leads",
        _csv([["Company", "Notes"], ["Acme", "n"]]),
        "m.csv",
        {"mapping": {column: "notes"}},
    )


def test_public_methods_refuse_extreme_values(admin, salesman, lead_id, expect_fault):
    for when in ("0001-01-01 10:00:00", "9999-12-31 10:00:00", [1], 1e308):
        expect_fault(salesman.call, "crm.lead", "activate", [lead_id], salesman.uid, when)
    for user in ([salesman.uid], 1e308, 1e10):
        expect_fault(salesman.call, "crm.lead", "activate", [lead_id], user, "2030-01-01 10:00:00")
    assert (
        salesman.call("crm.lead", "read", [lead_id], ["activation_state"])[0]["activation_state"]
        == "inactive"
    )
    partner_id = admin.call("res.partner", "create", {"name": f"RPC client {os.getpid()}"})
    for vals in (
        {"date": "0001-01-01 00:00:00"},
        {"date": "9999-12-31 00:00:00"},
        {"duration": 1e308},
        {"duration": [1]},
        {"name": ["a"]},
    ):
        expect_fault(salesman.call, "crm.interaction", "create", dict(vals, partner_id=partner_id))
    for vals in (
        {"date_deadline": "0001-01-01"},
        {"date_deadline": "9999-12-31"},
        {"color": 1e308},
        {"state": "done_confirmed"},
    ):
        expect_fault(
            salesman.call, "crm.task", "create", dict(vals, name="T", partner_id=partner_id)
        )
    task = salesman.call("crm.task", "create", {"name": "T", "partner_id": partner_id})
    expect_fault(salesman.call, "crm.task", "write", [task], {"state": "done_confirmed"})
    # an unknown time zone in the context
    interaction = salesman.call(
        "crm.interaction", "create", {"partner_id": partner_id}, context={"tz": "Mars/Base"}
    )
    found = salesman.call(
        "crm.interaction",
        "search",
        [("in_current_month", "=", True)],
        context={"tz": "Mars/Base"},
    )
    assert interaction in found
    salesman.call(
        "crm.lead",
        "activate",
        [lead_id],
        salesman.uid,
        "2030-01-01 10:00:00",
        context={"tz": "Mars/Base"},
    )
    resp = salesman.call("crm.lead", "read", [lead_id], ["responsibility_ids"])[0][
        "responsibility_ids"
    ]
    for when in ("0001-01-01 00:00:00", "9999-12-31 00:00:00"):
        expect_fault(salesman.call, "crm.lead.responsibility", "write", resp, {"deadline": when})
        expect_fault(
            salesman.call,
            "crm.lead.responsibility",
            "complete",
            resp,
            "next",
            "ok",
            salesman.uid,
            when,
        )
    for vals in (
        {"state": "done"},
        {"summary": "x"},
        {"activity_id": False},
        # an open step keeps a deadline (it crashed in the activity's sync)
        {"deadline": False},
    ):
        expect_fault(salesman.call, "crm.lead.responsibility", "write", resp, vals)


def test_settings_bounds(admin, expect_fault):
    expect_fault(admin.call, "res.config.settings", "create", {"crm_import_max_rows": 10**8})


def test_one_record_methods_refuse_several_or_none(salesman, expect_fault):
    """The buttons working on one record answer several ids, or none, with a
    clean refusal (code 2), not Odoo's "Expected singleton" traceback."""
    leads = [
        salesman.call("crm.lead", "create", {"name": f"RPC one {os.getpid()} {n}"})
        for n in range(2)
    ]
    wizards = [
        salesman.call("crm.lead.lost", "create", {"lead_ids": [(6, 0, [lead])]}) for lead in leads
    ]
    for ids in (leads, []):
        expect_fault(salesman.call, "crm.lead", "get_contracting_warnings", ids)
        expect_fault(salesman.call, "crm.lead", "action_open_complete_wizard", ids)
        expect_fault(salesman.call, "crm.lead.responsibility", "get_contracting_warnings", ids)
    for ids in (wizards, []):
        expect_fault(salesman.call, "crm.lead.lost", "action_lost_reason_apply", ids)
    assert all(row["active"] for row in salesman.call("crm.lead", "read", leads, ["active"]))
    assert isinstance(salesman.call("crm.lead", "get_contracting_warnings", leads[:1]), list)


def _later(days):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    return when.strftime("%Y-%m-%d %H:%M:%S")


def test_step_handed_over_is_worked_by_its_holder(admin, salesman, salesman_b, expect_fault):
    """A step handed to another salesperson is theirs to do on a lead that is
    not theirs: log a contact on it, read the lead, refuse it (the lead lost);
    the lead is its salesperson's again once the step is closed."""
    client = admin.call("res.partner", "create", {"name": f"RPC handover client {os.getpid()}"})
    lead = salesman.call(
        "crm.lead",
        "create",
        {"name": f"RPC handover {os.getpid()}", "user_id": salesman.uid, "partner_id": client},
    )
    salesman.call("crm.lead", "activate", [lead], salesman.uid, _later(1))
    first = salesman.call("crm.lead", "read", [lead], ["open_responsibility_id"])[0][
        "open_responsibility_id"
    ][0]
    step = salesman.call(
        "crm.lead.responsibility",
        "complete",
        [first],
        "next",
        "Called them",
        next_user_id=salesman_b.uid,
        next_deadline=_later(2),
    )
    salesman_b.call("crm.lead.responsibility", "action_start", [step])
    salesman_b.call(
        "crm.interaction", "create", {"responsibility_id": step, "interaction_type": "call"}
    )
    assert salesman_b.call("crm.lead", "read", [lead], ["name"])
    reason = admin.call("crm.lost.reason", "create", {"name": f"RPC handover {os.getpid()}"})
    salesman_b.call(
        "crm.lead.responsibility",
        "complete",
        [step],
        "refused",
        "No budget",
        lost_reason_id=reason,
    )
    lost = admin.call(
        "crm.lead", "read", [lead], ["active", "lost_reason_id"], context={"active_test": False}
    )[0]
    assert not lost["active"] and lost["lost_reason_id"][0] == reason
    assert admin.call("crm.lead.responsibility", "read", [step], ["state"])[0]["state"] == (
        "refused"
    )
    expect_fault(salesman_b.call, "crm.lead", "write", [lead], {"name": "Not mine"}, codes=(4,))


def test_won_lead_dragged_back_resumes_by_activation(admin, salesman):
    """A won lead moved back to an open stage (a kanban drag) goes back to
    Inactive, so that Activate resumes the chain."""
    won = admin.call("crm.stage", "search", [("is_won", "=", True)], limit=1)[0]
    other = admin.call("crm.stage", "search", [("is_won", "=", False)], limit=1)[0]
    lead = salesman.call(
        "crm.lead", "create", {"name": f"RPC unwon {os.getpid()}", "user_id": salesman.uid}
    )
    salesman.call("crm.lead", "activate", [lead], salesman.uid, _later(1))
    salesman.call("crm.lead", "write", [lead], {"stage_id": won})
    salesman.call("crm.lead", "write", [lead], {"stage_id": other})
    fields = ["activation_state", "open_responsibility_id"]
    state = salesman.call("crm.lead", "read", [lead], fields)[0]
    assert state["activation_state"] == "inactive" and not state["open_responsibility_id"]
    salesman.call("crm.lead", "activate", [lead], salesman.uid, _later(1))
    state = salesman.call("crm.lead", "read", [lead], fields)[0]
    assert state["activation_state"] == "active" and state["open_responsibility_id"]


def test_funnel_counts_a_merged_lead_once(make_user):
    """Two leads that moved on from Contact prospect, merged: one lead reached
    the step and one moved on (not two)."""
    seller = make_user(["sales_team.group_sale_salesman"], "funnel_merge")
    leads = [
        seller.call("crm.lead", "create", {"name": f"RPC merge {n}", "user_id": seller.uid})
        for n in range(2)
    ]
    for lead in leads:
        seller.call("crm.lead", "activate", [lead], seller.uid, _later(1))
        step = seller.call("crm.lead", "read", [lead], ["open_responsibility_id"])[0][
            "open_responsibility_id"
        ][0]
        seller.call(
            "crm.lead.responsibility", "complete", [step], "next", "Met", next_deadline=_later(2)
        )
    wizard = seller.call("crm.merge.opportunity", "create", {"opportunity_ids": [(6, 0, leads)]})
    seller.call("crm.merge.opportunity", "action_merge", [wizard])
    rows = seller.call("crm.responsibility.report", "get_funnel", user_id=seller.uid)
    first = rows[0]
    assert (first["reached"], first["moved_on"], first["conversion"]) == (1, 1, 100.0), first


def test_competitor_links_only_writable_leads(admin, salesman, salesman_b, expect_fault):
    """A competitor linked to another salesperson's lead would change that lead:
    refused (AccessError), the lead untouched."""
    other = salesman_b.call(
        "crm.lead", "create", {"name": f"RPC rival {os.getpid()}", "user_id": salesman_b.uid}
    )
    comp = admin.call("crm.competitor", "create", {"name": f"RPC Rival {os.getpid()}"})
    for commands in ([(4, other)], [(6, 0, [other])]):
        expect_fault(
            salesman.call, "crm.competitor", "write", [comp], {"lead_ids": commands}, codes=(4,)
        )
    expect_fault(
        salesman.call,
        "crm.competitor",
        "create",
        {"name": f"RPC Rival 2 {os.getpid()}", "lead_ids": [(4, other)]},
        codes=(4,),
    )
    assert admin.call("crm.lead", "read", [other], ["competitor_ids"])[0]["competitor_ids"] == []
