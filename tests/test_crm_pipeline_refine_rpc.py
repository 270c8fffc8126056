"""crm_pipeline over XML-RPC: contacts logged on a step are interactions, a timed
first contact (or a meeting asked for on Complete) is a calendar event, a lead
with open tasks is not deleted. The calls are the ones in the README's
crm_pipeline API section."""

import datetime

import pytest

pytestmark = pytest.mark.addon("crm_pipeline")


def _at(days, hour):
    day = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=15, second=0, microsecond=0).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def active_lead(admin, salesman):
    partner_id = admin.call("res.partner", "create", {"name": "RPC Refine SRL", "is_company": True})
    lead_id = admin.call(
        "crm.lead",
        "create",
        {
            "name": "RPC refine lead",
            "type": "opportunity",
            "partner_id": partner_id,
            "user_id": False,
        },
    )
    salesman.call("crm.lead", "activate", [lead_id], salesman.uid, _at(2, 9))
    [lead] = salesman.call("crm.lead", "read", [lead_id], ["open_responsibility_id"])
    return partner_id, lead_id, lead["open_responsibility_id"][0]


def test_step_contacts_and_calendar_event(salesman, salesman_b, active_lead, expect_fault):
    partner_id, lead_id, resp_id = active_lead
    interaction_id = salesman.call(
        "crm.interaction", "create", {"responsibility_id": resp_id, "interaction_type": "call"}
    )
    [interaction] = salesman.call(
        "crm.interaction", "read", [interaction_id], ["lead_id", "partner_id"]
    )
    assert (interaction["lead_id"][0], interaction["partner_id"][0]) == (lead_id, partner_id)
    [resp] = salesman.call(
        "crm.lead.responsibility",
        "read",
        [resp_id],
        ["interaction_ids", "calendar_event_id", "company_id"],
    )
    assert resp["interaction_ids"] == [interaction_id]
    assert resp["company_id"]
    [lead] = salesman.call("crm.lead", "read", [lead_id], ["crm_interaction_count"])
    assert lead["crm_interaction_count"] == 1
    event_id = resp["calendar_event_id"][0]
    [event] = salesman.call("calendar.event", "read", [event_id], ["start", "user_id"])
    assert (event["start"], event["user_id"][0]) == (_at(2, 9), salesman.uid)
    salesman.call("crm.lead.responsibility", "write", [resp_id], {"deadline": _at(3, 14)})
    [event] = salesman.call("calendar.event", "read", [event_id], ["start"])
    assert event["start"] == _at(3, 14)
    # another salesperson logs nothing on this step
    expect_fault(
        salesman_b.call,
        "crm.interaction",
        "create",
        {"responsibility_id": resp_id, "interaction_type": "call"},
        codes=(3, 4),
    )


def test_lead_with_open_tasks_is_not_deleted(admin, sales_manager, active_lead, expect_fault):
    _partner_id, lead_id, _resp_id = active_lead
    task_id = admin.call("crm.task", "create", {"name": "Sample", "lead_id": lead_id})
    expect_fault(sales_manager.call, "crm.lead", "unlink", [lead_id])
    assert admin.call("crm.lead", "search_count", [("id", "=", lead_id)]) == 1
    admin.call("crm.task", "action_confirm_done", [task_id])
    assert sales_manager.call("crm.lead", "unlink", [lead_id]) is True
    [task] = admin.call("crm.task", "read", [task_id], ["lead_id", "partner_id"])
    assert not task["lead_id"] and task["partner_id"]


