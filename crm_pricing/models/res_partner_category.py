from odoo import api, models


class ResPartnerCategory(models.Model):
    _inherit = "res.partner.category"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_pricing_rules(self):
        """A client group's pricing rules are deleted with its tag, and with the
        tags under it (both ``ondelete="cascade"``): by who may delete those
        rules only (``product.pricelist.item._check_unlink_rules_of``)."""
        # sudo: the tags under these ones, which the database deletes with them
        tags = self.sudo().with_context(active_test=False).search([("id", "child_of", self.ids)])
        self.env["product.pricelist.item"]._check_unlink_rules_of(
            "partner_category_id", tags.with_env(self.env)
        )
