from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestClientFile(TransactionCase):
    """The client file's own part: persons, banks, open tasks, last
    interactions, and the document note printed on the client's documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="cf_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.client = cls.env["res.partner"].create(
            {
                "name": "File Client SRL",
                "is_company": True,
                "user_id": cls.salesman.id,
                "crm_document_note": "Quote contract 12/2026 on every document",
                "bank_ids": [Command.create({"acc_number": "RO49AAAA1B31007593840099"})],
            }
        )
        cls.person = cls.env["res.partner"].create(
            {"name": "File Buyer", "parent_id": cls.client.id, "type": "contact"}
        )

    def test_client_file_lists(self):
        task = self.env["crm.task"].create(
            {"name": "Send the sample", "partner_id": self.person.id, "user_id": self.salesman.id}
        )
        interactions = (
            self.env["crm.interaction"]
            .with_user(self.salesman)
            .create(
                [
                    {
                        "partner_id": self.client.id,
                        "interaction_type": "call",
                        "date": f"2026-0{m}-01",
                    }
                    for m in range(1, 8)
                ]
            )
        )
        client = self.client.with_user(self.salesman)
        self.assertEqual(client.crm_contact_person_ids, self.person)
        self.assertEqual(client.crm_bank_account_ids.acc_number, "RO49AAAA1B31007593840099")
        self.assertEqual(client.crm_open_task_ids, task)
        self.assertEqual(client.crm_last_interaction_ids, interactions.sorted("date")[-5:])
        # the contact person shows its company's file
        self.assertEqual(self.person.with_user(self.salesman).crm_open_task_ids, task)
        task.action_confirm_done()
        self.client.invalidate_recordset()
        self.assertFalse(self.client.with_user(self.salesman).crm_open_task_ids)

    def test_document_note_printed_on_quotation_and_invoice(self):
        product = self.env["product.product"].create({"name": "Beam", "list_price": 10.0})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.person.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "sale.action_report_saleorder", order.ids
        )
        self.assertIn("Quote contract 12/2026 on every document", html.decode())
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.person.id,
                "invoice_line_ids": [Command.create({"product_id": product.id})],
            }
        )
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", invoice.ids
        )
        self.assertIn("Quote contract 12/2026 on every document", html.decode())
