from odoo import fields, models

from odoo.addons.crm_suite_base.models.policy import writable

#: how long a proforma may hold goods by default: up to ten years
RESERVATION_DAYS_BOUNDS = (0, 3650)


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "crm.write.policy.mixin"]
    _crm_write_policy = {
        "reserved_stock_policy": writable(),
        "reservation_days": writable(bounds=RESERVATION_DAYS_BOUNDS),
    }

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
