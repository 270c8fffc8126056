"""Who may hold a step, be a lead's salesperson, own a task or an interaction:
a step goes to an active internal user with Sales rights in the lead's
company; a lead keeps its company when it gets a salesperson; tasks and
interactions go to active users of their company. And the funnel's arguments
are checked as the README names them."""

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import PipelineCase
from .common_intake import b64, csv_bytes


@tagged("post_install", "-at_install")
class TestResponsibleChecks(PipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Pipeline Other Company"})
        # an internal user without Sales rights (a warehouse clerk, an accountant)
        cls.employee = new_test_user(
            cls.env, login="pipe_resp_employee", name="Elena Depot", groups="base.group_user"
        )
        # a salesperson of the other company only
        cls.foreign = new_test_user(
            cls.env,
            login="pipe_resp_foreign",
            name="Otto Foreign",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.archived = new_test_user(
            cls.env,
            login="pipe_resp_archived",
            name="Arhip Gone",
            groups="sales_team.group_sale_salesman",
        )
        cls.archived.active = False

    def _company_lead(self, name):
        return self._lead(name, user_id=self.salesman.id, company_id=self.company.id)

    def _assert_not_activated(self, lead):
        self.assertEqual(lead.activation_state, "inactive")
        self.assertEqual(lead.user_id, self.salesman)
        self.assertEqual(lead.company_id, self.company)
        self.assertFalse(lead.responsibility_ids)

    # -- a step's responsible has Sales rights -------------------------------

    def test_activate_refuses_a_responsible_without_sales_rights(self):
        for user in (self.salesman, self.manager):
            lead = self._company_lead(f"No sales rights ({user.login})")
            with self.assertRaisesRegex(UserError, "Elena Depot.*no Sales rights"):
                lead.with_user(user).activate(self.employee.id, self._in(1))
            self._assert_not_activated(lead)

    def test_complete_and_write_refuse_a_responsible_without_sales_rights(self):
        lead = self._company_lead("Hand on to a clerk")
        step = self._activate(lead, user=self.salesman)
        with self.assertRaisesRegex(UserError, "Elena Depot.*no Sales rights"):
            step.with_user(self.salesman).complete(
                "next", "Met", next_user_id=self.employee.id, next_deadline=self._in(2)
            )
        self.assertTrue(step.is_open)
        self.assertEqual(lead.responsibility_ids, step)
        with (
            self.assertRaisesRegex(UserError, "Elena Depot.*no Sales rights"),
            self.env.cr.savepoint(),
        ):
            step.with_user(self.salesman).write({"user_id": self.employee.id})
        self.assertEqual(step.user_id, self.salesman)
        # a sales manager holds steps (Sales rights implied)
        step.with_user(self.salesman).write({"user_id": self.manager.id})
        self.assertEqual(step.user_id, self.manager)

    # -- a step's responsible, a lead's salesperson: in the lead's company ---

    def test_activate_refuses_a_responsible_of_another_company(self):
        lead = self._company_lead("Other company's salesperson")
        with self.assertRaisesRegex(UserError, "Otto Foreign has no access to company"):
            lead.with_user(self.manager).activate(self.foreign.id, self._in(1))
        self._assert_not_activated(lead)

    def test_complete_and_write_refuse_a_responsible_of_another_company(self):
        lead = self._company_lead("Hand on abroad")
        step = self._activate(lead, user=self.salesman)
        with self.assertRaisesRegex(UserError, "Otto Foreign has no access to company"):
            step.with_user(self.salesman).complete(
                "next", "Met", next_user_id=self.foreign.id, next_deadline=self._in(2)
            )
        self.assertTrue(step.is_open)
        with (
            self.assertRaisesRegex(UserError, "Otto Foreign has no access to company"),
            self.env.cr.savepoint(),
        ):
            step.with_user(self.manager).write({"user_id": self.foreign.id})
        self.assertEqual(step.user_id, self.salesman)
        self.assertEqual((lead.company_id, step.company_id), (self.company, self.company))

    def test_lead_keeps_its_company_when_given_a_salesperson(self):
        lead = self._company_lead("Stays in its company")
        with (
            self.assertRaisesRegex(UserError, "Otto Foreign has no access to company"),
            self.env.cr.savepoint(),
        ):
            lead.with_user(self.manager).write({"user_id": self.foreign.id})
        self.assertEqual((lead.user_id, lead.company_id), (self.salesman, self.company))
        # a lead without company (a website or mail gateway lead) takes anyone
        loose = self._lead("No company yet", company_id=False)
        self.assertFalse(loose.company_id)
        loose.with_user(self.manager).write({"user_id": self.foreign.id})
        self.assertEqual(loose.user_id, self.foreign)

    def test_import_update_keeps_the_lead_in_its_company(self):
        """An import that updates a lead with a salesperson of another company:
        a row error, the rest of the file imported (not the whole import
        refused on write, nor the lead's company cleared)."""
        lead = self._lead(
            "Import target",
            user_id=self.salesman.id,
            company_id=self.company.id,
            vat="RO77001195",
        )
        content = csv_bytes(
            [
                ["Company", "CUI", "Salesperson", "City"],
                ["Import target again", "RO77001195", "pipe_resp_foreign", "Sibiu"],
                ["Import fresh lead", "", "", "Arad"],
            ]
        )
        summary = (
            self.env["crm.lead"]
            .with_user(self.manager)
            .import_leads(
                b64(content),
                "leads.csv",
                {"duplicate_action": "update", "mode": "skip_invalid"},
            )
        )
        self.assertEqual((summary["updated"], summary["created"], summary["rejected"]), (0, 1, 1))
        self.assertIn("Otto Foreign has no access to company", summary["errors"][0]["reason"])
        self.assertEqual((lead.user_id, lead.company_id), (self.salesman, self.company))
        self.assertFalse(lead.city)

    # -- tasks and interactions: an active user of the record's company -------

    def test_task_and_interaction_refuse_an_archived_user(self):
        for model, vals in (
            ("crm.task", {"name": "Call back", "partner_id": self.customer.id}),
            ("crm.interaction", {"partner_id": self.customer.id}),
        ):
            Model = self.env[model].with_user(self.salesman)
            with (
                self.assertRaisesRegex(ValidationError, "not Arhip Gone \\(archived\\)"),
                self.env.cr.savepoint(),
            ):
                Model.create(dict(vals, user_id=self.archived.id))
            record = Model.create(vals)
            with (
                self.assertRaisesRegex(ValidationError, "not Arhip Gone \\(archived\\)"),
                self.env.cr.savepoint(),
            ):
                record.write({"user_id": self.archived.id})
            self.assertEqual(record.user_id, self.salesman)
            # a task for a colleague without Sales rights stays possible
            record.write({"user_id": self.employee.id})
            self.assertEqual(record.user_id, self.employee)

    def test_task_and_interaction_refuse_a_user_of_another_company(self):
        for model, vals in (
            ("crm.task", {"name": "Send samples", "partner_id": self.customer.id}),
            ("crm.interaction", {"partner_id": self.customer.id}),
        ):
            Model = self.env[model].with_user(self.salesman)
            with (
                self.assertRaisesRegex(ValidationError, "Otto Foreign has no access to company"),
                self.env.cr.savepoint(),
            ):
                Model.create(dict(vals, user_id=self.foreign.id))
            record = Model.create(vals)
            self.assertEqual(record.company_id, self.company)
            with (
                self.assertRaisesRegex(ValidationError, "Otto Foreign has no access to company"),
                self.env.cr.savepoint(),
            ):
                record.write({"user_id": self.foreign.id})
            self.assertEqual(record.user_id, self.salesman)

    # -- the funnel's arguments -----------------------------------------------

    def test_funnel_arguments(self):
        Report = self.env["crm.responsibility.report"].with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "^user_id must be one record id"):
            Report.get_funnel(user_id="x")
        with self.assertRaisesRegex(UserError, "ends before it starts"):
            Report.get_funnel(date_from="2026-12-31", date_to="2026-01-01")
        for kw in ({"date_from": "1800-01-01"}, {"date_to": "2201-01-01"}):
            with self.assertRaisesRegex(UserError, "must be between 1900-01-01 and 2200-12-31"):
                Report.get_funnel(**kw)
        with self.assertRaisesRegex(UserError, "Unknown user_id 2147483000"):
            Report.get_funnel(user_id=2147483000)
        with self.assertRaisesRegex(UserError, "Unknown team_id 2147483000"):
            Report.get_funnel(team_id=2147483000)
        # one day, an archived salesperson: known, so counted
        rows = Report.get_funnel(
            date_from="2026-01-01", date_to="2026-01-01", user_id=self.archived.id
        )
        self.assertEqual({row["reached"] for row in rows}, {0})
