import base64
import binascii
import io
import re
import unicodedata
from collections import defaultdict

import openpyxl

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate, escape_psql

from odoo.addons.crm_suite_base.models.policy import FREE, owned

from . import intake_keys, intake_reader
from .intake_keys import create_email_index
from .res_company_intake import IMPORT_MAX_ROWS_BOUNDS

_lt = LazyTranslate(__name__)

# Target of a column -> (label, aliases separated by "|"). Aliases are compared
# after header_key(): lower case, no Latin accents, punctuation as spaces.
IMPORT_FIELDS = {
    "company": (
        "Company name",
        (
            "company|company name|companyname|organization|organisation|account"
            "|customer|client|denumire|firma|companie|societate|denumire firma"
            "|nume firma|компания|организация|название|наименование|фирма|клиент"
            "|компанія|організація|назва|найменування"
        ),
    ),
    "vat": (
        "Tax ID",
        (
            "tax id|vat|vat number|tax number|taxid|cui|cif|cod fiscal"
            "|cod unic de inregistrare|cod tva|инн|унп|идно|фискальный код|іпн"
            "|єдрпоу|код єдрпоу|податковий номер"
        ),
    ),
    "contact": (
        "Contact name",
        (
            "contact|contact name|contact person|name|full name|persoana de contact"
            "|persoana contact|nume|nume contact|контакт|контактное лицо|фио|имя"
            "|контактна особа|піб|імя|ім'я"
        ),
    ),
    "email": (
        "E-mail",
        (
            "email|e-mail|mail|email address|adresa email|posta electronica"
            "|электронная почта|эл почта|почта|електронна пошта|пошта"
        ),
    ),
    "phone": (
        "Phone",
        ("phone|telephone|tel|phone number|telefon|nr telefon|телефон|тел"),
    ),
    "mobile": (
        "Mobile",
        (
            "mobile|mobile phone|cell|cell phone|gsm|mobil|telefon mobil|мобильный"
            "|мобильный телефон|мобільний|мобільний телефон"
        ),
    ),
    "street": (
        "Street",
        ("street|address|adresa|strada|улица|адрес|вулиця|адреса"),
    ),
    "city": (
        "City",
        ("city|town|oras|localitate|municipiu|город|населенный пункт|місто|населений пункт"),
    ),
    "state": (
        "County / State",
        ("state|county|region|province|judet|regiune|область|регион|край|район|регіон"),
    ),
    "country": (
        "Country",
        ("country|tara|страна|країна"),
    ),
    "source": (
        "Source",
        ("source|lead source|sursa|источник|джерело"),
    ),
    "campaign": (
        "Campaign",
        ("campaign|campanie|кампания|кампанія"),
    ),
    "salesperson": (
        "Salesperson",
        (
            "salesperson|salesman|sales person|owner|agent|agent vanzari"
            "|responsabil|vanzator|менеджер|ответственный|продавец|відповідальний"
            "|продавець"
        ),
    ),
    "tags": (
        "Tags",
        ("tags|tag|etichete|eticheta|теги|метки|мітки"),
    ),
    "notes": (
        "Notes",
        (
            "notes|note|description|comments|comment|observatii|descriere"
            "|примечание|примечания|комментарий|описание|примітка|примітки|коментар"
            "|опис"
        ),
    ),
}
REQUIRED_ANY = ("company", "contact")
MODES = ("all", "skip_invalid")
DUPLICATE_ACTIONS = ("skip", "update", "create")
ENCODINGS = ("auto", "utf-8", "cp1250", "cp1251")
OPTION_KEYS = {"mode", "duplicate_action", "encoding", "mapping"}
BATCH_SIZE = 1000
DEFAULT_MAX_ROWS = 100000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = intake_reader.CONTROL
_ALIAS_JUNK = re.compile(r"[^\w]+")


