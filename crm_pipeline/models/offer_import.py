"""Offer items from a spreadsheet: the rows of an .xlsx, .xls or .csv file as
products and quantities, for a quotation (``sale.order.action_import_lines``)
or an evaluation sheet (crm_evaluation_sheet).

The file is read by the lead intake's reader; headers are matched through
aliases in English, Romanian, Russian and Ukrainian. Every row is checked
before anything is written: the problems are reported row by row in one
``UserError``.
"""

import math
import re

from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from odoo.addons.crm_suite_base.models.policy import NUMBER_MAX

from . import intake_reader
from .crm_lead_intake import header_key

#: rows per import (a quotation of more lines is not an offer but a catalogue)
MAX_ROWS = 5000
#: errors listed in the message (the others are counted)
MAX_ERRORS = 50

# column -> aliases separated by "|", compared after header_key()
COLUMNS = {
    "code": (
        "internal reference|reference|ref|default code|code|product code|item code|sku"
        "|cod|cod produs|cod articol|cod intern|referinta|referinta interna|код"
        "|код товара|артикул|код продукта|код товару|код продукту"
    ),
    "barcode": (
        "barcode|bar code|ean|ean13|gtin|upc|cod de bare|cod bare|штрихкод|штрих код"
        "|штрих-код|штрихкод товара|штрихкод товару"
    ),
    "product": (
        "product|product name|item|article|name|description|produs|denumire produs"
        "|articol|denumire|nume produs|serviciu|товар|продукт|наименование"
        "|наименование товара|название|название товара|найменування"
        "|найменування товару|назва|назва товару|послуга|услуга"
    ),
    "quantity": (
        "quantity|qty|qty ordered|quantity ordered|cantitate|cant|количество"
        "|кол-во|кол во|кількість|к-сть"
    ),
    "price": (
        "price|unit price|price unit|sale price|pret|pret unitar|pret vanzare|цена"
        "|цена за единицу|цена продажи|ціна|ціна за одиницю"
    ),
    "section": ("section|chapter|capitol|sectiune|sectiunea|раздел|глава|розділ"),
}
_ALIASES = {
    header_key(alias): key for key, aliases in COLUMNS.items() for alias in aliases.split("|")
}
_REFERENCE_AND_NAME = re.compile(r"^\[([^\]]+)\]\s*(.*)$")


