from odoo import Command, fields, models

from odoo.addons.crm_suite_base.models.policy import FREE


class CrmLead(models.Model):
    # Competitors on the lead live apart from the activation extension of
    # crm.lead on purpose (one concern per file), hence the pylint exception.
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited
    _crm_write_policy = {"competitor_ids": FREE, "lost_competitor_id": FREE}

    competitor_ids = fields.Many2many(
        "crm.competitor",
        "crm_lead_competitor_rel",
        "lead_id",
        "competitor_id",
        string="Competitors",
        help="Competitors also bidding for this deal.",
    )
    lost_competitor_id = fields.Many2one(
        "crm.competitor",
        string="Lost To",
        tracking=True,
        index="btree_not_null",
        help="The competitor the customer chose when the deal was lost.",
    )

    def action_set_lost(self, **additional_values):
        """Odoo's method returns None, which XML-RPC cannot marshal: return True
        so that integrations can mark leads lost (with ``lost_competitor_id``
        among the values)."""
        res = super().action_set_lost(**additional_values)
        return True if res is None else res

    def toggle_active(self):
        """A lost deal brought back (*Restore*, ``action_unarchive``, Odoo's
        *Won* on a lost lead) is lost to nobody: Odoo clears its lost reason,
        the competitor it was lost to goes with it (else the deal, lost again
        to no competitor, would still count as lost to that one)."""
        res = super().toggle_active()
        restored = self.filtered(lambda lead: lead.active and lead.lost_competitor_id)
        if restored:
            restored.write({"lost_competitor_id": False})
        return res

    def _merge_get_fields_specific(self):
        """A merge keeps the competitors of every merged lead (as Odoo keeps
        their tags), archived ones included; the competitor the deal was lost
        to follows Odoo's lost reason: none when the surviving lead is still
        open, else the first one given."""
        return {
            **super()._merge_get_fields_specific(),
            "competitor_ids": lambda fname, leads: [
                Command.link(competitor.id)
                for competitor in leads.with_context(active_test=False).competitor_ids
            ],
            "lost_competitor_id": lambda fname, leads: (
                False
                if leads and leads[0].probability
                else next(
                    (lead.lost_competitor_id.id for lead in leads if lead.lost_competitor_id),
                    False,
                )
            ),
        }
