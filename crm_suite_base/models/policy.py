"""The suite's write policy: who may write which field, in which state, with
which values.

Each model of the suite declares, on the class that defines its fields, a
``_crm_write_policy`` dict of field name -> rule (``writable(...)`` or
``owned(...)``); ``crm.write.policy.mixin`` merges the dicts of every class of
the model and applies them to every ``create`` and ``write``, whoever calls
them and however (web client, XML-RPC, server code running as a user).

- ``writable(groups=..., states=..., bounds=...)``: a user with access to the
  record writes it, if they are in one of ``groups`` (when given) and every
  record is in one of ``states`` (when given); numbers stay within ``bounds``.
- ``owned(hint)``: states, statuses, numbering, links that gates read, amounts
  derived from lines, flags kept by crons, keys kept by the code: written only
  by the methods that own them, through ``privileged(records)``. ``create=``
  names the values a caller may still give at creation (the initial state).

A stored field that a suite module defines and its policy does not name is
owned (refused). The superuser (data files, server code that deliberately uses
``sudo()``) passes the group, state and ownership checks; no RPC call runs as
superuser. The value checks (types, dates between 1900 and 2200, finite
amounts, bounds) hold for everyone: nothing deeper meets a value it cannot
hold.

``privileged(records)`` marks a context with a Python object compared by
identity: no XML-RPC or JSON-RPC payload can carry it.
"""

import base64
import datetime
import math
from dataclasses import dataclass

import pytz

from odoo import fields
from odoo.exceptions import UserError, ValidationError

_KEY = "crm_suite_write_policy"
_TOKEN = object()

#: Dates a business uses: anything outside is a typing error or an attack.
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2200, 12, 31)
#: Amounts, prices and quantities: finite and below a trillion.
NUMBER_MAX = 1e12
#: PostgreSQL's integer column.
INTEGER_MAX = 2**31 - 1


@dataclass(frozen=True, eq=False)
class Rule:
    owner: str  # "user" | "method"
    hint: str = ""
    groups: tuple = ()
    states: tuple = ()
    create: object = True  # True, False or a tuple of accepted values
    bounds: tuple = ()

    def hint_text(self, env):
        """The hint in the language of ``env`` (hints are lazy translations)."""
        if hasattr(self.hint, "_translate"):
            return self.hint._translate(env.lang or "en_US")
        return str(self.hint or "")

    def as_dict(self, env):
        return {
            "owner": self.owner,
            "hint": self.hint_text(env),
            "groups": list(self.groups),
            "states": list(self.states),
            "create": list(self.create) if isinstance(self.create, tuple) else self.create,
            "bounds": list(self.bounds),
        }


def writable(groups=(), states=(), bounds=(), create=True):
    """A field users write (within their access rights), optionally only in
    ``groups`` and while every record's state is in ``states``."""
    return Rule(
        "user", groups=tuple(groups), states=tuple(states), bounds=tuple(bounds), create=create
    )


def owned(hint, create=False, bounds=()):
    """A field written only by the methods that own it; ``hint`` names them.
    ``create``: False (never given by a caller), True (given at creation only)
    or a tuple of values a caller may give at creation."""
    return Rule("method", hint=hint, create=create, bounds=tuple(bounds))


FREE = writable()


def privileged(records):
    """``records`` in a context that may write owned fields."""
    return records.with_context(**{_KEY: _TOKEN})


def is_privileged(records):
    return records.env.su or records.env.context.get(_KEY) is _TOKEN


def check_guarded(records, vals, guarded, hint):
    """Refuse ``vals`` touching ``guarded`` field names outside a privileged
    path (for fields of Odoo's own models that the suite guards in a state)."""
    touched = sorted(set(vals) & set(guarded))
    if touched and not is_privileged(records):
        raise UserError(
            records.env._(
                "%(fields)s of %(model)s cannot be written directly: %(hint)s",
                fields=", ".join(field_label(records.env, records._fields[f]) for f in touched),
                model=model_label(records.env, records._name),
                hint=hint,
            )
        )