def header_key(text):
    """Header text for alias matching: lower case, accents of Latin letters
    removed (ș -> s), Cyrillic letters kept whole (й, ї), punctuation as spaces."""
    out = []
    for ch in unicodedata.normalize("NFKD", str(text or "").lower()):
        if unicodedata.combining(ch) and out and out[-1].isascii():
            continue
        out.append(ch)
    text = unicodedata.normalize("NFC", "".join(out)).replace("ё", "е")
    return " ".join(_ALIAS_JUNK.sub(" ", text).replace("_", " ").split())


_ALIASES = {
    header_key(alias): key
    for key, (_label, aliases) in IMPORT_FIELDS.items()
    for alias in aliases.split("|")
}


def guess_field(header):
    return _ALIASES.get(header_key(header), False)


def safe_cell(value):
    """A cell for the rejected-rows report: no formula can run from it."""
    # control characters first: what is left is what the spreadsheet shows
    value = _CONTROL.sub("", str(value or ""))
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return value


class _DefaultsCache(dict):
    """Defaults of new leads computed once per import (see ``default_get``)."""


class CrmLead(models.Model):
    # Lead intake (spreadsheet import) kept apart from the other crm.lead extensions on
    # purpose (one concern per file), hence the pylint exception.
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited
    _crm_write_policy = {
        "vat": FREE,
        "intake_vat_key": owned(_lt("kept from the tax ID.")),
        "intake_phone_key": owned(_lt("kept from the phone.")),
        "intake_mobile_key": owned(_lt("kept from the mobile.")),
    }

    vat = fields.Char(string="Tax ID", index="btree_not_null", tracking=True)
    intake_vat_key = fields.Char(
        compute="_compute_intake_keys", store=True, index="btree_not_null", copy=False
    )
    intake_phone_key = fields.Char(
        compute="_compute_intake_keys", store=True, index="btree_not_null", copy=False
    )
    intake_mobile_key = fields.Char(
        compute="_compute_intake_keys", store=True, index="btree_not_null", copy=False
    )

    def init(self):
        res = super().init()
        create_email_index(self.env.cr, self._table)
        return res

    @api.depends("vat", "phone", "mobile")
    def _compute_intake_keys(self):
        for lead in self:
            lead.intake_vat_key = intake_keys.vat_key(lead.vat)
            lead.intake_phone_key = intake_keys.phone_key(lead.phone)
            lead.intake_mobile_key = intake_keys.phone_key(lead.mobile)

    # ------------------------------------------------------------------
    # Spreadsheet import
    # ------------------------------------------------------------------

    @api.model
    def _intake_max_rows(self):
        value = self.env["ir.config_parameter"].sudo().get_param("crm_pipeline.import_max_rows")
        try:
            value = int(value or DEFAULT_MAX_ROWS)
        except (TypeError, ValueError):
            value = DEFAULT_MAX_ROWS
        low, high = IMPORT_MAX_ROWS_BOUNDS
        return min(value, high) if value >= low else DEFAULT_MAX_ROWS

    @api.model
    def _intake_check_options(self, options):
        if options in (None, False):
            options = {}
        if not isinstance(options, dict):
            raise UserError(self.env._("Import options must be a dictionary."))
        unknown = set(options) - OPTION_KEYS
        if unknown:
            raise UserError(
                self.env._("Unknown import options: %(keys)s", keys=", ".join(sorted(unknown)))
            )
        opts = {
            "mode": options.get("mode") or "all",
            "duplicate_action": options.get("duplicate_action") or "skip",
            "encoding": options.get("encoding") or "auto",
            "mapping": options.get("mapping") or {},
        }
        if opts["mode"] not in MODES:
            raise UserError(self.env._("Import mode must be one of: %(v)s", v=", ".join(MODES)))
        if opts["duplicate_action"] not in DUPLICATE_ACTIONS:
            raise UserError(
                self.env._("Duplicate action must be one of: %(v)s", v=", ".join(DUPLICATE_ACTIONS))
            )
        if opts["encoding"] not in ENCODINGS:
            raise UserError(self.env._("Encoding must be one of: %(v)s", v=", ".join(ENCODINGS)))
        if not isinstance(opts["mapping"], dict):
            raise UserError(self.env._("The column mapping must be a dictionary."))
        for column, target in opts["mapping"].items():
            if not isinstance(column, str | int) or isinstance(column, bool):
                raise UserError(
                    self.env._("Map columns by header text or index, not %(col)r.", col=column)
                )
            if target and (not isinstance(target, str) or target not in IMPORT_FIELDS):
                raise UserError(self.env._("Unknown import field %(field)r.", field=target))
        return opts

    @api.model
    def _intake_decode(self, file_content_base64):
        if isinstance(file_content_base64, bytes):
            file_content_base64 = file_content_base64.decode("ascii", "replace")
        if not isinstance(file_content_base64, str):
            raise UserError(self.env._("The file content must be base64-encoded text."))
        try:
            return base64.b64decode(file_content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise UserError(self.env._("The file content is not valid base64.")) from exc

    @api.model
    def _intake_parse(self, content, file_name, encoding="auto"):
        """Header and data rows of a file, each data row as ``(number, cells)``
        (its number in the file, empty rows counted); every file-level problem
        raises."""
        if not isinstance(file_name, str) or not file_name:
            raise UserError(self.env._("Give the file name (ending .xls, .xlsx or .csv)."))
        # the header row and the limit of data rows
        max_rows = self._intake_max_rows()
        rows = intake_reader.read_numbered_rows(
            self.env, content, file_name, encoding, max_rows=max_rows + 1
        )
        header, data = rows[0][1], rows[1:]
        if not any(guess_field(cell) for cell in header) and any(
            "@" in cell or sum(ch.isdigit() for ch in cell) >= 5 for cell in header
        ):
            raise UserError(
                self.env._(
                    "The first row of the file is not a header row: give the column "
                    "names (Company, Contact, E-mail...) in the first row."
                )
            )
        if not data:
            raise UserError(self.env._("The file has a header row but no data rows."))
        if len(data) > max_rows:
            raise UserError(
                self.env._(
                    "The file has %(count)s rows, more than the limit of %(max)s rows "
                    "per import.",
                    count=len(data),
                    max=max_rows,
                )
            )
        return header, data

    @api.model
    def _intake_mapping(self, header, overrides=None):
        """Column index -> import field, from the aliases then the overrides (keyed
        by header text or column index)."""
        mapping = {i: guess_field(cell) for i, cell in enumerate(header)}
        for col, target in (overrides or {}).items():
            index = None
            if isinstance(col, int) or (
                # ASCII digits only: "²" or "٣" are digits to str.isdigit(), not to int()
                isinstance(col, str) and col.isascii() and col.isdigit() and len(col) <= 6
            ):
                index = int(col)
            else:
                for i, cell in enumerate(header):
                    if cell == col or header_key(cell) == header_key(col):
                        index = i
                        break
            if index is None or not 0 <= index < len(header):
                raise UserError(self.env._("The file has no column %(col)r.", col=col))
            mapping[index] = target or False
        targets = [t for t in mapping.values() if t]
        doubled = {t for t in targets if targets.count(t) > 1}
        if doubled:
            raise UserError(
                self.env._(
                    "Several columns are mapped to %(fields)s: map each field once.",
                    fields=", ".join(IMPORT_FIELDS[t][0] for t in sorted(doubled)),
                )
            )
        if not any(t in REQUIRED_ANY for t in targets):
            raise UserError(
                self.env._(
                    "The file has no company name or contact name column (for example "
                    "Company, Denumire, Компания, Компанія or Contact)."
                )
            )
        return mapping

    @api.model
    def _intake_lookups(self):
        """Caches for the many2one columns of one import (one query each)."""
        countries = {}
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for lang in {"en_US", *langs}:
            for country in self.env["res.country"].with_context(lang=lang).search([]):
                countries.setdefault(header_key(country.name), country.id)
        codes = {}
        for country in self.env["res.country"].search([]):
            countries[country.code.lower()] = country.id
            codes[country.id] = country.code
        states = {}
        for state in self.env["res.country.state"].search([]):
            for name in (state.name, state.code):
                states.setdefault((state.country_id.id, header_key(name)), state.id)
                states.setdefault((False, header_key(name)), state.id)
        users = {}
        for user in self.env["res.users"].search([("share", "=", False)]):
            users.setdefault(header_key(user.login), user.id)
            users.setdefault(header_key(user.name), user.id)
        return {"country": countries, "country_code": codes, "state": states, "user": users}

    @api.model
    def _intake_named(self, cache, model, name, company=None):
        """The id of the ``model`` record (campaign, source, tag) named exactly
        ``name`` in any case, created when there is none. ``%`` and ``_`` are
        characters of the name, not wildcards; an archived record is left out
        (a new one is created rather than linking the lead to it). A campaign
        is also found by its title: one created while another company has a
        campaign of that name is numbered ("Fair [2]", names are unique in the
        database) and keeps the name as its title. A campaign is one of
        ``company`` (the lead's) or a shared one, as Odoo's company check
        wants it, created in that company; for a lead without company, one of
        the current companies (the lead takes its company)."""
        name = name.strip()
        key = (model, name.lower(), company.id if company else False)
        if key not in cache:
            domain, vals = [], {"name": name}
            if model == "utm.campaign" and company:
                domain = [("company_id", "in", [False, company.id])]
                vals["company_id"] = company.id
            Model = self.env[model]
            records = Model.search([("name", "=ilike", escape_psql(name)), *domain], limit=1)
            if not records and model == "utm.campaign":
                records = Model.search([("title", "=ilike", escape_psql(name)), *domain], limit=1)
            if not records:
                records = Model.create(vals)
            cache[key] = records.id
        return cache[key]

    @api.model
    def default_get(self, fields_list):
        """During an import, the defaults of a new lead are the same for every row:
        computed once per set of missing fields instead of once per row (Odoo asks
        for them row by row). Only the import's own cache object is honoured: a
        caller cannot send one (it is not a plain dict)."""
        cache = self.env.context.get("crm_pipeline_intake_defaults")
        if not isinstance(cache, _DefaultsCache):
            return super().default_get(fields_list)
        key = frozenset(fields_list)
        if key not in cache:
            cache[key] = super().default_get(fields_list)
        return dict(cache[key])

    def _compute_stage_id(self):
        """crm's computation (the first unfolded stage of the lead's team, for
        leads without a stage), with one search per team instead of one per lead:
        imports of thousands of leads otherwise spend a tenth of their time here."""
        by_team = defaultdict(lambda: self.browse())
        for lead in self:
            if not lead.stage_id:
                by_team[lead.team_id] |= lead
        for leads in by_team.values():
            leads.stage_id = leads[:1]._stage_find(domain=[("fold", "=", False)]).id

    @api.model
    def _intake_fill_team(self, vals_list):
        """Sales team as crm computes it for each new lead, but once per
        salesperson instead of once per row (the same call, cached)."""
        defaults = self.default_get(["type", "user_id"])
        teams = {}
        for vals in vals_list:
            user_id = vals.get("user_id", defaults.get("user_id"))
            if not user_id or "team_id" in vals:
                continue
            lead_type = vals.get("type", defaults.get("type"))
            if (user_id, lead_type) not in teams:
                domain = (
                    [("use_leads", "=", True)]
                    if lead_type == "lead"
                    else [("use_opportunities", "=", True)]
                )
                teams[user_id, lead_type] = (
                    self.env["crm.team"]._get_default_team_id(user_id=user_id, domain=domain).id
                )
            vals["team_id"] = teams[user_id, lead_type]

    def _intake_warm_currency(self, leads):
        """Company currency of new leads, computed once for the batch. Writing the
        leads' amounts (expected and prorated revenue...) reads each lead's currency
        lead by lead, and otherwise computes it lead by lead: about a twentieth of an
        import's time. The value is crm's own computation, only in one call."""
        leads.mapped("company_currency")

    @api.model
    def _intake_resolve_named(self, rows):
        cache, companies = {}, {}
        for row in rows:
            vals = row["vals"]
            source = vals.pop("_source", None)
            campaign = vals.pop("_campaign", None)
            tags = vals.pop("_tags", None)
            if source:
                vals["source_id"] = self._intake_named(cache, "utm.source", source)
            if campaign:
                # the campaign of the lead's company (the lead updated, or the
                # one the row creates)
                company = (
                    row["target"].company_id
                    if row.get("action") == "update"
                    else self._intake_target_company(row, companies)
                )
                vals["campaign_id"] = self._intake_named(cache, "utm.campaign", campaign, company)
            if tags:
                vals["tag_ids"] = [
                    fields.Command.set([self._intake_named(cache, "crm.tag", t) for t in tags])
                ]

    @api.model
    def _intake_row_values(self, cells, mapping, lookups):
        """(values for crm.lead, list of errors) of one row."""
        raw = {}
        for index, target in mapping.items():
            if target and index < len(cells) and cells[index]:
                raw[target] = cells[index].strip()
        errors = []
        vals = {}
        name = raw.get("company") or raw.get("contact")
        if not name:
            errors.append(self.env._("Company name or contact name is missing."))
        vals["name"] = name or ""
        for target, fname in (
            ("company", "partner_name"),
            ("contact", "contact_name"),
            ("vat", "vat"),
            ("phone", "phone"),
            ("mobile", "mobile"),
            ("street", "street"),
            ("city", "city"),
            ("notes", "description"),
        ):
            if raw.get(target):
                vals[fname] = raw[target]
        if raw.get("email"):
            if tools.email_normalize(raw["email"]):
                vals["email_from"] = raw["email"]
            else:
                errors.append(self.env._("%(value)r is not an e-mail address.", value=raw["email"]))
        country_id = False
        if raw.get("country"):
            country_id = lookups["country"].get(header_key(raw["country"]))
            if country_id:
                vals["country_id"] = country_id
            else:
                errors.append(self.env._("Unknown country %(value)r.", value=raw["country"]))
        if raw.get("vat"):
            # checked as the lookup by tax ID checks it (its check digits)
            try:
                self.env["crm.company.lookup"]._check_tax_id(
                    raw["vat"], lookups["country_code"].get(country_id)
                )
            except UserError as exc:
                errors.append(exc.args[0])
        if raw.get("state"):
            state_id = lookups["state"].get((country_id, header_key(raw["state"])))
            if state_id:
                vals["state_id"] = state_id
            else:
                errors.append(self.env._("Unknown county/state %(value)r.", value=raw["state"]))
        if raw.get("salesperson"):
            user_id = lookups["user"].get(header_key(raw["salesperson"]))
            if (
                user_id
                and user_id != self.env.uid
                and not self.env.user.has_group("sales_team.group_sale_salesman_all_leads")
            ):
                errors.append(
                    self.env._(
                        "You may not give leads to another salesperson (%(value)s).",
                        value=raw["salesperson"],
                    )
                )
            elif user_id:
                vals["user_id"] = user_id
            else:
                errors.append(
                    self.env._("Unknown salesperson %(value)r.", value=raw["salesperson"])
                )
        if not errors:
            # Names of sources, campaigns and tags: resolved (found or created)
            # only when the import writes, so that a refused import creates nothing.
            for target in ("source", "campaign"):
                if raw.get(target):
                    vals[f"_{target}"] = raw[target]
            tags = [tag.strip() for tag in re.split(r"[,;|]", raw.get("tags") or "") if tag.strip()]
            if tags:
                vals["_tags"] = tags
        return vals, errors

    @api.model
    def _intake_find_matches(self, rows):
        """Existing leads and partners matching the rows' tax ID, e-mail or phone.

        One query for leads and one for partners per batch. Reads as superuser so
        that a lead hidden by the user's record rules is still found: the caller
        shows only the match's name and owner.
        """
        vats, emails, phones = set(), set(), set()
        for row in rows:
            row["keys"] = keys = {
                "vat": intake_keys.vat_key(row["vals"].get("vat")),
                "email": tools.email_normalize(row["vals"].get("email_from") or "") or False,
                "phones": {
                    k
                    for k in (
                        intake_keys.phone_key(row["vals"].get("phone")),
                        intake_keys.phone_key(row["vals"].get("mobile")),
                    )
                    if k
                },
            }
            vats.add(keys["vat"])
            emails.add(keys["email"])
            phones |= keys["phones"]
        vats.discard(False)
        emails.discard(False)
        if not (vats or emails or phones):
            return
        # the same keys on leads and on contacts (both carry them)
        domain = [
            "|", "|", "|",
            ("intake_vat_key", "in", list(vats)),
            ("email_normalized", "in", list(emails)),
            ("intake_phone_key", "in", list(phones)),
            ("intake_mobile_key", "in", list(phones)),
            ("company_id", "in", [False, *self.env.companies.ids]),
        ]  # fmt: skip
        fnames = ["name", "user_id", "intake_vat_key", "email_normalized", "intake_phone_key",
                  "intake_mobile_key"]  # fmt: skip
        # sudo: only ids, names, owners and keys of the matches are read; the
        # names and owners are what the duplicate warning may show.
        leads = self.sudo().search_fetch(domain, fnames)
        partners = self.env["res.partner"].sudo().search_fetch(domain, fnames)
        index = {}
        for record in list(leads) + list(partners):
            for key in (
                ("vat", record.intake_vat_key),
                ("email", record.email_normalized),
                ("phone", record.intake_phone_key),
                ("phone", record.intake_mobile_key),
            ):
                if key[1]:
                    index.setdefault(key, []).append(record)
        for row in rows:
            keys = row["keys"]
            found = []
            for key in (
                ("vat", keys["vat"]),
                ("email", keys["email"]),
                *(("phone", p) for p in keys["phones"]),
            ):
                for record in index.get(key, []):
                    if record not in found:
                        found.append(record)
            row["matches"] = found

    @api.model
    def _intake_match_label(self, record):
        kind = self.env._("lead") if record._name == "crm.lead" else self.env._("contact")
        owner = record.user_id.name or self.env._("no salesperson")
        return f"{kind} {record.name} ({owner})"

    @api.model
    def _intake_target_company(self, row, cache):
        """The company of the lead a row creates: crm's own computation (from the
        salesperson and their team) on a new record, once per salesperson."""
        if "defaults" not in cache:
            cache["defaults"] = self.default_get(["type", "user_id"])
        defaults = cache["defaults"]
        user_id = row["vals"].get("user_id") or defaults.get("user_id") or False
        if user_id not in cache:
            new_lead = self.new({"type": defaults.get("type"), "user_id": user_id})
            cache[user_id] = new_lead.company_id
        return cache[user_id]

    @api.model
    def _intake_vat_scope(self, company, blocking):
        """Whether a lead of ``company`` (a company or none) may have no other
        lead with its tax ID, and the test of the leads it may not share it with,
        as ``_check_duplicate_vat`` decides after the write."""
        if company:
            if company not in blocking:
                return False, None
            return True, lambda lead: not lead.company_id or lead.company_id == company
        no_company = self.env.user.company_id in blocking
        if not blocking:
            return False, None
        return True, lambda lead: (lead.company_id in blocking if lead.company_id else no_company)

    @api.model
    def _intake_decide(self, rows, duplicate_action):
        """Each valid row's action (create, update, skip) or its errors: the
        matches of existing records, the rows of the same file that come before
        it (the same tax ID, e-mail or phone) and the setting "One Lead per Tax
        ID" of the company the lead would belong to."""
        blocking = self._duplicate_vat_blocking_companies()
        companies = {}
        created_vats = defaultdict(list)  # tax ID key -> [(company, row number)]
        in_file = {}  # match key -> number of the first accepted row with it
        for row in rows:
            if row["errors"]:
                continue
            lead_matches = [m for m in row["matches"] if m._name == "crm.lead"]
            updates = duplicate_action == "update" and bool(lead_matches)
            vat = row["keys"]["vat"]
            company = False
            if vat and blocking:
                company = (
                    lead_matches[0].company_id
                    if updates
                    else self._intake_target_company(row, companies)
                )
                blocked, clashes = self._intake_vat_scope(company, blocking)
                if blocked and not updates:
                    if any(m.intake_vat_key == vat and clashes(m) for m in lead_matches):
                        row["errors"].append(
                            self.env._(
                                "A lead with tax ID %(vat)s already exists and the company "
                                "allows one lead per tax ID.",
                                vat=row["vals"].get("vat"),
                            )
                        )
                        continue
                    twin = next(
                        (
                            number
                            for other, number in created_vats[vat]
                            if not other or not company or other == company
                        ),
                        None,
                    )
                    if twin:
                        row["errors"].append(
                            self.env._(
                                "Tax ID %(vat)s is also on row %(row)s of the file and the "
                                "company allows one lead per tax ID.",
                                vat=row["vals"].get("vat"),
                                row=twin,
                            )
                        )
                        continue
            keys = [
                ("vat", vat),
                ("email", row["keys"]["email"]),
                *(("phone", p) for p in sorted(row["keys"]["phones"])),
            ]
            earlier = min((in_file[k] for k in keys if k[1] and k in in_file), default=None)
            labels = [self._intake_match_label(m) for m in row["matches"]]
            if earlier:
                row["in_file"] = earlier
                labels.append(self.env._("row %(row)s of the file", row=earlier))
            if labels:
                row["duplicate"] = ", ".join(labels)
            if not labels:
                row["action"] = "create"
            elif duplicate_action == "skip":
                row["action"] = "skip"
            elif duplicate_action == "update" and earlier:
                # a duplicate of an earlier row of the file, skipped: that row
                # creates its lead (nothing is merged into it) or updates the
                # lead this row matches (this row would overwrite that update)
                row["action"] = "skip"
            elif updates:
                target = self.browse(lead_matches[0].id)
                if not target.has_access("write"):
                    row["errors"].append(
                        self.env._(
                            "It matches %(match)s, which you may not update.",
                            match=self._intake_match_label(lead_matches[0]),
                        )
                    )
                    continue
                try:
                    # the salesperson of the file works in the lead's company:
                    # a row error here, not the whole import refused on write
                    target._check_salesperson_company(row["vals"])
                except UserError as exc:
                    row["errors"].append(exc.args[0])
                    continue
                row["action"] = "update"
                row["target"] = target
            else:
                row["action"] = "create"
            if row["action"] == "skip":
                continue
            for key in keys:
                if key[1]:
                    in_file.setdefault(key, row["number"])
            if vat and row["action"] == "create":
                if blocking and not company:
                    company = self._intake_target_company(row, companies)
                created_vats[vat].append((company, row["number"]))

    @api.model
    def _intake_run(self, content, file_name, options, mapping_overrides=None, dry_run=False):
        """Parse, validate, dedupe and (unless ``dry_run``) write; the summary."""
        opts = self._intake_check_options(options)
        header, data = self._intake_parse(content, file_name, opts["encoding"])
        mapping = self._intake_mapping(
            header, mapping_overrides if mapping_overrides is not None else opts["mapping"]
        )
        lookups = self._intake_lookups()
        rows = []
        for number, cells in data:
            vals, errors = self._intake_row_values(cells, mapping, lookups)
            rows.append(
                {"number": number, "cells": cells, "vals": vals, "errors": errors, "matches": []}
            )
        for start in range(0, len(rows), BATCH_SIZE):
            self._intake_find_matches(rows[start : start + BATCH_SIZE])
        self._intake_decide(rows, opts["duplicate_action"])
        invalid = [row for row in rows if row["errors"]]
        summary = {
            "total": len(rows),
            "created": 0,
            "updated": 0,
            "skipped": 0,
            "rejected": len(invalid),
            "duplicates": sum(1 for row in rows if row["matches"] or row.get("in_file")),
            "lead_ids": [],
            "aborted": bool(invalid and opts["mode"] == "all"),
            # every rejected row (as the rejected rows' file lists them)
            "errors": [
                {"row": row["number"], "reason": " ".join(row["errors"])} for row in invalid
            ],
            "rejected_file": False,
            "rejected_file_name": False,
        }
        if not dry_run and not summary["aborted"]:
            self._intake_resolve_named([row for row in rows if not row["errors"]])
            to_create = [row for row in rows if not row["errors"] and row["action"] == "create"]
            Lead = self.with_context(
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                tracking_disable=True,
                crm_pipeline_intake_defaults=_DefaultsCache(),
            )
            self._intake_fill_team([row["vals"] for row in to_create])
            for start in range(0, len(to_create), BATCH_SIZE):
                batch = to_create[start : start + BATCH_SIZE]
                created = Lead.create([row["vals"] for row in batch])
                summary["lead_ids"] += created.ids
                self._intake_warm_currency(created)
                # write the batch and drop it from the cache: a cache holding every
                # lead created so far makes each following batch slower
                self.env.flush_all()
                self.env.invalidate_all()
            for row in rows:
                if not row["errors"] and row["action"] == "update":
                    vals = {k: v for k, v in row["vals"].items() if k != "name"}
                    row["target"].write(vals)
                    summary["updated"] += 1
            summary["created"] = len(summary["lead_ids"])
        skipped_dups = [row for row in rows if not row["errors"] and row.get("action") == "skip"]
        summary["skipped"] = len(skipped_dups)
        report_rows = invalid + skipped_dups
        if report_rows:
            summary["rejected_file"] = self._intake_report(header, report_rows, summary["aborted"])
            summary["rejected_file_name"] = "rejected_rows.xlsx"
        summary["_rows"] = rows
        summary["_header"] = header
        summary["_mapping"] = mapping
        return summary

    @api.model
    def _intake_report(self, header, rows, aborted):
        """XLSX (base64) of the rows not imported, with the reason for each."""
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = self.env._("Rejected rows")
        titles = [self.env._("Row"), self.env._("Reason"), *header]
        sheet.append([safe_cell(title) for title in titles])
        for row in rows:
            if row["errors"]:
                reason = " ".join(row["errors"])
            else:
                reason = self.env._("Skipped: duplicate of %(match)s", match=row.get("duplicate"))
            if aborted and not row["errors"]:
                continue
            sheet.append([row["number"], safe_cell(reason)] + [safe_cell(c) for c in row["cells"]])
        stream = io.BytesIO()
        book.save(stream)
        return base64.b64encode(stream.getvalue()).decode()

    @api.model
    def import_leads(self, file_content_base64, file_name, options=None):
        """Import leads from a spreadsheet (.xls, .xlsx, .csv), for XML-RPC.

        ``options``: ``mode`` ("all": nothing is written if a row is invalid;
        "skip_invalid"), ``duplicate_action`` ("skip", "update", "create"),
        ``encoding`` ("auto", "utf-8", "cp1250", "cp1251") and ``mapping``
        ({column header or index: import field or False}). Returns the summary:
        total, created, updated, skipped, rejected, duplicates, lead_ids, aborted,
        errors ([{row, reason}]), rejected_file (base64 XLSX or False) and
        rejected_file_name. Imported leads are Inactive.
        """
        self.check_access("create")
        content = self._intake_decode(file_content_base64)
        summary = self._intake_run(content, file_name, options)
        return {k: v for k, v in summary.items() if not k.startswith("_")}
