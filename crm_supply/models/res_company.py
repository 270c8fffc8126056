from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    reserved_stock_policy = fields.Selection(
        [
            ("allow", "Allowed"),
            ("warn", "Allowed with a warning"),
            ("block", "Not allowed"),
        ],
        string="Sale of Products Reserved by Proformas",
        default="allow",
        required=True,
        help="What happens when a document would take stock that proformas reserve.",
    )
    reservation_days = fields.Integer(
        string="Proforma Reservation Days",
        default=14,
        help="How long a proforma holds its goods by default (editable per quotation).",
    )
