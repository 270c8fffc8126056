from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCommission(TransactionCase):
    """Invoiced services and commissions at the most specific rate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller_a = new_test_user(
            cls.env, login="comm_sales_a", groups="sales_team.group_sale_salesman"
        )
        cls.seller_b = new_test_user(
            cls.env, login="comm_sales_b", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env, login="comm_manager", groups="sales_team.group_sale_manager"
        )
        Category = cls.env["product.category"]
        cls.services = Category.create({"name": "Comm services"})
        cls.install = Category.create({"name": "Comm install", "parent_id": cls.services.id})
        cls.other = Category.create({"name": "Comm other"})
        Product = cls.env["product.product"]
        cls.p_install = Product.create(
            {"name": "Comm assembly", "type": "service", "categ_id": cls.install.id}
        )
        cls.p_other = Product.create(
            {"name": "Comm training", "type": "service", "categ_id": cls.other.id}
        )
        cls.p_goods = Product.create(
            {"name": "Comm shelf", "type": "consu", "categ_id": cls.install.id}
        )
        Rate = cls.env["crm.commission.rate"]
        Rate.create({"rate": 2.0})
        Rate.create({"categ_id": cls.services.id, "rate": 5.0})
        Rate.create({"user_id": cls.seller_a.id, "rate": 7.0})
        Rate.create({"user_id": cls.seller_a.id, "categ_id": cls.install.id, "rate": 10.0})
        cls.customer = cls.env["res.partner"].create({"name": "Comm customer"})
        cls._invoice(cls.seller_a, [(cls.p_install, 1000.0), (cls.p_other, 500.0)])
        cls._invoice(cls.seller_a, [(cls.p_goods, 800.0)])
        cls._invoice(cls.seller_b, [(cls.p_install, 200.0), (cls.p_other, 100.0)])
        cls._invoice(cls.seller_a, [(cls.p_install, 100.0)], move_type="out_refund")
        # a draft invoice does not count
        cls._invoice(cls.seller_a, [(cls.p_install, 9000.0)], post=False)

    @classmethod
    def _invoice(cls, user, lines, move_type="out_invoice", post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.customer.id,
                "invoice_user_id": user.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    (0, 0, {"product_id": p.id, "price_unit": amount, "tax_ids": [(6, 0, [])]})
                    for p, amount in lines
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def _figures(self, user):
        rows = (
            self.env["crm.commission.report"]
            .with_user(user)
            ._read_group(
                [("partner_id", "=", self.customer.id)],
                ["user_id", "product_id"],
                ["amount:sum", "commission:sum"],
            )
        )
        return {(u.login, p.name): (amount, commission) for u, p, amount, commission in rows}

    def test_most_specific_rate(self):
        figures = self._figures(self.manager)
        self.assertEqual(
            figures,
            {
                # salesperson and category: 10 %, the refund counts negative
                ("comm_sales_a", "Comm assembly"): (900.0, 90.0),
                # salesperson only: 7 %
                ("comm_sales_a", "Comm training"): (500.0, 35.0),
                # the parent category's rate covers its subcategory: 5 %
                ("comm_sales_b", "Comm assembly"): (200.0, 10.0),
                # the company default: 2 %
                ("comm_sales_b", "Comm training"): (100.0, 2.0),
            },
        )

    def test_salespeople_see_their_own(self):
        self.assertEqual(
            set(self._figures(self.seller_a)),
            {("comm_sales_a", "Comm assembly"), ("comm_sales_a", "Comm training")},
        )
        self.assertEqual(
            set(self._figures(self.seller_b)),
            {("comm_sales_b", "Comm assembly"), ("comm_sales_b", "Comm training")},
        )

    def test_bad_rates(self):
        Rate = self.env["crm.commission.rate"].with_user(self.manager)
        with self.assertRaises(ValidationError):
            Rate.create({"categ_id": self.other.id, "rate": 150.0})
        with self.assertRaises(ValidationError):
            Rate.create({"categ_id": self.other.id, "rate": -1.0})
        with self.assertRaises(ValidationError):
            Rate.create({"user_id": self.seller_a.id, "rate": 3.0})

    def test_rate_for_a_user_of_the_company(self):
        """A company's rate is for one of its users: a rate of another company
        for a user who does not work there is refused, nothing written."""
        company_4 = self.env["res.company"].create({"name": "Comm Co 4"})
        self.manager.company_ids |= company_4
        Rate = (
            self.env["crm.commission.rate"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=[self.env.company.id, company_4.id])
        )
        with self.assertRaises(ValidationError) as cm:
            Rate.create({"user_id": self.seller_b.id, "rate": 4.0, "company_id": company_4.id})
        self.assertIn("does not work in Comm Co 4", str(cm.exception))
        rate = Rate.create({"user_id": self.seller_b.id, "rate": 4.0})
        with self.assertRaises(ValidationError) as cm:
            rate.write({"company_id": company_4.id})
        self.assertIn("does not work in Comm Co 4", str(cm.exception))
        self.assertEqual(rate.company_id, self.env.company)
        # once the salesperson works there too, the rate is theirs
        self.seller_b.company_ids |= company_4
        rate.write({"company_id": company_4.id})
        self.assertEqual(rate.company_id, company_4)
