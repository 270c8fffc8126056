"""18.0.1.2.29: the daily runs at times of their own (18.0.1.2.25 gave them
their times in data that is not updated: only new databases had them). Those
of a database where they are still as installed, both due at the same time of
day, are moved to the times of the data file: expired reservations 04:00, the
low-stock check 04:30 (UTC, after crm_finance_cashflow's runs). Times an
administrator set are kept. Each keeps the day of its next call: a run due
today at an hour already past runs at once, then daily at its new time (as
crm_finance_cashflow's 18.0.1.8.19 moved its runs)."""

import datetime
import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

#: (xml id, UTC time of day), in the order of the data file
DAILY_RUNS = (
    ("crm_supply.ir_cron_sale_stock_reservation_expire", datetime.time(4, 0)),
    ("crm_supply.ir_cron_product_low_stock", datetime.time(4, 30)),
)


def set_daily_run_times(env):
    """Move the two daily runs to their times when they still share one time
    of day; returns the crons moved (none otherwise)."""
    crons = [env.ref(xmlid, raise_if_not_found=False) for xmlid, __ in DAILY_RUNS]
    if not all(crons):
        return env["ir.cron"]
    if len({cron.nextcall.time() for cron in crons}) != 1:
        _logger.info("daily supply runs: times set by an administrator, kept")
        return env["ir.cron"]
    for cron, (__, at) in zip(crons, DAILY_RUNS, strict=True):
        cron.nextcall = datetime.datetime.combine(cron.nextcall.date(), at)
    return env["ir.cron"].union(*crons)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    moved = set_daily_run_times(env)
    _logger.info("%d daily supply runs moved to their times of day", len(moved))
