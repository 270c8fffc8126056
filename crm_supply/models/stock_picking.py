from collections import defaultdict

from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _pre_action_done_hook(self):
        """Validating a transfer that takes goods out of a warehouse (a
        delivery, or a transfer of any operation type leaving it) takes the
        goods: under the policy, stock that proformas other than the
        transfer's own order hold is refused before any pre-validation
        wizard, or noted in the chatter once the transfer is really validated
        (not when a wizard such as the backorder one comes first: validating
        from it runs this hook again)."""
        warnings = self._check_delivery_reserved_stock()
        res = super()._pre_action_done_hook()
        if res is True:
            # the transfers are validated next, by the user (_action_done)
            self.env["res.company"]._log_reserved_stock_notes(warnings)
        return res

    def _check_delivery_reserved_stock(self):
        """{picking: warning} for what these pickings take out of warehouses
        under the company's reserved-stock policy (a UserError under
        "block"), whatever their operation type (``_leaving_moves``: an
        internal transfer from the stock to the customers takes the goods as
        a delivery does; one between two locations of the same warehouse
        takes nothing): what they take now (a partial delivery its quantity,
        not its whole demand), against free to sell with what they
        themselves hold added back (``_own_quantities``: free to sell counts
        them already, and a backorder keeps the rest). The pickings validated
        together are checked together, per company and warehouse: none is
        done yet, so each one alone would not see what the others take."""
        demands = []
        for picking in self:
            open_moves = picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            for warehouse, moves in picking._leaving_moves(open_moves).items():
                demands.append(
                    (
                        picking,
                        picking.company_id,
                        warehouse,
                        picking._delivered_quantities(open_moves, within=moves),
                        picking.sale_id,
                        picking._own_quantities(moves),
                    )
                )
        return self.env["res.company"]._check_reserved_stock_together(
            demands,
            lambda pickings: self.env._(
                "Validating %(picking)s", picking=", ".join(pickings.mapped("name"))
            ),
        )

    def _leaving_moves(self, moves):
        """{warehouse: moves} of ``moves`` that take goods out of a warehouse:
        from one of its locations to a location outside it (the customers, a
        vendor, a transit or virtual location, another warehouse), as Odoo's
        *Outgoing* quantity of that warehouse counts them. A move between two
        locations of the same warehouse (a pick to the output, a move to
        another shelf) leaves its goods in the warehouse's free to sell."""
        leaving = defaultdict(lambda: self.env["stock.move"])
        for move in moves:
            warehouse = move.location_id.warehouse_id
            if warehouse and move.location_dest_id.warehouse_id != warehouse:
                leaving[warehouse] |= move
        return leaving

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

    def _delivered_quantities(self, moves, within=None):
        """{product: quantity in its unit} that validating this picking takes out
        of ``moves`` (its open moves): the quantity of those Odoo's validation
        does (the picked ones when some are, as ``_pre_action_done_hook`` and
        ``stock.move._action_done`` decide; else every move with a quantity),
        of ``within`` only when given (the moves leaving a warehouse)."""
        self.ensure_one()
        moves = moves.filtered(lambda m: not m.scrapped)
        if any(move.picked for move in moves):
            moves = moves.filtered("picked")
        if within is not None:
            moves &= within
        delivered = defaultdict(float)
        for move in moves:
            delivered[move.product_id] += move.product_uom._compute_quantity(
                move.quantity, move.product_id.uom_id, rounding_method="HALF-UP"
            )
        return delivered
