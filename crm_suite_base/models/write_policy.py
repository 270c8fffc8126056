import inspect

from odoo import api, models
from odoo.exceptions import UserError
from odoo.modules.module import get_manifest

#: Odoo's CRUD names, left out of ``get_public_methods`` with the rest of the
#: ORM's public API (every attribute of ``models.BaseModel``).
_ORM_NAMES = frozenset(name for name in dir(models.BaseModel) if not name.startswith("_"))


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
        if model_names is not None and (
            not isinstance(model_names, list | tuple)
            or not all(isinstance(name, str) for name in model_names)
        ):
            raise UserError(
                self.env._(
                    "model_names must be a list of model names (for example "
                    '["crm.lead"]), not %(value)s.',
                    value=repr(model_names)[:80],
                )
            )
        wanted = set(model_names) if model_names is not None else None
        result = {}
        for name in sorted(self.env.registry):
            if wanted is not None and name not in wanted:
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
                entry = rule.as_dict(self.env)
                entry["declared"] = fname in rules
                entry["type"] = field.type
                entries[fname] = entry
            result[name] = {"state_field": model._crm_state_field, "fields": entries}
        return result

    @api.model
    def _suite_modules(self):
        """The installed modules of the suite: ``crm_suite_base`` and every
        loaded module that depends on it, directly or not."""
        loaded = set(self.env.registry._init_modules)
        depends = {name: set(get_manifest(name).get("depends", ())) for name in loaded}
        suite = {"crm_suite_base"} & loaded
        grew = True
        while grew:
            grew = False
            for name, deps in depends.items():
                if name not in suite and deps & suite:
                    suite.add(name)
                    grew = True
        return suite

    @api.model
    def _suite_classes(self, model):
        """The classes of ``model`` that the suite's modules define, but those
        whose ``_crm_suite_model`` is false: the suite's extension of ``base``
        (Odoo's uninstall flag kept for administrators, ``base_unlink.py``) is
        in every model's classes and adds no field nor public method: it does
        not make every model one of the suite's. (The attribute is read through
        each class's own bases, so the registry's classes, which have that
        extension among theirs and define nothing themselves, are left out
        too.)"""
        suite = self._suite_modules()
        return [
            klass
            for klass in type(model).__mro__
            if getattr(klass, "_module", None) in suite and getattr(klass, "_crm_suite_model", True)
        ]

    @api.model
    def get_suite_models(self):
        """What the suite defines, for the suite's own tests and tools:
        ``{"modules": [...], "models": {model: {"abstract", "transient",
        "auto", "fields": {name: {"modules", "store", "type"}}}}}`` for every
        model one of the suite's modules defines or extends, listing the fields
        a suite module defines (``modules``: every module that defines the
        field, Odoo's included)."""
        suite = self._suite_modules()
        result = {}
        for name in sorted(self.env.registry):
            model = self.env[name]
            if not self._suite_classes(model):
                continue
            entries = {
                fname: {
                    "modules": sorted(field._modules or ()),
                    "store": bool(field.store),
                    "type": field.type,
                }
                for fname, field in model._fields.items()
                if set(field._modules or ()) & suite
            }
            result[name] = {
                "abstract": bool(model._abstract),
                "transient": bool(model._transient),
                "auto": bool(model._auto),
                "fields": entries,
            }
        return {"modules": sorted(suite), "models": result}

    @api.model
    def get_public_methods(self):
        """``{model: {method: "model" | "records"}}``: for every model the
        suite defines or extends, the public methods (names not starting with
        ``_``, which is what RPC may call) that the suite's classes define or
        override, without Odoo's CRUD and the rest of the ORM's public API
        (``create``, ``write``, ``read``, ``search``, ``copy``, ...).
        ``"model"`` marks an ``@api.model`` method (called without ids)."""
        result = {}
        for name in sorted(self.env.registry):
            model = self.env[name]
            methods = {}
            for klass in self._suite_classes(model):
                for attr, value in vars(klass).items():
                    if attr.startswith("_") or attr in _ORM_NAMES or attr in methods:
                        continue
                    if not inspect.isfunction(value):
                        continue
                    method = getattr(type(model), attr)
                    kind = getattr(method, "_api", None)
                    methods[attr] = "model" if kind in ("model", "model_create") else "records"
            if methods:
                result[name] = dict(sorted(methods.items()))
        return result
