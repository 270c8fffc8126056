from odoo import api, fields, models

from odoo.addons.crm.models import crm_stage
from odoo.addons.crm_suite_base.models.policy import check_one


class CrmLeadActivateWizard(models.TransientModel):
    _name = "crm.lead.activate.wizard"
    _description = "Activate Leads"

    lead_ids = fields.Many2many("crm.lead", string="Leads", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Commercial Responsible",
        required=True,
        domain=lambda self: self.env["crm.lead"]._responsible_user_domain(),
        default=lambda self: self.env.user if not self.env.user.share else False,
    )
    first_contact_at = fields.Datetime(
        string="First Contact", required=True, default=fields.Datetime.now
    )
    responsibility_type_id = fields.Many2one(
        "crm.responsibility.type",
        string="First Responsibility",
        required=True,
        default=lambda self: self.env["crm.responsibility.type"]._get_first_type(),
    )
    priority = fields.Selection(
        crm_stage.AVAILABLE_PRIORITIES,
        required=True,
        default=crm_stage.AVAILABLE_PRIORITIES[1][0],
    )

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        ctx = self.env.context
        if "lead_ids" in fields_list and not res.get("lead_ids"):
            if ctx.get("active_model") == "crm.lead" and ctx.get("active_ids"):
                res["lead_ids"] = [fields.Command.set(ctx["active_ids"])]
        return res

    def action_confirm(self):
        check_one(self)
        self.lead_ids.activate(
            self.user_id.id,
            self.first_contact_at,
            priority=self.priority,
            responsibility_type_id=self.responsibility_type_id.id,
        )
        return {"type": "ir.actions.act_window_close"}
