import base64
import csv
import io
import json
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openpyxl
import xlwt

from odoo.tests import TransactionCase, new_test_user
from odoo.tools import file_open


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def xls_bytes(rows):
    book = xlwt.Workbook()
    sheet = book.add_sheet("Leads")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def csv_bytes(rows, encoding="utf-8", delimiter=","):
    stream = io.StringIO()
    csv.writer(stream, delimiter=delimiter).writerows(rows)
    return stream.getvalue().encode(encoding)


#: ANAF's answer recorded in the demo data, and the tax ID it answers (the demo's
#: lead from a tax ID): LookupHandler sends it as ANAF's answer for that CUI.
DEMO_ANSWER_PATH = "crm_pipeline/demo/anaf_answer_demo.json"
DEMO_ANSWER_VAT = "RO41726036"


def demo_answer():
    with file_open(DEMO_ANSWER_PATH) as answer:
        return answer.read()


def b64(content):
    return base64.b64encode(content).decode()


class IntakeCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="intake_sales_a",
            name="Ana Salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.salesman_b = new_test_user(
            cls.env,
            login="intake_sales_b",
            name="Bogdan Salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.Lead = cls.env["crm.lead"]
        cls.romania = cls.env.ref("base.ro")

    def _count(self):
        return self.Lead.with_context(active_test=False).search_count([])


class LookupHandler(BaseHTTPRequestHandler):
    """Answers like ANAF (POST /anaf) and VIES (POST /vies) do, by tax ID."""

    anaf_found = {
        18547290: {
            "date_generale": {
                "cui": 18547290,
                "data": "2026-11-25",
                "denumire": "EXEMPLU DISTRIBUTIE SRL",
                "adresa": "MUN. CLUJ-NAPOCA, STR. MEMORANDUMULUI, NR.28",
                "nrRegCom": "J12/1234/2006",
                "telefon": "",
                "codPostal": "400114",
                "stare_inregistrare": "INREGISTRAT din data 12.05.2006",
            },
            "inregistrare_scop_Tva": {"scpTVA": True, "perioade_TVA": []},
            "stare_inactiv": {
                "dataInactivare": "",
                "dataReactivare": "",
                "dataPublicare": "",
                "dataRadiere": "",
                "statusInactivi": False,
            },
            "adresa_sediu_social": {
                "sdenumire_Strada": "Str. Memorandumului",
                "snumar_Strada": "28",
                "sdenumire_Localitate": "Mun. Cluj-Napoca",
                "sdenumire_Judet": "CLUJ",
                "scod_JudetAuto": "CJ",
                "scod_Postal": "400114",
            },
        },
        30000002: {
            "date_generale": {
                "cui": 30000002,
                "denumire": "FOSTA FIRMA SRL",
                "adresa": "BUCURESTI",
                "nrRegCom": "J40/1/2010",
                "stare_inregistrare": "RADIERE din data 01.02.2020",
            },
            "inregistrare_scop_Tva": {"scpTVA": False},
            "stare_inactiv": {"dataRadiere": "2020-02-01", "statusInactivi": True},
            "adresa_sediu_social": {},
        },
        40000000: {
            "date_generale": {
                "cui": 40000000,
                "denumire": "ADORMITA SRL",
                "nrRegCom": "J40/2/2011",
                "stare_inregistrare": "INREGISTRAT din data 01.02.2011",
            },
            "inregistrare_scop_Tva": {"scpTVA": False},
            "stare_inactiv": {"dataRadiere": "", "statusInactivi": True},
            "adresa_sediu_social": {},
        },
    }
    # 10000008: not found; 20000005: malformed; 50000007: slow; 14399840: refused;
    # 6100009, 6200008, 6000000: broken answers (see _send_broken); 6300007:
    # headers sent a byte every half second (see _send_trickling_headers)

    def log_message(self, *args):
        pass

    def _send(self, code, body):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (timeout test): nobody reads the answer.
            return

    def _send_broken(self, cui):
        """6100009: a body announced as gzip that is not; 6200008: a body that
        stops halfway for 8 seconds; 6000000: a body sent a byte every half
        second (20 seconds in all), over a connection kept alive (HTTP/1.1)."""
        if cui == 6000000:
            self.protocol_version = "HTTP/1.1"
        body = json.dumps({"cod": 200, "found": [], "notFound": [cui], "pad": "x" * 20}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if cui == 6100009:
                body = b"\x1f\x8b\x08\x00 this is no gzip stream at all"
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if cui == 6100009:
                self.wfile.write(body)
            elif cui == 6200008:
                self.wfile.write(body[:10])
                self.wfile.flush()
                time.sleep(8)
                self.wfile.write(body[10:])
            else:
                for byte in body[:40]:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.5)
                self.wfile.write(body[40:])
        except (BrokenPipeError, ConnectionResetError):
            return

    def _send_trickling_headers(self):
        """The status line and headers a byte every half second (about 40
        seconds in all), then the body: each byte well within the timeout of a
        read."""
        body = json.dumps({"cod": 200, "found": [], "notFound": [6300007]}).encode()
        head = (
            "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.close_connection = True
        try:
            for byte in head:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.5)
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            return

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length) or b"null")
        if self.path == "/anaf":
            cui = payload[0]["cui"]
            if cui == 50000007:
                time.sleep(6)
            if cui == 20000005:
                return self._send(200, b"<html>Service temporarily unavailable</html>")
            if cui == 14399840:
                return self._send(503, {"message": "refused"})
            if cui in (6100009, 6200008, 6000000):
                return self._send_broken(cui)
            if cui == 6300007:
                return self._send_trickling_headers()
            if cui == int(DEMO_ANSWER_VAT[2:]):
                return self._send(200, demo_answer().encode())
            answer = {"cod": 200, "message": "SUCCESS", "found": [], "notFound": []}
            if cui in self.anaf_found:
                answer["found"].append(self.anaf_found[cui])
            else:
                answer["notFound"].append(cui)
            return self._send(200, answer)
        if self.path == "/vies":
            number = payload["countryCode"] + payload["vatNumber"]
            if number == "DE136695976":
                return self._send(
                    200,
                    {
                        "countryCode": "DE",
                        "vatNumber": "136695976",
                        "valid": True,
                        "name": "Beispiel GmbH",
                        "address": "Hauptstrasse 1\n10115 Berlin",
                    },
                )
            if number == "FR40303265045":
                return self._send(
                    200,
                    {"actionSucceed": False, "errorWrappers": [{"error": "MS_UNAVAILABLE"}]},
                )
            return self._send(200, {"countryCode": payload["countryCode"], "valid": False})
        return self._send(404, {"message": "not found"})


def serve_lookups(case_class):
    """Start a LookupHandler server for the test class (stopped at its end);
    its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), LookupHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    case_class.addClassCleanup(server.server_close)
    case_class.addClassCleanup(server.shutdown)
    return f"http://127.0.0.1:{server.server_address[1]}"


class LookupServerCase(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        base = serve_lookups(cls)
        params = cls.env["ir.config_parameter"]
        params.set_param("crm_pipeline.anaf_url", f"{base}/anaf")
        params.set_param("crm_pipeline.vies_url", f"{base}/vies")
