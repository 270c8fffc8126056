from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common_offer import OfferCase

#: what crm_pipeline adds to the records a portal user reads (its quotations,
#: its company, its own contact and client): internal, the employees' only
GUARDED = {
    "sale.order": ["offer_approval_reason", "offer_approval_signature"],
    "res.company": ["offer_approval_amount", "offer_approval_discount", "crm_block_duplicate_vat"],
    "res.partner": [
        "intake_vat_key",
        "intake_phone_key",
        "intake_mobile_key",
        "vat_payer",
        "company_status",
        "crm_contact_person_ids",
        "crm_bank_account_ids",
    ],
}


@tagged("post_install", "-at_install")
class TestPortalFieldAccess(OfferCase):
    """A portal customer reads its quotation, its company and its own contact
    with its access rights (XML-RPC included): why its quotation waits for
    approval (the discount over the limit), what was approved, the company's
    limits and settings, and the client file's internal keys and statuses are
    the employees'. The approval state stays the customer's (its portal page
    says a waiting quotation "is being updated"), and so does the client's
    document note, printed on its documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"is_company": True, "vat": "RO18547290", "phone": "+40 721 000 111"})
        cls.portal = new_test_user(cls.env, login="field_access_portal", groups="base.group_portal")
        cls.portal.partner_id.parent_id = cls.customer
        cls.billing = new_test_user(
            cls.env, login="field_access_billing", groups="account.group_account_invoice"
        )

    def _records(self, order):
        return {
            "sale.order": order,
            "res.company": self.company,
            "res.partner": self.customer | self.portal.partner_id,
        }

    def test_portal_customer_reads_no_internal_field(self):
        self._limits(discount=5.0)
        order = self._order(discount=8.0)
        self.assertEqual(order.offer_approval_state, "to_approve")
        self.assertTrue(order.offer_approval_reason)
        order.message_subscribe(partner_ids=self.portal.partner_id.ids)
        for model, fnames in GUARDED.items():
            records = self._records(order)[model]
            # the portal customer reads the record itself ...
            records.with_user(self.portal).read(["display_name"])
            for fname in fnames:
                with self.subTest(model=model, field=fname):
                    with self.assertRaises(AccessError):
                        records.with_user(self.portal).read([fname])
                    with self.assertRaises(AccessError):
                        records.with_user(self.portal).search_read(
                            [("id", "in", records.ids)], [fname]
                        )
                    # ... and the salesperson still reads the field
                    records.with_user(self.salesman).read([fname])
        self.assertFalse(
            set(GUARDED["res.company"])
            & set(self.env["res.company"].with_user(self.portal).fields_get(attributes=["type"]))
        )
        # the document note, printed on the client's documents, stays its own
        self.customer.crm_document_note = "Deliver to the back door"
        self.assertEqual(
            self.customer.with_user(self.portal).read(["crm_document_note"])[0][
                "crm_document_note"
            ],
            "Deliver to the back door",
        )
        # the reason is the salesperson's
        self.assertIn(
            "Offer Shelf",
            order.with_user(self.salesman).read(["offer_approval_reason"])[0][
                "offer_approval_reason"
            ],
        )

    def test_internal_roles_still_open_their_forms(self):
        self._limits(discount=5.0)
        order = self._order(discount=8.0)
        for user in (self.salesman, self.manager):
            with self.subTest(user=user.login):
                form = Form(order.with_user(user))
                self.assertEqual(form.offer_approval_state, "to_approve")
                self.assertIn("Offer Shelf", form.offer_approval_reason)
        for user in (self.salesman, self.billing):
            with self.subTest(user=user.login):
                form = Form(self.customer.with_user(user))
                self.assertEqual(form.name, self.customer.name)
                self.assertEqual(form.vat, "RO18547290")
