from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.crm_suite_base.models.policy import check_one

from .product_pricelist import RULE_READERS

#: who may see a client's negotiated conditions (the turnover access check then
#: narrows salespeople to their own clients): those who read the rules' conditions
CONDITION_READERS = RULE_READERS


class ResPartner(models.Model):
    """The client file's negotiated conditions: the conditional pricelist rules
    that apply to the client, with what it achieved this period against each
    threshold. Confidential as its turnover is."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_pricing_rule_ids = fields.Many2many(
        "product.pricelist.item",
        compute="_compute_crm_pricing_rule_ids",
        string="Negotiated Conditions",
        groups=CONDITION_READERS,
        help="The conditional rules of pricelists that apply to this client today: its "
        "own, its client groups', and its pricelist's turnover tiers. Shown to its "
        "salesperson, sales managers and accounting (empty for anyone else).",
    )

    def _crm_may_see_turnover(self):
        """Whether the user passes the turnover access check for this client."""
        try:
            self._check_trade_turnover_access()
        except AccessError:
            return False
        return True

    def _crm_pricing_rule_domain(self, day):
        client = self.commercial_partner_id
        pricelist = client.property_product_pricelist
        return [
            ("is_conditional", "=", True),
            "|",
            ("date_start", "=", False),
            ("date_start", "<=", day),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", day),
            "|",
            "|",
            ("partner_id", "=", client.id),
            ("partner_category_id", "in", client.category_id.ids),
            "&",
            "&",
            ("partner_id", "=", False),
            ("partner_category_id", "=", False),
            ("pricelist_id", "=", pricelist.id),
        ]

    @api.depends_context("uid", "company")
    def _compute_crm_pricing_rule_ids(self):
        Item = self.env["product.pricelist.item"]
        now = fields.Datetime.now()
        for partner in self:
            client = partner.commercial_partner_id
            if not client.id or not client._crm_may_see_turnover():
                partner.crm_pricing_rule_ids = Item
                continue
            day = Item._pricing_local_date(now, self.env.company)
            # searched as the user: the rules they may read
            partner.crm_pricing_rule_ids = Item.search(
                client._crm_pricing_rule_domain(day), order="sequence, id"
            )

    def get_pricing_conditions(self, date=None):
        """The client's negotiated conditions and what it achieved against each
        threshold, each rule in its price list's company (the current one for
        a price list of every company): that company's turnover and the
        client's payment term there, as its quotations are priced.

        :param date: reference day "YYYY-MM-DD" (default: today in the company's
            time zone)
        :return: [{"rule_id", "rule", "pricelist", "pricelist_id", "met",
            "achievement"}], ``achievement`` the conditions in plain words, e.g.
            "turnover Q3 2026 = 62,400.00 RON ≥ 50,000.00"
        """
        check_one(self)
        self._check_trade_turnover_access()
        client = self.commercial_partner_id
        company = self.env.company
        Item = self.env["product.pricelist.item"]
        given_day = self._trade_turnover_day(date) if date else None
        day = given_day or Item._pricing_local_date(fields.Datetime.now(), company)
        rules = Item.search(client._crm_pricing_rule_domain(day), order="sequence, id")
        cache = {}
        result = []
        for rule in rules:
            met, reasons = rule._crm_client_evaluate(client, given_day, cache)
            result.append(
                {
                    "rule_id": rule.id,
                    "rule": rule.pricing_label or rule.name,
                    "pricelist_id": rule.pricelist_id.id,
                    "pricelist": rule.pricelist_id.display_name,
                    "met": met,
                    "achievement": ", ".join(reasons),
                }
            )
        return result


class ProductPricelistItem(models.Model):
    _inherit = "product.pricelist.item"  # pylint: disable=consider-merging-classes-inherited

    crm_client_achievement = fields.Char(
        string="Achieved",
        compute="_compute_crm_client_achievement",
        groups=CONDITION_READERS,
        help="Shown in a client's file: what the client achieved this period against "
        "the rule's conditions.",
    )
    crm_client_condition_met = fields.Boolean(
        string="Met", compute="_compute_crm_client_achievement", groups=CONDITION_READERS
    )

    @api.depends_context("uid", "company", "crm_client_id")
    def _compute_crm_client_achievement(self):
        """For the client of the context's ``crm_client_id`` (the client file's
        list) only: the context chooses which client is shown; the figures are
        computed only if the user passes that client's turnover access check."""
        self.crm_client_achievement = False
        self.crm_client_condition_met = False
        client_id = self.env.context.get("crm_client_id")
        if not isinstance(client_id, int) or isinstance(client_id, bool) or client_id <= 0:
            return
        client = self.env["res.partner"].browse(client_id).exists().commercial_partner_id
        if not client or not client._crm_may_see_turnover():
            return
        cache = {}
        for rule in self.filtered("id"):
            met, reasons = rule._crm_client_evaluate(client, None, cache)
            rule.crm_client_achievement = ", ".join(reasons)
            rule.crm_client_condition_met = met

    def _crm_client_evaluate(self, client, day, cache):
        """(met, reasons) of this rule for ``client`` as its price list's
        quotations evaluate it: in the price list's company (the current one
        for a price list of every company), whose turnover, time zone and
        payment term of the client count, on ``day`` (by default that
        company's today)."""
        self.ensure_one()
        company = self.pricelist_id.company_id or self.env.company
        if not day:
            day = self._pricing_local_date(fields.Datetime.now(), company)
        term = client.with_company(company).property_payment_term_id
        return self._pricing_evaluate(client, company, day, term, cache)
