"""crm_pipeline_mass_mailing over XML-RPC: a reply to a mailing, processed by
the mail gateway (``mail.thread.message_process``, as Odoo's mail fetching
and ``odoo-mailgate`` call it, here with a sales team as the incoming mail
server's defaults, as a team's alias gives them), becomes a lead of that
team; with the mailing's campaign when the lead's company may have it,
without it when the campaign is another company's (the gateway bounced such
a reply before: the lead's campaign check refused it)."""

import os
import xmlrpc.client

import pytest

pytestmark = pytest.mark.addon("crm_pipeline_mass_mailing")

REPLY = """From: guest-{pid}@example.com
To: {to}
Subject: {subject}
Message-ID: <reply-{subject_id}-{pid}@example.com>
References: {references}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Please send us your offer for the fair.
"""


@pytest.fixture(scope="module")
def two_companies(admin):
    """The admin's company with a team and a mailing of its campaign, and a
    second company with a team of its own."""
    pid = os.getpid()
    [me] = admin.call("res.users", "read", [admin.uid], ["company_id", "company_ids"])
    home_id = me["company_id"][0]
    other_id = admin.call("res.company", "create", {"name": f"RPC Reply Co {pid}"})
    admin.call("res.users", "write", [admin.uid], {"company_ids": [(4, other_id)]})
    teams = {}
    for company_id, name in ((home_id, "home"), (other_id, "other")):
        team_id = admin.call(
            "crm.team",
            "create",
            {
                "name": f"RPC Reply team {name} {pid}",
                "company_id": company_id,
                "use_leads": True,
            },
        )
        teams[company_id] = team_id
    campaign_id = admin.call(
        "utm.campaign", "create", {"title": f"RPC Reply fair {pid}", "company_id": home_id}
    )
    mailing_id = admin.call(
        "mailing.mailing",
        "create",
        {
            "subject": f"RPC Reply invitation {pid}",
            "body_html": "<p>Come to the fair</p>",
            "mailing_model_id": admin.call("ir.model", "search", [("model", "=", "res.partner")])[
                0
            ],
            "campaign_id": campaign_id,
        },
    )
    trace_message_id = f"<rpc-reply-mailing-{pid}@example.com>"
    admin.call(
        "mailing.trace",
        "create",
        {
            "mass_mailing_id": mailing_id,
            "model": "res.partner",
            "res_id": admin.call("res.users", "read", [admin.uid], ["partner_id"])[0]["partner_id"][
                0
            ],
            "email": f"guest-{pid}@example.com",
            "message_id": trace_message_id,
            "trace_status": "sent",
        },
    )
    return home_id, other_id, teams, campaign_id, trace_message_id


def _reply(admin, team_id, subject, references):
    pid = os.getpid()
    message = REPLY.format(
        pid=pid,
        to="sales@example.com",
        subject=subject,
        subject_id=subject.replace(" ", "-"),
        references=references,
    )
    lead_id = admin.call(
        "mail.thread", "message_process", "crm.lead", message, {"team_id": team_id}
    )
    assert lead_id, "the gateway created no lead"
    [lead] = admin.call(
        "crm.lead", "read", [lead_id], ["name", "team_id", "company_id", "campaign_id"]
    )
    assert lead["name"] == subject
    return lead


def test_reply_to_another_companys_team_becomes_a_lead(admin, two_companies):
    home_id, other_id, teams, campaign_id, trace_message_id = two_companies
    team_id = teams[other_id]
    lead = _reply(admin, team_id, f"RPC reply other {os.getpid()}", trace_message_id)
    assert lead["team_id"][0] == team_id
    assert lead["company_id"][0] == other_id
    assert lead["campaign_id"] is False


def test_reply_to_the_campaigns_company_keeps_the_campaign(admin, two_companies):
    home_id, other_id, teams, campaign_id, trace_message_id = two_companies
    team_id = teams[home_id]
    lead = _reply(admin, team_id, f"RPC reply home {os.getpid()}", trace_message_id)
    assert lead["team_id"][0] == team_id
    assert lead["company_id"][0] == home_id
    assert lead["campaign_id"][0] == campaign_id


def test_gateway_values_follow_the_write_policy(admin, employee, two_companies):
    """Any employee calls the gateway over XML-RPC, and Odoo creates the record
    from their ``custom_values`` as superuser: the write policy checks them as
    the employee's values at creation. A task born done is refused (and
    nothing is created); a team as a lead's default is accepted, as before."""
    home_id, other_id, teams, campaign_id, trace_message_id = two_companies
    pid = os.getpid()
    partner_id = admin.call("res.partner", "create", {"name": f"RPC gateway client {pid}"})
    subject = f"RPC gateway task born done {pid}"
    message = REPLY.format(
        pid=pid,
        to="nobody@example.com",
        subject=subject,
        subject_id=subject.replace(" ", "-"),
        references="",
    )
    with pytest.raises(xmlrpc.client.Fault, match="cannot be written directly"):
        employee.call(
            "mail.thread",
            "message_process",
            "crm.task",
            message,
            {"state": "done_confirmed", "partner_id": partner_id},
        )
    assert not admin.call("crm.task", "search", [("name", "=", subject)])
    subject = f"RPC gateway lead of a team {pid}"
    message = REPLY.format(
        pid=pid,
        to="nobody@example.com",
        subject=subject,
        subject_id=subject.replace(" ", "-"),
        references="",
    )
    lead_id = employee.call(
        "mail.thread", "message_process", "crm.lead", message, {"team_id": teams[home_id]}
    )
    [lead] = admin.call("crm.lead", "read", [lead_id], ["name", "team_id", "activation_state"])
    assert (lead["name"], lead["team_id"][0], lead["activation_state"]) == (
        subject,
        teams[home_id],
        "inactive",
    )
