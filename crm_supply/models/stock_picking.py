from collections import defaultdict

from odoo import api, models
from odoo.tools import float_compare


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _pre_action_done_hook(self):
        """Validating a transfer that takes goods out of a warehouse (a
        delivery, or a transfer of any operation type leaving it) takes the
        goods: under the policy, stock that proformas other than the
        transfer's own confirmed order (``_own_confirmed_order``) hold is
        refused before any pre-validation wizard, or noted in the chatter once
        the transfer is really validated (not when a wizard such as the
        backorder one comes first: validating from it runs this hook again)."""
        warnings = self._check_delivery_reserved_stock()
        res = super()._pre_action_done_hook()
        if res is True:
            # the transfers are validated next, by the user (_action_done)
            self.env["res.company"]._log_reserved_stock_notes(warnings)
        return res

    def _check_delivery_reserved_stock(self):
        """{picking: warning} for what these pickings take out of warehouses
        under the company's reserved-stock policy (a UserError under
        "block"), whatever their operation type, by the move lines Odoo's
        validation moves the goods by (``_leaving_move_lines``: a move line
        from the stock to the customers takes the goods as a delivery does,
        even on an internal transfer within the warehouse; one between two
        locations of the same warehouse takes nothing, even on a delivery):
        what they take now (a partial delivery its quantity, not its whole
        demand), against free to sell with what all their open moves hold
        added back, each part to the term of free to sell that counts it
        (``_own_quantities``: free to sell counts them already, and a
        backorder keeps the rest; a delivery of two moves of a product, one
        delivered now, is checked as one move delivered in part). The pickings
        validated together are checked together, per company and warehouse:
        none is done yet, so each one alone would not see what the others
        take."""
        demands = []
        for picking in self:
            open_moves = picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            lines = picking._move_lines_to_do(open_moves)
            for warehouse, leaving in picking._leaving_move_lines(lines).items():
                demands.append(
                    (
                        picking,
                        picking.company_id,
                        warehouse,
                        picking._delivered_quantities(leaving),
                        picking._own_confirmed_order(),
                        picking._own_quantities(open_moves, warehouse),
                    )
                )
        return self.env["res.company"]._check_reserved_stock_together(
            demands,
            lambda pickings: self.env._(
                "Validating %(picking)s", picking=", ".join(pickings.mapped("name"))
            ),
        )

    @api.model
    def _check_done_reserved_stock(self, quantities, taken=False):
        """{picking: warning} for what done move lines take out of warehouses
        once their transfer is validated (a done transfer unlocked, a done
        line's quantity raised, a line or a move added to it: Odoo takes the
        goods at once, ``stock.move.line`` create and write), under the
        company's reserved-stock policy as at validation
        (``_check_delivery_reserved_stock``): a UserError under "block"; the
        same exclusion (``_own_confirmed_order``); the pickings of one call
        checked together per company and warehouse. ``quantities``:
        {(picking, warehouse): {product: quantity in its unit}}, what is
        taken more than was done (a done line's goods count nowhere else in
        free to sell: a done move is no longer *Outgoing* nor reserved).
        ``taken``: Odoo has taken them already (a done line created), so free
        to sell counts them as gone from On Hand, in both of its terms: they
        are added back to both (``counted``)."""
        demands = [
            (
                picking,
                picking.company_id,
                warehouse,
                needs,
                picking._own_confirmed_order(),
                {product: (qty, qty) for product, qty in needs.items()} if taken else None,
            )
            for (picking, warehouse), needs in quantities.items()
        ]
        return self.env["res.company"]._check_reserved_stock_together(
            demands,
            lambda pickings: self.env._(
                "Raising the done quantities of %(picking)s",
                picking=", ".join(pickings.mapped("name")),
            ),
        )

    def _own_confirmed_order(self):
        """The sale order whose reservations do not count against this
        transfer: its own order (``sale_id``) when it is confirmed (state
        *sale*), whose goods the transfer delivers. A confirmation releases
        the order's reservations (``sale.order._action_confirm``, right after
        Odoo's procurement, the order in state *sale* already), so a confirmed
        order holds none once confirmed, and none is made on it later (only a
        quotation reserves or realigns its reservations). The exclusion counts
        only for a transfer of the order validated inside its confirmation,
        between Odoo's write of the state and that release (in the
        ``super()._action_confirm()`` of crm_supply: a module below it that
        validates the deliveries it procures), whose own reservations would
        otherwise refuse it under "block". No module of Odoo 18 Community does
        (procurement creates, confirms and reserves transfers; the point of
        sale validates its own through ``_action_done``, without this hook):
        the exclusion is kept for such a module. A quotation (draft or sent)
        holds its reservations for itself, not for a transfer: a stock user
        may point a transfer's procurement group (or its *Sales Order*, which
        writes it) at a reserved quotation, and its reservations then still
        count."""
        self.ensure_one()
        order = self.sale_id
        # sudo: the order's state only, whoever validates (a stock user may not
        # read an order of a company that is not selected); the order returned
        # is the user's record, only its id is used
        if order and order.sudo().state != "sale":
            return order.browse()
        return order

    def _move_lines_to_do(self, moves):
        """The move lines of ``moves`` (this picking's open moves) that
        validating it does, as ``_pre_action_done_hook`` and
        ``stock.move._action_done`` decide: of the picked moves when some are
        (else of every move: the hook picks them all), not scrapped; of a
        picked move its picked lines only (Odoo drops the others), with a
        quantity."""
        self.ensure_one()
        moves = moves.filtered(lambda m: not m.scrapped)
        picked = moves.filtered("picked")
        if picked:
            lines = picked.move_line_ids.filtered("picked")
        else:
            lines = moves.move_line_ids
        return lines.filtered(
            lambda line: float_compare(
                line.quantity, 0.0, precision_rounding=line.product_uom_id.rounding
            )
            > 0
        )

    def _leaving_move_lines(self, lines):
        """{warehouse: move lines} of ``lines`` that take goods out of a
        warehouse: from one of its locations to a location outside it (the
        customers, a vendor, a transit or virtual location, another
        warehouse). Odoo moves the goods by the locations of the move lines,
        which the user may set apart from their move's (the detailed
        operations): a move line between two locations of the same warehouse
        (a pick to the output, a move to another shelf) leaves its goods in
        the warehouse's free to sell, whatever its move says."""
        leaving = defaultdict(lambda: self.env["stock.move.line"])
        for line in lines:
            warehouse = line.location_id.warehouse_id
            if warehouse and line.location_dest_id.warehouse_id != warehouse:
                leaving[warehouse] |= line
        return leaving

    def _own_quantities(self, moves, warehouse):
        """{product: (outgoing, reserved) in its unit}, what free to sell in
        ``warehouse`` already counts as taken by ``moves``, these open moves
        of the picking, in each of its terms: *outgoing*, the demand of the
        moves that themselves leave the warehouse (Odoo's *Outgoing* counts
        moves by their own locations, whatever their move lines say);
        *reserved*, the quantity of their move lines from the warehouse's
        locations, which reserve it there (lowering Odoo's *Free Quantity*;
        none of a move from a location that bypasses reservations, such as
        the vendors, whose lines Odoo creates without reserving). A transfer
        within the warehouse reserves its goods without going out: its own
        reservation is no part of the *Outgoing*."""
        own = defaultdict(lambda: (0.0, 0.0))
        for move in moves:
            outgoing = 0.0
            if (
                move.location_id.warehouse_id == warehouse
                and move.location_dest_id.warehouse_id != warehouse
            ):
                outgoing = move.product_qty
            reserved = 0.0
            if not move._should_bypass_reservation():
                reserved = sum(
                    line.quantity_product_uom
                    for line in move.move_line_ids
                    if line.location_id.warehouse_id == warehouse
                    and not line.location_id.should_bypass_reservation()
                )
            total_outgoing, total_reserved = own[move.product_id]
            own[move.product_id] = (total_outgoing + outgoing, total_reserved + reserved)
        return own

    def _delivered_quantities(self, lines):
        """{product: quantity in its unit} that ``lines``, move lines
        validating this picking does, take."""
        delivered = defaultdict(float)
        for line in lines:
            delivered[line.product_id] += line.quantity_product_uom
        return delivered
