import logging
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm_suite_base.tests.common import load_migration

from .common import ContractRaceCase
from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestContractInvoicing(ContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.foreign = cls.env["res.currency"].create(
            {"name": "XCT", "symbol": "X", "rounding": 0.01}
        )
        cls.env["res.currency.rate"].create(
            [
                {"currency_id": cls.foreign.id, "name": "2026-01-01", "rate": 2.0},
                {"currency_id": cls.foreign.id, "name": "2026-03-01", "rate": 4.0},
            ]
        )

    def test_foreign_currency_at_the_invoice_date_rate(self):
        contract = self._contract(currency_id=self.foreign.id)
        contract.action_activate()
        moves = contract.action_create_invoices(date="2026-01-20")
        self.assertEqual(len(moves), 1)
        self.assertEqual(moves.currency_id, self.foreign)
        self.assertEqual(moves.amount_untaxed, 100.0)
        self.assertAlmostEqual(moves.amount_untaxed_signed, 50.0, msg="rate 2 on Jan 20")
        march = contract.action_create_invoices(date="2026-03-05")
        self.assertAlmostEqual(
            sum(march.mapped("amount_untaxed_signed")), 2 * 100.0 / 4.0, msg="rate 4 in March"
        )
        # twice: nothing more
        self.assertFalse(contract.action_create_invoices(date="2026-03-05"))
        self.assertEqual(len(contract.schedule_ids.filtered(lambda r: r.state == "invoiced")), 3)

    def test_missing_rate(self):
        other = self.env["res.currency"].create({"name": "XNR", "symbol": "N", "rounding": 0.01})
        contract = self._contract(currency_id=other.id)
        contract.action_activate()
        # the date as the user's language writes it
        with self.assertRaisesRegex(UserError, "XNR on or before 01/20/2026"):
            contract.action_create_invoices(date="2026-01-20")
        self.assertFalse(contract.schedule_ids.invoice_id)

    def test_supplier_contract_bills(self):
        contract = self._contract(contract_type="supplier")
        contract.action_activate()
        moves = contract.action_create_invoices(date="2026-01-31")
        self.assertEqual(moves.move_type, "in_invoice")

    def test_alerts_once(self):
        contract = self._contract(
            contract_type="supplier",
            date_end=fields.Date.to_string(fields.Date.today() + timedelta(days=10)),
            lines=[
                {
                    "recurrence": "one_off",
                    "date_start": fields.Date.to_string(fields.Date.today() + timedelta(days=3)),
                }
            ],
            date_start=fields.Date.to_string(fields.Date.today()),
        )
        contract.action_activate()
        Contract = self.env["crm.contract"]
        Contract._cron_alerts()
        Contract._cron_alerts()
        self.assertEqual(len(contract.activity_ids), 2, "one for the end, one for the bill")

    def test_direct_state_writes(self):
        """Why account.move keeps a ``write`` override: a client writing the state
        directly, even with the context key that switches off Odoo's hook after a
        move's write (``_synchronize_business_models``), gets the rows back, and
        cannot reset such an invoice to draft."""
        contract = self._contract()
        contract.action_activate()
        invoice = contract.action_create_invoices(date="2026-02-01")
        rows = invoice.line_ids.crm_contract_schedule_id
        self.assertEqual(len(rows), 2)
        invoice.with_user(self.billing).with_context(skip_account_move_synchronization=True).write(
            {"state": "cancel"}
        )
        self.assertEqual(set(rows.mapped("state")), {"planned"})
        self.assertFalse(invoice.line_ids.crm_contract_schedule_id)
        self.assertTrue(invoice.crm_contract_rows_released)
        for context in ({}, {"skip_account_move_synchronization": True}):
            with self.assertRaisesRegex(UserError, "gave its schedule rows back"):
                invoice.with_user(self.billing).with_context(**context).write({"state": "draft"})
        self.assertEqual(invoice.state, "cancel")
        # button_draft's own check refuses it, before anything is undone
        with self.assertRaisesRegex(UserError, "gave its schedule rows back"):
            invoice.with_user(self.billing)._check_draftable()

    def test_invoice_values_hook(self):
        """``_prepare_invoice_values``: an addon adds a narration; still one
        invoice per contract, in its currency, and never twice."""
        Contract = type(self.env["crm.contract"])
        original = Contract._prepare_invoice_values

        def with_narration(contract, rows, date):
            vals = original(contract, rows, date)
            vals["narration"] = f"{contract.name}: {len(rows)} rows to {date}"
            return vals

        first = self._contract(currency_id=self.foreign.id)
        second = self._contract()
        contracts = first | second
        contracts.action_activate()
        with patch.object(Contract, "_prepare_invoice_values", with_narration):
            moves = contracts.action_create_invoices(date="2026-03-15")
            self.assertFalse(contracts.action_create_invoices(date="2026-03-15"))
        self.assertEqual(len(moves), 2)
        for contract in contracts:
            move = moves.filtered(lambda m, c=contract: m.invoice_origin == c.name)
            self.assertEqual(move.currency_id, contract.currency_id)
            self.assertIn(f"{contract.name}: 3 rows to 2026-03-15", str(move.narration))
            self.assertEqual(move.invoice_line_ids.crm_contract_schedule_id.invoice_id, move)
        # the rate of the invoice date (4 XCT for 1 since March)
        self.assertAlmostEqual(
            moves.filtered(lambda m: m.currency_id == self.foreign).amount_untaxed_signed, 75.0
        )

    def test_invoice_line_values_hook(self):
        """``_prepare_invoice_line_values``: an addon names each line after its
        row's date and gives a discount."""
        Contract = type(self.env["crm.contract"])
        original = Contract._prepare_invoice_line_values

        def dated_lines(contract, row):
            vals = original(contract, row)
            vals.update(name=f"{vals['name']} ({row.date:%Y-%m})", discount=10.0)
            return vals

        contract = self._contract()
        contract.action_activate()
        with patch.object(Contract, "_prepare_invoice_line_values", dated_lines):
            move = contract.action_create_invoices(date="2026-02-01")
        self.assertEqual(
            sorted(move.invoice_line_ids.mapped("name")),
            ["Maintenance (2026-01)", "Maintenance (2026-02)"],
        )
        self.assertEqual(move.amount_untaxed, 180.0)
        self.assertEqual(
            set(move.invoice_line_ids.crm_contract_schedule_id.mapped("state")), {"invoiced"}
        )

    def test_missing_rate_of_another_company(self):
        """Contracts of two companies invoiced together: each converts with its
        own company's rates, so a missing rate of the second company is refused
        (as it is when that contract is invoiced alone), never taken as 1.0."""
        other = self.env["res.company"].create(
            {"name": "Invoicing Other Co", "currency_id": self.company.currency_id.id}
        )
        self.env["account.chart.template"].try_loading("generic_coa", other, install_demo=False)
        self.billing.write({"company_ids": [Command.link(other.id)]})
        both = (self.company | other).ids
        first = self._contract(currency_id=self.foreign.id)
        second = self._contract(
            currency_id=self.foreign.id,
            company_id=other.id,
            user=self.billing.with_context(allowed_company_ids=both),
        )
        contracts = (first | second).with_user(self.billing).with_context(allowed_company_ids=both)
        contracts.action_activate()
        with self.assertRaises(UserError) as refused:
            contracts.action_create_invoices(date="2026-01-20")
        self.assertIn(other.name, str(refused.exception))
        self.assertIn("XCT on or before 01/20/2026", str(refused.exception))
        self.assertFalse(contracts.schedule_ids.invoice_id)
        # with the second company's own rate: each at its company's rate
        self.env["res.currency.rate"].create(
            {
                "currency_id": self.foreign.id,
                "name": "2026-01-01",
                "rate": 5.0,
                "company_id": other.id,
            }
        )
        moves = contracts.action_create_invoices(date="2026-01-20")
        self.assertEqual(len(moves), 2)
        signed = {move.company_id: move.amount_untaxed_signed for move in moves}
        self.assertAlmostEqual(signed[self.company], 50.0)
        self.assertAlmostEqual(signed[other], 20.0)

    def test_branch_converts_with_its_root_rates(self):
        """A branch's contract in a foreign currency: Odoo converts it with the
        root company's rates (a branch has none of its own), so the missing-rate
        check reads them there too."""
        branch = self.env["res.company"].create(
            {"name": "Invoicing Branch", "parent_id": self.company.id}
        )
        self.billing.write({"company_ids": [Command.link(branch.id)]})
        both = (self.company | branch).ids
        billing = self.billing.with_context(allowed_company_ids=both)
        contract = self._contract(currency_id=self.foreign.id, company_id=branch.id, user=billing)
        contract.action_activate()
        move = contract.action_create_invoices(date="2026-01-20")
        self.assertEqual(move.company_id, branch)
        # the root's rate of January: 2 XCT for 1
        self.assertAlmostEqual(move.amount_untaxed_signed, 50.0)
        # a currency without a rate at the root: refused, naming the root
        no_rate = self.env["res.currency"].create({"name": "XBR", "symbol": "B", "rounding": 0.01})
        other = self._contract(currency_id=no_rate.id, company_id=branch.id, user=billing)
        other.action_activate()
        with self.assertRaises(UserError) as refused:
            other.action_create_invoices(date="2026-01-20")
        self.assertIn(
            f"XBR on or before 01/20/2026 in {self.company.name}:", str(refused.exception)
        )


@tagged("post_install", "-at_install")
class TestDoubleInvoicingRace(ContractCase, ContractRaceCase):
    """Two workers invoice the same contract at the same time: one invoices, the
    other is refused; no row is invoiced twice."""

    def test_two_workers(self):
        [contract_id] = self._committed_contracts(
            "Race Contract Client", date_start="2026-01-01", date_end="2026-12-31"
        )
        with self._racing_envs() as (env1, env2):
            env1["crm.contract"].browse(contract_id).action_create_invoices(date="2026-02-01")
            # the second worker finds the rows locked by the first
            with self.assertRaisesRegex(UserError, "being invoiced right now"):
                env2["crm.contract"].browse(contract_id).action_create_invoices(date="2026-02-01")
            env2.cr.rollback()
            env1.cr.commit()
            # after the first commits, the rows are invoiced: nothing more
            env2.invalidate_all()
            self.assertFalse(
                env2["crm.contract"].browse(contract_id).action_create_invoices(date="2026-02-01")
            )
            env2.cr.rollback()
        with self._committed_env() as env3:
            env3.cr.execute(
                "SELECT crm_contract_schedule_id, count(*) FROM account_move_line "
                "WHERE crm_contract_schedule_id IN (SELECT id FROM crm_contract_schedule "
                "WHERE contract_id = %s) GROUP BY 1",
                [contract_id],
            )
            rows = env3.cr.fetchall()
            self.assertEqual(len(rows), 2)
            self.assertTrue(all(count == 1 for _row, count in rows))

    def test_cancelled_or_deleted_invoice_gives_rows_back(self):
        contract = self._contract()
        contract.action_activate()
        invoice = contract.action_create_invoices(date="2026-02-01")
        rows = contract.schedule_ids.filtered(lambda r: r.invoice_id == invoice)
        self.assertEqual(len(rows), 2)
        # cancelled: planned again, and invoiced again by the next run (no index clash)
        invoice.with_user(self.billing).button_cancel()
        self.assertEqual(set(rows.mapped("state")), {"planned"})
        self.assertFalse(rows.invoice_id)
        self.assertFalse(invoice.line_ids.crm_contract_schedule_id)
        again = contract.action_create_invoices(date="2026-02-01")
        self.assertEqual(rows.invoice_id, again)
        self.assertEqual(set(rows.mapped("state")), {"invoiced"})
        # deleted: the same
        again.with_user(self.billing).unlink()
        self.assertEqual(set(rows.mapped("state")), {"planned"})
        # it stays cancelled: reset to draft, it would invoice the rows twice
        with self.assertRaisesRegex(UserError, "gave its schedule rows back"):
            invoice.with_user(self.billing).button_draft()
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            invoice.with_user(self.billing).write({"crm_contract_rows_released": False})
        self.assertEqual(invoice.state, "cancel")
        # the state written directly, as XML-RPC can: the same
        fourth = contract.action_create_invoices(date="2026-02-01")
        fourth.with_user(self.billing).write({"state": "cancel"})
        self.assertEqual(fourth.state, "cancel")
        self.assertEqual(set(rows.mapped("state")), {"planned"})
        self.assertFalse(fourth.line_ids.crm_contract_schedule_id)
        # the contract terminated meanwhile: the rows of a cancelled invoice are cancelled
        third = contract.action_create_invoices(date="2026-02-01")
        contract.action_terminate()
        third.button_cancel()
        self.assertEqual(set(rows.mapped("state")), {"cancelled"})
        self.assertFalse(contract.schedule_ids.filtered(lambda r: r.state == "planned"))

    def test_invoice_line_link_is_guarded(self):
        contract = self._contract()
        contract.action_activate()
        invoice = contract.action_create_invoices(date="2026-01-01")
        line = invoice.invoice_line_ids
        row = line.crm_contract_schedule_id
        self.assertTrue(row)
        other_row = contract.schedule_ids.filtered(lambda r: r.state == "planned")[:1]
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            line.with_user(self.billing).write({"crm_contract_schedule_id": other_row.id})
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            line.with_user(self.billing).write({"crm_contract_schedule_id": False})
        # a hand-made invoice cannot claim a row either (it would block its invoicing)
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            self.env["account.move"].with_user(self.billing).create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Claim",
                                "price_unit": 1.0,
                                "crm_contract_schedule_id": other_row.id,
                            }
                        )
                    ],
                }
            )
        self.assertEqual(line.crm_contract_schedule_id, row)
        self.assertEqual(other_row.state, "planned")
        self.assertEqual(
            contract.action_create_invoices(
                date="2026-02-01"
            ).invoice_line_ids.crm_contract_schedule_id,
            other_row,
        )