def _like_literal(text):
    """``text`` matched as it is by ``=ilike`` (no wildcard of its own)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def guess_column(header):
    return _ALIASES.get(header_key(header), False)


#: Spaces a number may be grouped with (thousands), removed before reading it.
_NUMBER_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'\u2019")
_DIGITS = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[1-9][0-9]{0,2}")
_EXPONENT = re.compile(r"[eE][+-]?[0-9]{1,3}")


def thousands_separator(env):
    """The thousands separator of the user's language, as Odoo writes their
    numbers: the language of the context (the web client sends it), else the
    user's own (an XML-RPC call without a context), else English's ","."""
    Lang = env["res.lang"]
    lang = Lang._get_data(code=env.lang or env.user.lang or "en_US")
    if not lang:
        lang = Lang._get_data(code="en_US")
    return (lang.thousands_sep or "") if lang else ","


def _ungrouped(text, separator):
    """``text`` (digits) without its thousands separators: a first group of one
    to three digits (not a lone 0), then groups of three; None when it is not
    grouped so ("1.25.0", "0.250.000")."""
    if separator not in text:
        return text
    first, *groups = text.split(separator)
    if not _GROUPED.fullmatch(first) or any(len(g) != 3 or not g.isdigit() for g in groups):
        return None
    return first + "".join(groups)


def parse_number(text, thousands=","):
    """A number typed by a person, as float, or None when it is not one.

    Spaces (and apostrophes) group digits: "1 250,5". With both "." and ",",
    the last one is the decimal separator and the other groups thousands:
    "1.250,5" and "1,250.5" are 1250.5. A separator repeated groups thousands:
    "1.250.000". A single separator is the decimal one ("12,5", "1.5"), except
    when three digits follow it, after one to three digits, and it is the
    ``thousands`` separator of the user's language: "1.250" is 1250 for a
    Romanian (thousands "."), 1.25 for an English user (thousands ","), for
    whom "1,250" is 1250, as Odoo's own import reads the numbers with the
    separators it is given (``thousands_separator``). A number cell of a
    spreadsheet (``NumberText``) is its number."""
    if isinstance(text, intake_reader.NumberText):
        try:
            number = float(text.number)
        except OverflowError:  # an integer of hundreds of digits
            return None
        return number if math.isfinite(number) else None
    text = str(text or "").strip().translate(_NUMBER_SPACES)
    if not text:
        return None
    sign = ""
    if text[0] in "+-":
        sign, text = text[0], text[1:]
    exponent = _EXPONENT.search(text)
    if exponent and exponent.end() == len(text):
        text, exponent = text[: exponent.start()], exponent.group()
    else:
        exponent = ""
    marks = [ch for ch in text if ch in ",."]
    whole, fraction = text, ""
    if len(set(marks)) == 2:
        point = marks[-1]
        if marks.count(point) > 1:
            return None
        whole, fraction = text.split(point)
        whole = _ungrouped(whole, "," if point == "." else ".")
    elif len(marks) > 1:
        whole = _ungrouped(text, marks[0])
    elif marks:
        whole, fraction = text.split(marks[0])
        if marks[0] == thousands and len(fraction) == 3 and _GROUPED.fullmatch(whole):
            whole, fraction = whole + fraction, ""
    if whole is None or not (whole or fraction):
        return None
    if any(part and not _DIGITS.fullmatch(part) for part in (whole, fraction)):
        return None
    try:
        value = float(f"{sign}{whole or 0}.{fraction or 0}{exponent}")
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_header(env, header):
    """Column index -> column key; the file must name the quantity and one
    product column."""
    mapping = {}
    for index, cell in enumerate(header):
        key = guess_column(cell)
        if key and key not in mapping.values():
            mapping[index] = key
    keys = set(mapping.values())
    if "quantity" not in keys or not keys & {"code", "barcode", "product"}:
        raise UserError(
            env._(
                "The first row must name the columns: a product column (Internal "
                "Reference, Barcode or Product) and Quantity; optionally Price and "
                "Section. Found: %(found)s",
                found=", ".join(cell for cell in header if cell) or "-",
            )
        )
    return mapping


class _ProductFinder:
    """Products by internal reference, barcode or name, searched once per key
    (as the user: only the products they may sell in the company)."""

    def __init__(self, env, company):
        self.env = env
        self.Product = env["product.product"].with_context(active_test=True)
        self.base = [("sale_ok", "=", True), ("company_id", "in", [False, company.id])]
        self.cache = {}

    def _search(self, field, operator, value):
        key = (field, operator, value)
        if key not in self.cache:
            self.cache[key] = self.Product.search(self.base + [(field, operator, value)], limit=2)
        return self.cache[key]

    def _candidates(self, value, first):
        """The searches for one cell, the column's own field first."""
        searches = []
        match = _REFERENCE_AND_NAME.match(value)
        if match:  # "[REF] Name", as Odoo prints a product
            reference = match.group(1).strip()
            searches.append(("default_code", "=", reference, reference))
        by_code = ("default_code", "=", value, value)
        by_barcode = ("barcode", "=", value, value)
        if first == "barcode":
            searches += [by_barcode, by_code]
        else:
            searches += [by_code, by_barcode]
        searches.append(("name", "=ilike", _like_literal(value), value))
        return searches

    def find(self, code, barcode, name):
        """(product, error message): the first cell of internal reference,
        barcode and name that names one product, each tried as a reference, a
        barcode and a name."""
        for value, first in ((code, "code"), (barcode, "barcode"), (name, "product")):
            if not value:
                continue
            for field, operator, term, shown in self._candidates(value, first):
                found = self._search(field, operator, term)
                if len(found) > 1:
                    return None, self.env._(
                        "several products match %(value)s: use the internal reference.",
                        value=shown,
                    )
                if found:
                    return found, None
        return None, self.env._(
            "unknown product %(value)s.", value=" / ".join(v for v in (code, barcode, name) if v)
        )


