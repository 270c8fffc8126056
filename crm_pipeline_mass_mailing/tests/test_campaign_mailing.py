from lxml import etree

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


@tagged("post_install", "-at_install")
class TestCampaignFormAccess(TransactionCase):
    """Sales users open a campaign as the web client does (its views, then a
    web_read of every field they show) without email marketing rights: the A/B
    test figures of Odoo's email marketing, computed from the mailings, are not
    on their views."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="campform_sales", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env, login="campform_manager", groups="sales_team.group_sale_manager"
        )
        cls.mailer = new_test_user(
            cls.env,
            login="campform_mailer",
            groups="sales_team.group_sale_salesman,mass_mailing.group_mass_mailing_user,"
            "mass_mailing.group_mass_mailing_campaign",
        )
        cls.campaign = cls.env["utm.campaign"].create({"title": "A/B tested fair"})
        cls.env["mailing.mailing"].create(
            {
                "subject": "Invitation",
                "body_html": "<p>Come to the fair</p>",
                "mailing_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "campaign_id": cls.campaign.id,
                "ab_testing_enabled": True,
            }
        )

    def _open(self, user, view_type):
        """The campaign's fields that ``user``'s ``view_type`` view shows (its
        field nodes, not those of the lists inside it), read as the web client
        reads them: many2one with their name, x2many as ids."""
        campaign = self.campaign.with_user(user)
        view = campaign.get_views([(False, view_type)])["views"][view_type]
        names = {
            node.get("name")
            for node in etree.fromstring(view["arch"]).iter("field")
            if not any(parent.tag == "field" for parent in node.iterancestors())
        }
        spec = {
            name: {"fields": {"display_name": {}}}
            if campaign._fields[name].type == "many2one"
            else {}
            for name in names
        }
        campaign.invalidate_recordset()
        return names, campaign.web_read(spec)[0]

    def test_sales_users_open_a_campaign(self):
        for user in (self.salesman, self.manager):
            for view_type in ("form", "list", "kanban"):
                with self.subTest(user=user.login, view_type=view_type):
                    names, values = self._open(user, view_type)
                    self.assertEqual(values["id"], self.campaign.id)
                    self.assertNotIn("ab_testing_mailings_count", names)

    def test_with_mailing_campaigns_setting(self):
        """Email Marketing's "Mailing Campaigns" setting gives its group to every
        employee: the A/B test block stays for email marketing users."""
        group = self.env.ref("mass_mailing.group_mass_mailing_campaign")
        self.salesman.groups_id = [(4, group.id)]
        self.manager.groups_id = [(4, group.id)]
        for user in (self.salesman, self.manager):
            with self.subTest(user=user.login):
                names, values = self._open(user, "form")
                self.assertNotIn("ab_testing_mailings_count", names)
                self.assertNotIn("ab_testing_winner_selection", names)

    def test_email_marketing_users_keep_the_ab_test(self):
        names, values = self._open(self.mailer, "form")
        self.assertIn("ab_testing_winner_selection", names)
        self.assertEqual(values["ab_testing_mailings_count"], 1)
        self.assertEqual(values["mailing_mail_count"], 1)
