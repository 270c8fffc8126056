from odoo import fields, models

from odoo.addons.crm_suite_base.models.policy import writable


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "crm.write.policy.mixin"]
    # a setting (Sales settings): administrators only
    _crm_write_policy = {
        "crm_evaluation_sheet_required": writable(groups=("base.group_system",)),
    }

    crm_evaluation_sheet_required = fields.Boolean(
        string="Evaluation Sheet Required",
        default=True,
        help="Meeting & evaluation moves on only once the lead has a finalized "
        "evaluation sheet. Off: the sheet is optional.",
        groups="base.group_user",
    )
