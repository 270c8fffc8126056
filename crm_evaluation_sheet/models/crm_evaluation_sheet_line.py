import math

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import LazyTranslate, float_repr, float_round

from odoo.addons.crm_suite_base.models.policy import FREE, NUMBER_MAX, owned, writable

_lt = LazyTranslate(__name__)

#: Largest quantity of an item or of a recipe component.
MAX_QUANTITY = 1e9
_OPEN = ("draft", "in_progress")
_PRICED = _lt("priced from the sheet's pricelist (Update Prices).")


class CrmEvaluationSheetLine(models.Model):
    """An item of an evaluation sheet: a product or service and its quantity,
    priced by the sheet's pricelist exactly as a quotation line would be."""

    _name = "crm.evaluation.sheet.line"
    _description = "Evaluation Sheet Item"
    _inherit = ["crm.write.policy.mixin"]
    _order = "sheet_id, sequence, id"
    _check_company_auto = True
    # ``state`` is the sheet's: a finalized or cancelled sheet's items are kept
    # (``_check_sheet_editable`` also holds for creating, moving and deleting them)
    _crm_write_policy = {
        "sheet_id": FREE,
        "sequence": writable(states=_OPEN),
        "product_id": writable(states=_OPEN),
        "product_uom_qty": writable(states=_OPEN, bounds=(0, MAX_QUANTITY)),
        "product_uom_id": writable(states=_OPEN),
        "company_id": owned(_lt("the sheet's company.")),
        "price_unit": owned(_PRICED),
        "component_prices": owned(_PRICED),
        "price_subtotal": owned(_lt("the unit price times the quantity.")),
    }

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
    # an item priced from its recipe's components: {recipe line id: unit price
    # of its component}, what the quotation of the finalized sheet sells it at
    component_prices = fields.Json(compute="_compute_price_unit", store=True, precompute=True)
    price_subtotal = fields.Monetary(
        string="Subtotal",
        compute="_compute_price_subtotal",
        store=True,
        precompute=True,
        help="Taxes excluded, as the quotation line's subtotal: the unit price "
        "includes the taxes included in the product's price.",
    )
    has_recipe = fields.Boolean(related="product_id.product_tmpl_id.has_recipe")
    recipe_pricing = fields.Selection(related="product_id.product_tmpl_id.recipe_pricing")
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
        "product_id.product_tmpl_id.recipe_pricing",
        "sheet_id.pricelist_id",
        "sheet_id.currency_id",
        "sheet_id.date",
        "sheet_id.partner_id",
    )
    def _compute_price_unit(self):
        for line in self:
            if line._keeps_prices():
                continue
            if not line.product_id or not line.product_uom_id:
                line.price_unit = 0.0
                line.component_prices = False
                continue
            components = line._priced_components()
            if components is None:
                line.price_unit = line._catalogue_price(
                    line.product_id, line.product_uom_qty or 1.0, line.product_uom_id
                )
                line.component_prices = False
            else:
                # the quotation sells the components: the item's unit price is
                # what they add up to, per unit of the item
                subtotal = sum(line._round(price * qty) for _rl, qty, price in components)
                line.price_unit = subtotal / line.product_uom_qty if line.product_uom_qty else 0.0
                # kept with it, for the quotation of the finalized sheet
                line.component_prices = {str(rl.id): price for rl, _qty, price in components}

    def _keeps_prices(self):
        """Whether the item keeps its stored prices: a finalized or cancelled
        sheet's (its prices are those it was finalized with; a product's
        recipe pricing changing does not re-price it). A draft or in-progress
        sheet follows; Update Prices and Reset to Draft re-price it."""
        self.ensure_one()
        return bool(self.id) and self.sheet_id.state not in _OPEN

    def _uses_component_prices(self):
        self.ensure_one()
        template = self.product_id.product_tmpl_id
        return bool(template.recipe_line_ids) and template.recipe_pricing == "components"

    def _priced_components(self):
        """(recipe line, quantity, unit price) of each component this item becomes
        on the quotation when it is priced from its components, else None."""
        self.ensure_one()
        if not self._uses_component_prices() or not self.product_uom_id:
            return None
        template = self.product_id.product_tmpl_id
        parent_qty = self.product_uom_id._compute_quantity(
            self.product_uom_qty, template.uom_id, round=False
        )
        result = []
        for recipe_line in template.recipe_line_ids:
            qty = recipe_line._component_qty(parent_qty)
            product = recipe_line.product_id
            result.append((recipe_line, qty, self._catalogue_price(product, qty, product.uom_id)))
        return result

    def _catalogue_price(self, product, qty, uom):
        """Unit price of ``product`` as a quotation line of this sheet gets it: the
        same pricing a quotation line goes through (every rule of the pricelist:
        quantity breaks, dates, formulas, categories), rounded like a line's price.
        The customer, its payment term in the sheet's company (the quotation's)
        and the company let crm_pricing's client rules apply; Odoo's pricelist
        ignores keyword arguments it does not know (``_compute_price_rule``)."""
        self.ensure_one()
        sheet = self.sheet_id
        company = self.company_id or self.env.company
        product = product.with_company(company)
        partner = sheet.partner_id.with_company(company)
        price = sheet.pricelist_id.with_company(company)._get_product_price(
            product,
            qty or 1.0,
            currency=sheet.currency_id or company.currency_id,
            uom=uom,
            date=sheet.date,
            partner=sheet.partner_id,
            payment_term=partner.property_payment_term_id,
            company=company,
        )
        price = product._get_tax_included_unit_price_from_price(
            price,
            product_taxes=product.taxes_id._filter_taxes_by_company(company),
            fiscal_position=self._fiscal_position(),
        )
        digits = self.env["decimal.precision"].precision_get("Product Price")
        return float_round(price, precision_digits=digits)

    def _fiscal_position(self):
        """The fiscal position the quotation of the sheet's customer gets."""
        self.ensure_one()
        company = self.company_id or self.env.company
        FiscalPosition = self.env["account.fiscal.position"].with_company(company)
        partner = self.sheet_id.partner_id
        return FiscalPosition._get_fiscal_position(partner) if partner else FiscalPosition

    def _line_subtotal(self, product, price_unit, qty):
        """Untaxed subtotal of a quotation line selling ``qty`` ``product`` at
        ``price_unit`` (``_catalogue_price``: taxes included when the product's
        taxes include them), as ``sale.order.line._compute_amount`` computes it:
        the product's taxes of the company mapped by the fiscal position."""
        self.ensure_one()
        company = self.company_id or self.env.company
        taxes = product.taxes_id._filter_taxes_by_company(company)
        if taxes:
            taxes = self._fiscal_position().map_tax(taxes)
        currency = self.currency_id or company.currency_id
        Tax = self.env["account.tax"]
        base_line = Tax._prepare_base_line_for_taxes_computation(
            None,
            product_id=product,
            tax_ids=taxes,
            price_unit=price_unit,
            quantity=qty,
            currency_id=currency,
            partner_id=self.sheet_id.partner_id,
        )
        Tax._add_tax_details_in_base_line(base_line, company)
        return self._round(base_line["tax_details"]["total_excluded_currency"])

    def _round(self, amount):
        return self.currency_id.round(amount) if self.currency_id else amount

    @api.depends("price_unit", "product_uom_qty", "currency_id")
    def _compute_price_subtotal(self):
        for line in self:
            if line._keeps_prices():
                continue
            components = line._priced_components() if line.product_id else None
            if components is None:
                line.price_subtotal = (
                    line._line_subtotal(line.product_id, line.price_unit, line.product_uom_qty)
                    if line.product_id
                    else 0.0
                )
            else:
                # exactly the quotation's: the sum of the component lines' subtotals
                line.price_subtotal = sum(
                    line._line_subtotal(rl.product_id, price, qty) for rl, qty, price in components
                )

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

    @api.constrains("price_unit", "price_subtotal")
    def _check_amounts(self):
        for line in self:
            if not all(
                math.isfinite(amount) and abs(amount) < NUMBER_MAX
                for amount in (line.price_unit, line.price_subtotal)
            ):
                raise ValidationError(
                    self.env._(
                        "The price of %(qty)s %(product)s on an evaluation sheet is out of "
                        "range: check the quantity and the product's price.",
                        qty=line.product_uom_qty,
                        product=line.product_id.display_name,
                    )
                )

    def _check_component_qty(self, recipe_line, qty):
        """``qty`` of a recipe component on the quotation, or a ``UserError``
        when the recipe makes it more than a quotation line holds."""
        self.ensure_one()
        if not math.isfinite(qty) or qty > MAX_QUANTITY:
            raise UserError(
                self.env._(
                    "%(item)s needs %(qty)s of %(component)s, more than %(max)s: lower the "
                    "quantity of the item or of the recipe.",
                    item=self._get_section_name(),
                    qty=format(qty, ",.0f"),
                    component=recipe_line.product_id.display_name,
                    max=format(MAX_QUANTITY, ",.0f"),
                )
            )
        return qty

    @api.model_create_multi
    def create(self, vals_list):
        sheet_ids = {
            vals["sheet_id"]
            for vals in vals_list
            if isinstance(vals, dict) and _is_id(vals.get("sheet_id"))
        }
        self._check_sheet_editable(self.env["crm.evaluation.sheet"].browse(sheet_ids))
        return super().create(vals_list)

    def write(self, vals):
        self._check_sheet_editable(self.sheet_id)
        if isinstance(vals, dict) and _is_id(vals.get("sheet_id")):
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


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
