"""18.0.1.5.15: an offer's approval covers its client.

``sale.order._offer_approval_signature()``, what a sales manager's approval or
rejection covers, now includes the customer's commercial partner. Every stored
signature is of the old format and would differ from the new one: each
approved or rejected quotation would ask for approval again at its next check
(a change, sending, printing, confirming), although nothing changed.

So each approved or rejected quotation whose stored signature still matches its
content under the old format (what was decided on is what it is now) gets its
signature in the new format: the decision stands, for its current client. A
quotation changed since the decision keeps its old signature, so it asks for
approval again, as it would have before this version.
"""

import hashlib
import logging

from odoo import SUPERUSER_ID, api, tools
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def _signature_18_0_1_5_14(order):
    """The signature of 18.0.1.5.14 and before: the currency, the amount and
    each line's product, quantity, unit, price and discount."""
    parts = [str(order.currency_id.id), tools.float_repr(order.amount_untaxed, 6)]
    for line in order.order_line.sorted("id"):
        if line.display_type:
            continue
        parts.append(
            "%s:%s:%s:%s:%s"  # noqa: UP031 - a key, not a message
            % (
                line.product_id.id,
                tools.float_repr(line.product_uom_qty, 6),
                line.product_uom.id,
                tools.float_repr(line.price_unit, 6),
                tools.float_repr(line.discount, 6),
            )
        )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def resign_decided_offers(env):
    """Store the new signature of the approved or rejected quotations that have
    not changed since the decision. Returns (re-signed, left to ask again)."""
    orders = env["sale.order"].search(
        [
            ("state", "in", ("draft", "sent")),
            ("offer_approval_state", "in", ("approved", "rejected")),
        ]
    )
    resigned = stale = 0
    for order in orders:
        signature = order._offer_approval_signature()
        if order.offer_approval_signature == signature:
            continue  # signed in the new format already (the script ran before)
        if order.offer_approval_signature != _signature_18_0_1_5_14(order):
            stale += 1
            continue
        env.cr.execute(
            SQL(
                "UPDATE sale_order SET offer_approval_signature = %s WHERE id = %s",
                signature,
                order.id,
            )
        )
        resigned += 1
    orders.invalidate_recordset(["offer_approval_signature"])
    _logger.info(
        "Offer approvals: %s decided quotations re-signed with their client, %s changed "
        "since the decision (they ask for approval again).",
        resigned,
        stale,
    )
    return resigned, stale


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    resign_decided_offers(env)
