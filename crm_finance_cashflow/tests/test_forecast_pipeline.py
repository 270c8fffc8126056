from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_contract import ContractCase

COMMITTED = ("opening", "incoming", "outgoing", "net", "cumulative")
WINDOW = {"date_from": "2027-01-01", "date_to": "2027-06-30"}


@tagged("post_install", "-at_install")
class TestForecastPipeline(ContractCase):
    """The weighted pipeline of the cash-flow forecast: open opportunities, apart
    from the committed figures, until a contract or an order takes over."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["crm.cashflow.forecast.report"]
        # finance who may read every opportunity, and finance who is also a
        # salesperson seeing only their own
        cls.finance = new_test_user(
            cls.env,
            login="pipe_finance",
            groups="account.group_account_invoice,sales_team.group_sale_salesman_all_leads",
        )
        cls.finance_own = new_test_user(
            cls.env,
            login="pipe_finance_own",
            groups="account.group_account_invoice,sales_team.group_sale_salesman",
        )
        cls.term = cls.env["account.payment.term"].create(
            {
                "name": "Pipeline 30 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100.0, "nb_days": 30})
                ],
            }
        )
        cls.partner.property_payment_term_id = cls.term
        cls.stage = cls.env["crm.stage"].create({"name": "Pipeline Proposal", "sequence": 1})
        cls.product = cls.env["product.product"].create(
            {"name": "Pipeline Desk", "list_price": 100.0}
        )

    def _lead(self, **vals):
        return self.env["crm.lead"].create(
            dict(
                {
                    "name": "Pipeline Opportunity",
                    "type": "opportunity",
                    "partner_id": self.partner.id,
                    "user_id": self.finance.id,
                    "stage_id": self.stage.id,
                    "expected_revenue": 10000.0,
                    "probability": 40.0,
                    "date_deadline": "2027-01-20",
                },
                **vals,
            )
        )

    def _forecast(self, user=None, **kw):
        kw = dict(WINDOW, **kw)
        return (
            self.env["crm.contract"]
            .with_user(user or self.finance)
            .get_cashflow_forecast(kw.pop("date_from"), kw.pop("date_to"), **kw)
        )

    @staticmethod
    def _by_period(result, key):
        return {p["period"]: p[key] for p in result}

    def _pipeline_delta(self, base, result):
        """What the test's records add to the pipeline, per period (the demo
        opportunities are there too)."""
        before, after = self._by_period(base, "pipeline"), self._by_period(result, "pipeline")
        return {label: round(after[label] - before[label], 2) for label in after}

    def _committed(self, result):
        return [{key: period[key] for key in COMMITTED} for period in result]

    def _rows(self, leads, user=None):
        return self.Report.with_user(user or self.finance).search([("lead_id", "in", leads.ids)])

    def test_weighted_then_contract_takes_over(self):
        base = self._forecast(include_pipeline=True)
        committed = self._committed(self._forecast())
        self.assertEqual(self._committed(base), committed, "the pipeline changes no figure")
        lead = self._lead()
        self.assertEqual(lead.prorated_revenue, 4000.0)
        result = self._forecast(include_pipeline=True)
        # closing 2027-01-20 plus the client's 30 days: February
        delta = self._pipeline_delta(base, result)
        self.assertEqual(delta["2027-02"], 4000.0)
        self.assertEqual(sum(delta.values()), 4000.0)
        self.assertEqual(self._committed(result), committed)
        self.assertEqual(self._committed(self._forecast()), committed)
        self.assertNotIn("pipeline", self._forecast()[1], "the result of before, by default")
        # the report: one row, in its own measure, none of the committed ones
        row = self._rows(lead)
        self.assertEqual(len(row), 1)
        self.assertEqual(
            (row.source, row.kind, row.direction), ("pipeline", "pipeline", "incoming")
        )
        self.assertEqual(row.date, fields.Date.to_date("2027-02-19"))
        self.assertEqual(row.partner_id, self.partner)
        self.assertEqual(
            (row.amount, row.amount_pipeline, row.amount_incoming, row.amount_net),
            (0.0, 4000.0, 0.0, 0.0),
        )
        self.assertEqual(row.action_open_source()["res_model"], "crm.lead")
        self.assertEqual(row.action_open_source()["res_id"], lead.id)
        self.assertFalse(
            self.Report.with_user(self.finance).search(
                [("lead_id", "=", lead.id), ("kind", "=", "committed")]
            )
        )
        # a draft contract changes nothing; activated, its schedule takes over
        contract = self._contract(
            user=self.finance,
            lead_id=lead.id,
            lines=[{"price_unit": 1000.0, "recurrence": "one_off", "date_start": "2027-03-01"}],
            date_start="2027-03-01",
            date_end="2027-12-31",
        )
        self.assertEqual(self._pipeline_delta(base, self._forecast(include_pipeline=True)), delta)
        contract.action_activate()
        after = self._forecast(include_pipeline=True)
        self.assertEqual(set(self._pipeline_delta(base, after).values()), {0.0})
        self.assertFalse(self._rows(lead))
        # the committed figures: the contract's row, the pipeline never
        incoming = self._by_period(after, "incoming")
        self.assertEqual(round(incoming["2027-03"] - committed[3]["incoming"], 2), 1000.0)
        self.assertEqual(self._committed(after), self._committed(self._forecast()))
        # terminated: the opportunity (still open) is in the pipeline again
        contract.action_terminate()
        self.assertEqual(self._pipeline_delta(base, self._forecast(include_pipeline=True)), delta)

    def test_confirmed_order_takes_over(self):
        base = self._forecast(include_pipeline=True)
        lead = self._lead(date_deadline="2027-03-10")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "opportunity_id": lead.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        # a quotation: still the pipeline
        delta = self._pipeline_delta(base, self._forecast(include_pipeline=True))
        self.assertEqual(delta["2027-04"], 4000.0)
        committed = self._committed(self._forecast())
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        after = self._forecast(include_pipeline=True)
        self.assertEqual(set(self._pipeline_delta(base, after).values()), {0.0})
        self.assertEqual(self._committed(after), committed)
        self.assertFalse(self._rows(lead))

    def test_open_opportunities_only(self):
        leads = self._lead(name="Counted")
        won = self._lead(name="Won")
        won.action_set_won()
        lost = self._lead(name="Lost")
        lost.action_set_lost()
        no_probability = self._lead(name="No chance", probability=0.0)
        no_deadline = self._lead(name="Some day", date_deadline=False)
        no_revenue = self._lead(name="No revenue", expected_revenue=0.0)
        plain_lead = self._lead(name="Not qualified", type="lead")
        others = won | lost | no_probability | no_deadline | no_revenue | plain_lead
        rows = (
            self.Report.with_user(self.finance)
            .with_context(active_test=False)
            .search([("lead_id", "in", (leads | others).ids)])
        )
        self.assertEqual(rows.lead_id, leads)
        # without a payment term: the closing date itself; without a company: the
        # current one
        self.partner.property_payment_term_id = False
        companyless = self._lead(name="No company", company_id=False)
        rows = self._rows(leads | companyless)
        self.assertEqual(set(rows.mapped("date")), {fields.Date.to_date("2027-01-20")})
        self.assertEqual(rows.company_id, self.env.company)

    def test_currency(self):
        """Expected revenue is in the opportunity's company currency; the report
        converts it into the current company's, at the current company's rates
        (as Odoo's invoice analysis converts other companies' amounts), the
        method gives each company in its own."""
        main = self.env.company
        foreign = self.env["res.currency"].create({"name": "XPL", "symbol": "P", "rounding": 0.01})
        other = self.env["res.company"].create(
            {"name": "Pipeline XPL Co", "currency_id": foreign.id}
        )
        self.env["res.currency.rate"].create(
            [
                # the current company's rates (the report's, for every company's
                # rows): 1 main = 4 XPL
                {"currency_id": foreign.id, "name": "2020-01-01", "rate": 4.0,
                 "company_id": main.id},
                # the other company's own rates, which the report does not read:
                # 1 XPL = 0.5 of the main currency
                {"currency_id": main.currency_id.id, "name": "2020-01-01", "rate": 0.5,
                 "company_id": other.id},
            ]
        )  # fmt: skip
        self.finance.write({"company_ids": [Command.link(other.id)]})
        ours_before = self._forecast(include_pipeline=True)
        lead = self._lead(
            company_id=other.id, team_id=False, expected_revenue=1000.0, probability=50.0
        )
        self.assertEqual(lead.company_currency, foreign)
        both = self.Report.with_user(self.finance).with_context(
            allowed_company_ids=[main.id, other.id]
        )
        row = both.search([("lead_id", "=", lead.id)])
        self.assertEqual((row.original_currency_id, row.amount_currency), (foreign, 500.0))
        self.assertEqual((row.currency_id, row.amount_pipeline), (main.currency_id, 125.0))
        self.assertEqual(row.company_id, other)
        # the client's term in that company: none there, the closing date itself
        self.assertEqual(row.date, fields.Date.to_date("2027-01-20"))
        theirs = (
            self.env["crm.contract"]
            .with_user(self.finance)
            .with_context(allowed_company_ids=[main.id, other.id])
            .get_cashflow_forecast(
                "2027-01-01", "2027-03-31", company_id=other.id, include_pipeline=True
            )
        )
        self.assertEqual(self._by_period(theirs, "pipeline")["2027-01"], 500.0)
        # the main company's forecast leaves it out
        ours = self._forecast(include_pipeline=True)
        self.assertEqual(ours, ours_before)

    def test_access(self):
        mine = self._lead(name="Mine", user_id=self.finance_own.id)
        theirs = self._lead(
            name="Theirs", user_id=self.other_salesman.id, date_deadline="2027-05-20"
        )
        # every opportunity for finance that reads them all
        self.assertEqual(self._rows(mine | theirs).lead_id, mine | theirs)
        # a salesperson in finance: their own opportunities only
        self.assertEqual(self._rows(mine | theirs, user=self.finance_own).lead_id, mine)
        base = self._forecast(user=self.finance, include_pipeline=True)
        own = self._forecast(user=self.finance_own, include_pipeline=True)
        june = self._by_period(base, "pipeline")
        self.assertEqual(june["2027-06"], self._by_period(own, "pipeline")["2027-06"] + 4000.0)
        theirs.user_id = self.finance_own
        own = self._forecast(user=self.finance_own, include_pipeline=True)
        self.assertEqual(self._by_period(own, "pipeline")["2027-06"], june["2027-06"])
        # finance without access to the CRM: no pipeline rows, the method refuses
        self.assertFalse(self._rows(mine, user=self.billing))
        with self.assertRaises(AccessError):
            self._forecast(user=self.billing, include_pipeline=True)
        self.assertTrue(self._forecast(user=self.billing))
        # not finance: refused, with or without the pipeline
        for include in (True, False):
            with self.assertRaises(AccessError):
                self._forecast(user=self.salesman, include_pipeline=include)
        with self.assertRaises(AccessError):
            self.Report.with_user(self.salesman).search([("kind", "=", "pipeline")])

    def test_bad_input(self):
        for value in ("yes", 1, 0, None, [], {"a": 1}):
            with self.assertRaises(UserError, msg=value):
                self._forecast(include_pipeline=value)

    def test_report_views(self):
        action = self.env.ref("crm_finance_cashflow.crm_cashflow_forecast_report_action")
        self.assertIn("'search_default_committed': 1", action.context)
        views = self.Report.with_user(self.finance).get_views([(False, "search"), (False, "list")])
        search = views["views"]["search"]["arch"]
        for name in ('name="committed"', 'name="pipeline"', "amount_pipeline", "group_by_kind"):
            self.assertIn(name, search)
        self.assertIn("amount_pipeline", views["views"]["list"]["arch"])
