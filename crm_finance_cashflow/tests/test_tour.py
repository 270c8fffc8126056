from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCashflowTour(HttpCase):
    def test_contract_to_invoice_to_forecast(self):
        today = fields.Date.context_today(self.env["crm.contract"])
        partner = self.env["res.partner"].create({"name": "Tour Cash-Flow Client"})
        contract = self.env["crm.contract"].create(
            {
                "partner_id": partner.id,
                "date_start": today - relativedelta(days=10),
                "date_end": today + relativedelta(months=5),
                "line_ids": [
                    Command.create(
                        {
                            "name": "Tour maintenance",
                            "quantity": 1,
                            "price_unit": 250.0,
                            "recurrence": "monthly",
                            "date_start": today - relativedelta(days=10),
                        }
                    )
                ],
            }
        )
        contract.action_activate()
        self.start_tour("/odoo", "crm_finance_cashflow_tour", login="admin")
        invoice = contract.schedule_ids.invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_untaxed, 250.0)
        row = self.env["crm.cashflow.forecast.report"].search([("invoice_id", "=", invoice.id)])
        self.assertEqual((row.contract_id, row.amount), (contract, invoice.amount_residual))


@tagged("post_install", "-at_install")
class TestClientFileTour(HttpCase):
    def test_client_file_on_the_partner_form(self):
        """The client's salesperson opens the client file: contact persons, the
        contract finance manages (read-only for them), the open task; writes
        the document note."""
        salesman = new_test_user(
            self.env,
            "tour_client_file_salesman",
            groups="sales_team.group_sale_salesman",
        )
        client = self.env["res.partner"].create(
            {"name": "Tour Client File SRL", "is_company": True, "user_id": salesman.id}
        )
        self.env["res.partner"].create(
            {"name": "Tour Buyer", "parent_id": client.id, "type": "contact"}
        )
        self.env["crm.contract"].create(
            {
                "partner_id": client.id,
                "title": "Tour racking maintenance",
                "user_id": self.env.ref("base.user_admin").id,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Maintenance",
                            "quantity": 1,
                            "price_unit": 100.0,
                            "date_start": fields.Date.context_today(client),
                        }
                    )
                ],
            }
        )
        self.env["crm.task"].create(
            {"name": "Tour offer", "partner_id": client.id, "user_id": salesman.id}
        )
        self.start_tour(
            f"/odoo/res.partner/{client.id}", "crm_client_file_tour", login=salesman.login
        )
        self.assertEqual(client.crm_document_note, "Quote our order number PO-77 on every invoice")