# ----------------------------------------------------------------------
# Values
# ----------------------------------------------------------------------


def field_label(env, field):
    """The field's label in the user's language."""
    return field._description_string(env)


def model_label(env, model_name):
    """The model's name in the user's language."""
    # sudo: a model's name is not confidential; portal users cannot read ir.model
    return env["ir.model"].sudo()._get(model_name).name or model_name


def _refuse(env, field, value, what):
    raise ValidationError(
        env._(
            "%(field)s (%(model)s) must be %(what)s, not %(value)s.",
            field=field_label(env, field),
            model=model_label(env, field.model_name),
            what=what,
            value=_short(value),
        )
    )


def _short(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_date(env, value, label):
    """``value`` (a date or an ISO string) as a date between 1900 and 2200."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        parsed = None
        if isinstance(value, str) and value.strip():
            try:
                parsed = fields.Date.to_date(value.strip()[:10])
            except (ValueError, TypeError, OverflowError):
                parsed = None
        if parsed is None:
            raise UserError(
                env._(
                    "%(label)s must be a date (YYYY-MM-DD), not %(value)s.",
                    label=label,
                    value=_short(value),
                )
            )
        value = parsed
    if not DATE_MIN <= value <= DATE_MAX:
        raise UserError(
            env._(
                "%(label)s must be between %(min)s and %(max)s, not %(value)s.",
                label=label,
                min=DATE_MIN.isoformat(),
                max=DATE_MAX.isoformat(),
                value=value.isoformat(),
            )
        )
    return value


def check_number(env, value, label, minimum=-NUMBER_MAX, maximum=NUMBER_MAX):
    """``value`` as a finite float in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(
            env._("%(label)s must be a number, not %(value)s.", label=label, value=_short(value))
        )
    if not math.isfinite(value) or not minimum <= value <= maximum:
        raise UserError(
            env._(
                "%(label)s must be between %(min)s and %(max)s, not %(value)s.",
                label=label,
                min=minimum,
                max=maximum,
                value=_short(value),
            )
        )
    return value


def check_value(env, field, value, rule=None):
    """Refuse a value ``field`` cannot hold, with a ``ValidationError``."""
    ftype = field.type
    if value is None or value is False:
        if ftype in ("integer", "float", "monetary") and rule and rule.bounds:
            value = 0
        else:
            return
    if ftype in ("date", "datetime"):
        if isinstance(value, datetime.date):
            day = value.date() if isinstance(value, datetime.datetime) else value
        elif isinstance(value, str):
            try:
                if not value:
                    parsed = None
                elif ftype == "date":
                    parsed = fields.Date.to_date(value[:10])
                else:
                    # fields.Datetime has no to_date(): parse the whole value
                    # as the ORM will, then keep its day for the bounds
                    parsed = fields.Datetime.to_datetime(value).date()
            except (ValueError, TypeError, OverflowError):
                parsed = None
            if parsed is None:
                # an empty text is no date: Odoo would send it to PostgreSQL
                _refuse(env, field, value, env._("a date"))
            day = parsed
        else:
            _refuse(env, field, value, env._("a date"))
        if not DATE_MIN <= day <= DATE_MAX:
            _refuse(
                env,
                field,
                value,
                env._(
                    "between %(min)s and %(max)s",
                    min=DATE_MIN.isoformat(),
                    max=DATE_MAX.isoformat(),
                ),
            )
    elif ftype in ("float", "monetary", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            _refuse(env, field, value, env._("a number"))
        low, high = rule.bounds if rule and rule.bounds else (-NUMBER_MAX, NUMBER_MAX)
        if ftype == "integer":
            low, high = max(low, -INTEGER_MAX), min(high, INTEGER_MAX)
            if isinstance(value, float) and not value.is_integer():
                _refuse(env, field, value, env._("a whole number"))
        if not math.isfinite(value) or not low <= value <= high:
            _refuse(env, field, value, env._("between %(min)s and %(max)s", min=low, max=high))
    elif ftype in ("char", "text", "html"):
        if not isinstance(value, str):
            _refuse(env, field, value, env._("a text"))
        if "\x00" in value:
            _refuse(env, field, value, env._("a text without NUL characters"))
    elif ftype == "binary":
        # a file is base64 (a column also keeps bytes): Odoo decodes it to keep
        # it as an attachment (or in its inverse), where what is not base64 failed
        try:
            if isinstance(value, bool) or not isinstance(value, str | bytes):
                raise TypeError(value)
            if field.attachment or not field.store:
                base64.b64decode(value)
        except (TypeError, ValueError):  # binascii.Error is a ValueError
            _refuse(env, field, value, env._("a file encoded in base64"))
    elif ftype == "boolean":
        if not isinstance(value, bool | int):
            _refuse(env, field, value, env._("true or false"))
    elif ftype == "selection":
        if not isinstance(value, str) or value not in field.get_values(env):
            _refuse(
                env,
                field,
                value,
                env._("one of %(values)s", values=", ".join(field.get_values(env))),
            )
    elif ftype in ("many2one", "many2one_reference"):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= INTEGER_MAX:
            if not (ftype == "many2one" and hasattr(value, "_name")):
                _refuse(env, field, value, env._("one record id"))
    elif ftype in ("one2many", "many2many"):
        if not isinstance(value, list | tuple) or not all(_is_command(item) for item in value):
            _refuse(env, field, value, env._("a list of record ids or commands"))


def _is_command(item):
    if isinstance(item, int) and not isinstance(item, bool):
        return 0 < item <= INTEGER_MAX
    if hasattr(item, "_name"):  # records passed by server code
        return True
    if not isinstance(item, list | tuple) or not item:
        return False
    code = item[0]
    if isinstance(code, bool) or not isinstance(code, int) or not 0 <= code <= 6:
        return False
    if code in (0,):
        # (0, ref, values): the web client's ref is a virtual id ("virtual_12"),
        # which Odoo does not read
        return len(item) == 3 and isinstance(item[2], dict)
    # the other commands name existing records: a virtual id names none (Odoo
    # would send it to PostgreSQL: a traceback)
    if code == 1:
        return len(item) == 3 and _is_id(item[1]) and isinstance(item[2], dict)
    if code in (2, 3, 4):
        return len(item) >= 2 and _is_id(item[1])
    if code == 5:
        return True
    # 6: (6, 0, ids)
    return len(item) == 3 and isinstance(item[2], list | tuple) and all(map(_is_id, item[2]))


def _is_id(value):
    if hasattr(value, "_name"):
        return True
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= INTEGER_MAX


# ----------------------------------------------------------------------
# Arguments of public methods
# ----------------------------------------------------------------------


def check_records(records):
    """Refuse ids that do not exist (a public method called with unknown ids)."""
    missing = records - records.exists()
    if missing:
        raise UserError(
            records.env._(
                "%(model)s %(ids)s do not exist (deleted, or never created).",
                model=model_label(records.env, records._name),
                ids=", ".join(str(i) for i in missing.ids),
            )
        )
    return records


def check_one(records):
    """``records`` as one existing record, or a ``UserError``: a button called
    over XML-RPC with several ids, none, or an unknown one."""
    if len(records) != 1:
        raise UserError(
            records.env._(
                "This action works on one %(model)s at a time, not %(count)s.",
                model=model_label(records.env, records._name),
                count=len(records),
            )
        )
    return check_records(records)


def safe_tz(records):
    """``records`` in a context whose time zone exists: Odoo's sequences and
    dates fail with a traceback on a time zone an XML-RPC caller made up; an
    unknown one falls back to the user's, then UTC."""
    tz = records.env.context.get("tz")
    if not tz or (isinstance(tz, str) and tz in pytz.all_timezones_set):
        return records
    user_tz = records.env.user.tz
    return records.with_context(tz=user_tz if user_tz in pytz.all_timezones_set else "UTC")
