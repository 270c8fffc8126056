"""18.0.1.8.3: a renewal term given by hand no longer follows the dates
(``renewal_term_given``). The contracts never renewed whose term is not their
first term (start to end), or that have a term and no end, had it given: they
are marked, so that amending their dates keeps it."""

import logging

from odoo import SUPERUSER_ID, api

from odoo.addons.crm_suite_base.models.policy import privileged

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    contracts = env["crm.contract"].search([("renewed", "=", False), ("renewal_term", "!=", 0)])
    given = contracts.filtered(lambda c: c._is_renewal_term_given())
    privileged(given).with_context(tracking_disable=True).write({"renewal_term_given": True})
    _logger.info("Renewal terms given by hand kept on %d contracts", len(given))
