from odoo import fields, models

from odoo.addons.crm_suite_base.models.policy import check_one


class SaleOrderOfferReject(models.TransientModel):
    """A sales manager rejects an offer with a reason
    (``sale.order.action_reject_offer``)."""

    _name = "sale.order.offer.reject"
    _description = "Reject an Offer"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_reject(self):
        check_one(self)
        self.order_id.action_reject_offer(self.reason or "")
        return {"type": "ir.actions.act_window_close"}
