"""Regression tests of the review of the spreadsheet imports and the tax-ID
lookup: control characters in cells, broken or slow lookup answers, tax IDs
twice in one file, far-away empty .xlsx rows, identical rows in one file,
sections on rows of their own, a row repeating an earlier one in "update" mode
and the numbers of the rows after an empty row."""

import base64
import contextlib
import io
import socket
import threading
import time
from unittest.mock import patch

import openpyxl
from openpyxl.styles import Font

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..models import intake_keys, intake_xlsx
from . import test_intake_xlsx
from .common_intake import (
    IntakeCase,
    LookupServerCase,
    b64,
    csv_bytes,
    xls_bytes,
    xlsx_bytes,
)
from .common_offer import OfferCase


@tagged("post_install", "-at_install")
class TestIntakeControlCharacters(IntakeCase):
    def _import(self, content, name, **options):
        return self.Lead.with_user(self.salesman).import_leads(b64(content), name, options)

    def test_nul_in_csv_beyond_the_sniffed_start(self):
        # the first 4 KB are free of NUL (a text file), the cell further down is not
        filler = [[f"Filler {n:04d} SRL", "Cluj"] for n in range(300)]
        content = csv_bytes([["Company", "City"], *filler, ["Nul\x00 SRL", "Ia\x00si\x1b"]])
        self.assertNotIn(b"\x00", content[:4096])
        summary = self._import(content, "leads.csv")
        self.assertEqual((summary["created"], summary["rejected"]), (301, 0))
        lead = self.Lead.search([("name", "=", "Nul SRL")])
        self.assertEqual(lead.city, "Iasi")

    def test_nul_in_xls_cell(self):
        content = xls_bytes([["Company", "Notes"], ["Xls\x00 SRL", "one\x00two\x07"]])
        summary = self._import(content, "leads.xls")
        self.assertEqual(summary["created"], 1)
        lead = self.Lead.browse(summary["lead_ids"])
        self.assertEqual(lead.name, "Xls SRL")
        self.assertIn("onetwo", lead.description)


handmade_xlsx = test_intake_xlsx.TestIntakeXlsxReader._handmade


@tagged("post_install", "-at_install")
class TestIntakeXlsxEmptyRows(IntakeCase):
    def _import(self, content):
        return self.Lead.with_user(self.salesman).import_leads(b64(content), "leads.xlsx", {})

    def test_formatted_empty_row_far_down(self):
        book = openpyxl.Workbook()
        sheet = book.active
        for row in (["Company", "City"], ["Far A SRL", "Cluj"], ["Far B SRL", "Iasi"]):
            sheet.append(row)
        sheet["A900000"].font = Font(bold=True)  # formatted, no value
        sheet["B900001"] = ""
        stream = io.BytesIO()
        book.save(stream)
        summary = self._import(stream.getvalue())
        self.assertEqual((summary["created"], summary["rejected"]), (2, 0))

    def test_rows_with_values_still_counted(self):
        self.env["ir.config_parameter"].set_param("crm_pipeline.import_max_rows", "2")
        rows = "".join(
            f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Row {n} SRL</t></is></c></row>'
            for n in (1, 2, 3, 4)
        )
        content = handmade_xlsx(rows.replace("Row 1 SRL", "Company"), "")
        with self.assertRaisesRegex(UserError, "more than 2 rows"):
            self._import(content)
        # beyond Excel's last row: refused whatever the row holds
        content = handmade_xlsx(
            '<row r="1"><c t="inlineStr"><is><t>Company</t></is></c></row>'
            '<row r="2"><c t="inlineStr"><is><t>A SRL</t></is></c></row>'
            '<row r="1048577"><c s="1"/></row>',
            "",
        )
        with self.assertRaisesRegex(UserError, "more than"):
            self._import(content)


