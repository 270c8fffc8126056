from collections import defaultdict

from odoo import models

from .stock_policy import check_reserved_stock


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def button_validate(self):
        """Validating a delivery takes the goods: under the policy, stock that
        proformas other than the delivery's own order hold is warned about
        (chatter) or refused."""
        for picking in self.filtered(lambda p: p.picking_type_code == "outgoing"):
            needs = defaultdict(float)
            for move in picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
                needs[move.product_id] += move.product_qty
            warning = check_reserved_stock(
                self.env,
                picking.company_id,
                picking.picking_type_id.warehouse_id,
                needs,
                picking.sale_id,
                self.env._("Validating %(picking)s", picking=picking.name),
                counted=needs,
            )
            if warning:
                picking.message_post(body=warning, subtype_xmlid="mail.mt_note")
        return super().button_validate()
