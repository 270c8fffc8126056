"""crm_pipeline over XML-RPC: a salesman logs an interaction and creates a task;
another salesman cannot read them. The calls are the ones in
crm_pipeline/readme/USAGE.md ("Interactions and tasks")."""

import base64
import xmlrpc.client
from datetime import datetime, timedelta, timezone

import pytest

pytestmark = pytest.mark.addon("crm_pipeline")

ACCESS_ERROR = 4  # Odoo's XML-RPC fault code for an AccessError


@pytest.fixture(scope="module")
def client_and_lead(admin, salesman):
    company_id = admin.call(
        "res.partner", "create", {"name": "RPC Interactions Client SA", "is_company": True}
    )
    person_id = admin.call("res.partner", "create", {"name": "Ioana RPC", "parent_id": company_id})
    lead_id = salesman.call(
        "crm.lead", "create", {"name": "RPC interactions lead", "partner_id": person_id}
    )
    return company_id, person_id, lead_id


def test_salesman_logs_an_interaction(salesman, salesman_b, client_and_lead):
    company_id, person_id, lead_id = client_and_lead
    call, uid = salesman.call, salesman.uid

    interaction_id = call(
        "crm.interaction",
        "create",
        {
            "lead_id": lead_id,  # the client follows from the lead's customer
            "interaction_type": "visit",  # call | meeting | visit | email | video_call | other
            "duration": 1.5,  # hours
            "notes": "<p>Showed the samples, they want an offer.</p>",
        },
    )
    mine = call(
        "crm.interaction",
        "search_read",
        [("user_id", "=", uid), ("in_current_month", "=", True)],
        fields=["partner_id", "contact_id", "lead_id", "interaction_type", "duration", "date"],
    )
    logged = next(r for r in mine if r["id"] == interaction_id)
    assert logged["partner_id"][0] == company_id  # the commercial partner
    assert logged["lead_id"][0] == lead_id
    assert logged["interaction_type"] == "visit"
    assert logged["duration"] == 1.5
    assert logged["date"]  # defaults to now

    # the client given directly (a contact person is filed on their company)
    other_id = call(
        "crm.interaction",
        "create",
        {"partner_id": person_id, "interaction_type": "call", "date": "2026-01-15 09:30:00"},
    )
    [other] = call("crm.interaction", "read", [other_id], ["partner_id", "contact_id"])
    assert other["partner_id"][0] == company_id
    assert other["contact_id"][0] == person_id

    # counts on the lead and on the client
    [lead] = call("crm.lead", "read", [lead_id], ["crm_interaction_count"])
    assert lead["crm_interaction_count"] == 1
    [partner] = call("res.partner", "read", [company_id], ["crm_interaction_count"])
    assert partner["crm_interaction_count"] == 2

    # a negative duration is refused
    with pytest.raises(xmlrpc.client.Fault, match="between 0 and"):
        call("crm.interaction", "write", [interaction_id], {"duration": -1})

    # salesman B can neither find nor read it
    assert not salesman_b.call("crm.interaction", "search", [("id", "=", interaction_id)])
    with pytest.raises(xmlrpc.client.Fault, match="have 'read' access") as exc:
        salesman_b.call("crm.interaction", "read", [interaction_id], ["notes"])
    assert exc.value.faultCode == ACCESS_ERROR


def test_salesman_creates_a_task(salesman, salesman_b, client_and_lead):
    company_id, _person_id, lead_id = client_and_lead
    call = salesman.call

    task_id = call(
        "crm.task",
        "create",
        {
            "name": "Offer for 40 workstations",
            "kind": "offer",  # new_contract | offer | sample | test_product | invoice | other
            "lead_id": lead_id,  # and/or "partner_id"
            "user_id": salesman.uid,  # the assignee (notified when it is someone else)
            "date_deadline": "2030-12-01",
        },
    )
    # attach a document through the chatter
    attachment_id = call(
        "ir.attachment",
        "create",
        {
            "name": "offer.txt",
            "datas": base64.b64encode(b"40 workstations").decode(),
            "res_model": "crm.task",
            "res_id": task_id,
        },
    )
    message_id = call(
        "crm.task", "message_post", [task_id], body="Draft offer", attachment_ids=[attachment_id]
    )
    [message] = call("mail.message", "read", [message_id], ["attachment_ids"])
    assert message["attachment_ids"] == [attachment_id]

    def state():
        return call("crm.task", "read", [task_id], ["state"])[0]["state"]

    assert call("crm.task", "action_start", [task_id]) is True
    assert state() == "in_progress"
    assert call("crm.task", "action_develop", [task_id]) is True
    assert state() == "in_development"
    assert call("crm.task", "action_confirm_done", [task_id]) is True
    [task] = call("crm.task", "read", [task_id], ["state", "partner_id", "is_closed"])
    assert task["state"] == "done_confirmed"
    assert task["is_closed"] is True
    assert task["partner_id"][0] == company_id
    with pytest.raises(xmlrpc.client.Fault, match="Cannot move"):
        call("crm.task", "action_start", [task_id])
    assert call("crm.task", "action_reopen", [task_id]) is True
    assert state() == "in_progress"
    assert call("crm.task", "action_reject", [task_id]) is True
    assert state() == "done_rejected"

    [lead] = call("crm.lead", "read", [lead_id], ["crm_interaction_count", "crm_task_count"])
    assert lead["crm_task_count"] == 1
    [partner] = call(
        "res.partner", "read", [company_id], ["crm_interaction_count", "crm_task_count"]
    )
    assert partner["crm_task_count"] == 1

    # a task needs a client or a lead
    with pytest.raises(xmlrpc.client.Fault, match="needs a client or a lead"):
        call("crm.task", "create", {"name": "Nowhere", "kind": "other"})

    # salesman B can neither find nor read it
    assert not salesman_b.call("crm.task", "search", [("id", "=", task_id)])
    with pytest.raises(xmlrpc.client.Fault, match="have 'read' access") as exc:
        salesman_b.call("crm.task", "read", [task_id], ["name"])
    assert exc.value.faultCode == ACCESS_ERROR


