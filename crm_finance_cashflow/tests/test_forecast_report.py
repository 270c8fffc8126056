from collections import defaultdict
from datetime import date

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestCashflowForecastReport(ContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["crm.cashflow.forecast.report"]
        cls.term = cls.env["account.payment.term"].create(
            {
                "name": "Report 30 days",
                "line_ids": [
                    fields.Command.create(
                        {"value": "percent", "value_amount": 100.0, "nb_days": 30}
                    )
                ],
            }
        )

    def _rows(self, contract=None, user=None, **domain):
        dom = [(key, "=", value) for key, value in domain.items()]
        if contract:
            dom.append(("contract_id", "=", contract.id))
        return self.Report.with_user(user or self.billing).search(dom)

    def test_draft_invoice_of_an_ended_contract_still_expected(self):
        """A contract that expires (or is terminated) while its invoice is a
        draft: the invoiced rows stay in the forecast until the invoice is
        posted (then through it) or cancelled."""
        for end in ("expire", "terminate"):
            contract = self._contract(
                date_start="2025-01-01",
                date_end="2025-12-31",
                lines=[{"date_start": "2025-01-01"}],
            )
            contract.action_activate()
            invoice = contract.action_create_invoices(date="2025-12-01")
            self.assertEqual(invoice.state, "draft")
            invoiced = contract.schedule_ids
            self.assertEqual(set(invoiced.mapped("state")), {"invoiced"})
            self.assertEqual(len(invoiced), 12)
            Forecast = self.env["crm.contract"].with_user(self.billing)
            before = Forecast.get_cashflow_forecast("2025-01-01", "2026-12-31")
            if end == "expire":
                self.env["crm.contract"]._cron_expire_and_renew()
                self.assertEqual(contract.state, "expired")
            else:
                contract.with_user(self.billing).action_terminate()
            rows = self._rows(contract)
            self.assertEqual(rows.schedule_id, invoiced, end)
            self.assertEqual(sum(rows.mapped("amount_incoming")), 1200.0, end)
            self.assertEqual(Forecast.get_cashflow_forecast("2025-01-01", "2026-12-31"), before)
            invoice.action_post()
            self.assertEqual(self._rows(contract).invoice_id, invoice, end)
            self.assertFalse(self._rows(contract).schedule_id, end)

    def test_sources_once_each(self):
        contract = self._contract(payment_term_id=self.term.id)
        contract.action_activate()
        rows = self._rows(contract)
        self.assertEqual(len(rows), 12)
        self.assertEqual(set(rows.mapped("source")), {"schedule"})
        self.assertEqual(set(rows.mapped("direction")), {"incoming"})
        january = rows.filtered(lambda r: r.schedule_id.date == fields.Date.to_date("2026-01-01"))
        self.assertEqual(january.date, fields.Date.to_date("2026-01-31"), "date + payment term")
        self.assertEqual(january.schedule_id.date_due, january.date)
        self.assertEqual(
            (january.amount, january.amount_incoming, january.amount_outgoing), (100, 100, 0)
        )
        self.assertTrue(january.is_overdue)
        # invoiced: the row leaves, its invoice comes in (once)
        invoice = contract.action_create_invoices(date="2026-01-01")
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(self._rows(contract), rows, "a draft invoice: still through its row")
        invoice.action_post()
        rows = self._rows(contract)
        self.assertEqual(len(rows), 12)
        self.assertEqual(rows.filtered(lambda r: r.source == "invoice").invoice_id, invoice)
        self.assertNotIn(january.schedule_id, rows.schedule_id)
        # a planned payment of the whole invoice stands for it
        payment = (
            self.env["crm.planned.payment"]
            .with_user(self.billing)
            .create(
                {
                    "name": "Promised",
                    "direction": "incoming",
                    "partner_id": self.partner.id,
                    "amount": 100.0,
                    "date": "2026-02-10",
                    "invoice_id": invoice.id,
                    "contract_id": contract.id,
                }
            )
        )
        rows = self._rows(contract)
        self.assertEqual(len(rows), 12)
        self.assertFalse(rows.filtered(lambda r: r.source == "invoice"))
        self.assertEqual(
            rows.filtered(lambda r: r.source == "planned_payment").planned_payment_id, payment
        )
        # a supplier contract goes out
        supplier = self._contract(contract_type="supplier")
        supplier.action_activate()
        out = self._rows(supplier)
        self.assertEqual(set(out.mapped("direction")), {"outgoing"})
        self.assertEqual(out[:1].amount_net, -100.0)

    def test_drill_down(self):
        contract = self._contract()
        contract.action_activate()
        invoice = contract.action_create_invoices(date="2026-01-01")
        invoice.action_post()
        payment = (
            self.env["crm.planned.payment"]
            .with_user(self.billing)
            .create({"name": "Rent", "direction": "outgoing", "amount": 10, "date": "2026-05-01"})
        )
        rows = self._rows(contract) | self._rows(planned_payment_id=payment.id)
        opened = {
            row.source: (action["res_model"], action["res_id"])
            for row in rows
            for action in [row.action_open_source()]
        }
        self.assertEqual(opened["invoice"], ("account.move", invoice.id))
        self.assertEqual(opened["planned_payment"], ("crm.planned.payment", payment.id))
        model, res_id = opened["schedule"]
        self.assertEqual(model, "crm.contract.schedule")
        self.assertIn(res_id, contract.schedule_ids.ids)

    def test_foreign_amounts_at_todays_rate(self):
        foreign = self.env["res.currency"].create({"name": "XFR", "symbol": "F", "rounding": 0.01})
        self.env["res.currency.rate"].create(
            [
                {"currency_id": foreign.id, "name": "2020-01-01", "rate": 4.0},
                {"currency_id": foreign.id, "name": "2099-01-01", "rate": 100.0},
            ]
        )
        contract = self._contract(currency_id=foreign.id)
        contract.action_activate()
        rows = self._rows(contract)
        self.assertEqual(set(rows.original_currency_id.ids), {foreign.id})
        self.assertEqual(set(rows.currency_id.ids), {self.env.company.currency_id.id})
        self.assertEqual(set(rows.mapped("amount_currency")), {100.0})
        self.assertEqual(set(rows.mapped("amount")), {25.0}, "today's rate 4, not 2099's")

    def test_method_sums_the_report(self):
        contract = self._contract(payment_term_id=self.term.id)
        contract.action_activate()
        forecast = (
            self.env["crm.contract"]
            .with_user(self.billing)
            .get_cashflow_forecast("2026-01-01", "2026-12-31")
        )
        grouped = {
            month.strftime("%Y-%m"): (incoming, outgoing)
            for month, incoming, outgoing in self.Report.with_user(self.billing)._read_group(
                [
                    ("company_id", "=", self.env.company.id),
                    ("date", ">=", "2026-01-01"),
                    ("date", "<=", "2026-12-31"),
                ],
                ["date:month"],
                ["amount_incoming:sum", "amount_outgoing:sum"],
            )
        }
        # and the money already posted in the period (the bank and cash journals)
        posted = defaultdict(lambda: {"incoming": 0.0, "outgoing": 0.0})
        for month, direction, amount in self.env["crm.contract"]._forecast_posted(
            self.env.company, date(2026, 1, 1), date(2026, 12, 31), "month"
        ):
            posted[month.strftime("%Y-%m")][direction] += amount
        for period in forecast[1:]:
            incoming, outgoing = grouped.get(period["period"], (0.0, 0.0))
            moved = posted[period["period"]]
            self.assertAlmostEqual(period["incoming"], incoming + moved["incoming"], places=2)
            self.assertAlmostEqual(period["outgoing"], outgoing + moved["outgoing"], places=2)
        self.assertEqual(self._rows(contract).mapped("date")[-1].isoformat(), "2026-12-31")

    def test_access_and_companies(self):
        contract = self._contract()
        contract.action_activate()
        with self.assertRaises(AccessError):
            self.Report.with_user(self.salesman).search([])
        other = self.env["res.company"].create({"name": "Report Other Co"})
        outsider = new_test_user(
            self.env,
            login="ctr_report_other",
            groups="account.group_account_invoice",
            company_id=other.id,
            company_ids=[fields.Command.set(other.ids)],
        )
        self.assertFalse(self._rows(contract, user=outsider))
        self.assertFalse(
            self.Report.with_user(outsider).search([("company_id", "=", self.env.company.id)])
        )
        self.assertTrue(self._rows(contract))

    def test_companies_in_the_current_currency(self):
        """With two companies of different currencies selected, every row is in the
        current company's currency at the current company's rates, whichever
        company it is of, as Odoo's invoice analysis converts them (the other
        company's own rates converted its rows), so that the pivot adds like
        amounts; the method still gives each company in its own currency."""
        foreign = self.env["res.currency"].create({"name": "XOC", "symbol": "O", "rounding": 0.01})
        main = self.env.company
        other = self.env["res.company"].create({"name": "Report XOC Co", "currency_id": foreign.id})
        self.env["res.currency.rate"].create(
            [
                # main's rates: 1 main = 4 XOC; the other company's own rates: 1 XOC = 1/5 main
                {"currency_id": foreign.id, "name": "2020-01-01", "rate": 4.0,
                 "company_id": main.id},
                {"currency_id": main.currency_id.id, "name": "2020-01-01", "rate": 0.2,
                 "company_id": other.id},
            ]
        )  # fmt: skip
        self.billing.write({"company_ids": [fields.Command.link(other.id)]})
        partner = self.env["res.partner"].create({"name": "XOC Client", "company_id": other.id})
        contract = self._contract(
            partner_id=partner.id, company_id=other.id, currency_id=foreign.id
        )
        contract.action_activate()
        ours = self._contract()
        ours.action_activate()
        both = self.Report.with_user(self.billing).with_context(
            allowed_company_ids=[main.id, other.id]
        )
        rows = both.search([("contract_id", "in", (contract | ours).ids)])
        self.assertEqual(len(rows), 24)
        self.assertEqual(set(rows.currency_id.ids), {main.currency_id.id})
        theirs = rows.filtered(lambda r: r.company_id == other)
        self.assertEqual(set(theirs.mapped("amount_currency")), {100.0})
        self.assertEqual(set(theirs.mapped("amount")), {25.0}, "the current company's rates")
        self.assertEqual(set((rows - theirs).mapped("amount")), {100.0})
        # the other company current: everything in XOC (a new request: a fresh cache)
        self.Report.invalidate_model()
        rows = both.with_context(allowed_company_ids=[other.id, main.id]).search(
            [("contract_id", "in", (contract | ours).ids)]
        )
        self.assertEqual(set(rows.currency_id.ids), {foreign.id})
        # at the other company's rates now: 1 XOC = 0.2 of main's currency
        self.assertEqual(
            set(rows.filtered(lambda r: r.company_id == main).mapped("amount")), {500.0}
        )
        self.assertEqual(
            set(rows.filtered(lambda r: r.company_id == other).mapped("amount")), {100.0}
        )
        # the method: one company, its own currency
        forecast = (
            self.env["crm.contract"]
            .with_user(self.billing)
            .with_context(allowed_company_ids=[main.id, other.id])
            .get_cashflow_forecast("2026-01-01", "2026-12-31", company_id=other.id)
        )
        january = next(p for p in forecast if p["period"] == "2026-01")
        self.assertEqual(january["incoming"], 100.0)

    def test_views_load(self):
        views = self.Report.with_user(self.billing).get_views(
            [(False, "pivot"), (False, "graph"), (False, "list"), (False, "search")]
        )
        self.assertEqual(set(views["views"]), {"pivot", "graph", "list", "search"})
        action = self.env.ref("crm_finance_cashflow.crm_cashflow_forecast_report_action")
        self.assertIn("today's rate", action.help)
