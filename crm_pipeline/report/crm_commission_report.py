from odoo import fields, models


class CrmCommissionReport(models.Model):
    """Invoiced services per salesperson and period, and the commission they
    earn at the most specific rate (see ``crm.commission.rate``)."""

    _name = "crm.commission.report"
    _description = "Services and Commission Analysis"
    _auto = False
    _order = "date desc"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    date = fields.Date(string="Invoice Date", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    quantity = fields.Float(readonly=True)
    amount = fields.Monetary(
        string="Invoiced",
        readonly=True,
        help="Untaxed, in company currency; refunds count negative.",
    )
    rate = fields.Float(string="Rate (%)", readonly=True, aggregator="avg")
    commission = fields.Monetary(readonly=True)

    @property
    def _table_query(self):
        return """
            SELECT aml.id AS id,
                   aml.move_id,
                   am.invoice_date AS date,
                   am.invoice_user_id AS user_id,
                   am.commercial_partner_id AS partner_id,
                   aml.product_id,
                   pt.categ_id,
                   am.company_id,
                   company.currency_id,
                   aml.quantity * CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END
                       AS quantity,
                   -aml.balance AS amount,
                   COALESCE(rate.rate, 0.0) AS rate,
                   -aml.balance * COALESCE(rate.rate, 0.0) / 100.0 AS commission
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN res_company company ON company.id = am.company_id
              JOIN product_product pp ON pp.id = aml.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN product_category pc ON pc.id = pt.categ_id
              LEFT JOIN LATERAL (
                    SELECT r.rate
                      FROM crm_commission_rate r
                      LEFT JOIN product_category rc ON rc.id = r.categ_id
                     WHERE r.company_id = am.company_id
                       AND (r.user_id IS NULL OR r.user_id = am.invoice_user_id)
                       AND (r.categ_id IS NULL OR pc.parent_path LIKE rc.parent_path || '%%')
                  ORDER BY r.user_id IS NULL, length(rc.parent_path) DESC NULLS LAST
                     LIMIT 1
              ) rate ON TRUE
             WHERE am.state = 'posted'
               AND am.move_type IN ('out_invoice', 'out_refund')
               AND aml.display_type = 'product'
               AND pt.type = 'service'
        """
