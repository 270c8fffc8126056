import http.server
import threading
from unittest import SkipTest

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .test_contract import menu_reachable
from .test_rates import _Handler

RATES_LOGGER = "odoo.addons.crm_finance_cashflow.models.res_company_rates"


@tagged("post_install", "-at_install")
class TestUpdateRatesFromCurrencies(TransactionCase):
    """Accountants (Invoicing Administrator, not Settings) update the rates
    from Invoicing > Configuration > Currencies, which they reach, and see the
    result: the settings' button is the administrators'. Salespeople do not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.env["res.company"]._crm_rates_by_oca():
            raise SkipTest("OCA's currency_rate_update is installed")
        # the feeds in their real format, served locally (no network)
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.shutdown)
        cls.ron = cls.env.ref("base.RON")
        cls.eur = cls.env.ref("base.EUR")
        (cls.ron | cls.eur).active = True
        cls.company = cls.env["res.company"].create(
            {"name": "Currencies Co", "currency_id": cls.ron.id}
        )
        cls.Param = cls.env["ir.config_parameter"].sudo()
        cls.Param.set_param("crm_finance_cashflow.rate_timeout", "1")
        cls.accountant = new_test_user(
            cls.env,
            login="cur_accountant",
            groups="account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.salesman = new_test_user(
            cls.env,
            login="cur_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.Currency = cls.env["res.currency"]

    def _feed(self, path):
        self.Param.set_param("crm_finance_cashflow.nbr_url", self.base + path)
        self.company.crm_rate_provider = "nbr"

    def _eur_rate(self):
        return self.env["res.currency.rate"].search(
            [("currency_id", "=", self.eur.id), ("company_id", "=", self.company.id)]
        )

    def _list_arch(self, user):
        views = self.Currency.with_user(user).get_views([(False, "list")])
        return views["views"]["list"]["arch"]

    def test_accountant_reaches_the_button(self):
        self.assertFalse(self.accountant.has_group("base.group_system"))
        menu = self.env.ref("account.menu_action_currency_form")
        self.assertTrue(menu_reachable(menu, self.accountant))
        arch = self._list_arch(self.accountant)
        self.assertIn('name="action_crm_update_currency_rates"', arch)
        arch = self._list_arch(self.salesman)
        self.assertNotIn("action_crm_update_currency_rates", arch)

    def test_accountant_updates_and_sees_the_result(self):
        self._feed("/nbr")
        result = self.Currency.with_user(self.accountant).action_crm_update_currency_rates()
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("Currencies Co", result["params"]["message"])
        self.assertIn("National Bank of Romania", result["params"]["message"])
        self.assertTrue(self.company.crm_rate_last_update)
        self.assertAlmostEqual(self._eur_rate().rate, 1 / 5.08)
        # a feed that cannot be used: the error, and when the rates were last updated
        self._feed("/malformed")
        with self.assertLogs(RATES_LOGGER, "WARNING"):
            result = self.Currency.with_user(self.accountant).action_crm_update_currency_rates()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("malformed XML", result["params"]["message"])
        self.assertIn("Rates last updated on", result["params"]["message"])
        self.assertIn("malformed XML", self.company.crm_rate_last_error)
        # the company's fields are the accountant's to read
        self.assertIn(
            "malformed XML",
            self.company.with_user(self.accountant).read(["crm_rate_last_error"])[0][
                "crm_rate_last_error"
            ],
        )

    def test_feed_error_in_the_users_language(self):
        """What went wrong with a feed is written in the language of the user
        who updates, as the rest of the message (it was English in any
        language)."""
        self.env["res.lang"]._activate_lang("ro_RO")
        self.env["ir.module.module"]._load_module_terms(
            ["crm_finance_cashflow"], ["ro_RO"], overwrite=True
        )
        self.accountant.lang = "ro_RO"
        self._feed("/malformed")
        with self.assertLogs(RATES_LOGGER, "WARNING"):
            # the web client sends the user's language in the context
            result = (
                self.Currency.with_user(self.accountant)
                .with_context(lang="ro_RO")
                .action_crm_update_currency_rates()
            )
        message = result["params"]["message"]
        self.assertIn("XML malformat: ", message, message)
        self.assertIn("Banca Națională a României nu au fost actualizate", message, message)
        self.assertNotIn("malformed XML", message)
        self.assertIn("XML malformat: ", self.company.crm_rate_last_error)

    def test_company_method_accountants_only(self):
        self._feed("/nbr")
        self.assertTrue(self.company.with_user(self.accountant).action_update_currency_rates())
        self._eur_rate().unlink()
        for call in (
            self.company.with_user(self.salesman).action_update_currency_rates,
            self.Currency.with_user(self.salesman).action_crm_update_currency_rates,
        ):
            with self.assertRaises(AccessError):
                call()
        self.assertFalse(self._eur_rate())

    def test_no_provider_said(self):
        self.company.crm_rate_provider = "none"
        with self.assertRaisesRegex(UserError, "has no exchange rate provider"):
            self.Currency.with_user(self.accountant).action_crm_update_currency_rates()
