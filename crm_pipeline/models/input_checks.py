"""Arguments of public methods, checked before anything is written: XML-RPC
callers get a ``UserError`` (fault code 2) naming the bad value, never a
traceback. Dates and numbers hold the suite's bounds (``crm_suite_base``'s
``check_date`` and ``check_number``: dates between 1900 and 2200, finite
numbers)."""

import datetime

from odoo import fields
from odoo.exceptions import UserError

from odoo.addons.crm_suite_base.models.policy import check_date, check_number


def to_datetime(env, value, label):
    """``value`` (a datetime or an ISO string) as a datetime."""
    parsed = None
    if isinstance(value, datetime.datetime):
        parsed = value
    elif isinstance(value, datetime.date):
        parsed = datetime.datetime.combine(value, datetime.time.min)
    elif isinstance(value, str) and value.strip():
        try:
            parsed = fields.Datetime.to_datetime(value.strip())
        except (ValueError, TypeError, OverflowError):
            parsed = None
    if parsed:
        check_date(env, parsed, label)
        return parsed
    raise UserError(
        env._(
            "%(label)s must be a date and time (YYYY-MM-DD HH:MM:SS), not %(value)s.",
            label=label,
            value=repr(value)[:80],
        )
    )


def has_time_of_day(value):
    """Whether the caller gave ``value`` (a deadline) with a time of day: a
    datetime, or a string longer than a date (the web client always sends
    ``YYYY-MM-DD HH:MM:SS``). Midnight UTC may be such a time (19:00 in New
    York); a date alone (``YYYY-MM-DD``, a ``date``) is none."""
    return isinstance(value, datetime.datetime) or (
        isinstance(value, str) and len(value.strip()) > 10
    )


def to_id(env, value, label, required=False):
    """``value`` as one record id (an int), or None when empty and not required."""
    if value in (None, False) and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise UserError(
            env._(
                "%(label)s must be one record id, not %(value)s.",
                label=label,
                value=repr(value)[:80],
            )
        )
    return value


def to_number(env, value, label, minimum=0.0, maximum=1e9):
    """``value`` as a finite float in [minimum, maximum]."""
    return float(check_number(env, value, label, minimum=minimum, maximum=maximum))
