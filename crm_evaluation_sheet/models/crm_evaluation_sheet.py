from odoo import api, fields, models


class CrmEvaluationSheet(models.Model):
    """Products and services a prospect needs, by quantity, at the
    "Meeting & evaluation" step."""

    _name = "crm.evaluation.sheet"
    _description = "Evaluation Sheet"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(
        required=True, copy=False, readonly=True, default=lambda self: self.env._("New")
    )
    lead_id = fields.Many2one("crm.lead", index=True, tracking=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Date(default=fields.Date.context_today, required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("in_progress", "In Progress"),
            ("finalized", "Finalized"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    notes = fields.Html()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "crm.evaluation.sheet"
                ) or self.env._("New")
            if vals.get("lead_id") and not vals.get("partner_id"):
                lead = self.env["crm.lead"].browse(vals["lead_id"])
                vals["partner_id"] = lead.partner_id.id
        return super().create(vals_list)
