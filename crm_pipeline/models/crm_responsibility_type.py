from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmResponsibilityType(models.Model):
    """A step of the fixed chain a lead goes through once it is activated."""

    _name = "crm.responsibility.type"
    _description = "Responsibility Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical code; other addons hook their completion gates on it.",
    )
    sequence = fields.Integer(default=10)
    next_type_id = fields.Many2one(
        "crm.responsibility.type",
        string="Next Responsibility",
        help="Opened when this responsibility completes with 'next'. "
        "Empty on the last step: completing it wins the lead.",
    )
    duration_days = fields.Integer(
        string="Standard Duration (days)",
        default=1,
        help="Used to estimate when a lead will complete the chain.",
    )
    stage_id = fields.Many2one(
        "crm.stage",
        string="CRM Stage",
        help="Stage the lead shows in the pipeline while this responsibility is open.",
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "The code of a responsibility type must be unique."),
        (
            "duration_positive",
            "CHECK(duration_days >= 0)",
            "The standard duration cannot be negative.",
        ),
    ]

    @api.constrains("next_type_id")
    def _check_next_type_cycle(self):
        if self._has_cycle("next_type_id"):
            raise ValidationError(self.env._("The chain of responsibilities cannot loop."))
