from odoo import models


class CrmSaleRevisionMixin(models.AbstractModel):
    """Hooks of a quotation that a new revision replaces, shared by the
    addons that revise quotations and those that keep something on them.

    ``crm_suite_base`` does not depend on ``sale``: an addon extending
    ``sale.order`` adds it (``_name = "sale.order"``, ``_inherit =
    ["sale.order", "crm.sale.revision.mixin"]``), the one that makes revisions
    to call the hook, the others to override it, without depending on each
    other.
    """

    _name = "crm.sale.revision.mixin"
    _description = "Suite quotation revisions"

    def _crm_hand_over_to(self, revision):
        """Hand over to ``revision`` what this quotation holds that its next
        revision must keep (crm_supply: its stock reservations).

        Called by the code that makes a revision (crm_evaluation_sheet's
        ``action_revise`` and the regeneration of a sheet's quotation) once the
        new quotation exists with its lines and before this one is cancelled,
        as the user who revises, on one quotation: ``self`` and ``revision``
        are single ``sale.order`` records. What is not handed over is left to
        the cancellation. Overrides call ``super()``; this one does nothing.
        """
        self.ensure_one()
        revision.ensure_one()
