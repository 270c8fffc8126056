from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import LazyTranslate

from odoo.addons.crm_suite_base.models.policy import FREE, owned

_lt = LazyTranslate(__name__)

# recipes of recipes: deeper than this is refused (and no walk recurses)
MAX_RECIPE_DEPTH = 50


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "crm.write.policy.mixin"]
    # Odoo's access rights keep products to product managers
    _crm_write_policy = {
        "recipe_line_ids": FREE,
        "recipe_pricing": FREE,
        "has_recipe": owned(_lt("follows the recipe.")),
    }

    recipe_line_ids = fields.One2many(
        "product.recipe.line",
        "product_tmpl_id",
        string="Recipe",
        copy=True,
        help="Components this product stands for on a quotation generated from an "
        "evaluation sheet, per one unit of this product.",
    )
    has_recipe = fields.Boolean(compute="_compute_has_recipe", store=True)
    recipe_pricing = fields.Selection(
        [
            ("components", "From the Components"),
            ("recipe", "At the Recipe Product's Price"),
        ],
        default="components",
        required=True,
        help="How an evaluation sheet item with this recipe is priced, on the sheet and "
        "on its quotation alike. From the components: the quotation lists the "
        "components at their own prices, and the sheet adds them up. At the recipe "
        "product's price: the quotation sells this product at its own price, with the "
        "components listed below it as a breakdown (notes), as on the sheet.",
    )
    recipe_has_archived_component = fields.Boolean(
        compute="_compute_recipe_has_archived_component",
        string="Recipe Has Archived Components",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_recipe_commands(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_recipe_commands(vals)
        return super().write(vals)

    @api.model
    def _check_recipe_commands(self, vals):
        """The recipe lines' policy applied to the lines created or updated
        through the product (``recipe_line_ids`` of ``vals``) before the
        product computes anything from them: an infinite or NaN quantity is a
        ``ValidationError`` there, not a failure of a computation."""
        commands = vals.get("recipe_line_ids") if isinstance(vals, dict) else None
        if not isinstance(commands, list | tuple):
            return
        Line = self.env["product.recipe.line"]
        for command in commands:
            if (
                isinstance(command, list | tuple)
                and len(command) == 3
                and command[0] in (0, 1)
                and isinstance(command[2], dict)
            ):
                Line._crm_check_policy(command[2], creating=command[0] == 0)

    @api.constrains("company_id")
    def _check_recipe_company(self):
        """A product moved to another company (or shared by every company)
        keeps its recipes consistent, as the recipe lines' own company check
        does when they are written: its recipe holds only products of its new
        company or shared ones, and the recipes that hold it are of its new
        company (any, when it is shared). Odoo's company check
        (``UserError``)."""
        # sudo: the recipes of every company that hold the products, whichever
        # the user may read
        lines = (
            self.env["product.recipe.line"]
            .sudo()
            .search(
                [
                    "|",
                    ("product_tmpl_id", "in", self.ids),
                    ("product_id.product_tmpl_id", "in", self.ids),
                ]
            )
        )
        lines._check_company(["product_id"])

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
        list ``[self, ..., self]``, or an empty list when there is none.

        An iterative depth-first walk over the recipe graph (components of
        archived products included: they may come back), so that no nesting
        exhausts Python's recursion; recipes nesting deeper than
        ``MAX_RECIPE_DEPTH`` levels are refused with a ``ValidationError``.
        """
        self.ensure_one()
        Line = self.env["product.recipe.line"].with_context(active_test=False)
        children = {}

        def components(template):
            if template.id not in children:
                lines = Line.search([("product_tmpl_id", "=", template.id)])
                children[template.id] = lines.product_id.product_tmpl_id
            return children[template.id]

        path, on_path, done = [self], {self.id}, set()
        stack = [iter(components(self))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                finished = path.pop()
                on_path.discard(finished.id)
                done.add(finished.id)
                continue
            if child.id in on_path:
                return path[path.index(child) :] + [child]
            if child.id in done:
                continue
            if len(path) >= MAX_RECIPE_DEPTH:
                raise ValidationError(
                    self.env._(
                        "The recipe of %(product)s nests more than %(max)s levels of "
                        "recipes: flatten it.",
                        product=self.display_name,
                        max=MAX_RECIPE_DEPTH,
                    )
                )
            path.append(child)
            on_path.add(child.id)
            stack.append(iter(components(child)))
        return []
