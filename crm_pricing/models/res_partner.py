from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.crm_suite_base.models.policy import check_date, check_one


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_pricing_rules(self):
        """A client's pricing rules are deleted with it (``ondelete="cascade"``):
        by who may delete them only (``_check_unlink_rules_of``)."""
        self.env["product.pricelist.item"]._check_unlink_rules_of("partner_id", self)

    def write(self, vals):
        res = super().write(vals)
        if "company_id" in vals:
            # A rule's client is of its price list's company, or of none (its
            # check_company): checked when the client changes company (Odoo
            # passes the change on to the contacts under it, Merge Contacts
            # may give the kept contact the merged one's, and changing a
            # user's main company changes their contact's), as when a rule's
            # client changes. The rules are found as superuser (the client is a
            # rule reader's field); the check raises only, whoever writes.
            rules = self.env["product.pricelist.item"]._rules_carried_by("partner_id", self)
            if rules:
                self._check_pricing_rules_company(rules)
        return res

    def _check_pricing_rules_company(self, rules):
        """Odoo's company check of the rules' client (``partner_id``), the same
        condition (the client is of no company, or of the rules' price list's
        company or a parent of it), with a message naming only the client, the
        price list's company and the remedy: the writer may have no right to
        read the rules (a contact manager, a user changing their main company
        in their preferences). ``rules`` are superuser's (``_rules_carried_by``)."""
        by_company = rules.grouped(lambda rule: rule.pricelist_id.company_id)
        for company, company_rules in by_company.items():
            if not company:
                continue
            # sudo (the rules'): the clients are among the partners being
            # written (self), the company their rules' price list's: the
            # message names nothing else
            clients = company_rules.partner_id.with_context(active_test=False)
            misplaced = clients - clients.filtered_domain(clients._check_company_domain(company))
            if misplaced:
                raise UserError(
                    self.env._(
                        "%(client)s is a client of pricing rules of %(company)s's price "
                        "lists: its company can only be %(company)s, or none. A sales "
                        "manager moves or removes its pricing rules first.",
                        client=misplaced[:1].display_name,
                        company=company.name,
                    )
                )

    def _check_trade_turnover_access(self):
        """Turnover is confidential: accounting sees every client's; salespeople
        see their own clients' (the client's salesperson is them, or nobody), as
        they see leads, and "All Documents" salespeople everyone's; nobody else.
        Raises AccessError before any figure is read."""
        user = self.env.user
        if self.env.su or user.has_group("account.group_account_invoice"):
            return
        if user.has_group("account.group_account_readonly"):
            return
        if not user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(
                self.env._("Only sales and accounting users can see a client's turnover.")
            )
        if user.has_group("sales_team.group_sale_salesman_all_leads"):
            return
        self.check_access("read")
        for partner in self:
            # sudo: reads only who the client's salesperson is, after the read check
            owner = partner.sudo().commercial_partner_id.user_id or partner.sudo().user_id
            if owner and owner != user:
                raise AccessError(
                    self.env._(
                        "The turnover of %(client)s is for its salesperson (%(owner)s), "
                        "sales managers and accounting.",
                        client=partner.display_name,
                        owner=owner.name,
                    )
                )

    def action_view_trade_turnover(self):
        """Trade turnover analysis of this client (its commercial entity)."""
        check_one(self)
        self._check_trade_turnover_access()
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
        check_one(self)
        self._check_trade_turnover_access()
        Item = self.env["product.pricelist.item"]
        if period not in ("month", "quarter", "half_year", "year") or period_ref not in (
            "last",
            "current",
        ):
            raise UserError(
                self.env._(
                    "Unknown period %(period)s %(ref)s: period is month, quarter, half_year "
                    "or year, period_ref last or current.",
                    period=repr(period)[:40],
                    ref=repr(period_ref)[:40],
                )
            )
        if company_id and (isinstance(company_id, bool) or not isinstance(company_id, int)):
            raise UserError(
                self.env._(
                    "company_id must be one company id, not %(value)s.",
                    value=repr(company_id)[:40],
                )
            )
        company = self.env["res.company"].browse(company_id) if company_id else self.env.company
        # one of the selected companies (allowed_company_ids, which Odoo keeps
        # within the user's)
        if company not in self.env.companies:
            raise AccessError(
                self.env._("You have no access to company %(company)s.", company=company.id)
            )
        day = (
            self._trade_turnover_day(date)
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

    def _trade_turnover_day(self, value):
        if not isinstance(value, str):
            raise UserError(
                self.env._(
                    "date must be a day (YYYY-MM-DD), not %(value)s.", value=repr(value)[:40]
                )
            )
        return check_date(self.env, value, "date")
