"""18.0.1.5.33: a lead won without having been activated is Active.

Odoo's *Won* button (or a drag to a won stage) on a lead never activated left
it *Inactive*: it still offered *Activate*, which refuses a won lead, and
counted among the leads waiting for a responsible. Winning such a lead now
makes it Active without a chain, as installing the module does for the won
leads it finds (``hooks.py``); the won leads left Inactive before become Active
the same way, in SQL, without a message in their chatter. Their history is
untouched and no responsibility is opened.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """
            UPDATE crm_lead lead
               SET activation_state = 'active'
              FROM crm_stage stage
             WHERE stage.id = lead.stage_id
               AND stage.is_won
               AND lead.active
               AND lead.activation_state = 'inactive'
            """
        )
    )
    _logger.info("%s won leads never activated made Active.", cr.rowcount)
