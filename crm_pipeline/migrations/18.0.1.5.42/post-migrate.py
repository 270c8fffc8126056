"""18.0.1.5.42: the steps of the chain are active again.

A sales manager could archive a responsibility type that is a step of the chain
(one with a ``kind``), which its deletion refused: archiving Contact prospect
left no lead to activate, archiving a later step left its gates unbound. Such a
type is no longer archived (``write`` refuses it); the ones archived before are
restored, in SQL, as they were before.
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
            UPDATE crm_responsibility_type
               SET active = TRUE
             WHERE kind IS NOT NULL
               AND active IS NOT TRUE
            """
        )
    )
    _logger.info("%s archived steps of the chain restored.", cr.rowcount)
