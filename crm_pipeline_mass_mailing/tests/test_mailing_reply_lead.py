from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm.tests.common import TestCrmCommon

REPLY_EMAIL = """Return-Path: {return_path}
From: {email_from}
To: {to}
Subject: {subject}
Message-ID: {msg_id}
References: {references}
Date: Mon, 7 Dec 2026 10:00:00 +0200
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Please send us your offer for the fair.
"""


@tagged("post_install", "-at_install")
class TestMailingReplyLead(TestCrmCommon):
    """A reply to a mailing that reaches a sales team's alias becomes a lead,
    with the mailing's campaign when the lead's company may have it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._activate_multi_company()
        cls.team_company2.alias_name = "sales.c2"
        cls.source = cls.env["utm.source"].create({"name": "Fair invitation"})
        cls.campaign_main = cls.env["utm.campaign"].create(
            {"title": "Main fair", "company_id": cls.company_main.id}
        )
        cls.campaign_shared = cls.env["utm.campaign"].create(
            {"title": "Shared fair", "company_id": False}
        )
        partner_model = cls.env["ir.model"]._get_id("res.partner")
        cls.traces = {}
        for campaign in (cls.campaign_main, cls.campaign_shared):
            mailing = cls.env["mailing.mailing"].create(
                {
                    "subject": f"Invitation to the {campaign.title}",
                    "body_html": "<p>Come to the fair</p>",
                    "mailing_model_id": partner_model,
                    "campaign_id": campaign.id,
                    "source_id": cls.source.id,
                }
            )
            cls.traces[campaign] = cls.env["mailing.trace"].create(
                {
                    "mass_mailing_id": mailing.id,
                    "model": "res.partner",
                    "res_id": cls.env.user.partner_id.id,
                    "email": "guest@example.com",
                    "message_id": f"<mailing-{campaign.id}-reply-test@example.com>",
                    "trace_status": "sent",
                }
            )

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def _reply(self, campaign, team, subject):
        return self.format_and_process(
            REPLY_EMAIL,
            "guest@example.com",
            team.alias_email,
            subject=subject,
            references=self.traces[campaign].message_id,
            target_model="crm.lead",
        )

    def test_reply_to_another_company_team(self):
        # company A's mailing, replied to company B's team: the lead is
        # created in company B, without company A's campaign (refused before)
        lead = self._reply(self.campaign_main, self.team_company2, "Fair offer C2")
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.team_id, self.team_company2)
        self.assertEqual(lead.company_id, self.company_2)
        self.assertFalse(lead.campaign_id)
        self.assertEqual(lead.source_id, self.source)
        self.assertEqual(self.traces[self.campaign_main].trace_status, "reply")

    def test_reply_to_own_company_team(self):
        lead = self._reply(self.campaign_main, self.sales_team_1, "Fair offer main")
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.company_id, self.company_main)
        self.assertEqual(lead.campaign_id, self.campaign_main)
        self.assertEqual(lead.source_id, self.source)

    def test_reply_with_shared_campaign(self):
        lead = self._reply(self.campaign_shared, self.team_company2, "Shared fair offer C2")
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.company_id, self.company_2)
        self.assertEqual(lead.campaign_id, self.campaign_shared)

    def test_alias_campaign_kept(self):
        # a campaign set by the alias's defaults is not replaced
        self.team_company2.alias_id.sudo().alias_defaults = repr(
            {"team_id": self.team_company2.id, "campaign_id": self.campaign_shared.id}
        )
        lead = self._reply(self.campaign_main, self.team_company2, "Alias campaign C2")
        self.assertEqual(lead.campaign_id, self.campaign_shared)
