"""The one definition of trade turnover, shared by the pricing rules
(``product.pricelist.item._pricing_purchases``, ``res.partner.get_trade_turnover``)
and the ``crm.turnover.report`` analysis, so that a salesperson reads the figure
the rule used.

One row per invoice line of a posted customer invoice or credit note: the untaxed
amount in company currency (credit notes negative) and the quantity converted to
the product's unit of measure (credit notes negative)."""

from odoo.tools import SQL

_TURNOVER_LINES = """
    SELECT aml.id AS id,
           am.invoice_date AS date,
           am.commercial_partner_id AS partner_id,
           am.company_id AS company_id,
           aml.company_currency_id AS currency_id,
           am.id AS move_id,
           am.move_type AS move_type,
           aml.product_id AS product_id,
           pt.categ_id AS categ_id,
           CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END
               * aml.quantity / COALESCE(lu.factor, 1) * COALESCE(pu.factor, 1) AS quantity,
           -aml.balance AS amount
      FROM account_move_line aml
      JOIN account_move am ON am.id = aml.move_id
 LEFT JOIN product_product pp ON pp.id = aml.product_id
 LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
 LEFT JOIN uom_uom lu ON lu.id = aml.product_uom_id
 LEFT JOIN uom_uom pu ON pu.id = pt.uom_id
     WHERE am.state = 'posted'
       AND am.move_type IN ('out_invoice', 'out_refund')
       AND aml.display_type = 'product'
"""


def turnover_lines(where=None):
    """The turnover rows (see the module docstring), restricted by ``where`` (an
    ``SQL`` condition on ``am`` / ``aml``, e.g. client, company and dates)."""
    if where is None:
        return SQL(_TURNOVER_LINES)
    return SQL(_TURNOVER_LINES + " AND %s", where)
