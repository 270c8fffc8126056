import math

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import LazyTranslate, float_repr, float_round, formatLang, get_lang

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
    # ``state`` is the sheet's: a finalized or cancelled sheet's items are kept,
    # and so are those of a sheet an order of which is confirmed
    # (``_check_sheet_editable`` also holds for creating, moving and deleting them)
    _crm_write_policy = {
        "sheet_id": FREE,
        "sequence": writable(states=_OPEN),
        "product_id": writable(states=_OPEN),
        "product_uom_qty": writable(states=_OPEN, bounds=(0, MAX_QUANTITY)),
        "product_uom_id": writable(states=_OPEN),
        "company_id": owned(_lt("the sheet's company.")),
        "price_unit": owned(_PRICED),
        "discount": owned(_PRICED),
        "component_prices": owned(_PRICED),
        "recipe_snapshot": owned(
            _lt("the recipe the item was priced with, kept with its prices (Update Prices).")
        ),
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
        domain="[('sale_ok', '=', True), ('type', '!=', 'combo')]",
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
    discount = fields.Float(
        string="Discount (%)",
        digits="Discount",
        compute="_compute_price_unit",
        store=True,
        precompute=True,
        help="The discount a percentage rule of the pricelist shows on the quotation "
        "line (with Discounts on sales order lines): the unit price is then the price "
        "before it.",
    )
    # an item priced from its recipe's components: {recipe line id: unit price
    # of its component}, what the quotation of the finalized sheet sells it at
    component_prices = fields.Json(compute="_compute_price_unit", store=True, precompute=True)
    # the recipe the item was priced with (``_recipe_now``), kept with its
    # prices: the quotation of the finalized sheet is made of it, not of the
    # recipe as it is when the quotation is generated
    recipe_snapshot = fields.Json(
        string="Recipe as Priced",
        compute="_compute_recipe_snapshot",
        store=True,
        precompute=True,
    )
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
        "recipe_snapshot",
        "sheet_id.pricelist_id",
        "sheet_id.currency_id",
        "sheet_id.date",
        "sheet_id.partner_id",
    )
    def _compute_price_unit(self):
        # every item and recipe component of the batch priced together
        # (``_catalogue_prices``): the queries do not grow with the items. An
        # item is priced with the recipe it keeps (``recipe_snapshot``, taken
        # again with its product, quantity or unit, by Update Prices and Reset
        # to Draft), never the product's recipe of the day: a change of the
        # sheet's customer, pricelist or date prices the same components that
        # its preview shows and its quotation sells
        lines = self.filtered(lambda line: not line._keeps_prices())
        recipes = lines._component_recipes()
        plans, requests = [], []
        for line in lines:
            if not line.product_id or not line.product_uom_id:
                line.price_unit = line.discount = 0.0
                line.component_prices = False
                continue
            components = recipes[line]
            plans.append((line, components, len(requests)))
            if components is None:
                requests.append((line, line.product_id, line.product_uom_qty, line.product_uom_id))
            else:
                requests += [(line, product, qty, uom) for _rl_id, product, qty, uom in components]
        prices = self._catalogue_prices(requests)
        fiscal_positions = {}
        for line, components, start in plans:
            if components is None:
                line.price_unit, line.discount = prices[start]
                line.component_prices = False
                continue
            rows = prices[start : start + len(components)]
            # the quotation sells the components: the item's unit price is what
            # their lines add up to, taxes excluded (``_line_subtotal``, the
            # item's subtotal), per unit of the item
            fiscal_position = line._sheet_fiscal_position(
                line.sheet_id.partner_id, line.company_id or self.env.company, fiscal_positions
            )
            subtotal = sum(
                line._line_subtotal(product, price, qty, discount, fiscal_position)
                for (_rl_id, product, qty, _uom), (price, discount) in zip(
                    components, rows, strict=True
                )
            )
            line.price_unit = subtotal / line.product_uom_qty if line.product_uom_qty else 0.0
            line.discount = 0.0
            # kept with it, for the quotation of the finalized sheet: the unit
            # price, or [unit price, discount] when the pricelist shows a discount
            line.component_prices = {
                str(rl_id): [price, discount] if discount else price
                for (rl_id, *_component), (price, discount) in zip(components, rows, strict=True)
            }

    @api.depends(
        "product_id",
        "product_uom_qty",
        "product_uom_id",
        "product_id.product_tmpl_id.recipe_pricing",
    )
    def _compute_recipe_snapshot(self):
        # with the prices (the same triggers, and ``_recompute_prices``); an
        # item of a finalized or cancelled sheet keeps it, or takes the recipe
        # of the day when it had none (priced before the sheet kept it)
        for line in self:
            if line._keeps_prices() and line.recipe_snapshot:
                continue
            line.recipe_snapshot = line._recipe_now()

    def _recipe_now(self):
        """What the item becomes on a quotation with the product's recipe as it
        is now: ``{"pricing": the product's recipe pricing (False without a
        recipe), "components": [[recipe line id, component id, quantity for the
        item's quantity, in the component's unit, that unit's id], ...]}``;
        False without a product or a unit."""
        self.ensure_one()
        if not self.product_id or not self.product_uom_id:
            return False
        template = self.product_id.product_tmpl_id
        if not template.recipe_line_ids:
            return {"pricing": False, "components": []}
        parent_qty = self.product_uom_id._compute_quantity(
            self.product_uom_qty, template.uom_id, round=False
        )
        return {
            "pricing": template.recipe_pricing,
            "components": [
                [rl.id, rl.product_id.id, rl._component_qty(parent_qty), rl.product_id.uom_id.id]
                for rl in template.recipe_line_ids
            ],
        }

    def _priced_recipes(self):
        """``(recipes, products, units)``: ``{item: (pricing, [(recipe line id,
        component, quantity, unit)])}``, the recipe each item was priced with
        (``recipe_snapshot``, else the recipe as it is now), and the components
        and units of them that still exist (a component or unit deleted since
        is not in them). Read in batch: two queries whatever the items."""
        snapshots = {line: line.recipe_snapshot or line._recipe_now() or {} for line in self}
        rows = [row for snapshot in snapshots.values() for row in snapshot.get("components") or []]
        Product = self.env["product.product"].with_context(active_test=False)
        Uom = self.env["uom.uom"]
        all_products = Product.browse(list(dict.fromkeys(row[1] for row in rows)))
        all_uoms = Uom.browse(list(dict.fromkeys(row[3] for row in rows)))
        recipes = {}
        for line, snapshot in snapshots.items():
            components = [
                (
                    rl_id,
                    Product.browse(product_id).with_prefetch(all_products._prefetch_ids),
                    qty,
                    Uom.browse(uom_id).with_prefetch(all_uoms._prefetch_ids),
                )
                for rl_id, product_id, qty, uom_id in snapshot.get("components") or []
            ]
            recipes[line] = (snapshot.get("pricing") if components else False, components)
        return recipes, all_products.exists(), all_uoms.exists()

    def _keeps_prices(self):
        """Whether the item keeps its stored prices: a finalized or cancelled
        sheet's (its prices are those it was finalized with; a product's
        recipe pricing changing does not re-price it). A draft or in-progress
        sheet follows; Update Prices and Reset to Draft re-price it."""
        self.ensure_one()
        return bool(self.id) and self.sheet_id.state not in _OPEN

    def _component_recipes(self):
        """``{item: [(recipe line id, component, quantity, unit)]}`` of the
        items priced from their components, with the recipe each was priced
        with (``_priced_recipes``: its ``recipe_snapshot``), what its preview
        shows and its quotation sells; None for the other items (sold as
        themselves). A component (or unit) deleted since is left out: it has no
        price, and the quotation is refused until the sheet is priced again."""
        recipes, products, uoms = self._priced_recipes()
        return {
            line: [row for row in rows if row[1] in products and row[3] in uoms]
            if pricing == "components" and rows
            else None
            for line, (pricing, rows) in recipes.items()
        }

    def _kept_component_prices(self):
        """{recipe line id: (unit price, discount)} the item kept for its
        components (``component_prices``)."""
        self.ensure_one()
        kept = {}
        for key, value in (self.component_prices or {}).items():
            if isinstance(value, list | tuple) and len(value) == 2:
                kept[key] = (value[0], value[1])
            elif isinstance(value, int | float):
                kept[key] = (value, 0.0)
        return kept

    def _catalogue_prices(self, requests):
        """``[(unit price, discount)]`` of ``requests``, ``[(line, product,
        quantity, unit)]``: what a quotation line of the line's sheet selling
        ``quantity`` ``product`` in ``unit`` gets, as ``sale.order.line`` computes
        it (every rule of the pricelist: quantity breaks, dates, formulas,
        categories; with Discounts, a percentage rule's base price and its
        discount; the taxes included in the product's price mapped by the
        customer's fiscal position; crm_pricing's stacked discounts on the base
        its details give, ``_catalogue_base_prices``), the price rounded like a
        line's.

        Batched as a quotation's lines are: one price computation per sheet,
        unit and quantity for all their products (Odoo's
        ``_compute_price_rule``), the fiscal position once per customer and
        company. The customer, its payment term in the sheet's company (the
        quotation's) and the company let crm_pricing's client rules apply, with
        one ``crm_pricing_cache`` for the whole batch (its rules searched and its
        turnover queried once) and its shared search of the standard rules;
        Odoo's pricelist ignores keyword arguments it does not know."""
        Item = self.env["product.pricelist.item"]
        show_discounts = Item._is_discount_feature_enabled()
        price_digits = self.env["decimal.precision"].precision_get("Product Price")
        discount_digits = self.env["decimal.precision"].precision_get("Discount")
        groups = {}
        for index, (line, product, qty, uom) in enumerate(requests):
            sheet = line.sheet_id
            company = line.company_id or sheet.company_id or self.env.company
            context = (
                sheet.pricelist_id,
                sheet.partner_id,
                company,
                sheet.date,
                sheet.currency_id or company.currency_id,
            )
            groups.setdefault(context, {}).setdefault((uom, qty or 1.0), []).append(
                (index, product)
            )
        results = [None] * len(requests)
        cache = {}  # crm_pricing's, shared by every price computation of the batch
        fiscal_positions = {}
        for (pricelist, partner, company, date, currency), by_quantity in groups.items():
            pricelist = pricelist.with_company(company)
            product_ids = list(
                {product.id for entries in by_quantity.values() for _i, product in entries}
            )
            # crm_pricing (when installed): Odoo's search of the pricelist's
            # standard rules runs once for all the products, as for a quotation
            share_rules = getattr(pricelist, "_pricing_share_rules", None)
            if share_rules:
                share_rules(cache, company, date, product_ids)
            shared_rules = getattr(pricelist, "_pricing_shared_rules", None)
            partner_c = partner.with_company(company)
            client_kw = {
                "partner": partner,
                "payment_term": partner_c.property_payment_term_id,
                "company": company,
            }
            fiscal_position = self._sheet_fiscal_position(partner, company, fiscal_positions)
            Product = self.env["product.product"].with_company(company)
            for (uom, qty), entries in by_quantity.items():
                products = Product.browse(list(dict.fromkeys(p.id for _i, p in entries)))
                products = products.with_prefetch(product_ids)
                res = pricelist._compute_price_rule(
                    products,
                    qty,
                    currency=currency,
                    uom=uom,
                    date=date,
                    crm_pricing_cache=cache,
                    **client_kw,
                    **(shared_rules(products, date, cache) if shared_rules else {}),
                )
                by_id = {product.id: product for product in products}
                bases = {}
                if show_discounts and pricelist:
                    price_kw = {"quantity": qty, "currency": currency, "uom": uom, "date": date}
                    bases = self._catalogue_base_prices(
                        pricelist, products, res, price_kw, client_kw, cache
                    )
                for index, product in entries:
                    product = by_id[product.id]
                    price, rule_id = res[product.id]
                    rule = Item.browse(rule_id)
                    base, discount = price, 0.0
                    if show_discounts and pricelist and rule._show_discount():
                        # sale.order.line._get_display_price and _compute_discount
                        before = bases.get(product.id)
                        if before is None:
                            before = rule._compute_price_before_discount(
                                product=product, quantity=qty, uom=uom, date=date, currency=currency
                            )
                        base = max(before, price)
                        if before:
                            rate = (before - price) / before * 100
                            if (rate > 0 and before > 0) or (rate < 0 and before < 0):
                                discount = rate
                    base = product._get_tax_included_unit_price_from_price(
                        base,
                        product_taxes=product.taxes_id._filter_taxes_by_company(company),
                        fiscal_position=fiscal_position,
                    )
                    results[index] = (
                        float_round(base, precision_digits=price_digits),
                        float_round(discount, precision_digits=discount_digits),
                    )
        return results

    def _catalogue_base_prices(self, pricelist, products, res, price_kw, client_kw, cache):
        """``{product id: price before discount}`` of the ``products`` whose
        price (``res``: ``_compute_price_rule``'s for ``price_kw``, quantity,
        currency, unit and date, and ``client_kw``, client, payment term and
        company) a conditional rule of crm_pricing set, when it is installed:
        the base price of its details (e.g. the client's fixed price a
        cumulative pricelist stacks its discounts on), the one a quotation line
        shows (``sale.order.line._get_pricelist_price_before_discount``).
        Empty without crm_pricing: the price before discount of the rule that
        set the price stands, as on the quotation line."""
        details_of = getattr(pricelist, "_pricing_details", None)
        if not details_of or not client_kw["partner"]:
            return {}
        Item = self.env["product.pricelist.item"]
        conditional = products.filtered(
            lambda p: Item.browse(res[p.id][1]).is_conditional
            and Item.browse(res[p.id][1])._show_discount()
        )
        if not conditional:
            return {}
        details = details_of(conditional, **price_kw, **client_kw, cache=cache)
        return {
            product_id: detail["base_price"]
            for product_id, detail in details.items()
            if detail and detail.get("applied")
        }

    def _sheet_fiscal_position(self, partner, company, cache):
        """The fiscal position the quotation of ``partner`` in ``company`` gets,
        looked up once per customer and company (``cache``)."""
        key = (partner.id, company.id)
        if key not in cache:
            FiscalPosition = self.env["account.fiscal.position"].with_company(company)
            cache[key] = FiscalPosition._get_fiscal_position(partner) if partner else FiscalPosition
        return cache[key]

    def _line_subtotal(self, product, price_unit, qty, discount=0.0, fiscal_position=None):
        """Untaxed subtotal of a quotation line selling ``qty`` ``product`` at
        ``price_unit`` (``_catalogue_prices``: taxes included when the product's
        taxes include them) with ``discount`` (%), as
        ``sale.order.line._compute_amount`` computes it: the product's taxes of
        the company mapped by the fiscal position (``fiscal_position``, else the
        customer's)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        taxes = product.taxes_id._filter_taxes_by_company(company)
        if taxes:
            if fiscal_position is None:
                fiscal_position = self._sheet_fiscal_position(self.sheet_id.partner_id, company, {})
            taxes = fiscal_position.map_tax(taxes)
        currency = self.currency_id or company.currency_id
        Tax = self.env["account.tax"]
        base_line = Tax._prepare_base_line_for_taxes_computation(
            None,
            product_id=product,
            tax_ids=taxes,
            price_unit=price_unit,
            quantity=qty,
            discount=discount or 0.0,
            currency_id=currency,
            partner_id=self.sheet_id.partner_id,
        )
        Tax._add_tax_details_in_base_line(base_line, company)
        return self._round(base_line["tax_details"]["total_excluded_currency"])

    def _round(self, amount):
        return self.currency_id.round(amount) if self.currency_id else amount

    @api.depends("price_unit", "discount", "product_uom_qty", "currency_id")
    def _compute_price_subtotal(self):
        fiscal_positions = {}
        missing = []  # components the item kept no price for (priced before it kept them)
        rows_by_line = {}
        lines = self.filtered(lambda line: not line._keeps_prices())
        # the recipe the item was priced with, as its unit price (``_compute_price_unit``)
        recipes = lines._component_recipes()
        for line in lines:
            components = recipes[line] if line.product_id else None
            if components is None:
                rows_by_line[line] = None
                continue
            kept = line._kept_component_prices()
            rows = []
            for rl_id, product, qty, uom in components:
                if str(rl_id) in kept:
                    rows.append((product, qty, *kept[str(rl_id)]))
                else:
                    rows.append((product, qty, len(missing)))
                    missing.append((line, product, qty, uom))
            rows_by_line[line] = rows
        missing_prices = self._catalogue_prices(missing) if missing else []
        for line, rows in rows_by_line.items():
            company = line.company_id or self.env.company
            fiscal_position = line._sheet_fiscal_position(
                line.sheet_id.partner_id, company, fiscal_positions
            )
            if rows is None:
                line.price_subtotal = (
                    line._line_subtotal(
                        line.product_id,
                        line.price_unit,
                        line.product_uom_qty,
                        line.discount,
                        fiscal_position,
                    )
                    if line.product_id
                    else 0.0
                )
                continue
            # exactly the quotation's: the sum of the component lines' subtotals
            subtotal = 0.0
            for product, qty, *price in rows:
                if len(price) == 1:
                    price = missing_prices[price[0]]
                subtotal += line._line_subtotal(product, price[0], qty, price[1], fiscal_position)
            line.price_subtotal = subtotal

    @api.depends("product_id", "product_uom_qty", "product_uom_id", "recipe_snapshot")
    def _compute_components_preview(self):
        # the recipe the item was priced with: what its quotation holds
        recipes, products, uoms = self._priced_recipes()
        for line in self:
            _pricing, components = recipes[line]
            rows = []
            for _rl_id, product, qty, uom in components:
                if product not in products or uom not in uoms:
                    continue
                name = product.display_name
                if not product.active:
                    name = self.env._("%(component)s (archived)", component=name)
                rows.append(f"{_format_qty(self.env, qty, uom)} {uom.name} {name}")
            line.components_preview = "\n".join(rows) or False

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

    @api.constrains("product_id")
    def _check_no_combo(self):
        """A combo product is not an item: Odoo's quotation prices its line at
        0 and adds the chosen items, which a sheet does not choose (the generated
        quotation would sell the combo line alone at the sheet's price)."""
        for line in self:
            if line.product_id.type == "combo":
                raise ValidationError(
                    self.env._(
                        "%(product)s is a combo product: add the products it combines to "
                        "the evaluation sheet instead.",
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
        """Name of the quotation chapter of this item: "<item> × <qty> <unit>",
        in the environment's language (the quotation asks for its customer's,
        ``crm.evaluation.sheet._quotation_lang``)."""
        self.ensure_one()
        return self.env._(
            "%(item)s × %(qty)s %(uom)s",
            item=self.product_id.display_name,
            qty=_format_qty(self.env, self.product_uom_qty, self.product_uom_id),
            uom=self.product_uom_id.name,
        )

    # ------------------------------------------------------------------
    # A finalized or cancelled sheet is locked
    # ------------------------------------------------------------------

    def _check_sheet_editable(self, sheets):
        """The items of ``sheets`` may change: each sheet is draft or in
        progress, and no order of it is confirmed (a sheet reopened before its
        order was confirmed stays as the order was confirmed,
        ``_check_no_confirmed_order``); a ``UserError`` otherwise."""
        sheets._check_no_confirmed_order()
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

    def _check_component_qty(self, component, qty):
        """``qty`` of a recipe component on the quotation, or a ``UserError``
        when the recipe makes it more than a quotation line holds."""
        self.ensure_one()
        if not math.isfinite(qty) or qty > MAX_QUANTITY:
            raise UserError(
                self.env._(
                    "%(item)s needs %(qty)s of %(component)s, more than %(max)s: lower the "
                    "quantity of the item or of the recipe.",
                    item=self._get_section_name(),
                    # as the user's language writes numbers
                    qty=formatLang(self.env, qty, digits=0) if math.isfinite(qty) else str(qty),
                    component=component.display_name,
                    max=formatLang(self.env, MAX_QUANTITY, digits=0),
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
        self._check_target_sheets(self.env["crm.evaluation.sheet"].browse(sheet_ids))
        return super().create(vals_list)

    def write(self, vals):
        self._check_sheet_editable(self.sheet_id)
        if isinstance(vals, dict) and _is_id(vals.get("sheet_id")):
            self._check_target_sheets(self.env["crm.evaluation.sheet"].browse(vals["sheet_id"]))
        return super().write(vals)

    def _check_target_sheets(self, sheets):
        """An item is added to, or moved into, a sheet the user may change: write
        access to the sheet (``AccessError``, e.g. another salesperson's sheet),
        and the sheet open (``_check_sheet_editable``)."""
        sheets = sheets.exists()
        sheets.check_access("write")
        self._check_sheet_editable(sheets)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sheet_locked(self):
        """An item of a finalized, cancelled or ordered sheet is not deleted
        (``_check_sheet_editable``). Not when the module is uninstalled: its
        items go with their table (and the demo sheet's items, which have
        external ids, with it); the uninstall flag counts only for
        administrators (crm_suite_base's extension of ``base``)."""
        self._check_sheet_editable(self.sheet_id)


def _format_qty(env, qty, uom):
    """A quantity rounded to its unit, without useless trailing zeros, as the
    environment's language writes numbers (its decimal point and thousands
    separator, Odoo's ``formatLang``): "2,5" in Romanian, "2.5" in English."""
    digits = max(0, len(float_repr(uom.rounding or 0.01, 6).rstrip("0").split(".")[-1]))
    text = formatLang(env, qty, digits=digits)
    if not digits:
        return text
    point = get_lang(env).decimal_point
    whole, point, decimals = text.rpartition(point)
    decimals = decimals.rstrip("0")
    return f"{whole}{point}{decimals}" if decimals else whole


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
