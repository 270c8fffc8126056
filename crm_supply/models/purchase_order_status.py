from odoo import api, fields, models
from odoo.tools import LazyTranslate

from odoo.addons.crm_suite_base.models.policy import owned

_lt = LazyTranslate(__name__)

SUPPLY_STATUSES = [
    ("created", "Created"),
    ("received", "Received"),
    ("paid", "Paid"),
    ("cancelled", "Cancelled"),
]


class PurchaseOrder(models.Model):
    """The seeds' status of a supplier order, from Odoo's own states."""

    _inherit = "purchase.order"  # pylint: disable=consider-merging-classes-inherited
    _crm_write_policy = {
        "supply_status": owned(_lt("computed from the order's state, receipts and bills.")),
    }

    supply_status = fields.Selection(
        SUPPLY_STATUSES,
        compute="_compute_supply_status",
        store=True,
        index=True,
        help="Created: a request or an order not fully received. Received: every "
        "receipt done. Paid: received and every vendor bill of it paid. Cancelled.",
        groups="base.group_user",
    )

    @api.depends(
        "state",
        "receipt_status",
        "order_line.invoice_lines.move_id.payment_state",
        "order_line.invoice_lines.move_id.state",
        "invoice_status",
    )
    def _compute_supply_status(self):
        for order in self:
            bills = order.order_line.invoice_lines.move_id.filtered(
                lambda m: m.state == "posted" and m.move_type == "in_invoice"
            )
            if order.state == "cancel":
                status = "cancelled"
            elif (
                order.receipt_status == "full"
                and bills
                and order.invoice_status == "invoiced"
                and all(m.payment_state in ("paid", "in_payment") for m in bills)
            ):
                status = "paid"
            elif order.receipt_status == "full":
                status = "received"
            else:
                status = "created"
            order.supply_status = status
