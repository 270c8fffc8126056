from odoo import api, models, tools


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """Odoo's, except for the campaign of a reply to a mailing of another
        company: email marketing gives the lead created from a reply its
        mailing's campaign, and crm_pipeline accepts on a lead only a campaign
        of the lead's company (or a shared one, Odoo's company check). A reply
        to company A's mailing reaching the alias of a company B sales team
        became a lead of company B with company A's campaign, which the check
        refuses: the mail gateway then failed to create the lead at all. Such
        a lead is created without the campaign (its source and medium, which
        have no company, are kept); a campaign given by the alias's own
        defaults is left as it is."""
        values = dict(custom_values or {})
        if "campaign_id" not in values:
            campaign = self._mailing_reply_campaign(msg_dict)
            if campaign and not self._mailing_campaign_fits(campaign, msg_dict, values):
                values["campaign_id"] = False
        return super().message_new(msg_dict, custom_values=values)

    @api.model
    def _mailing_reply_campaign(self, msg_dict):
        """The campaign email marketing gives a lead created from the email
        ``msg_dict`` (``mass_mailing``'s ``mail.thread.message_new``: the
        campaign of the first mailing trace among the references)."""
        references = msg_dict.get("references", "") or msg_dict.get("in_reply_to", "")
        message_ids = tools.mail.mail_header_msgid_re.findall(references or "")
        if not message_ids:
            return self.env["utm.campaign"]
        # sudo: only the trace's campaign is looked at, to compare its company
        # with the lead's; nothing of it is returned to the caller, and email
        # marketing's own lookup that follows runs with the caller's rights
        traces = self.env["mailing.trace"].sudo()
        trace = traces.search([("message_id", "in", message_ids)], limit=1)
        return trace.campaign_id

    @api.model
    def _mailing_campaign_fits(self, campaign, msg_dict, values):
        """Whether ``campaign`` may be the campaign of the lead the gateway
        creates from ``msg_dict`` and the alias's ``values``: it is shared, or
        the lead has no company yet (crm_pipeline then files it in the
        campaign's company), or Odoo's company check accepts it for the
        lead's company, computed as the lead's creation will compute it (its
        sales team's, its customer's)."""
        # sudo: the campaign's company only, compared with the lead's
        campaign = campaign.sudo()
        if not campaign.company_id:
            return True
        lead = self.with_context(default_user_id=False).new(
            {
                "partner_id": msg_dict.get("author_id") or False,
                **{name: value for name, value in values.items() if name in self._fields},
            }
        )
        company = lead.company_id
        if not company:
            return True
        return bool(campaign.filtered_domain(campaign._check_company_domain(company)))
