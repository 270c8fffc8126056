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
        readonly=True,
        copy=False,
        help="An activity was scheduled for the current crossing of the threshold.",
    )

    def _check_low_stock(self):
        """Schedule an activity for the responsible when free-to-sell (all
        warehouses of the company) falls below the threshold; once per crossing."""
        products = self.filtered(lambda p: p.is_storable and p.low_stock_threshold > 0)
        if not products:
            return
        # sudo: the alert is the responsible's; only quantities are read
        products = products.sudo()
        figures = products._free_to_sell_figures()
        for product in products:
            _held, free = figures[product.id]
            below = free < product.low_stock_threshold
            if below and not product.low_stock_alerted:
                user = product.responsible_id or self.env.user
                product.product_tmpl_id.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    **product._low_stock_alert_texts(user, free),
                )
                privileged(product).low_stock_alerted = True
            elif not below and product.low_stock_alerted:
                privileged(product).low_stock_alerted = False

    @api.model
    def _cron_check_low_stock(self):
        self.search(
            [("low_stock_threshold", ">", 0), ("is_storable", "=", True)]
        )._check_low_stock()
        return True

    def _low_stock_alert_texts(self, user, free):
        """``{"summary", "note"}`` of this product's low-stock activity for
        ``user``, ``free`` to sell: in the language of ``user``, who reads it
        (the daily run has none), else the company's (its partner's), as Odoo
        writes a user's notifications in their language."""
        self.ensure_one()
        Lang = self.env["res.lang"]
        # sudo: the company's language, whoever moves the stock
        company = self.sudo().company_id or self.env.company
        langs = (not user._is_superuser() and user.lang, company.partner_id.sudo().lang)
        lang = next((code for code in langs if code and Lang._get_code(code)), self.env.lang)
        product = self.with_context(lang=lang)
        _ = product.env._
        return {
            "summary": _("Low stock: %(product)s", product=product.display_name),
            "note": _(
                "%(product)s: %(free)s free to sell, below the threshold of %(min)s.",
                product=product.display_name,
                free=format(free, "g"),
                min=format(self.low_stock_threshold, "g"),
            ),
        }
