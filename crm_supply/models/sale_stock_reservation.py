from odoo import fields, models


class SaleStockReservation(models.Model):
    """Quantity of a product that a proforma holds for its customer."""

    _name = "sale.stock.reservation"
    _description = "Proforma Stock Reservation"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    order_id = fields.Many2one(
        "sale.order",
        string="Proforma",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    partner_id = fields.Many2one(related="order_id.partner_id", store=True, string="Customer")
    user_id = fields.Many2one(related="order_id.user_id", store=True, string="Salesperson")
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, precompute=True
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        check_company=True,
        domain="[('is_storable', '=', True)]",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    quantity = fields.Float(digits="Product Unit of Measure", required=True)
    state = fields.Selection(
        [("reserved", "Reserved"), ("released", "Released")],
        default="reserved",
        required=True,
        index=True,
    )

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "A reserved quantity must be positive."),
    ]