def test_assignee_is_notified_on_reassignment(salesman, salesman_b, client_and_lead):
    company_id, _person_id, _lead_id = client_and_lead
    task_id = salesman.call(
        "crm.task",
        "create",
        {"name": "Fabric samples", "kind": "sample", "partner_id": company_id},
    )
    # reassign: the new assignee is subscribed and notified
    salesman.call("crm.task", "write", [task_id], {"user_id": salesman_b.uid})
    # B finds the notification in their inbox (only its recipients can read it)
    [b_user] = salesman_b.call("res.users", "read", [salesman_b.uid], ["partner_id"])
    notes = salesman_b.call(
        "mail.message",
        "search_read",
        [
            ("model", "=", "crm.task"),
            ("res_id", "=", task_id),
            ("message_type", "=", "user_notification"),
            ("partner_ids", "in", [b_user["partner_id"][0]]),
        ],
        fields=["subject", "body"],
    )
    assert len(notes) == 1
    assert "Fabric samples" in notes[0]["subject"]
    assert "Sample" in notes[0]["body"]
    # B works on it; the salesman who assigned it still follows it
    assert salesman_b.call("crm.task", "action_start", [task_id]) is True
    [task] = salesman.call("crm.task", "read", [task_id], ["state", "message_partner_ids"])
    assert task["state"] == "in_progress"
    assert b_user["partner_id"][0] in task["message_partner_ids"]


def test_contacts_logged_on_a_lead_without_customer(salesman, admin):
    """A prospect's history is kept on its lead: a lead imported or created
    from a tax ID has no customer yet, and its contacts are logged all the same
    (as its tasks are); once the lead gets a customer, they are filed on it."""
    call = salesman.call
    lead_id = call("crm.lead", "create", {"name": "RPC prospect", "partner_name": "RPC Frig SRL"})
    first_contact = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    assert call("crm.lead", "activate", [lead_id], salesman.uid, first_contact) is True
    [lead] = call("crm.lead", "read", [lead_id], ["open_responsibility_id", "partner_id"])
    assert lead["partner_id"] is False
    step_id = lead["open_responsibility_id"][0]

    interaction_id = call(
        "crm.interaction",
        "create",
        {"responsibility_id": step_id, "interaction_type": "call", "duration": 0.5},
    )
    [logged] = call(
        "crm.interaction", "read", [interaction_id], ["partner_id", "lead_id", "display_name"]
    )
    assert logged["partner_id"] is False
    assert logged["lead_id"][0] == lead_id
    assert logged["display_name"] == "Call: RPC prospect"
    [step] = call("crm.lead.responsibility", "read", [step_id], ["interaction_ids"])
    assert step["interaction_ids"] == [interaction_id]
    [lead] = call("crm.lead", "read", [lead_id], ["crm_interaction_count"])
    assert lead["crm_interaction_count"] == 1
    # grouped by client, as the Client grouping and the boards do
    groups = call(
        "crm.interaction",
        "read_group",
        [("lead_id", "=", lead_id)],
        ["duration:sum"],
        ["partner_id"],
    )
    assert [(g["partner_id"], g["duration"]) for g in groups] == [(False, 0.5)]

    # neither a client nor a lead: refused
    with pytest.raises(xmlrpc.client.Fault, match="needs a client or a lead"):
        call("crm.interaction", "create", {"interaction_type": "call"})

    # the lead gets its customer: its contacts are filed on it
    company_id = admin.call("res.partner", "create", {"name": "RPC Frig SRL", "is_company": True})
    call("crm.lead", "write", [lead_id], {"partner_id": company_id})
    [logged] = call("crm.interaction", "read", [interaction_id], ["partner_id"])
    assert logged["partner_id"][0] == company_id


def test_contact_company_refiled_on_the_customer_the_lead_gets(salesman, admin):
    """A call logged on a prospect with a contact person of another firm is
    filed on the firm; when the prospect gets its customer, the call is filed
    on the customer (the firm's person is cleared) and can be edited."""
    call = salesman.call
    firm_id = admin.call(
        "res.partner", "create", {"name": "RPC Consulting SRL", "is_company": True}
    )
    ion_id = admin.call("res.partner", "create", {"name": "Ion RPC", "parent_id": firm_id})
    lead_id = call("crm.lead", "create", {"name": "RPC Acme", "partner_name": "RPC Acme SRL"})
    interaction_id = call(
        "crm.interaction",
        "create",
        {"lead_id": lead_id, "contact_id": ion_id, "interaction_type": "call"},
    )
    task_id = call(
        "crm.task", "create", {"name": "RPC offer", "lead_id": lead_id, "contact_id": ion_id}
    )
    [logged] = call("crm.interaction", "read", [interaction_id], ["partner_id"])
    assert logged["partner_id"][0] == firm_id

    customer_id = admin.call("res.partner", "create", {"name": "RPC Acme SRL", "is_company": True})
    call("crm.lead", "write", [lead_id], {"partner_id": customer_id})
    for model, record_id in (("crm.interaction", interaction_id), ("crm.task", task_id)):
        [record] = call(model, "read", [record_id], ["partner_id", "contact_id"])
        assert record["partner_id"][0] == customer_id
        assert record["contact_id"] is False
    # a later edit keeps it on the lead's customer
    call("crm.interaction", "write", [interaction_id], {"partner_id": customer_id, "duration": 1})
