from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """The merged contacts' pricing rules move to the kept one: checked as
        the user before anything is merged
        (``product.pricelist.item._check_merge_rules_of``), and once moved
        (Odoo's SQL update skips their checks), as a change of their client is:
        the kept contact is a client of their price list's company, or of none
        (their ``check_company``). A refusal fails the merge as a whole (the
        transaction is rolled back)."""
        Item = self.env["product.pricelist.item"]
        moved = Item.browse()
        partners = self.env["res.partner"].browse(partner_ids).exists()
        if len(partners) >= 2:
            # the contacts Odoo's _merge merges into the kept one, chosen the same way
            if dst_partner and dst_partner in partners:
                kept, src_partners = dst_partner, partners - dst_partner
            else:
                ordered = self._get_ordered_partner(partners.ids)
                kept, src_partners = ordered[-1], ordered[:-1]
            Item._check_merge_rules_of(src_partners, kept)
            moved = Item._rules_carried_by("partner_id", src_partners)
        res = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        if moved:
            # their client was set in SQL: read it again
            moved.invalidate_recordset(["partner_id"])
            # as the user, who may change these rules (checked above; the
            # superuser passes that check, not this one, as in a write)
            moved.with_env(self.env)._check_company(["partner_id"])
        return res
