import io
import struct
import warnings
import zipfile
from datetime import date, datetime
from unittest.mock import patch

import openpyxl
import xlwt

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..models import intake_reader, intake_xlsx


def _openpyxl_rows(content):
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def _trim(rows):
    """Rows without trailing empty cells, and no empty rows (as the import sees them)."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        if row:
            out.append(row)
    return out


@tagged("post_install", "-at_install")
class TestIntakeXlsxReader(TransactionCase):
    def _book(self, write_only=False, date1904=False):
        book = openpyxl.Workbook(write_only=write_only)
        sheet = book.create_sheet() if write_only else book.active
        if date1904:
            book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
        sheet.append(["Company", "Founded", "Employees", "Turnover", "Active", None, "Code"])
        sheet.append(["Ä SRL", date(2024, 5, 17), 12345678901, 1.5, True, None, "00123"])
        sheet.append([])
        sheet.append(["Б ТОВ", datetime(2024, 5, 17, 10, 30), 7, 2.0, False, "x", "1.2345678E7"])
        if not write_only:
            sheet["J6"] = "far"
            sheet["A7"] = "=1+1"
        stream = io.BytesIO()
        book.save(stream)
        return stream.getvalue()

    def test_same_values_as_openpyxl(self):
        for kwargs in ({}, {"write_only": True}, {"date1904": True}):
            content = self._book(**kwargs)
            fast = intake_xlsx.read_first_sheet(content)
            self.assertEqual(_trim(fast), _trim(_openpyxl_rows(content)), kwargs)
        self.assertEqual(fast[1][1], datetime(2024, 5, 17))
        self.assertIs(fast[1][4], True)
        self.assertEqual(fast[1][2], 12345678901)

    @staticmethod
    def _handmade(sheet_data, shared_strings):
        """An .xlsx written by hand, as other programs write them: rich shared
        strings, cells without a reference, a date style."""
        main, rel = intake_xlsx.MAIN, intake_xlsx.REL
        pkg = intake_xlsx.PKG_REL
        parts = {
            "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType="application/'
            'xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/leads.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
            "_rels/.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
            "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Leads" sheetId="1" r:id="rId7"/></sheets></workbook>',
            "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{pkg}">'
            '<Relationship Id="rId7" Target="worksheets/leads.xml" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>',
            "xl/styles.xml": f'<styleSheet xmlns="{main}"><numFmts count="1">'
            '<numFmt numFmtId="164" formatCode="dd.mm.yyyy"/></numFmts>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>',
            "xl/sharedStrings.xml": f'<sst xmlns="{main}">{shared_strings}</sst>',
            "xl/worksheets/leads.xml": f'<worksheet xmlns="{main}"><sheetData>{sheet_data}'
            "</sheetData></worksheet>",
        }
        stream = io.BytesIO()
        with zipfile.ZipFile(stream, "w") as out:
            for name, data in parts.items():
                out.writestr(name, data)
        return stream.getvalue()

    def test_handmade_file(self):
        content = self._handmade(
            '<row r="1"><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>'
            '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="C3" s="1"><v>45429</v></c></row>',
            "<si><t>Company</t></si><si><t>Founded</t></si>"
            "<si><r><t>Rich </t></r><r><t>Text SRL</t></r><rPh><t>ignored</t></rPh></si>",
        )
        rows = intake_xlsx.read_first_sheet(content)
        self.assertEqual(
            rows, [["Company", "Founded"], ["Rich Text SRL", None, datetime(2024, 5, 17)]]
        )
        self.assertEqual(
            intake_reader.read_rows(self.env, content, "leads.xlsx"),
            [["Company", "Founded"], ["Rich Text SRL", "", "2024-05-17"]],
        )
        disordered = self._handmade(
            '<row r="1"><c r="B1" t="s"><v>0</v></c><c r="A1" t="s"><v>1</v></c></row>',
            "<si><t>Company</t></si><si><t>Founded</t></si>",
        )
        with self.assertRaises(intake_xlsx.UnsupportedXlsx):
            intake_xlsx.read_first_sheet(disordered)
        # openpyxl is asked instead; it cannot read this one either: a clean error
        with (
            warnings.catch_warnings(),  # openpyxl warns of the handmade styles
            self.assertRaisesRegex(UserError, "not a readable .xlsx"),
        ):
            warnings.simplefilter("ignore")
            intake_reader.read_rows(self.env, disordered, "leads.xlsx")

    def test_unsupported_falls_back_to_openpyxl(self):
        content = self._book()
        with patch.object(
            intake_xlsx, "read_numbered_first_sheet", side_effect=intake_xlsx.UnsupportedXlsx("x")
        ):
            rows = intake_reader.read_rows(self.env, content, "leads.xlsx")
        self.assertEqual(rows[0][:3], ["Company", "Founded", "Employees"])
        self.assertEqual(rows[1][1], "2024-05-17")

    def test_cell_types(self):
        """Booleans, errors (kept as Excel shows them), formulas with and without a
        cached value, rich inline strings, a date style and plain numbers."""
        content = self._handmade(
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="b"><v>1</v></c>'
            '<c r="C1" t="b"><v>0</v></c><c r="D1" t="e"><v>#N/A</v></c>'
            '<c r="E1" t="str"><f>A1&amp;"x"</f><v>Companyx</v></c>'
            '<c r="F1"><f>1+1</f><v>2</v></c><c r="G1"><f>1+1</f></c>'
            '<c r="H1" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c>'
            '<c r="I1" t="e"><v>#DIV/0!</v></c><c r="J1"><v>1E+20</v></c>'
            '<c r="K1"><v>-0.5</v></c><c r="L1" s="1"><v>45429</v></c></row>',
            "<si><t>Company</t></si>",
        )
        self.assertEqual(
            intake_reader.read_rows(self.env, content, "types.xlsx"),
            [
                ["Company", "1", "", "#N/A", "Companyx", "2", "", "inline", "#DIV/0!",
                 "100000000000000000000", "-0.5", "2024-05-17"],
            ],
        )  # fmt: skip

    def test_xls_cell_beyond_the_grid(self):
        """An .xls cell record at row and column 65535 (the sheet's grid ends at
        column 256): refused cleanly, nothing allocated for the span (python-calamine
        0.9.1 aborts the process on this 6 KB file: it sizes the sheet by its span)."""
        book = xlwt.Workbook()
        sheet = book.add_sheet("Leads")
        sheet.write(0, 0, "Company")
        sheet.write(1, 0, "Far SRL")
        stream = io.BytesIO()
        book.save(stream)
        content = stream.getvalue()
        label = b"\xfd\x00\x0a\x00" + struct.pack("<HH", 1, 0)  # LABELSST at A2
        self.assertIn(label, content)
        content = content.replace(label, label[:4] + struct.pack("<HH", 65535, 65535))
        with self.assertRaisesRegex(UserError, "not a readable .xls"):
            intake_reader.read_rows(self.env, content, "far.xls")
