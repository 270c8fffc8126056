from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestReservationRace(TransactionCase):
    """Two users reserve the last units at the same moment under "block": the
    product rows are locked and touched, so the one that read the stock before
    the other committed fails to lock and is retried by Odoo with fresh figures,
    and then refused."""

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute("SET lock_timeout = '20s'")
        return cr

    def test_last_units(self):
        with self._cursor() as cr0:
            env0 = api.Environment(cr0, SUPERUSER_ID, {})
            company = env0.company
            old_policy = company.reserved_stock_policy
            company.reserved_stock_policy = "block"
            warehouse = env0["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
            product = env0["product.product"].create({"name": "Race Widget", "is_storable": True})
            env0["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 5.0)
            partner = env0["res.partner"].create({"name": "Race Customer"})
            orders = env0["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "warehouse_id": warehouse.id,
                        "order_line": [
                            Command.create({"product_id": product.id, "product_uom_qty": 4})
                        ],
                    }
                    for _i in range(2)
                ]
            )
            ids = orders.ids
        try:
            cr1, cr2 = self._cursor(), self._cursor()
            try:
                env1 = api.Environment(cr1, SUPERUSER_ID, {})
                env2 = api.Environment(cr2, SUPERUSER_ID, {})
                # both read the stock: 5 free
                for env in (env1, env2):
                    p = (
                        env["product.product"]
                        .browse(product.id)
                        .with_context(warehouse_id=warehouse.id)
                    )
                    self.assertEqual(p.qty_free_to_sell, 5.0)
                env1["sale.order"].browse(ids[0]).action_reserve_stock()
                cr1.commit()
                with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
                    env2["sale.order"].browse(ids[1]).action_reserve_stock()
                cr2.rollback()
                # Odoo retries the request: with fresh figures it is refused
                env2.invalidate_all()
                with self.assertRaisesRegex(UserError, "4 wanted, 1 free"):
                    env2["sale.order"].browse(ids[1]).action_reserve_stock()
                cr2.rollback()
            finally:
                cr1.close()
                cr2.close()
            with self._cursor() as cr3:
                cr3.execute(
                    "SELECT order_id, quantity FROM sale_stock_reservation "
                    "WHERE order_id = ANY(%s) AND state = 'reserved'",
                    [ids],
                )
                self.assertEqual(cr3.fetchall(), [(ids[0], 4.0)])
        finally:
            with self._cursor() as crc:
                envc = api.Environment(crc, SUPERUSER_ID, {})
                envc["sale.order"].browse(ids).reservation_ids.sudo()._set_state("released")
                envc["sale.order"].browse(ids)._action_cancel()
                envc["sale.order"].browse(ids).unlink()
                envc.company.reserved_stock_policy = old_policy
                envc["stock.quant"].search([("product_id", "=", product.id)]).sudo().unlink()
                envc["product.product"].browse(product.id).unlink()
