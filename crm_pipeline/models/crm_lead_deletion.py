from odoo import api, models


class CrmLead(models.Model):
    """What a deleted lead takes with it beyond the database's cascade."""

    # Kept apart from the lead activation/responsibilities extension of crm.lead
    # on purpose (one concern per file), hence the pylint exception.
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    @api.ondelete(at_uninstall=False)
    def _unlink_open_step_meetings(self):
        """The lead's steps go with it by the database's cascade, which runs no
        Python: the meeting its open step put in the responsible's calendar is
        removed here when it is still to come, as when the step closes before
        it (a past meeting took place: it stays in the calendar). Named to run
        after the ``_unlink_except_*`` checks (Odoo runs them by name)."""
        # sudo: the user may delete these leads (Odoo checked it before the
        # ondelete hooks); the chain put their open steps' meetings in the
        # responsibles' calendars as superuser, and only those still to come
        # are removed.
        steps = self.sudo().responsibility_ids.filtered("is_open")
        steps._drop_future_calendar_event()
