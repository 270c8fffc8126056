from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


class RaceCase(TransactionCase):
    """Two real cursors racing; what they commit is removed at the end."""

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute("SET lock_timeout = '20s'")
        return cr

    def _cleanup_orders(self, order_ids, product_id, policy, partner_id=None):
        """Release, cancel and delete the committed quotations, put the
        company's policy back, and delete the product (and the customer)."""
        with self._cursor() as crc:
            envc = api.Environment(crc, SUPERUSER_ID, {})
            orders = envc["sale.order"].browse(order_ids)
            orders.reservation_ids.sudo()._set_state("released")
            orders._action_cancel()
            orders.unlink()
            envc.company.reserved_stock_policy = policy
            envc["stock.quant"].search([("product_id", "=", product_id)]).sudo().unlink()
            envc["product.product"].browse(product_id).unlink()
            if partner_id:
                envc["res.partner"].browse(partner_id).unlink()


@tagged("post_install", "-at_install")
class TestReservationRace(RaceCase):
    """Two users reserve the last units at the same moment under "block": the
    product rows are locked and touched, so the one that read the stock before
    the other committed fails to lock and is retried by Odoo with fresh figures,
    and then refused."""

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
                with self.assertRaisesRegex(UserError, "4.00 wanted, 1.00 free"):
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
            self._cleanup_orders(ids, product.id, old_policy)


@tagged("post_install", "-at_install")
class TestSameQuotationReservedTwice(RaceCase):
    """Two requests reserve the same quotation at the same moment under the
    default policy (allow, no product lock): the quotation's row is locked and
    touched, so the second one waits, fails to lock and is retried by Odoo,
    which then finds the first one's reservation and keeps it (one row per
    line, never a duplicate-key error)."""

    def test_same_quotation_twice(self):
        with self._cursor() as cr0:
            env0 = api.Environment(cr0, SUPERUSER_ID, {})
            company = env0.company
            old_policy = company.reserved_stock_policy
            company.reserved_stock_policy = "allow"
            warehouse = env0["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
            product = env0["product.product"].create({"name": "Twice Widget", "is_storable": True})
            env0["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 5.0)
            partner = env0["res.partner"].create({"name": "Twice Customer"})
            order = env0["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "warehouse_id": warehouse.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 2})
                    ],
                }
            )
            order_id = order.id
        try:
            cr1, cr2 = self._cursor(), self._cursor()
            try:
                env1 = api.Environment(cr1, SUPERUSER_ID, {})
                env2 = api.Environment(cr2, SUPERUSER_ID, {})
                # both start from a quotation without reservations
                for env in (env1, env2):
                    self.assertFalse(env["sale.order"].browse(order_id).reservation_ids)
                env1["sale.order"].browse(order_id).action_reserve_stock()
                cr1.commit()
                with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
                    env2["sale.order"].browse(order_id).action_reserve_stock()
                cr2.rollback()
                # Odoo retries the request: it finds the reservation and keeps it
                env2.invalidate_all()
                env2["sale.order"].browse(order_id).action_reserve_stock()
                cr2.commit()
            finally:
                cr1.close()
                cr2.close()
            with self._cursor() as cr3:
                cr3.execute(
                    "SELECT quantity FROM sale_stock_reservation "
                    "WHERE order_id = %s AND state = 'reserved'",
                    [order_id],
                )
                self.assertEqual(cr3.fetchall(), [(2.0,)])
        finally:
            self._cleanup_orders([order_id], product.id, old_policy, partner.id)


