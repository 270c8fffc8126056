import math

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_repr


class CrmEvaluationSheetLine(models.Model):
    """An item of an evaluation sheet: a product or service and its quantity,
    priced by the sheet's pricelist exactly as a quotation line would be."""

    _name = "crm.evaluation.sheet.line"
    _description = "Evaluation Sheet Item"
    _order = "sheet_id, sequence, id"
    _check_company_auto = True

    sheet_id = fields.Many2one(
        "crm.evaluation.sheet",
        string="Evaluation Sheet",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="sheet_id.company_id", store=True, index=True)
    state = fields.Selection(related="sheet_id.state")
    currency_id = fields.Many2one(related="sheet_id.currency_id")
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        check_company=True,
        domain="[('sale_ok', '=', True)]",
    )
    product_uom_category_id = fields.Many2one(related="product_id.uom_id.category_id")
    product_uom_qty = fields.Float(
        string="Quantity", digits="Product Unit of Measure", required=True, default=1.0
    )
    product_uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_product_uom_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        domain="[('category_id', '=', product_uom_category_id)]",
    )
    price_unit = fields.Float(
        string="Unit Price",
        digits="Product Price",
        compute="_compute_price_unit",
        store=True,
        precompute=True,
        help="Price of the sheet's pricelist for this quantity, as on a quotation.",
    )
    price_subtotal = fields.Monetary(
        string="Subtotal", compute="_compute_price_subtotal", store=True, precompute=True
    )
    has_recipe = fields.Boolean(related="product_id.product_tmpl_id.has_recipe")
    components_preview = fields.Text(
        string="Components",
        compute="_compute_components_preview",
        help="The quotation lines this item becomes, for its quantity.",
    )

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            if (
                not line.product_uom_id
                or line.product_uom_id.category_id != line.product_id.uom_id.category_id
            ):
                line.product_uom_id = line.product_id.uom_id

    @api.depends(
        "product_id",
        "product_uom_qty",
        "product_uom_id",
        "sheet_id.pricelist_id",
        "sheet_id.currency_id",
        "sheet_id.date",
        "sheet_id.partner_id",
    )
    def _compute_price_unit(self):
        FiscalPosition = self.env["account.fiscal.position"]
        for line in self:
            if not line.product_id or not line.product_uom_id:
                line.price_unit = 0.0
                continue
            sheet = line.sheet_id
            line = line.with_company(line.company_id)
            # the same pricing a quotation line goes through: every rule of the
            # pricelist applies (quantity breaks, dates, formulas, categories);
            # the customer lets client-specific rules (crm_pricing) apply, and
            # Odoo's own pricing ignores it
            price = sheet.pricelist_id._get_product_price(
                line.product_id,
                line.product_uom_qty or 1.0,
                currency=sheet.currency_id or line.company_id.currency_id,
                uom=line.product_uom_id,
                date=sheet.date,
                partner=sheet.partner_id,
            )
            fiscal_position = (
                FiscalPosition._get_fiscal_position(sheet.partner_id)
                if sheet.partner_id
                else FiscalPosition
            )
            line.price_unit = line.product_id._get_tax_included_unit_price_from_price(
                price,
                product_taxes=line.product_id.taxes_id.filtered(
                    lambda tax, company=line.company_id: tax.company_id == company
                ),
                fiscal_position=fiscal_position,
            )

    @api.depends("price_unit", "product_uom_qty", "currency_id")
    def _compute_price_subtotal(self):
        for line in self:
            subtotal = line.price_unit * line.product_uom_qty
            line.price_subtotal = line.currency_id.round(subtotal) if line.currency_id else subtotal

    @api.depends("product_id", "product_uom_qty", "product_uom_id")
    def _compute_components_preview(self):
        for line in self:
            template = line.product_id.product_tmpl_id
            if not template.recipe_line_ids or not line.product_uom_id:
                line.components_preview = False
                continue
            parent_qty = line.product_uom_id._compute_quantity(
                line.product_uom_qty, template.uom_id, round=False
            )
            rows = []
            for recipe_line in template.recipe_line_ids:
                qty = recipe_line._component_qty(parent_qty)
                rows.append(
                    f"{_format_qty(qty, recipe_line.product_id.uom_id)} "
                    f"{recipe_line.product_id.uom_id.name} {recipe_line.product_id.display_name}"
                    + ("" if recipe_line.product_id.active else " (archived)")
                )
            line.components_preview = "\n".join(rows)

    @api.constrains("product_uom_qty")
    def _check_product_uom_qty(self):
        for line in self:
            if line.product_uom_qty < 0:
                raise ValidationError(
                    self.env._(
                        "The quantity of %(product)s on an evaluation sheet cannot be negative.",
                        product=line.product_id.display_name,
                    )
                )

    @api.constrains("product_uom_id", "product_id")
    def _check_uom_category(self):
        for line in self:
            if line.product_uom_id.category_id != line.product_id.uom_id.category_id:
                raise ValidationError(
                    self.env._(
                        "The unit %(uom)s does not fit %(product)s (category %(category)s).",
                        uom=line.product_uom_id.name,
                        product=line.product_id.display_name,
                        category=line.product_id.uom_id.category_id.name,
                    )
                )

    def _get_section_name(self):
        """Name of the quotation chapter of this item: "<item> × <qty> <unit>"."""
        self.ensure_one()
        return self.env._(
            "%(item)s × %(qty)s %(uom)s",
            item=self.product_id.display_name,
            qty=_format_qty(self.product_uom_qty, self.product_uom_id),
            uom=self.product_uom_id.name,
        )

    # ------------------------------------------------------------------
    # A finalized or cancelled sheet is locked
    # ------------------------------------------------------------------

    def _check_sheet_editable(self, sheets):
        locked = sheets.filtered(lambda s: s.state in ("finalized", "cancelled"))
        if locked:
            raise UserError(
                self.env._(
                    "Evaluation sheet %(name)s is %(state)s: set it back in progress "
                    "to change its items.",
                    name=locked[0].name,
                    state=dict(locked._fields["state"]._description_selection(self.env))[
                        locked[0].state
                    ],
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_quantity(self.env, vals.get("product_uom_qty"), self.env._("an item"))
        sheet_ids = {vals.get("sheet_id") for vals in vals_list if vals.get("sheet_id")}
        self._check_sheet_editable(self.env["crm.evaluation.sheet"].browse(sheet_ids))
        return super().create(vals_list)

    def write(self, vals):
        check_quantity(self.env, vals.get("product_uom_qty"), self.env._("an item"))
        self._check_sheet_editable(self.sheet_id)
        if vals.get("sheet_id"):
            self._check_sheet_editable(self.env["crm.evaluation.sheet"].browse(vals["sheet_id"]))
        return super().write(vals)

    def unlink(self):
        self._check_sheet_editable(self.sheet_id)
        return super().unlink()


def _format_qty(qty, uom):
    """A quantity rounded to its unit, without useless trailing zeros."""
    digits = max(0, len(float_repr(uom.rounding or 0.01, 6).rstrip("0").split(".")[-1]))
    text = float_repr(qty, digits)
    return text.rstrip("0").rstrip(".") if "." in text else text


MAX_QUANTITY = 1e9


def check_quantity(env, value, what):
    """A quantity XML-RPC or the web client may send: finite, not negative, and
    below a billion, or a ``ValidationError`` (before anything is computed or
    stored: an infinite subtotal would fail in the database)."""
    if value in (None, False):
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(env._("The quantity of %(what)s must be a number.", what=what))
    if not math.isfinite(value) or value < 0 or value > MAX_QUANTITY:
        raise ValidationError(
            env._(
                "The quantity of %(what)s must be between 0 and %(max)s, not %(value)s.",
                what=what,
                max=f"{MAX_QUANTITY:,.0f}",
                value=value,
            )
        )
