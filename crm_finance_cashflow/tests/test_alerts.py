"""The alerts follow the contract through its amendments: a supplier bill is
alerted once per row however often the schedule follows the lines, the end
alert of an end that moved is marked done and a new one given for the new end;
a row given back by its cancelled invoice takes its line's amounts of now; the
forecast of a selected company that is not the current one opens with its
balance."""

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .test_contract import ContractCase

END_SUMMARY = "Contract ends: renew or close"


@tagged("post_install", "-at_install")
class TestContractAlerts(ContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["crm.contract"])
        cls.end_type = cls.env.ref("crm_finance_cashflow.mail_activity_type_contract_end")

    def _day(self, days):
        return fields.Date.to_string(self.today + relativedelta(days=days))

    def _cron(self):
        self.env["crm.contract"]._cron_alerts()

    def _bills(self, contract):
        return contract.activity_ids.filtered(
            lambda a: (a.summary or "").startswith("Supplier invoice expected")
        )

    def _ends(self, contract):
        return contract.activity_ids.filtered(lambda a: a.activity_type_id == self.end_type)

    def test_supplier_bill_alerted_once_per_row_across_rebuilds(self):
        """Amending the contract (a line's sequence, the payment term) rebuilds
        its schedule: the rows of the same (line, date) stay alerted."""
        contract = self._contract(
            contract_type="supplier",
            date_start=self._day(3),
            date_end=self._day(20),
            lines=[{"date_start": self._day(3)}],
        )
        contract.action_activate()
        self._cron()
        self._cron()
        self.assertEqual(len(self._bills(contract)), 1)
        self.assertEqual(len(self._ends(contract)), 1)
        term = self.env["account.payment.term"].create(
            {"name": "30 days (alerts)", "line_ids": [fields.Command.create({"nb_days": 30})]}
        )
        for amendment in (
            lambda: contract.line_ids.write({"sequence": 5}),
            lambda: contract.with_user(self.billing).write({"payment_term_id": term.id}),
            lambda: contract.line_ids.with_user(self.billing).write({"price_unit": 120.0}),
        ):
            amendment()
            self._cron()
            self.assertEqual(len(self._bills(contract)), 1)
            self.assertEqual(len(contract.activity_ids), 2)
        row = contract.schedule_ids
        self.assertEqual((row.alert_sent, row.amount_total), (True, 120.0))

    def test_renewal_closes_the_end_alert(self):
        """Renew: the alert of the old end is done, the next is for the new end."""
        contract = self._contract(
            contract_type="supplier",
            date_start=self._day(-30),
            date_end=self._day(10),
            lines=[{"date_start": self._day(-30)}],
            alert_days_end=60,
        )
        contract.action_activate()
        self._cron()
        old_alert = self._ends(contract)
        self.assertEqual(old_alert.date_deadline, self.today + relativedelta(days=10))
        bills = self._bills(contract)
        contract.with_user(self.billing).action_renew()
        self.assertFalse(old_alert.exists().filtered("active"), "the old end's alert is done")
        self.assertFalse(self._ends(contract))
        self.assertFalse(contract.end_alert_sent)
        self._cron()
        new_end = contract.date_end
        self.assertEqual(self._ends(contract).date_deadline, new_end)
        self.assertEqual(self._bills(contract), bills, "the bills already alerted are not again")
        self._cron()
        self.assertEqual(len(self._ends(contract)), 1)

    def test_end_moved_alerts_again(self):
        """The end amended by hand (later, earlier, cleared): the alert of the
        old end is done, and the cron alerts before the new one."""
        contract = self._contract(
            date_start=self._day(-30),
            date_end=self._day(10),
            lines=[{"date_start": self._day(-30)}],
        )
        contract.action_activate()
        self._cron()
        self.assertTrue(contract.end_alert_sent)
        for new_end in (self._day(20), self._day(5)):
            alert = self._ends(contract)
            contract.with_user(self.billing).write({"date_end": new_end})
            self.assertFalse(contract.end_alert_sent, new_end)
            self.assertFalse(self._ends(contract), new_end)
            self.assertFalse(alert.exists().filtered("active"), new_end)
            self._cron()
            self.assertEqual(
                self._ends(contract).date_deadline, fields.Date.to_date(new_end), new_end
            )
        # another field of the contract: the alert stays
        contract.with_user(self.billing).write({"title": "Renamed"})
        self.assertTrue(contract.end_alert_sent)
        self.assertEqual(len(self._ends(contract)), 1)
        # no end any more: nothing to alert about
        contract.with_user(self.billing).write({"date_end": False})
        self.assertFalse(self._ends(contract))
        self._cron()
        self.assertFalse(self._ends(contract))
        # terminated: the alert of its end is done
        contract.with_user(self.billing).write({"date_end": self._day(15)})
        self._cron()
        alert = self._ends(contract)
        self.assertTrue(alert)
        contract.with_user(self.billing).action_terminate()
        self.assertFalse(alert.exists().filtered("active"))
        self.assertIn(
            "The contract now ends on",
            "\n".join(contract.message_ids.mapped(lambda m: str(m.body))),
        )

    def test_released_row_takes_the_line_price(self):
        """A row whose draft invoice is cancelled is planned again at its line's
        price of now, as the other planned rows."""
        contract = self._contract()
        contract.action_activate()
        invoice = contract.with_user(self.billing).action_create_invoices(date="2026-01-15")
        january = contract.schedule_ids.filtered(lambda r: r.state == "invoiced")
        contract.line_ids.with_user(self.billing).write({"price_unit": 150.0})
        invoice.with_user(self.billing).button_cancel()
        self.assertEqual(january.state, "planned")
        self.assertEqual(set(contract.schedule_ids.mapped("amount_total")), {150.0})
        self.assertEqual(january.amount_untaxed, 150.0)
        self.assertEqual(contract.amount, 12 * 150.0)

    def test_forecast_opening_of_a_company_not_current(self):
        """``company_id`` of a selected company that is not the current one: its
        opening balance, as when it is the current one; a company the caller
        may use but has not selected is refused (the selected companies are
        the ones a method works in)."""
        today = self.today
        payment = (
            self.env["crm.planned.payment"]
            .with_user(self.billing)
            .create(
                {
                    "name": "Deposit (alerts)",
                    "direction": "incoming",
                    "partner_id": self.partner.id,
                    "amount": 7000.0,
                    "date": fields.Date.to_string(today),
                }
            )
        )
        payment.action_post()
        company = self.env.company
        other = self.env["res.company"].create({"name": "Alerts Second Company"})
        self.billing.company_ids |= other
        window = (
            fields.Date.to_string(today + relativedelta(days=1)),
            fields.Date.to_string(today + relativedelta(months=1)),
        )
        Contract = self.env["crm.contract"].with_user(self.billing)
        selected = Contract.with_context(allowed_company_ids=[company.id]).get_cashflow_forecast(
            *window, company_id=company.id
        )
        self.assertTrue(selected[1]["opening"])
        elsewhere = Contract.with_context(
            allowed_company_ids=[other.id, company.id]
        ).get_cashflow_forecast(*window, company_id=company.id)
        self.assertEqual(elsewhere, selected)
        with self.assertRaises(AccessError):
            Contract.with_context(allowed_company_ids=[other.id]).get_cashflow_forecast(
                *window, company_id=company.id
            )

    def test_alerts_of_a_contract_without_responsible_reach_a_person(self):
        """Without a responsible, the alerts go to the lead's salesperson, else
        to whoever created the contract: not to the cron's OdooBot."""
        lead = self.env["crm.lead"].create({"name": "Alerts lead", "user_id": self.salesman.id})
        with_lead = self._contract(
            user=self.env.ref("base.user_admin"),
            user_id=False,
            lead_id=lead.id,
            contract_type="supplier",
            date_start=self._day(3),
            date_end=self._day(20),
            lines=[{"date_start": self._day(3)}],
        )
        alone = self._contract(
            user_id=False,
            date_start=self._day(-30),
            date_end=self._day(10),
            lines=[{"date_start": self._day(-30)}],
        )
        (with_lead | alone).action_activate()
        self.env["crm.contract"].with_user(self.env.ref("base.user_root"))._cron_alerts()
        self.assertEqual(self._bills(with_lead).user_id, self.salesman)
        self.assertEqual(self._ends(with_lead).user_id, self.salesman)
        self.assertEqual(self._ends(alone).user_id, self.billing)


