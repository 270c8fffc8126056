from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import format_date

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG


def menu_reachable(menu, user):
    """True when ``user`` sees ``menu`` and every menu above it."""
    visible = menu.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
    return all(int(i) in visible for i in menu.parent_path.strip("/").split("/"))


def drop_committed_contracts(contracts):
    """The clean-up of contracts a test committed: an activated contract is
    terminated, never deleted, so they go as the module's uninstallation
    removes its data (as superuser)."""
    contracts.with_context(**{MODULE_UNINSTALL_FLAG: True}).unlink()


class ContractCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "Contract Client"})
        cls.billing = new_test_user(
            cls.env, login="ctr_billing", groups="account.group_account_invoice"
        )
        cls.salesman = new_test_user(
            cls.env, login="ctr_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesman = new_test_user(
            cls.env, login="ctr_salesman_b", groups="sales_team.group_sale_salesman"
        )

    def _contract(self, lines=None, user=None, **vals):
        vals = dict(
            {
                "partner_id": self.partner.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "line_ids": [
                    Command.create(
                        dict(
                            {
                                "name": "Maintenance",
                                "quantity": 1,
                                "price_unit": 100.0,
                                "recurrence": "monthly",
                                "date_start": "2026-01-01",
                            },
                            **line,
                        )
                    )
                    for line in (lines if lines is not None else [{}])
                ],
            },
            **vals,
        )
        return self.env["crm.contract"].with_user(user or self.billing).create(vals)

    def _reverse(self, invoice, modify=False, reason="Wrong price"):
        """The credit note of ``invoice`` (Odoo's Credit Note wizard, as the
        billing user), in draft; with ``modify``, reversed with a new draft."""
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.billing)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": reason})
        )
        if modify:
            wizard.modify_moves()
        else:
            wizard.refund_moves()
        return wizard.new_move_ids


