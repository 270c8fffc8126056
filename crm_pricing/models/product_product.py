from odoo import api, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_pricing_rules(self):
        """A variant's pricing rules are deleted with it (``ondelete="cascade"``):
        by who may delete them only, as a product's (``product.template``)."""
        self.env["product.pricelist.item"]._check_unlink_rules_of("product_id", self)
