from odoo import api, fields, models
from odoo.tools import SQL, LazyTranslate

from odoo.addons.crm_suite_base.models.policy import owned

_lt = LazyTranslate(__name__)

# the columns of crm_contract_schedule that decide what a row adds to the totals
COUNTED_FIELDS = frozenset(
    ("company_id", "date_due", "direction", "currency_id", "amount_total")
    + ("state", "contract_state")
)


class CrmContractScheduleTotal(models.Model):
    """What the active contracts' planned schedule rows amount to, per company,
    expected payment day, direction and currency: what
    ``crm.contract.get_cashflow_forecast`` sums instead of reading every row (the
    report still lists the rows themselves).

    A ledger of signed changes: whatever changes a row's contribution, through
    the ORM (create, write, the recomputation of its stored fields, unlink, the
    deletion of its contract), adds the row's old contribution with a minus sign
    and its new one with a plus sign; the sums per day are the totals. Only
    inserts, so two workers changing rows of the same day never wait for each
    other or conflict; a daily cron merges the changes into one row per day.
    Written in SQL by ``crm.contract.schedule`` only, rebuilt from the rows at
    each install and upgrade of the module."""

    _name = "crm.contract.schedule.total"
    _description = "Open Contract Schedule Totals"
    _inherit = ["crm.write.policy.mixin"]
    _crm_write_policy = dict.fromkeys(
        ("company_id", "date_due", "direction", "currency_id", "amount_total", "row_count"),
        owned(_lt("kept in SQL from the schedule rows.")),
    )
    _log_access = False
    _order = "date_due, id"

    company_id = fields.Many2one("res.company", readonly=True, copy=False, index=True)
    date_due = fields.Date(string="Expected Payment", readonly=True, copy=False)
    direction = fields.Selection(
        [("incoming", "Incoming"), ("outgoing", "Outgoing")], readonly=True, copy=False
    )
    currency_id = fields.Many2one("res.currency", readonly=True, copy=False)
    amount_total = fields.Monetary(readonly=True, copy=False)
    row_count = fields.Integer(string="Rows", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        # no group may write the totals: the access rights answer first
        self.check_access("create")
        return super().create(vals_list)

    def write(self, vals):
        self.check_access("write")
        return super().write(vals)

    def init(self):
        # installs and upgrades: the totals start from the rows as they are
        self._rebuild()

    @api.model
    def _add_schedule_rows(self, condition, sign):
        """Add the contribution of the schedule rows matching ``condition`` (an
        SQL condition on ``crm_contract_schedule``), signed: -1 before they change
        or go, +1 once they have changed or been created."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_contract_schedule_total
                       (company_id, date_due, direction, currency_id, amount_total, row_count)
                SELECT company_id, date_due, direction, currency_id,
                       %(sign)s * SUM(amount_total), %(sign)s * COUNT(*)
                  FROM crm_contract_schedule
                 WHERE (%(condition)s)
                   AND state = 'planned' AND contract_state = 'active'
              GROUP BY company_id, date_due, direction, currency_id
                """,
                sign=sign,
                condition=condition,
            )
        )

    @api.model
    def _rebuild(self):
        """The totals recomputed from every schedule row."""
        self.env["crm.contract.schedule"].flush_model()
        self.env.cr.execute(SQL("DELETE FROM crm_contract_schedule_total"))
        self._add_schedule_rows(SQL("TRUE"), 1)

    @api.model
    def _cron_merge(self):
        """One row per day, direction and currency instead of one per change; days
        whose changes cancel out disappear. Changes committed meanwhile by other
        workers are not in this transaction's view and stay as they are."""
        # this transaction's own pending changes first
        self.env["crm.contract.schedule"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH changes AS (
                    DELETE FROM crm_contract_schedule_total RETURNING *
                )
                INSERT INTO crm_contract_schedule_total
                       (company_id, date_due, direction, currency_id, amount_total, row_count)
                SELECT company_id, date_due, direction, currency_id,
                       SUM(amount_total), SUM(row_count)
                  FROM changes
              GROUP BY company_id, date_due, direction, currency_id
                HAVING SUM(row_count) <> 0 OR SUM(amount_total) <> 0
                """
            )
        )
        return True


class CrmContractSchedule(models.Model):
    _inherit = "crm.contract.schedule"

    # the totals follow the rows at the lowest level of the ORM, where stored
    # related and computed fields (the contract's state, the due date) are
    # written too

    @api.model
    def _create(self, data_list):
        records = super()._create(data_list)
        self.env["crm.contract.schedule.total"]._add_schedule_rows(
            SQL("id = ANY(%s)", records.ids), 1
        )
        return records

    def _write_multi(self, vals_list):
        if not any(COUNTED_FIELDS.intersection(vals) for vals in vals_list):
            return super()._write_multi(vals_list)
        totals = self.env["crm.contract.schedule.total"]
        condition = SQL("id = ANY(%s)", self.ids)
        totals._add_schedule_rows(condition, -1)
        res = super()._write_multi(vals_list)
        totals._add_schedule_rows(condition, 1)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_from_totals(self):
        # after the checks of unlink(), before the rows go: their contribution as
        # it is in the database, pending changes written first
        self.flush_recordset()
        self.env["crm.contract.schedule.total"]._add_schedule_rows(
            SQL("id = ANY(%s)", self.ids), -1
        )


class CrmContract(models.Model):
    _inherit = "crm.contract"

    @api.ondelete(at_uninstall=False)
    def _unlink_schedule_from_totals(self):
        # the database deletes the schedule rows with their contract (cascade),
        # without the ORM; their pending changes are written first
        self.env["crm.contract.schedule"].flush_model()
        self.env["crm.contract.schedule.total"]._add_schedule_rows(
            SQL("contract_id = ANY(%s)", self.ids), -1
        )
