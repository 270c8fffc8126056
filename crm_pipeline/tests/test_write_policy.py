"""The write policy of crm_pipeline's models and the bypasses of issue #24,
tried as a salesperson: each refusal is a clean UserError/ValidationError (or
AccessError) and leaves nothing written."""

import base64
import io
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openpyxl

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.crm_pipeline.models.crm_lead_intake import safe_cell

from .common import PipelineCase
from .common_intake import b64, csv_bytes, xlsx_bytes

REFUSED = (UserError, ValidationError, AccessError)

_ANAF_FOUND = {
    "cod": 200,
    "found": [{"date_generale": {"denumire": "Good SRL", "cui": 14399840}}],
}
# path -> (HTTP body bytes)
_ANSWERS = {
    "/not_json": b"<html>busy</html>",
    "/list": json.dumps([1, 2, 3]).encode(),
    "/found_not_list": json.dumps({"cod": 200, "found": {"a": 1}}).encode(),
    "/found_strings": json.dumps({"cod": 200, "found": ["x"]}).encode(),
    "/name_number": json.dumps(
        {"cod": 200, "found": [{"date_generale": {"denumire": 12345}}]}
    ).encode(),
    "/street_dict": json.dumps(
        {
            "cod": 200,
            "found": [
                {
                    "date_generale": {"denumire": "X SRL"},
                    "adresa_sediu_social": {"sdenumire_Strada": {"a": 1}},
                }
            ],
        }
    ).encode(),
    "/vat_payer_text": json.dumps(
        {
            "cod": 200,
            "found": [
                {
                    "date_generale": {"denumire": "X SRL"},
                    "inregistrare_scop_Tva": {"scpTVA": "false"},
                }
            ],
        }
    ).encode(),
    "/huge": b'{"cod": 200, "found": [], "pad": "' + b"x" * (2 * 1024 * 1024) + b'"}',
    "/deep": b"[" * 100000 + b"]" * 100000,
    "/vies_valid_text": json.dumps({"valid": "yes", "name": "A"}).encode(),
    "/vies_name_number": json.dumps({"valid": True, "name": 7, "address": "x"}).encode(),
    "/vies_address_list": json.dumps({"valid": True, "name": "A", "address": ["x"]}).encode(),
    "/good": json.dumps(_ANAF_FOUND).encode(),
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = _ANSWERS.get(self.path, b"{}")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _xlsx_with_row(row_number, value="x", date_cell=None):
    """A minimal .xlsx whose second row is numbered ``row_number`` (and may hold
    a date-formatted cell of serial ``date_cell``)."""
    content = xlsx_bytes([["Company", "Date"]])
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cells = f'<c r="A{row_number}" t="inlineStr"><is><t>{value}</t></is></c>'
                if date_cell is not None:
                    cells += f'<c r="B{row_number}" s="1"><v>{date_cell}</v></c>'
                row = f'<row r="{row_number}">{cells}</row>'.encode()
                data = data.replace(b"</sheetData>", row + b"</sheetData>")
            elif item.filename == "xl/styles.xml" and date_cell is not None:
                data = data.replace(
                    b'<cellXfs count="1">',
                    b'<cellXfs count="2">',
                ).replace(b"</cellXfs>", b'<xf numFmtId="14" applyNumberFormat="1"/></cellXfs>')
            dst.writestr(item, data)
    return out.getvalue()


@tagged("post_install", "-at_install")
class TestPipelineWritePolicy(PipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Lead = cls.env["crm.lead"]
        cls.lead = cls._lead("Policy lead", user_id=cls.salesman.id)

    def _refused(self, func, *args, **kwargs):
        with self.assertRaises(Exception) as caught:
            func(*args, **kwargs)
        self.assertIsInstance(caught.exception, REFUSED)

    # ------------------------------------------------------------------
    # Declarations
    # ------------------------------------------------------------------

    def test_every_stored_field_is_declared(self):
        policy = self.env["crm.write.policy"].get_write_policy()
        magic = {"id", "create_uid", "create_date", "write_uid", "write_date"}
        undeclared = []
        for model, entry in policy.items():
            for fname, rule in entry["fields"].items():
                field = self.env[model]._fields[fname]
                if "crm_pipeline" in (field._modules or ()) and fname not in magic:
                    if not rule["declared"]:
                        undeclared.append(f"{model}.{fname}")
        self.assertEqual(undeclared, [])
        for model in (
            "crm.lead",
            "crm.lead.responsibility",
            "crm.responsibility.type",
            "crm.interaction",
            "crm.task",
            "crm.competitor",
            "crm.commission.rate",
            "utm.campaign",
            "res.partner",
            "res.company",
        ):
            self.assertIn(model, policy)

    def test_owned_fields_refused(self):
        lead = self.lead.with_user(self.salesman)
        for vals in (
            {"intake_vat_key": "123"},
            {"activation_state": "active"},
        ):
            self._refused(lead.write, vals)
        resp = self._activate(self.lead).with_user(self.salesman)
        for vals in (
            {"state": "done"},
            {"type_id": self.t_offer.id},
            {"summary": "x"},
            {"date_closed": "2026-01-01 00:00:00"},
            {"lead_id": self._lead("Other").id},
            {"activity_id": False},
            {"calendar_event_id": False},
            {"company_id": False},
        ):
            self._refused(resp.write, vals)
        self.assertEqual(resp.state, "assigned")
        # what users may write
        resp.write({"deadline": self._in(3)})
        # the kind binds the gates
        with self.assertRaises(UserError):
            self.t_contact.with_user(self.manager).write({"kind": "contracting"})
        with self.assertRaises(UserError):
            self.env["crm.responsibility.type"].with_user(self.manager).create(
                {"name": "X", "code": "XK", "kind": "contracting"}
            )
        self._refused(self.t_contact.with_user(self.manager).write, {"duration_days": 10**7})
        partner = self.customer.with_user(self.salesman)
        self._refused(partner.write, {"intake_vat_key": "1"})

    def test_task_status_only_by_its_buttons(self):
        Task = self.env["crm.task"].with_user(self.salesman)
        with self.assertRaises(UserError):
            Task.create({"name": "T", "partner_id": self.customer.id, "state": "done_confirmed"})
        task = Task.create({"name": "T", "partner_id": self.customer.id})
        for vals in (
            {"state": "done_confirmed"},
            {"date_done": "2026-01-01 00:00:00"},
            {"is_closed": True},
        ):
            self._refused(task.write, vals)
        self.assertEqual(task.state, "assigned")
        self.assertIs(task.action_confirm_done(), True)
        self.assertTrue(task.is_closed)

    # ------------------------------------------------------------------
    # Duplicate guard
    # ------------------------------------------------------------------

    def test_duplicate_guard_key_field_and_companies(self):
        company = self.env.company
        company.crm_block_duplicate_vat = True
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self.salesman.write({"company_ids": [(4, other_company.id)]})
        self._lead("Holder", vat="RO18547290", user_id=self.salesman_b.id)
        Lead = self.Lead.with_user(self.salesman)
        before = Lead.sudo().search_count([])
        # the stored key is owned
        lead = Lead.create({"name": "Mine", "user_id": self.salesman.id})
        with self.assertRaises(UserError):
            lead.write({"intake_vat_key": "18547290"})
        # a context naming another company does not move the lead out of the check
        ctx = {"allowed_company_ids": [other_company.id, company.id]}
        with self.assertRaisesRegex(UserError, "one lead per tax ID"):
            Lead.with_context(**ctx).create(
                {"name": "Twin", "vat": "18547290", "company_id": company.id}
            )
        with self.assertRaisesRegex(UserError, "one lead per tax ID"):
            lead.with_context(allowed_company_ids=[other_company.id, company.id]).write(
                {"vat": "RO 185-472-90"}
            )
        self.assertFalse(lead.vat)
        self.assertEqual(Lead.sudo().search_count([]), before + 1)
        # moving a lead holding the tax ID into the blocking company is refused
        elsewhere = Lead.with_context(allowed_company_ids=[other_company.id]).create(
            {"name": "Elsewhere", "vat": "18547290", "company_id": other_company.id}
        )
        with self.assertRaisesRegex(UserError, "one lead per tax ID"):
            elsewhere.write({"company_id": company.id})

    # ------------------------------------------------------------------
    # Exports and spreadsheets
    # ------------------------------------------------------------------

    def test_rejected_rows_neutralise_after_stripping(self):
        for value in ("\x01=HYPERLINK(1)", "\x00\x1b+1", "\x7f@SUM(A1)", "\x08-2"):
            cleaned = safe_cell(value)
            self.assertTrue(cleaned.startswith("'"), repr(cleaned))
        self.assertEqual(safe_cell("ok\x00\x1bvalue"), "okvalue")
        content = csv_bytes([["Company", "E-mail"], ['\x01=HYPERLINK("http://x")', "not-an-email"]])
        result = self.Lead.with_user(self.salesman).import_leads(
            b64(content), "leads.csv", {"mode": "skip_invalid"}
        )
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(result["rejected_file"])))
        values = [c.value for row in book.active.iter_rows() for c in row if c.value]
        self.assertFalse([v for v in values if isinstance(v, str) and v.startswith("=")])

    def test_xlsx_declared_row_number_beyond_limit(self):
        self.env["ir.config_parameter"].set_param("crm_pipeline.import_max_rows", "100")
        Lead = self.Lead.with_user(self.salesman)
        before = self._count_all()
        # beyond Excel's last row: refused as it is read
        with self.assertRaisesRegex(UserError, "limit"):
            Lead.import_leads(b64(_xlsx_with_row(2000000000)), "big.xlsx")
        self.assertEqual(self._count_all(), before)
        # a gap of empty rows is fine, beyond the limit too: only the rows
        # holding a value count
        for number in (50, 102, 1048576):
            result = Lead.import_leads(b64(_xlsx_with_row(number, f"Gap {number} SRL")), "g.xlsx")
            self.assertEqual(result["created"], 1)

    def test_xlsx_date_serial_overflow(self):
        Lead = self.Lead.with_user(self.salesman)
        for serial in ("1e300", "99999999999", "-5"):
            try:
                result = Lead.import_leads(b64(_xlsx_with_row(2, "Serial SRL", serial)), "d.xlsx")
            except REFUSED as exc:  # a clean refusal is fine, a traceback is not
                self.assertTrue(str(exc))
            else:
                self.assertEqual(result["created"], 1)

    def test_mapping_unusual_digits(self):
        Lead = self.Lead.with_user(self.salesman)
        content = b64(csv_bytes([["Company", "Notes"], ["Acme", "n"]]))
        for column in ("²", "٣", "１", "9" * 5000, "0x1"):
            with self.assertRaises(UserError):
                Lead.import_leads(content, "m.csv", {"mapping": {column: "notes"}})

    def _count_all(self):
        return self.Lead.with_context(active_test=False).search_count([])

    # ------------------------------------------------------------------
    # Arguments of public methods
    # ------------------------------------------------------------------

    def test_public_methods_refuse_extreme_values(self):
        lead = self.lead.with_user(self.salesman)
        for when in ("0001-01-01 10:00:00", "9999-12-31 10:00:00", "1899-12-31 10:00:00", [1]):
            with self.assertRaises(UserError):
                lead.activate(self.salesman.id, when)
        self.assertEqual(lead.activation_state, "inactive")
        for user in ([self.salesman.id], 1e308, float("nan"), 2**40):
            with self.assertRaises(UserError):
                lead.activate(user, self._in(1))
        resp = self._activate(self.lead).with_user(self.salesman)
        for when in ("0001-01-01 00:00:00", "9999-12-31 23:59:59"):
            self._refused(resp.write, {"deadline": when})
            with self.assertRaises(UserError):
                resp.complete("next", "ok", self.salesman.id, when)
        self.assertEqual(resp.state, "assigned")
        Interaction = self.env["crm.interaction"].with_user(self.salesman)
        Task = self.env["crm.task"].with_user(self.salesman)
        base = {"partner_id": self.customer.id}
        for vals in (
            {"date": "0001-01-01 00:00:00"},
            {"date": "9999-12-31 00:00:00"},
            {"duration": 1e308},
            {"duration": float("nan")},
            {"duration": [1]},
            {"name": ["a"]},
            {"partner_id": [self.customer.id]},
        ):
            self._refused(Interaction.create, dict(base, **vals))
        for vals in (
            {"date_deadline": "0001-01-01"},
            {"date_deadline": "9999-12-31"},
            {"color": 1e308},
            {"color": float("nan")},
            {"name": ["a"]},
        ):
            self._refused(Task.create, dict(base, **dict({"name": "T"}, **vals)))
        self._refused(
            self.env["crm.commission.rate"].with_user(self.manager).create,
            {"rate": float("nan")},
        )
        self._refused(
            self.env["utm.campaign"].with_user(self.manager).create,
            {"name": "C", "budget": 1e308},
        )

    def test_unknown_time_zone_in_context(self):
        Interaction = self.env["crm.interaction"].with_user(self.salesman)
        interaction = Interaction.create({"partner_id": self.customer.id})
        odd = Interaction.with_context(tz="Mars/Olympus_Mons")
        self.assertIn(interaction, odd.search([("in_current_month", "=", True)]))
        self.assertTrue(interaction.with_context(tz="Nowhere").in_current_month)
        lead = self.lead.with_user(self.salesman).with_context(tz="Mars/Olympus_Mons")
        lead.activate(self.salesman.id, self._in(1))
        self.assertTrue(lead.timeline_html)

    def test_settings_bounds(self):
        Settings = self.env["res.config.settings"]
        for vals in (
            {"crm_import_max_rows": 10**9},
            {"crm_import_max_rows": 0},
            {"crm_anaf_url": "file:///etc/passwd"},
        ):
            with self.assertRaises(ValidationError):
                Settings.create(vals)
        self.env["ir.config_parameter"].set_param("crm_pipeline.import_max_rows", "999999999")
        self.assertEqual(self.Lead._intake_max_rows(), 1000000)


