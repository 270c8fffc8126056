from odoo import api, fields, models

from odoo.addons.crm_suite_base.models.client_counts import count_by_client
from odoo.addons.crm_suite_base.models.policy import check_one


class ResPartner(models.Model):
    """The client file's reservations smart button."""

    _inherit = "res.partner"

    crm_reservation_count = fields.Integer(
        compute="_compute_crm_reservation_count",
        string="Reservations",
        groups="sales_team.group_sale_salesman,stock.group_stock_user",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_crm_reservation_count(self):
        # what the button shows: the reservations still reserved
        counts = count_by_client(
            self, "sale.stock.reservation", domain=[("state", "=", "reserved")]
        )
        for partner in self:
            partner.crm_reservation_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_view_crm_reservations(self):
        """The client's proforma reservations (smart button)."""
        check_one(self)
        client = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_supply.sale_stock_reservation_action"
        )
        action["domain"] = [("partner_id", "child_of", client.id)]
        action["context"] = {"search_default_reserved": 1}
        return action
