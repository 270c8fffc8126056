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
        self.assertEqual(already_filed.partner_id, other)
        self.assertEqual(self.client.with_user(self.salesman_a).crm_interaction_count, 1)

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
