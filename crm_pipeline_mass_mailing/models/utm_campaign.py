from odoo import api, fields, models


class UtmCampaign(models.Model):
    """With Odoo's email marketing installed, a campaign's mailings, their
    recipients and the replies show in its results, and each reply counts as a
    response next to the campaign's leads."""

    _inherit = "utm.campaign"

    response_count = fields.Integer(
        help="Leads and opportunities of the campaign, lost ones included, plus the "
        "replies to its mailings."
    )
    mailing_count = fields.Integer(
        string="Mailings",
        compute="_compute_mailing_figures",
        groups="sales_team.group_sale_salesman",
        help="Mailings of the campaign (any state).",
    )
    mailing_recipient_count = fields.Integer(
        string="Recipients",
        compute="_compute_mailing_figures",
        groups="sales_team.group_sale_salesman",
        help="Recipients of the campaign's mailings, cancelled ones excluded (one per "
        "mailing and recipient).",
    )
    mailing_reply_count = fields.Integer(
        string="Replies",
        compute="_compute_mailing_figures",
        groups="sales_team.group_sale_salesman",
        help="Recipients who replied to one of the campaign's mailings.",
    )

    def _mailing_figures(self):
        """{campaign id: (mailings, recipients, replies)}.

        sudo: the figures are the campaign's, whoever follows its results
        (salespeople have no email marketing rights); only counts leave here.
        """
        ids = [campaign_id for campaign_id in self.ids if campaign_id]
        figures = {campaign_id: [0, 0, 0] for campaign_id in ids}
        if not ids:
            return figures
        mailings = self.env["mailing.mailing"].sudo().with_context(active_test=False)
        for campaign, count in mailings._read_group(
            [("campaign_id", "in", ids)], ["campaign_id"], ["__count"]
        ):
            figures[campaign.id][0] = count
        traces = self.env["mailing.trace"].sudo()
        for campaign, status, count in traces._read_group(
            [("campaign_id", "in", ids), ("trace_status", "!=", "cancel")],
            ["campaign_id", "trace_status"],
            ["__count"],
        ):
            figures[campaign.id][1] += count
            if status == "reply":
                figures[campaign.id][2] += count
        return figures

    def _compute_mailing_figures(self):
        figures = self._mailing_figures()
        for campaign in self:
            mailings, recipients, replies = figures.get(campaign.id, (0, 0, 0))
            campaign.mailing_count = mailings
            campaign.mailing_recipient_count = recipients
            campaign.mailing_reply_count = replies

    @api.depends_context("uid")
    def _compute_campaign_results(self):
        res = super()._compute_campaign_results()
        figures = self._mailing_figures()
        for campaign in self:
            campaign.response_count += figures.get(campaign.id, (0, 0, 0))[2]
        return res
