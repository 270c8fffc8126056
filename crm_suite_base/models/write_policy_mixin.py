from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.models import MAGIC_COLUMNS
from odoo.tools import LazyTranslate

from .policy import check_value, field_label, is_privileged, model_label, owned

_lt = LazyTranslate(__name__)

_DEFAULT_OWNED = owned(_lt("no public write: the suite's methods keep it."))


class CrmWritePolicyMixin(models.AbstractModel):
    """Applies the declared ``_crm_write_policy`` of a model (see ``policy.py``)
    to every ``create`` and ``write``.

    A suite model inherits it with its own fields; an addon that extends one of
    Odoo's models adds it to that model (``_name = "sale.order"``, ``_inherit =
    ["sale.order", "crm.write.policy.mixin"]``) and declares the fields it adds.
    """

    _name = "crm.write.policy.mixin"
    _description = "Suite write policy"

    #: field name -> ``policy.Rule``; merged over every class of the model
    _crm_write_policy = {}
    #: the field whose value ``states=`` rules read
    _crm_state_field = "state"

    def _setup_complete(self):
        # Odoo reuses a model's class when a later module extends it in the same
        # registry (installing several addons at once): forget what was merged.
        res = super()._setup_complete()
        cls = type(self)
        cls._crm_policy_cache = None
        cls._crm_rule_map_cache = None
        return res

    @classmethod
    def _crm_policy(cls):
        """``(rules, modules)``: the merged rules of every class of the model,
        and the modules that declared them (their other stored fields are
        owned by default). Computed once per registry class."""
        cached = cls.__dict__.get("_crm_policy_cache")
        if cached is None:
            rules, modules = {}, set()
            for klass in reversed(cls.__mro__):
                declared = klass.__dict__.get("_crm_write_policy")
                if declared is not None and getattr(klass, "_module", None):
                    rules.update(declared)
                    modules.add(klass._module)
            cached = (rules, frozenset(modules - {"crm_suite_base"}))
            cls._crm_policy_cache = cached
        return cached

    def _crm_policy_rule(self, name):
        """The rule of field ``name``, or None for fields the suite does not
        define (Odoo's own fields of the models it extends)."""
        cls = type(self)
        rule_map = cls.__dict__.get("_crm_rule_map_cache")
        if rule_map is None:
            rules, modules = self._crm_policy()
            rule_map = {}
            for fname, field in self._fields.items():
                rule = rules.get(fname)
                if rule is None and (
                    fname not in MAGIC_COLUMNS
                    and (field.store or field.inverse)
                    and field._modules
                    and set(field._modules) <= modules
                ):
                    rule = _DEFAULT_OWNED
                rule_map[fname] = rule
            cls._crm_rule_map_cache = rule_map
        return rule_map.get(name)

    def _crm_check_policy(self, vals, creating):
        if not isinstance(vals, dict):
            raise UserError(
                self.env._("The values to write must be a mapping of field names to values.")
            )
        privileged = is_privileged(self)
        for name, value in vals.items():
            rule = self._crm_policy_rule(name)
            if rule is None:
                continue
            field = self._fields[name]
            check_value(self.env, field, value, rule)
            if privileged:
                continue
            if rule.owner == "method":
                if creating and self._crm_creation_allows(rule, value):
                    continue
                raise UserError(
                    self.env._(
                        "%(field)s of %(model)s cannot be written directly: %(hint)s",
                        field=field_label(self.env, field),
                        model=model_label(self.env, self._name),
                        hint=rule.hint_text(self.env),
                    )
                )
            if creating and rule.create is False:
                raise UserError(
                    self.env._(
                        "%(field)s of %(model)s is not set at creation.",
                        field=field_label(self.env, field),
                        model=model_label(self.env, self._name),
                    )
                )
            if (
                rule.groups
                # a form sends the defaults of every field it shows when it
                # creates a record (and copy() the copied values): an empty value
                # or the field's default sets nothing the user could not have
                # had by leaving the field out
                and not (creating and (not value or self._crm_is_default(field, value)))
                and not any(self.env.user.has_group(g) for g in rule.groups)
            ):
                raise AccessError(
                    self.env._(
                        "You may not change %(field)s of %(model)s.",
                        field=field_label(self.env, field),
                        model=model_label(self.env, self._name),
                    )
                )
            if rule.states and not creating:
                state_field = self._crm_state_field
                for record in self:
                    if record[state_field] not in rule.states:
                        raise UserError(
                            self.env._(
                                "%(field)s of %(record)s cannot be changed in this state "
                                "(%(state)s).",
                                field=field_label(self.env, field),
                                record=record.display_name,
                                state=dict(
                                    self._fields[state_field]._description_selection(self.env)
                                ).get(record[state_field], record[state_field]),
                            )
                        )

    def _crm_is_default(self, field, value):
        """Whether ``value`` is the field's own default (the one Odoo gives a
        new record without a ``default_`` context key)."""
        if not field.default:
            return False
        default = field.default(self.browse())
        if field.type == "many2one" and isinstance(default, models.BaseModel):
            default = default.id
        return default == value

    def _crm_creation_allows(self, rule, value):
        return rule.create is True or (isinstance(rule.create, tuple) and value in rule.create)

    def _crm_context_defaults(self):
        """``(records, defaults)``: ``self`` without the ``default_<field>``
        context keys of owned fields a caller may not set (Odoo would apply them
        after this check: they are dropped, as a form's readonly field is), and
        the remaining defaults of the policy's fields, to check like values."""
        context = self.env.context
        keys = [key for key in context if isinstance(key, str) and key.startswith("default_")]
        if not keys:
            return self, {}
        privileged = is_privileged(self)
        dropped, defaults = [], {}
        for key in keys:
            rule = self._crm_policy_rule(key[8:])
            if rule is None:
                continue
            value = context[key]
            if (
                not privileged
                and rule.owner == "method"
                and not self._crm_creation_allows(rule, value)
            ):
                dropped.append(key)
            else:
                defaults[key[8:]] = value
        if dropped:
            # the keys must go, not be set to None (Odoo would apply None as the
            # default): only a whole new context removes them
            clean = {k: v for k, v in context.items() if k not in dropped}
            self = self.with_context(clean)  # noqa: PLW0642  # pylint: disable=context-overridden
        return self, defaults

    @api.model_create_multi
    def create(self, vals_list):
        # model access first: a user without it gets Odoo's AccessError
        self.browse().check_access("create")
        records, defaults = self._crm_context_defaults()
        for vals in vals_list:
            if defaults and isinstance(vals, dict):
                vals_and_defaults = {k: v for k, v in defaults.items() if k not in vals}
                vals_and_defaults.update(vals)
            else:
                vals_and_defaults = vals
            records._crm_check_policy(vals_and_defaults, creating=True)
        return super(CrmWritePolicyMixin, records).create(vals_list)

    def write(self, vals):
        if not self:
            # Odoo writes nothing and checks nothing on no record (its flows
            # call write() on empty recordsets, e.g. cancelling no invoice)
            return super().write(vals)
        self.browse().check_access("write")
        self._crm_check_policy(vals, creating=False)
        return super().write(vals)
