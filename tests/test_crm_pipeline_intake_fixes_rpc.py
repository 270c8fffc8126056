"""crm_pipeline over XML-RPC, the review of the imports and the tax-ID lookup:
control characters in cells, broken or slow answers of the lookup service,
a tax ID twice in a file with "One Lead per Tax ID", an .xlsx with an empty
formatted row far down, identical rows in one file, sections on rows of their
own, and foreign tax IDs that are not Romanian CUIs. Every refusal is a clean
fault (code 2), never a traceback (code 1)."""

import base64
import csv
import io
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openpyxl
import pytest
import xlwt
from conftest import ro_cui
from openpyxl.styles import Font

pytestmark = pytest.mark.addon("crm_pipeline")


def _csv(rows):
    stream = io.StringIO()
    csv.writer(stream).writerows(rows)
    return base64.b64encode(stream.getvalue().encode("utf-8")).decode()


def _tag():
    return f"{os.getpid()}{time.monotonic_ns() % 100000}"


@pytest.fixture
def quotation(admin, salesman):
    """A quotation of the salesman and a product to import into it."""
    tag = _tag()
    partner_id = admin.call("res.partner", "create", {"name": f"RPC fixes client {tag}"})
    product_id = admin.call(
        "product.product",
        "create",
        {"name": f"RPC fixes shelf {tag}", "default_code": f"RPC-FIX-{tag}", "sale_ok": True},
    )
    order_id = salesman.call(
        "sale.order", "create", {"partner_id": partner_id, "user_id": salesman.uid}
    )
    return {"order_id": order_id, "product_id": product_id, "code": f"RPC-FIX-{tag}"}


