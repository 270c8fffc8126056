"""Company data from a tax ID: ANAF (Romania) or VIES (other EU countries)."""

import http.client
import json
import time

import requests
import urllib3
from stdnum.eu import vat as eu_vat
from stdnum.md import idno as md_idno
from stdnum.ru import inn as ru_inn
from stdnum.ua import edrpou as ua_edrpou
from stdnum.ua import rntrc as ua_rntrc

from odoo import api, fields, models
from odoo.exceptions import UserError

from . import deadline_http, intake_keys

#: Seconds a lookup may take, the answer read whole (not only between two reads).
TIMEOUT = 5
#: Bytes read at a time from an answer.
CHUNK_BYTES = 64 * 1024
#: An answer larger than this is no company record: refused unread.
MAX_ANSWER_BYTES = 1024 * 1024
#: Longest text kept from an answer (a name, a street).
MAX_TEXT = 256
ANAF_URL = "https://webservicesp.anaf.ro/api/PlatitorTvaRest/v9/tva"
VIES_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number"
#: The countries whose tax IDs are checked (their check digits): Romania's
#: CUI and the VAT numbers of the EU (Greece's "EL" prefix included).
CHECKED_COUNTRIES = frozenset({"RO", "EL", *(code.upper() for code in eu_vat.MEMBER_STATES)})


def _ua_tax_id_is_valid(number):
    """A Ukrainian company's tax ID: its ЄДРПОУ code (8 digits), a sole
    trader's РНОКПП (10 digits), both with their check digit, or the
    12-digit VAT payer number (ІПН), whose check digit no public rule gives:
    its length only, as Odoo's ``base_vat`` checks it."""
    if len(number) == 12:
        return number.isascii() and number.isdigit()
    if len(number) == 10:
        return ua_rntrc.is_valid(number)
    return ua_edrpou.is_valid(number)


#: The tax IDs of the neighbours outside the EU whose check digits are known
#: (python-stdnum): a number of another form or with a wrong check digit is
#: refused, as a Romanian CUI or an EU VAT number is.
OTHER_CHECKS = {
    "MD": md_idno.is_valid,  # IDNO, 13 digits
    "RU": ru_inn.is_valid,  # ИНН, 10 digits (a company) or 12 (a person)
    "UA": _ua_tax_id_is_valid,
}


