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


def parse_number(text):
    """A number typed by a person: "1 250,5", "1.250,5", "1,250.5", "12,5" ->
    float, or None when it is not one."""
    text = str(text or "").strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    if not text:
        return None
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    try:
        value = float(text)
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


def read_offer_rows(env, file_base64, file_name, company, sections=False):
    """The rows of the file as ``[{"row": n, "product": product.product,
    "quantity": float, "price": float or None, "section": text or None}]``,
    or a ``UserError`` listing every row in error (nothing is written). A row's
    section is the last one the file named, on that row or on an earlier one
    (a section title on a row of its own heads the rows after it).

    With ``sections``, a section title on a row of its own is a row too, at
    its place in the file, with no product (``"product": None``, ``"quantity":
    None``): a section with no item after it is kept."""
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
    result, errors = [], []
    section = None  # the section of the rows that name none: the last one named
    for number, cells in data:  # numbered as in the file, empty rows counted
        values = {key: "" for key in COLUMNS}
        for index, key in mapping.items():
            if index < len(cells):
                values[key] = (cells[index] or "").strip()
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
        quantity = parse_number(values["quantity"])
        if quantity is None or quantity <= 0 or quantity >= NUMBER_MAX:
            errors.append(
                (
                    number,
                    env._(
                        "the quantity must be a number above 0, not %(value)s.",
                        value=values["quantity"] or "-",
                    ),
                )
            )
        price = None
        if values["price"]:
            price = parse_number(values["price"])
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
