"""18.0.1.8.0: contracts keep their renewal term (``renewal_term`` months or
days). A renewal measured the term from the start, which never moves, to the
current end: each renewal doubled it (a 1-year contract renewed by one year,
then two, then four). Each contract gets the term of its first period:

- a contract (not a draft: a draft was never renewed) whose end was moved
  later, by a renewal or an amendment (``date_end`` is tracked), gets the
  period as it stood before its end first moved later: the old value of the
  earliest tracked change of ``date_end`` from a date to a later one (an end
  first set on a contract without one, cleared or brought earlier is no
  renewal), with the start as it stood then (the old value of the first
  tracked change of ``date_start`` made since, else the current start). Its
  term no longer follows its dates (``renewed``), as after a renewal: finance
  changes the term where a business agreed another one;
- any other contract gets its current start to end, and its term follows its
  dates until it is renewed.

The computed column was filled from the current dates when the module was
updated: this corrects it, without tracking messages.
"""

import logging
from collections import defaultdict

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_finance_cashflow.models.crm_contract import term_between
from odoo.addons.crm_suite_base.models.policy import privileged

_logger = logging.getLogger(__name__)


def _first_periods(env):
    """{contract id: (start, end)} of the contracts whose end was moved from a
    date to a later one: the period before the earliest such move."""
    fields_model = env["ir.model.fields"]
    end_field = fields_model._get("crm.contract", "date_end")
    start_field = fields_model._get("crm.contract", "date_start")
    env.cr.execute(
        SQL(
            """
            WITH end_moves AS (
                SELECT DISTINCT ON (message.res_id)
                       message.res_id AS contract_id,
                       message.id AS message_id,
                       value.old_value_datetime::date AS old_end
                  FROM mail_tracking_value value
                  JOIN mail_message message ON message.id = value.mail_message_id
                 WHERE message.model = 'crm.contract'
                   AND value.field_id = %(end_field)s
                   AND value.new_value_datetime > value.old_value_datetime
                 ORDER BY message.res_id, message.id, value.id
            )
            SELECT moves.contract_id,
                   (SELECT value.old_value_datetime::date
                      FROM mail_tracking_value value
                      JOIN mail_message message ON message.id = value.mail_message_id
                     WHERE message.model = 'crm.contract'
                       AND message.res_id = moves.contract_id
                       AND message.id >= moves.message_id
                       AND value.field_id = %(start_field)s
                       AND value.old_value_datetime IS NOT NULL
                     ORDER BY message.id, value.id
                     LIMIT 1) AS old_start,
                   moves.old_end
              FROM end_moves moves
            """,
            end_field=end_field.id,
            start_field=start_field.id,
        )
    )
    return {contract_id: (start, end) for contract_id, start, end in env.cr.fetchall()}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    first_periods = _first_periods(env)
    groups = defaultdict(list)
    for contract in env["crm.contract"].search([]):
        start, end = contract.date_start, contract.date_end
        renewed = False
        if contract.state != "draft" and contract.id in first_periods:
            old_start, old_end = first_periods[contract.id]
            old_start = old_start or start
            if old_start and old_end >= old_start:
                start, end, renewed = old_start, old_end, True
        if not (start and end) or end < start:
            continue
        groups[(*term_between(start, end), renewed)].append(contract.id)
    contracts = privileged(env["crm.contract"]).with_context(tracking_disable=True)
    for (term, unit, renewed), ids in groups.items():
        contracts.browse(ids).write(
            {"renewal_term": term, "renewal_term_unit": unit, "renewed": renewed}
        )
    moved = sum(len(ids) for (_term, _unit, renewed), ids in groups.items() if renewed)
    _logger.info(
        "Renewal terms set on %d contracts, %d of them from their period before their "
        "end first moved later",
        sum(len(ids) for ids in groups.values()),
        moved,
    )
