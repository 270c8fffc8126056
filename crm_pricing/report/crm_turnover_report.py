from odoo import fields, models, tools
from odoo.tools import SQL

from .turnover_query import turnover_lines

#: the partial index on account_move the pricing rules' turnover reads; dropped
#: again by the module's uninstall hook
TURNOVER_INDEX = "crm_pricing_account_move_turnover_idx"


class CrmTurnoverReport(models.Model):
    """Trade turnover per client: posted customer invoices minus posted credit
    notes, untaxed, in company currency (converted at each invoice's rate)."""

    _name = "crm.turnover.report"
    _description = "Trade Turnover"
    _auto = False
    _rec_name = "partner_id"
    _order = "date desc"

    date = fields.Date(string="Invoice Date", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Customer Invoice"), ("out_refund", "Customer Credit Note")],
        readonly=True,
    )
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    half_year = fields.Char(string="Half-year", readonly=True)
    quantity = fields.Float(
        readonly=True, help="In the product's unit of measure, as the pricing rules count it."
    )
    amount = fields.Monetary(string="Turnover", currency_field="currency_id", readonly=True)

    def init(self):
        # Pricing rules sum a client's posted customer invoices per period: this
        # partial index makes that a range scan whatever the invoice history.
        tools.create_index(
            self.env.cr,
            TURNOVER_INDEX,
            "account_move",
            ["commercial_partner_id", "company_id", "invoice_date"],
            where="state = 'posted' AND move_type IN ('out_invoice', 'out_refund')",
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT lines.*,
                           to_char(lines.date, 'YYYY') || ' H' ||
                               CASE WHEN EXTRACT(MONTH FROM lines.date) <= 6
                                    THEN '1' ELSE '2' END AS half_year
                      FROM (%s) lines
                )
                """,
                SQL.identifier(self._table),
                turnover_lines(),
            )
        )
