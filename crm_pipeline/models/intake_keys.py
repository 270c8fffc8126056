"""Normalised keys used to spot the same company or person twice.

Tax ID: upper case, spaces and punctuation removed, the country prefix kept
except Romania's ("RO 123-456" and "123456" -> "123456", "DE 136 695 976" ->
"DE136695976": a German VAT number is not the Romanian CUI of the same
digits). E-mail: Odoo's ``email_normalized``. Phone: digits only, the last 9
digits (enough to ignore the country code and a leading trunk zero); fewer
than 7 digits is no key.
"""

import re

from odoo import tools

_VAT_JUNK = re.compile(r"[^0-9A-Z]")
_NON_DIGITS = re.compile(r"\D")
PHONE_KEY_DIGITS = 9
#: The country whose tax IDs are keyed without their prefix (a CUI is often
#: written without "RO").
HOME_COUNTRY = "RO"


def vat_number(value):
    """The tax ID without its two-letter country prefix ("RO 123-456" -> "123456")."""
    if not value:
        return False
    key = _VAT_JUNK.sub("", str(value).upper())
    if len(key) > 2 and key[:2].isalpha():
        key = key[2:]
    return key or False


def vat_key(value):
    """The key of a tax ID: its number, after its country prefix unless Romanian."""
    number = vat_number(value)
    country = vat_country(value)
    if number and country and country != HOME_COUNTRY:
        return country + number
    return number


def vat_country(value):
    """The two-letter prefix of a tax ID, if it has one."""
    if not value:
        return False
    key = _VAT_JUNK.sub("", str(value).upper())
    return key[:2] if len(key) > 2 and key[:2].isalpha() else False


def phone_key(value):
    if not value:
        return False
    digits = _NON_DIGITS.sub("", str(value))
    if len(digits) < 7:
        return False
    return digits[-PHONE_KEY_DIGITS:]


def ro_cui_is_valid(value):
    """The official control-digit check of a Romanian CUI/CIF.

    Up to 10 digits; the digits before the last, right-aligned under the key
    753217532, are multiplied and summed; sum * 10 mod 11 is the control digit
    (10 gives 0).
    """
    digits = vat_number(value)
    if not digits or not (digits.isascii() and digits.isdigit()) or not 2 <= len(digits) <= 10:
        return False
    body, control = digits[:-1], int(digits[-1])
    key = "753217532"[-len(body) :]
    total = sum(int(d) * int(k) for d, k in zip(body, key, strict=True))
    expected = total * 10 % 11
    return (0 if expected == 10 else expected) == control


def email_index_name(table):
    return f"{table}__email_normalized_equal_index"


def create_email_index(cr, table):
    """A b-tree index on ``email_normalized`` of ``table`` (crm_lead, res_partner)
    for the duplicate search, which compares e-mails for equality.

    crm indexes the lead's ``email_normalized`` with trigrams only (for "contains"
    searches) and Odoo not at all on res_partner. PostgreSQL may answer an
    equality through the trigram index, and then each e-mail costs about 10 ms
    once many e-mails share their trigrams (``@gmail.com``, one company's domain):
    for 100,000 leads, 100,000 such lookups. Through this index it is a few
    microseconds. Dropped again by the module's uninstall hook."""
    tools.create_index(
        cr,
        email_index_name(table),
        table,
        ["email_normalized"],
        where="email_normalized IS NOT NULL",
    )
