"""18.0.1.8.18: a draft contract's value is provisional, what its lines will be
scheduled for (it was 0 until Activate built the schedule): the drafts' stored
value is computed again."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    drafts = env["crm.contract"].search([("state", "=", "draft")])
    env.add_to_compute(drafts._fields["amount"], drafts)
    drafts.flush_recordset(["amount"])
    _logger.info("Provisional value of %d draft contracts computed", len(drafts))
