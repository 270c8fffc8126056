from odoo import fields, models
from odoo.exceptions import AccessError, UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_view_trade_turnover(self):
        """Trade turnover analysis of this client (its commercial entity)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_pricing.crm_turnover_report_action"
        )
        client = self.commercial_partner_id
        action["display_name"] = self.env._("Trade Turnover: %(client)s", client=client.name)
        action["domain"] = [("partner_id", "=", client.id)]
        action["context"] = {
            # this year, with the search panel's comparison to the previous period/year
            "search_default_filter_date": 1,
            "pivot_measures": ["amount"],
            "pivot_row_groupby": ["categ_id"],
            "pivot_column_groupby": ["date:quarter"],
            "graph_groupbys": ["date:month"],
        }
        return action

    def get_trade_turnover(self, period="year", period_ref="current", date=None, company_id=None):
        """Turnover of this client (posted invoices minus posted credit notes,
        untaxed, company currency) over a period, as the pricing rules see it.

        :param period: month | quarter | half_year | year
        :param period_ref: "last" (completed) or "current" (to date)
        :param date: reference day (default: today in the company's timezone)
        :return: {"amount", "currency", "date_from", "date_to", "label"}
        """
        self.ensure_one()
        Item = self.env["product.pricelist.item"]
        if period not in ("month", "quarter", "half_year", "year") or period_ref not in (
            "last",
            "current",
        ):
            raise UserError(self.env._("Unknown period %(period)s.", period=period))
        company = self.env["res.company"].browse(company_id) if company_id else self.env.company
        if company not in self.env.user.company_ids:
            raise AccessError(
                self.env._("You have no access to company %(company)s.", company=company.id)
            )
        day = (
            fields.Date.to_date(date)
            if date
            else Item._pricing_local_date(fields.Datetime.now(), company)
        )
        start, end, label = Item._pricing_period(period, period_ref, day)
        data = Item._pricing_purchases(self.commercial_partner_id, company, start, end, {})
        return {
            "amount": company.currency_id.round(sum(v[0] for v in data.values())),
            "currency": company.currency_id.name,
            "date_from": fields.Date.to_string(start),
            "date_to": fields.Date.to_string(end),
            "label": label,
        }
