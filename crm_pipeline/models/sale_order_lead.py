from odoo import api, models

from odoo.addons.crm_suite_base.models.policy import is_privileged

# marks a copy keeping its original's lead (an object: no caller can send it)
_KEPT_KEY = "crm_pipeline_copy_keeps_lead"
_KEPT = object()


class SaleOrder(models.Model):
    # the quotation's lead kept apart from the offer's approval on purpose
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _check_opportunity_writable(self, lead_ids):
        """A quotation linked to a lead changes that lead: its Offer &
        negotiation gate counts the quotations sent or confirmed on it, and its
        revenue follows them. Linking one needs write access on the lead
        (``AccessError``), as filing an interaction, a task, a sheet or a
        contract on it does: the lead's salesperson, the holder of its open
        step, a sales manager. Checked before anything is written; taking a
        quotation off its lead stays allowed. The suite's own flows (a
        quotation generated from a sheet, a revision) link it through
        ``privileged``. Values that are not ids are left to the ORM."""
        if is_privileged(self) or self.env.context.get(_KEPT_KEY) is _KEPT:
            return
        self.env["crm.lead"]._crm_check_writable(lead_ids)

    @api.model_create_multi
    def create(self, vals_list):
        # Odoo's New Quotation on a lead gives the lead as a default of the
        # context (sale_crm's _prepare_opportunity_quotation_context)
        default = self.env.context.get("default_opportunity_id")
        self._check_opportunity_writable(
            [vals["opportunity_id"] if "opportunity_id" in vals else default for vals in vals_list]
        )
        return super().create(vals_list)

    def copy(self, default=None):
        """Odoo's Duplicate keeps the quotation on its original's lead: that is
        no new link (whoever may copy the quotation may already work on it),
        so it needs no write access on a lead since given to another
        salesperson. A lead given in ``default`` is a new link, checked."""
        if default and "opportunity_id" in default:
            return super().copy(default)
        return super(SaleOrder, self.with_context(**{_KEPT_KEY: _KEPT})).copy(default)

    def write(self, vals):
        if vals.get("opportunity_id"):
            lead_id = vals["opportunity_id"]
            if any(order.opportunity_id.id != lead_id for order in self):
                self._check_opportunity_writable([lead_id])
        return super().write(vals)
