from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from odoo.addons.crm_suite_base.models.policy import FREE, check_one, writable

CAMPAIGN_TYPES = [
    ("conference", "Conference"),
    ("webinar", "Webinar"),
    ("trade_show", "Trade Show"),
    ("public_relations", "Public Relations"),
    ("partners", "Partners"),
    ("referral_program", "Referral Program"),
    ("advertisement", "Advertisement"),
    ("banner_ads", "Banner Ads"),
    ("direct_mail", "Direct Mail"),
    ("email", "E-mail"),
    ("telemarketing", "Telemarketing"),
    ("other", "Other"),
]


class UtmCampaign(models.Model):
    """Campaign planning and results: audience, budget and cost, expected and
    actual responses, sales and revenue, and the return on investment."""

    _name = "utm.campaign"
    _inherit = ["utm.campaign", "crm.write.policy.mixin"]
    # planning figures: finite (the policy) and not negative (the constraint)
    _crm_write_policy = {
        "target_audience": FREE,
        "audience_size": FREE,
        "product_id": FREE,
        "budget": FREE,
        "actual_cost": FREE,
        "expected_response_count": FREE,
        "expected_sale_count": FREE,
        "expected_revenue": FREE,
        "campaign_type": FREE,
        "sponsor": FREE,
        "expected_close_date": FREE,
        "expected_response_rate": writable(bounds=(0.0, 100.0)),
        "team_id": FREE,
    }

    campaign_type = fields.Selection(CAMPAIGN_TYPES, string="Type", index=True)
    sponsor = fields.Char()
    expected_close_date = fields.Date()
    expected_response_rate = fields.Float(
        string="Expected Response Rate (%)",
        aggregator="avg",
        help="Share of the audience expected to respond, from 0 to 100.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Responsible Team",
        ondelete="set null",
        index="btree_not_null",
        help="The sales team that follows up the campaign's responses.",
    )

    target_audience = fields.Text()
    audience_size = fields.Integer()
    product_id = fields.Many2one("product.product", string="Promoted Product")
    figures_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_figures_currency_id",
        help="The currency of the budget, cost and revenues: the campaign company's, or "
        "the current company's for a campaign without company.",
    )
    budget = fields.Monetary(currency_field="figures_currency_id")
    # what was spent on this campaign: a duplicate (next year's edition) has
    # spent nothing yet (its ROI would start at -100 %); the plan (audience,
    # budget, expected figures) is copied
    actual_cost = fields.Monetary(currency_field="figures_currency_id", copy=False)
    expected_response_count = fields.Integer(string="Expected Responses")
    expected_sale_count = fields.Integer(string="Planned Sales")
    expected_revenue = fields.Monetary(currency_field="figures_currency_id")
    response_count = fields.Integer(
        string="Responses",
        compute="_compute_campaign_results",
        groups="sales_team.group_sale_salesman",
        help="Leads and opportunities of the campaign, lost ones included.",
    )
    sale_count = fields.Integer(
        string="Sales",
        compute="_compute_campaign_results",
        groups="sales_team.group_sale_salesman",
        help="Confirmed orders of the campaign, plus won opportunities without one.",
    )
    revenue = fields.Monetary(
        currency_field="figures_currency_id",
        compute="_compute_campaign_results",
        groups="sales_team.group_sale_salesman",
        help="Untaxed amount of the confirmed orders (at each order's rate) plus the "
        "expected revenue of won opportunities without a confirmed order, in the "
        "campaign's company currency (the current company's for a campaign without "
        "company).",
    )
    expected_roi = fields.Float(
        string="Expected ROI (%)",
        compute="_compute_roi",
        help="(Expected revenue - budget) / budget.",
    )
    roi = fields.Float(
        string="ROI (%)",
        compute="_compute_roi",
        groups="sales_team.group_sale_salesman",
        help="(Revenue - actual cost) / actual cost.",
    )

    @api.constrains(
        "budget",
        "actual_cost",
        "audience_size",
        "expected_revenue",
        "expected_response_count",
        "expected_sale_count",
    )
    def _check_campaign_figures(self):
        names = (
            "budget",
            "actual_cost",
            "audience_size",
            "expected_revenue",
            "expected_response_count",
            "expected_sale_count",
        )
        for campaign in self:
            # the labels in the user's language, as the message around them
            negative = [
                self._fields[n]._description_string(self.env) for n in names if campaign[n] < 0
            ]
            if negative:
                raise ValidationError(
                    self.env._(
                        "Campaign %(campaign)s: %(fields)s cannot be negative.",
                        campaign=campaign.title,
                        fields=", ".join(negative),
                    )
                )

    @api.constrains("team_id", "company_id")
    def _check_team_company(self):
        for campaign in self:
            team_company = campaign.team_id.company_id
            if team_company and campaign.company_id and team_company != campaign.company_id:
                raise ValidationError(
                    self.env._(
                        "Campaign %(campaign)s belongs to %(company)s: its responsible team "
                        "%(team)s belongs to %(team_company)s.",
                        campaign=campaign.title,
                        company=campaign.company_id.name,
                        team=campaign.team_id.name,
                        team_company=team_company.name,
                    )
                )

    @api.depends("currency_id")
    @api.depends_context("company")
    def _compute_figures_currency_id(self):
        for campaign in self:
            campaign.figures_currency_id = campaign._figures_currency()

    def _figures_currency(self):
        """The currency the campaign's figures are in and its results are converted
        to: Odoo's ``currency_id`` is its company's, empty without company; the
        current company's then, as for the conversion's company."""
        self.ensure_one()
        return self.currency_id or (self.company_id or self.env.company).currency_id

    def _order_results(self):
        """{campaign id: (count, amount in campaign currency)} of confirmed orders
        the user may read (record rules apply through ``_search``)."""
        query = self.env["sale.order"]._search(
            [("campaign_id", "in", self.ids), ("state", "=", "sale")]
        )
        self.env["sale.order"].flush_model(["amount_untaxed", "currency_rate", "company_id"])
        rows = self.env.execute_query(
            SQL(
                "SELECT so.campaign_id, company.currency_id, COUNT(*), "
                "SUM(so.amount_untaxed / NULLIF(so.currency_rate, 0)) "
                "FROM sale_order so JOIN res_company company ON company.id = so.company_id "
                "WHERE so.id IN %s GROUP BY so.campaign_id, company.currency_id",
                query.subselect(),
            )
        )
        results = {}
        today = fields.Date.context_today(self)
        for campaign_id, currency_id, count, amount in rows:
            campaign = self.browse(campaign_id)
            converted = (
                self.env["res.currency"]
                .browse(currency_id)
                ._convert(
                    amount or 0.0,
                    campaign._figures_currency(),
                    campaign.company_id or self.env.company,
                    today,
                )
            )
            total_count, total = results.get(campaign_id, (0, 0.0))
            results[campaign_id] = (total_count + count, total + converted)
        return results

    def _won_results(self):
        """{campaign id: (count, amount in campaign currency)} of the won
        opportunities whose revenue is not already in a confirmed order, that the
        user may read. Expected revenues are in each lead's company currency:
        summed by company, converted at today's rate."""
        groups = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group(
                [
                    ("campaign_id", "in", self.ids),
                    ("active", "=", True),
                    ("probability", "=", 100),
                    ("order_ids", "not any", [("state", "=", "sale")]),
                ],
                ["campaign_id", "company_id"],
                ["__count", "expected_revenue:sum"],
            )
        )
        results = {}
        today = fields.Date.context_today(self)
        for campaign, company, count, amount in groups:
            # a lead without company is in the current company's currency (crm.lead's
            # company_currency)
            currency = company.currency_id or self.env.company.currency_id
            converted = currency._convert(
                amount or 0.0,
                campaign._figures_currency(),
                campaign.company_id or self.env.company,
                today,
            )
            total_count, total = results.get(campaign.id, (0, 0.0))
            results[campaign.id] = (total_count + count, total + converted)
        return results

    @api.depends_context("uid")
    def _compute_campaign_results(self):
        Lead = self.env["crm.lead"].with_context(active_test=False)
        responses = dict(
            Lead._read_group([("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"])
        )
        won = self._won_results()
        orders = self._order_results()
        for campaign in self:
            won_count, won_amount = won.get(campaign.id, (0, 0.0))
            order_count, order_amount = orders.get(campaign.id, (0, 0.0))
            campaign.response_count = responses.get(campaign, 0)
            campaign.sale_count = won_count + order_count
            campaign.revenue = won_amount + order_amount

    @api.depends("budget", "expected_revenue", "actual_cost")
    @api.depends_context("uid")
    def _compute_roi(self):
        can_see_results = self.env.user.has_group("sales_team.group_sale_salesman")
        for campaign in self:
            campaign.expected_roi = (
                (campaign.expected_revenue - campaign.budget) / campaign.budget * 100.0
                if campaign.budget
                else 0.0
            )
            if can_see_results:
                campaign.roi = (
                    (campaign.revenue - campaign.actual_cost) / campaign.actual_cost * 100.0
                    if campaign.actual_cost
                    else 0.0
                )

    def action_view_campaign_orders(self):
        check_one(self)
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action.update(
            domain=[("campaign_id", "=", self.id), ("state", "=", "sale")],
            context={"default_campaign_id": self.id},
        )
        return action
