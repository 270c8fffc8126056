"""18.0.1.8.7: the alerts cron's reminder that a supplier invoice is expected
has its own activity type (``mail_activity_type_supplier_invoice``) and each
schedule row keeps its own (``alert_activity_id``), closed when the row is
billed, cancelled or no longer expected. The open reminders it gave before as
to-dos (their summary starts as the alert's, in English or an installed
language) take that type and are linked to their row: an alerted row of the
same contract and date (the one of the amount in the summary first). Those of a
row billed since are marked done, those of a row cancelled since (or of a
terminated contract) are removed; the others stay open, unlinked."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools.translate import code_translations

from odoo.addons.crm_suite_base.models.policy import privileged

_logger = logging.getLogger(__name__)

SUMMARY = "Supplier invoice expected: %(amount)s %(currency)s"
#: the alert's message since 18.0.1.8.9 (its amount formatted with its
#: currency): the catalogues translate this one, whose prefix is the same
SUMMARIES = (SUMMARY, "Supplier invoice expected: %(amount)s")


def _prefix(summary):
    """The fixed start of the alert's summary (up to its first placeholder)."""
    return summary.split("%(", 1)[0].strip()


def _like(prefix):
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    alert_type = env.ref("crm_finance_cashflow.mail_activity_type_supplier_invoice")
    prefixes = {_prefix(SUMMARY)} | {
        _prefix(
            code_translations.get_python_translations("crm_finance_cashflow", lang).get(summary)
            or summary
        )
        for lang, _name in env["res.lang"].get_installed()
        for summary in SUMMARIES
    }
    prefixes.discard("")
    domain = [
        ("res_model", "=", "crm.contract"),
        ("activity_type_id", "=", env.ref("mail.mail_activity_data_todo").id),
    ]
    summary_domain = []
    for prefix in sorted(prefixes):
        summary_domain = (["|"] if summary_domain else []) + summary_domain
        summary_domain.append(("summary", "=like", _like(prefix)))
    activities = env["mail.activity"].search(domain + summary_domain, order="id")
    if not activities:
        return
    activities.write({"activity_type_id": alert_type.id})
    contracts = env["crm.contract"].browse(activities.mapped("res_id")).exists()
    rows = env["crm.contract.schedule"].search(
        [
            ("contract_id", "in", contracts.ids),
            ("contract_type", "=", "supplier"),
            ("alert_sent", "=", True),
            ("alert_activity_id", "=", False),
        ],
        order="id",
    )
    free = {}
    for row in rows:
        free.setdefault((row.contract_id.id, row.date), []).append(row)
    terminated = set(contracts.filtered(lambda c: c.state == "terminated").ids)
    moot = env["mail.activity"]
    links = {}
    for activity in activities:
        candidates = free.get((activity.res_id, activity.date_deadline), [])
        # the row of the amount in the summary, else a planned one, else any
        amount = (activity.summary or "").split(":", 1)[-1].split()
        candidates = sorted(
            candidates,
            key=lambda r, a=amount: (
                not (a and a[0] == str(r.amount_total)),
                r.state != "planned",
                r.id,
            ),
        )
        if candidates:
            row = candidates[0]
            free[(activity.res_id, activity.date_deadline)].remove(row)
            links[row.id] = activity.id
        elif activity.res_id in terminated:
            moot |= activity
    linked = env["crm.contract.schedule"]
    for row_id, activity_id in links.items():
        row = linked.browse(row_id)
        privileged(row).write({"alert_activity_id": activity_id})
        linked |= row
    # billed or cancelled since: answered or moot
    linked.filtered(lambda r: r.state != "planned")._crm_close_alerts()
    moot.exists().unlink()
    _logger.info(
        "%d supplier invoice reminders given their activity type, %d linked to their "
        "schedule row, %d of terminated contracts removed",
        len(activities),
        len(links),
        len(moot),
    )
