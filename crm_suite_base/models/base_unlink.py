from odoo import models

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG


class Base(models.AbstractModel):
    """Odoo skips every ``@api.ondelete(at_uninstall=False)`` check (a posted
    entry, an activated contract, a finalized sheet...) when the context holds
    its uninstall flag, ``_force_unlink``, and any caller can put it in the
    context of an XML-RPC or JSON-RPC call. Uninstalling a module is for
    administrators (``ir.model.data._module_data_uninstall`` checks it), so the
    flag counts only for them and for server code running as superuser: for
    everyone else it is dropped before the deletion's checks run."""

    _inherit = "base"
    # every model's class: not one that makes a model the suite's
    # (crm.write.policy._suite_classes)
    _crm_suite_model = False

    def unlink(self):
        if self.env.context.get(MODULE_UNINSTALL_FLAG) and not self.env.is_system():
            self = self.with_context(**{MODULE_UNINSTALL_FLAG: False})
        return super().unlink()
