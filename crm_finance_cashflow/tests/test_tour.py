from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


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
