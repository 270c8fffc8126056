from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_offer import OfferCase


@tagged("post_install", "-at_install")
class TestLinksAccess(OfferCase):
    """Links a gate, a log or a history reads need write access on both ends;
    wizards show the names of linked records only to users who may work on them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead_b = cls._lead("B's lead", user_id=cls.salesman_b.id)
        cls.client_a = cls.env["res.partner"].create({"name": "A's Client SRL", "is_company": True})
        cls.person_b = cls.env["res.partner"].create(
            {"name": "Ion Popescu", "parent_id": cls.customer.id}
        )

    # ------------------------------------------------------------------
    # 1. a quotation linked to a lead
    # ------------------------------------------------------------------

    def test_quotation_on_another_salespersons_lead_refused(self):
        with self.assertRaises(AccessError):
            self._order(lead=self.lead_b, partner_id=self.client_a.id)
        self.assertFalse(self.env["sale.order"].search([("opportunity_id", "=", self.lead_b.id)]))
        order = self._order(partner_id=self.client_a.id)
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).write({"opportunity_id": self.lead_b.id})
        self.assertFalse(order.opportunity_id)
        # nor as a default of the context
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.salesman).with_context(
                default_opportunity_id=self.lead_b.id
            ).create({"partner_id": self.client_a.id})

    def test_offer_gate_not_passed_through_foreign_quotation(self):
        step = self._activate(self.lead_b, user=self.salesman_b)
        step.sudo().type_id = self.t_offer  # the test reaches the offer step directly
        with self.assertRaises(AccessError):
            self._order(lead=self.lead_b, partner_id=self.client_a.id)
        with self.assertRaisesRegex(UserError, "quotation linked to the lead"):
            step.with_user(self.salesman_b).complete("next", "Sent", next_deadline=self._in(3))

    def test_quotation_links_of_odoo_flows(self):
        lead = self._lead("A's lead", user_id=self.salesman.id)
        # the lead's salesperson: New Quotation on the lead (Odoo's context)
        context = lead.with_user(self.salesman).action_new_quotation()["context"]
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .with_context(**context)
            .create({"partner_id": self.customer.id})
        )
        self.assertEqual(order.opportunity_id, lead)
        # taken off the lead, and back on it
        order.write({"opportunity_id": False})
        order.write({"opportunity_id": lead.id})
        self.assertEqual(lead.order_ids, order)
        # an unchanged link is written again by the order's salesperson, after
        # the lead went to another salesperson
        lead.write({"user_id": self.salesman_b.id})
        order.write({"opportunity_id": lead.id, "note": "Same lead"})
        order.write({"opportunity_id": False})
        # a sales manager links any lead
        order_b = self._order(user=self.salesman_b)
        order_b.with_user(self.manager).write({"opportunity_id": self.lead_b.id})
        self.assertEqual(order_b.opportunity_id, self.lead_b)
        # through the lead's own orders (the lead is written)
        mine = self._order()
        lead_a = self._lead("A's other lead", user_id=self.salesman.id)
        lead_a.with_user(self.salesman).write({"order_ids": [(4, mine.id)]})
        self.assertEqual(mine.opportunity_id, lead_a)
        with self.assertRaises(AccessError):
            self.lead_b.with_user(self.salesman).write({"order_ids": [(4, mine.id)]})

    def test_duplicate_keeps_the_lead(self):
        """Odoo's Duplicate keeps the quotation on its lead, even after the
        lead went to another salesperson; a lead given to the copy is a new
        link, checked."""
        lead = self._lead("A's lead to hand over", user_id=self.salesman.id)
        context = lead.with_user(self.salesman).action_new_quotation()["context"]
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .with_context(**context)
            .create({"partner_id": self.customer.id})
        )
        lead.write({"user_id": self.salesman_b.id})
        copy = order.with_user(self.salesman).copy()
        self.assertEqual(copy.opportunity_id, lead)
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).copy({"opportunity_id": self.lead_b.id})
        # the exemption covers the copy only, not a create in its context
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.salesman).with_context(
                crm_pipeline_copy_keeps_lead=True
            ).create({"partner_id": self.client_a.id, "opportunity_id": self.lead_b.id})

    # ------------------------------------------------------------------
    # 2. a closed step's responsible and deadline
    # ------------------------------------------------------------------

    def test_closed_step_history_kept(self):
        lead = self._lead("Closed history", user_id=self.salesman.id)
        step = self._activate(lead.with_user(self.salesman))
        step.with_user(self.salesman).write({"deadline": self._in(4)})
        step.with_user(self.salesman).complete(
            "refused", "Not interested", lost_reason_id=self.lost_reason.id
        )
        self.assertEqual(step.state, "refused")
        as_a = step.with_user(self.salesman)
        deadline = step.deadline
        with self.assertRaisesRegex(UserError, "cannot be changed in this state"):
            as_a.write({"deadline": self._in(9)})
        with self.assertRaisesRegex(UserError, "cannot be changed in this state"):
            as_a.write({"user_id": self.salesman_b.id})
        self.assertEqual((step.deadline, step.user_id), (deadline, self.salesman))

    # ------------------------------------------------------------------
    # 3. the client of a record filed on a lead
    # ------------------------------------------------------------------

    def test_record_on_lead_takes_the_leads_client(self):
        lead = self._lead("A's lead", user_id=self.salesman.id)
        for model in ("crm.interaction", "crm.task"):
            Model = self.env[model].with_user(self.salesman)
            vals = {"lead_id": lead.id}
            if model == "crm.task":
                vals["name"] = "Call back"
            with self.assertRaises(ValidationError):
                Model.create(dict(vals, partner_id=self.client_a.id))
            self.assertFalse(Model.search([("partner_id", "=", self.client_a.id)]))
            # the lead's client, one of its contacts, or none given
            record = Model.create(dict(vals, partner_id=self.person_b.id))
            self.assertEqual((record.partner_id, record.contact_id), (self.customer, self.person_b))
            # (an interaction refuses an empty client given: it needs one)
            record = Model.create(dict(vals, partner_id=False) if model == "crm.task" else vals)
            self.assertEqual(record.partner_id, self.customer)
            with self.assertRaises(ValidationError):
                record.write({"partner_id": self.client_a.id})
            with self.assertRaises(ValidationError):
                record.write({"partner_id": False})
            self.assertEqual(record.partner_id, self.customer)
            # off the lead, any client
            record.write({"lead_id": False, "partner_id": self.client_a.id})
            self.assertEqual(record.partner_id, self.client_a)
            # back on it with another client: refused; with its own, it follows
            with self.assertRaises(ValidationError):
                record.write({"lead_id": lead.id, "partner_id": self.client_a.id})
            record.write({"lead_id": lead.id})
            self.assertEqual(record.partner_id, self.customer)
            # without a lead, or on a lead without a customer: free
            free = Model.create(dict(vals, lead_id=False, partner_id=self.client_a.id))
            self.assertEqual(free.partner_id, self.client_a)
            no_customer = self._lead("No customer", user_id=self.salesman.id, partner_id=False)
            free = Model.create(dict(vals, lead_id=no_customer.id, partner_id=self.client_a.id))
            self.assertEqual(free.partner_id, self.client_a)

    # ------------------------------------------------------------------
    # 4. wizards
    # ------------------------------------------------------------------

    def test_wizards_refuse_foreign_quotations(self):
        order_b = self._order(user=self.salesman_b)
        Import = self.env["sale.order.line.import"].with_user(self.salesman)
        with self.assertRaises(AccessError):
            Import.create({"order_id": order_b.id, "file": b"YQ=="})
        with self.assertRaises(AccessError):
            Import.with_context(default_order_id=order_b.id).create({"file": b"YQ=="})
        mine = self._order()
        wizard = Import.create({"order_id": mine.id, "file": b"YQ=="})
        self.assertEqual(wizard.order_id, mine)
        with self.assertRaises(AccessError):
            wizard.write({"order_id": order_b.id})
        # a sales manager rejects the offers of the companies they work in
        other_company = self.env["res.company"].create({"name": "Links Other Co"})
        foreign = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "company_id": other_company.id}
        )
        Reject = self.env["sale.order.offer.reject"].with_user(self.manager)
        with self.assertRaises(AccessError):
            Reject.create({"order_id": foreign.id, "reason": "x"})
        with self.assertRaises(AccessError):
            Reject.with_context(default_order_id=foreign.id).create({"reason": "x"})
        wizard = Reject.create({"order_id": order_b.id, "reason": "x"})
        self.assertEqual(wizard.order_id, order_b)
        with self.assertRaises(AccessError):
            wizard.write({"order_id": foreign.id})