class CrmCompanyLookup(models.AbstractModel):
    _name = "crm.company.lookup"
    _description = "Company Lookup by Tax ID"

    @api.model
    def _url(self, key, default):
        return self.env["ir.config_parameter"].sudo().get_param(key) or default

    @api.model
    def _post_json(self, url, payload, service):
        """POST ``payload`` as JSON; every failure is a UserError naming ``service``.
        The whole exchange, from connecting (the TLS handshake included) to the
        answer's last byte, takes at most ``TIMEOUT`` seconds: a service sending
        its headers or its body a few bytes at a time does not hold the worker
        longer. Each read of the socket is given what is left of the deadline;
        no thread is started."""
        deadline = time.monotonic() + TIMEOUT
        try:
            with deadline_http.post(
                url,
                deadline,
                data=json.dumps(payload),
                headers={"Content-Type": "application/json", "Accept": "application/json"},
            ) as response:
                return self._read_answer(response, service, deadline)
        except requests.Timeout as exc:
            raise self._timeout_error(service) from exc
        except requests.RequestException as exc:
            if time.monotonic() >= deadline:
                raise self._timeout_error(service) from exc
            raise UserError(
                self.env._("%(service)s cannot be reached: try again later.", service=service)
            ) from exc

    @api.model
    def _timeout_error(self, service):
        return UserError(
            self.env._(
                "%(service)s did not answer within %(seconds)s seconds: try again later.",
                service=service,
                seconds=TIMEOUT,
            )
        )

    @api.model
    def _read_answer(self, response, service, deadline):
        """The JSON of an answer, read to its end by ``deadline`` (the answer's
        reads are bounded by it: see ``deadline_http``)."""
        if response.status_code != 200:
            raise UserError(
                self.env._(
                    "%(service)s refused the request (HTTP %(code)s).",
                    service=service,
                    code=response.status_code,
                )
            )
        unreadable = UserError(
            self.env._("%(service)s sent an answer that cannot be read.", service=service)
        )
        chunks, size = [], 0
        try:
            for chunk in response.raw.stream(CHUNK_BYTES, decode_content=True):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    break
        except (
            requests.RequestException,
            urllib3.exceptions.HTTPError,
            http.client.HTTPException,
            OSError,
            ValueError,
        ) as exc:
            if time.monotonic() >= deadline:
                raise self._timeout_error(service) from exc
            raise unreadable from exc
        if size > MAX_ANSWER_BYTES:
            raise UserError(
                self.env._(
                    "%(service)s sent an answer too large to be a company record.",
                    service=service,
                )
            )
        try:
            return json.loads(b"".join(chunks))
        except (ValueError, RecursionError) as exc:
            raise unreadable from exc

    @api.model
    def _answer_text(self, value, service):
        """A text of an answer: text (or nothing), without control characters
        and of a sane length; anything else is an unexpected answer."""
        if value is None or value is False:
            return ""
        if not isinstance(value, str):
            raise UserError(self.env._("%(service)s sent an unexpected answer.", service=service))
        value = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t")
        return value.strip()[:MAX_TEXT]

    @api.model
    def _answer_flag(self, value, service):
        if value is None:
            return False
        if not isinstance(value, bool):
            raise UserError(self.env._("%(service)s sent an unexpected answer.", service=service))
        return value

    @api.model
    def _lookup(self, vat, country_code=None):
        """Company data for a tax ID, as a dict: name, street, city, state_code,
        state_name, zip, country_code, vat, company_registry, vat_payer,
        company_status (active, inactive, deregistered)."""
        country, key = self._tax_id_parts(vat, country_code)
        if country == "RO":
            return self._lookup_anaf(int(key))
        return self._lookup_vies(country, key)

    @api.model
    def _tax_id_parts(self, vat, country_code=None):
        """(country code, number) of a tax ID whose check digits are valid."""
        if not vat or not isinstance(vat, str):
            raise UserError(self.env._("Give the tax ID."))
        if country_code is not None and country_code is not False:
            if not isinstance(country_code, str) or len(country_code) != 2:
                raise UserError(
                    self.env._("%(value)r is not a two-letter country code.", value=country_code)
                )
        country = (intake_keys.vat_country(vat) or country_code or "RO").upper()
        key = intake_keys.vat_number(vat)
        if country == "RO":
            if not intake_keys.ro_cui_is_valid(key):
                raise UserError(
                    self.env._("%(vat)s is not a valid Romanian tax ID (CUI).", vat=vat)
                )
        elif not key or not eu_vat.is_valid(country + key):
            raise UserError(
                self.env._(
                    "%(vat)s is not a valid %(country)s VAT number.", vat=vat, country=country
                )
            )
        return country, key

    @api.model
    def _check_tax_id(self, vat, country_code=None):
        """Refuse a tax ID whose check digits are wrong (a ``UserError``, the
        message of the lookup: ``_tax_id_parts``) where the suite knows the
        rules: a Romanian CUI and an EU VAT number, by the tax ID's prefix,
        else by ``country_code`` (the country given with it), and the tax IDs
        of Ukraine, Moldova and Russia (``OTHER_CHECKS``: their own message).
        A tax ID of another country, or with neither prefix nor country, is
        taken as it is, as Odoo's VAT check takes the number of a partner
        without a country; so is a value without a letter or digit ("-",
        "/": no tax ID, as Odoo's check skips it)."""
        number = intake_keys.vat_number(vat)
        if not number:
            return
        country = (intake_keys.vat_country(vat) or country_code or "").upper()
        if country in CHECKED_COUNTRIES:
            self._tax_id_parts(vat, country_code)
        elif country in OTHER_CHECKS and not OTHER_CHECKS[country](number):
            raise UserError(self._other_tax_id_error(vat, country))

    @api.model
    def _other_tax_id_error(self, vat, country):
        """The message refusing ``vat``, a tax ID of ``country`` (one of
        ``OTHER_CHECKS``), naming the forms it may take there (one message
        per country of ``OTHER_CHECKS``, each a literal for the catalogues)."""
        messages = {
            "UA": lambda: self.env._(
                "%(vat)s is not a valid Ukrainian tax ID: an ЄДРПОУ code (8 digits), a "
                "РНОКПП (10 digits), both with their check digit, or a VAT number "
                "(12 digits).",
                vat=vat,
            ),
            "MD": lambda: self.env._(
                "%(vat)s is not a valid Moldovan tax ID: an IDNO (13 digits) with its "
                "check digit.",
                vat=vat,
            ),
            "RU": lambda: self.env._(
                "%(vat)s is not a valid Russian tax ID: an ИНН (10 or 12 digits) with its "
                "check digits.",
                vat=vat,
            ),
        }
        return messages[country]()

    @api.model
    def _lookup_anaf(self, cui):
        answer = self._post_json(
            self._url("crm_pipeline.anaf_url", ANAF_URL),
            [{"cui": cui, "data": fields.Date.context_today(self).isoformat()}],
            self.env._("ANAF"),
        )
        return self._anaf_company_data(answer, cui)

    @api.model
    def _anaf_company_data(self, answer, cui):
        """Company data (as ``_lookup`` returns it) from ANAF's answer (its JSON,
        decoded) about the CUI ``cui``: the live lookup's and the demo's parser."""
        service = self.env._("ANAF")
        if not isinstance(answer, dict) or not isinstance(answer.get("found"), list):
            raise UserError(self.env._("%(service)s sent an unexpected answer.", service=service))
        if answer.get("cod") not in (None, 200):
            raise UserError(
                self.env._(
                    "%(service)s refused the request: %(message)s",
                    service=service,
                    message=str(answer.get("message") or answer.get("cod"))[:MAX_TEXT],
                )
            )
        if not answer["found"]:
            raise UserError(self.env._("ANAF knows no company with tax ID %(cui)s.", cui=cui))
        try:
            found = answer["found"][0]
            general = found["date_generale"]
            seat = found.get("adresa_sediu_social") or {}
            inactive = found.get("stare_inactiv") or {}
            vat_scope = found.get("inregistrare_scop_Tva") or {}
            if not all(isinstance(part, dict) for part in (general, seat, inactive, vat_scope)):
                raise TypeError("not an object")
            if general.get("cui") not in (None, cui):
                raise ValueError("an answer about another company")

            def text(part, key):
                return self._answer_text(part.get(key), service)

            registration = text(general, "stare_inregistrare").upper()
            if "RADIERE" in registration or text(inactive, "dataRadiere"):
                status = "deregistered"
            elif self._answer_flag(inactive.get("statusInactivi"), service):
                status = "inactive"
            else:
                status = "active"
            street = " ".join(
                p for p in (text(seat, "sdenumire_Strada"), text(seat, "snumar_Strada")) if p
            )
            name = text(general, "denumire")
            if not name:
                raise KeyError("denumire")
            return {
                "name": name,
                "street": street or text(general, "adresa"),
                "city": text(seat, "sdenumire_Localitate"),
                "state_code": text(seat, "scod_JudetAuto"),
                "state_name": text(seat, "sdenumire_Judet"),
                "zip": text(seat, "scod_Postal") or text(general, "codPostal"),
                "country_code": "RO",
                "vat": f"RO{cui}",
                "company_registry": text(general, "nrRegCom"),
                "vat_payer": self._answer_flag(vat_scope.get("scpTVA"), service),
                "company_status": status,
            }
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise UserError(
                self.env._("%(service)s sent an unexpected answer.", service=service)
            ) from exc

    @api.model
    def _lookup_vies(self, country, number):
        service = self.env._("VIES")
        answer = self._post_json(
            self._url("crm_pipeline.vies_url", VIES_URL),
            {"countryCode": country, "vatNumber": number},
            service,
        )
        if not isinstance(answer, dict):
            raise UserError(self.env._("%(service)s sent an unexpected answer.", service=service))
        if answer.get("errorWrappers") or answer.get("actionSucceed") is False:
            raise UserError(
                self.env._("%(service)s refused the request: try again later.", service=service)
            )
        if not isinstance(answer.get("valid"), bool):
            raise UserError(self.env._("%(service)s sent an unexpected answer.", service=service))
        if not answer["valid"]:
            raise UserError(
                self.env._(
                    "VIES knows no VAT-registered company with number %(vat)s.",
                    vat=country + number,
                )
            )
        name = self._answer_text(answer.get("name"), service)
        address = answer.get("address")
        if address is not None and not isinstance(address, str):
            raise UserError(self.env._("%(service)s sent an unexpected answer.", service=service))
        address = (address or "")[: MAX_TEXT * 4]
        lines = [
            self._answer_text(line, service)
            for line in address.splitlines()
            if self._answer_text(line, service)
        ]
        return {
            "name": "" if name == "---" else name,
            "street": lines[0] if lines else "",
            "city": " ".join(lines[1:]) if len(lines) > 1 else "",
            "state_code": "",
            "state_name": "",
            "zip": "",
            "country_code": country,
            "vat": country + number,
            "company_registry": "",
            "vat_payer": True,
            "company_status": "active",
        }

    @api.model
    def _common_values(self, data):
        country = self.env["res.country"].search([("code", "=", data["country_code"])], limit=1)
        vals = {
            "vat": data["vat"],
            "company_registry": data["company_registry"] or False,
            "vat_payer": data["vat_payer"],
            "company_status": data["company_status"],
            "country_id": country.id or False,
        }
        for fname in ("street", "city", "zip"):
            if data[fname]:
                vals[fname] = data[fname]
        if country and (data["state_code"] or data["state_name"]):
            state = self.env["res.country.state"].search(
                [
                    ("country_id", "=", country.id),
                    "|",
                    ("code", "=ilike", data["state_code"] or data["state_name"]),
                    ("name", "=ilike", data["state_name"] or data["state_code"]),
                ],
                limit=1,
            )
            if state:
                vals["state_id"] = state.id
        return vals

    @api.model
    def _partner_values(self, data):
        vals = self._common_values(data)
        if data["name"]:
            vals["name"] = data["name"]
        return vals

    @api.model
    def _lead_values(self, data):
        vals = self._common_values(data)
        if data["name"]:
            vals["partner_name"] = data["name"]
        return vals
