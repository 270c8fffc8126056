import http.server
import threading
import time
from pathlib import Path
from unittest import SkipTest
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

FEEDS = Path(__file__).parent / "feeds"


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves the real-format feeds, and the bad cases, by path; ``paths``
    keeps the path of each request, in order."""

    paths = []

    def do_GET(self):  # noqa: N802 - http.server's API
        self.paths.append(self.path)
        bodies = {
            "/nbr": (FEEDS / "nbrfxrates.xml").read_bytes(),
            "/ecb": (FEEDS / "eurofxref-daily.xml").read_bytes(),
            "/malformed": b"<DataSet xmlns='http://www.bnr.ro/xsd'><Body><Cube",
            "/namespace": (FEEDS / "nbrfxrates.xml")
            .read_bytes()
            .replace(b"http://www.bnr.ro/xsd", b"http://example.com/other"),
            # the ECB's day without its date: missing, empty, not a date
            "/ecb-no-time": (FEEDS / "eurofxref-daily.xml")
            .read_bytes()
            .replace(b" time='2026-11-24'", b""),
            "/ecb-empty-time": (FEEDS / "eurofxref-daily.xml")
            .read_bytes()
            .replace(b"time='2026-11-24'", b"time=''"),
            "/ecb-bad-time": (FEEDS / "eurofxref-daily.xml")
            .read_bytes()
            .replace(b"time='2026-11-24'", b"time='2026-13-45'"),
        }
        if self.path == "/slow":
            time.sleep(2)
        body = bodies.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestRateFeeds(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.shutdown)
        if cls.env["res.company"]._crm_rates_by_oca():
            # its providers update the rates there: tests/test_rates_oca.py
            raise SkipTest("OCA's currency_rate_update is installed")
        cls.ron = cls.env.ref("base.RON")
        cls.eur = cls.env.ref("base.EUR")
        cls.usd = cls.env.ref("base.USD")
        cls.huf = cls.env.ref("base.HUF")
        (cls.ron | cls.eur | cls.usd | cls.huf).active = True
        cls.company = cls.env["res.company"].create({"name": "Rates Co", "currency_id": cls.ron.id})
        cls.Param = cls.env["ir.config_parameter"].sudo()
        cls.Param.set_param("crm_finance_cashflow.rate_timeout", "1")

    def _feed(self, provider, path):
        self.Param.set_param(f"crm_finance_cashflow.{provider}_url", self.base + path)
        self.company.crm_rate_provider = provider

    def _rate(self, currency, day="2026-11-24"):
        return self.env["res.currency.rate"].search(
            [
                ("currency_id", "=", currency.id),
                ("company_id", "=", self.company.id),
                ("name", "=", day),
            ]
        )

    def test_nbr_with_multiplier(self):
        self._feed("nbr", "/nbr")
        self.assertTrue(self.company.action_update_currency_rates())
        # published on 2026-11-24 (the feed's Cube): the rate of the 25th on,
        # as the Romanian rules and OCA's NBR provider date it
        self.assertFalse(self._rate(self.eur))
        # Odoo's rate: units of the currency per 1 RON
        self.assertAlmostEqual(self._rate(self.eur, "2026-11-25").rate, 1 / 5.08)
        self.assertAlmostEqual(self._rate(self.huf, "2026-11-25").rate, 100 / 1.29)
        # what an invoice of the 25th converts at
        self.assertAlmostEqual(
            self.eur._convert(100.0, self.ron, self.company, "2026-11-25", round=False), 508.0
        )
        self.assertTrue(self.company.crm_rate_last_update)
        self.assertFalse(self.company.crm_rate_last_error)
        # twice the same day: updated, not doubled
        self.company.action_update_currency_rates()
        self.assertEqual(len(self._rate(self.eur, "2026-11-25")), 1)

    def test_only_accountants(self):
        user = self.env["res.users"].create(
            {
                "name": "Rates clerk",
                "login": "rates_clerk",
                "groups_id": [(6, 0, self.env.ref("account.group_account_invoice").ids)],
            }
        )
        # a refusal of the user's rights (fault 4 over XML-RPC), as the others
        with self.assertRaises(AccessError):
            self.company.with_user(user).action_update_currency_rates()
        # the settings' button answers a clean error without a record
        with self.assertRaises(UserError):
            self.env["res.config.settings"].action_crm_update_currency_rates()

    def test_ecb_for_a_ron_company(self):
        self._feed("ecb", "/ecb")
        self.company._crm_update_rates()
        self.assertAlmostEqual(self._rate(self.eur).rate, 1 / 5.08)
        self.assertAlmostEqual(self._rate(self.usd).rate, 1.15 / 5.08)

    def test_bad_feeds_store_nothing(self):
        for provider, path, text in (
            ("nbr", "/malformed", "malformed XML"),
            ("nbr", "/namespace", "unknown namespace"),
            ("nbr", "/missing", "network error"),
            ("ecb", "/slow", "network error"),
        ):
            self._feed(provider, path)
            with mute_logger("odoo.addons.crm_finance_cashflow.models.res_company_rates"):
                result = self.company.action_update_currency_rates()
            self.assertIn(text, result["params"]["message"])
            self.assertIn(text, self.company.crm_rate_last_error)
            self.assertFalse(self._rate(self.eur) | self._rate(self.eur, "2026-11-25"), path)

    def test_steps_aside_for_oca_currency_rate_update(self):
        """OCA's module installed (its record as Odoo keeps it, in this
        transaction only): neither the button nor the cron writes a rate."""
        self._feed("ecb", "/ecb")
        Module = self.env["ir.module.module"]
        module = Module.search([("name", "=", "currency_rate_update")]) or Module.create(
            {"name": "currency_rate_update", "shortdesc": "Currency Rate Update"}
        )
        module.state = "installed"
        with self.assertRaisesRegex(UserError, "currency_rate_update"):
            self.company.action_update_currency_rates()
        self.env.ref("crm_finance_cashflow.ir_cron_crm_currency_rates").method_direct_trigger()
        self.assertFalse(self._rate(self.eur))
        self.assertFalse(self.company.crm_rate_last_update)
        self.assertTrue(self.env["res.config.settings"].create({}).crm_rates_by_oca)
        # uninstalled again: the suite's update is back
        module.state = "uninstalled"
        self.assertTrue(self.company.action_update_currency_rates())
        self.assertAlmostEqual(self._rate(self.eur).rate, 1 / 5.08)

    def test_only_own_companies(self):
        """An accountant of another company cannot update this company's rates
        (the update writes as superuser), even one who may read every company
        (Access Rights): refused before any feed is read."""
        self._feed("ecb", "/ecb")
        other = self.env["res.company"].create({"name": "Rates Other Co"})
        accountant = self.env["res.users"].create(
            {
                "name": "Other accountant",
                "login": "rates_other_accountant",
                "company_id": other.id,
                "company_ids": [(6, 0, other.ids)],
                "groups_id": [
                    (
                        6,
                        0,
                        (
                            self.env.ref("account.group_account_manager")
                            | self.env.ref("base.group_erp_manager")
                        ).ids,
                    )
                ],
            }
        )
        with self.assertRaises(AccessError):
            self.company.with_user(accountant).action_update_currency_rates()
        self.assertFalse(self._rate(self.eur))
        self.assertFalse(self.company.crm_rate_last_update)
        self.assertFalse(self.company.crm_rate_last_error)
        # their own company: updated
        other.crm_rate_provider = "ecb"
        self.assertTrue(other.with_user(accountant).action_update_currency_rates())
        self.assertTrue(other.crm_rate_last_update)
        # the cron (superuser) updates every company
        self.env["res.company"]._cron_update_currency_rates()
        self.assertAlmostEqual(self._rate(self.eur).rate, 1 / 5.08)

    def test_branch_rates_on_its_root(self):
        """A branch's rates are its root company's (Odoo reads them there and
        refuses them on a branch): the branch's update stores them on the root,
        the button and the cron alike; a root with a provider of its own
        updates them with it, once for the root and its branches."""
        branch = self.env["res.company"].create(
            {"name": "Rates Branch", "parent_id": self.company.id}
        )
        self.Param.set_param("crm_finance_cashflow.nbr_url", self.base + "/nbr")
        branch.crm_rate_provider = "nbr"
        self.assertTrue(branch.action_update_currency_rates())
        self.assertAlmostEqual(self._rate(self.eur, "2026-11-25").rate, 1 / 5.08)
        self.assertTrue(branch.crm_rate_last_update)
        self.assertFalse(branch.crm_rate_last_error)
        self.assertFalse(
            self.env["res.currency.rate"].search_count([("company_id", "=", branch.id)])
        )
        # what the branch's invoice of the 25th converts at: the root's rate
        self.assertAlmostEqual(
            self.eur._convert(100.0, self.ron, branch, "2026-11-25", round=False), 508.0
        )
        # the root with its own provider (the ECB): the cron updates the root
        # and its branch once, with the root's
        self._feed("ecb", "/ecb")
        other = self.env["res.company"].create(
            {"name": "Rates Other Co", "currency_id": self.ron.id}
        )
        other.crm_rate_provider = "ecb"
        self.env["res.company"]._cron_update_currency_rates()
        self.assertAlmostEqual(self._rate(self.usd).rate, 1.15 / 5.08)
        self.assertFalse((self.company | branch | other).filtered("crm_rate_last_error"))
        self.assertTrue(self.env["res.currency.rate"].search_count([("company_id", "=", other.id)]))

    def test_one_company_refused_the_others_updated(self):
        """A rate Odoo refuses (a ValidationError, not a feed error) for one
        company is kept on it; the other companies are updated, and none of the
        refused company's rates is stored."""
        self._feed("ecb", "/ecb")
        other = self.env["res.company"].create(
            {"name": "Rates Other Co", "currency_id": self.ron.id}
        )
        other.crm_rate_provider = "ecb"
        Company = type(self.env["res.company"])
        original = Company._crm_store_rates

        def refuse_other(company, date, base, rates):
            count = original(company, date, base, rates)
            if company == other:
                # test data, kept out of the catalogues
                raise ValidationError("Refused rate")  # pylint: disable=translation-required
            return count

        with (
            patch.object(Company, "_crm_store_rates", refuse_other),
            mute_logger("odoo.addons.crm_finance_cashflow.models.res_company_rates"),
        ):
            self.env["res.company"]._cron_update_currency_rates()
            result = (self.company | other).action_update_currency_rates()
        self.assertIn("Refused rate", result["params"]["message"])
        self.assertIn("Refused rate", other.crm_rate_last_error)
        self.assertFalse(
            self.env["res.currency.rate"].search_count([("company_id", "=", other.id)])
        )
        self.assertAlmostEqual(self._rate(self.usd).rate, 1.15 / 5.08)
        self.assertFalse(self.company.crm_rate_last_error)

    def test_ecb_feed_without_date_reported_per_company(self):
        """An ECB feed whose day has no date (missing, empty, not a date) is a
        feed that cannot be used: nothing stored, the error kept on the company
        and the other companies updated all the same (it was a NotNullViolation
        on the rate's date that aborted the update of every company)."""
        other = self.env["res.company"].create(
            {"name": "Rates NBR Co", "currency_id": self.ron.id, "crm_rate_provider": "nbr"}
        )
        self.Param.set_param("crm_finance_cashflow.nbr_url", self.base + "/nbr")
        for path in ("/ecb-no-time", "/ecb-empty-time", "/ecb-bad-time"):
            self._feed("ecb", path)
            with mute_logger("odoo.addons.crm_finance_cashflow.models.res_company_rates"):
                result = (self.company | other).action_update_currency_rates()
                self.env["res.company"]._cron_update_currency_rates()
            self.assertIn(self.company.name, result["params"]["message"], path)
            self.assertNotIn(other.name, result["params"]["message"], path)
            self.assertIn("European Central Bank", self.company.crm_rate_last_error, path)
            self.assertFalse(
                self.env["res.currency.rate"].search_count([("company_id", "=", self.company.id)]),
                path,
            )
            self.assertFalse(other.crm_rate_last_error, path)
            self.assertTrue(other.crm_rate_last_update, path)
        self.assertTrue(
            self.env["res.currency.rate"].search_count(
                [("company_id", "=", other.id), ("name", "=", "2026-11-25")]
            )
        )

    def test_one_request_per_feed_for_several_root_companies(self):
        """Root companies of one provider read one feed: the update requests it
        once for them all, whether it answers or fails (it was requested, and
        waited for up to the timeout, once per root company); a root company of
        another provider has its own."""
        other = self.env["res.company"].create(
            {"name": "Rates Other Root", "currency_id": self.ron.id, "crm_rate_provider": "nbr"}
        )
        ecb = self.env["res.company"].create(
            {"name": "Rates ECB Root", "currency_id": self.ron.id, "crm_rate_provider": "ecb"}
        )
        self.Param.set_param("crm_finance_cashflow.ecb_url", self.base + "/ecb")
        companies = self.company | other | ecb
        self._feed("nbr", "/nbr")
        _Handler.paths.clear()
        companies._crm_update_rates()
        self.assertEqual(sorted(_Handler.paths), ["/ecb", "/nbr"])
        # each root company has the feed's rates of its own
        Rate = self.env["res.currency.rate"]
        for company in self.company | other:
            eur = Rate.search(
                [
                    ("currency_id", "=", self.eur.id),
                    ("company_id", "=", company.id),
                    ("name", "=", "2026-11-25"),
                ]
            )
            self.assertAlmostEqual(eur.rate, 1 / 5.08, msg=company.name)
            self.assertTrue(company.crm_rate_last_update, company.name)
        self.assertTrue(Rate.search_count([("company_id", "=", ecb.id)]))
        # the feed fails: requested once, its error kept on each of its companies
        self._feed("nbr", "/missing")
        _Handler.paths.clear()
        with mute_logger("odoo.addons.crm_finance_cashflow.models.res_company_rates"):
            errors = companies._crm_update_rates()
        self.assertEqual(sorted(_Handler.paths), ["/ecb", "/missing"])
        self.assertEqual(len(errors), 2)
        for company in self.company | other:
            self.assertIn("network error", company.crm_rate_last_error, company.name)
            self.assertIn(company.name, company.crm_rate_last_error)
        self.assertFalse(ecb.crm_rate_last_error)

    def test_bad_timeout_setting_uses_the_default(self):
        """A timeout setting that is not a positive number of seconds is logged
        and the default used: the rates are updated (it raised a ValueError
        that aborted the update of every company)."""
        self._feed("ecb", "/ecb")
        for value in ("abc", "0", "-3", "nan", "inf"):
            self.Param.set_param("crm_finance_cashflow.rate_timeout", value)
            with self.assertLogs(
                "odoo.addons.crm_finance_cashflow.models.res_company_rates", "WARNING"
            ) as logs:
                self.assertTrue(self.company.action_update_currency_rates(), value)
            self.assertIn("rate_timeout", logs.output[0])
            self.assertFalse(self.company.crm_rate_last_error, value)
            self.assertAlmostEqual(self._rate(self.usd).rate, 1.15 / 5.08)
            # the daily run reads the same setting: logged again, no error
            with self.assertLogs(
                "odoo.addons.crm_finance_cashflow.models.res_company_rates", "WARNING"
            ):
                self.env["res.company"]._cron_update_currency_rates()
