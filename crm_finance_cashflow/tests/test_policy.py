from datetime import date, timedelta

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.models import MAGIC_COLUMNS
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .test_contract import ContractCase

MODELS = (
    "crm.contract",
    "crm.contract.line",
    "crm.contract.schedule",
    "crm.planned.payment",
    "crm.cashflow.forecast.report",
)


@tagged("post_install", "-at_install")
class TestWritePolicy(ContractCase):
    """The contracts' write policy (issue #24): the terms are the contract's
    users' in draft and finance's afterwards, the numbering, flags and schedule
    rows belong to the methods."""

    def _active(self, **vals):
        contract = self._contract(user=self.salesman, user_id=self.salesman.id, **vals)
        contract.with_user(self.billing).action_activate()
        return contract.with_user(self.salesman)

    def test_every_field_declared(self):
        policy = self.env["crm.write.policy"].get_write_policy(
            list(MODELS) + ["crm.lead", "account.move", "account.move.line", "res.company"]
        )
        for model in MODELS:
            undeclared = [
                name
                for name, rule in policy[model]["fields"].items()
                if not rule["declared"] and name not in MAGIC_COLUMNS
            ]
            self.assertFalse(undeclared, model)
        for model, name in (
            ("crm.lead", "crm_contract_ids"),
            ("account.move", "crm_contract_rows_released"),
            ("account.move.line", "crm_contract_schedule_id"),
            ("res.company", "crm_rate_provider"),
            ("res.company", "crm_rate_last_update"),
            ("res.company", "crm_rate_last_error"),
        ):
            self.assertTrue(policy[model]["fields"][name]["declared"], (model, name))

    def test_salesperson_does_not_renew(self):
        contract = self._active()
        with self.assertRaisesRegex(AccessError, "renew"):
            contract.action_renew()
        self.assertEqual(contract.date_end, date(2026, 12, 31))

    def test_active_terms_are_finances(self):
        contract = self._active()
        line = contract.line_ids
        for vals in (
            {"date_end": "2027-12-31"},
            {"payment_term_id": False},
            {"renewal": "automatic"},
        ):
            with self.assertRaises(AccessError, msg=vals):
                contract.write(vals)
        for vals in (
            {"amount": 1.0},
            {"partner_id": self.env["res.partner"].create({"name": "Other"}).id},
            {"currency_id": self.env.ref("base.EUR").id},
            {"contract_type": "supplier"},
            {"schedule_ids": [Command.clear()]},
        ):
            with self.assertRaises(UserError, msg=vals):
                contract.write(vals)
        for vals in ({"price_unit": 1.0}, {"quantity": 5}, {"date_end": "2027-12-31"}):
            with self.assertRaises(AccessError, msg=vals):
                line.write(vals)
        with self.assertRaises(AccessError):
            contract.write(
                {
                    "line_ids": [
                        Command.create(
                            {"name": "More", "price_unit": 9.0, "date_start": "2026-02-01"}
                        )
                    ]
                }
            )
        with self.assertRaises(AccessError):
            line.unlink()
        self.assertEqual(contract.date_end, date(2026, 12, 31))
        self.assertEqual(contract.amount, 1200.0)
        # salespeople still keep their notes and title
        contract.write({"title": "Renamed", "notes": "<p>called</p>"})
        # finance amends an active contract, the schedule follows
        contract.with_user(self.billing).line_ids.price_unit = 150.0
        self.assertEqual(contract.amount, 1800.0)
        contract.with_user(self.billing).action_terminate()
        with self.assertRaises(UserError):
            contract.with_user(self.billing).write({"date_end": "2027-12-31"})
        with self.assertRaises(UserError):
            contract.with_user(self.billing).line_ids.write({"price_unit": 1.0})

    def test_draft_terms_are_the_users(self):
        contract = self._contract(user_id=self.salesman.id).with_user(self.salesman)
        contract.write({"date_end": "2026-06-30", "renewal": "manual"})
        contract.line_ids.write({"price_unit": 120.0})
        contract.write(
            {
                "line_ids": [
                    Command.create(
                        {
                            "name": "Setup",
                            "price_unit": 9.0,
                            "date_start": "2026-02-01",
                            "recurrence": "one_off",
                        }
                    )
                ]
            }
        )
        self.assertEqual(len(contract.line_ids), 2)

    def test_owned_at_create(self):
        Contract = self.env["crm.contract"].with_user(self.salesman)
        base = {"partner_id": self.partner.id, "date_start": "2026-01-01"}
        for vals in (
            {"name": "CTR/FAKE"},
            {"end_alert_sent": True},
            {"state": "active"},
            {"amount": 5.0},
        ):
            with self.assertRaises(UserError, msg=vals):
                Contract.create(dict(base, **vals))
        # nor through the context's defaults
        contract = Contract.with_context(
            default_state="active", default_end_alert_sent=True, default_name="CTR/FAKE"
        ).create(dict(base))
        self.assertEqual(
            (contract.state, contract.end_alert_sent, contract.name[:4]), ("draft", False, "CTR/")
        )
        self.assertNotEqual(contract.name, "CTR/FAKE")
        # a copy of an active contract is a new draft with its own number and lines
        active = self._active()
        duplicate = active.copy()
        self.assertEqual(duplicate.state, "draft")
        self.assertNotEqual(duplicate.name, active.name)
        self.assertEqual(duplicate.line_ids.mapped("price_unit"), [100.0])
        self.assertFalse(duplicate.schedule_ids)

    def test_lead_of_an_active_contract(self):
        lead = self.env["crm.lead"].create({"name": "Mine", "user_id": self.salesman.id})
        other = self.env["crm.lead"].create({"name": "Theirs", "user_id": self.other_salesman.id})
        contract = self._active(lead_id=lead.id)
        with self.assertRaises(UserError):
            contract.write({"lead_id": other.id})
        with self.assertRaises(UserError):
            lead.with_user(self.salesman).write({"crm_contract_ids": [Command.link(contract.id)]})
        self.assertEqual(contract.lead_id, lead)
        # a draft cannot point at a lead its user may not read either
        Contract = self.env["crm.contract"].with_user(self.salesman)
        vals = {"partner_id": self.partner.id, "user_id": self.salesman.id}
        with self.assertRaises(AccessError):
            Contract.create(dict(vals, lead_id=other.id))
        with self.assertRaises(AccessError):
            Contract.with_context(default_lead_id=other.id).create(dict(vals))

    def test_schedule_rows_are_owned(self):
        contract = self._active()
        row = contract.schedule_ids[:1].with_user(self.billing)
        values = {
            "date_due": "2030-01-01",
            "direction": "outgoing",
            "currency_id": self.env.ref("base.EUR").id,
            "contract_state": "expired",
            "alert_sent": True,
            "date": "2030-01-01",
            "amount_total": 1.0,
            "state": "cancelled",
            "contract_type": "supplier",
            "company_id": self.env.company.id,
            "partner_id": self.partner.id,
            "payment_term_id": False,
            "user_id": self.billing.id,
        }
        for name, value in values.items():
            with self.assertRaises(UserError, msg=name):
                row.write({name: value})
        with self.assertRaises(UserError):
            row.create({"contract_id": contract.id, "date": "2026-01-05"})
        self.assertEqual((row.direction, row.state, row.alert_sent), ("incoming", "planned", False))

    def test_uninstall_deletes_schedule_rows(self):
        """Uninstalling the module deletes the records it created: the
        schedule rows refused it (an invoiced row even to the superuser, any
        row to an administrator). The flag counts only for administrators: for
        finance the rows stay."""
        contract = self._active()
        rows = self.env["crm.contract.schedule"].browse(contract.schedule_ids[:2].ids)
        rows[0]._set_state("invoiced")
        admin = new_test_user(
            self.env,
            login="ctr_admin",
            groups="base.group_system,account.group_account_invoice",
        )
        flag = {MODULE_UNINSTALL_FLAG: True}
        with self.assertRaisesRegex(UserError, "An invoiced schedule row is kept."):
            rows[0].unlink()
        with self.assertRaisesRegex(UserError, "Schedule rows follow from the contract's lines."):
            rows[1].with_user(admin).unlink()
        for row in rows:
            with self.assertRaisesRegex(
                UserError, "Schedule rows follow from the contract's lines."
            ):
                row.with_user(self.billing).with_context(**flag).unlink()
        self.assertEqual(len(rows.exists()), 2)
        rows[0].with_context(**flag).unlink()
        rows[1].with_user(admin).with_context(**flag).unlink()
        self.assertFalse(rows.exists())

    def test_uninstall_deletes_the_lines_of_a_terminated_contract(self):
        """Uninstalling the module deletes the records it created: a
        terminated contract's line refused it to an administrator. The flag
        counts only for administrators: for finance the line stays."""
        contract = self._active(lines=[{}, {"name": "Support"}])
        contract.with_user(self.billing).action_terminate()
        lines = self.env["crm.contract.line"].browse(contract.line_ids.ids)
        admin = new_test_user(
            self.env,
            login="ctr_admin",
            groups="base.group_system,account.group_account_invoice",
        )
        flag = {MODULE_UNINSTALL_FLAG: True}
        for user in (admin, self.billing):
            with self.assertRaisesRegex(UserError, "is no longer active"):
                lines[0].with_user(user).unlink()
        with self.assertRaisesRegex(UserError, "is no longer active"):
            lines[0].with_user(self.billing).with_context(**flag).unlink()
        self.assertEqual(len(lines.exists()), 2)
        lines[0].with_user(admin).with_context(**flag).unlink()
        lines[1].with_context(**flag).unlink()
        self.assertFalse(lines.exists())

    def test_renewal_same_length(self):
        for start, end, renewed, rows in (
            ("2026-12-01", "2027-05-31", date(2027, 11, 30), 12),
            ("2027-01-01", "2027-06-30", date(2027, 12, 31), 12),
            ("2026-01-01", "2026-12-31", date(2027, 12, 31), 24),
            # not whole months: as many days (42), from the day after
            ("2026-01-10", "2026-02-20", date(2026, 4, 3), 3),
        ):
            contract = self._contract(date_start=start, date_end=end, lines=[{"date_start": start}])
            contract.action_activate()
            contract.action_renew()
            self.assertEqual(contract.date_end, renewed, start)
            self.assertEqual(len(contract.schedule_ids), rows, start)

    def test_limits(self):
        Contract = self.env["crm.contract"].with_user(self.billing)
        base = {"partner_id": self.partner.id, "date_start": "2026-01-01"}
        for vals in (
            {"date_start": "0001-01-01"},
            {"date_end": "9999-12-31"},
            {"date_end": ["2026-12-31"]},
            {"alert_days_end": 10_000_000},
            {"alert_days_invoice": -1},
            {"alert_days_end": 1e308},
        ):
            with self.assertRaises(ValidationError, msg=vals):
                Contract.create(dict(base, **vals))
        for line in (
            {"price_unit": 1e308},
            {"price_unit": float("nan")},
            {"quantity": -1.0},
            {"quantity": [1]},
            {"date_start": "9999-01-01"},
        ):
            with self.assertRaises(ValidationError, msg=line):
                self._contract(lines=[line])
        # an empty date is no date: a required one is refused by the database (a
        # ValidationError over RPC), not by a traceback on the way there
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            Contract.create(dict(base, date_start=""))
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._contract().write({"date_start": None})
        self.assertFalse(self._contract(date_end="").date_end)
        contract = self._contract()
        contract.action_activate()
        for bad in ("9999-12-31", "0001-01-01", ["2026-03-01"], "garbage", 20260301):
            with self.assertRaises(UserError, msg=bad):
                contract.action_create_invoices(date=bad)
        forecast = Contract.get_cashflow_forecast
        for args, kw in (
            (("0001-01-01", "2026-12-31"), {}),
            (("2026-01-01", "9999-12-31"), {}),
            ((["2026-01-01"], "2026-12-31"), {}),
            (("2026-01-01", "2026-12-31"), {"granularity": ["month"]}),
            (("2026-01-01", "2026-12-31"), {"company_id": [self.env.company.id]}),
            (("2026-01-01", "2026-12-31"), {"company_id": 2**40}),
        ):
            with self.assertRaises(UserError, msg=(args, kw)):
                forecast(*args, **kw)
        payment = self.env["crm.planned.payment"].with_user(self.billing)
        for amount in (1e308, float("nan"), -5.0):
            with self.assertRaises(ValidationError, msg=amount):
                payment.create({"name": "Bad", "amount": amount, "date": "2026-01-01"})
        self.assertFalse(contract.schedule_ids.filtered(lambda r: r.state == "invoiced"))

    def test_one_record_buttons(self):
        """The buttons of one record called with none or several (XML-RPC can):
        a UserError naming the model, not Odoo's ensure_one traceback."""
        first, second = self._contract(), self._contract()
        (first | second).action_activate()
        first.action_create_invoices(date="2026-02-01")
        leads = self.env["crm.lead"].create(
            [{"name": f"Lead {i}", "type": "opportunity"} for i in range(2)]
        )
        deadline = fields.Datetime.now().replace(microsecond=0) + timedelta(days=1)
        for lead in leads:
            lead.activate(self.salesman.id, fields.Datetime.to_string(deadline))
        steps = leads.open_responsibility_id
        self.assertEqual(len(steps), 2)
        rows = self.env["crm.cashflow.forecast.report"].search(
            [("contract_id", "in", (first | second).ids)], limit=2
        )
        self.assertEqual(len(rows), 2)
        for records, method in (
            (first | second, "action_view_invoices"),
            (leads, "action_view_crm_contracts"),
            (steps, "action_new_contract"),
            (rows, "action_open_source"),
        ):
            for wrong in (records.browse(), records):
                with self.assertRaisesRegex(UserError, "one .* at a time", msg=method):
                    getattr(wrong.with_user(self.billing), method)()
        self.assertEqual(
            rows[:1].with_user(self.billing).action_open_source()["type"], "ir.actions.act_window"
        )
        self.assertTrue(first.with_user(self.billing).action_view_invoices())

    def test_unknown_time_zone(self):
        contract = (
            self.env["crm.contract"]
            .with_context(tz="Mars/Olympus_Mons")
            .create({"partner_id": self.partner.id, "date_start": "2026-01-01"})
        )
        self.assertTrue(contract.name.startswith("CTR/"))
        contract = self._contract(renewal="automatic").with_context(tz="Mars/Olympus_Mons")
        contract.action_activate()
        self.assertTrue(contract.action_create_invoices(date="2026-02-01"))
        contract.action_renew()
        contract.env["crm.contract"].get_cashflow_forecast("2026-01-01", "2026-12-31")
        self.env["crm.contract"].with_context(tz="Mars/Olympus_Mons")._cron_alerts()

    def test_alert_cron_survives_a_huge_window(self):
        contract = self._contract()
        contract.action_activate()
        # stored before the bounds existed
        self.env.cr.execute(
            "UPDATE crm_contract SET alert_days_end = 10000000, alert_days_invoice = 10000000 "
            "WHERE id = %s",
            [contract.id],
        )
        contract.invalidate_recordset()
        self.env["crm.contract"]._cron_alerts()
        self.assertTrue(contract.end_alert_sent)


