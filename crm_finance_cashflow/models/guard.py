"""Guarded fields: states, gates and numbering move only through their methods.

The methods that own a guarded field write it through ``privileged(records)``.
XML-RPC cannot forge that: the context value is a Python object compared by
identity, and no XML-RPC or JSON-RPC payload can carry it. The superuser (data
files, server code that deliberately uses ``sudo()``) may write them too; no RPC
call ever runs as superuser. See the README's "Security model".
"""

from odoo.exceptions import UserError

_KEY = "crm_finance_cashflow_guard"
_TOKEN = object()


def privileged(records):
    """``records`` in a context that may write guarded fields."""
    return records.with_context(**{_KEY: _TOKEN})


def is_privileged(records):
    return records.env.su or records.env.context.get(_KEY) is _TOKEN


def check_guarded(records, vals, guarded, hint):
    """Refuse ``vals`` touching ``guarded`` field names outside a privileged path."""
    touched = sorted(set(vals) & set(guarded))
    if touched and not is_privileged(records):
        raise UserError(
            records.env._(
                "%(fields)s of %(model)s cannot be written directly: %(hint)s",
                fields=", ".join(records._fields[f].string for f in touched),
                model=records._description,
                hint=hint,
            )
        )
