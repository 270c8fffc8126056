from odoo import api, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_pricing_rules(self):
        """A category's pricing rules are deleted with it, and with the
        categories under it (both ``ondelete="cascade"``), which skips the
        rules' own deletion checks: Odoo lets product and inventory managers
        delete categories, a client's negotiated rules on them are deleted by
        sales managers only (``product.pricelist.item._check_rules_carried_by``;
        a category cannot be archived instead)."""
        # sudo: the categories under these ones, which the database deletes
        # with them
        categories = self.sudo().search([("id", "child_of", self.ids)])
        Item = self.env["product.pricelist.item"]

        def message(rules):
            # sudo (the rules'): the name of the category being deleted, or of
            # one under it
            return self.env._(
                "%(record)s has pricing rules, which would be deleted with it: only "
                "sales managers can delete it.",
                record=rules[:1].categ_id.display_name,
            )

        Item._check_rules_carried_by("categ_id", categories.with_env(self.env), "unlink", message)
