"""The suite's rate update beside OCA's ``currency_rate_update`` installed for
real (its directory on the addons path). Not a standard test: the test command
runs it on a copy of its database where it installs OCA's modules
(``--test-tags oca_rates/crm_finance_cashflow``, see tools/suite_test.py)."""

import http.server
import importlib
import threading
import urllib.request
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .test_rates import _Handler

DAY = "2026-11-24"  # the Cube of tests/feeds/eurofxref-daily.xml


@tagged("post_install", "-at_install", "-standard", "oca_rates")
class TestRatesWithOca(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        assert cls.env[
            "res.company"
        ]._crm_rates_by_oca(), "OCA's currency_rate_update must be installed for these tests"
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.shutdown)
        cls.ron = cls.env.ref("base.RON")
        cls.eur = cls.env.ref("base.EUR")
        cls.usd = cls.env.ref("base.USD")
        cls.huf = cls.env.ref("base.HUF")
        (cls.ron | cls.eur | cls.usd | cls.huf).active = True
        # both configured for the same company: the suite's ECB download...
        cls.company = cls.env["res.company"].create(
            {"name": "Rates OCA Co", "currency_id": cls.ron.id, "crm_rate_provider": "ecb"}
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "crm_finance_cashflow.ecb_url", cls.base + "/ecb"
        )
        # ... and OCA's ECB provider, daily, last run the day before the feed's
        cls.provider = cls.env["res.currency.rate.provider"].create(
            {
                "service": "ECB",
                "company_id": cls.company.id,
                "currency_ids": [(6, 0, (cls.eur | cls.usd | cls.huf).ids)],
                "last_successful_run": "2026-11-23",
            }
        )
        # OCA's provider reads the same feed from the same local server (its URL
        # is a constant: only the address it opens is redirected)
        ecb = importlib.import_module(
            "odoo.addons.currency_rate_update.models.res_currency_rate_provider_ECB"
        )
        local = cls.base + "/ecb"

        def urlopen(url, timeout):
            return urllib.request.urlopen(local, timeout=timeout)

        patcher = patch.object(ecb, "urlopen", urlopen)
        patcher.start()
        cls.addClassCleanup(patcher.stop)

    def _rates(self):
        return self.env["res.currency.rate"].search(
            [("company_id", "=", self.company.id), ("name", "=", DAY)]
        )

    def _run_crons(self):
        for xmlid in (
            "currency_rate_update.ir_cron_currency_rates_update_every_day",
            "crm_finance_cashflow.ir_cron_crm_currency_rates",
        ):
            self.env.ref(xmlid).method_direct_trigger()

    def test_one_rate_per_day_from_oca(self):
        self.env.ref("crm_finance_cashflow.ir_cron_crm_currency_rates").method_direct_trigger()
        self.assertFalse(self._rates(), "the suite's cron stepped aside")
        self._run_crons()
        self._run_crons()  # and again, the same day
        rates = self._rates()
        self.assertEqual(len(rates), 3)
        self.assertEqual(rates.currency_id, self.eur | self.usd | self.huf)
        # written by OCA's provider only: a later write of the rate by anyone
        # else unlinks the provider (OCA's res.currency.rate.write)
        self.assertEqual(rates.provider_id, self.provider)
        self.assertFalse(rates.message_ids.tracking_value_ids, "each rate written once")
        rate_eur = rates.filtered(lambda r: r.currency_id == self.eur)
        self.assertAlmostEqual(rate_eur.rate, 1 / 5.08)
        self.assertFalse(self.company.crm_rate_last_update)
        self.assertFalse(self.company.crm_rate_last_error)

    def test_update_now_refused(self):
        accountant = self.env["res.users"].create(
            {
                "name": "Rates OCA accountant",
                "login": "rates_oca_accountant",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [(6, 0, self.env.ref("account.group_account_manager").ids)],
            }
        )
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        self.assertTrue(settings.crm_rates_by_oca)
        with self.assertRaisesRegex(UserError, "currency_rate_update"):
            settings.action_crm_update_currency_rates()
        with self.assertRaisesRegex(UserError, "currency_rate_update"):
            self.company.with_user(accountant).action_update_currency_rates()
        self.assertFalse(self._rates())
        # OCA's own "update" wizard (accountants may run it) writes the day once
        wizard = (
            self.env["res.currency.rate.update.wizard"]
            .with_user(accountant)
            .create({"date_from": DAY, "date_to": DAY, "provider_ids": [(6, 0, self.provider.ids)]})
        )
        wizard.action_update()
        self.assertEqual(len(self._rates()), 3)
        self.assertEqual(self._rates().provider_id, self.provider)