@tagged("post_install", "-at_install")
class TestIntakeDuplicatesInFile(IntakeCase):
    def _import(self, rows, user=None, **options):
        Lead = self.Lead.with_user(user or self.salesman)
        return Lead.import_leads(b64(csv_bytes(rows)), "leads.csv", options)

    def test_same_tax_id_twice_with_update_and_one_lead_per_tax_id(self):
        self.env.company.crm_block_duplicate_vat = True
        rows = [
            ["Company", "CUI", "City"],
            ["Twin A SRL", "RO66554432", "Cluj"],
            ["Twin B SRL", "66554432", "Iasi"],
            ["Single SRL", "RO11223342", ""],
        ]
        before = self._count()
        summary = self._import(rows, duplicate_action="update", mode="all")
        self.assertTrue(summary["aborted"])
        self.assertEqual(summary["errors"][0]["row"], 3)
        self.assertIn("also on row 2 of the file", summary["errors"][0]["reason"])
        self.assertTrue(summary["rejected_file"])
        self.assertEqual(self._count(), before)
        summary = self._import(rows, duplicate_action="update", mode="skip_invalid")
        self.assertEqual((summary["created"], summary["rejected"]), (2, 1))
        self.assertEqual(
            sorted(self.Lead.browse(summary["lead_ids"]).mapped("name")),
            ["Single SRL", "Twin A SRL"],
        )

    def test_one_lead_per_tax_id_of_the_leads_company(self):
        """The setting of the company the new lead belongs to decides, not the
        importing user's current company."""
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "Intake Company B"})
        seller_b = new_test_user(
            self.env,
            login="intake_seller_b",
            name="Seller In B",
            groups="sales_team.group_sale_salesman",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        manager = new_test_user(
            self.env,
            login="intake_manager_ab",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=company_a.id,
            company_ids=[company_a.id, company_b.id],
        )
        company_b.crm_block_duplicate_vat = True
        self.Lead.create({"name": "Lead in B", "vat": "RO77001128", "company_id": company_b.id})
        rows = [
            ["Company", "CUI", "Salesperson"],
            ["For B SRL", "RO77001128", "intake_seller_b"],
            ["For A SRL", "RO77001128", ""],
        ]
        Lead = self.Lead.with_user(manager)
        self.assertEqual(Lead.new({"user_id": seller_b.id}).company_id, company_b)
        summary = self._import(rows, user=manager, duplicate_action="create", mode="skip_invalid")
        self.assertEqual((summary["created"], summary["rejected"]), (1, 1))
        self.assertEqual(summary["errors"][0]["row"], 2)
        self.assertIn("already exists", summary["errors"][0]["reason"])
        self.assertEqual(self.Lead.browse(summary["lead_ids"]).company_id, company_a)
        # company A does not block, B does: the other way round
        company_a.crm_block_duplicate_vat = True
        company_b.crm_block_duplicate_vat = False
        summary = self._import(
            [["Company", "CUI", "Salesperson"], ["For B again", "RO77001128", "intake_seller_b"]],
            user=manager,
            duplicate_action="create",
        )
        self.assertEqual((summary["created"], summary["rejected"]), (1, 0))

    def _twins(self):
        return [
            ["Company", "E-mail", "Phone"],
            ["Same SRL", "office@same.example", ""],
            ["Same SRL again", "OFFICE@same.example", ""],
            ["Phone SRL", "", "0721 000 999"],
            ["Phone SRL again", "", "+40721000999"],
            ["Other SRL", "", ""],
        ]

    def test_identical_rows_skipped(self):
        for action in ("skip", "update"):
            with self.subTest(action=action):
                self.Lead.search([("name", "ilike", " SRL")]).unlink()
                summary = self._import(self._twins(), duplicate_action=action)
                self.assertEqual(
                    (summary["created"], summary["skipped"], summary["updated"]), (3, 2, 0)
                )
                self.assertEqual(summary["duplicates"], 2)
                names = self.Lead.browse(summary["lead_ids"]).mapped("name")
                self.assertEqual(sorted(names), ["Other SRL", "Phone SRL", "Same SRL"])
                book = openpyxl.load_workbook(
                    io.BytesIO(base64.b64decode(summary["rejected_file"]))
                )
                reasons = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
                self.assertEqual(
                    reasons,
                    [
                        "Skipped: duplicate of row 2 of the file",
                        "Skipped: duplicate of row 4 of the file",
                    ],
                )

    def test_identical_rows_created_anyway(self):
        summary = self._import(self._twins(), duplicate_action="create")
        self.assertEqual((summary["created"], summary["skipped"]), (5, 0))

    def test_update_row_repeating_an_earlier_row_skipped(self):
        """Two rows of one file with the same tax ID matching one lead: the first
        updates it, the second is a duplicate of the first (skipped and reported),
        not a second update overwriting the first."""
        lead = self.Lead.create(
            {"name": "Existing Twin", "vat": "RO18547290", "user_id": self.salesman.id}
        )
        rows = [
            ["Company", "Tax ID", "E-mail", "City"],
            ["First SRL", "RO18547290", "first@x.example.com", "Cluj"],
            ["Second SRL", "18547290", "second@x.example.com", "Iasi"],
        ]
        summary = self._import(rows, duplicate_action="update")
        self.assertEqual(
            (summary["updated"], summary["skipped"], summary["created"], summary["rejected"]),
            (1, 1, 0, 0),
        )
        self.assertEqual(
            (lead.partner_name, lead.email_from, lead.city),
            ("First SRL", "first@x.example.com", "Cluj"),
        )
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(summary["rejected_file"])))
        report = list(book.active.iter_rows(min_row=2, values_only=True))
        self.assertEqual(len(report), 1)
        self.assertEqual(report[0][0], 3)
        self.assertIn("row 2 of the file", report[0][1])
        self.assertEqual(report[0][2], "Second SRL")


