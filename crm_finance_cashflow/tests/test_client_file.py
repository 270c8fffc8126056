from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_contract import ContractCase, menu_reachable


@tagged("post_install", "-at_install")
class TestClientFileContracts(ContractCase):
    """A client's contracts in its file, from the CRM: its salesperson reads
    them (read-only when someone else manages them), finance keeps the states."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.write({"is_company": True, "user_id": cls.salesman.id})
        cls.person = cls.env["res.partner"].create(
            {"name": "Client Buyer", "parent_id": cls.partner.id, "type": "contact"}
        )

    def test_salesperson_reads_own_clients_contracts(self):
        # managed by finance, for the salesperson's client
        contract = self._contract(user_id=self.billing.id)
        supplier = self._contract(user_id=self.billing.id, contract_type="supplier")
        partner = self.partner.with_user(self.salesman)
        self.assertEqual(partner.crm_contract_ids, contract | supplier)
        self.assertEqual(partner.crm_contract_count, 2)
        # from a contact person too: the client's file
        self.assertEqual(self.person.with_user(self.salesman).crm_contract_ids, contract | supplier)
        as_salesman = contract.with_user(self.salesman)
        self.assertEqual(as_salesman.read(["name"])[0]["name"], contract.name)
        self.assertTrue(as_salesman.line_ids.read(["name"]))
        action = partner.action_view_crm_contracts()
        self.assertEqual(
            self.env["crm.contract"].with_user(self.salesman).search(action["domain"]),
            contract | supplier,
        )
        # read-only: not theirs to write
        with self.assertRaises(AccessError):
            as_salesman.write({"title": "Changed by sales"})
        for method in ("action_activate", "action_renew", "action_terminate"):
            with self.assertRaises(AccessError, msg=method):
                getattr(as_salesman, method)()
        self.assertEqual(contract.state, "draft")
        # finance activates it; the salesperson still cannot terminate it
        contract.with_user(self.billing).action_activate()
        with self.assertRaises(AccessError):
            as_salesman.action_terminate()
        self.assertEqual(contract.state, "active")
        self.assertTrue(as_salesman.schedule_ids.read(["date"]))
        self.assertEqual(partner.crm_active_contract_count, 1)

    def test_other_salesperson_sees_nothing(self):
        contract = self._contract(user_id=self.billing.id)
        self.assertFalse(self.partner.with_user(self.other_salesman).crm_contract_ids)
        self.assertEqual(self.partner.with_user(self.other_salesman).crm_contract_count, 0)
        with self.assertRaises(AccessError):
            contract.with_user(self.other_salesman).read(["name"])
        # the billing user sees every contract
        self.assertEqual(self.partner.with_user(self.billing).crm_contract_ids, contract)

    def test_own_contract_stays_writable(self):
        """The salesperson's own draft contract (New Contract) is still theirs."""
        contract = self._contract(user_id=self.salesman.id)
        contract.with_user(self.salesman).write({"title": "Racking maintenance"})
        self.assertEqual(contract.title, "Racking maintenance")

    def test_contracts_menu_in_crm(self):
        menu = self.env.ref("crm_finance_cashflow.crm_contract_menu_sales")
        self.assertTrue(menu_reachable(menu, self.salesman))

    def test_smart_button_needs_one_client(self):
        other = self.env["res.partner"].create({"name": "Another client"})
        with self.assertRaises(UserError):
            (self.partner | other).action_view_crm_contracts()


