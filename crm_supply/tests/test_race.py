from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm_suite_base.tests.common import RaceCase


class ReservationRaceCase(RaceCase):
    """Two users reserve the stock of committed quotations."""

    def _setup_committed(self, name, policy, quantities):
        """Under the company's ``policy``: a product ``name`` Widget with 5
        units in the main warehouse and a quotation of each of ``quantities``
        for the ``name`` Customer, committed; removed at the end, the policy
        put back. Returns the quotations', the product's and the warehouse's ids."""
        with self._committed_env() as env0:
            company = env0.company
            old_policy = company.reserved_stock_policy
            company.reserved_stock_policy = policy
            warehouse = env0["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
            product = env0["product.product"].create(
                {"name": f"{name} Widget", "is_storable": True}
            )
            env0["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 5.0)
            partner = env0["res.partner"].create({"name": f"{name} Customer"})
            orders = env0["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "warehouse_id": warehouse.id,
                        "order_line": [
                            Command.create({"product_id": product.id, "product_uom_qty": qty})
                        ],
                    }
                    for qty in quantities
                ]
            )
        self._cleanup_committed(
            self._cleanup_orders, orders.ids, product.id, old_policy, partner.id
        )
        return orders.ids, product.id, warehouse.id

    @staticmethod
    def _cleanup_orders(envc, order_ids, product_id, policy, partner_id):
        """Release, cancel and delete the committed quotations, put the
        company's policy back, and delete the product and the customer."""
        orders = envc["sale.order"].browse(order_ids)
        orders.reservation_ids.sudo()._set_state("released")
        orders._action_cancel()
        orders.unlink()
        envc.company.reserved_stock_policy = policy
        envc["stock.quant"].search([("product_id", "=", product_id)]).sudo().unlink()
        envc["product.product"].browse(product_id).unlink()
        envc["res.partner"].browse(partner_id).unlink()


@tagged("post_install", "-at_install")
class TestReservationRace(ReservationRaceCase):
    """Two users reserve the last units at the same moment under "block": the
    product rows are locked and touched, so the one that read the stock before
    the other committed fails to lock and is retried by Odoo with fresh figures,
    and then refused."""

    def test_last_units(self):
        ids, product_id, warehouse_id = self._setup_committed("Race", "block", (4, 4))
        with self._racing_envs() as (env1, env2):
            # both read the stock: 5 free
            for env in (env1, env2):
                p = (
                    env["product.product"]
                    .browse(product_id)
                    .with_context(warehouse_id=warehouse_id)
                )
                self.assertEqual(p.qty_free_to_sell, 5.0)
            env1["sale.order"].browse(ids[0]).action_reserve_stock()
            env1.cr.commit()
            with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
                env2["sale.order"].browse(ids[1]).action_reserve_stock()
            env2.cr.rollback()
            # Odoo retries the request: with fresh figures it is refused
            env2.invalidate_all()
            with self.assertRaisesRegex(UserError, "4.00 wanted, 1.00 free"):
                env2["sale.order"].browse(ids[1]).action_reserve_stock()
            env2.cr.rollback()
        with self._committed_env() as env3:
            env3.cr.execute(
                "SELECT order_id, quantity FROM sale_stock_reservation "
                "WHERE order_id = ANY(%s) AND state = 'reserved'",
                [ids],
            )
            self.assertEqual(env3.cr.fetchall(), [(ids[0], 4.0)])


