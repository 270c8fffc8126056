"""Odoo's import of responsibilities (base_import: Import of the
Responsibilities list, or ``load`` over XML-RPC): a Deadline given as a date
alone is a date without a time of day, as ``YYYY-MM-DD`` written over XML-RPC
(``input_checks.has_time_of_day``): the step's meeting goes, the deadline is
that day at midnight UTC. Odoo's import reads it as midnight in the importing
user's time zone, a time of day, and the meeting stayed there."""

from datetime import datetime

from odoo import api, fields, models
from odoo.tools import DEFAULT_SERVER_DATE_FORMAT, DEFAULT_SERVER_DATETIME_FORMAT

from .input_checks import has_time_of_day


def _parsed(value, fmt):
    try:
        return datetime.strptime(value, fmt)
    except ValueError:
        return None


class BaseImport(models.TransientModel):
    _inherit = "base_import.import"

    def _parse_import_data_recursive(self, model, prefix, data, import_fields, options):
        """Odoo writes a date alone of a datetime column with a time (midnight):
        the steps' Deadline column keeps a date alone as a date (``YYYY-MM-DD``),
        read with the import's date format as Odoo reads it."""
        name = prefix + "deadline"
        if model != "crm.lead.responsibility" or name not in import_fields:
            return super()._parse_import_data_recursive(model, prefix, data, import_fields, options)
        index = import_fields.index(name)
        d_fmt = options.get("date_format") or DEFAULT_SERVER_DATE_FORMAT
        dt_fmt = options.get("datetime_format") or DEFAULT_SERVER_DATETIME_FORMAT
        days = {}
        for num, line in enumerate(data):
            value = (line[index] or "").strip()
            # as Odoo's _parse_date_from_data: a date and time first
            day = value and not _parsed(value, dt_fmt) and _parsed(value, d_fmt)
            if day:
                days[num] = fields.Date.to_string(day)
                line[index] = ""  # left out of Odoo's parsing, put back below
        data = super()._parse_import_data_recursive(model, prefix, data, import_fields, options)
        for num, day in days.items():
            data[num][index] = day
        return data


class CrmLeadResponsibility(models.Model):
    _inherit = "crm.lead.responsibility"

    @api.model
    def _convert_records(self, records, log=lambda a: None):
        """A deadline given as a date alone is written as it was given (Odoo's
        conversion adds midnight in the user's time zone): ``write`` then sees
        no time of day, as over XML-RPC."""
        given = {}

        def _keep(records):
            for record, extras in records:
                given["deadline"] = record.get("deadline")
                yield record, extras

        for dbid, xid, converted, info in super()._convert_records(_keep(records), log=log):
            # Odoo converts each record as it reads it: given is this record's
            deadline = given["deadline"]
            if (
                converted.get("deadline")
                and isinstance(deadline, str)
                and not has_time_of_day(deadline)
            ):
                converted["deadline"] = deadline.strip()
            yield dbid, xid, converted, info
