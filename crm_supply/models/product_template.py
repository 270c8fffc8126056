from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    qty_reserved_proforma = fields.Float(
        string="Reserved by Proformas",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        groups="base.group_user",
    )
    qty_free_to_sell = fields.Float(
        string="Free to Sell",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        help="The variants' free-to-sell quantities added up (see the variant's field).",
        groups="base.group_user",
    )

    # the context keys _free_to_sell_terms reads, as Odoo's _compute_quantities
    @api.depends_context(
        "lot_id", "owner_id", "package_id", "location", "warehouse_id", "allowed_company_ids"
    )
    def _compute_qty_free_to_sell(self):
        figures = self._template_free_to_sell()
        for template in self:
            template.qty_reserved_proforma, template.qty_free_to_sell = figures.get(
                template.id, (0.0, 0.0)
            )

    def write(self, vals):
        if isinstance(vals, dict) and "uom_id" in vals:
            self._check_unit_of_reserved_products(vals["uom_id"])
        return super().write(vals)

    def _check_unit_of_reserved_products(self, uom):
        """Refuse to change the unit of measure of these templates while
        proformas hold one of their variants: a reservation's quantity is in
        its product's unit (``product_uom_id``) and would be read in the new
        one (24 Units held as 24 Dozens), by the figures and the policy. As
        Odoo's stock refuses the change once the product has stock moves
        (which a product quoted and reserved before its first receipt does
        not have yet); once the stock is released, the unit may change."""
        new_uom = self.env["uom.uom"].browse(uom)
        changed = self.filtered(lambda template: template.uom_id != new_uom)
        if not changed:
            return
        self.env["sale.stock.reservation"]._refuse_while_held(
            [
                (
                    "product_id",
                    "in",
                    changed.with_context(active_test=False).product_variant_ids.ids,
                ),
            ],
            lambda **names: self.env._(
                "The unit of measure of %(products)s cannot be changed: proformas hold it "
                "in its current unit (%(orders)s). Release their stock first.",
                **names,
            ),
        )

    def _template_free_to_sell(self, exclude_orders=None):
        """{template id: (reserved by proformas, free to sell)}: the figures of
        the templates' active storable variants added up, read for all of them
        at once (``exclude_orders``: as for the variants' figures). Archived
        variants do not count (unless the context's ``active_test`` is off), as
        in Odoo's On Hand of the template (``product_variant_ids``): they cannot
        be put on an order."""
        templates = self._origin
        if not templates:
            return {}
        # the storable variants, found from the templates' ids on both sides of
        # the join: on the variant's related is_storable alone, PostgreSQL may
        # read every template of the catalogue
        storable = [("id", "in", templates.ids), ("is_storable", "=", True)]
        variants = self.env["product.product"].search_fetch(
            [("product_tmpl_id", "in", templates.ids), ("product_tmpl_id", "any", storable)],
            ["product_tmpl_id"],
            order="id",
        )
        figures = variants._free_to_sell_figures(exclude_orders) if variants else {}
        result = {}
        for variant in variants:
            held, free = figures[variant.id]
            total = result.get(variant.product_tmpl_id.id, (0.0, 0.0))
            result[variant.product_tmpl_id.id] = (total[0] + held, total[1] + free)
        return result

    # the label's keys, and those its figures read (_free_to_sell_terms), as
    # the figures' own compute
    @api.depends_context(
        "crm_supply_stock_label",
        "crm_supply_company_id",
        "crm_supply_order_id",
        "lot_id",
        "owner_id",
        "package_id",
        "location",
        "warehouse_id",
        "allowed_company_ids",
    )
    def _compute_display_name(self):
        super()._compute_display_name()
        if not self.env.context.get("crm_supply_stock_label"):
            return
        Product = self.env["product.product"]
        scoped, exclude_orders = Product._free_to_sell_label_scope(self.filtered("id"))
        figures = scoped._template_free_to_sell(exclude_orders) if scoped else {}
        self.env["product.product"]._free_to_sell_label(self, figures)
