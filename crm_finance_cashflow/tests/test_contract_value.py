from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.tests import Form, tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestDraftContractValue(ContractCase):
    """A draft's Contract Value is what Activate will schedule (it showed 0
    until then): fixed-term lines over their period, an open-ended one over
    its rolling horizon."""

    def _draft(self, date_end, line_end=False):
        with Form(self.env["crm.contract"].with_user(self.salesman)) as form:
            form.partner_id = self.partner
            form.date_start = date(2026, 1, 1)
            form.date_end = date_end
            with form.line_ids.new() as line:
                line.name = "Shelving rental"
                line.quantity = 1
                line.price_unit = 3395.0
                line.recurrence = "monthly"
                line.date_start = date(2026, 1, 1)
                line.date_end = line_end
            with form.line_ids.new() as line:
                line.name = "Installation"
                line.price_unit = 500.0
                line.recurrence = "one_off"
                line.date_start = date(2026, 1, 1)
            # shown while the draft is typed, before it is saved
            value = form.amount
        return value, form.record

    def test_fixed_term_draft_value_is_the_activated_one(self):
        value, contract = self._draft(date(2026, 12, 31))
        self.assertEqual(value, 12 * 3395.0 + 500.0)
        self.assertEqual(contract.state, "draft")
        self.assertEqual(contract.amount, 12 * 3395.0 + 500.0)
        # the draft's terms change, the value follows
        contract.line_ids.filtered(lambda ln: ln.recurrence == "monthly").date_end = "2026-06-30"
        self.assertEqual(contract.amount, 6 * 3395.0 + 500.0)
        contract.with_user(self.billing).action_activate()
        self.assertEqual(contract.amount, 6 * 3395.0 + 500.0)
        self.assertEqual(contract.amount, sum(contract.schedule_ids.mapped("amount_total")))

    def test_open_ended_draft_counts_the_rolling_horizon(self):
        value, contract = self._draft(False)
        today = fields.Date.context_today(contract)
        horizon = max(date(2026, 1, 1), today) + relativedelta(months=36)
        months = 0
        while date(2026, 1, 1) + relativedelta(months=months) <= horizon:
            months += 1
        self.assertEqual(value, months * 3395.0 + 500.0)
        contract.with_user(self.billing).action_activate()
        self.assertEqual(contract.amount, value)
        # terminated: the planned rows cancelled, the value is what is left
        contract.with_user(self.billing).action_terminate()
        self.assertEqual(contract.amount, 0.0)

    def test_open_ended_draft_value_follows_the_days(self):
        """The daily run that tops the active contracts' schedules up computes
        the open-ended drafts' value again: it was kept at the day of the
        draft's last change (stored), months behind what Activate gives."""

        def months_until(day):
            horizon = day + relativedelta(months=36)
            months = 0
            while date(2026, 1, 1) + relativedelta(months=months) <= horizon:
                months += 1
            return months

        with freeze_time("2026-12-06"):
            __, open_ended = self._draft(False)
            __, fixed = self._draft(date(2026, 12, 31))
        self.assertEqual(open_ended.amount, months_until(date(2026, 12, 6)) * 3395.0 + 500.0)
        with freeze_time("2027-06-06"):
            self.env["crm.contract"]._cron_extend_schedules()
            self.env.invalidate_all()
            self.assertEqual(open_ended.amount, months_until(date(2027, 6, 6)) * 3395.0 + 500.0)
            self.assertEqual(fixed.amount, 12 * 3395.0 + 500.0)
            open_ended.with_user(self.billing).action_activate()
            self.assertEqual(open_ended.amount, months_until(date(2027, 6, 6)) * 3395.0 + 500.0)