def test_complete_schedules_the_meeting(salesman, active_lead, expect_fault):
    """Completing the first contact with next_meeting=True puts the meeting of
    Meeting & evaluation in the next responsible's calendar at its deadline."""
    _partner_id, lead_id, resp_id = active_lead
    day = (datetime.date.today() + datetime.timedelta(days=4)).isoformat()
    fault = expect_fault(
        salesman.call,
        "crm.lead.responsibility",
        "complete",
        [resp_id],
        "next",
        "Agreed to meet",
        next_deadline=day,
        next_meeting=True,
    )
    assert "date and time of the meeting" in fault.faultString
    next_id = salesman.call(
        "crm.lead.responsibility",
        "complete",
        [resp_id],
        "next",
        "Agreed to meet",
        next_deadline=_at(4, 15),
        next_meeting=True,
    )
    [step] = salesman.call(
        "crm.lead.responsibility", "read", [next_id], ["type_id", "calendar_event_id", "lead_id"]
    )
    assert step["lead_id"][0] == lead_id
    [event] = salesman.call(
        "calendar.event",
        "read",
        [step["calendar_event_id"][0]],
        ["start", "user_id", "opportunity_id"],
    )
    assert (event["start"], event["user_id"][0], event["opportunity_id"][0]) == (
        _at(4, 15),
        salesman.uid,
        lead_id,
    )


def test_meeting_rescheduled_at_midnight_utc(salesman, salesman_b, active_lead):
    """A deadline sent with its time keeps the meeting, even at midnight UTC (19:00
    in New York); handed on, it goes with the step; a date alone removes it."""
    _partner_id, _lead_id, resp_id = active_lead
    [resp] = salesman.call("crm.lead.responsibility", "read", [resp_id], ["calendar_event_id"])
    event_id = resp["calendar_event_id"][0]
    midnight = _at(3, 0).replace(":15:00", ":00:00")
    salesman.call("crm.lead.responsibility", "write", [resp_id], {"deadline": midnight})
    [resp] = salesman.call("crm.lead.responsibility", "read", [resp_id], ["calendar_event_id"])
    assert resp["calendar_event_id"] and resp["calendar_event_id"][0] == event_id
    [event] = salesman.call("calendar.event", "read", [event_id], ["start"])
    assert event["start"] == midnight
    salesman.call("crm.lead.responsibility", "write", [resp_id], {"user_id": salesman_b.uid})
    [resp] = salesman_b.call("crm.lead.responsibility", "read", [resp_id], ["calendar_event_id"])
    assert resp["calendar_event_id"][0] == event_id
    [event] = salesman_b.call("calendar.event", "read", [event_id], ["start", "user_id"])
    assert (event["start"], event["user_id"][0]) == (midnight, salesman_b.uid)
    day = (datetime.date.today() + datetime.timedelta(days=4)).isoformat()
    salesman_b.call("crm.lead.responsibility", "write", [resp_id], {"deadline": day})
    [resp] = salesman_b.call(
        "crm.lead.responsibility", "read", [resp_id], ["calendar_event_id", "deadline"]
    )
    assert resp["calendar_event_id"] is False
    assert resp["deadline"] == f"{day} 00:00:00"


def test_step_deadline_imported_as_a_date_alone(admin, make_user):
    """``load`` (Odoo's import over XML-RPC) of a step's deadline as a date alone
    is a date alone, as ``write`` of ``YYYY-MM-DD``: the meeting goes, the deadline
    is that day at midnight UTC, whatever the importer's time zone (Odoo's import
    read it as midnight in Bucharest, a time of day, and the meeting stayed)."""
    user = make_user(["sales_team.group_sale_salesman"], name="step_import")
    user.call("res.users", "write", [user.uid], {"tz": "Europe/Bucharest"})
    lead_id = admin.call(
        "crm.lead",
        "create",
        {"name": "RPC step import lead", "type": "opportunity", "user_id": False},
    )
    user.call("crm.lead", "activate", [lead_id], user.uid, _at(2, 9))
    [lead] = user.call("crm.lead", "read", [lead_id], ["open_responsibility_id"])
    resp_id = lead["open_responsibility_id"][0]
    [resp] = user.call("crm.lead.responsibility", "read", [resp_id], ["calendar_event_id"])
    assert resp["calendar_event_id"]
    day = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    result = user.call(
        "crm.lead.responsibility", "load", [".id", "deadline"], [[str(resp_id), day]]
    )
    assert result["ids"] == [resp_id], result["messages"]
    [resp] = user.call(
        "crm.lead.responsibility", "read", [resp_id], ["calendar_event_id", "deadline"]
    )
    assert resp["calendar_event_id"] is False
    assert resp["deadline"] == f"{day} 00:00:00"