@tagged("post_install", "-at_install")
class TestSupplierOrderRace(RaceCase):
    """Two users create the supplier orders of the same quotation at the same
    moment: the first locks the quotation's row (and touches it) before
    computing what is still to order; the second waits for it, then fails to
    lock with a serialization error, is retried by Odoo with fresh data and
    sees what the first ordered. It computed from its old snapshot and
    created a second supplier order first (only the flush of its link to the
    quotation then failed)."""

    def _setup_committed(self):
        with self._cursor() as cr0:
            env0 = api.Environment(cr0, SUPERUSER_ID, {})
            vendor = env0["res.partner"].create({"name": "Race Vendor"})
            product = env0["product.product"].create(
                {
                    "name": "Race Part",
                    "is_storable": True,
                    "seller_ids": [Command.create({"partner_id": vendor.id, "price": 2.0})],
                }
            )
            partner = env0["res.partner"].create({"name": "Race Buyer"})
            order = env0["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 5})
                    ],
                }
            )
            return vendor.id, product.id, partner.id, order.id

    def _cleanup(self, vendor_id, product_id, partner_id, order_id):
        with self._cursor() as crc:
            envc = api.Environment(crc, SUPERUSER_ID, {})
            purchases = envc["purchase.order"].search([("partner_id", "=", vendor_id)])
            purchases.button_cancel()
            purchases.unlink()
            envc["sale.order"].browse(order_id).unlink()
            envc["product.product"].browse(product_id).unlink()
            envc["res.partner"].browse([partner_id, vendor_id]).unlink()

    def test_same_quotation_twice(self):
        vendor_id, product_id, partner_id, order_id = self._setup_committed()
        admin = self.env.ref("base.user_admin").id
        try:
            cr1, cr2 = self._cursor(), self._cursor()
            try:
                env1 = api.Environment(cr1, admin, {})
                env2 = api.Environment(cr2, admin, {})
                order1 = env1["sale.order"].browse(order_id)
                order2 = env2["sale.order"].browse(order_id)
                # the second request has begun: its snapshot sees no supplier order
                self.assertFalse(order2.crm_purchase_order_ids)
                action = order1.action_create_supplier_orders(mode="all")
                # while the first is not committed, the quotation is locked
                with mute_logger("odoo.sql_db"), self.assertRaises(LockNotAvailable):
                    cr2.execute(
                        "SELECT id FROM sale_order WHERE id = %s FOR UPDATE NOWAIT", [order_id]
                    )
                cr2.rollback()
                # a new snapshot, taken before the first commits
                env2.invalidate_all()
                self.assertFalse(order2.crm_purchase_order_ids)
                cr1.commit()
                # the second one waited; its old snapshot is refused at the lock,
                # before it orders anything
                with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
                    order2.action_create_supplier_orders(mode="all")
                cr2.rollback()
                # Odoo retries the request: it sees the first one's order
                env2.invalidate_all()
                again = order2.action_create_supplier_orders(mode="all")
                self.assertEqual(again["res_id"], action["res_id"])
                cr2.commit()
            finally:
                cr1.close()
                cr2.close()
            with self._cursor() as cr3:
                cr3.execute(
                    "SELECT order_id, product_qty FROM purchase_order_line WHERE product_id = %s",
                    [product_id],
                )
                self.assertEqual(cr3.fetchall(), [(action["res_id"], 5.0)])
        finally:
            self._cleanup(vendor_id, product_id, partner_id, order_id)

    def test_two_quotations_for_the_same_vendor(self):
        """Two documents of the same vendor ordered at the same moment: the
        second one waits at the vendor's lock, is retried and adds to the
        first one's draft (it made a second draft)."""
        vendor_id, product_id, partner_id, order_id = self._setup_committed()
        with self._cursor() as cr0:
            env0 = api.Environment(cr0, SUPERUSER_ID, {})
            other_id = env0["sale.order"].browse(order_id).copy().id
        admin = self.env.ref("base.user_admin").id
        try:
            cr1, cr2 = self._cursor(), self._cursor()
            try:
                env1 = api.Environment(cr1, admin, {})
                env2 = api.Environment(cr2, admin, {})
                order2 = env2["sale.order"].browse(other_id)
                # the second request has begun: its snapshot sees no draft
                self.assertFalse(env2["purchase.order"].search([("partner_id", "=", vendor_id)]))
                action = (
                    env1["sale.order"].browse(order_id).action_create_supplier_orders(mode="all")
                )
                cr1.commit()
                with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
                    order2.action_create_supplier_orders(mode="all")
                cr2.rollback()
                # Odoo retries the request: it adds to the first one's draft
                env2.invalidate_all()
                again = order2.action_create_supplier_orders(mode="all")
                self.assertEqual(again["res_id"], action["res_id"])
                cr2.commit()
            finally:
                cr1.close()
                cr2.close()
            with self._cursor() as cr3:
                cr3.execute(
                    "SELECT order_id, product_qty FROM purchase_order_line WHERE product_id = %s",
                    [product_id],
                )
                self.assertEqual(cr3.fetchall(), [(action["res_id"], 10.0)])
        finally:
            with self._cursor() as crc:
                api.Environment(crc, SUPERUSER_ID, {})["sale.order"].browse(other_id).unlink()
            self._cleanup(vendor_id, product_id, partner_id, order_id)
