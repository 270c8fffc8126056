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
        reserved-stock policy (a UserError under "block")."""
        warnings = {}
        for picking in self.filtered(lambda p: p.picking_type_code == "outgoing"):
            needs = defaultdict(float)
            for move in picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
                needs[move.product_id] += move.product_qty
            warning = picking.company_id._check_reserved_stock(
                picking.picking_type_id.warehouse_id,
                needs,
                picking.sale_id,
                self.env._("Validating %(picking)s", picking=picking.name),
                counted=needs,
            )
            if warning:
                warnings[picking] = warning
        return warnings
