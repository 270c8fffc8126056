"""The rolling horizon of open-ended contracts: a line without an end (of its
own or of its contract) is scheduled ``OPEN_ENDED_MONTHS`` ahead, and the daily
cron tops its rows up as the days pass, so that such a contract is invoiced and
forecast for as long as it runs."""

import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.crm_suite_base.models.policy import privileged

from .crm_contract_line import OPEN_ENDED_MONTHS, STEP_MONTHS

_logger = logging.getLogger(__name__)

#: the open-ended lines topped up per call of the cron (it is called again, up
#: to Odoo's ten calls a run, while some are left; a line topped up is no
#: longer selected)
EXTEND_BATCH = 500


class CrmContract(models.Model):
    _inherit = "crm.contract"

    @api.model
    def _open_ended_lines_to_extend(self, horizon, limit):
        """[(line id, its last row's date or None, how many lines in all)] of
        the recurring lines of active contracts that have no end (neither the
        line nor the contract) and whose next date after their last live row
        falls on or before ``horizon``, at most ``limit``: one grouped query. A
        line topped up is not taken again."""
        for model in ("crm.contract", "crm.contract.line", "crm.contract.schedule"):
            self.env[model].flush_model()
        step = SQL(
            "CASE l.recurrence %s END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", recurrence, months)
                for recurrence, months in STEP_MONTHS.items()
            ),
        )
        # the months from the line's first date to its last row's, a multiple
        # of its step: its next date is one step further from the first date
        # (PostgreSQL clips the day to the month's end, as relativedelta does)
        months = SQL(
            "((EXTRACT(YEAR FROM MAX(s.date)) - EXTRACT(YEAR FROM l.date_start)) * 12"
            " + EXTRACT(MONTH FROM MAX(s.date)) - EXTRACT(MONTH FROM l.date_start))::int"
        )
        next_date = SQL(
            "l.date_start + make_interval(months => (%(months)s / %(step)s + 1) * %(step)s)",
            months=months,
            step=step,
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT l.id, MAX(s.date), COUNT(*) OVER ()
                  FROM crm_contract_line l
                  JOIN crm_contract c ON c.id = l.contract_id
             LEFT JOIN crm_contract_schedule s
                    ON s.contract_line_id = l.id AND s.state != 'cancelled'
                 WHERE c.state = 'active'
                   AND c.date_end IS NULL
                   AND l.date_end IS NULL
                   AND l.recurrence != 'one_off'
              GROUP BY l.id
                HAVING COALESCE(%(next_date)s, l.date_start) <= %(horizon)s
              ORDER BY l.id
                 LIMIT %(limit)s
                """,
                next_date=next_date,
                horizon=horizon,
                limit=limit,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _crm_refresh_open_ended_drafts(self):
        """The provisional value of the draft contracts with an open-ended line
        (no end of its own nor of the contract) counts that line over its
        rolling horizon from today: computed again as the days pass, as the
        active contracts' schedules are topped up (a stored value otherwise
        stays at the day of the draft's last change)."""
        drafts = self.search(
            [
                ("state", "=", "draft"),
                ("date_end", "=", False),
                (
                    "line_ids",
                    "any",
                    [("date_end", "=", False), ("recurrence", "!=", "one_off")],
                ),
            ]
        )
        if drafts:
            self.env.add_to_compute(self._fields["amount"], drafts)
            drafts.flush_recordset(["amount"])

    @api.model
    def _cron_extend_schedules(self, limit=EXTEND_BATCH):
        """Top the schedules of active open-ended contracts up to today plus
        ``OPEN_ENDED_MONTHS``: the missing rows of each line after its last row,
        planned; the rows there (invoiced ones too) are left as they are, and a
        second run the same day adds nothing. ``limit`` lines a call, the cron
        called again while some are left (Odoo's progress API)."""
        today = fields.Date.context_today(self)
        horizon = today + relativedelta(months=OPEN_ENDED_MONTHS)
        self._crm_refresh_open_ended_drafts()
        found = self._open_ended_lines_to_extend(horizon, limit)
        if not found:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return True
        last_dates = {line_id: last for line_id, last, __ in found}
        lines = self.env["crm.contract.line"].browse(list(last_dates))
        # the contracts a user is amending right now are left to the next run
        # (their amendment schedules them itself); one amended after this
        # run's snapshot was taken raises a serialization failure here
        locked = set(lines.contract_id._crm_lock_schedules(skip_locked=True))
        lines = lines.filtered(lambda line: line.contract_id.id in locked)
        if not lines:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return True
        vals_list = []
        for line in lines:
            last = last_dates[line.id]
            vals_list += [
                line._prepare_schedule_row(date)
                for date in line._schedule_dates(today)
                if date <= horizon and (last is None or date > last)
            ]
        if not vals_list:
            # nothing new after all (the query and the dates disagree): stop here
            _logger.warning("open-ended contracts: lines %s have no row to add", lines.ids)
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return True
        privileged(self.env["crm.contract.schedule"]).create(vals_list)
        _logger.info(
            "open-ended contracts: %d schedule rows added to %d lines of %d contracts",
            len(vals_list),
            len(lines),
            len(lines.contract_id),
        )
        total = found[0][2]
        self.env["ir.cron"]._notify_progress(done=len(found), remaining=total - len(found))
        return True
