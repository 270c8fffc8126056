from collections import defaultdict

from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _pre_action_done_hook(self):
        """Validating a delivery takes the goods: under the policy, stock that
        proformas other than the delivery's own order hold is refused before any
        pre-validation wizard, or noted in the chatter once the delivery is
        really validated (not when a wizard such as the backorder one comes
        first: validating from it runs this hook again)."""
        warnings = self._check_delivery_reserved_stock()
        res = super()._pre_action_done_hook()
        if res is True:
            for picking, warning in warnings.items():
                picking.message_post(body=warning, subtype_xmlid="mail.mt_note")
        return res

    def _check_delivery_reserved_stock(self):
        """{picking: warning} for these pickings' deliveries under the company's
        reserved-stock policy (a UserError under "block"): what the deliveries
        take now (a partial delivery its quantity, not its whole demand),
        against free to sell with what the deliveries themselves hold added
        back (``_own_quantities``: free to sell counts them already, and a
        backorder keeps the rest). The deliveries validated together are
        checked together, per company and warehouse: none is done yet, so
        each one alone would not see what the others take."""
        demands = []
        for picking in self.filtered(lambda p: p.picking_type_code == "outgoing"):
            open_moves = picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            demands.append(
                (
                    picking,
                    picking.company_id,
                    picking.picking_type_id.warehouse_id,
                    picking._delivered_quantities(open_moves),
                    picking.sale_id,
                    picking._own_quantities(open_moves),
                )
            )
        return self.env["res.company"]._check_reserved_stock_together(
            demands,
            lambda pickings: self.env._(
                "Validating %(picking)s", picking=", ".join(pickings.mapped("name"))
            ),
        )

    def _own_quantities(self, moves):
        """{product: quantity in its unit} that free to sell already counts as
        taken by ``moves``, these open moves of the delivery: per move, its
        demand (counted as outgoing) or, when it carries more, its quantity
        (its move lines reserve all of it, lowering Odoo's free quantity)."""
        own = defaultdict(float)
        for move in moves:
            quantity = move.product_uom._compute_quantity(
                move.quantity, move.product_id.uom_id, rounding_method="HALF-UP"
            )
            own[move.product_id] += max(move.product_qty, quantity)
        return own

    def _delivered_quantities(self, moves):
        """{product: quantity in its unit} that validating this picking takes out
        of ``moves``: the quantity of those Odoo's validation does (the picked
        ones when some are, as ``_pre_action_done_hook`` and
        ``stock.move._action_done`` decide; else every move with a quantity)."""
        self.ensure_one()
        moves = moves.filtered(lambda m: not m.scrapped)
        if any(move.picked for move in moves):
            moves = moves.filtered("picked")
        delivered = defaultdict(float)
        for move in moves:
            delivered[move.product_id] += move.product_uom._compute_quantity(
                move.quantity, move.product_id.uom_id, rounding_method="HALF-UP"
            )
        return delivered
