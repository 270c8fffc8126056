from odoo import api, models


class CrmWritePolicy(models.AbstractModel):
    """The suite's write policy, as data: what the README's "Security model"
    lists and what the suite's every-field test checks against."""

    _name = "crm.write.policy"
    _description = "Suite write policy (read-only)"

    @api.model
    def get_write_policy(self, model_names=None):
        """``{model: {"state_field": ..., "fields": {name: rule}}}`` for every
        model of the suite (or those of ``model_names``). A rule is a dict with
        ``owner`` ("user" or "method"), ``hint``, ``groups``, ``states``,
        ``create``, ``bounds`` and ``declared`` (False for a stored field the
        suite defines without naming it: owned by default)."""
        result = {}
        for name in sorted(self.env.registry):
            if model_names is not None and name not in (model_names or ()):
                continue
            model = self.env[name]
            cls = type(model)
            if model._abstract or model._transient or not hasattr(cls, "_crm_policy"):
                continue
            rules, _modules = cls._crm_policy()
            entries = {}
            for fname, field in model._fields.items():
                rule = model._crm_policy_rule(fname)
                if rule is None:
                    continue
                entry = rule.as_dict()
                entry["declared"] = fname in rules
                entry["type"] = field.type
                entries[fname] = entry
            result[name] = {"state_field": model._crm_state_field, "fields": entries}
        return result
