"""A contract line's product fills in its price and taxes as Odoo's quotation
(and vendor bill) line does: the price converted into the contract's currency,
the taxes mapped by the partner's fiscal position (the price adapted when a
price-included tax is mapped to another), so that the contract's invoices are
those Odoo would make."""

from datetime import date

from odoo import Command
from odoo.tests import Form, tagged

from .test_contract import ContractCase


@tagged("post_install", "-at_install")
class TestContractLineProduct(ContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.foreign = cls.env["res.currency"].create(
            {"name": "XLP", "symbol": "L", "rounding": 0.01}
        )
        # 4 XLP a unit of the company's currency
        cls.env["res.currency.rate"].create(
            {"currency_id": cls.foreign.id, "name": "2020-01-01", "rate": 4.0}
        )
        cls.domestic, cls.exempt = (
            cls.env["account.tax"].create({"name": name, "amount": amount, "type_tax_use": use})
            for name, amount, use in (("Line VAT 19", 19.0, "sale"), ("Line VAT 0", 0.0, "sale"))
        )
        cls.bought, cls.bought_exempt = (
            cls.env["account.tax"].create({"name": name, "amount": amount, "type_tax_use": use})
            for name, amount, use in (
                ("Line Input VAT 19", 19.0, "purchase"),
                ("Line Input VAT 0", 0.0, "purchase"),
            )
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Line service",
                "lst_price": 100.0,
                "standard_price": 50.0,
                "taxes_id": [Command.set(cls.domestic.ids)],
                "supplier_taxes_id": [Command.set(cls.bought.ids)],
            }
        )

    def _line_of(self, contract, user):
        """The product chosen on a new line of ``contract``'s form, as ``user``:
        the line's (price, taxes) as the form fills them in, and the contract
        saved."""
        form = Form(contract.with_user(user))
        with form.line_ids.new() as line:
            line.product_id = self.product
            line.date_start = date(2026, 1, 1)
            filled = (line.price_unit, {tax.id for tax in line.tax_ids})
        form.save()
        return filled

    def test_product_price_in_the_contract_currency(self):
        """The product's price (its sales price, a supplier contract's cost, in
        the company's currency) is converted into a contract's other currency,
        as a quotation or a bill in that currency converts it."""
        customer = self._contract(lines=[], user=self.salesman, currency_id=self.foreign.id)
        self.assertEqual(self._line_of(customer, self.salesman), (400.0, set(self.domestic.ids)))
        supplier = self._contract(lines=[], contract_type="supplier", currency_id=self.foreign.id)
        self.assertEqual(self._line_of(supplier, self.billing), (200.0, set(self.bought.ids)))
        # in the company's currency, as it was
        own = self._contract(lines=[], user=self.salesman)
        self.assertEqual(self._line_of(own, self.salesman), (100.0, set(self.domestic.ids)))

    def test_product_taxes_mapped_by_the_fiscal_position(self):
        """The partner's fiscal position maps the product's taxes, as on a
        quotation: the contract's invoice (whose fiscal position is the
        partner's) bills the mapped tax, not the domestic one."""
        position = self.env["account.fiscal.position"].create(
            {
                "name": "Line export",
                "tax_ids": [
                    Command.create({"tax_src_id": src.id, "tax_dest_id": dest.id})
                    for src, dest in (
                        (self.domestic, self.exempt),
                        (self.bought, self.bought_exempt),
                    )
                ],
            }
        )
        self.partner.property_account_position_id = position
        contract = self._contract(lines=[], user=self.salesman)
        self.assertEqual(self._line_of(contract, self.salesman), (100.0, set(self.exempt.ids)))
        contract.with_user(self.billing).action_activate()
        invoice = contract.with_user(self.billing).action_create_invoices(date="2026-01-01")
        self.assertEqual(invoice.fiscal_position_id, position)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, self.exempt)
        self.assertEqual(invoice.amount_total, 100.0)
        supplier = self._contract(lines=[], contract_type="supplier")
        self.assertEqual(self._line_of(supplier, self.billing), (50.0, set(self.bought_exempt.ids)))

    def test_new_contract_in_the_form(self):
        """A contract typed in the form, not saved yet: its currency and
        partner (of a fiscal position) are those the line's product takes."""
        position = self.env["account.fiscal.position"].create(
            {
                "name": "Line export (form)",
                "tax_ids": [
                    Command.create({"tax_src_id": self.domestic.id, "tax_dest_id": self.exempt.id})
                ],
            }
        )
        self.partner.property_account_position_id = position
        with Form(self.env["crm.contract"].with_user(self.salesman)) as form:
            form.partner_id = self.partner
            form.currency_id = self.foreign
            form.date_start = date(2026, 1, 1)
            with form.line_ids.new() as line:
                line.product_id = self.product
                self.assertEqual(line.price_unit, 400.0)
                self.assertEqual([tax.id for tax in line.tax_ids], self.exempt.ids)
        contract = form.record
        self.assertEqual(contract.line_ids.tax_ids, self.exempt)
        self.assertEqual(contract.line_ids.price_unit, 400.0)
