from odoo import api, fields, models

from odoo.addons.crm_suite_base.models.policy import check_one


class CrmLeadResponsibilityCorrectWizard(models.TransientModel):
    """A sales manager moves an open responsibility to another step, with a
    reason logged on the lead (``crm.lead.responsibility.action_correct_type``)."""

    _name = "crm.lead.responsibility.correct.wizard"
    _inherit = "crm.lead.responsibility.wizard.mixin"
    _description = "Correct a Responsibility's Step"

    current_type_id = fields.Many2one(
        "crm.responsibility.type", string="Current Step", compute="_compute_current_type_id"
    )
    type_id = fields.Many2one("crm.responsibility.type", string="Correct Step", required=True)
    reason = fields.Text(required=True)

    @api.depends("responsibility_id")
    def _compute_current_type_id(self):
        for wiz in self:
            wiz.current_type_id = wiz.responsibility_id.type_id

    def action_confirm(self):
        check_one(self)
        self.responsibility_id.action_correct_type(self.type_id.id, self.reason)
        return {"type": "ir.actions.act_window_close"}
