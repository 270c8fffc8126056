import logging
from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import tagged

from .common import SupplyCase

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestPolicyCheckQueries(SupplyCase):
    """The reserved-stock policy checks a delivery's products in batch: its
    queries do not grow with the products, beyond what Odoo's own validation
    costs a move (measured under "allow", where the check does not run).

    Validating one delivery of 80 products under "warn", each taking 2 of
    the 4 units a proforma holds, cost 10 queries a product where "allow"
    cost 8: the check emptied the cache of the products before reading their
    figures, which also dropped the moves' ``product_id`` (Odoo invalidates a
    many2one's inverse with its comodel's fields), through which each product
    prefetched the others, so their unit and their name in the note were read
    product by product."""

    def _delivery(self, count, tag):
        """A confirmed order of ``count`` products, 8 of each, whose delivery
        carries them all: 10 on hand, 4 held by a proforma, so that each
        takes 2 held units (a line of the note under "warn")."""
        products = self.env["product.product"].create(
            [{"name": f"{tag} {i}", "is_storable": True, "list_price": 1.0} for i in range(count)]
        )
        for product in products:
            self.env["stock.quant"]._update_available_quantity(product, self.stock, 10.0)

        def order(qty):
            return self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "warehouse_id": self.warehouse.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": qty})
                        for product in products
                    ],
                }
            )

        self._policy("allow")
        order(4).action_reserve_stock()
        delivered = order(8)
        delivered.action_confirm()
        picking = delivered.picking_ids
        picking.move_ids.write({"quantity": 8, "picked": True})
        return picking

    def _validation_queries(self, count, policy, tag):
        picking = self._delivery(count, tag)
        self._policy(policy)
        picking = picking.with_user(self.stock_user).with_context(skip_sms=True)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        picking.button_validate()
        self.env.flush_all()
        queries = self.env.cr.sql_log_count - before
        self.assertEqual(picking.state, "done")
        if policy == "warn":
            [note] = picking.message_ids.filtered(lambda m: "takes stock reserved" in m.body)
            self.assertEqual(note.body.count("2.00 taken from the proformas"), count)
        return queries

    def _per_product(self, policy):
        self._validation_queries(1, policy, f"Warm-up {policy}")  # caches of the first call
        two = self._validation_queries(2, policy, f"Two {policy}")
        twelve = self._validation_queries(12, policy, f"Twelve {policy}")
        per_product = (twelve - two) / 10
        _logger.info(
            "%s: %s queries at 2 products, %s at 12: %.1f a product",
            policy,
            two,
            twelve,
            per_product,
        )
        return per_product

    def test_delivery_check_queries_per_product(self):
        odoo_alone = self._per_product("allow")
        checked = self._per_product("warn")
        # the check adds less than half a query a product (two before)
        self.assertLess(checked - odoo_alone, 0.5)


@tagged("post_install", "-at_install")
class TestExpiryQueries(SupplyCase):
    """The expiry cron releases the expired reservations of many quotations
    in batch: it removed each quotation's expiry to-do on its own, a search of
    the activities per quotation (12 for 12)."""

    @contextmanager
    def _activity_queries(self):
        """The queries on the activities' table sent inside the block."""
        queries = []
        cursor_cls = type(self.env.cr)
        execute = cursor_cls.execute

        def spy(cr, query, params=None, log_exceptions=True):
            if 'FROM "mail_activity"' in str(query):
                queries.append(str(query))
            return execute(cr, query, params, log_exceptions)

        with patch.object(cursor_cls, "execute", spy):
            yield queries

    def test_expiry_of_many_quotations(self):
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock, 100.0)
        orders = self.env["sale.order"].concat(*(self._order(1) for _i in range(12)))
        orders.action_reserve_stock()
        Reservation = self.env["sale.stock.reservation"]
        # the warning first: each quotation gets its to-do
        orders.write({"reservation_expiry_date": self._today(1)})
        Reservation._cron_expire()
        todo = self.env.ref("crm_supply.mail_activity_type_reservation_expiry")
        self.assertEqual(orders.activity_ids.activity_type_id, todo)
        self.assertEqual(len(orders.activity_ids), 12)
        # then expired (the date written as the days passed)
        reservations = orders.reservation_ids
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_stock_reservation SET date_expiry = %s WHERE id = ANY(%s)",
            [fields.Date.add(self._today(), days=-1), reservations.ids],
        )
        self.env.invalidate_all()
        with self._activity_queries() as queries:
            Reservation._cron_expire()
            self.env.flush_all()
        self.assertLessEqual(len(queries), 3)
        self.assertEqual(set(reservations.mapped("state")), {"expired"})
        self.assertFalse(orders.activity_ids)
        for order in orders:
            notes = order.message_ids.filtered(lambda m: "expired and released" in m.body)
            self.assertEqual(len(notes), 1)