def test_nul_in_cells(salesman, quotation):
    tag = _tag()
    filler = [[f"RPC filler {tag} {n:04d}"] for n in range(250)]
    content = _csv([["Company"], *filler, [f"RPC nul\x00 {tag}"]])
    summary = salesman.call(
        "crm.lead", "import_leads", content, "leads.csv", {"duplicate_action": "create"}
    )
    assert (summary["created"], summary["rejected"]) == (251, 0)
    assert salesman.call("crm.lead", "search_count", [("name", "=", f"RPC nul {tag}")]) == 1
    # an .xls file: its cells are not text files, a NUL is a character as any other
    book = xlwt.Workbook()
    sheet = book.add_sheet("Offer")
    for r, row in enumerate([["Product", "Quantity"], [f"{quotation['code']}\x00", "2\x00"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    stream = io.BytesIO()
    book.save(stream)
    result = salesman.call(
        "sale.order",
        "action_import_lines",
        [quotation["order_id"]],
        base64.b64encode(stream.getvalue()).decode(),
        "offer.xls",
    )
    [line] = salesman.call("sale.order.line", "read", result["line_ids"], ["product_uom_qty"])
    assert line["product_uom_qty"] == 2.0


def test_section_on_a_row_of_its_own(salesman, quotation):
    code = quotation["code"]
    lines = f"Section,Product,Quantity\nWarehouse,,\n,{code},2\n,{code},1\nOffice,,\n,{code},3\n"
    result = salesman.call(
        "sale.order",
        "action_import_lines",
        [quotation["order_id"]],
        base64.b64encode(lines.encode()).decode(),
        "offer.csv",
    )
    assert (result["created"], result["sections"]) == (3, 2)
    read = salesman.call("sale.order.line", "read", result["line_ids"], ["display_type", "name"])
    assert [line["name"] for line in read if line["display_type"]] == ["Warehouse", "Office"]


def test_formatted_empty_row_far_down(salesman):
    tag = _tag()
    book = openpyxl.Workbook()
    book.active.append(["Company"])
    book.active.append([f"RPC far row {tag}"])
    book.active["A900000"].font = Font(bold=True)
    stream = io.BytesIO()
    book.save(stream)
    summary = salesman.call(
        "crm.lead",
        "import_leads",
        base64.b64encode(stream.getvalue()).decode(),
        "leads.xlsx",
        {},
    )
    assert summary["created"] == 1


def test_identical_rows_in_one_file(salesman):
    for action in ("skip", "update", "create"):
        tag = _tag()
        rows = [
            ["Company", "E-mail"],
            [f"RPC same {tag}", f"same{tag}@fixes.example"],
            [f"RPC same again {tag}", f"SAME{tag}@fixes.example"],
        ]
        summary = salesman.call(
            "crm.lead", "import_leads", _csv(rows), "leads.csv", {"duplicate_action": action}
        )
        if action == "create":
            assert (summary["created"], summary["skipped"]) == (2, 0)
            continue
        assert (summary["created"], summary["skipped"], summary["updated"]) == (1, 1, 0)
        assert summary["duplicates"] == 1
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(summary["rejected_file"])))
        [report_row] = book.active.iter_rows(min_row=2, values_only=True)
        assert report_row[1] == "Skipped: duplicate of row 2 of the file"


def test_same_tax_id_twice_with_update(admin, salesman):
    [user] = admin.call("res.users", "read", [salesman.uid], ["company_id"])
    company_id = user["company_id"][0]
    tag = _tag()
    twin, single = ro_cui(f"9{tag[-7:]}"), ro_cui(f"8{tag[-7:]}")
    rows = [
        ["Company", "CUI"],
        [f"RPC twin A {tag}", f"RO{twin}"],
        [f"RPC twin B {tag}", twin],
        [f"RPC single {tag}", f"RO{single}"],
    ]
    admin.call("res.company", "write", [company_id], {"crm_block_duplicate_vat": True})
    try:
        before = salesman.call("crm.lead", "search_count", [])
        summary = salesman.call(
            "crm.lead",
            "import_leads",
            _csv(rows),
            "leads.csv",
            {"duplicate_action": "update", "mode": "all"},
        )
        assert summary["aborted"] and summary["created"] == 0
        assert summary["errors"][0]["row"] == 3
        assert "also on row 2 of the file" in summary["errors"][0]["reason"]
        assert salesman.call("crm.lead", "search_count", []) == before
        summary = salesman.call(
            "crm.lead",
            "import_leads",
            _csv(rows),
            "leads.csv",
            {"duplicate_action": "update", "mode": "skip_invalid"},
        )
        assert (summary["created"], summary["rejected"]) == (2, 1)
    finally:
        admin.call("res.company", "write", [company_id], {"crm_block_duplicate_vat": False})


def test_foreign_tax_id_is_no_romanian_cui(salesman, salesman_b):
    number = f"9{_tag()}"
    salesman.call("crm.lead", "create", {"name": "RPC German", "vat": f"DE{number}"})
    lead_id = salesman_b.call("crm.lead", "create", {"name": "RPC Romanian", "vat": number})
    [lead] = salesman_b.call("crm.lead", "read", [lead_id], ["duplicate_warning"])
    assert not lead["duplicate_warning"]


class _BrokenAnswers(BaseHTTPRequestHandler):
    """/gzip: a body announced as gzip that is not; /trickle: a byte every half
    second (20 seconds in all)."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"cod": 200, "found": [], "notFound": [], "pad": "x" * 20}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if self.path == "/gzip":
                body = b"\x1f\x8b\x08\x00 no gzip stream"
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.path == "/gzip":
                self.wfile.write(body)
                return
            for byte in body[:40]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.5)
            self.wfile.write(body[40:])
        except (BrokenPipeError, ConnectionResetError):
            return


@pytest.fixture
def broken_anaf(admin):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BrokenAnswers)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    Param = "ir.config_parameter"
    old = admin.call(Param, "get_param", "crm_pipeline.anaf_url")
    yield lambda path: admin.call(Param, "set_param", "crm_pipeline.anaf_url", base + path)
    admin.call(Param, "set_param", "crm_pipeline.anaf_url", old or False)
    server.shutdown()
    server.server_close()


def test_lookup_broken_or_slow_answer(salesman, broken_anaf, expect_fault):
    broken_anaf("/gzip")
    fault = expect_fault(salesman.call, "crm.lead", "create_from_tax_id", "RO18547290")
    assert "ANAF sent an answer that cannot be read" in fault.faultString
    broken_anaf("/trickle")
    start = time.monotonic()
    fault = expect_fault(salesman.call, "crm.lead", "create_from_tax_id", "RO18547290")
    assert "did not answer within 5 seconds" in fault.faultString
    assert time.monotonic() - start < 7.5
