from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import LazyTranslate

from odoo.addons.crm_suite_base.models.policy import FREE, owned, writable

from .crm_evaluation_sheet_line import MAX_QUANTITY

_lt = LazyTranslate(__name__)


class ProductRecipeLine(models.Model):
    """One component of a product's recipe: ``quantity`` of ``product_id``
    (expressed in ``uom_id``) per one unit of the parent product."""

    _name = "product.recipe.line"
    _description = "Product Recipe Line"
    _inherit = ["crm.write.policy.mixin"]
    _order = "product_tmpl_id, sequence, id"
    # a component is sold on the quotations of the parent's company: one of its
    # products, or a product shared by every company (as a bill of materials')
    _check_company_auto = True
    # Odoo's access rights keep recipes to sales managers
    _crm_write_policy = {
        "product_tmpl_id": FREE,
        "sequence": FREE,
        "product_id": FREE,
        "quantity": writable(bounds=(0, MAX_QUANTITY)),
        "uom_id": FREE,
        "note": FREE,
        "company_id": owned(_lt("the parent product's company.")),
    }

    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Parent Product",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        string="Component",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        # archived components stay visible on the recipe (flagged)
        context={"active_test": False},
        domain="[('type', '!=', 'combo')]",
    )
    quantity = fields.Float(
        required=True,
        default=1.0,
        digits="Product Unit of Measure",
        help="Quantity of the component for one unit of the parent product.",
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit of Measure",
        compute="_compute_uom_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        domain="[('category_id', '=', product_uom_category_id)]",
    )
    product_uom_category_id = fields.Many2one(related="product_id.uom_id.category_id")
    note = fields.Char()
    component_active = fields.Boolean(
        related="product_id.active",
        string="Component Active",
        help="Unchecked when the component is archived: the recipe needs a review.",
    )
    company_id = fields.Many2one(related="product_tmpl_id.company_id", store=True, index=True)

    _sql_constraints = [
        (
            "quantity_positive",
            "CHECK(quantity > 0)",
            "The quantity of a recipe component must be positive.",
        ),
    ]

    @api.depends("product_id")
    def _compute_uom_id(self):
        for line in self:
            if not line.uom_id or line.uom_id.category_id != line.product_id.uom_id.category_id:
                line.uom_id = line.product_id.uom_id

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(
                    self.env._(
                        "The quantity of %(component)s in the recipe of %(product)s "
                        "must be positive.",
                        component=line.product_id.display_name,
                        product=line.product_tmpl_id.display_name,
                    )
                )

    @api.constrains("product_id")
    def _check_no_combo(self):
        """A combo product is not a component: its items are chosen on the
        quotation, which a recipe does not choose (the quotation would sell the
        combo line alone)."""
        for line in self:
            if line.product_id.type == "combo":
                raise ValidationError(
                    self.env._(
                        "%(product)s is a combo product: put the products it combines in "
                        "the recipe of %(parent)s instead.",
                        product=line.product_id.display_name,
                        parent=line.product_tmpl_id.display_name,
                    )
                )

    @api.constrains("uom_id", "product_id")
    def _check_uom_category(self):
        for line in self:
            if line.uom_id.category_id != line.product_id.uom_id.category_id:
                raise ValidationError(
                    self.env._(
                        "The unit %(uom)s of %(component)s in the recipe of %(product)s "
                        "is not in the category of the component's unit (%(category)s).",
                        uom=line.uom_id.name,
                        component=line.product_id.display_name,
                        product=line.product_tmpl_id.display_name,
                        category=line.product_id.uom_id.category_id.name,
                    )
                )

    @api.constrains("product_id", "product_tmpl_id")
    def _check_recipe_cycle(self):
        for template in self.product_tmpl_id:
            cycle = template._find_recipe_cycle()
            if cycle:
                raise ValidationError(
                    self.env._(
                        "A recipe cannot contain its own product, directly or through "
                        "other recipes: %(cycle)s.",
                        cycle=" → ".join(t.display_name for t in cycle),
                    )
                )

    def _component_qty(self, parent_qty):
        """Quantity of the component, in the component's own unit, for
        ``parent_qty`` units (in the parent's unit) of the parent product,
        rounded up to the precision of the component's unit as Manufacturing
        rounds a component's quantity (``mrp.bom.explode``): a component needed
        in less than that precision is quoted, not dropped (1 g of a product
        sold by the kg with 0.01 precision is 0.01 kg, not 0)."""
        self.ensure_one()
        return self.uom_id._compute_quantity(
            self.quantity * parent_qty, self.product_id.uom_id, rounding_method="UP"
        )