@tagged("post_install", "-at_install")
class TestContract(ContractCase):
    def test_sequence_dates_and_lines(self):
        contract = self._contract(user_id=self.salesman.id)
        self.assertTrue(contract.name.startswith("CTR/"))
        with self.assertRaises(ValidationError):
            contract.write({"date_end": "2025-12-31"})
        for bad in ({"quantity": -1}, {"price_unit": -5}, {"date_start": "2025-06-01"}):
            with self.assertRaises(ValidationError, msg=bad):
                contract.line_ids.write(bad)

    def test_schedule_per_recurrence(self):
        contract = self._contract(
            lines=[
                {"recurrence": "monthly"},
                {"recurrence": "quarterly"},
                {"recurrence": "half_yearly"},
                {"recurrence": "yearly"},
                {"recurrence": "one_off", "date_start": "2026-03-10"},
            ]
        )
        contract.action_activate()
        counts = [
            len(contract.schedule_ids.filtered(lambda r, ln=ln: r.contract_line_id == ln))
            for ln in contract.line_ids
        ]
        self.assertEqual(counts, [12, 4, 2, 1, 1])
        self.assertEqual(contract.amount, 100.0 * (12 + 4 + 2 + 1 + 1))

    def test_states_move_only_through_methods(self):
        contract = self._contract()
        with self.assertRaises(UserError):
            contract.write({"state": "active"})
        with self.assertRaises(UserError):
            self.env["crm.contract"].with_user(self.billing).create(
                {"partner_id": self.partner.id, "state": "active"}
            )
        with self.assertRaises(AccessError):
            contract.with_user(self.salesman).action_activate()
        contract.action_activate()
        self.assertEqual(contract.state, "active")
        with self.assertRaises(UserError):
            contract.schedule_ids[:1].with_user(self.billing).write({"amount_total": 1})
        contract.action_terminate()
        self.assertEqual(contract.state, "terminated")
        self.assertEqual(set(contract.schedule_ids.mapped("state")), {"cancelled"})

    def test_renewal(self):
        # the contract's 2026 not ended yet: on the clock of a day within it (the
        # daily run renews it for good once its end is past, from 1 January 2027)
        with freeze_time("2026-06-15 12:00:00"):
            contract = self._contract(renewal="automatic")
            contract.action_activate()
            self.env["crm.contract"]._cron_expire_and_renew()
            self.assertEqual(contract.date_end, date(2026, 12, 31), "not ended yet")
            contract.action_renew()
            self.assertEqual(contract.date_end, date(2027, 12, 31))
            self.assertEqual(len(contract.schedule_ids), 24)

    def test_automatic_renewal_catches_up_in_one_run(self):
        """A contract renewed automatically that ended several terms ago is
        renewed until its end is today or later in one run (it moved one term
        a day, invoiced and alerted meanwhile with a wrong end), each term as
        one more renewal would make it, with one note of its new end."""
        today = fields.Date.context_today(self.env.user)
        contract = self._contract(
            renewal="automatic",
            date_start=today - timedelta(days=30),
            date_end=today - timedelta(days=21),
            lines=[{"recurrence": "one_off", "date_start": today - timedelta(days=30)}],
        )
        contract.action_activate()
        self.env["crm.contract"]._cron_expire_and_renew()
        self.assertEqual(contract.state, "active")
        # renewed from today - 21 by its term of 10 days (its first term) to
        # today - 11, today - 1, then today + 9: the first end not before today
        self.assertEqual(contract.date_end, today + timedelta(days=9))
        notes = contract.message_ids.filtered(lambda m: "Renewed until" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        # the new end as the reader's language writes it
        lang_env = self.env(context={"lang": contract._crm_reader_lang()})
        self.assertIn(format_date(lang_env, today + timedelta(days=9)), notes.body)
        # the next run: nothing to renew
        self.env["crm.contract"]._cron_expire_and_renew()
        self.assertEqual(contract.date_end, today + timedelta(days=9))

    def test_schedule_follows_lines_never_invoiced_rows(self):
        contract = self._contract(currency_id=self.env.company.currency_id.id)
        contract.action_activate()
        contract.action_create_invoices(date="2026-02-15")
        invoiced = contract.schedule_ids.filtered(lambda r: r.state == "invoiced")
        self.assertEqual(len(invoiced), 2)
        contract.line_ids.price_unit = 150.0
        self.assertEqual(invoiced.mapped("amount_untaxed"), [100.0, 100.0])
        planned = contract.schedule_ids.filtered(lambda r: r.state == "planned")
        self.assertEqual(len(planned), 10)
        self.assertEqual(set(planned.mapped("amount_untaxed")), {150.0})

    def test_access_rights(self):
        contract = self._contract(user_id=self.salesman.id)
        # salespeople draft and read their own contracts, not others'
        self.assertEqual(contract.with_user(self.salesman).partner_id, self.partner)
        contract.with_user(self.salesman).write({"title": "changed"})
        with self.assertRaises(AccessError):
            contract.with_user(self.other_salesman).read(["name"])
        with self.assertRaises(AccessError):
            contract.with_user(self.billing).unlink()

    def test_menus(self):
        for xmlid in ("crm_contract_menu_customer", "crm_contract_menu_supplier"):
            menu = self.env.ref(f"crm_finance_cashflow.{xmlid}")
            self.assertTrue(menu_reachable(menu, self.billing))
            self.assertFalse(menu_reachable(menu, self.salesman))

    def test_period_extended_extends_the_lines_that_ended_with_it(self):
        """Extending an active contract's end (a plain write, as a client sends
        it) extends the lines that ended with the contract, as Renew does; a
        line with an earlier end of its own keeps it."""
        contract = self._contract(
            date_start="2027-01-01",
            date_end="2027-06-30",
            currency_id=self.env.company.currency_id.id,
            lines=[
                {"name": "With the contract", "date_start": "2027-01-01", "date_end": "2027-06-30"},
                {"name": "Own end", "date_start": "2027-01-01", "date_end": "2027-03-31"},
            ],
        )
        follows, own = contract.line_ids
        contract.action_activate()
        self.assertEqual(len(contract.schedule_ids), 9)
        contract.write({"date_end": "2027-12-31"})
        self.assertEqual(follows.date_end, date(2027, 12, 31))
        self.assertEqual(own.date_end, date(2027, 3, 31))
        self.assertEqual(len(contract.schedule_ids), 15)
        self.assertEqual(max(contract.schedule_ids.mapped("date")), date(2027, 12, 1))
        contract.write({"date_end": False})
        self.assertFalse(follows.date_end)
        self.assertEqual(own.date_end, date(2027, 3, 31))

    def test_period_amended_clips_the_lines(self):
        """Shortening or moving an active contract's period (a plain write, as a
        client sends it) clips its lines: no planned row is left outside it, and
        an invoiced row outside the new period is refused."""
        contract = self._contract(
            date_start="2027-01-01",
            date_end="2027-12-31",
            currency_id=self.env.company.currency_id.id,
            lines=[{"date_start": "2027-01-01", "date_end": "2027-12-31"}],
        )
        contract.action_activate()
        self.assertEqual(len(contract.schedule_ids), 12)
        contract.write({"date_end": "2027-06-30"})
        self.assertEqual(contract.line_ids.date_end, date(2027, 6, 30))
        self.assertEqual(len(contract.schedule_ids), 6)
        self.assertEqual(max(contract.schedule_ids.mapped("date")), date(2027, 6, 1))
        self.assertEqual(contract.amount, 600.0)
        contract.write({"date_start": "2027-02-01"})
        self.assertEqual(contract.line_ids.date_start, date(2027, 2, 1))
        self.assertEqual(len(contract.schedule_ids), 5)
        self.assertEqual(contract.amount, 500.0)
        contract.action_create_invoices(date="2027-03-01")
        for vals in ({"date_start": "2027-03-15"}, {"date_end": "2027-02-20"}):
            with self.assertRaises(UserError, msg=vals) as refused:
                contract.with_user(self.billing).write(vals)
            self.assertIn("invoiced schedule rows", str(refused.exception))
        self.assertEqual(contract.date_end, date(2027, 6, 30))
        self.assertEqual(len(contract.schedule_ids), 5)
        # a line wholly outside the new period is named, not dropped
        contract.write(
            {
                "line_ids": [
                    Command.create(
                        {
                            "name": "Late",
                            "price_unit": 1.0,
                            "recurrence": "one_off",
                            "date_start": "2027-06-15",
                        }
                    )
                ]
            }
        )
        with self.assertRaises(UserError) as refused:
            contract.with_user(self.billing).write({"date_end": "2027-05-31"})
        self.assertIn("Late", str(refused.exception))


@tagged("post_install", "-at_install")
class TestLineAmendments(ContractCase):
    def test_invoiced_rows_stay_on_the_line_dates(self):
        """Moving a line's first date (or its end, or its recurrence) off a row
        already invoiced is refused: the period would be invoiced twice. A move
        that keeps its invoiced rows is applied."""
        contract = self._contract()
        contract.action_activate()
        contract.action_create_invoices(date="2026-02-01")
        line = contract.line_ids.with_user(self.billing)
        before = contract.schedule_ids.read(["date", "state"])
        for vals, dates in (
            # the dates as the user's language writes them
            ({"date_start": "2026-01-15"}, "01/01/2026, 02/01/2026"),
            ({"date_end": "2026-01-31"}, "02/01/2026"),
            ({"recurrence": "quarterly"}, "02/01/2026"),
        ):
            with self.assertRaises(UserError) as refused:
                line.write(vals)
            message = str(refused.exception)
            self.assertIn(f"is invoiced for {dates}", message)
            self.assertIn(contract.name, message)
            self.assertEqual(contract.schedule_ids.read(["date", "state"]), before)
        # its invoiced rows kept: applied, the schedule follows
        line.write({"date_end": "2026-06-30"})
        self.assertEqual(max(contract.schedule_ids.mapped("date")), date(2026, 6, 1))
        invoiced = contract.schedule_ids.filtered(lambda r: r.state == "invoiced")
        self.assertEqual(invoiced.mapped("date"), [date(2026, 1, 1), date(2026, 2, 1)])
