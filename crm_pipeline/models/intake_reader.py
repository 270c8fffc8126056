"""Read the rows of an uploaded spreadsheet (.xls, .xlsx, .csv) as text cells.

Every problem with the file itself is a ``UserError``; nothing here writes.
"""

import csv
import io
import re
import zipfile
from collections import Counter
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


class NumberText(str):
    """The text of a cell the spreadsheet holds as a number (an .xlsx or .xls
    number cell), with that number as ``number``: a reader of quantities takes
    the number itself, never the text read again in the user's language (a
    number cell 1.125 is one and an eighth, whatever the thousands separator
    of the language)."""

    __slots__ = ("number",)

    def __new__(cls, text, number):
        cell = super().__new__(cls, text)
        cell.number = number
        return cell


def cell_text(value):
    """One cell as text: integral numbers without ".0", dates in ISO format,
    numbers typed as text in scientific notation ("1.2345678E7") spelled out.
    A number cell's text is a ``NumberText`` that keeps the number."""
    if value is None or value is False:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return NumberText(str(int(value)) if value.is_integer() else repr(value), value)
    if isinstance(value, int):
        return NumberText(str(value), value)
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


#: A word: letters only (digits, punctuation and spaces end it).
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]+")
#: Bytes kept when a file is cut into words: ASCII letters and every byte of
#: 0x80 and above (the letters of the code pages); the others end a word.
_WORD_BYTES = bytes(
    b if b >= 0x80 or chr(b).isascii() and chr(b).isalpha() else 0x20 for b in range(256)
)
#: The bytes that are no character in each code page.
_UNDEFINED = {
    "cp1250": (b"\x81", b"\x83", b"\x88", b"\x90", b"\x98"),
    "cp1251": (b"\x98",),
}


def _likely_cp1251(word):
    """A word read as Windows-1251 is a Cyrillic word: Cyrillic letters only
    (a Romanian word read so mixes Latin and Cyrillic: "Bucureєti", "ЮГRANU")."""
    return _CYRILLIC_WORD.fullmatch(word) is not None


def _likely_cp1250(word):
    """A word read as Windows-1250 is a Latin word with a few letters with
    diacritics: Latin letters only, no more of them with diacritics than
    without (Cyrillic read so is diacritics only: "Ěîńęâŕ" for "Москва")."""
    if _LATIN_WORD.fullmatch(word) is None:
        return False
    plain = sum(1 for ch in word if ch.isascii())
    return plain >= len(word) - plain


def detect_encoding(content):
    """utf-8 (with or without BOM), else the Windows code page in which the
    text reads best: Windows-1251 (Russian, Ukrainian) or Windows-1250
    (Romanian and the other Central European languages).

    The same bytes are letters in both code pages (0xDE is "Ţ" or "Ю", 0xBA
    "ş" or "є"), so the words of the file that hold a byte of 0x80 or above
    are read in both and judged: read in the right code page, a Cyrillic word
    is all Cyrillic and a Romanian word is a Latin word with a few diacritics;
    read in the wrong one, a Romanian word mixes Latin and Cyrillic letters
    ("ЮГRANU SRL", "Bucureєti") and a Cyrillic word is all diacritics
    ("Ěîńęâŕ"). Each code page scores its likely words less its unlikely
    ones (words of one letter, initials, are not counted); the higher score
    wins, and a tie is Windows-1250. A byte that is no character in one code
    page (0x88, the euro sign in Windows-1251, is none in Windows-1250)
    leaves the other."""
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
    readable = [
        encoding
        for encoding in ("cp1250", "cp1251")
        if not any(byte in content for byte in _UNDEFINED[encoding])
    ]
    if len(readable) < 2:
        # the file reads in one code page only (or in none: reading it says so)
        return readable[0] if readable else "cp1250"
    # each distinct word once, with its count: files repeat their words
    words = Counter(content.translate(_WORD_BYTES).split())
    scores = dict.fromkeys(readable, 0)
    for raw, count in words.items():
        if raw.isascii():
            continue  # the same text in both code pages
        for encoding, likely in (("cp1250", _likely_cp1250), ("cp1251", _likely_cp1251)):
            for word in _WORD.findall(raw.decode(encoding)):
                if len(word) > 1 and not word.isascii():
                    scores[encoding] += count if likely(word) else -count
    return "cp1251" if scores["cp1251"] > scores["cp1250"] else "cp1250"


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
    (one search per row: most rows have none; a cell without any is kept as
    it is, a number cell's ``NumberText`` included)."""
    return [
        (
            number,
            [CONTROL.sub("", cell) if CONTROL.search(cell) else cell for cell in row]
            if CONTROL.search("".join(row))
            else row,
        )
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