@tagged("post_install", "-at_install")
class TestInvoicingCron(ContractCase):
    LOGGER = "odoo.addons.crm_finance_cashflow.models.crm_contract_schedule"

    def test_one_contract_refused_the_others_invoiced(self):
        """The daily run: a contract that cannot be invoiced (no rate of its
        currency) is logged and noted on its chatter, once a day; the other
        contracts are invoiced all the same."""
        no_rate = self.env["res.currency"].create({"name": "XNC", "symbol": "N", "rounding": 0.01})
        refused = self._contract(currency_id=no_rate.id)
        invoiced = self._contract()
        (refused | invoiced).action_activate()
        today = fields.Date.context_today(refused)
        due = invoiced.schedule_ids.filtered(lambda r: r.date <= today)
        self.assertTrue(due)
        for _run in range(2):
            with self.assertLogs(self.LOGGER, "WARNING") as logs:
                self.env["crm.contract"]._cron_create_invoices()
            self.assertIn(refused.name, "\n".join(logs.output))
            self.assertIn("XNC", "\n".join(logs.output))
        self.assertEqual(set(due.mapped("state")), {"invoiced"})
        self.assertFalse(refused.schedule_ids.invoice_id)
        notes = refused.message_ids.filtered(lambda m: "could not invoice" in (m.body or ""))
        self.assertEqual(len(notes), 1, "one note a day")
        self.assertIn("XNC on or before", notes.body)


