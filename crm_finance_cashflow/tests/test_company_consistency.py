from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestCompanyConsistency(ContractCase):
    """What a contract and a planned payment link stays of their company: a
    draft contract moved to another company keeps no line (taxes, product) nor
    planned payment of the company before; a planned payment of an invoice is
    of the invoice's company, so that each company's forecast counts it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main = cls.env.company
        cls.other = cls.env["res.company"].create({"name": "Consistency Other Co"})
        cls.branch = cls.env["res.company"].create(
            {"name": "Consistency Branch", "parent_id": cls.main.id}
        )
        companies = cls.main | cls.other | cls.branch
        for user in (cls.billing, cls.salesman):
            user.write({"company_ids": [Command.link(c.id) for c in companies]})
        cls.tax = cls.env["account.tax"].create(
            {"name": "Consistency VAT 19", "amount": 19.0, "company_id": cls.main.id}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Consistency Service", "type": "service", "company_id": cls.main.id}
        )

    def _in(self, records, user, companies=None):
        """``records`` as ``user`` with ``companies`` selected (by default
        the three, the main company current)."""
        companies = companies or (self.main | self.other | self.branch)
        return records.with_user(user).with_context(allowed_company_ids=companies.ids)

    # --- the contract's company ------------------------------------------------

    def test_company_change_checks_the_lines(self):
        """A draft contract whose lines carry its company's taxes or products
        is not moved to another company (Create Invoices stopped on Odoo's
        incompatible companies later); without them, it moves, its lines
        with it."""
        for user in (self.salesman, self.billing):
            for line in ({"tax_ids": [Command.set(self.tax.ids)]}, {"product_id": self.product.id}):
                contract = self._in(self._contract(lines=[line], user=user), user)
                self.assertEqual(contract.line_ids.company_id, self.main)
                with self.assertRaises(UserError) as refused:
                    contract.write({"company_id": self.other.id})
                # Odoo's message names the line and its field
                self.assertIn("Incompatible companies", str(refused.exception))
                self.assertIn(f"({next(iter(line))}: ", str(refused.exception))
                self.assertEqual(contract.company_id, self.main)
                self.assertEqual(contract.line_ids.company_id, self.main)
        # a branch uses its parent's taxes and products: it moves there
        contract = self._in(
            self._contract(
                lines=[{"tax_ids": [Command.set(self.tax.ids)], "product_id": self.product.id}]
            ),
            self.billing,
        )
        contract.write({"company_id": self.branch.id})
        self.assertEqual(contract.line_ids.company_id, self.branch)
        # a line of no company's taxes or product moves with its contract
        plain = self._in(self._contract(), self.billing)
        plain.write({"company_id": self.other.id})
        self.assertEqual(plain.line_ids.company_id, self.other)
        plain.action_activate()
        self.assertEqual(plain.schedule_ids.company_id, self.other)

    def test_company_change_checks_the_planned_payments(self):
        """A planned payment of the contract stays of its company: the contract
        is not moved away from it."""
        contract = self._in(self._contract(), self.billing)
        self._in(self.env["crm.planned.payment"], self.billing).create(
            {
                "name": "Advance",
                "direction": "incoming",
                "partner_id": self.partner.id,
                "amount": 50.0,
                "date": "2026-02-01",
                "contract_id": contract.id,
            }
        )
        with self.assertRaises(UserError) as refused:
            contract.write({"company_id": self.other.id})
        self.assertIn("Incompatible companies", str(refused.exception))
        self.assertIn("“Advance”", str(refused.exception))
        self.assertEqual(contract.company_id, self.main)

    def test_company_change_warns_in_the_form(self):
        """The form warns as soon as the company changes while lines carry
        taxes or products the new company may not use, or a planned payment of
        the company before is linked (as Odoo's quotation warns of its
        company's change), rather than only on save; a contract without such
        lines, or moved to a branch of its company, changes without a warning."""
        contract = self._in(
            self._contract(lines=[{"tax_ids": [Command.set(self.tax.ids)]}]), self.billing
        )
        form = Form(contract)
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as warned:
            form.company_id = self.other
        self.assertEqual(len(warned.output), 1)
        self.assertIn("Consistency Other Co", warned.output[0])
        self.assertIn("Maintenance", warned.output[0])
        # a branch uses its parent's taxes and products: no warning
        with self.assertNoLogs("odoo.tests.form.onchange", "WARNING"):
            form.company_id = self.branch
        # a contract without lines moves without a warning
        bare = self._in(self._contract(lines=[]), self.billing)
        with self.assertNoLogs("odoo.tests.form.onchange", "WARNING"):
            Form(bare).company_id = self.other
        # a planned payment of the company before is named
        self._in(self.env["crm.planned.payment"], self.billing).create(
            {
                "name": "Advance",
                "direction": "incoming",
                "partner_id": self.partner.id,
                "amount": 50.0,
                "date": "2026-02-01",
                "contract_id": bare.id,
            }
        )
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as warned:
            Form(bare).company_id = self.other
        self.assertIn("Advance", warned.output[0])
        self.assertIn("Consistency Other Co", warned.output[0])
        # nothing was saved
        self.assertEqual((contract | bare).company_id, self.main)

    def _advance(self, contract, user=None, name="Advance"):
        """A planned payment ``name`` of the contract's company linked to
        ``contract``, created by ``user`` (by default as superuser)."""
        Planned = self.env["crm.planned.payment"]
        if user:
            Planned = self._in(Planned, user)
        return Planned.create(
            {
                "name": name,
                "direction": "incoming",
                "partner_id": self.partner.id,
                "amount": 50.0,
                "date": "2026-02-01",
                "contract_id": contract.id,
                "company_id": contract.company_id.id,
            }
        )

    def test_company_change_names_only_readable_planned_payments(self):
        """The form's warning and the refusal on save name the linked planned
        payments the user may read and count the others, never naming them
        (found as superuser: every one of them counts): a salesperson, who
        reads no planned payment, moving their own draft; a billing user whose
        record rule hides another user's planned payment."""
        contract = self._in(self._contract(user=self.salesman), self.salesman)
        self._advance(contract, self.billing)
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as warned:
            Form(contract).company_id = self.other
        self.assertNotIn("Advance", warned.output[0])
        self.assertIn("1 planned payment(s) you cannot access", warned.output[0])
        with self.assertRaises(UserError) as refused:
            contract.write({"company_id": self.other.id})
        self.assertNotIn("Advance", str(refused.exception))
        self.assertIn("1 planned payment(s) you cannot access", str(refused.exception))
        self.assertEqual(contract.company_id, self.main)
        # billing reads only the planned payments it created
        self.env["ir.rule"].create(
            {
                "name": "Consistency: billing reads its own planned payments",
                "model_id": self.env["ir.model"]._get_id("crm.planned.payment"),
                "domain_force": "[('create_uid', '=', user.id)]",
                "groups": [Command.link(self.ref("account.group_account_invoice"))],
            }
        )
        contract = self._in(self._contract(), self.billing)
        self._advance(contract, self.billing)
        self._advance(contract, name="Secret")
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as warned:
            Form(contract).company_id = self.other
        named = "“Advance” and 1 other planned payment(s) you cannot access"
        self.assertIn(named, warned.output[0])
        self.assertNotIn("Secret", warned.output[0])
        with self.assertRaises(UserError) as refused:
            contract.write({"company_id": self.other.id})
        self.assertIn(named, str(refused.exception))
        self.assertNotIn("Secret", str(refused.exception))
        self.assertEqual(contract.company_id, self.main)

    def test_company_read_only_in_the_form_once_active(self):
        """An active contract's company no longer changes (its terms' policy):
        the form shows it read-only, as it does its partner and type, rather
        than taking a change the save refuses."""
        contract = self._in(self._contract(), self.billing)
        contract.action_activate()
        form = Form(contract)
        with self.assertRaisesRegex(AssertionError, "readonly field 'company_id'"):
            form.company_id = self.other

    def test_terms_read_only_in_the_form_once_active(self):
        """An active contract's currency and lead no longer change (draft
        terms of its policy): the form shows them read-only, as it does its
        company, rather than taking a change the save refuses."""
        self.billing.write({"groups_id": [Command.link(self.ref("base.group_multi_currency"))]})
        lead = self.env["crm.lead"].create({"name": "Consistency Lead"})
        other_currency = self.env["res.currency"].search(
            [("id", "!=", self.main.currency_id.id)], limit=1
        )
        contract = self._in(self._contract(), self.billing)
        # in draft, both are the user's to set
        form = Form(contract)
        form.currency_id = other_currency
        form.lead_id = lead
        contract.action_activate()
        form = Form(contract)
        for name, value in (("currency_id", self.main.currency_id), ("lead_id", lead)):
            with self.assertRaisesRegex(AssertionError, f"readonly field '{name}'"):
                setattr(form, name, value)

    # --- the lines' taxes ---------------------------------------------------------

    def test_line_of_a_branch_takes_its_parents_taxes(self):
        """A product's taxes of the contract's company are the line's, or, as
        Odoo's quotation line takes them (``_filter_taxes_by_company``), its
        parent company's when the company has none of its own: a branch uses
        its parent's taxes."""
        country = self.main.account_fiscal_country_id or self.env.ref("base.us")
        branch_tax, other_tax = (
            self.env["account.tax"].create(
                {
                    "name": name,
                    "amount": amount,
                    "company_id": company.id,
                    "country_id": country.id,
                    "tax_group_id": self.env["account.tax.group"]
                    .create({"name": name, "company_id": company.id, "country_id": country.id})
                    .id,
                }
            )
            for name, amount, company in (
                ("Consistency Branch VAT 9", 9.0, self.branch),
                ("Consistency Other VAT 5", 5.0, self.other),
            )
        )
        parents = self.env["product.product"].create(
            {"name": "Parent-taxed", "taxes_id": [Command.set((self.tax | other_tax).ids)]}
        )
        own = self.env["product.product"].create(
            {"name": "Branch-taxed", "taxes_id": [Command.set((self.tax | branch_tax).ids)]}
        )
        contract = self._in(self._contract(lines=[], company_id=self.branch.id), self.billing)
        self.assertEqual(contract.company_id, self.branch)
        form = Form(contract)
        for product, taxes in ((parents, self.tax), (own, branch_tax)):
            with form.line_ids.new() as line:
                line.product_id = product
                line.date_start = date(2026, 1, 1)
                self.assertEqual({tax.id for tax in line.tax_ids}, set(taxes.ids))
        form.save()
        self.assertEqual(contract.line_ids.tax_ids, self.tax | branch_tax)

    # --- a planned payment of an invoice ---------------------------------------

    def _invoice(self, company):
        invoice = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner.id,
                    "invoice_date": "2026-01-15",
                    "invoice_date_due": "2026-01-15",
                    "invoice_line_ids": [
                        Command.create({"name": "Work", "price_unit": 1000.0, "tax_ids": []})
                    ],
                }
            )
        )
        invoice.action_post()
        self.assertEqual(invoice.company_id, company)
        return invoice

    def _forecast(self, companies):
        [overdue, year] = self._in(
            self.env["crm.contract"], self.billing, companies
        ).get_cashflow_forecast("2026-01-01", "2026-12-31", granularity="year")
        return round(overdue["incoming"] + year["incoming"], 2)

    def test_planned_payment_of_the_invoices_company(self):
        """A planned payment of an invoice is of the invoice's company: Odoo's
        check_company on ``invoice_id`` (an invoice is of its own company,
        not shared with the branches as a journal or a tax is) refuses a
        branch's planned payment of its parent's invoice, created or moved,
        and the form offers the invoices of the planned payment's company
        only. So each company's forecast takes off an invoice only the
        planned payments it counts: the parent's counts the whole invoice."""
        invoice = self._invoice(self.main)
        before = self._forecast(self.main)
        vals = {
            "name": "Branch collects",
            "direction": "incoming",
            "partner_id": self.partner.id,
            "amount": 400.0,
            "date": "2026-03-01",
            "invoice_id": invoice.id,
        }
        Planned = self._in(self.env["crm.planned.payment"], self.billing)
        with self.assertRaises(UserError) as refused:
            Planned.create(dict(vals, company_id=self.branch.id))
        self.assertIn("Incompatible companies", str(refused.exception))
        planned = Planned.create(dict(vals, company_id=self.main.id))
        with self.assertRaises(UserError) as refused:
            planned.write({"company_id": self.branch.id})
        self.assertIn("Incompatible companies", str(refused.exception))
        self.assertEqual(planned.company_id, self.main)
        # the parent's forecast alone counts the whole invoice: the planned
        # payment and the rest of the invoice
        self.assertEqual(self._forecast(self.main), before)
        both = self._forecast(self.main | self.branch)
        self.assertEqual(round(both - self._forecast(self.branch), 2), before)
        domain = Planned._fields["invoice_id"]._description_domain(self.env)
        self.assertIn("company_id", domain)