@tagged("post_install", "-at_install")
class TestPlannedPaymentReconciles(ContractCase):
    def _invoice(self, amount=1000.0, move_type="out_invoice"):
        invoice = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.partner.id,
                "invoice_date": "2026-03-01",
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Work", "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def test_posted_against_the_invoice(self):
        invoice = self._invoice()
        Payment = self.env["crm.planned.payment"].with_user(self.billing)
        planned = Payment.create(
            {
                "name": "Customer pays",
                "direction": "incoming",
                "partner_id": self.partner.id,
                "amount": 1000.0,
                "date": "2026-03-10",
                "invoice_id": invoice.id,
            }
        )
        planned.action_post()
        self.assertEqual(planned.state, "posted")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertIn(
            invoice, planned.payment_id.reconciled_invoice_ids | planned.payment_id.invoice_ids
        )
        report = self.env["crm.cashflow.forecast.report"].with_user(self.billing)
        self.assertFalse(report.search([("invoice_id", "=", invoice.id)]))
        # a partial payment leaves the rest open
        second = self._invoice(500.0)
        Payment.create(
            {
                "name": "Half",
                "direction": "incoming",
                "partner_id": self.partner.id,
                "amount": 200.0,
                "date": "2026-03-10",
                "invoice_id": second.id,
            }
        ).action_post()
        self.assertEqual(second.payment_state, "partial")
        self.assertEqual(second.amount_residual, 300.0)
        # an invoice paid (or reversed) after it was linked: Post refuses it,
        # nothing posted
        late = Payment.create(
            {
                "name": "Late",
                "direction": "incoming",
                "partner_id": self.partner.id,
                "amount": 1.0,
                "date": "2026-03-10",
                "invoice_id": second.id,
            }
        )
        # the rest paid by Odoo's Register Payment (a planned payment of it
        # beside "Late" would be above the open amount: refused)
        self.env["account.payment.register"].with_user(self.billing).with_context(
            active_model="account.move", active_ids=second.ids
        ).create({"amount": 300.0})._create_payments()
        self.assertIn(second.payment_state, ("paid", "in_payment"))
        with self.assertRaisesRegex(UserError, "is not open"):
            late.action_post()
        self.assertEqual(late.state, "planned")
        self.assertFalse(late.payment_id)

    def test_only_planned_deleted(self):
        """A posted planned payment is not deleted (its payment would stay with
        nothing pointing back to it), nor a cancelled one; a planned one is."""
        invoice = self._invoice()
        Payment = self.env["crm.planned.payment"].with_user(self.billing)
        vals = {
            "name": "Customer pays",
            "direction": "incoming",
            "partner_id": self.partner.id,
            "amount": 400.0,
            "date": "2026-03-10",
        }
        posted = Payment.create(dict(vals, invoice_id=invoice.id))
        posted.action_post()
        unlinked = Payment.create(dict(vals, name="Cash"))
        unlinked.action_post()
        cancelled = Payment.create(dict(vals, name="Not paid"))
        cancelled.action_cancel()
        for planned in (posted, unlinked, cancelled, posted | Payment.create(vals)):
            with self.assertRaisesRegex(UserError, "Only a planned payment can be deleted"):
                planned.unlink()
            self.assertTrue(planned.exists())
        self.assertIn(posted.payment_id.state, ("in_process", "paid"))
        self.assertEqual(invoice.amount_residual, 600.0)
        planned = Payment.create(vals)
        planned.unlink()
        self.assertFalse(planned.exists())

    def test_invoice_it_cannot_pay_refused_when_linked(self):
        """A planned payment of an invoice it cannot pay (not open, the other
        way, another partner) is refused when created or written: the link
        would take the invoice out of the forecast until Post refused it."""
        invoice = self._invoice(500.0)
        bill = self._invoice(300.0, move_type="in_invoice")
        other = self.env["res.partner"].create({"name": "Another client"})
        draft = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "invoice_line_ids": [Command.create({"name": "Work", "price_unit": 10.0})],
            }
        )
        paid = self._invoice(100.0)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({})._create_payments()
        self.assertIn(paid.payment_state, ("paid", "in_payment"))
        Payment = self.env["crm.planned.payment"].with_user(self.billing)
        base = {
            "name": "Customer pays",
            "direction": "incoming",
            "partner_id": self.partner.id,
            "amount": 100.0,
            "date": "2026-03-10",
        }
        report = self.env["crm.cashflow.forecast.report"].with_user(self.billing)
        for vals, error in (
            ({"invoice_id": invoice.id, "direction": "outgoing"}, "goes the other way"),
            ({"invoice_id": bill.id}, "goes the other way"),
            ({"invoice_id": invoice.id, "partner_id": other.id}, "not of the same partner"),
            ({"invoice_id": invoice.id, "partner_id": False}, "not of the same partner"),
            ({"invoice_id": draft.id}, "is not open"),
            ({"invoice_id": paid.id}, "is not open"),
        ):
            # (Odoo's assertRaises rolls back what the refused call wrote)
            with self.assertRaises(ValidationError, msg=vals) as refused:
                Payment.create(dict(base, **vals))
            self.assertIn(error, str(refused.exception))
        self.assertFalse(Payment.search([("name", "=", "Customer pays")]))
        # a valid one is linked, and takes its amount off the invoice's in the forecast
        planned = Payment.create(dict(base, invoice_id=invoice.id))
        self.assertEqual(
            report.search(
                [("invoice_id", "=", invoice.id), ("source", "=", "invoice")]
            ).amount_currency,
            400.0,
        )
        # written: the same refusals, nothing written
        for vals, error in (
            ({"direction": "outgoing"}, "goes the other way"),
            ({"invoice_id": bill.id}, "goes the other way"),
            ({"partner_id": other.id}, "not of the same partner"),
            ({"invoice_id": paid.id}, "is not open"),
        ):
            with self.assertRaises(ValidationError, msg=vals) as refused:
                planned.write(vals)
            self.assertIn(error, str(refused.exception))
        self.assertEqual(planned.invoice_id, invoice)
        self.assertEqual((planned.direction, planned.partner_id), ("incoming", self.partner))
        # a contact of the invoice's partner, and a vendor bill paid outgoing: fine
        contact = self.env["res.partner"].create(
            {"name": "Client's accountant", "parent_id": self.partner.id}
        )
        planned.write({"partner_id": contact.id})
        Payment.create(dict(base, direction="outgoing", invoice_id=bill.id))
        planned.action_post()
        self.assertEqual(planned.state, "posted")
        self.assertEqual(invoice.amount_residual, 400.0)
