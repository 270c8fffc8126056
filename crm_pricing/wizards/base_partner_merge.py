from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """The merged contacts' pricing rules move to the kept one: checked as
        the user before anything is merged
        (``product.pricelist.item._check_merge_rules_of``)."""
        partners = self.env["res.partner"].browse(partner_ids).exists()
        if len(partners) >= 2:
            # the contacts Odoo's _merge merges into the kept one, chosen the same way
            if dst_partner and dst_partner in partners:
                kept, src_partners = dst_partner, partners - dst_partner
            else:
                ordered = self._get_ordered_partner(partners.ids)
                kept, src_partners = ordered[-1], ordered[:-1]
            self.env["product.pricelist.item"]._check_merge_rules_of(src_partners, kept)
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
