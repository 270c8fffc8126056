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
        help="What happens when a document would sell stock that proformas reserve.",
    )