@tagged("post_install", "-at_install")
class TestContractsToRenew(ContractCase):
    """*Contracts to Renew* lists what its end alert asks to renew or close: the
    active contracts ending within 60 days and the expired ones, until they
    are renewed or terminated."""

    def _to_renew(self):
        view = self.env.ref("crm_finance_cashflow.crm_contract_view_search")
        [node] = etree.fromstring(view.arch).xpath("//filter[@name='to_renew']")
        today = fields.Date.context_today(self.env["crm.contract"])
        domain = safe_eval(
            node.get("domain"),
            {"context_today": lambda: today, "relativedelta": relativedelta},
        )
        Contract = self.env["crm.contract"].with_user(self.billing)
        return Contract.search(domain + [("partner_id", "=", self.partner.id)])

    def test_expired_contracts_stay_until_renewed_or_closed(self):
        today = fields.Date.context_today(self.env["crm.contract"])

        def day(days):
            return fields.Date.to_string(today + relativedelta(days=days))

        ending, later, ended, closed = (
            self._contract(date_start=day(-90), date_end=end, lines=[{"date_start": day(-90)}])
            for end in (day(10), day(200), day(-5), day(-5))
        )
        (ending | later | ended | closed).with_user(self.billing).action_activate()
        self.env["crm.contract"]._cron_expire_and_renew()
        self.assertEqual((ended | closed).mapped("state"), ["expired", "expired"])
        closed.with_user(self.billing).action_terminate()
        self.assertEqual(self._to_renew(), ending | ended)
        ended.with_user(self.billing).action_renew()
        self.assertEqual(self._to_renew(), ending)
