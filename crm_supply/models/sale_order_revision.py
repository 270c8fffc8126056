from collections import defaultdict

from odoo import Command, models
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
        ones again, on the revision: this quotation's expiry to-do goes.
        Its supplier orders go to the revision too
        (``_crm_hand_over_supplier_orders``)."""
        res = super()._crm_hand_over_to(revision)
        self._crm_hand_over_supplier_orders(revision)
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

    def _crm_hand_over_supplier_orders(self, revision):
        """The supplier orders created for this quotation order for
        ``revision`` from now on: each names the revision instead of this
        quotation (its other customer documents stay), on both sides of the
        link, so that the revision's Create Supplier Orders counts what they
        already order (``_ordered_for_documents``) instead of ordering it a
        second time. Cancelled ones move too: the revision shows the whole
        history of its supply."""
        # sudo: the links follow the quotation being revised, which the user
        # may write (the revising code has copied it and cancels it); the
        # salesperson who revises may not read purchase orders, and nothing
        # but the link is written on them
        purchases = self.sudo().crm_purchase_order_ids
        if not purchases:
            return
        privileged(purchases).write(
            {"crm_sale_order_ids": [Command.unlink(self.id), Command.link(revision.id)]}
        )
        privileged(revision.sudo()).write(
            {"crm_purchase_order_ids": [Command.link(po.id) for po in purchases]}
        )
        privileged(self.sudo()).write(
            {"crm_purchase_order_ids": [Command.unlink(po.id) for po in purchases]}
        )
