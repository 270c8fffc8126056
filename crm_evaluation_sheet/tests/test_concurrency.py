from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm_suite_base.tests.common import RaceCase


@tagged("post_install", "-at_install")
class TestRevisionConcurrency(RaceCase):
    """Two transactions revise the same quotation, or generate from the same
    sheet, at the same time."""

    def _setup_committed(self):
        with self._committed_env() as env0:
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
        self._cleanup_committed(self._cleanup, product.id, partner.id, sheet.id)
        return sheet.id, order.id

    @staticmethod
    def _cleanup(envc, product_id, partner_id, sheet_id):
        sheet = envc["crm.evaluation.sheet"].browse(sheet_id)
        orders = envc["sale.order"].search([("evaluation_sheet_id", "=", sheet_id)])
        orders.write({"state": "cancel"})
        orders.with_context(active_test=False).unlink()
        sheet.unlink()
        envc["res.partner"].browse(partner_id).unlink()
        envc["product.product"].browse(product_id).unlink()

    def test_concurrent_revise_and_generate(self):
        sheet_id, order_id = self._setup_committed()
        with self._racing_envs() as (env1, env2):
            # the first transaction revises the quotation, not committed yet
            env1["sale.order"].browse(order_id).action_revise()
            env1.flush_all()
            # the second neither revises it nor generates its replacement
            with self.assertRaisesRegex(UserError, "being revised by someone else"):
                env2["sale.order"].browse(order_id).action_revise()
            with self.assertRaisesRegex(UserError, "being revised by someone else"):
                env2["crm.evaluation.sheet"].browse(sheet_id).action_generate_quotation()
            env2.cr.rollback()
            # while the first generates from the sheet, the second cannot
            env1["crm.evaluation.sheet"].browse(sheet_id).action_generate_quotation()
            env1.flush_all()
            with self.assertRaisesRegex(UserError, "being generated from"):
                env2["crm.evaluation.sheet"].browse(sheet_id).action_generate_quotation()
            env2.cr.rollback()
            env1.cr.commit()
        with self._committed_env() as env3:
            env3.cr.execute(
                "SELECT revision_number, state FROM sale_order "
                "WHERE evaluation_sheet_id = %s ORDER BY revision_number",
                [sheet_id],
            )
            self.assertEqual(env3.cr.fetchall(), [(0, "cancel"), (1, "cancel"), (2, "draft")])

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
