"""Over XML-RPC: a step's to-do is not moved to another record, user or type
on its own; an administrator archives a user who holds an open step (the
step keeps waiting for a new responsible, who gets a new to-do; the lead's
sales team leader, else the administrator, gets a to-do to hand it on); the
conversion wizard's merge under "One lead per tax ID"."""

import datetime
import os
import xmlrpc.client

import pytest
from conftest import ro_cui

pytestmark = pytest.mark.addon("crm_pipeline")

REFUSED = "complete the responsibility on its lead instead"


def _fault(call):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call()
    return caught.value


def _open_step(admin, user, name):
    lead_id = admin.call(
        "crm.lead", "create", {"name": name, "type": "opportunity", "user_id": user.uid}
    )
    deadline = (datetime.datetime.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%d")
    admin.call("crm.lead", "activate", [lead_id], user.uid, deadline)
    step = admin.call(
        "crm.lead.responsibility",
        "search_read",
        [("lead_id", "=", lead_id), ("state", "=", "assigned")],
        ["activity_id"],
    )[0]
    return lead_id, step["id"], step["activity_id"][0]


def test_step_todo_not_moved_alone(admin, salesman, salesman_b):
    lead_id, _step_id, activity_id = _open_step(admin, salesman, "RPC to-do not moved")
    other_id = salesman.call(
        "crm.lead", "create", {"name": "RPC other lead", "user_id": salesman.uid}
    )
    call_type = admin.call("mail.activity.type", "search", [("category", "=", "phonecall")])
    for vals in (
        {"res_id": other_id},
        {"res_id": 2**31 - 2},
        {"res_model": "res.partner"},
        {"user_id": salesman_b.uid},
        *([{"activity_type_id": call_type[0]}] if call_type else []),
    ):
        fault = _fault(
            lambda vals=vals: salesman.call("mail.activity", "write", [activity_id], vals)
        )
        assert fault.faultCode == 2, (vals, fault.faultString)
        assert REFUSED in fault.faultString, vals
    salesman.call("crm.lead", "write", [other_id], {"active": False})
    [todo] = admin.call("mail.activity", "read", [activity_id], ["res_id", "user_id"])
    assert todo["res_id"] == lead_id
    assert todo["user_id"][0] == salesman.uid
    # its summary stays the user's
    salesman.call("mail.activity", "write", [activity_id], {"summary": "Call first"})


def _reminders(admin, lead_id):
    return admin.call(
        "mail.activity",
        "search_read",
        [
            ("res_model", "=", "crm.lead"),
            ("res_id", "=", lead_id),
            ("summary", "=like", "Hand on the responsibility of %"),
        ],
        ["summary", "user_id"],
    )


def test_archive_user_holding_a_step(admin, make_user, salesman_b, sales_manager):
    leaving = make_user(["sales_team.group_sale_salesman"], "leaving")
    lead_id, step_id, activity_id = _open_step(admin, leaving, "RPC step of a leaver")
    # another lead without a sales team: its step's reminder is the administrator's
    lone_id, _lone_step_id, _lone_activity_id = _open_step(admin, leaving, "RPC lone step")
    team_id = admin.call(
        "crm.team",
        "create",
        {"name": f"RPC hand-on team {os.getpid()}", "user_id": sales_manager.uid},
    )
    admin.call("crm.lead", "write", [lead_id], {"team_id": team_id})
    admin.call("crm.lead", "write", [lone_id], {"team_id": False})
    assert admin.call("res.users", "action_archive", [leaving.uid]) is True
    assert admin.call("mail.activity", "search_count", [("id", "=", activity_id)]) == 0
    [step] = admin.call(
        "crm.lead.responsibility", "read", [step_id], ["state", "user_id", "activity_id"]
    )
    assert step["state"] == "assigned"
    assert step["user_id"][0] == leaving.uid
    assert not step["activity_id"]
    # whoever should hand it on is reminded: the team's leader, else the administrator
    [name] = admin.call("res.users", "read", [leaving.uid], ["name"])
    summary = f"Hand on the responsibility of {name['name']}"
    for lead, user_id in ((lead_id, sales_manager.uid), (lone_id, admin.uid)):
        [reminder] = _reminders(admin, lead)
        assert reminder["summary"] == summary
        assert reminder["user_id"][0] == user_id
    [reminder] = _reminders(sales_manager, lead_id)
    sales_manager.call("crm.lead.responsibility", "write", [step_id], {"user_id": salesman_b.uid})
    [step] = admin.call("crm.lead.responsibility", "read", [step_id], ["activity_id"])
    assert step["activity_id"]
    [todo] = admin.call("mail.activity", "read", [step["activity_id"][0]], ["user_id"])
    assert todo["user_id"][0] == salesman_b.uid
    # the reminder is a plain to-do: its user marks it done
    sales_manager.call("mail.activity", "action_feedback", [reminder["id"]], feedback="handed on")
    assert not _reminders(admin, lead_id)


def test_archive_reminder_not_for_a_leader_who_cannot_read_nor_twice(admin, make_user):
    """A team leader seeing only their own documents is not reminded of (nor
    made a follower of) a lead they cannot read: the administrator is; archiving
    the user again, even with ``mail_activity_automation_skip``, keeps one
    reminder."""
    leaving = make_user(["sales_team.group_sale_salesman"], "leaving_again")
    leader = make_user(["sales_team.group_sale_salesman"], "own_docs_leader")
    lead_id, _step_id, _activity_id = _open_step(admin, leaving, "RPC step, own-docs leader")
    team_id = admin.call(
        "crm.team",
        "create",
        {"name": f"RPC own-docs team {os.getpid()}", "user_id": leader.uid},
    )
    admin.call("crm.lead", "write", [lead_id], {"team_id": team_id, "user_id": leaving.uid})
    [name] = admin.call("res.users", "read", [leaving.uid], ["name"])
    summary = f"Hand on the responsibility of {name['name']}"
    [leader_partner] = admin.call("res.users", "read", [leader.uid], ["partner_id"])
    for context in ({}, {"mail_activity_automation_skip": True}):
        assert admin.call("res.users", "action_archive", [leaving.uid], context=context) is True
        [reminder] = _reminders(admin, lead_id)
        assert reminder["summary"] == summary
        assert reminder["user_id"][0] == admin.uid
        [lead] = admin.call("crm.lead", "read", [lead_id], ["message_partner_ids"])
        assert leader_partner["partner_id"][0] not in lead["message_partner_ids"]
        admin.call("res.users", "write", [leaving.uid], {"active": True})


def test_convert_with_merge_one_lead_per_tax_id(make_sales_company):
    company = make_sales_company("Convmerge", crm_block_duplicate_vat=True)
    salesman = company["salesman"]
    vat = "RO" + ro_cui(os.getpid() * 7 + 11)
    common = {"company_id": company["company_id"], "team_id": company["team_id"]}
    head_id = salesman.call(
        "crm.lead", "create", {"name": "RPC convert head", "probability": 90, **common}
    )
    tail_id = salesman.call(
        "crm.lead",
        "create",
        {"name": "RPC convert tail", "probability": 10, "vat": vat, **common},
    )
    context = {"active_model": "crm.lead", "active_id": head_id, "active_ids": [head_id]}
    wizard_id = salesman.call(
        "crm.lead2opportunity.partner",
        "create",
        {
            "name": "merge",
            "action": "nothing",
            "duplicated_lead_ids": [(6, 0, [head_id, tail_id])],
            "user_id": salesman.uid,
            "team_id": company["team_id"],
        },
        context=context,
    )
    salesman.call("crm.lead2opportunity.partner", "action_apply", [wizard_id], context=context)
    assert not salesman.call("crm.lead", "search", [("id", "=", tail_id)])
    [head] = salesman.call("crm.lead", "read", [head_id], ["vat", "type"])
    assert (head["vat"], head["type"]) == (vat, "opportunity")


def test_restoring_a_lost_lead_one_lead_per_tax_id(make_sales_company, expect_fault):
    """With One Lead per Tax ID, a lost lead's tax ID is free for a new lead;
    restoring the lost one while the new one is open is refused (two leads
    would have it), and allowed once the new one is lost in turn."""
    company = make_sales_company("Restore", crm_block_duplicate_vat=True)
    salesman = company["salesman"]
    vat = "RO" + ro_cui(os.getpid() * 7 + 13)
    common = {"company_id": company["company_id"], "team_id": company["team_id"], "vat": vat}
    old_id = salesman.call("crm.lead", "create", {"name": "RPC old deal", **common})
    salesman.call("crm.lead", "action_set_lost", [old_id])
    new_id = salesman.call("crm.lead", "create", {"name": "RPC new deal", **common})
    # Restore in the web client (toggle_active, which answers None: XML-RPC
    # clients write active or call action_unarchive, refused before it answers)
    fault = expect_fault(salesman.call, "crm.lead", "action_unarchive", [old_id])
    assert "already exists (RPC new deal" in fault.faultString
    expect_fault(salesman.call, "crm.lead", "write", [old_id], {"active": True})
    [old] = salesman.call("crm.lead", "read", [old_id], ["active"], context={"active_test": False})
    assert old["active"] is False
    salesman.call("crm.lead", "action_set_lost", [new_id])
    salesman.call("crm.lead", "write", [old_id], {"active": True})
    [old] = salesman.call("crm.lead", "read", [old_id], ["active"])
    assert old["active"] is True
