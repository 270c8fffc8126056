"""18.0.1.6.0: the cash-flow forecast reads the schedule rows themselves.

``crm.contract.schedule.total``, the ledger of the planned rows' totals per day
kept from the ORM's lowest level, is gone: the forecast groups the rows over a
partial index instead. Its table goes before the module loads; Odoo removes the
model's remaining records (merge cron, access rights, rule, fields) at the end
of the update, with the module's data that no longer defines them.
"""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(SQL("DROP TABLE IF EXISTS crm_contract_schedule_total"))
