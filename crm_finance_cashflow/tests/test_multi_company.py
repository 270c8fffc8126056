import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestForecastRatesAndCompanies(ContractCase):
    """A second company in another currency: the forecast never converts an
    amount without a rate one for one, the methods keep to the selected
    companies, a contract's lead is of its company, and a contract whose lead
    its user cannot read is duplicated without it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main = cls.env.company
        cls.uah = cls.env.ref("base.UAH")
        cls.gbp = cls.env.ref("base.GBP")
        (cls.uah | cls.gbp).active = True
        Rate = cls.env["res.currency.rate"]
        cls.ua = cls.env["res.company"].create(
            {"name": "Forecast UA Co", "currency_id": cls.uah.id}
        )
        # GBP has a rate in the main company only (none shared, none of the
        # Ukrainian company), nor has the main company's currency in it
        Rate.search(
            [
                ("currency_id", "in", (cls.gbp | cls.main.currency_id).ids),
                ("company_id", "=", False),
            ]
        ).unlink()
        cls._rate(cls.gbp, 0.5, cls.main)
        cls.billing.write({"company_ids": [Command.link(cls.ua.id)]})
        cls.ua_client = cls.env["res.partner"].create({"name": "Kyiv Client"})

    @classmethod
    def _rate(cls, currency, rate, company):
        return cls.env["res.currency.rate"].create(
            {
                "currency_id": currency.id,
                "name": "2020-01-01",
                "rate": rate,
                "company_id": company.id,
            }
        )

    def _ua_contract(self, currency, company=None):
        """An active contract of the Ukrainian company (or ``company``): 100 in
        ``currency`` in January 2026."""
        company = company or self.ua
        contract = (
            self.env["crm.contract"]
            .with_user(self.billing)
            .with_context(allowed_company_ids=company.ids)
            .create(
                {
                    "partner_id": self.ua_client.id,
                    "company_id": company.id,
                    "currency_id": currency.id,
                    "date_start": "2026-01-01",
                    "date_end": "2026-12-31",
                    "line_ids": [
                        Command.create(
                            {
                                "name": "Setup",
                                "price_unit": 100.0,
                                "recurrence": "one_off",
                                "date_start": "2026-01-01",
                            }
                        )
                    ],
                }
            )
        )
        contract.action_activate()
        return contract

    def _forecast(self, companies, **kw):
        return (
            self.env["crm.contract"]
            .with_user(self.billing)
            .with_context(allowed_company_ids=companies.ids)
            .get_cashflow_forecast("2026-01-01", "2026-12-31", granularity="year", **kw)
        )

    def _report(self, companies):
        report = self.env["crm.cashflow.forecast.report"]
        report.invalidate_model()  # a view: its cached rows do not follow the sources
        return report.with_user(self.billing).with_context(allowed_company_ids=companies.ids)

    # --- no rate, no conversion ------------------------------------------------

    def test_currency_without_rate_refused(self):
        """A GBP contract of a company in UAH while GBP has a rate in another
        company only: the forecast and its report refuse it, naming the
        currency and the company, as Create Invoices does (they showed 100 GBP
        as 100 UAH); with a rate, it converts."""
        contract = self._ua_contract(self.gbp)
        message = r"no exchange rate of GBP on or before \S+ in Forecast UA Co"
        with self.assertRaisesRegex(UserError, message):
            self._forecast(self.ua)
        report = self._report(self.ua)
        with self.assertRaisesRegex(UserError, message):
            report.search([("contract_id", "=", contract.id)])
        with self.assertRaisesRegex(UserError, message):
            report.read_group([], ["amount_incoming:sum"], ["date:month"])
        with self.assertRaisesRegex(UserError, "no exchange rate of GBP"):
            contract.action_create_invoices(date="2026-02-01")
        # 1 UAH = 0.02 GBP: 100 GBP are 5,000 UAH
        self._rate(self.gbp, 0.02, self.ua)
        [_overdue, year] = self._forecast(self.ua)
        self.assertEqual(year["incoming"], 5000.0)
        rows = self._report(self.ua).search([("contract_id", "=", contract.id)])
        self.assertEqual(rows.mapped("amount"), [5000.0])
        self.assertEqual(rows.mapped("amount_currency"), [100.0])

    def test_other_companies_at_the_current_companys_rates(self):
        """The main company current with the Ukrainian one selected too: the
        Ukrainian rows in UAH are converted at the main company's rate of UAH,
        as Odoo's invoice analysis converts other companies' amounts, whatever
        rates the Ukrainian company has (here none at all: it refused the
        report, asking for a rate of the main company's currency in the
        Ukrainian company). Without a rate of UAH in the main company, the
        report is refused naming UAH and the main company."""
        target = self.main.currency_id
        self.assertFalse(
            self.env["res.currency.rate"].search_count([("company_id", "=", self.ua.id)])
        )
        contract = self._ua_contract(self.uah)
        [_overdue, year] = self._forecast(self.ua)
        self.assertEqual(year["incoming"], 100.0, "in its own company: no rate needed")
        both = self.main | self.ua
        # 1 of the main company's currency = 40 UAH (the main company's rate)
        rate = self._rate(self.uah, 40.0, self.main)
        rows = self._report(both).search([("contract_id", "=", contract.id)])
        self.assertEqual(rows.mapped("amount"), [2.5])
        self.assertEqual(rows.mapped("amount_currency"), [100.0])
        self.assertEqual(rows.currency_id, target)
        # the Ukrainian company's own rates do not change the main company's figures
        self._rate(target, 0.025, self.ua)
        rows = self._report(both).search([("contract_id", "=", contract.id)])
        self.assertEqual(rows.mapped("amount"), [2.5])
        # no rate of UAH in the main company (none shared either): refused
        self.env["res.currency.rate"].search(
            [("currency_id", "=", self.uah.id), ("company_id", "in", [False, self.main.id])]
        ).unlink()
        self.assertFalse(rate.exists())
        with self.assertRaisesRegex(
            UserError,
            rf"no exchange rate of UAH on or before \S+ in {re.escape(self.main.name)}",
        ):
            self._report(both).search([("contract_id", "=", contract.id)])
        # the Ukrainian company current: the main company's rows at its rates
        # (1 UAH = 0.025 of the main company's currency), which it has
        self.assertEqual(self._forecast(self.ua)[1]["incoming"], 100.0)
        ours = self._contract(currency_id=target.id)
        ours.action_activate()
        rows = self._report(self.ua | self.main).search([("contract_id", "=", ours.id)])
        self.assertEqual(set(rows.mapped("amount")), {4000.0})
        self.assertEqual(rows.currency_id, self.uah)

    def test_company_without_rates_blocks_only_its_own_report(self):
        """A company without any rate does not block the report of another one
        that selects it: its rows convert at the current company's rates. Its
        own report (it current) needs its rates of the others' currencies."""
        bare = self.env["res.company"].create(
            {"name": "Forecast Bare Co", "currency_id": self.gbp.id}
        )
        self.billing.write({"company_ids": [Command.link(bare.id)]})
        contract = self._ua_contract(self.gbp, company=bare)
        self.assertFalse(self.env["res.currency.rate"].search_count([("company_id", "=", bare.id)]))
        # the main company's rate of GBP (setUpClass): 1 main = 0.5 GBP
        rows = self._report(self.main | bare).search([("contract_id", "=", contract.id)])
        self.assertEqual(rows.mapped("amount"), [200.0])
        ours = self._contract(currency_id=self.main.currency_id.id)
        ours.action_activate()
        with self.assertRaisesRegex(
            UserError,
            r"no exchange rate of \S+ on or before \S+ in Forecast Bare Co",
        ):
            self._report(bare | self.main).search([("contract_id", "=", ours.id)])

    def test_planned_payment_in_a_currency_without_rate_refused(self):
        """A planned payment of an open invoice in a currency whose rate was
        deleted since it was planned: its amount is not taken off the
        invoice's one for one, the forecast refuses it (planned without a
        rate, it is refused when created)."""
        foreign = self.env["res.currency"].create({"name": "XNR", "symbol": "N", "rounding": 0.01})
        rate = self._rate(foreign, 1.0, self.main)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "invoice_date": "2026-01-15",
                "invoice_date_due": "2026-01-15",
                "currency_id": self.main.currency_id.id,
                "invoice_line_ids": [
                    Command.create({"name": "Work", "price_unit": 1000.0, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        self._forecast(self.main)
        self.env["crm.planned.payment"].with_user(self.billing).create(
            {
                "name": "Part in XNR",
                "direction": "incoming",
                "partner_id": self.partner.id,
                "amount": 200.0,
                "currency_id": foreign.id,
                "date": "2026-03-01",
                "invoice_id": invoice.id,
            }
        )
        rate.unlink()
        # the company's name as it is (the demo's has parentheses)
        message = rf"no exchange rate of XNR on or before \S+ in {re.escape(self.main.name)}"
        with self.assertRaisesRegex(UserError, message):
            self._forecast(self.main)
        with self.assertRaisesRegex(UserError, message):
            self._report(self.main).search([("invoice_id", "=", invoice.id)])

    # --- the selected companies --------------------------------------------------

    def test_explicit_company_within_the_selected_ones(self):
        """A company given by its id is one of the selected companies
        (allowed_company_ids), not any company of the user."""
        with self.assertRaisesRegex(AccessError, "no access to that company"):
            self._forecast(self.ua, company_id=self.main.id)
        self.assertTrue(self._forecast(self.ua | self.main, company_id=self.main.id))
        accountant = new_test_user(
            self.env,
            login="ctr_mc_accountant",
            groups="account.group_account_manager",
            company_id=self.ua.id,
            company_ids=[Command.set((self.ua | self.main).ids)],
        )
        self.main.crm_rate_provider = "none"
        with self.assertRaisesRegex(AccessError, "not one of your selected companies"):
            self.main.with_user(accountant).with_context(
                allowed_company_ids=self.ua.ids
            ).action_update_currency_rates()
        self.assertIs(
            self.main.with_user(accountant)
            .with_context(allowed_company_ids=self.main.ids)
            .action_update_currency_rates(),
            True,
        )

    # --- the contract's lead -------------------------------------------------------

    def test_lead_of_the_contracts_company(self):
        """A contract's lead is of the contract's company (or of none), by a plain
        create or write too; New Contract gives the contract its lead's company."""
        lead = self.env["crm.lead"].create({"name": "Main lead", "company_id": self.main.id})
        Contract = self.env["crm.contract"].with_context(
            allowed_company_ids=(self.main | self.ua).ids
        )
        vals = {"partner_id": self.ua_client.id, "company_id": self.ua.id}
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            Contract.create(dict(vals, lead_id=lead.id))
        draft = Contract.create(vals)
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            draft.write({"lead_id": lead.id})
        shared = self.env["crm.lead"].create({"name": "Shared lead", "company_id": False})
        draft.write({"lead_id": shared.id})
        self.assertEqual(draft.lead_id, shared)
        self.assertIn("company_id", Contract._fields["lead_id"]._description_domain(self.env))
        # New Contract from a Ukrainian lead, the main company current
        self.salesman.write({"company_ids": [Command.link(self.ua.id)]})
        ua_lead = (
            self.env["crm.lead"]
            .with_context(allowed_company_ids=(self.ua | self.main).ids)
            .create(
                {
                    "name": "Kyiv lead",
                    "partner_id": self.ua_client.id,
                    "type": "opportunity",
                    "company_id": self.ua.id,
                }
            )
        )
        deadline = fields.Datetime.now().replace(microsecond=0) + timedelta(days=1)
        ua_lead.activate(self.salesman.id, fields.Datetime.to_string(deadline))
        form_ctx = ua_lead.open_responsibility_id.action_new_contract()["context"]
        self.assertEqual(form_ctx["default_company_id"], self.ua.id)
        contract = Contract.with_context(**form_ctx).create({})
        self.assertEqual((contract.company_id, contract.lead_id), (self.ua, ua_lead))

    # --- Duplicate -------------------------------------------------------------------

    def test_duplicate_without_a_lead_its_user_cannot_read(self):
        """An accountant who does not read the leads duplicates a contract without
        its lead (it was an AccessError on crm.lead); a user who reads the lead
        keeps it; a lead given explicitly is checked as given."""
        lead = self.env["crm.lead"].create({"name": "Sales lead", "user_id": self.salesman.id})
        contract = self._contract(user=self.salesman, user_id=self.salesman.id, lead_id=lead.id)
        self.assertFalse(self.env["crm.lead"].with_user(self.billing).has_access("read"))
        duplicate = contract.with_user(self.billing).copy()
        self.assertFalse(duplicate.lead_id)
        self.assertEqual(duplicate.line_ids.mapped("price_unit"), [100.0])
        self.assertEqual(contract.lead_id, lead)
        self.assertEqual(contract.with_user(self.salesman).copy().lead_id, lead)
        with self.assertRaises(AccessError):
            contract.with_user(self.billing).copy({"lead_id": lead.id})
