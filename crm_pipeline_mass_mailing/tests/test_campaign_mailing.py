from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCampaignMailing(TransactionCase):
    """A campaign's mailings, recipients and replies, and the replies among its
    responses, on known traces."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="campmail_sales", groups="sales_team.group_sale_salesman"
        )
        cls.employee = new_test_user(cls.env, login="campmail_employee", groups="base.group_user")
        cls.campaign = cls.env["utm.campaign"].create({"title": "Mailed fair"})
        cls.other = cls.env["utm.campaign"].create({"title": "Quiet fair"})
        cls.env["crm.lead"].create(
            {"name": "Fair lead", "campaign_id": cls.campaign.id, "user_id": cls.salesman.id}
        )
        partners = cls.env["res.partner"].create(
            [{"name": f"Fair guest {i}", "email": f"guest{i}@example.com"} for i in range(5)]
        )
        partner_model = cls.env["ir.model"]._get_id("res.partner")
        mailings = cls.env["mailing.mailing"].create(
            [
                {
                    "subject": subject,
                    "body_html": "<p>Come to the fair</p>",
                    "mailing_model_id": partner_model,
                    "campaign_id": cls.campaign.id,
                }
                for subject in ("Invitation", "Reminder")
            ]
        )
        statuses = [
            (mailings[0], ("sent", "open", "reply", "cancel")),
            (mailings[1], ("reply",)),
        ]
        cls.env["mailing.trace"].create(
            [
                {
                    "mass_mailing_id": mailing.id,
                    "model": "res.partner",
                    "res_id": partner.id,
                    "email": partner.email,
                    "trace_status": status,
                }
                for mailing, trace_statuses in statuses
                for partner, status in zip(partners, trace_statuses, strict=False)
            ]
        )

    def test_mailing_figures(self):
        campaign = self.campaign.with_user(self.salesman)
        # two mailings; four recipients (the cancelled one is none); two replies
        self.assertEqual(
            (
                campaign.mailing_count,
                campaign.mailing_recipient_count,
                campaign.mailing_reply_count,
            ),
            (2, 4, 2),
        )
        other = self.other.with_user(self.salesman)
        self.assertEqual((other.mailing_count, other.mailing_reply_count), (0, 0))

    def test_replies_are_responses(self):
        # the salesperson's lead and the two replies
        self.assertEqual(self.campaign.with_user(self.salesman).response_count, 3)
        self.assertEqual(self.other.with_user(self.salesman).response_count, 0)

    def test_figures_are_for_sales_users(self):
        with self.assertRaises(AccessError):
            self.campaign.with_user(self.employee).read(["mailing_reply_count"])
        # salespeople count without reading the traces themselves
        with self.assertRaises(AccessError):
            self.env["mailing.trace"].with_user(self.salesman).search([])
