from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    recipe_line_ids = fields.One2many(
        "product.recipe.line",
        "product_tmpl_id",
        string="Recipe",
        copy=True,
        help="Components this product stands for on a quotation generated from an "
        "evaluation sheet, per one unit of this product.",
    )
    has_recipe = fields.Boolean(compute="_compute_has_recipe", store=True)
    recipe_has_archived_component = fields.Boolean(
        compute="_compute_recipe_has_archived_component",
        string="Recipe Has Archived Components",
    )

    @api.depends("recipe_line_ids")
    def _compute_has_recipe(self):
        for template in self:
            template.has_recipe = bool(template.recipe_line_ids)

    @api.depends("recipe_line_ids.component_active")
    def _compute_recipe_has_archived_component(self):
        for template in self:
            template.recipe_has_archived_component = any(
                not line.component_active for line in template.recipe_line_ids
            )

    def _find_recipe_cycle(self):
        """Return the templates of a recipe cycle starting at ``self`` as a
        list ``[self, ..., self]``, or an empty list when there is none."""
        self.ensure_one()
        # depth-first walk over the recipe graph, components of archived
        # products included (they may come back)
        Line = self.env["product.recipe.line"].with_context(active_test=False)
        path, on_path, done = [], set(), set()

        def visit(template):
            path.append(template)
            on_path.add(template.id)
            lines = Line.search([("product_tmpl_id", "=", template.id)])
            for child in lines.product_id.product_tmpl_id:
                if child.id in on_path:
                    return path[path.index(child) :] + [child]
                if child.id not in done:
                    found = visit(child)
                    if found:
                        return found
            path.pop()
            on_path.discard(template.id)
            done.add(template.id)
            return []

        return visit(self)
