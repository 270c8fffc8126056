from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_evaluation_sheet_required = fields.Boolean(
        string="Evaluation Sheet Required",
        default=True,
        help="Meeting & evaluation moves on only once the lead has a finalized "
        "evaluation sheet. Off: the sheet is optional.",
    )