@tagged("post_install", "-at_install")
class TestContractInvoiceSalesperson(ContractCase):
    """A contract invoice's salesperson is the contract's responsible and its
    team the lead's, whoever invoices (a billing user, the daily run): not the
    user who clicks, nor OdooBot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_team = cls.env["crm.team"].create(
            {"name": "Contract Sales Team", "member_ids": [Command.link(cls.salesman.id)]}
        )
        cls.lead_team = cls.env["crm.team"].create({"name": "Lead Team"})
        cls.billing_team = cls.env["crm.team"].create(
            {"name": "Billing Team", "member_ids": [Command.link(cls.billing.id)]}
        )
        cls.partner.write({"is_company": True, "user_id": cls.salesman.id})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Contract salesperson lead",
                "type": "opportunity",
                "partner_id": cls.partner.id,
                "user_id": cls.salesman.id,
                "team_id": cls.lead_team.id,
            }
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Racking maintenance", "type": "service"}
        )

    def test_create_invoices_button(self):
        # the salesperson's contract of their lead, invoiced by a billing user
        contract = self._contract(
            lead_id=self.lead.id, user=self.salesman, lines=[{"product_id": self.service.id}]
        )
        self.assertEqual(contract.user_id, self.salesman)
        contract.with_user(self.billing).action_activate()
        move = contract.with_user(self.billing).action_create_invoices(date="2026-02-01")
        self.assertEqual(move.invoice_user_id, self.salesman)
        self.assertEqual(move.team_id, self.lead_team)
        move.with_user(self.billing).action_post()
        # the responsible reads it (Odoo's Personal Invoices) and the lead's figures
        self.assertEqual(move.with_user(self.salesman).read(["name"])[0]["id"], move.id)
        lead = self.lead.with_user(self.salesman)
        self.assertEqual(lead.crm_invoice_ids, move)
        self.assertAlmostEqual(lead.crm_amount_invoiced, move.amount_total_signed)
        # the commission is the responsible's
        commission = self.env["crm.commission.report"].search([("move_id", "=", move.id)])
        self.assertTrue(commission)
        self.assertEqual(commission.user_id, self.salesman)
        # no lead: the responsible's own team
        other = self._contract(user_id=self.salesman.id)
        other.action_activate()
        move = other.action_create_invoices(date="2026-02-01")
        self.assertEqual(move.invoice_user_id, self.salesman)
        self.assertEqual(move.team_id, self.sales_team)
        # no responsible: no salesperson nor team (not the billing user's)
        unassigned = self._contract(user_id=False)
        unassigned.action_activate()
        move = unassigned.action_create_invoices(date="2026-02-01")
        self.assertFalse(move.invoice_user_id)
        self.assertFalse(move.team_id)
        # a vendor bill has none, as Odoo's
        supplier = self._contract(contract_type="supplier", user_id=self.salesman.id)
        supplier.action_activate()
        self.assertFalse(supplier.action_create_invoices(date="2026-02-01").invoice_user_id)

    def test_invoices_button_opens_what_it_counts(self):
        """The contract's Invoices button counts the invoices the user reads:
        a salesperson given a contract whose invoice names another salesperson
        (Odoo's Personal Invoices rule) sees none, as on a sale order."""
        contract = self._contract(user=self.salesman, lines=[{"product_id": self.service.id}])
        contract = contract.with_env(self.env)
        contract.action_activate()
        move = contract.action_create_invoices(date="2026-02-01")
        self.assertEqual(contract.with_user(self.salesman).invoice_count, 1)
        # the accountant gives the invoice to another salesperson
        move.invoice_user_id = self.other_salesman
        contract.invalidate_recordset(["invoice_count"])
        mine = contract.with_user(self.salesman)
        self.assertEqual(mine.invoice_count, 0)
        action = mine.action_view_invoices()
        self.assertNotEqual(action.get("res_id"), move.id)
        self.assertNotIn(str(move.id), str(action.get("domain") or ""))
        self.assertEqual(contract.with_user(self.billing).invoice_count, 1)

    def test_invoices_button_shows_the_credit_notes(self):
        """A credit note of part of a contract invoice (Odoo's Credit Note
        wizard: its lines are not the schedule's) is on the contract's Invoices
        button with its invoice, as an order's credit notes are on the
        order's."""
        contract = self._contract(user=self.salesman, lines=[{"product_id": self.service.id}])
        contract = contract.with_env(self.env)
        contract.action_activate()
        move = contract.action_create_invoices(date="2026-02-01")
        move.action_post()
        credit = self._reverse(move, reason="Discount")
        self.assertEqual(credit.reversed_entry_id, move)
        self.assertFalse(credit.line_ids.crm_contract_schedule_id)
        for user in (self.salesman, self.billing):
            mine = contract.with_user(user)
            self.assertEqual(mine.invoice_count, 2)
            action = mine.action_view_invoices()
            shown = self.env["account.move"].search(action["domain"])
            self.assertEqual(shown, move | credit)
        # the salesperson reads only their own (Odoo's Personal Invoices rule)
        credit.invoice_user_id = self.other_salesman
        contract.invalidate_recordset(["invoice_count"])
        self.assertEqual(contract.with_user(self.salesman).invoice_count, 1)
        self.assertEqual(contract.with_user(self.billing).invoice_count, 2)

    def test_daily_run(self):
        today = fields.Date.context_today(self.env.user)
        start = fields.Date.to_string(today - timedelta(days=10))
        contract = self._contract(
            lead_id=self.lead.id,
            user=self.salesman,
            date_start=start,
            date_end=fields.Date.to_string(today + timedelta(days=100)),
            lines=[{"date_start": start}],
        )
        contract.with_user(self.billing).action_activate()
        # (other contracts of the database it cannot invoice are logged)
        with mute_logger(TestInvoicingCron.LOGGER):
            self.env["crm.contract"].with_user(SUPERUSER_ID)._cron_create_invoices()
        # read as the responsible: theirs to read
        move = contract.schedule_ids.invoice_id
        self.assertEqual(len(move), 1)
        self.assertEqual(move.invoice_user_id, self.salesman)
        self.assertEqual(move.team_id, self.lead_team)


@tagged("post_install", "-at_install")
class TestInvoicingCronRace(ContractCase, ContractRaceCase):
    """A user invoices a contract while the daily run is under way: the run
    skips that contract (the user's invoice stands, nothing is noted on it) and
    invoices the others all the same, whether the user committed after the
    run's transaction started or is still invoicing."""

    def _race(self, user_commits):
        today = fields.Date.context_today(self.env.user)
        start = fields.Date.to_string(today - timedelta(days=40))
        by_user_id, by_cron_id = self._committed_contracts(
            "Cron Race Client",
            [{"title": title} for title in ("invoiced by a user", "left to the run")],
            date_start=start,
            date_end=fields.Date.to_string(today + timedelta(days=300)),
        )
        with self._racing_envs() as (env_user, env_cron):
            # the run's transaction has started (its snapshot is taken)
            rows = env_cron["crm.contract.schedule"].search(
                [("contract_id", "in", [by_user_id, by_cron_id]), ("date", "<=", today)]
            )
            self.assertEqual(set(rows.mapped("state")), {"planned"})
            # a user invoices the first contract (and commits, or not yet)
            user_move = env_user["crm.contract"].browse(by_user_id).action_create_invoices()
            self.assertTrue(user_move)
            if user_commits:
                env_user.cr.commit()
            # the run: the first contract is skipped, the second invoiced
            with (
                mute_logger("odoo.sql_db"),
                # (Odoo names its level 25 "INFO": logging.INFO is 20)
                self.assertLogs(TestInvoicingCron.LOGGER, logging.INFO) as logs,
            ):
                env_cron["crm.contract"]._cron_create_invoices()
            by_user = env_cron["crm.contract"].browse(by_user_id)
            by_cron = env_cron["crm.contract"].browse(by_cron_id)
            self.assertIn(
                f"contract {by_user.name} (id {by_user_id}) skipped: another worker",
                "\n".join(logs.output),
            )
            self.assertNotIn(f"{by_user.name} (id {by_user_id}) not invoiced", logs.output)
            self.assertFalse(
                by_user.message_ids.filtered(lambda m: "could not invoice" in (m.body or "")),
                "another worker's invoice: no note",
            )
            self.assertFalse(by_user.schedule_ids.invoice_id)
            due = by_cron.schedule_ids.filtered(lambda r: r.date <= today)
            self.assertTrue(due)
            self.assertEqual(set(due.mapped("state")), {"invoiced"})
            self.assertEqual(len(due.invoice_id), 1)
            # neither is committed now: only a committed user's invoice stays
            env_cron.cr.rollback()
            env_user.cr.rollback()
        with self._committed_env() as env3:
            contracts = env3["crm.contract"].browse([by_user_id, by_cron_id])
            self.assertEqual(
                contracts.schedule_ids.invoice_id.ids, user_move.ids if user_commits else []
            )

    def test_contract_invoiced_by_a_user_meanwhile(self):
        """The user's invoice committed after the run's transaction started
        (the run's lock raises SerializationFailure)."""
        self._race(user_commits=True)

    def test_contract_being_invoiced_by_a_user(self):
        """The user's invoicing still under way (the rows locked: the run's
        lock raises LockNotAvailable, Create Invoices' "try again")."""
        self._race(user_commits=False)


@tagged("post_install", "-at_install")
class TestExpiredContractRows(ContractCase):
    """Rows due while a contract ran, still planned when it expired (no run
    invoiced them in time): still invoiced and expected, never lost."""

    def _expired(self, **vals):
        contract = self._contract(
            date_start="2025-01-01",
            date_end="2025-12-31",
            lines=[{"date_start": "2025-01-01"}],
            **vals,
        )
        contract.action_activate()
        self.env["crm.contract"]._cron_expire_and_renew()
        self.assertEqual(contract.state, "expired")
        self.assertEqual(set(contract.schedule_ids.mapped("state")), {"planned"})
        return contract

    def test_expired_rows_invoiced_and_expected(self):
        contract = self._expired()
        Forecast = self.env["crm.contract"].with_user(self.billing)
        [overdue] = Forecast.get_cashflow_forecast("2026-01-01", "2026-01-31")[:1]
        report = self.env["crm.cashflow.forecast.report"].with_user(self.billing)
        rows = report.search([("contract_id", "=", contract.id)])
        self.assertEqual(rows.schedule_id, contract.schedule_ids)
        self.assertEqual(sum(rows.mapped("amount_incoming")), 1200.0)
        # Create Invoices takes them (as a billing user)
        move = contract.with_user(self.billing).action_create_invoices(date="2026-01-15")
        self.assertEqual(move.amount_untaxed, 1200.0)
        self.assertEqual(set(contract.schedule_ids.mapped("state")), {"invoiced"})
        # still expected once, through the draft invoice's rows
        self.assertEqual(Forecast.get_cashflow_forecast("2026-01-01", "2026-01-31")[0], overdue)
        # the invoice cancelled: its rows are planned again, invoiced by the next run
        move.with_user(self.billing).button_cancel()
        self.assertEqual(set(contract.schedule_ids.mapped("state")), {"planned"})
        # (other contracts of the database it cannot invoice are logged)
        with mute_logger(TestInvoicingCron.LOGGER):
            self.env["crm.contract"]._cron_create_invoices()
        self.assertEqual(set(contract.schedule_ids.mapped("state")), {"invoiced"})
        self.assertEqual(contract.schedule_ids.invoice_id.amount_untaxed, 1200.0)

    def test_expired_contract_terminated(self):
        """Terminate takes an expired contract too: its planned rows, which
        Create Invoices and the daily run still invoice, are cancelled (they
        could be invoiced, never cancelled); its invoiced rows stay."""
        contract = self._contract(
            date_start="2025-01-01", date_end="2025-12-31", lines=[{"date_start": "2025-01-01"}]
        )
        contract.action_activate()
        invoice = contract.action_create_invoices(date="2025-06-30")
        self.env["crm.contract"]._cron_expire_and_renew()
        self.assertEqual(contract.state, "expired")
        invoiced = contract.schedule_ids.filtered(lambda r: r.state == "invoiced")
        self.assertEqual(len(invoiced), 6)
        self.assertTrue(contract.with_user(self.billing).action_terminate())
        self.assertEqual(contract.state, "terminated")
        self.assertEqual(set((contract.schedule_ids - invoiced).mapped("state")), {"cancelled"})
        self.assertEqual(invoiced.invoice_id, invoice)
        self.assertEqual(set(invoiced.mapped("state")), {"invoiced"})
        self.assertFalse(contract.with_user(self.billing).action_create_invoices(date="2026-01-15"))
        # terminated (or draft): refused
        for refused in (contract, self._contract()):
            with self.assertRaisesRegex(UserError, "Only an active or expired contract"):
                refused.with_user(self.billing).action_terminate()
        self.assertEqual(contract.state, "terminated")

    def test_expired_supplier_rows_alerted(self):
        """The bills still expected of an expired supplier contract (its rows
        due while it ran) get their reminder, as the invoicing takes them: they
        got none."""
        contract = self._expired(contract_type="supplier")
        self.env["crm.contract"]._cron_alerts()
        self.env["crm.contract"]._cron_alerts()
        bills = contract.activity_ids.filtered(
            lambda a: (a.summary or "").startswith("Supplier invoice expected")
        )
        self.assertEqual(len(bills), 12, "once per row")
        self.assertEqual(
            sorted(bills.mapped("date_deadline")), sorted(contract.schedule_ids.mapped("date"))
        )
        self.assertTrue(all(contract.schedule_ids.mapped("alert_sent")))
        # terminated: its rows are cancelled, and reminded of no more
        other = self._expired(contract_type="supplier")
        other.with_user(self.billing).action_terminate()
        self.env["crm.contract"]._cron_alerts()
        self.assertFalse(other.activity_ids)

    def test_terminated_rows_stay_cancelled(self):
        contract = self._contract(
            date_start="2025-01-01", date_end="2025-12-31", lines=[{"date_start": "2025-01-01"}]
        )
        contract.action_activate()
        move = contract.action_create_invoices(date="2025-06-01")
        contract.action_terminate()
        self.assertFalse(contract.action_create_invoices(date="2026-01-15"))
        move.button_cancel()
        self.assertEqual(set(contract.schedule_ids.mapped("state")), {"cancelled"})
        self.assertFalse(
            self.env["crm.cashflow.forecast.report"].search([("contract_id", "=", contract.id)])
        )


@tagged("post_install", "-at_install")
class TestRowsOfDeletedLines(ContractCase):
    def test_released_row_of_a_deleted_line_cancelled(self):
        """A line deleted while its row sits on a draft invoice: when the
        invoice is cancelled, the row is cancelled (it was planned again and
        invoiced as a line of nothing, while the forecast counted it)."""
        contract = self._contract(lines=[{}, {"name": "Support", "price_unit": 50.0}])
        contract.action_activate()
        invoice = contract.with_user(self.billing).action_create_invoices(date="2026-01-31")
        support = contract.line_ids.filtered(lambda line: line.name == "Support")
        orphan = contract.schedule_ids.filtered(
            lambda r: r.contract_line_id == support and r.state == "invoiced"
        )
        self.assertEqual(len(orphan), 1)
        support.with_user(self.billing).unlink()
        self.assertFalse(orphan.contract_line_id)
        invoice.with_user(self.billing).button_cancel()
        self.assertEqual(orphan.state, "cancelled")
        kept = contract.schedule_ids.filtered(lambda r: r.invoice_id == invoice)
        self.assertFalse(kept)
        again = contract.with_user(self.billing).action_create_invoices(date="2026-01-31")
        self.assertEqual(again.invoice_line_ids.mapped("name"), ["Maintenance"])
        self.assertEqual(again.amount_untaxed, 100.0)
        self.assertFalse(
            self.env["crm.cashflow.forecast.report"].search([("schedule_id", "=", orphan.id)])
        )


@tagged("post_install", "-at_install")
class TestReversedContractInvoice(ContractCase):
    """A contract invoice fully reversed by a credit note (Odoo's Credit Note
    wizard) gives its schedule rows back, as a cancelled one does: they stayed
    invoiced, so the period could never be invoiced again and left the
    forecast."""

    def _posted_invoice(self, **vals):
        contract = self._contract(**vals)
        contract.action_activate()
        invoice = contract.action_create_invoices(date="2026-02-01")
        invoice.with_user(self.billing).action_post()
        rows = contract.schedule_ids.filtered(lambda r: r.invoice_id == invoice)
        self.assertEqual(len(rows), 2 * len(contract.line_ids))
        return contract, invoice, rows

    def _forecast_rows(self, contract):
        return self.env["crm.cashflow.forecast.report"].search(
            [("contract_id", "=", contract.id), ("source", "=", "schedule")]
        )

    def test_credit_note_gives_rows_back(self):
        contract, invoice, rows = self._posted_invoice()
        credit = self._reverse(invoice)
        self.assertEqual(credit.state, "draft")
        self.assertEqual(set(rows.mapped("state")), {"invoiced"}, "a draft reverses nothing")
        credit.with_user(self.billing).action_post()
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(set(rows.mapped("state")), {"planned"})
        self.assertFalse(rows.invoice_id)
        self.assertFalse((invoice | credit).line_ids.crm_contract_schedule_id)
        self.assertTrue(invoice.crm_contract_rows_released)
        # expected again, and invoiced again by the next run
        self.assertEqual(self._forecast_rows(contract).schedule_id & rows, rows)
        again = contract.with_user(self.billing).action_create_invoices(date="2026-02-01")
        self.assertEqual(rows.invoice_id, again)
        self.assertEqual(again.amount_untaxed, 200.0)
        # the reversal stays: neither the invoice nor its credit note is reset to
        # draft, nor are they unreconciled
        for move in (invoice, credit):
            with self.assertRaisesRegex(UserError, "was fully reversed"):
                move.with_user(self.billing).button_draft()
        partials = invoice.line_ids.matched_credit_ids
        self.assertTrue(partials)
        with self.assertRaisesRegex(UserError, "was fully reversed"):
            partials.with_user(self.billing).unlink()
        self.assertEqual((invoice | credit).mapped("state"), ["posted", "posted"])
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(rows.invoice_id, again)

    def test_cancelled_and_reversed_invoices_stay_on_the_contract(self):
        """The contract's Invoices show its reversed and cancelled invoices and
        their credit notes, as a sale order's do: the rows given back no longer
        link them, the invoice keeps its contract."""
        contract, invoice, _rows = self._posted_invoice()
        self.assertEqual(invoice.crm_contract_id, contract)
        credit = self._reverse(invoice)
        credit.with_user(self.billing).action_post()
        again = contract.with_user(self.billing).action_create_invoices(date="2026-02-01")
        again.with_user(self.billing).button_cancel()
        self.assertFalse(contract.schedule_ids.invoice_id)
        billing = contract.with_user(self.billing)
        self.assertEqual(billing.invoice_count, 3)
        action = billing.action_view_invoices()
        shown = self.env["account.move"].search(
            action.get("domain") or [("id", "=", action["res_id"])]
        )
        self.assertEqual(shown, invoice | credit | again)
        # a duplicate of the invoice is no invoice of the contract
        self.assertFalse(invoice.with_user(self.billing).copy().crm_contract_id)
        # nor can a user give an invoice a contract
        with self.assertRaises(UserError):
            again.with_user(self.billing).write({"crm_contract_id": False})

    def test_migration_gives_invoices_their_contract(self):
        """18.0.1.8.46: the invoices of before get their contract, from their rows
        or, given back, from their source document."""
        contract, invoice, rows = self._posted_invoice()
        credit = self._reverse(invoice)
        credit.with_user(self.billing).action_post()
        again = contract.with_user(self.billing).action_create_invoices(date="2026-02-01")
        moves = invoice | credit | again
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move SET crm_contract_id = NULL WHERE id IN %s", [tuple(moves.ids)]
        )
        moves.invalidate_recordset(["crm_contract_id"])
        self.assertFalse(moves.crm_contract_id)
        load_migration("crm_finance_cashflow", "18.0.1.8.46").migrate(self.env.cr, "18.0.1.8.45")
        moves.invalidate_recordset(["crm_contract_id"])
        self.assertEqual(invoice.crm_contract_id, contract)
        self.assertEqual(again.crm_contract_id, contract)
        self.assertFalse(credit.crm_contract_id, "counted through its invoice")
        self.assertEqual(contract.with_user(self.billing).invoice_count, 3)

    def test_partial_credit_note_keeps_rows(self):
        """A credit note of part of the invoice: the period stays invoiced."""
        _contract, invoice, rows = self._posted_invoice()
        credit = self._reverse(invoice)
        credit.invoice_line_ids[:1].with_user(self.billing).write({"price_unit": 10.0})
        credit.with_user(self.billing).action_post()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(rows.invoice_id, invoice)
        self.assertEqual(set(rows.mapped("state")), {"invoiced"})
        # reset to draft as Odoo allows: nothing was given back
        credit.with_user(self.billing).button_draft()
        self.assertEqual(credit.state, "draft")

    def _pay(self, invoice, amount):
        self.env["account.payment.register"].with_user(self.billing).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_difference_handling": "open"})._create_payments()

    def test_partly_paid_then_credited_gives_rows_back(self):
        """An invoice partly paid, then credited in full: Odoo reconciles the
        credit note with what is left only and marks the invoice paid, not
        reversed; its credit notes total its whole amount, so its rows come
        back as a reversed invoice's (the period is invoiced again; the credit
        note's rest is the client's credit). Its reconciliations stay."""
        contract, invoice, rows = self._posted_invoice()
        self._pay(invoice, 50.0)
        self.assertEqual(invoice.payment_state, "partial")
        credit = self._reverse(invoice)
        self.assertEqual(credit.amount_total, invoice.amount_total)
        credit.with_user(self.billing).action_post()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(credit.amount_residual, 50.0)
        self.assertTrue(invoice.crm_contract_rows_released)
        self.assertEqual(set(rows.mapped("state")), {"planned"})
        self.assertFalse(rows.invoice_id)
        self.assertFalse((invoice | credit).line_ids.crm_contract_schedule_id)
        self.assertEqual(self._forecast_rows(contract).schedule_id & rows, rows)
        again = contract.with_user(self.billing).action_create_invoices(date="2026-02-01")
        self.assertEqual(rows.invoice_id, again)
        # neither the credit note's nor the payment's reconciliation is undone:
        # the invoice would be due again with its period invoiced again
        with self.assertRaisesRegex(UserError, "was fully reversed"):
            credit.with_user(self.billing).button_draft()
        partials = invoice.line_ids.matched_credit_ids
        self.assertEqual(len(partials), 2)
        for partial in partials:
            with self.assertRaisesRegex(UserError, "was fully reversed"):
                partial.with_user(self.billing).unlink()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_partly_paid_then_partly_credited_keeps_rows(self):
        """A partly paid invoice with a credit note of part of it: the period
        stays invoiced, until further credit notes total the whole invoice."""
        _contract, invoice, rows = self._posted_invoice()
        self._pay(invoice, 50.0)
        credit = self._reverse(invoice)
        credit.invoice_line_ids[:1].with_user(self.billing).write({"price_unit": 10.0})
        credit.with_user(self.billing).action_post()
        self.assertLess(credit.amount_total, invoice.amount_total)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertFalse(invoice.crm_contract_rows_released)
        self.assertEqual(rows.invoice_id, invoice)
        self.assertEqual(set(rows.mapped("state")), {"invoiced"})
        # a second credit note of the rest of the invoice's amount: in full now
        second = self._reverse(invoice)
        rest = invoice.amount_total - credit.amount_total
        second.invoice_line_ids[1:].with_user(self.billing).unlink()
        second.invoice_line_ids.with_user(self.billing).write(
            {"price_unit": rest, "tax_ids": [Command.clear()]}
        )
        self.assertEqual(second.amount_total, rest)
        second.with_user(self.billing).action_post()
        self.assertTrue(invoice.crm_contract_rows_released)
        self.assertEqual(set(rows.mapped("state")), {"planned"})
        self.assertFalse(rows.invoice_id)

    def test_partly_paid_reversed_with_new_draft(self):
        """ "Reverse and create a new draft" of a partly paid invoice: Odoo
        unreconciles the payment (the client's credit) and reverses the invoice
        in full: the new draft takes the rows over."""
        contract, invoice, rows = self._posted_invoice()
        self._pay(invoice, 50.0)
        draft = self._reverse(invoice, modify=True)
        self.assertEqual(draft.state, "draft")
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(rows.invoice_id, draft)
        self.assertEqual(set(rows.mapped("state")), {"invoiced"})
        self.assertFalse(contract.with_user(self.billing).action_create_invoices(date="2026-02-01"))

    def test_terminated_contract_bill_reversed(self):
        """A vendor bill of a terminated contract reversed: its rows are
        cancelled, as when it is cancelled (nothing is left to invoice)."""
        contract, bill, rows = self._posted_invoice(contract_type="supplier")
        self.assertEqual(bill.move_type, "in_invoice")
        contract.with_user(self.billing).action_terminate()
        credit = self._reverse(bill)
        credit.with_user(self.billing).action_post()
        self.assertEqual(bill.payment_state, "reversed")
        self.assertEqual(set(rows.mapped("state")), {"cancelled"})
        self.assertFalse(rows.invoice_id)
        self.assertFalse(self._forecast_rows(contract))

    def test_reverse_and_new_draft_takes_the_rows_over(self):
        """ "Reverse and create a new draft": the reversal is posted at once and
        the new draft, the corrected invoice, takes the rows over line by line;
        each row stays invoiced once (the link is not copied: the one-invoice
        index would refuse it)."""
        self.assertFalse(self.env["account.move.line"]._fields["crm_contract_schedule_id"].copy)
        contract, invoice, rows = self._posted_invoice(
            lines=[{}, {"name": "Support", "price_unit": 50.0}]
        )
        self.assertEqual(len(rows), 4)
        draft = self._reverse(invoice, modify=True)
        self.assertEqual(len(draft), 1)
        self.assertEqual(draft.state, "draft")
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(rows.invoice_id, draft)
        self.assertEqual(set(rows.mapped("state")), {"invoiced"})
        self.assertFalse(invoice.line_ids.crm_contract_schedule_id)
        credit = invoice.reversal_move_ids
        self.assertEqual(credit.state, "posted")
        self.assertFalse(credit.line_ids.crm_contract_schedule_id)
        for line in draft.invoice_line_ids:
            row = line.crm_contract_schedule_id
            self.assertEqual(line.name, row.contract_line_id.name)
            self.assertEqual(line.price_unit, row.contract_line_id.price_unit)
        self.assertEqual(draft.invoice_line_ids.crm_contract_schedule_id, rows)
        # the corrected invoice is the contract's, among its invoices
        self.assertEqual(draft.crm_contract_id, contract)
        billing = contract.with_user(self.billing)
        self.assertEqual(billing._crm_invoices(), invoice | credit | draft)
        self.assertEqual(billing.invoice_count, 3)
        self.assertFalse(
            contract.with_user(self.billing).action_create_invoices(date="2026-02-01"),
            "each row invoiced once",
        )
        self.assertIn("replaces the reversed", "".join(contract.message_ids.mapped("body")))
        # the corrected draft cancelled: the rows come back, as any contract invoice's
        draft.with_user(self.billing).button_cancel()
        self.assertEqual(set(rows.mapped("state")), {"planned"})
        again = contract.with_user(self.billing).action_create_invoices(date="2026-02-01")
        self.assertEqual(rows.invoice_id, again)

    def test_two_invoices_reversed_with_new_drafts(self):
        """Two contract invoices reversed together with new drafts: each draft
        takes its own invoice's rows."""
        first, first_invoice, first_rows = self._posted_invoice()
        second, second_invoice, second_rows = self._posted_invoice(
            lines=[{"name": "Hosting", "price_unit": 70.0}]
        )
        drafts = self._reverse(first_invoice | second_invoice, modify=True)
        self.assertEqual(len(drafts), 2)
        for invoice, rows in ((first_invoice, first_rows), (second_invoice, second_rows)):
            self.assertEqual(invoice.payment_state, "reversed")
            draft = rows.invoice_id
            self.assertIn(draft, drafts)
            self.assertEqual(draft.invoice_line_ids.crm_contract_schedule_id, rows)
            self.assertEqual(draft.amount_untaxed, invoice.amount_untaxed)
        self.assertEqual(first_rows.invoice_id.invoice_line_ids.mapped("name"), ["Maintenance"] * 2)
        self.assertEqual(second_rows.invoice_id.invoice_line_ids.mapped("name"), ["Hosting"] * 2)
        self.assertFalse(
            (first | second).with_user(self.billing).action_create_invoices("2026-02-01")
        )