@tagged("post_install", "-at_install")
class TestIntakeRowNumbers(IntakeCase):
    """Rows are named by their number in the file, the empty rows before them
    counted (the readers leave the empty rows out)."""

    def _import(self, content, name):
        return self.Lead.with_user(self.salesman).import_leads(
            b64(content), name, {"mode": "skip_invalid", "duplicate_action": "create"}
        )

    def _assert_bad_row(self, summary, number):
        self.assertEqual((summary["created"], summary["rejected"]), (1, 1))
        self.assertEqual(summary["errors"][0]["row"], number)
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(summary["rejected_file"])))
        report = list(book.active.iter_rows(min_row=2, values_only=True))
        self.assertEqual([(row[0], row[2]) for row in report], [(number, "Bad SRL")])

    def test_csv_after_empty_rows(self):
        content = b"Company,E-mail\nOk SRL,ok@x.example.com\n,\n,\nBad SRL,not-an-email\n"
        self._assert_bad_row(self._import(content, "leads.csv"), 5)
        # a blank line, and a cell spanning two lines: rows as a spreadsheet shows them
        content = (
            b'Company,E-mail,Notes\n\nOk SRL,ok@x.example.com,"two\nlines"\n'
            b"Bad SRL,not-an-email,\n"
        )
        self._assert_bad_row(self._import(content, "leads.csv"), 4)

    def test_xlsx_after_empty_rows(self):
        content = xlsx_bytes(
            [
                ["Company", "E-mail"],
                [],
                ["Ok SRL", "ok@x.example.com"],
                [None, ""],
                [],
                ["Bad SRL", "not-an-email"],
            ]
        )
        self._assert_bad_row(self._import(content, "leads.xlsx"), 6)
        # the same numbers from openpyxl, when the streaming reader gives up
        with patch.object(
            intake_xlsx,
            "read_numbered_first_sheet",
            side_effect=intake_xlsx.UnsupportedXlsx("x"),
        ):
            self._assert_bad_row(self._import(content, "leads.xlsx"), 6)

    def test_xls_after_empty_rows(self):
        content = xls_bytes(
            [["Company", "E-mail"], ["Ok SRL", "ok@x.example.com"], [], ["", ""],
             ["Bad SRL", "not-an-email"]]
        )  # fmt: skip
        self._assert_bad_row(self._import(content, "leads.xls"), 5)

    def test_preview_rows(self):
        content = b"Company,E-mail\n\n\nOk SRL,ok@x.example.com\n"
        summary = self.Lead.with_user(self.salesman)._intake_run(
            content, "leads.csv", {}, dry_run=True
        )
        self.assertEqual([row["number"] for row in summary["_rows"]], [4])


@tagged("post_install", "-at_install")
class TestVatKeyCountry(IntakeCase):
    def test_key_keeps_a_foreign_prefix(self):
        self.assertEqual(intake_keys.vat_key("DE 136 695 976"), "DE136695976")
        for romanian in ("RO 136695976", "ro136-695-976", "136695976"):
            self.assertEqual(intake_keys.vat_key(romanian), "136695976", romanian)
        self.assertEqual(intake_keys.vat_number("DE136695976"), "136695976")

    def test_german_vat_is_no_duplicate_of_the_romanian_cui(self):
        self.env.company.crm_block_duplicate_vat = True
        german = self.Lead.create(
            {"name": "Beispiel", "vat": "DE136695976", "user_id": self.salesman.id}
        )
        romanian = self.Lead.with_user(self.salesman_b).create(
            {"name": "Exemplu", "vat": "136695976", "user_id": self.salesman_b.id}
        )
        self.assertFalse(romanian.duplicate_warning)
        self.assertNotEqual(german.intake_vat_key, romanian.intake_vat_key)
        summary = self.Lead.with_user(self.salesman).import_leads(
            b64(csv_bytes([["Company", "CUI"], ["Again DE", "de 136695976"]])), "l.csv", {}
        )
        self.assertEqual((summary["skipped"], summary["rejected"]), (0, 1))
        self.assertIn("one lead per tax ID", summary["errors"][0]["reason"])


