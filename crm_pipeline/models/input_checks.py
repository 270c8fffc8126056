"""Arguments of public methods, checked before anything is written: XML-RPC
callers get a ``UserError`` (fault code 2) naming the bad value, never a
traceback."""

import datetime
import math

from odoo import fields
from odoo.exceptions import UserError


def to_datetime(env, value, label):
    """``value`` (a datetime or an ISO string) as a datetime."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time.min)
    parsed = None
    if isinstance(value, str) and value.strip():
        try:
            parsed = fields.Datetime.to_datetime(value.strip())
        except ValueError:
            parsed = None
    if parsed:
        return parsed
    raise UserError(
        env._(
            "%(label)s must be a date and time (YYYY-MM-DD HH:MM:SS), not %(value)s.",
            label=label,
            value=repr(value),
        )
    )


def to_id(env, value, label, required=False):
    """``value`` as one record id (an int), or None when empty and not required."""
    if value in (None, False) and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise UserError(
            env._("%(label)s must be one record id, not %(value)s.", label=label, value=repr(value))
        )
    return value


def to_number(env, value, label, minimum=0.0, maximum=1e9):
    """``value`` as a finite float in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(
            env._("%(label)s must be a number, not %(value)s.", label=label, value=repr(value))
        )
    if not math.isfinite(value) or not minimum <= value <= maximum:
        raise UserError(
            env._(
                "%(label)s must be between %(min)s and %(max)s, not %(value)s.",
                label=label,
                min=minimum,
                max=maximum,
                value=repr(value),
            )
        )
    return float(value)
