from odoo import api, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model_create_multi
    def create(self, vals_list):
        # the recipe is the template's: its lines checked before anything is
        # computed from them (``product.template._check_recipe_commands``)
        for vals in vals_list:
            self.env["product.template"]._check_recipe_commands(vals)
        return super().create(vals_list)

    def write(self, vals):
        self.env["product.template"]._check_recipe_commands(vals)
        return super().write(vals)
