import ast

from odoo import api, models

_ALIAS_POLICY_FIELDS = {"alias_defaults", "alias_model_id"}


class MailAlias(models.Model):
    """The mail gateway creates a record from an alias' default values
    (``alias_defaults``) as superuser: they are checked by the write policy of
    the alias' model when a user sets them, as the same values given at
    creation (an owned field's default is refused, a value out of bounds
    too)."""

    _inherit = "mail.alias"

    @api.model_create_multi
    def create(self, vals_list):
        aliases = super().create(vals_list)
        if not self.env.su:
            aliases._crm_check_alias_defaults()
        return aliases

    def write(self, vals):
        res = super().write(vals)
        if not self.env.su and _ALIAS_POLICY_FIELDS & set(vals):
            self._crm_check_alias_defaults()
        return res

    def _crm_check_alias_defaults(self):
        mixin = self.pool["crm.write.policy.mixin"]
        for alias in self:
            # sudo: the model and the defaults only, to check them as the user
            model_name = alias.sudo().alias_model_id.model
            if not model_name or model_name not in self.env:
                continue
            model = self.env[model_name]
            if not isinstance(model, mixin):
                continue
            try:
                # as the mail gateway reads them
                defaults = dict(ast.literal_eval(alias.sudo().alias_defaults))
            except Exception:  # noqa: BLE001
                continue  # not a dictionary: Odoo's own check refuses it
            model._crm_check_policy(defaults, creating=True)


class MailAliasMixinOptional(models.AbstractModel):
    """A record that owns an alias (a sales team) writes the alias' fields
    given to it as superuser: its user's ``alias_defaults`` are checked as
    theirs."""

    _inherit = "mail.alias.mixin.optional"

    @api.model_create_multi
    def create(self, vals_list):
        given = [_ALIAS_POLICY_FIELDS & set(vals) for vals in vals_list]
        records = super().create(vals_list)
        if not self.env.su:
            checked = records.browse(
                [record.id for record, fields_ in zip(records, given, strict=True) if fields_]
            )
            checked._crm_check_alias_defaults()
        return records

    def write(self, vals):
        res = super().write(vals)
        if not self.env.su and _ALIAS_POLICY_FIELDS & set(vals):
            self._crm_check_alias_defaults()
        return res

    def _crm_check_alias_defaults(self):
        # the aliases as the user of this environment (not as superuser)
        self.env["mail.alias"].browse(self.sudo().alias_id.ids)._crm_check_alias_defaults()
