"""The refusals write their dates as the user's language writes them (as the
rates' and the renewals' messages do), not as ISO dates."""

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import format_date

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestMessageDates(ContractCase):
    def _invoiced_in_january(self):
        contract = self._contract()
        contract.action_activate()
        contract.action_create_invoices(date="2026-01-01")
        return contract

    def test_period_refusal_dates(self):
        """An amended period that leaves an invoiced row out (en_US: 01/01/2026)."""
        contract = self._invoiced_in_january()
        with self.assertRaises(UserError) as caught:
            contract.write({"date_start": "2026-02-01"})
        message = str(caught.exception)
        self.assertIn("outside 02/01/2026 - 12/31/2026 (01/01/2026)", message)
        self.assertNotIn("2026-01-01", message)

    def test_line_refusal_dates(self):
        contract = self._invoiced_in_january()
        with self.assertRaises(UserError) as caught:
            contract.line_ids.write({"date_start": "2026-01-15"})
        message = str(caught.exception)
        self.assertIn("invoiced for 01/01/2026", message)
        self.assertIn("from 01/15/2026, until 12/31/2026", message)
        self.assertNotIn("2026-01-", message)

    def test_renewal_past_the_last_date(self):
        contract = self._contract(
            date_start="2200-01-01",
            date_end="2200-09-30",
            lines=[{"date_start": "2200-01-01"}],
        )
        contract.action_activate()
        with self.assertRaisesRegex(UserError, "after 12/31/2200"):
            contract.action_renew()

    def test_forecast_missing_rate_date(self):
        other = self.env["res.currency"].create({"name": "XMD", "symbol": "M", "rounding": 0.01})
        self._contract(currency_id=other.id).action_activate()
        env = self.env["crm.contract"].with_user(self.billing).env
        today = fields.Date.context_today(env["crm.contract"])
        with self.assertRaises(UserError) as caught:
            self.env["crm.contract"].with_user(self.billing).get_cashflow_forecast(
                "2026-01-01", "2026-12-31"
            )
        message = str(caught.exception)
        self.assertIn(
            f"XMD on or before {format_date(env, today)} in",
            message,
        )
        self.assertNotIn(today.isoformat(), message)
