"""18.0.1.8.17: since 18.0.1.8.9 (rejected: 18.0.1.8.11) a planned payment
whose payment is cancelled, rejected, reset to draft or deleted is planned
again (``account.payment``'s ``write`` and ``unlink`` hooks). Those undone
before stayed posted on a payment that pays nothing, or on none (the database
cleared the link of a deleted one): the forecast left their money out, and
Post and Cancel refused them. They are planned again as the hooks plan them
(``crm.planned.payment._crm_payment_undone``): they keep a cancelled, rejected
or draft payment (posting it again posts them again), with a note of why in
their chatter.
"""

import logging

from odoo import SUPERUSER_ID, api

from odoo.addons.crm_finance_cashflow.models.account_payment import UNDONE_STATES

_logger = logging.getLogger(__name__)


def plan_undone_payments_again(env):
    """Plan again the posted planned payments whose payment is undone or
    gone; returns them. ``env`` is the superuser's (every company's)."""
    stuck = env["crm.planned.payment"].search(
        [
            ("state", "=", "posted"),
            "|",
            ("payment_id", "=", False),
            ("payment_id.state", "in", UNDONE_STATES),
        ],
        order="id",
    )
    for how, planned in stuck.grouped(
        lambda p: p.payment_id.state if p.payment_id else "deleted"
    ).items():
        planned._crm_payment_undone(how)
    return stuck


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    stuck = plan_undone_payments_again(env)
    _logger.info(
        "%d posted planned payments whose payment was cancelled, rejected, reset to draft "
        "or deleted planned again",
        len(stuck),
    )
