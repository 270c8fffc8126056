"""The daily runs have no language of their own: the activities and chatter
notes they write for a contract are in the language of who reads them (the
contract's responsible), else in the company's; amounts and dates as that
language writes them."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import format_amount, format_date, html2plaintext

from odoo.addons.crm_suite_base.tests.common_i18n import catalogue

from .test_contract import ContractCase

LOGGER = "odoo.addons.crm_finance_cashflow.models.crm_contract_schedule"


@tagged("post_install", "-at_install")
class TestCronLanguage(ContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ro_RO")
        cls.env["ir.module.module"]._load_module_terms(
            ["crm_finance_cashflow"], ["ro_RO"], overwrite=True
        )
        cls.ro = catalogue("crm_finance_cashflow", "ro")
        cls.reader_ro = new_test_user(
            cls.env,
            login="ctr_reader_ro",
            groups="account.group_account_invoice",
            lang="ro_RO",
        )
        # the cron's environment: no language, OdooBot
        cls.cron_env = cls.env(context={})
        cls.today = fields.Date.context_today(cls.env["crm.contract"])
        cls.company_lang = cls.env.company.partner_id.lang

    def _day(self, days):
        return fields.Date.to_string(self.today + relativedelta(days=days))

    def _notes(self, contract):
        return [html2plaintext(m.body or "").strip() for m in contract.message_ids]

    def test_alerts_in_the_responsibles_language(self):
        contract = self._contract(
            contract_type="supplier",
            date_start=self._day(3),
            date_end=self._day(20),
            lines=[{"date_start": self._day(3), "price_unit": 18000.0}],
            user_id=self.reader_ro.id,
        )
        contract.action_activate()
        self.cron_env["crm.contract"]._cron_alerts()
        end, bill = (
            contract.activity_ids.filtered(lambda a, t=t: a.activity_type_id == self.env.ref(t))
            for t in (
                "crm_finance_cashflow.mail_activity_type_contract_end",
                "crm_finance_cashflow.mail_activity_type_supplier_invoice",
            )
        )
        self.assertEqual(end.summary, self.ro["Contract ends: renew or close"])
        self.assertEqual(end.user_id, self.reader_ro)
        amount = format_amount(self.env(context={"lang": "ro_RO"}), 18000.0, contract.currency_id)
        self.assertIn("18.000,00", amount)
        source = "Supplier invoice expected: %(amount)s"
        # the English text until the catalogue has the message
        template = self.ro.get(source) or source
        self.assertEqual(bill.summary, template % {"amount": amount})

    def test_alerts_of_a_contract_without_reader_in_the_companys_language(self):
        """No person to read them (created by the system, no responsible):
        OdooBot gets them, in the company's language."""
        self.env.company.partner_id.lang = "ro_RO"
        contract = self.env["crm.contract"].create(
            {
                "partner_id": self.partner.id,
                "date_start": self._day(-30),
                "date_end": self._day(10),
                "user_id": False,
                "line_ids": [
                    fields.Command.create(
                        {
                            "name": "Maintenance",
                            "quantity": 1,
                            "price_unit": 100.0,
                            "recurrence": "monthly",
                            "date_start": self._day(-30),
                        }
                    )
                ],
            }
        )
        contract.action_activate()
        self.cron_env["crm.contract"]._cron_alerts()
        self.assertEqual(
            contract.activity_ids.mapped("summary"), [self.ro["Contract ends: renew or close"]]
        )

    def test_invoicing_refusal_noted_in_the_responsibles_language(self):
        no_rate = self.env["res.currency"].create({"name": "XNL", "symbol": "N", "rounding": 0.01})
        contract = self._contract(currency_id=no_rate.id, user_id=self.reader_ro.id)
        contract.action_activate()
        with self.assertLogs(LOGGER, "WARNING"):
            self.cron_env["crm.contract"]._cron_create_invoices()
        ro_env = self.env(context={"lang": "ro_RO"})
        error = self.ro[
            "There is no exchange rate of %(currency)s on or before %(date)s in %(company)s: "
            "update the rates before invoicing."
        ] % {
            "currency": "XNL",
            "date": format_date(ro_env, self.today),
            "company": self.env.company.root_id.name,
        }
        self.assertIn(self.today.strftime("%d.%m.%Y"), error)
        note = self.ro["The daily run could not invoice this contract: %(error)s"] % {
            "error": error
        }
        self.assertIn(note, self._notes(contract))

    def test_renewal_noted_in_the_responsibles_language(self):
        start = self.today.replace(day=1) - relativedelta(years=1)
        end = start + relativedelta(months=6, days=-1)
        english = self._contract(
            date_start=str(start),
            date_end=str(end),
            lines=[{"date_start": str(start)}],
            renewal="automatic",
        )
        romanian = self._contract(
            date_start=str(start),
            date_end=str(end),
            lines=[{"date_start": str(start)}],
            renewal="automatic",
            user_id=self.reader_ro.id,
        )
        (english | romanian).action_activate()
        self.cron_env["crm.contract"]._cron_expire_and_renew()
        self.assertEqual(romanian.state, "active")
        # the new end as the reader's language writes it, not an ISO date
        ro_end = format_date(self.env(context={"lang": "ro_RO"}), romanian.date_end)
        self.assertEqual(ro_end, romanian.date_end.strftime("%d.%m.%Y"))
        self.assertIn(self.ro["Renewed until %(date)s."] % {"date": ro_end}, self._notes(romanian))
        english_lang = english._crm_reader_lang()
        en_end = format_date(self.env(context={"lang": english_lang}), english.date_end)
        self.assertNotEqual(en_end, str(english.date_end))
        self.assertIn(f"Renewed until {en_end}.", self._notes(english))

    def test_renewal_by_hand_noted_in_the_users_language(self):
        """Renew by hand: the note and the end alert's feedback write the new
        end as the user's language does."""
        start = self.today.replace(day=1) - relativedelta(months=3)
        contract = self._contract(
            date_start=str(start),
            date_end=str(start + relativedelta(months=6, days=-1)),
            lines=[{"date_start": str(start)}],
            user_id=self.reader_ro.id,
            alert_days_end=365,
        )
        contract.action_activate()
        self.cron_env["crm.contract"]._cron_alerts()
        self.assertTrue(contract.activity_ids)
        contract.with_user(self.billing).with_context(lang="ro_RO").action_renew()
        ro_end = format_date(self.env(context={"lang": "ro_RO"}), contract.date_end)
        self.assertEqual(ro_end, contract.date_end.strftime("%d.%m.%Y"))
        notes = self._notes(contract)
        self.assertIn(self.ro["Renewed until %(date)s."] % {"date": ro_end}, notes)
        feedback = self.ro["The contract now ends on %(date)s."] % {"date": ro_end}
        self.assertTrue(any(feedback in note for note in notes), notes)
