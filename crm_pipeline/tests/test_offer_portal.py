from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestOfferPortal(HttpCase):
    """The customer's portal page of a quotation waits for approval, like its
    PDF and the e-mail."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.offer_approval_discount = 10.0
        cls.salesman = new_test_user(
            cls.env, login="offer_portal_sales", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env, login="offer_portal_manager", groups="sales_team.group_sale_manager"
        )
        partner = cls.env["res.partner"].create(
            {"name": "Portal Offer Client", "email": "buy@portal-offer.example.com"}
        )
        product = cls.env["product.product"].create({"name": "Portal Shelf", "list_price": 100})
        cls.order = (
            cls.env["sale.order"]
            .with_user(cls.salesman)
            .create(
                {
                    "partner_id": partner.id,
                    "user_id": cls.salesman.id,
                    "order_line": [(0, 0, {"product_id": product.id, "discount": 5.0})],
                }
            )
        )
        cls.order.action_quotation_sent()
        cls.url = cls.order.get_portal_url()

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    @mute_logger("odoo.http")  # the refusal's UserError, logged as a warning
    def test_customer_link_waits_for_approval(self):
        self.assertEqual(self._get(self.url).status_code, 200)
        # changed after it was sent: over the 10% limit
        self.order.order_line.with_user(self.salesman).discount = 15.0
        self.assertEqual(self.order.offer_approval_state, "to_approve")
        self.assertTrue(self.order.offer_approval_reason)
        for url in (self.url, f"{self.url}&report_type=html", f"{self.url}&report_type=pdf"):
            response = self._get(url)
            self.assertEqual(response.status_code, 400, url)
            self.assertIn("being updated", response.text)
            # the internal reason (the discount over the limit) stays internal
            self.assertNotIn("approval", response.text)
            self.assertNotIn(self.order.offer_approval_reason, response.text)
        # the salesperson's Preview shows it
        self.authenticate("offer_portal_sales", "offer_portal_sales")
        self.assertEqual(self._get(self.url).status_code, 200)
        self.logout()
        self.order.with_user(self.manager).action_approve_offer()
        self.assertEqual(self._get(self.url).status_code, 200)

    def test_customer_accepting_gets_no_internal_reason(self):
        """Accepting or paying on the portal (Odoo checks
        ``_confirmation_error_message`` as the portal user, under sudo) is refused
        with the neutral message; the salesperson gets the approval's reason."""
        portal = new_test_user(self.env, login="offer_portal_client", groups="base.group_portal")
        self.order.order_line.with_user(self.salesman).discount = 15.0
        self.assertEqual(self.order.offer_approval_state, "to_approve")
        message = self.order.with_user(portal).sudo()._confirmation_error_message()
        self.assertIn("being updated", message)
        self.assertNotIn(self.order.offer_approval_reason, message)
        internal = self.order.with_user(self.salesman)._confirmation_error_message()
        self.assertIn(self.order.offer_approval_reason, internal)
        self.assertNotIn("being updated", internal)
        self.order.with_user(self.manager).action_approve_offer()
        self.assertFalse(self.order.with_user(portal).sudo()._confirmation_error_message())

    def test_customer_quotation_list_leaves_out_the_one_waiting(self):
        """/my/quotes and its count on /my list a quotation the customer may
        open; not one waiting for approval, whose page is refused."""
        client = self.order.partner_id
        new_test_user(
            self.env, login="offer_portal_lister", groups="base.group_portal", partner_id=client.id
        )
        self.order.message_subscribe(client.ids)
        self.authenticate("offer_portal_lister", "offer_portal_lister")

        def listed():
            page = self.url_open("/my/quotes")
            self.assertEqual(page.status_code, 200)
            counters = self.make_jsonrpc_request("/my/counters", {"counters": ["quotation_count"]})
            return self.order.name in page.text, counters["quotation_count"]

        self.assertEqual(listed(), (True, 1))
        self.order.order_line.with_user(self.salesman).discount = 15.0
        self.assertEqual(self.order.offer_approval_state, "to_approve")
        self.assertEqual(listed(), (False, 0))
        self.order.with_user(self.manager).action_approve_offer()
        self.assertEqual(listed(), (True, 1))
