"""A step of the chain over XML-RPC: its type is not archived, its to-do is not
marked done or deleted on its own (fault 2, the step keeps its to-do)."""

import datetime
import xmlrpc.client

import pytest

pytestmark = pytest.mark.addon("crm_pipeline")


def _fault(call):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call()
    return caught.value


def test_chain_step_type_not_archived(admin, sales_manager):
    type_id = admin.call(
        "crm.responsibility.type", "search", [("kind", "=", "contact_prospect")], limit=1
    )[0]
    fault = _fault(
        lambda: sales_manager.call("crm.responsibility.type", "action_archive", [type_id])
    )
    assert fault.faultCode == 2, fault.faultString
    assert "cannot be archived" in fault.faultString
    assert admin.call("crm.responsibility.type", "read", [type_id], ["active"])[0]["active"]


def test_step_todo_not_done_alone(admin, salesman):
    lead_id = admin.call(
        "crm.lead", "create", {"name": "RPC step to-do", "type": "opportunity", "user_id": False}
    )
    deadline = (datetime.datetime.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%d")
    admin.call("crm.lead", "activate", [lead_id], salesman.uid, deadline)
    step = admin.call(
        "crm.lead.responsibility",
        "search_read",
        [("lead_id", "=", lead_id), ("state", "=", "assigned")],
        ["activity_id"],
    )[0]
    activity_id = step["activity_id"][0]
    for method in ("action_feedback", "action_done", "unlink"):
        fault = _fault(lambda method=method: salesman.call("mail.activity", method, [activity_id]))
        assert fault.faultCode == 2, fault.faultString
        assert "complete the responsibility on its lead instead" in fault.faultString
    assert admin.call("mail.activity", "search_count", [("id", "=", activity_id)]) == 1
