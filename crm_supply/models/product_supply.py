import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import LazyTranslate, float_compare, float_round

from odoo.addons.crm_suite_base.models.policy import owned, privileged, writable

_lt = LazyTranslate(__name__)

#: a quantity of the product's master data: not negative, below a billion units
_PRODUCT_QUANTITY = writable(bounds=(0, 1e9))


class ProductTemplate(models.Model):
    """Minimum sale batch and low-stock threshold."""

    _name = "product.template"
    _inherit = ["product.template", "crm.write.policy.mixin"]
    _crm_write_policy = {
        "sale_min_qty": _PRODUCT_QUANTITY,
        "sale_qty_multiple": _PRODUCT_QUANTITY,
        "low_stock_threshold": _PRODUCT_QUANTITY,
    }

    sale_min_qty = fields.Float(
        string="Minimum Sale Quantity",
        digits="Product Unit of Measure",
        help="A sale line is raised to at least this quantity (in the product's unit).",
    )
    sale_qty_multiple = fields.Float(
        string="Sale Multiple",
        digits="Product Unit of Measure",
        help="A sale line is rounded up to a multiple of this quantity (a box, a pallet).",
    )
    low_stock_threshold = fields.Float(
        digits="Product Unit of Measure",
        help="When the free-to-sell quantity falls below it, the product's responsible "
        "gets an activity (once per crossing). 0: no alert.",
        groups="base.group_user",
    )

    @api.constrains("sale_min_qty", "sale_qty_multiple", "low_stock_threshold")
    def _check_supply_quantities(self):
        for template in self:
            values = (
                template.sale_min_qty,
                template.sale_qty_multiple,
                template.low_stock_threshold,
            )
            if any(v < 0 or not math.isfinite(v) for v in values):
                raise ValidationError(
                    self.env._(
                        "Minimum sale quantity, sale multiple and low-stock threshold of "
                        "%(product)s cannot be negative.",
                        product=template.display_name,
                    )
                )

    def _sale_batch_qty(self, qty):
        """``qty`` (product unit) raised to the minimum and rounded up to the multiple."""
        self.ensure_one()
        rounding = self.uom_id.rounding
        if (
            self.sale_min_qty
            and float_compare(qty, self.sale_min_qty, precision_rounding=rounding) < 0
        ):
            qty = self.sale_min_qty
        if self.sale_qty_multiple:
            units = qty / self.sale_qty_multiple
            qty = math.ceil(float_round(units, precision_digits=6)) * self.sale_qty_multiple
        return qty


class ProductProduct(models.Model):
    _name = "product.product"
    _inherit = ["product.product", "crm.write.policy.mixin"]
    _crm_write_policy = {
        "low_stock_alerted": owned(
            _lt("kept by the low-stock check (a cron and each reservation).")
        ),
        # the template's fields, written through the variant
        "sale_min_qty": _PRODUCT_QUANTITY,
        "sale_qty_multiple": _PRODUCT_QUANTITY,
        "low_stock_threshold": _PRODUCT_QUANTITY,
    }

    low_stock_alerted = fields.Boolean(
        company_dependent=True,
        readonly=True,
        copy=False,
        help="An activity was scheduled for the current crossing of the threshold in "
        "this company (each company has its own).",
        groups="base.group_user",
    )

    def _check_low_stock(self, companies=None):
        """For each of ``companies`` (default: the context's), schedule an
        activity for the product's responsible in that company when the
        company's free-to-sell quantity (all its warehouses) falls below the
        threshold; once per crossing and company (``low_stock_alerted`` is
        company-dependent). A company's figures are its own whoever checks
        (the cron, a reservation, whichever companies the user selected): the
        alert does not flip with the checker. A product of a company is
        checked in that company and its branches only, as Odoo's product rule
        shows it."""
        products = self.filtered(lambda p: p.is_storable and p.low_stock_threshold > 0)
        if not products:
            return
        if companies is None:
            companies = self.env.companies
        # sudo: the alert is the responsible's, in each company, whoever
        # checks; only quantities are read (summed per product) and the
        # method's own flag written
        products = products.sudo()
        # nothing of the caller's context narrows a company's figures (a
        # warehouse, a location, a lot an XML-RPC caller sends): its language
        # only, for the activity's text
        context = {key: self.env.context[key] for key in ("lang", "tz") if key in self.env.context}
        for company in companies.sudo():
            parents = company.parent_ids
            scoped = products.filtered(lambda p, c=parents: not p.company_id or p.company_id in c)
            if scoped:
                env = scoped.env(context=dict(context, allowed_company_ids=[company.id]))
                scoped.with_env(env)._check_low_stock_in_company()

    def _check_low_stock_in_company(self):
        """``_check_low_stock`` in the context's company only (``env.company``,
        the only one of the context): its free-to-sell figures, read for all
        these products at once, its flag, its responsible."""
        company = self.env.company
        figures = self._free_to_sell_figures()
        alerted, rearmed = self.browse(), self.browse()
        for product in self:
            _held, free = figures[product.id]
            below = free < product.low_stock_threshold
            if below and not product.low_stock_alerted:
                user = product.responsible_id or self.env.user
                product.product_tmpl_id.activity_schedule(
                    "mail.mail_activity_data_todo",
                    # Odoo's responsible is company-dependent: this company's
                    user_id=user.id,
                    **product._low_stock_alert_texts(user, free, company),
                )
                alerted |= product
            elif not below and product.low_stock_alerted:
                rearmed |= product
        # written for the context's company only (company-dependent)
        if alerted:
            privileged(alerted).write({"low_stock_alerted": True})
        if rearmed:
            privileged(rearmed).write({"low_stock_alerted": False})

    @api.model
    def _cron_check_low_stock(self):
        """Every company that has a warehouse checks every product with a
        threshold (its own stock, flag and responsible); a company without
        one has no stock to fall short of."""
        # sudo: every company's products and warehouses, whoever runs the cron
        products = self.sudo().search([("low_stock_threshold", ">", 0), ("is_storable", "=", True)])
        companies = self.env["stock.warehouse"].sudo().search([]).company_id
        products._check_low_stock(companies)
        return True

    def _low_stock_alert_texts(self, user, free, company):
        """``{"summary", "note"}`` of this product's low-stock activity in
        ``company`` for ``user``, ``free`` to sell: in the language of ``user``,
        who reads it (the daily run has none), else the company's (its
        partner's), as Odoo writes a user's notifications in their language."""
        self.ensure_one()
        Lang = self.env["res.lang"]
        # sudo: the company's language, whoever moves the stock
        langs = (not user._is_superuser() and user.lang, company.partner_id.sudo().lang)
        lang = next((code for code in langs if code and Lang._get_code(code)), self.env.lang)
        product = self.with_context(lang=lang)
        env = product.env
        _ = env._
        quantity = product._quantity_formatter()
        return {
            "summary": _(
                "Low stock in %(company)s: %(product)s",
                company=company.name,
                product=product.display_name,
            ),
            # quantities as Odoo writes them (the unit of measure's precision, the
            # reader's separators), in the product's unit
            "note": _(
                "%(product)s: %(free)s %(unit)s free to sell in %(company)s, below the "
                "threshold of %(min)s %(unit)s.",
                product=product.display_name,
                free=quantity(free),
                unit=product.uom_id.name,
                company=company.name,
                min=quantity(self.low_stock_threshold),
            ),
        }
