from collections import defaultdict

from odoo import models
from odoo.tools import float_compare

from odoo.addons.crm_suite_base.models.policy import privileged


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "crm.sale.revision.mixin"]

    def _crm_hand_over_to(self, revision):
        """A revised proforma's active reservations go to ``revision``, the
        quotation that replaces it, instead of being released by its
        cancellation: each to the first line of the revision with the same
        product that holds none yet, for at most what that line takes (in the
        product's unit; the rest is released), with its stock location and its
        expiry date (the revision's *Reservation Expires On* becomes this
        quotation's). Nothing more is held than before, so the reserved-stock
        policy is not consulted. A revision in another warehouse (or that is
        no quotation) takes none, and a reservation without a matching line
        stays here: both are released. The expiry cron warns about the moved
        ones again, on the revision: this quotation's expiry to-do goes."""
        res = super()._crm_hand_over_to(revision)
        active = self.reservation_ids.filtered(lambda r: r.state == "reserved")
        if not active:
            return res
        # the to-do warned about reservations this quotation no longer holds
        self._crm_drop_expiry_warning()
        if revision.state not in ("draft", "sent") or revision.warehouse_id != self.warehouse_id:
            active._set_state("released")
            return res
        taken = revision.reservation_ids.filtered(lambda r: r.state == "reserved").order_line_id
        # {product: [(line, what it takes in the product's unit)]}, in line order
        candidates = defaultdict(list)
        for line in revision.order_line - taken:
            need = line._stock_need()
            if need > 0:
                candidates[line.product_id].append((line, need))
        moves = []
        for reservation in active.sorted(
            lambda r: (r.order_line_id.sequence, r.order_line_id.id, r.id)
        ):
            if not candidates[reservation.product_id]:
                continue
            line, need = candidates[reservation.product_id].pop(0)
            # not warned on the revision yet: the cron schedules its to-do there
            vals = {"order_id": revision.id, "order_line_id": line.id, "expiry_warned": False}
            rounding = reservation.product_id.uom_id.rounding
            if float_compare(reservation.quantity, need, precision_rounding=rounding) > 0:
                vals["quantity"] = need
            moves.append((reservation, vals))
        moved = self.env["sale.stock.reservation"]
        if moves:
            # the reservations' expiry date is their quotation's: the revision's
            # becomes this one's, before they move to it
            privileged(revision).write({"reservation_expiry_date": self.reservation_expiry_date})
            for reservation, vals in moves:
                privileged(reservation).write(vals)
                moved |= reservation
        if active - moved:
            (active - moved)._set_state("released")
        return res