@tagged("post_install", "-at_install")
class TestSameQuotationReservedTwice(ReservationRaceCase):
    """Two requests reserve the same quotation at the same moment under the
    default policy (allow, no product lock): the quotation's row is locked and
    touched, so the second one waits, fails to lock and is retried by Odoo,
    which then finds the first one's reservation and keeps it (one row per
    line, never a duplicate-key error)."""

    def test_same_quotation_twice(self):
        [order_id], __, __ = self._setup_committed("Twice", "allow", (2,))
        with self._racing_envs() as (env1, env2):
            # both start from a quotation without reservations
            for env in (env1, env2):
                self.assertFalse(env["sale.order"].browse(order_id).reservation_ids)
            env1["sale.order"].browse(order_id).action_reserve_stock()
            env1.cr.commit()
            with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
                env2["sale.order"].browse(order_id).action_reserve_stock()
            env2.cr.rollback()
            # Odoo retries the request: it finds the reservation and keeps it
            env2.invalidate_all()
            env2["sale.order"].browse(order_id).action_reserve_stock()
            env2.cr.commit()
        with self._committed_env() as env3:
            env3.cr.execute(
                "SELECT quantity FROM sale_stock_reservation "
                "WHERE order_id = %s AND state = 'reserved'",
                [order_id],
            )
            self.assertEqual(env3.cr.fetchall(), [(2.0,)])


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
        with self._committed_env() as env0:
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
        self._cleanup_committed(self._cleanup, vendor.id, product.id, partner.id, order.id)
        return vendor.id, product.id, order.id

    @staticmethod
    def _cleanup(envc, vendor_id, product_id, partner_id, order_id):
        purchases = envc["purchase.order"].search([("partner_id", "=", vendor_id)])
        purchases.button_cancel()
        purchases.unlink()
        envc["sale.order"].browse(order_id).unlink()
        envc["product.product"].browse(product_id).unlink()
        envc["res.partner"].browse([partner_id, vendor_id]).unlink()

    def _ordered(self, product_id):
        """The committed supplier order lines of ``product_id``: ``[(order
        id, quantity)]``."""
        with self._committed_env() as env3:
            env3.cr.execute(
                "SELECT order_id, product_qty FROM purchase_order_line WHERE product_id = %s",
                [product_id],
            )
            return env3.cr.fetchall()

    def _refused_then_retried(self, order2, action):
        """``order2``'s request began before the first one (which returned
        ``action``) committed: it is refused at the lock with a serialization
        failure; Odoo runs it again and it gives the first one's supplier
        order. Commits it."""
        env2 = order2.env
        with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
            order2.action_create_supplier_orders(mode="all")
        env2.cr.rollback()
        # Odoo retries the request
        env2.invalidate_all()
        again = order2.action_create_supplier_orders(mode="all")
        self.assertEqual(again["res_id"], action["res_id"])
        env2.cr.commit()

    def test_same_quotation_twice(self):
        __, product_id, order_id = self._setup_committed()
        admin = self.env.ref("base.user_admin").id
        with self._racing_envs(admin) as (env1, env2):
            order1 = env1["sale.order"].browse(order_id)
            order2 = env2["sale.order"].browse(order_id)
            # the second request has begun: its snapshot sees no supplier order
            self.assertFalse(order2.crm_purchase_order_ids)
            action = order1.action_create_supplier_orders(mode="all")
            # while the first is not committed, the quotation is locked
            with mute_logger("odoo.sql_db"), self.assertRaises(LockNotAvailable):
                env2.cr.execute(
                    "SELECT id FROM sale_order WHERE id = %s FOR UPDATE NOWAIT", [order_id]
                )
            env2.cr.rollback()
            # a new snapshot, taken before the first commits
            env2.invalidate_all()
            self.assertFalse(order2.crm_purchase_order_ids)
            env1.cr.commit()
            # the second one waited; its old snapshot is refused at the lock,
            # before it orders anything; retried, it sees the first one's order
            self._refused_then_retried(order2, action)
        self.assertEqual(self._ordered(product_id), [(action["res_id"], 5.0)])

    def test_two_quotations_for_the_same_vendor(self):
        """Two documents of the same vendor ordered at the same moment: the
        second one waits at the vendor's lock, is retried and adds to the
        first one's draft (it made a second draft)."""
        vendor_id, product_id, order_id = self._setup_committed()
        with self._committed_env() as env0:
            other_id = env0["sale.order"].browse(order_id).copy().id
        self._cleanup_committed(lambda envc: envc["sale.order"].browse(other_id).unlink())
        admin = self.env.ref("base.user_admin").id
        with self._racing_envs(admin) as (env1, env2):
            order2 = env2["sale.order"].browse(other_id)
            # the second request has begun: its snapshot sees no draft
            self.assertFalse(env2["purchase.order"].search([("partner_id", "=", vendor_id)]))
            action = env1["sale.order"].browse(order_id).action_create_supplier_orders(mode="all")
            env1.cr.commit()
            # retried, it adds to the first one's draft
            self._refused_then_retried(order2, action)
        self.assertEqual(self._ordered(product_id), [(action["res_id"], 10.0)])
