from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class PricingCommon(AccountTestInvoicingCommon):
    """A client with a tag, two product groups, a pricelist and helpers to post
    invoice history and compute prices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currency = cls.env.company.currency_id
        cls.tag_vip = cls.env["res.partner.category"].create({"name": "VIP"})
        cls.client = cls.env["res.partner"].create(
            {
                "name": "Gold Client",
                "is_company": True,
                "category_id": [Command.set(cls.tag_vip.ids)],
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Buyer of Gold Client", "parent_id": cls.client.id}
        )
        cls.other_client = cls.env["res.partner"].create(
            {"name": "Other Client", "is_company": True}
        )
        cls.categ_w = cls.env["product.category"].create({"name": "Widgets"})
        cls.categ_w_sub = cls.env["product.category"].create(
            {"name": "Small Widgets", "parent_id": cls.categ_w.id}
        )
        cls.categ_o = cls.env["product.category"].create({"name": "Others"})
        cls.widget = cls._create_product(
            name="Widget", lst_price=100.0, categ_id=cls.categ_w_sub.id
        )
        cls.gadget = cls._create_product(name="Gadget", lst_price=200.0, categ_id=cls.categ_o.id)
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Distributors", "currency_id": cls.currency.id}
        )
        cls.term_immediate = cls.env.ref("account.account_payment_term_immediate")
        cls.term_30 = cls.env["account.payment.term"].create(
            {
                "name": "30 Days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})
                ],
            }
        )

    @classmethod
    def _rule(cls, **vals):
        vals.setdefault("pricelist_id", cls.pricelist.id)
        vals.setdefault("compute_price", "percentage")
        return cls.env["product.pricelist.item"].create(vals)

    @classmethod
    def _invoice(
        cls,
        date,
        amount,
        move_type="out_invoice",
        product=None,
        quantity=1.0,
        partner=None,
        currency=None,
        company=None,
        post=True,
    ):
        env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=(company or cls.env.company).ids)
        )
        move = env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or cls.client).id,
                "invoice_date": date,
                "currency_id": (currency or (company or cls.env.company).currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": (product or cls.widget).id,
                            "quantity": quantity,
                            "price_unit": amount / quantity,
                            "tax_ids": [Command.set(cls.tax_sale_a.ids)] if not company else [],
                        }
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def _details(self, product=None, qty=1.0, date="2026-07-15 10:00:00", partner=None, term=None):
        product = product or self.widget
        res = self.pricelist._pricing_details(
            product,
            qty,
            date=fields.Datetime.to_datetime(date),
            partner=partner or self.client,
            payment_term=term,
        )
        return res[product.id]

    def _price(self, product=None, qty=1.0, date="2026-07-15 10:00:00", partner=None, term=None):
        return self.pricelist._get_product_price(
            product or self.widget,
            qty,
            date=fields.Datetime.to_datetime(date),
            partner=partner if partner is not None else self.client,
            payment_term=term,
        )
