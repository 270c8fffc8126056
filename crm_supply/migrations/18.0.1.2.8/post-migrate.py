"""18.0.1.2.8: quotations whose *Reservation Expires On* was cleared while they
held reservations (before 18.0.1.2.7 refused it) kept reservations without an
expiry date, which the expiry cron never releases nor warns about. They get
the date a new quotation of their company gets: today (in their salesperson's
time zone) plus the company's *Proforma Reservation Days* (every company has
one: 14 by default, 0 meaning today).
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    orders = (
        env["sale.stock.reservation"]
        .search([("state", "=", "reserved"), ("date_expiry", "=", False)])
        .order_id.filtered(
            lambda order: order.state in ("draft", "sent") and not order.reservation_expiry_date
        )
    )
    for order in orders:
        order = order.with_context(tz=order.user_id.tz or "UTC")
        order.write({"reservation_expiry_date": order._default_reservation_expiry_date()})
    if orders:
        _logger.info(
            "Reservation Expires On set on %d reserved quotations without one: %s",
            len(orders),
            ", ".join(orders.mapped("name")),
        )