@tagged("post_install", "-at_install")
class TestLookupBrokenAnswers(LookupServerCase):
    def _assert_refused(self, vat, message):
        lead = self.Lead.with_user(self.salesman).create(
            {"name": "Lookup lead", "vat": vat, "user_id": self.salesman.id}
        )
        start = time.monotonic()
        with self.assertRaisesRegex(UserError, message):
            lead.fetch_company_data()
        self.assertFalse(lead.partner_name)
        return time.monotonic() - start

    def test_broken_gzip(self):
        self._assert_refused("RO6100009", "ANAF sent an answer that cannot be read")

    def test_answer_stopping_halfway(self):
        elapsed = self._assert_refused("RO6200008", "did not answer within 5 seconds")
        self.assertLess(elapsed, 6.5)

    def test_answer_trickling_in(self):
        # each byte comes well within the 5 seconds of a read: only the
        # deadline of the whole exchange stops it
        elapsed = self._assert_refused("RO6000000", "did not answer within 5 seconds")
        self.assertLess(elapsed, 6.5)

    def _assert_no_thread_left(self, before):
        """No thread of the lookup outlives its call (the test servers' own
        request threads may still be sending)."""
        left = [
            thread
            for thread in threading.enumerate()
            if thread not in before and "process_request_thread" not in thread.name
        ]
        self.assertEqual(left, [])

    def test_headers_trickling_in(self):
        # the status line and headers a byte every half second: the deadline
        # covers them as the body
        before = set(threading.enumerate())
        elapsed = self._assert_refused("RO6300007", "did not answer within 5 seconds")
        self.assertGreater(elapsed, 4.5)
        self.assertLess(elapsed, 6.5)
        self._assert_no_thread_left(before)

    def test_tls_handshake_trickling_in(self):
        # a "TLS server" announcing a 16 KB handshake record and sending it a
        # byte every half second: the handshake is bounded by the same deadline
        server = socket.create_server(("127.0.0.1", 0))
        stop = threading.Event()

        def trickle():
            with contextlib.suppress(OSError):
                conn, _address = server.accept()
                with conn:
                    conn.recv(4096)  # the client's hello
                    for byte in b"\x16\x03\x03\x40\x00" + b"\x02" * 100:
                        if stop.is_set():
                            return
                        conn.sendall(bytes([byte]))
                        time.sleep(0.5)

        thread = threading.Thread(target=trickle, daemon=True)
        thread.start()
        # (cleanups run last first: stop the server, then wait for it)
        self.addCleanup(thread.join, 2)
        self.addCleanup(server.close)
        self.addCleanup(stop.set)
        self.env["ir.config_parameter"].set_param(
            "crm_pipeline.anaf_url", f"https://127.0.0.1:{server.getsockname()[1]}/anaf"
        )
        before = set(threading.enumerate())
        elapsed = self._assert_refused("RO18547290", "did not answer within 5 seconds")
        self.assertGreater(elapsed, 4.5)
        self.assertLess(elapsed, 6.5)
        self._assert_no_thread_left(before)


@tagged("post_install", "-at_install")
class TestOfferImportFixes(OfferCase):
    def test_nul_in_offer_cells(self):
        order = self._order()
        for content, name in (
            (b"Product,Qty\n" + b"OFR-BRK,1\n" * 450 + b"OFR-SHELF\x00,2\x00\n", "x.csv"),
            (xls_bytes([["Product", "Qty"], ["OFR-SHELF\x00", "2\x00"]]), "x.xls"),
        ):
            with self.subTest(name=name):
                result = order.with_user(self.salesman).action_import_lines(b64(content), name)
                line = self.env["sale.order.line"].browse(result["line_ids"][-1])
                self.assertEqual((line.product_id, line.product_uom_qty), (self.product, 2.0))

    def test_error_row_after_empty_rows(self):
        """The offer lines' import names the rows as the file numbers them too."""
        order = self._order()
        csv = "Product,Quantity\nOFR-SHELF,2\n,\n\nOFR-SHELF,abc\n"
        with self.assertRaisesRegex(UserError, r"Row 5: the quantity must be a number"):
            order.with_user(self.salesman).action_import_lines(b64(csv.encode()), "offer.csv")
        content = xlsx_bytes([["Product", "Quantity"], [], ["OFR-SHELF", "abc"]])
        with self.assertRaisesRegex(UserError, r"Row 3: the quantity must be a number"):
            order.with_user(self.salesman).action_import_lines(b64(content), "offer.xlsx")

    def test_section_on_a_row_of_its_own(self):
        order = self._order()
        csv = (
            "Section,Product,Quantity\n"
            "Warehouse,,\n"
            ",OFR-SHELF,2\n"
            ",OFR-BRK,1\n"
            "Office,,\n"
            ",OFR-BRK,3\n"
            "Office,OFR-SHELF,1\n"
        )
        result = order.with_user(self.salesman).action_import_lines(b64(csv.encode()), "offer.csv")
        self.assertEqual((result["created"], result["sections"]), (4, 2))
        new = self.env["sale.order.line"].browse(result["line_ids"])
        self.assertEqual(
            [line.name if line.display_type else line.product_id.default_code for line in new],
            ["Warehouse", "OFR-SHELF", "OFR-BRK", "Office", "OFR-BRK", "OFR-SHELF"],
        )
