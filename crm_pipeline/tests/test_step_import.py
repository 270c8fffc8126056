import io
from datetime import datetime, time, timedelta

import pytz

from odoo import fields
from odoo.tests import tagged

from .common import PipelineCase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@tagged("post_install", "-at_install")
class TestStepImportDateAlone(PipelineCase):
    """Steps rescheduled through Odoo's import (base_import: Import of the
    Responsibilities list): a Deadline cell with a date alone is a date without
    a time of day, as ``YYYY-MM-DD`` over XML-RPC (the step's meeting goes, the
    deadline is that day at midnight UTC); a cell with a time of day moves the
    meeting there, in the importing user's time zone, midnight included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman.tz = "Europe/Bucharest"
        cls.day = fields.Date.today() + timedelta(days=5)

    def _step_with_meeting(self):
        lead = self._lead(user_id=self.salesman.id)
        lead.with_user(self.salesman).activate(self.salesman.id, self._in(1))
        step = lead.open_responsibility_id
        self.assertTrue(step.calendar_event_id)
        return step

    def _in_bucharest(self, at):
        local = pytz.timezone("Europe/Bucharest").localize(datetime.combine(self.day, at))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _import(self, content, file_type, **options):
        wizard = (
            self.env["base_import.import"]
            .with_user(self.salesman)
            .create(
                {
                    "res_model": "crm.lead.responsibility",
                    "file": content,
                    "file_name": "steps.xlsx" if file_type == XLSX else "steps.csv",
                    "file_type": file_type,
                }
            )
        )
        result = wizard.execute_import(
            [".id", "deadline"],
            ["ID", "Deadline"],
            dict(
                {
                    "has_headers": True,
                    "quoting": '"',
                    "separator": ",",
                    "date_format": "%Y-%m-%d",
                    "datetime_format": "%Y-%m-%d %H:%M:%S",
                },
                **options,
            ),
        )
        self.assertFalse(result["messages"])
        return result

    def _assert_date_alone(self, step, event):
        """As ``write({"deadline": "YYYY-MM-DD"})`` over XML-RPC leaves it."""
        self.assertFalse(step.calendar_event_id)
        self.assertFalse(event.exists())
        self.assertEqual(step.deadline, datetime.combine(self.day, time.min))
        self.assertEqual(step.activity_id.date_deadline, self.day)

    def _assert_meeting(self, step, event, at):
        """A time of day given, in the importer's time zone: the meeting moves."""
        self.assertEqual(step.calendar_event_id, event)
        self.assertEqual(step.deadline, self._in_bucharest(at))
        self.assertEqual(event.start, self._in_bucharest(at))

    def test_xlsx_date_cell(self):
        import openpyxl

        alone, timed = self._step_with_meeting(), self._step_with_meeting()
        events = alone.calendar_event_id, timed.calendar_event_id
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["ID", "Deadline"])
        sheet.append([alone.id, self.day])  # a date cell
        # a date and time cell (Odoo's reader of spreadsheets, xlrd, takes one
        # at midnight exactly for a date alone)
        sheet.append([timed.id, datetime.combine(self.day, time(9, 30))])
        buffer = io.BytesIO()
        book.save(buffer)
        self._import(buffer.getvalue(), XLSX)
        self._assert_date_alone(alone, events[0])
        self._assert_meeting(timed, events[1], time(9, 30))

    def test_csv_in_the_users_date_format(self):
        alone, timed = self._step_with_meeting(), self._step_with_meeting()
        events = alone.calendar_event_id, timed.calendar_event_id
        day = self.day.strftime("%d/%m/%Y")
        content = f"ID,Deadline\n{alone.id},{day}\n{timed.id},{day} 00:00\n"
        self._import(
            content.encode(),
            "text/csv",
            date_format="%d/%m/%Y",
            datetime_format="%d/%m/%Y %H:%M",
        )
        self._assert_date_alone(alone, events[0])
        self._assert_meeting(timed, events[1], time.min)

    def test_load_date_alone(self):
        """``load`` (Odoo's import over XML-RPC) reads ``YYYY-MM-DD`` as
        ``write`` does; a date it cannot read stays Odoo's row error."""
        step = self._step_with_meeting()
        event = step.calendar_event_id
        Steps = self.env["crm.lead.responsibility"].with_user(self.salesman)
        result = Steps.load([".id", "deadline"], [[str(step.id), "2026-13-40"]])
        self.assertFalse(result["ids"])
        self.assertEqual(result["messages"][0]["field"], "deadline")
        self.assertEqual(step.calendar_event_id, event)
        result = Steps.load([".id", "deadline"], [[str(step.id), self.day.isoformat()]])
        self.assertEqual(result["ids"], step.ids)
        self._assert_date_alone(step, event)
