from odoo import api, fields, models


class CrmLeadResponsibilityWizardMixin(models.AbstractModel):
    """A wizard working on one responsibility (Complete, Correct). Its related
    and computed fields read the responsibility as superuser, so the user must
    be allowed to work on it (write access, hence read): checked on the wizards
    created, whose responsibility may come from a default of the context as
    well as from the values, and on a later write of it. Nobody reads another
    salesperson's lead or step through a wizard."""

    _name = "crm.lead.responsibility.wizard.mixin"
    _description = "Wizard on a Responsibility"

    responsibility_id = fields.Many2one(
        "crm.lead.responsibility", required=True, ondelete="cascade"
    )

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards.responsibility_id.check_access("write")
        return wizards

    def write(self, vals):
        res = super().write(vals)
        if "responsibility_id" in vals:
            self.responsibility_id.check_access("write")
        return res
