"""Read the rows of an uploaded spreadsheet (.xls, .xlsx, .csv) as text cells.

Every problem with the file itself is a ``UserError``; nothing here writes.
"""

import csv
import io
import re
import zipfile
from datetime import date, datetime

from odoo.exceptions import UserError

try:
    import xlrd
except ImportError:  # pragma: no cover - xlrd is in Odoo's requirements
    xlrd = None
import openpyxl
from lxml import etree

from . import intake_xlsx

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCODINGS = ("utf-8", "cp1250", "cp1251")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
#: Control characters no cell keeps (tab, line feed and carriage return stay):
#: PostgreSQL refuses text holding a NUL, and none has a meaning in a cell.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_text(value):
    """One cell as text: integral numbers without ".0", dates in ISO format,
    numbers typed as text in scientific notation ("1.2345678E7") spelled out."""
    if value is None or value is False:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value).strip()
    if _SCIENTIFIC.match(text):
        number = float(text)
        if number.is_integer():
            return str(int(number))
    return text


def _password_protected(env):
    return UserError(
        env._("The file is password-protected: save it without a password and try again.")
    )


def _too_many_rows(env, max_rows):
    return UserError(
        env._(
            "The file has more than %(max)s rows, the limit of rows per import.",
            max=max_rows - 1,
        )
    )


def _read_xlsx(env, content, max_rows=None):
    try:
        rows = intake_xlsx.read_numbered_first_sheet(content, max_rows=max_rows)
    except intake_xlsx.TooManyRows as exc:
        raise _too_many_rows(env, max_rows) from exc
    except (
        intake_xlsx.UnsupportedXlsx,
        zipfile.BadZipFile,
        KeyError,
        IndexError,
        ValueError,
        OSError,
        etree.XMLSyntaxError,
    ):
        # openpyxl reads what the streaming reader does not (and says what is wrong)
        rows = None
    if rows is not None:
        return [(number, [cell_text(v) for v in row]) for number, row in rows]
    unreadable = (zipfile.BadZipFile, KeyError, IndexError, TypeError, ValueError, OSError)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except unreadable as exc:
        raise UserError(env._("The file is not a readable .xlsx spreadsheet.")) from exc
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return []
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(v) for v in row]
            if not any(cells):
                # a row formatted only: not counted, but not read without end
                if number > intake_xlsx.EXCEL_MAX_ROWS:
                    raise _too_many_rows(env, max_rows or intake_xlsx.EXCEL_MAX_ROWS)
                continue
            if max_rows is not None and len(rows) >= max_rows:
                raise _too_many_rows(env, max_rows)
            rows.append((number, cells))
        return rows
    except (*unreadable, OverflowError) as exc:
        raise UserError(env._("The file is not a readable .xlsx spreadsheet.")) from exc
    finally:
        book.close()


def _read_xls(env, content):
    if content[:8] == OLE_MAGIC and "EncryptionInfo".encode("utf-16-le") in content:
        raise _password_protected(env)
    try:
        book = xlrd.open_workbook(file_contents=content)
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise _password_protected(env) from exc
        raise UserError(env._("The file is not a readable .xls spreadsheet.")) from exc
    except (ValueError, IndexError, AssertionError, KeyError, OSError) as exc:
        raise UserError(env._("The file is not a readable .xls spreadsheet.")) from exc
    if not book.nsheets:
        return []
    sheet = book.sheet_by_index(0)
    rows = []
    for r in range(sheet.nrows):
        row = []
        for c, cell in enumerate(sheet.row(r)):
            value = cell.value
            if cell.ctype == xlrd.XL_CELL_DATE:
                # Excel stores dates as serial numbers: turn them into dates.
                try:
                    value = xlrd.xldate_as_datetime(value, book.datemode)
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    value = sheet.cell_value(r, c)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            row.append(cell_text(value))
        rows.append((r + 1, row))
    return rows


def detect_encoding(content):
    """utf-8 (with or without BOM), else Windows-1251 when the high bytes come
    in runs (Cyrillic words), else Windows-1250 (Latin letters with diacritics
    inside ASCII words)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = False
    else:
        utf8 = True
    if utf8:
        return "utf-8"
    runs = mixed = 0
    for i in range(1, len(content)):
        cur, prev = content[i], content[i - 1]
        if cur >= 0xC0:
            if prev >= 0xC0:
                runs += 1
            elif chr(prev).isalpha():
                mixed += 1
    return "cp1251" if runs > mixed else "cp1250"


def _read_csv(env, content, encoding):
    if b"\x00" in content[:4096]:
        raise UserError(env._("The file is not a spreadsheet (.xls, .xlsx or .csv)."))
    if not encoding or encoding == "auto":
        encoding = detect_encoding(content)
    elif encoding == "utf-8":
        encoding = "utf-8-sig"
    try:
        text = content.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise UserError(
            env._("The file cannot be read as %(encoding)s text.", encoding=encoding)
        ) from exc
    sample = text[:8192]
    try:
        # Only the delimiter is sniffed: quoting follows the usual (Excel) rules.
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        # numbered as a spreadsheet program shows the file: one row a record,
        # a blank line included (a cell spanning lines stays one row)
        return [(number, [cell_text(v) for v in row]) for number, row in enumerate(reader, 1)]
    except csv.Error as exc:
        raise UserError(env._("The .csv file is malformed: %(error)s", error=exc)) from exc


def _without_control(rows):
    """The numbered rows with the control characters of their cells removed
    (one search per row: most rows have none)."""
    return [
        (number, [CONTROL.sub("", cell) for cell in row] if CONTROL.search("".join(row)) else row)
        for number, row in rows
    ]


def read_rows(env, content, file_name, encoding="auto", max_rows=None):
    """The non-empty rows of the first sheet, as lists of text cells without
    control characters (a NUL, an escape...: whatever the format). An .xlsx
    sheet with more than ``max_rows`` rows holding a value is refused while it
    is read (the number of rows of the other formats is bounded by their size)."""
    return [
        cells for _number, cells in read_numbered_rows(env, content, file_name, encoding, max_rows)
    ]


def read_numbered_rows(env, content, file_name, encoding="auto", max_rows=None):
    """As ``read_rows``, each row as ``(number, cells)``: its number in the file
    as a spreadsheet program shows it (1 for the first row), counting the empty
    rows left out, so that a message naming a row names the one the user sees."""
    if not content:
        raise UserError(env._("The file is empty."))
    name = (file_name or "").lower()
    if content[:8] == OLE_MAGIC:
        if "EncryptedPackage".encode("utf-16-le") in content:
            # An encrypted .xlsx is an OLE container holding the encrypted package.
            raise _password_protected(env)
        rows = _read_xls(env, content)
    elif content[:4] == ZIP_MAGIC:
        rows = _read_xlsx(env, content, max_rows)
    elif name.endswith((".csv", ".txt")):
        rows = _read_csv(env, content, encoding)
    else:
        raise UserError(env._("The file is not a spreadsheet (.xls, .xlsx or .csv)."))
    rows = [(number, row) for number, row in _without_control(rows) if any(row)]
    if not rows:
        raise UserError(env._("The file is empty."))
    return rows
