from odoo import api, fields, models

from odoo.addons.crm_suite_base.models.policy import check_one


class CrmLeadResponsibilityCorrectWizard(models.TransientModel):
    """A sales manager moves an open responsibility to another step, with a
    reason logged on the lead (``crm.lead.responsibility.action_correct_type``)."""

    _name = "crm.lead.responsibility.correct.wizard"
    _description = "Correct a Responsibility's Step"

    responsibility_id = fields.Many2one(
        "crm.lead.responsibility", required=True, ondelete="cascade"
    )
    current_type_id = fields.Many2one(
        "crm.responsibility.type", string="Current Step", compute="_compute_current_type_id"
    )
    type_id = fields.Many2one("crm.responsibility.type", string="Correct Step", required=True)
    reason = fields.Text(required=True)

    @api.model_create_multi
    def create(self, vals_list):
        # as the Complete wizard: the responsibility the wizards end up with,
        # whether from the values or a default of the context
        wizards = super().create(vals_list)
        wizards.responsibility_id.check_access("write")
        return wizards

    def write(self, vals):
        res = super().write(vals)
        if "responsibility_id" in vals:
            self.responsibility_id.check_access("write")
        return res

    @api.depends("responsibility_id")
    def _compute_current_type_id(self):
        for wiz in self:
            wiz.current_type_id = wiz.responsibility_id.type_id

    def action_confirm(self):
        check_one(self)
        self.responsibility_id.action_correct_type(self.type_id.id, self.reason)
        return {"type": "ir.actions.act_window_close"}
