import json

from odoo import api, models


class IrDefault(models.Model):
    """Odoo gives a new record the defaults its creator set (the web client's
    *Set Default*, ``ir.default.set`` over XML-RPC: any employee sets their
    own) after the write policy checked the values given to ``create``: a
    default of a field the policy guards is checked when it is set, as the
    same value given at creation (an owned field's default is refused, a value
    out of bounds too)."""

    _inherit = "ir.default"

    @api.model_create_multi
    def create(self, vals_list):
        defaults = super().create(vals_list)
        defaults._crm_check_write_policy()
        return defaults

    def write(self, vals):
        res = super().write(vals)
        if {"field_id", "json_value"} & set(vals):
            self._crm_check_write_policy()
        return res

    def _crm_check_write_policy(self):
        mixin = self.pool["crm.write.policy.mixin"]
        for default in self:
            # sudo: the model and name of the field only, to find its rule
            field = default.sudo().field_id
            if field.model not in self.env:
                continue
            model = self.env[field.model]
            if not isinstance(model, mixin) or model._crm_policy_rule(field.name) is None:
                continue
            try:
                value = json.loads(default.json_value)
            except (TypeError, ValueError):
                continue  # not a value: Odoo's own check refuses it
            model._crm_check_policy({field.name: value}, creating=True)
