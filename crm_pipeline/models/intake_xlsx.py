"""A streaming reader of the first sheet of an .xlsx file, for large imports.

openpyxl (read-only mode) builds a cell object per value and takes about ten
seconds for 100,000 rows of eight columns; this reader walks the sheet's XML
with lxml's ``iterparse`` and returns the same Python values (text, numbers,
booleans, dates for date-formatted numbers) in a fraction of that. It reads
only what a lead import needs; anything it does not recognise raises
``UnsupportedXlsx`` and the caller falls back to openpyxl.
"""

import io
import posixpath
import zipfile
from datetime import datetime

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_C, _V, _T, _ROW = (f"{{{MAIN}}}{tag}" for tag in ("c", "v", "t", "row"))
_RPH = f"{{{MAIN}}}rPh"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


class UnsupportedXlsx(Exception):
    """The file uses something this reader does not handle."""


#: The rows of an Excel sheet: no sheet has more.
EXCEL_MAX_ROWS = 1048576


class TooManyRows(Exception):
    """A row of the sheet is numbered beyond the caller's limit."""


def _xml(book, name):
    return etree.fromstring(book.read(name), parser=_PARSER)


def _text(node):
    """The text of a shared or inline string: its runs, without phonetic hints."""
    return "".join(t.text or "" for t in node.iter(_T) if t.getparent().tag != _RPH)


def _first_sheet(book):
    workbook = _xml(book, "xl/workbook.xml")
    sheet = workbook.find(f"{{{MAIN}}}sheets/{{{MAIN}}}sheet")
    if sheet is None:
        return None, False
    pr = workbook.find(f"{{{MAIN}}}workbookPr")
    date1904 = pr is not None and pr.get("date1904") in ("1", "true")
    rel_id = sheet.get(f"{{{REL}}}id")
    rels = _xml(book, "xl/_rels/workbook.xml.rels")
    for rel in rels.iter(f"{{{PKG_REL}}}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target")
            if target.startswith("/"):
                return target.lstrip("/"), date1904
            return posixpath.normpath(posixpath.join("xl", target)), date1904
    raise UnsupportedXlsx("sheet relationship not found")


def _shared_strings(book):
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    root = _xml(book, "xl/sharedStrings.xml")
    return [_text(si) for si in root.iterchildren(f"{{{MAIN}}}si")]


def _date_styles(book):
    """Indexes of the cell styles that format numbers as dates."""
    if "xl/styles.xml" not in book.namelist():
        return set()
    root = _xml(book, "xl/styles.xml")
    custom = {
        int(fmt.get("numFmtId")): fmt.get("formatCode") or ""
        for fmt in root.iter(f"{{{MAIN}}}numFmt")
    }
    xfs = root.find(f"{{{MAIN}}}cellXfs")
    dates = set()
    for index, xf in enumerate(xfs.iterchildren(f"{{{MAIN}}}xf") if xfs is not None else ()):
        fmt_id = int(xf.get("numFmtId") or 0)
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, ""))
        if code and is_date_format(code):
            dates.add(index)
    return dates


def _number(text):
    """As openpyxl casts a number cell."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _date(number, epoch):
    """A date-formatted number as a datetime, or the number itself when it is
    no date Python can hold (a serial that overflows)."""
    try:
        return from_excel(number, epoch)
    except (ValueError, OverflowError, TypeError):
        return number


def read_first_sheet(content, max_rows=None):
    """The rows of the first sheet holding a value, as lists of Python values
    (None when empty); rows without any value (formatted only) are left out.
    More than ``max_rows`` rows with a value, or a row numbered beyond Excel's
    1,048,576, raise ``TooManyRows`` as soon as the reader meets them."""
    return [values for _number, values in read_numbered_first_sheet(content, max_rows)]


def read_numbered_first_sheet(content, max_rows=None):
    """As ``read_first_sheet``, each row as ``(number, values)``: its number in
    the sheet (1 for the first row), as the spreadsheet shows it."""
    if max_rows is None or max_rows > EXCEL_MAX_ROWS:
        max_rows = EXCEL_MAX_ROWS
    book = zipfile.ZipFile(io.BytesIO(content))
    sheet_name, date1904 = _first_sheet(book)
    if sheet_name is None:
        return []
    strings = _shared_strings(book)
    date_styles = _date_styles(book)
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    rows, count = [], 0  # count: the number of the last row read
    with book.open(sheet_name) as stream:
        for _event, row in etree.iterparse(
            stream, tag=_ROW, resolve_entities=False, no_network=True, huge_tree=True
        ):
            values = []
            for cell in row.iterchildren(_C):
                ref = cell.get("r")
                # openpyxl's own table of column letters (a ValueError if not one)
                column = (
                    column_index_from_string(ref.rstrip("0123456789")) - 1 if ref else len(values)
                )
                if column < len(values):
                    raise UnsupportedXlsx("cells out of order")
                values.extend([None] * (column - len(values)))
                kind = cell.get("t", "n")
                if kind == "inlineStr":
                    node = cell[0] if len(cell) == 1 else None
                    if node is not None and len(node) == 1 and node[0].tag == _T:
                        values.append(node[0].text or "")  # <is><t>text</t></is>
                    else:
                        values.append(_text(cell))
                    continue
                v = cell.findtext(_V)
                if not v:  # no value, or a formula never calculated
                    values.append(None)
                elif kind == "s":
                    values.append(strings[int(v)])
                elif kind in ("str", "e"):
                    values.append(v)
                elif kind == "b":
                    values.append(v == "1")
                elif kind == "d":
                    values.append(datetime.fromisoformat(v))
                elif kind == "n":
                    number = _number(v)
                    if cell.get("s") and int(cell.get("s")) in date_styles:
                        number = _date(number, epoch)
                    values.append(number)
                else:
                    raise UnsupportedXlsx(f"cell type {kind}")
            declared = row.get("r")
            number = int(declared) if declared and declared.isdigit() else count + 1
            if number <= count:
                raise UnsupportedXlsx("rows out of order")
            if number > EXCEL_MAX_ROWS:
                raise TooManyRows(number)
            count = number
            if any(value is not None and value != "" for value in values):
                if len(rows) >= max_rows:
                    raise TooManyRows(number)
                rows.append((number, values))
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
    return rows
