from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.crm_suite_base.models.policy import FREE, writable


class CrmCommissionRate(models.Model):
    """A commission rate on invoiced services, for a salesperson, a product
    category (and its subcategories), both, or neither (the company default).
    The most specific rate applies: salesperson and category, then salesperson,
    then the deepest category, then the default."""

    _name = "crm.commission.rate"
    _description = "Commission Rate"
    _inherit = ["crm.write.policy.mixin"]
    _order = "user_id, categ_id, id"
    # access rights give the rates to sales managers only
    _crm_write_policy = {
        "user_id": FREE,
        "categ_id": FREE,
        "rate": writable(bounds=(0, 100)),
        "company_id": FREE,
    }

    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        domain="[('share', '=', False)]",
        index=True,
        # the choice offers the users of the rate's company (_check_user_company)
        check_company=True,
    )
    categ_id = fields.Many2one("product.category", string="Product Category", index=True)
    rate = fields.Float(string="Rate (%)", required=True, digits=(5, 2))
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.constrains("user_id", "categ_id", "company_id")
    def _check_unique(self):
        for rec in self:
            twins = self.search_count(
                [
                    ("id", "!=", rec.id),
                    ("company_id", "=", rec.company_id.id),
                    ("user_id", "=", rec.user_id.id),
                    ("categ_id", "=", rec.categ_id.id),
                ]
            )
            if twins:
                raise ValidationError(
                    self.env._(
                        "There is already a commission rate for this salesperson and "
                        "category in %(company)s.",
                        company=rec.company_id.name,
                    )
                )

    @api.constrains("user_id", "company_id")
    def _check_user_company(self):
        """A company's rate is for one of its users: the commission analysis
        applies it to that company's invoices only."""
        for rec in self:
            # sudo: only the salesperson's companies are compared
            if rec.user_id and rec.company_id not in rec.user_id.sudo().company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s does not work in %(company)s: a commission rate of "
                        "%(company)s is for one of its users.",
                        user=rec.user_id.sudo().name,
                        company=rec.company_id.name,
                    )
                )

    @api.constrains("rate")
    def _check_rate(self):
        for rec in self:
            if not 0 <= rec.rate <= 100:
                raise ValidationError(
                    self.env._(
                        "A commission rate is between 0 and 100, not %(rate)s.", rate=rec.rate
                    )
                )
