from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestRevisionConcurrency(TransactionCase):
    """Two transactions revise the same quotation, or generate from the same
    sheet, at the same time."""

    def _cursor(self):
        cr = self.registry.cursor()
        # never hang the test run if something waits on a lock
        cr.execute("SET lock_timeout = '20s'")
        return cr

    def _setup_committed(self):
        with self._cursor() as cr0:
            env0 = api.Environment(cr0, SUPERUSER_ID, {})
            product = env0["product.product"].create(
                {"name": "Race Product", "list_price": 5.0, "taxes_id": [Command.clear()]}
            )
            partner = env0["res.partner"].create({"name": "Race Customer"})
            sheet = env0["crm.evaluation.sheet"].create(
                {
                    "partner_id": partner.id,
                    "line_ids": [Command.create({"product_id": product.id, "product_uom_qty": 2})],
                }
            )
            sheet.action_finalize()
            order = env0["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
            sheet.action_start()
            sheet.action_finalize()
            return product.id, partner.id, sheet.id, order.id

    def _cleanup(self, product_id, partner_id, sheet_id):
        with self._cursor() as crc:
            envc = api.Environment(crc, SUPERUSER_ID, {})
            sheet = envc["crm.evaluation.sheet"].browse(sheet_id)
            orders = envc["sale.order"].search([("evaluation_sheet_id", "=", sheet_id)])
            orders.write({"state": "cancel"})
            orders.with_context(active_test=False).unlink()
            sheet.unlink()
            envc["res.partner"].browse(partner_id).unlink()
            envc["product.product"].browse(product_id).unlink()

    def test_concurrent_revise_and_generate(self):
        product_id, partner_id, sheet_id, order_id = self._setup_committed()
        try:
            cr1, cr2 = self._cursor(), self._cursor()
            try:
                env1 = api.Environment(cr1, SUPERUSER_ID, {})
                env2 = api.Environment(cr2, SUPERUSER_ID, {})
                # the first transaction revises the quotation, not committed yet
                env1["sale.order"].browse(order_id).action_revise()
                env1.flush_all()
                # the second neither revises it nor generates its replacement
                with self.assertRaisesRegex(UserError, "being revised by someone else"):
                    env2["sale.order"].browse(order_id).action_revise()
                with self.assertRaisesRegex(UserError, "being revised by someone else"):
                    env2["crm.evaluation.sheet"].browse(sheet_id).action_generate_quotation()
                cr2.rollback()
                # while the first generates from the sheet, the second cannot
                env1["crm.evaluation.sheet"].browse(sheet_id).action_generate_quotation()
                env1.flush_all()
                with self.assertRaisesRegex(UserError, "being generated from"):
                    env2["crm.evaluation.sheet"].browse(sheet_id).action_generate_quotation()
                cr2.rollback()
                cr1.commit()
            finally:
                cr1.close()
                cr2.close()
            with self._cursor() as cr3:
                cr3.execute(
                    "SELECT revision_number, state FROM sale_order "
                    "WHERE evaluation_sheet_id = %s ORDER BY revision_number",
                    [sheet_id],
                )
                self.assertEqual(cr3.fetchall(), [(0, "cancel"), (1, "cancel"), (2, "draft")])
        finally:
            self._cleanup(product_id, partner_id, sheet_id)

    def test_revision_number_unique_in_database(self):
        partner = self.env["res.partner"].create({"name": "Unique Customer"})
        order = self.env["sale.order"].create({"partner_id": partner.id})
        revision = self.env["sale.order"].browse(order.action_revise()["res_id"])
        self.env.flush_all()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "UPDATE sale_order SET revision_root_id = %s, revision_number = 1 WHERE id = %s",
                [order.id, order.id],
            )
        self.assertEqual(revision.revision_number, 1)
