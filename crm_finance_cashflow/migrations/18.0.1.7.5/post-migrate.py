"""18.0.1.7.5: a schedule row whose contract line was deleted while it sat on a
draft invoice, planned again when the invoice was cancelled, has nothing to
invoice (it was invoiced as a line of nothing while the forecast counted it):
such rows are cancelled, as their release now cancels them (the contracts'
totals follow).
"""

from odoo import SUPERUSER_ID, api

from odoo.addons.crm_suite_base.models.policy import privileged


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rows = env["crm.contract.schedule"].search(
        [("state", "=", "planned"), ("contract_line_id", "=", False)]
    )
    if rows:
        privileged(rows).write({"state": "cancelled"})
