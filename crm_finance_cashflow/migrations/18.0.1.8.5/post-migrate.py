"""18.0.1.8.5: the alerts cron's reminder that a contract ends has its own
activity type (``mail_activity_type_contract_end``), marked done when the end
moves. The open reminders it gave before as to-dos (their summary, in English
or an installed language, and due on the contract's end) take that type."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools.translate import code_translations

_logger = logging.getLogger(__name__)

SUMMARY = "Contract ends: renew or close"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    end_type = env.ref("crm_finance_cashflow.mail_activity_type_contract_end")
    summaries = {SUMMARY} | {
        code_translations.get_python_translations("crm_finance_cashflow", lang).get(SUMMARY)
        or SUMMARY
        for lang, _name in env["res.lang"].get_installed()
    }
    activities = env["mail.activity"].search(
        [
            ("res_model", "=", "crm.contract"),
            ("activity_type_id", "=", env.ref("mail.mail_activity_data_todo").id),
            ("summary", "in", sorted(summaries)),
        ]
    )
    contracts = env["crm.contract"].browse(activities.mapped("res_id")).exists()
    ends = {contract.id: contract.date_end for contract in contracts}
    legacy = activities.filtered(lambda a: a.date_deadline == ends.get(a.res_id))
    legacy.write({"activity_type_id": end_type.id})
    _logger.info("%d contract end reminders given their activity type", len(legacy))
