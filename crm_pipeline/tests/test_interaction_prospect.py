from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common_interaction import InteractionCommon


@tagged("post_install", "-at_install")
class TestInteractionWithoutCustomer(InteractionCommon):
    """A prospect's history is kept on its lead: leads imported or created from
    a tax ID have no customer yet, and their contacts are logged all the same."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prospect = cls.env["crm.lead"].create(
            {
                "name": "Itx prospect without customer",
                "partner_name": "Prospect Frig SRL",
                "user_id": cls.salesman_a.id,
            }
        )
        first_contact = fields.Datetime.now().replace(microsecond=0) + timedelta(days=1)
        cls.prospect.with_user(cls.salesman_a).activate(cls.salesman_a.id, first_contact)
        cls.step = cls.prospect.open_responsibility_id

    def test_contact_logged_on_a_step_of_a_lead_without_customer(self):
        Interaction = self.Interaction.with_user(self.salesman_a)
        interaction = Interaction.create(
            {"responsibility_id": self.step.id, "interaction_type": "call", "duration": 0.5}
        )
        self.assertEqual(interaction.lead_id, self.prospect)
        self.assertFalse(interaction.partner_id)
        self.assertEqual(interaction.display_name, f"Call: {self.prospect.display_name}")
        on_lead = Interaction.create({"lead_id": self.prospect.id, "partner_id": False})
        self.assertFalse(on_lead.partner_id)
        self.assertEqual(self.prospect.with_user(self.salesman_a).crm_interaction_count, 2)
        self.assertEqual(self.step.with_user(self.salesman_a).interaction_ids, interaction)
        titles = [
            entry["title"]
            for entry in self.prospect.with_user(self.salesman_a)._timeline_entries()
            if entry["kind"] == "interaction"
        ]
        self.assertIn(f"Call: {self.prospect.display_name}", titles)
        # grouped by client (the boards, the Client grouping): an empty client is a group
        groups = Interaction._read_group(
            [("lead_id", "=", self.prospect.id)], ["partner_id"], ["__count"]
        )
        self.assertEqual(groups, [(self.env["res.partner"], 2)])

    def test_contacts_tab_of_the_step_form(self):
        with Form(self.step.with_user(self.salesman_a)) as form:
            with form.interaction_ids.new() as line:
                line.interaction_type = "visit"
                line.duration = 1.0
        self.assertEqual(len(self.step.interaction_ids), 1)
        self.assertEqual(self.step.interaction_ids.lead_id, self.prospect)
        self.assertFalse(self.step.interaction_ids.partner_id)

    def test_a_client_or_a_lead_is_needed(self):
        Interaction = self.Interaction.with_user(self.salesman_a)
        with self.assertRaisesRegex(ValidationError, "needs a client or a lead"):
            Interaction.create({"interaction_type": "call"})
        with self.assertRaisesRegex(ValidationError, "needs a client or a lead"):
            Interaction.create({"interaction_type": "call", "partner_id": False})
        on_prospect = Interaction.create({"lead_id": self.prospect.id})
        with self.assertRaisesRegex(ValidationError, "needs a client or a lead"):
            on_prospect.write({"lead_id": False})
        self.assertEqual(on_prospect.lead_id, self.prospect)
        with_client = Interaction.create({"partner_id": self.client.id})
        with self.assertRaisesRegex(ValidationError, "needs a client or a lead"):
            with_client.write({"partner_id": False})
        self.assertEqual(with_client.partner_id, self.client)
        # on a lead that has a customer, the client stays that customer
        on_lead_a = Interaction.create({"lead_id": self.lead_a.id})
        with self.assertRaisesRegex(ValidationError, "its client is the lead's customer"):
            on_lead_a.write({"partner_id": False})

    def test_contact_person_given_without_client(self):
        interaction = self.Interaction.with_user(self.salesman_a).create(
            {"lead_id": self.prospect.id, "contact_id": self.person.id}
        )
        # filed on the person's company, as when the person is given as the client
        self.assertEqual(interaction.partner_id, self.client)
        self.assertEqual(interaction.contact_id, self.person)
        logged = self.Interaction.with_user(self.salesman_a).create({"lead_id": self.prospect.id})
        logged.write({"contact_id": self.person.id})
        self.assertEqual(logged.partner_id, self.client)
        # without a lead either
        called = self.Interaction.with_user(self.salesman_a).create(
            {"partner_id": False, "contact_id": self.person.id}
        )
        self.assertEqual(called.partner_id, self.client)

    def test_filed_on_the_customer_the_lead_gets(self):
        interaction = self.Interaction.with_user(self.salesman_a).create(
            {"responsibility_id": self.step.id}
        )
        task = self.Task.with_user(self.salesman_a).create(
            {"name": "Prospect offer", "lead_id": self.prospect.id}
        )
        other = self.env["res.partner"].create({"name": "Other Itx SA", "is_company": True})
        already_filed = self.Interaction.with_user(self.salesman_a).create(
            {"lead_id": self.prospect.id, "partner_id": other.id}
        )
        self.prospect.with_user(self.salesman_a).partner_id = self.person
        self.assertEqual(interaction.partner_id, self.client)
        self.assertEqual(task.partner_id, self.client)
        # filed on the lead while it had no customer: the customer's now
        self.assertEqual(already_filed.partner_id, self.client)
        self.assertEqual(self.client.with_user(self.salesman_a).crm_interaction_count, 2)
        # a lead that had a customer: its records keep their client
        self.prospect.with_user(self.salesman_a).partner_id = other
        self.assertEqual((interaction | already_filed).partner_id, self.client)

    def test_contact_company_refiled_on_the_customer_the_lead_gets(self):
        """A call logged on a prospect with a contact person of another firm is
        filed on that firm; once the prospect is converted to a new customer,
        the call is filed on the customer (a record filed on a lead that has a
        customer has that customer as its client) and can be edited."""
        firm = self.env["res.partner"].create({"name": "Itx Consulting SRL", "is_company": True})
        ion = self.env["res.partner"].create(
            {"name": "Ion Popescu", "parent_id": firm.id, "type": "contact"}
        )
        Interaction = self.Interaction.with_user(self.salesman_a)
        call = Interaction.create(
            {"lead_id": self.prospect.id, "contact_id": ion.id, "interaction_type": "call"}
        )
        task = self.Task.with_user(self.salesman_a).create(
            {"name": "Send the offer", "lead_id": self.prospect.id, "contact_id": ion.id}
        )
        on_client = Interaction.create({"lead_id": self.prospect.id, "contact_id": self.person.id})
        self.assertEqual(call.partner_id, firm)
        self.assertEqual(task.partner_id, firm)
        # converted: a new customer created from the prospect's company name
        prospect = self.prospect.with_user(self.salesman_a)
        prospect._handle_partner_assignment(create_missing=True)
        customer = prospect.partner_id.commercial_partner_id
        self.assertTrue(customer)
        self.assertNotIn(customer, firm | self.client)
        for record in (call, task, on_client):
            self.assertEqual(record.partner_id, customer)
            # the contact person is not one of the customer's: cleared
            self.assertFalse(record.contact_id)
        call.write({"partner_id": call.partner_id.id, "notes": "Offer discussed"})
        task.write({"partner_id": task.partner_id.id, "description": "By Friday"})
        self.assertEqual(firm.with_user(self.salesman_a).crm_interaction_count, 0)
        self.assertEqual(customer.with_user(self.salesman_a).crm_interaction_count, 2)

    def test_contact_of_the_customer_kept(self):
        """A record filed on the customer's contact person keeps that contact."""
        interaction = self.Interaction.with_user(self.salesman_a).create(
            {"lead_id": self.prospect.id, "contact_id": self.person.id}
        )
        self.prospect.with_user(self.salesman_a).partner_id = self.client
        self.assertEqual(interaction.partner_id, self.client)
        self.assertEqual(interaction.contact_id, self.person)

    def test_merged_records_keep_their_client(self):
        """A merge that gives the surviving lead its first customer leaves the
        records moved from the other leads on their client."""
        other = self.env["res.partner"].create({"name": "Other Itx SA", "is_company": True})
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": "Itx merged of client",
                    "partner_id": self.client.id,
                    "user_id": self.salesman_a.id,
                },
                {
                    "name": "Itx merged of other",
                    "partner_id": other.id,
                    "user_id": self.salesman_a.id,
                },
            ]
        )
        on_client, on_other = self.Interaction.create(
            [{"lead_id": leads[0].id}, {"lead_id": leads[1].id}]
        )
        merged = (self.prospect | leads).merge_opportunity()
        # the prospect survives (its open step) and gets its first customer
        self.assertEqual(merged, self.prospect)
        self.assertTrue(merged.partner_id)
        self.assertEqual((on_client | on_other).lead_id, merged)
        self.assertEqual(on_client.partner_id, self.client)
        self.assertEqual(on_other.partner_id, other)

    def test_lead_deletion_keeps_no_interaction_without_client(self):
        interaction = self.Interaction.with_user(self.salesman_a).create(
            {"lead_id": self.prospect.id, "name": "First call"}
        )
        with self.assertRaisesRegex(UserError, "First call"):
            self.prospect.with_user(self.manager).unlink()
        self.assertTrue(self.prospect.exists())
        interaction.with_user(self.salesman_a).unlink()
        self.prospect.with_user(self.manager).unlink()
        self.assertFalse(self.prospect.exists())

    def test_lead_deletion_message_names_ten(self):
        """Deleting many leads: the message names the first ten and counts the
        others."""
        leads = self.env["crm.lead"].create(
            [
                {"name": f"Itx bulk prospect {i:02d}", "user_id": self.salesman_a.id}
                for i in range(12)
            ]
        )
        self.Interaction.create(
            [{"lead_id": lead.id, "name": f"Bulk call {i:02d}"} for i, lead in enumerate(leads)]
        )
        with self.assertRaises(UserError) as caught:
            leads.with_user(self.manager).unlink()
        message = str(caught.exception)
        self.assertEqual(message.count("Bulk call"), 10)
        self.assertIn("... and 2 more.", message)
        tasks = self.Task.create(
            [{"name": f"Bulk task {i:02d}", "lead_id": lead.id} for i, lead in enumerate(leads)]
        )
        with self.assertRaises(UserError) as caught:
            leads.with_user(self.manager).unlink()
        message = str(caught.exception)
        self.assertEqual(message.count("Itx bulk prospect"), 10)
        self.assertIn("... and 2 more.", message)
        self.assertEqual(len(tasks), 12)
        self.assertEqual(len(leads.exists()), 12)
