from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    qty_free_to_sell = fields.Float(
        string="Free to Sell",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        help="Free to sell in the company's warehouses.",
        groups="base.group_user",
    )
    qty_reserved_proforma = fields.Float(
        string="Reserved by Proformas",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        groups="base.group_user",
    )

    @api.depends("product_id", "company_id")
    def _compute_qty_free_to_sell(self):
        self.qty_free_to_sell = 0.0
        self.qty_reserved_proforma = 0.0
        lines = self.filtered(lambda line: line.product_id.is_storable)
        for company, group in lines.grouped("company_id").items():
            products = group.product_id.with_context(allowed_company_ids=company.ids)
            figures = products._free_to_sell_figures()
            for line in group:
                line.qty_reserved_proforma, line.qty_free_to_sell = figures[line.product_id.id]
