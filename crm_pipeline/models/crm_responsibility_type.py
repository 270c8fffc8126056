from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import LazyTranslate

from odoo.addons.crm_suite_base.models.policy import FREE, owned, writable

_lt = LazyTranslate(__name__)

# The fixed chain's steps. Behaviour (first step, completion gates, contracting
# warnings) is bound to the kind, never to the editable name or code.
KINDS = [
    ("contact_prospect", "Contact prospect"),
    ("meeting_evaluation", "Meeting & evaluation"),
    ("offer_negotiation", "Offer & negotiation"),
    ("contracting", "Contracting"),
]


class CrmResponsibilityType(models.Model):
    """A step of the fixed chain a lead goes through once it is activated."""

    _name = "crm.responsibility.type"
    _description = "Responsibility Type"
    _inherit = ["crm.write.policy.mixin"]
    _order = "sequence, id"
    _crm_write_policy = {
        "name": FREE,
        "code": FREE,
        # binds the chain's gates: set by the addons' data (superuser) only
        "kind": owned(
            _lt("the kind of a step is set by the addons' data: it binds the chain's gates.")
        ),
        "sequence": FREE,
        "next_type_id": FREE,
        "duration_days": writable(bounds=(0, 3650)),
        "stage_id": FREE,
        "description": FREE,
        "active": FREE,
    }

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="A short reference for reports and imports. No behaviour depends on it: "
        "the step's kind binds its behaviour.",
    )
    kind = fields.Selection(
        KINDS,
        readonly=True,
        copy=False,
        help="Which step of the chain this type is, set by the addon's data. The first "
        "step, the completion gates and the contracting warnings are bound to it, so "
        "renaming a type or its code keeps them. Only the superuser (data files) "
        "changes it.",
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
        ("kind_unique", "unique(kind)", "Each step of the chain has one responsibility type."),
        (
            "duration_positive",
            "CHECK(duration_days >= 0)",
            "The standard duration cannot be negative.",
        ),
    ]

    @api.model
    def _get_first_type(self):
        """The type a lead's chain starts with (the Contact prospect step)."""
        return self.search([("kind", "=", "contact_prospect")], limit=1)

    def write(self, vals):
        """A step of the chain is not archived either: the chain would lose it
        as it would by a deletion (no lead could be activated without its first
        step, and the gates bound to the kind would no longer open)."""
        if isinstance(vals, dict) and "active" in vals and not vals["active"]:
            step = self.filtered("kind")[:1]
            if step:
                raise UserError(
                    self.env._(
                        "Responsibility type %(type)s is a step of the chain, which its "
                        "gates are bound to: it cannot be archived.",
                        type=step.name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_chain_step(self):
        """A step of the chain is not deleted: its gates are bound to its kind,
        and the step before it would lose its next step (``next_type_id`` is
        emptied), so that completing it would win the lead and skip the rest of
        the chain. A type another one leads to is taken out of the chain first
        (another next step on the type before it)."""
        step = self.filtered("kind")[:1]
        if step:
            raise UserError(
                self.env._(
                    "Responsibility type %(type)s is a step of the chain, which its gates "
                    "are bound to: it cannot be deleted.",
                    type=step.name,
                )
            )
        previous = self.with_context(active_test=False).search(
            [("next_type_id", "in", self.ids), ("id", "not in", self.ids)], limit=1
        )
        if previous:
            raise UserError(
                self.env._(
                    "Responsibility type %(type)s follows %(previous)s in the chain: give "
                    "%(previous)s another next responsibility before deleting it.",
                    type=previous.next_type_id.name,
                    previous=previous.name,
                )
            )

    @api.constrains("next_type_id")
    def _check_next_type_cycle(self):
        if self._has_cycle("next_type_id"):
            raise ValidationError(self.env._("The chain of responsibilities cannot loop."))
