from odoo import api, fields, models

from odoo.addons.crm_suite_base.models.policy import check_one


class SaleOrderOfferReject(models.TransientModel):
    """A sales manager rejects an offer with a reason
    (``sale.order.action_reject_offer``)."""

    _name = "sale.order.offer.reject"
    _description = "Reject an Offer"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    # the quotation is read as superuser when the wizard is read (its name): the
    # user must be allowed to work on it (write access, hence read), whether it
    # comes from the values or from a default of the context

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards.order_id.check_access("write")
        return wizards

    def write(self, vals):
        res = super().write(vals)
        if "order_id" in vals:
            self.order_id.check_access("write")
        return res

    def action_reject(self):
        check_one(self)
        self.order_id.action_reject_offer(self.reason or "")
        return {"type": "ir.actions.act_window_close"}