@tagged("post_install", "-at_install")
class TestLookupAnswers(PipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        cls.addClassCleanup(server.server_close)
        cls.addClassCleanup(server.shutdown)
        cls.base = f"http://127.0.0.1:{server.server_address[1]}"

    def _lookup(self, path, vat="14399840", country=None):
        params = self.env["ir.config_parameter"]
        params.set_param("crm_pipeline.anaf_url", self.base + path)
        params.set_param("crm_pipeline.vies_url", self.base + path)
        Lead = self.env["crm.lead"].with_user(self.salesman)
        return Lead.create_from_tax_id(vat, country)

    def test_wrong_answers_are_clean_errors(self):
        before = self.env["crm.lead"].search_count([])
        for path in (
            "/not_json",
            "/list",
            "/found_not_list",
            "/found_strings",
            "/name_number",
            "/street_dict",
            "/vat_payer_text",
            "/huge",
            "/deep",
        ):
            with self.assertRaisesRegex(UserError, "ANAF", msg=path):
                self._lookup(path)
        for path in ("/vies_valid_text", "/vies_name_number", "/vies_address_list"):
            with self.assertRaisesRegex(UserError, "VIES", msg=path):
                self._lookup(path, vat="DE136695976")
        self.assertEqual(self.env["crm.lead"].search_count([]), before)
        lead = self.env["crm.lead"].browse(self._lookup("/good"))
        self.assertEqual(lead.partner_name, "Good SRL")
