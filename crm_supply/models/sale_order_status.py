from odoo import api, fields, models
from odoo.tools import LazyTranslate

from odoo.addons.crm_suite_base.models.policy import owned

_lt = LazyTranslate(__name__)

FULFILMENT_STATUSES = [
    ("created", "Created"),
    ("approved", "Approved"),
    ("in_delivery", "In Delivery"),
    ("delivered", "Delivered"),
    ("cancelled", "Cancelled"),
]


class SaleOrder(models.Model):
    """The seeds' status of a customer order, from Odoo's own states."""

    # kept apart from the reservations (one concern per file)
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited
    _crm_write_policy = {
        "fulfilment_status": owned(_lt("computed from the order's state and its deliveries.")),
    }

    fulfilment_status = fields.Selection(
        FULFILMENT_STATUSES,
        compute="_compute_fulfilment_status",
        store=True,
        index=True,
        help="Created: a quotation or proforma. Approved: confirmed, nothing delivered "
        "yet. In Delivery: part of it delivered. Delivered: every delivery done. "
        "Cancelled.",
        groups="base.group_user",
    )

    @api.depends("state", "delivery_status")
    def _compute_fulfilment_status(self):
        for order in self:
            if order.state == "cancel":
                status = "cancelled"
            elif order.state in ("draft", "sent"):
                status = "created"
            elif order.delivery_status == "full":
                status = "delivered"
            elif order.delivery_status in ("started", "partial"):
                status = "in_delivery"
            else:
                status = "approved"
            order.fulfilment_status = status
