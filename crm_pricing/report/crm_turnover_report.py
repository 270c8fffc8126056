from odoo import fields, models, tools
from odoo.tools import SQL

from .turnover_query import turnover_lines

#: the partial index on account_move the pricing rules' turnover reads; dropped
#: again by the module's uninstall hook
TURNOVER_INDEX = "crm_pricing_account_move_turnover_idx"


class CrmTurnoverReport(models.Model):
    """Trade turnover per client: posted customer invoices minus posted credit
    notes, untaxed. Each line keeps its amount in its company's currency (the
    pricing rules' figure, converted at each invoice's rate) and gives it in the
    current company's currency too (``amount``, at the latest rate, as Odoo's
    invoice analysis does), so that totals over several companies add one
    currency. A query per request (``_table_query``): the conversion depends on
    the current company and the selected ones."""

    _name = "crm.turnover.report"
    _description = "Trade Turnover"
    _auto = False
    _rec_name = "partner_id"
    _order = "date desc"

    date = fields.Date(string="Invoice Date", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
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
    amount = fields.Monetary(
        string="Turnover",
        currency_field="currency_id",
        readonly=True,
        help="In the current company's currency: an amount of a company in another "
        "currency is converted at the latest rate of the current company.",
    )
    amount_company_currency = fields.Monetary(
        string="Turnover in Company Currency",
        currency_field="company_currency_id",
        readonly=True,
        help="In the currency of the invoice's company, as the pricing rules count it.",
    )

    _depends = {
        "account.move": [
            "state",
            "move_type",
            "invoice_date",
            "commercial_partner_id",
            "company_id",
        ],
        "account.move.line": [
            "move_id",
            "balance",
            "quantity",
            "product_id",
            "product_uom_id",
            "display_type",
            "company_currency_id",
        ],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id", "uom_id"],
        "uom.uom": ["factor"],
        "res.currency.rate": ["currency_id", "company_id", "name", "rate"],
        "res.company": ["currency_id"],
    }

    @property
    def _table_query(self):
        # the turnover rows (one definition with the pricing rules) of the
        # selected companies, each converted into the current company's
        # currency by Odoo's currency table, as account.invoice.report's
        # price_subtotal is
        return SQL(
            """
            SELECT lines.id,
                   lines.date,
                   lines.partner_id,
                   lines.company_id,
                   lines.currency_id AS company_currency_id,
                   %(currency_id)s AS currency_id,
                   lines.move_id,
                   lines.move_type,
                   lines.product_id,
                   lines.categ_id,
                   lines.quantity,
                   lines.amount * account_currency_table.rate AS amount,
                   lines.amount AS amount_company_currency,
                   to_char(lines.date, 'YYYY') || ' H' ||
                       CASE WHEN EXTRACT(MONTH FROM lines.date) <= 6
                            THEN '1' ELSE '2' END AS half_year
              FROM (%(lines)s) lines
              JOIN %(currency_table)s ON account_currency_table.company_id = lines.company_id
            """,
            currency_id=self.env.company.currency_id.id,
            lines=turnover_lines(),
            currency_table=self.env["res.currency"]._get_simple_currency_table(self.env.companies),
        )

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
        # up to 18.0.1.3.36 the analysis was a SQL view of this name: a query
        # per request now (_table_query), it leaves no view behind
        tools.drop_view_if_exists(self.env.cr, self._table)
