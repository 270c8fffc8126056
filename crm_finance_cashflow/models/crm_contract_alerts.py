from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import format_amount

from odoo.addons.crm_suite_base.models.policy import privileged

from .crm_contract import ALERT_DAYS_MAX, END_ACTIVITY, SUPPLIER_INVOICE_ACTIVITY


def _alert_window(days):
    """The alert window in days, within what the policy accepts (a value stored
    before the bounds existed must not break the cron for every company)."""
    return relativedelta(days=min(max(days or 0, 0), ALERT_DAYS_MAX))


class CrmContract(models.Model):
    _inherit = "crm.contract"  # pylint: disable=consider-merging-classes-inherited

    def _crm_alert_user(self):
        """Who gets this contract's alerts: its responsible; without one, its
        lead's salesperson, else whoever created it (an active internal user),
        never the cron's own OdooBot when a person is there to read them."""
        self.ensure_one()
        for user in (self.user_id, self.lead_id.user_id, self.create_uid):
            if user and user.active and not user.share and not user._is_superuser():
                return user
        return self.env.user

    def _crm_reader_lang(self, user=None):
        """The language of what the daily runs write for this contract (its
        alerts, the notes on its chatter), who run without one: the language of
        who reads them, ``user`` (default: ``_crm_alert_user``), else the
        company's (its partner's), as Odoo writes a user's notifications in
        their language. An inactive language is skipped."""
        self.ensure_one()
        user = user if user is not None else self._crm_alert_user()
        Lang = self.env["res.lang"]
        for lang in (
            not user._is_superuser() and user.lang,
            # sudo: the company's language, whoever runs
            self.sudo().company_id.partner_id.lang,
        ):
            if lang and Lang._get_code(lang):
                return lang
        return self.env.lang

    def _crm_in_reader_lang(self, user=None):
        """This contract in its reader's language (``_crm_reader_lang``)."""
        return self.with_context(lang=self._crm_reader_lang(user))

    @api.model
    def _cron_alerts(self):
        """Activities for the responsible: contracts ending within their alert days
        (once per end: a renewal, or another end date, marks the alert of the end
        before done and clears ``end_alert_sent``) and supplier invoices expected
        within theirs (once per row, kept when the schedule follows an amendment):
        the planned rows still to be invoiced (``_crm_invoiceable``: of an active
        contract, or of an expired one and dated on or before its end), as
        Create Invoices and the daily run take them. The row keeps its alert
        (``alert_activity_id``): done when the row is billed, removed when it is
        cancelled or no longer expected (``_crm_close_alerts``)."""
        today = fields.Date.context_today(self)
        for contract in self.search(
            [("state", "=", "active"), ("date_end", "!=", False), ("end_alert_sent", "=", False)]
        ):
            if contract.date_end - _alert_window(contract.alert_days_end) <= today:
                with contract._crm_run_savepoint("end alert"):
                    user = contract._crm_alert_user()
                    contract.activity_schedule(
                        END_ACTIVITY,
                        date_deadline=contract.date_end,
                        summary=contract._crm_in_reader_lang(user).env._(
                            "Contract ends: renew or close"
                        ),
                        user_id=user.id,
                    )
                    privileged(contract).write({"end_alert_sent": True})
        rows = self.env["crm.contract.schedule"].search(
            [
                ("state", "=", "planned"),
                ("contract_type", "=", "supplier"),
                ("alert_sent", "=", False),
            ]
        )
        # which rows are still to be invoiced: the rows' own condition, as the
        # invoicing's (planned rows belong to active or expired contracts only)
        for row in rows.filtered(lambda r: r._crm_invoiceable()):
            if row.date - _alert_window(row.contract_id.alert_days_invoice) <= today:
                with row.contract_id._crm_run_savepoint(f"row {row.id} alert"):
                    user = row.contract_id._crm_alert_user()
                    env = row.contract_id._crm_in_reader_lang(user).env
                    activity = row.contract_id.activity_schedule(
                        SUPPLIER_INVOICE_ACTIVITY,
                        date_deadline=row.date,
                        summary=env._(
                            "Supplier invoice expected: %(amount)s",
                            amount=format_amount(env, row.amount_total, row.currency_id),
                        ),
                        user_id=user.id,
                    )
                    privileged(row).write({"alert_sent": True, "alert_activity_id": activity.id})
        return True
