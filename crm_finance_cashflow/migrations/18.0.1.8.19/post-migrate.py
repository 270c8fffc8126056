"""18.0.1.8.19: the daily runs at times of their own, in order (18.0.1.8.16
gave them their times in data that is not updated: only new databases had
them). Those of a database where they are still as installed, all four due at
the same time of day, are moved to the times of the data file: rates 01:00,
open-ended schedules 01:30, expiry, renewal and alerts 02:00, invoices 03:00
(UTC). Times an administrator set are kept. Each keeps the day of its next
call: a run due today at an hour already past runs at once, then daily at its
new time."""

import datetime
import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

#: (xml id, UTC time of day), in the order of the data file
DAILY_RUNS = (
    ("crm_finance_cashflow.ir_cron_crm_currency_rates", datetime.time(1, 0)),
    ("crm_finance_cashflow.ir_cron_crm_contract_extend_schedules", datetime.time(1, 30)),
    ("crm_finance_cashflow.ir_cron_crm_contract_alerts", datetime.time(2, 0)),
    ("crm_finance_cashflow.ir_cron_crm_contract_invoices", datetime.time(3, 0)),
)


def set_daily_run_times(env):
    """Move the four daily runs to their times when they still share one time
    of day; returns the crons moved (none otherwise)."""
    crons = [env.ref(xmlid, raise_if_not_found=False) for xmlid, __ in DAILY_RUNS]
    if not all(crons):
        return env["ir.cron"]
    if len({cron.nextcall.time() for cron in crons}) != 1:
        _logger.info("daily contract runs: times set by an administrator, kept")
        return env["ir.cron"]
    for cron, (__, at) in zip(crons, DAILY_RUNS, strict=True):
        cron.nextcall = datetime.datetime.combine(cron.nextcall.date(), at)
    return env["ir.cron"].union(*crons)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    moved = set_daily_run_times(env)
    _logger.info("%d daily contract runs moved to their times of day", len(moved))