@tagged("post_install", "-at_install")
class TestLeadMoney(ContractCase):
    """The lead's Financial tab: invoices of its quotations and of its
    contracts, payments, the schedule still to invoice, totals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.write({"is_company": True, "user_id": cls.salesman.id})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Money lead",
                "type": "opportunity",
                "partner_id": cls.partner.id,
                "user_id": cls.salesman.id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Racking survey", "type": "service", "invoice_policy": "order"}
        )

    def _order_invoice(self, price):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "opportunity_id": self.lead.id,
                "user_id": self.salesman.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": price}
                    )
                ],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_user_id = self.salesman
        invoice.action_post()
        return invoice

    def test_contract_and_quotation_invoices_and_totals(self):
        contract = self._contract(lead_id=self.lead.id, user=self.salesman)
        contract.with_user(self.billing).action_activate()
        contract_invoices = contract.with_user(self.billing).action_create_invoices(
            date="2026-02-01"
        )
        self.assertEqual(len(contract_invoices), 1, "January and February on one invoice")
        self.assertEqual(contract_invoices.invoice_user_id, self.salesman, "the responsible")
        contract_invoices.action_post()
        order_invoice = self._order_invoice(500.0)
        # pay the order's invoice
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=order_invoice.ids
        ).create({})._create_payments()
        lead = self.lead.with_user(self.salesman)
        self.assertEqual(lead.crm_invoice_ids, contract_invoices | order_invoice)
        invoiced = sum((contract_invoices | order_invoice).mapped("amount_total_signed"))
        currency = self.env.company.currency_id
        self.assertAlmostEqual(lead.crm_amount_invoiced, currency.round(invoiced))
        self.assertAlmostEqual(lead.crm_amount_paid, order_invoice.amount_total_signed)
        self.assertAlmostEqual(
            lead.crm_amount_due, sum(contract_invoices.mapped("amount_residual_signed"))
        )
        planned = contract.schedule_ids.filtered(lambda r: r.state == "planned")
        self.assertEqual(lead.crm_schedule_ids, planned)
        self.assertAlmostEqual(lead.crm_amount_to_invoice, sum(planned.mapped("amount_total")))
        # finance sees the payment; the salesperson cannot read payments at all
        payments = self.lead.with_user(self.billing).crm_payment_ids
        self.assertEqual(len(payments), 1)
        self.assertEqual(payments.partner_id, self.partner)
        with self.assertRaises(AccessError):
            lead.read(["crm_payment_ids"])

    def test_contract_credit_note_taken_off_the_invoiced(self):
        """A credit note of part of a contract invoice (Odoo's Credit Note
        wizard, its lines not linked to the schedule): listed with the invoice
        and taken off *Invoiced*, as a quotation's credit note is; what it
        credits is not *Paid*."""
        contract = self._contract(lead_id=self.lead.id, user=self.salesman)
        contract.with_user(self.billing).action_activate()
        invoice = contract.with_user(self.billing).action_create_invoices(date="2026-01-01")
        invoice.with_user(self.billing).action_post()
        credit = self._reverse(invoice, reason="Discount")
        credit.invoice_line_ids.with_user(self.billing).write({"price_unit": 30.0})
        credit.with_user(self.billing).action_post()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(contract.schedule_ids.invoice_id, invoice, "the period stays invoiced")
        lead = self.lead.with_user(self.salesman)
        currency = self.env.company.currency_id
        # the credit note's signed amount is negative
        invoiced = currency.round(invoice.amount_total_signed + credit.amount_total_signed)
        self.assertLess(invoiced, invoice.amount_total_signed)
        self.assertAlmostEqual(lead.crm_amount_invoiced, invoiced)
        self.assertAlmostEqual(lead.crm_amount_due, invoiced)
        self.assertAlmostEqual(lead.crm_amount_paid, 0.0)
        self.assertEqual(lead.crm_invoice_ids, invoice | credit)
        self.assertFalse(self.lead.with_user(self.billing).crm_payment_ids)
        # a second credit note of the rest: the invoice is reversed entirely and
        # gave its period back; neither it nor its credit notes count any more
        rest = self._reverse(invoice, reason="The rest")
        rest.invoice_line_ids.with_user(self.billing).write(
            {"price_unit": invoice.amount_total - credit.amount_total, "tax_ids": [Command.clear()]}
        )
        rest.with_user(self.billing).action_post()
        self.assertTrue(invoice.crm_contract_rows_released)
        lead.invalidate_recordset()
        self.assertFalse(lead.crm_invoice_ids)
        self.assertAlmostEqual(lead.crm_amount_invoiced, 0.0)
        self.assertAlmostEqual(lead.crm_amount_paid, 0.0)
        self.assertAlmostEqual(lead.crm_amount_due, 0.0)

    def test_other_salesperson_gets_no_figures(self):
        contract = self._contract(lead_id=self.lead.id, user=self.salesman)
        contract.with_user(self.billing).action_activate()
        lead = self.lead.with_user(self.other_salesman)
        with self.assertRaises(AccessError):
            lead.read(["crm_amount_to_invoice"])
        # even computed directly, the figures are the user's: nothing of others'
        self.assertFalse(lead.crm_schedule_ids)
        self.assertEqual(lead.crm_amount_to_invoice, 0.0)
