"""Users Odoo lets open a sales order without any right on the reservations:
invoicing and accounting read-only users (the invoice's Sale Orders button).
crm_supply's fields on the forms they open, and on those an inventory user opens
(the delivery's Sales Order button), read without an access error."""

from odoo.tests import new_test_user, tagged

from .common import SupplyCase

#: the records of each model a form shows: {model: method of the main record}
_SHOWN = {
    "sale.order": lambda record: record,
    "sale.order.line": lambda record: record.order_line,
    "account.move": lambda record: record,
    "account.move.line": lambda record: record.line_ids,
}


@tagged("post_install", "-at_install")
class TestOtherUsersOpenTheOrders(SupplyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoicing = new_test_user(
            cls.env, login="supply_invoicing", groups="account.group_account_invoice"
        )
        cls.accounting_ro = new_test_user(
            cls.env, login="supply_accounting_ro", groups="account.group_account_readonly"
        )

    def _form(self, record, view_xmlid, user):
        """The form ``user`` gets for ``record``: its arch and {model: names of
        the crm_supply fields it shows} (its lines' too)."""
        views = record.with_user(user).get_views([(self.env.ref(view_xmlid).id, "form")])
        shown = {}
        for model, spec in views["models"].items():
            fields = self.env[model]._fields
            names = [
                name
                for name in spec["fields"]
                if name in fields and getattr(fields[name], "_module", None) == "crm_supply"
            ]
            if names:
                self.assertIn(model, _SHOWN)
                shown[model] = names
        return views["views"]["form"]["arch"], shown

    def test_crm_supply_fields_of_the_forms_read(self):
        """They failed for invoicing and accounting users: Reserved
        (reservation_count) and has_reservation read the reservations as them."""
        reserved = self._order(2, user=self.salesman)
        reserved.with_user(self.salesman).action_reserve_stock()
        confirmed = self._order(1, user=self.salesman)
        confirmed.action_confirm()
        invoice = confirmed._create_invoices()
        documents = (
            (reserved, "sale.view_order_form"),
            (confirmed, "sale.view_order_form"),
            (invoice, "account.view_move_form"),
        )
        for user in (self.invoicing, self.accounting_ro, self.stock_user):
            for record, view in documents:
                if not record.with_user(user).has_access("read"):
                    continue  # the inventory user and the invoice: Odoo's rule
                with self.subTest(user=user.login, record=record.display_name):
                    _arch, shown = self._form(record, view, user)
                    self.assertTrue(shown)
                    for model, names in shown.items():
                        self.env.invalidate_all()
                        _SHOWN[model](record).with_user(user).read(names)
        for user in (self.invoicing, self.accounting_ro):
            self.env.invalidate_all()
            self.assertEqual(
                reserved.with_user(user).read(["reservation_count", "has_reservation"]),
                [{"id": reserved.id, "reservation_count": 1, "has_reservation": True}],
            )
            # the buttons that would fail for them are not shown
            arch, _shown = self._form(reserved, "sale.view_order_form", user)
            for button in ("action_view_reservations", "action_reserve_stock"):
                self.assertNotIn(button, arch)
        arch, _shown = self._form(reserved, "sale.view_order_form", self.stock_user)
        self.assertIn("action_view_reservations", arch)
        self.assertNotIn("action_release_stock", arch)

    def test_they_confirm_and_cancel_a_reserved_quotation(self):
        """Odoo lets them confirm or cancel an order (write access): its
        reservations are released as before. It failed with an access error on
        the reservations."""
        for user, action in (
            (self.stock_user, "action_confirm"),
            (self.stock_user, "action_cancel"),
            (self.invoicing, "action_cancel"),
        ):
            with self.subTest(user=user.login, action=action):
                order = self._order(2, user=self.salesman)
                order.with_user(self.salesman).action_reserve_stock()
                getattr(order.with_user(user), action)()
                self.assertEqual(order.state, "sale" if action == "action_confirm" else "cancel")
                self.assertEqual(order.reservation_ids.state, "released")
                self.assertEqual(self._figures()[0], 0.0)

    def test_they_edit_a_reserved_quotations_lines(self):
        """Odoo lets them write a quotation's lines: a reserved line follows
        its new quantity as it does for a salesperson (its reservation
        re-aligned, what it takes more through the reserved-stock policy, as
        them), as it follows the quotation they confirm or cancel. It failed
        with an access error on the reservations."""
        for user in (self.invoicing, self.stock_user):
            with self.subTest(user=user.login):
                order = self._order(2, user=self.salesman)
                order.with_user(self.salesman).action_reserve_stock()
                line = order.order_line.with_user(user)
                line.product_uom_qty = 1
                self.assertEqual(order.reservation_ids.quantity, 1.0)
                line.product_uom_qty = 3
                self.assertEqual(order.reservation_ids.quantity, 3.0)
                self.assertEqual(order.reservation_ids.state, "reserved")
                order.with_user(self.salesman).action_release_stock()
        # what a line takes more still goes through the policy, as them
        self._policy("block")
        holder = self._order(8, user=self.salesman)
        holder.with_user(self.salesman).action_reserve_stock()
        order = self._order(2, user=self.salesman)
        order.with_user(self.salesman).action_reserve_stock()
        with self.assertRefused(f"(?s)takes stock reserved by proformas.*{holder.name}"):
            order.order_line.with_user(self.stock_user).product_uom_qty = 3
        self.assertEqual(order.order_line.product_uom_qty, 2.0)
        self.assertEqual(order.reservation_ids.quantity, 2.0)

    def test_purchase_user_gets_no_customer_documents_button(self):
        """The purchase order's Customer Documents button opens sales orders:
        shown to salespeople only, as sale_purchase's own Sale button (a
        purchase user clicking it got an AccessError)."""
        purchaser = new_test_user(
            self.env, login="supply_purchaser", groups="purchase.group_purchase_user"
        )
        both = new_test_user(
            self.env,
            login="supply_purchasing_salesman",
            groups="sales_team.group_sale_salesman,purchase.group_purchase_user",
        )
        view = self.env.ref("purchase.purchase_order_form")
        Purchase = self.env["purchase.order"]
        arch = Purchase.with_user(purchaser).get_views([(view.id, "form")])
        self.assertNotIn("action_view_crm_sale_orders", arch["views"]["form"]["arch"])
        arch = Purchase.with_user(both).get_views([(view.id, "form")])
        self.assertIn("action_view_crm_sale_orders", arch["views"]["form"]["arch"])
