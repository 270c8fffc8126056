from odoo import models

from ..models.crm_lead_duplicate import merging_away


class CrmLead2OpportunityPartner(models.TransientModel):
    _inherit = "crm.lead2opportunity.partner"

    def _action_merge(self):
        # Odoo merges the leads with auto_unlink=False and deletes the merged
        # ones right after: as the merge wizard's merge, the surviving lead
        # takes a merged lead's tax ID under "One lead per tax ID" (the
        # duplicated leads are all merged into one and the others deleted)
        with merging_away(self.duplicated_lead_ids):
            return super()._action_merge()
