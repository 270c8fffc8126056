from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestOfferTour(HttpCase):
    def test_approve_import_and_send_from_the_crm(self):
        """A sales manager opens the lead's quotation (To Approve: a 20% discount
        over the company's 10%), imports a line from a spreadsheet with Romanian
        headers, approves the offer, and sends it from the lead with Odoo's
        composer; the Offer & negotiation step can then move on."""
        admin = self.env.ref("base.user_admin")
        self.env.company.offer_approval_discount = 10.0
        product = self.env["product.product"].create({"name": "Tour Shelf", "list_price": 100})
        self.env["product.product"].create(
            {"name": "Tour Bracket", "default_code": "TOUR-BRK", "list_price": 10}
        )
        partner = self.env["res.partner"].create(
            {"name": "Tour Offer Client SRL", "is_company": True, "email": "buy@tour.example.com"}
        )
        lead = self.env["crm.lead"].create(
            {"name": "Tour offer lead", "type": "opportunity", "partner_id": partner.id}
        )
        lead.activate(
            admin.id,
            "2030-01-01 09:00:00",
            responsibility_type_id=self.env.ref(
                "crm_pipeline.responsibility_type_offer_negotiation"
            ).id,
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Tour Offer List", "currency_id": self.env.company.currency_id.id}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "pricelist_id": pricelist.id,
                "opportunity_id": lead.id,
                "user_id": admin.id,
                "order_line": [(0, 0, {"product_id": product.id, "discount": 20.0})],
            }
        )
        self.assertEqual(order.offer_approval_state, "to_approve")
        self.start_tour(
            f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}",
            "crm_pipeline_offer_step",
            login="admin",
        )
        self.assertEqual(order.offer_approval_state, "approved")
        self.assertEqual(
            order.order_line.filtered("product_id").product_id.mapped("name"),
            ["Tour Shelf", "Tour Bracket"],
        )
        self.assertEqual(order.state, "sent")
        sent = order.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        # the quotation's report (HTML in tests: no wkhtmltopdf)
        self.assertIn(order.name, "".join(sent.attachment_ids.mapped("name")))
        step = lead.responsibility_ids.filtered("is_open")
        step.complete("next", "Offer sent", next_deadline="2030-01-05 09:00:00")
        self.assertEqual(step.state, "done")
