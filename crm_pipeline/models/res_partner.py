from odoo import api, fields, models

from odoo.addons.crm_suite_base.models.policy import FREE


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.write.policy.mixin"]
    # the interactions check themselves (crm.interaction's policy)
    _crm_write_policy = {"crm_interaction_ids": FREE}

    crm_interaction_ids = fields.One2many(
        "crm.interaction",
        "partner_id",
        string="Interactions",
        groups="sales_team.group_sale_salesman",
    )
    crm_interaction_count = fields.Integer(
        string="Interaction Count",
        compute="_compute_crm_interaction_count",
        groups="sales_team.group_sale_salesman",
    )
    crm_task_count = fields.Integer(
        string="Task Count",
        compute="_compute_crm_task_count",
        groups="sales_team.group_sale_salesman",
    )

    def _crm_interaction_domain(self):
        return self.env["crm.interaction"]._client_domain(self)

    def _crm_task_domain(self):
        return self.env["crm.task"]._client_domain(self)

    @api.depends_context("uid")
    def _compute_crm_interaction_count(self):
        counts = self.env["crm.interaction"]._count_by_partner(self)
        for partner in self:
            partner.crm_interaction_count = counts.get(partner.id, 0)

    @api.depends_context("uid")
    def _compute_crm_task_count(self):
        counts = self.env["crm.task"]._count_by_partner(self)
        for partner in self:
            partner.crm_task_count = counts.get(partner.id, 0)

    def action_view_crm_interactions(self):
        """The interactions with these clients (or with these contact persons)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_pipeline.crm_interaction_action"
        )
        action["domain"] = self._crm_interaction_domain()
        action["context"] = {"default_partner_id": self[:1].id}
        return action

    def action_view_crm_tasks(self):
        """The tasks and commitments on these clients."""
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_pipeline.crm_task_action")
        action["domain"] = self._crm_task_domain()
        action["context"] = {"default_partner_id": self[:1].id}
        return action