def read_offer_rows(
    env,
    file_base64,
    file_name,
    company,
    sections=False,
    max_quantity=NUMBER_MAX,
    prices=True,
):
    """The rows of the file as ``[{"row": n, "product": product.product,
    "quantity": float, "price": float or None, "section": text or None}]``,
    or a ``UserError`` listing every row in error (nothing is written). A row's
    section is the last one the file named, on that row or on an earlier one
    (a section title on a row of its own heads the rows after it).

    With ``sections``, a section title on a row of its own is a row too, at
    its place in the file, with no product (``"product": None``, ``"quantity":
    None``): a section with no item after it is kept.

    A quantity is above 0 and at most ``max_quantity`` (the bound of the
    field it goes to), else a row error. Without ``prices``, the Price
    column is not read (every row's price is None): its cells are no error.

    Numbers typed as text are read with the thousands separator of the
    user's language (``parse_number``); number cells are their numbers."""
    content = env["crm.lead"]._intake_decode(file_base64)
    if not isinstance(file_name, str) or not file_name:
        raise UserError(env._("Give the file name (ending .xls, .xlsx or .csv)."))
    rows = intake_reader.read_numbered_rows(env, content, file_name, max_rows=MAX_ROWS + 1)
    header, data = rows[0][1], rows[1:]
    mapping = read_header(env, header)
    if not data:
        raise UserError(env._("The file has a header row but no data rows."))
    if len(data) > MAX_ROWS:
        raise UserError(
            env._(
                "The file has %(count)s rows, more than the limit of %(max)s rows per import.",
                count=len(data),
                max=MAX_ROWS,
            )
        )
    finder = _ProductFinder(env, company)
    thousands = thousands_separator(env)
    result, errors = [], []
    section = None  # the section of the rows that name none: the last one named
    for number, cells in data:  # numbered as in the file, empty rows counted
        values = {key: "" for key in COLUMNS}
        numbers = {}  # the cells of quantities and prices, number cells kept as such
        for index, key in mapping.items():
            if index < len(cells):
                values[key] = (cells[index] or "").strip()
                numbers[key] = cells[index]
        if not prices:
            values["price"] = ""
        if values["section"]:
            section = values["section"][:200]
        if not (values["code"] or values["barcode"] or values["product"]):
            if values["quantity"] or values["price"]:
                errors.append((number, env._("no product.")))
            elif sections and values["section"]:
                result.append(
                    {
                        "row": number,
                        "product": None,
                        "quantity": None,
                        "price": None,
                        "section": section,
                    }
                )
            continue  # a section title on a row of its own, or empty cells
        product, error = finder.find(values["code"], values["barcode"], values["product"])
        if error:
            errors.append((number, error))
        quantity = parse_number(numbers.get("quantity"), thousands)
        if quantity is None or quantity <= 0:
            errors.append(
                (
                    number,
                    env._(
                        "the quantity must be a number above 0, not %(value)s.",
                        value=values["quantity"] or "-",
                    ),
                )
            )
        elif quantity > max_quantity:
            errors.append(
                (
                    number,
                    env._(
                        "the quantity must be at most %(max)s, not %(value)s.",
                        max=formatLang(env, max_quantity, digits=0),
                        value=values["quantity"],
                    ),
                )
            )
        price = None
        if values["price"]:
            price = parse_number(numbers.get("price"), thousands)
            if price is None or price < 0 or price >= NUMBER_MAX:
                errors.append(
                    (
                        number,
                        env._(
                            "the price must be a number of 0 or more, not %(value)s.",
                            value=values["price"],
                        ),
                    )
                )
        result.append(
            {
                "row": number,
                "product": product,
                "quantity": quantity,
                "price": price,
                "section": section,
            }
        )
    if errors:
        lines = [
            env._("Row %(row)s: %(error)s", row=row, error=error)
            for row, error in errors[:MAX_ERRORS]
        ]
        if len(errors) > MAX_ERRORS:
            lines.append(env._("... and %(count)s more.", count=len(errors) - MAX_ERRORS))
        raise UserError(env._("Nothing was imported:\n%(errors)s", errors="\n".join(lines)))
    if not any(row["product"] for row in result):
        raise UserError(env._("The file has no row with a product."))
    return result
