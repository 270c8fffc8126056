"""18.0.1.5.17: the key of a foreign tax ID keeps its country.

``intake_vat_key`` of leads and contacts dropped every two-letter country
prefix: "DE136695976" and the Romanian CUI "136695976" had the same key, so
they were duplicates of each other (warnings, imports, "One Lead per Tax ID").
The key now keeps the prefix of a tax ID that is not Romanian. Keys of
Romanian and unprefixed tax IDs are unchanged: only the records whose tax ID
starts with another country's prefix are computed again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    for model in ("crm.lead", "res.partner"):
        Model = env[model]
        cr.execute(
            SQL(
                "SELECT id FROM %s WHERE upper(regexp_replace(vat, '[^0-9A-Za-z]', '', 'g')) "
                "~ '^[A-Z]{2}.' AND upper(regexp_replace(vat, '[^0-9A-Za-z]', '', 'g')) "
                "!~ '^RO'",
                SQL.identifier(Model._table),
            )
        )
        records = Model.browse(row[0] for row in cr.fetchall())
        if records:
            env.add_to_compute(Model._fields["intake_vat_key"], records)
            records.flush_recordset(["intake_vat_key"])
        _logger.info("%s: tax ID keys of %s foreign tax IDs computed again", model, len(records))
