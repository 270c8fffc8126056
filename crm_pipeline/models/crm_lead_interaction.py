from odoo import api, fields, models, tools
from odoo.exceptions import UserError

from odoo.addons.crm_suite_base.models.policy import FREE

# the records a merge moves to its surviving lead (an object: no caller can
# send it in a context)
_MOVED_KEY = "crm_pipeline_merge_moved_records"


class _MovedRecords(set):
    """(model, id) of the records moved by the merge under way."""


# how many leads or records a message refusing a deletion names
_NAMES_SHOWN = 10


def _short_list(env, items, label):
    """The labels of the first items, joined, and how many more there are: a
    bulk deletion of hundreds of leads gets a message that can be read (and
    only the names shown are read)."""
    shown = ", ".join(label(item) for item in items[:_NAMES_SHOWN])
    if len(items) > _NAMES_SHOWN:
        more = env._("... and %(count)s more.", count=len(items) - _NAMES_SHOWN)
        shown = f"{shown}, {more}"
    return shown


class CrmLead(models.Model):
    """Interactions and tasks on a lead (the interaction log part of crm_pipeline)."""

    # Kept apart from the lead activation/responsibilities extension of crm.lead
    # on purpose (one concern per file), hence the pylint exception.
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited
    # the interactions and tasks written through the lead pass their own policy
    _crm_write_policy = {"crm_interaction_ids": FREE, "crm_task_ids": FREE}

    crm_interaction_ids = fields.One2many("crm.interaction", "lead_id", string="Interactions")
    crm_interaction_count = fields.Integer(
        string="Interaction Count", compute="_compute_crm_interaction_count"
    )
    crm_task_ids = fields.One2many("crm.task", "lead_id", string="Tasks and Commitments")
    crm_task_count = fields.Integer(string="Task Count", compute="_compute_crm_task_count")

    @api.depends("crm_interaction_ids")
    @api.depends_context("uid")
    def _compute_crm_interaction_count(self):
        counts = self.env["crm.interaction"]._count_by_lead(self)
        for lead in self:
            lead.crm_interaction_count = counts.get(lead.id, 0)

    @api.depends("crm_task_ids")
    @api.depends_context("uid")
    def _compute_crm_task_count(self):
        counts = self.env["crm.task"]._count_by_lead(self)
        for lead in self:
            lead.crm_task_count = counts.get(lead.id, 0)

    def write(self, vals):
        if not vals.get("partner_id"):
            return super().write(vals)
        # the leads that get their first customer (read before it is written)
        prospects = self.filtered(lambda lead: not lead.partner_id)
        res = super().write(vals)
        self._file_records_on_customer(prospects)
        return res

    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, max_length=5):
        """The records a merge moves to the surviving lead keep their client
        (``_merge_dependences``), also when the merged values give that lead
        its first customer: they are told apart from the lead's own."""
        merging = self.with_context(**{_MOVED_KEY: _MovedRecords()})
        head = super(CrmLead, merging)._merge_opportunity(
            user_id=user_id, team_id=team_id, auto_unlink=auto_unlink, max_length=max_length
        )
        return head.with_env(self.env)

    def _file_records_on_customer(self, prospects):
        """A lead that gets its customer (a prospect converted, filled from its
        tax ID, or by hand) files on it the interactions and tasks logged on it
        without a client: the customer's file shows the prospect's history, as
        it shows what is filed on the lead from now on. On a lead that had no
        customer (``prospects``), what was filed on another client (the
        company of a contact person given without client) is filed on the
        customer too: a record filed on a lead that has a customer has that
        customer as its client. Its contact person stays when it is one of the
        customer's, else it is cleared. Records a merge moved to the lead keep
        their client; on a lead that had a customer, records filed on a client
        keep it."""
        moved = self.env.context.get(_MOVED_KEY)
        moved = moved if isinstance(moved, _MovedRecords) else _MovedRecords()
        # sudo: the user wrote these leads' customer (Odoo checked their write
        # access); the records on them, other salespeople's included, only get
        # the client the lead now files them on (and lose a contact person
        # who is not the client's)
        for model in ("crm.interaction", "crm.task"):
            records = (
                self.env[model]
                .sudo()
                .search(
                    [
                        ("lead_id", "in", self.ids),
                        "|",
                        ("partner_id", "=", False),
                        ("lead_id", "in", prospects.ids),
                    ]
                )
            )
            todo = {}
            for record in records:
                client = record.lead_id.partner_id.commercial_partner_id
                if not client or record.partner_id == client:
                    continue
                if record.partner_id and (model, record.id) in moved:
                    continue
                keep_contact = record.contact_id.commercial_partner_id == client
                todo.setdefault((client, keep_contact), []).append(record.id)
            for (client, keep_contact), ids in todo.items():
                vals = {"partner_id": client.id}
                if not keep_contact:
                    vals["contact_id"] = False
                self.env[model].sudo().browse(ids).write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_open_tasks(self):
        """A lead with open tasks or commitments is not deleted: they would be
        left with neither lead nor (often) client. Close or move them first;
        closed ones stay on their client, so a lead whose closed ones have no
        client is not deleted either (they could no longer be saved: a task
        needs a client or a lead), nor one whose interactions have no client
        (logged while it had no customer)."""
        # sudo: tasks of other assignees count too; only their number per lead
        # (and, for closed ones without client, their names) is shown.
        Task = self.env["crm.task"].sudo()
        groups = Task._read_group(
            [("lead_id", "in", self.ids), ("is_closed", "=", False)], ["lead_id"], ["__count"]
        )
        if groups:
            raise UserError(
                self.env._(
                    "These leads still have open tasks or commitments; close them or "
                    "move them to another lead before deleting: %(leads)s",
                    leads=_short_list(
                        self.env,
                        groups,
                        lambda group: f"{group[0].sudo().display_name} ({group[1]})",
                    ),
                )
            )
        orphans = Task.search(
            [("lead_id", "in", self.ids), ("is_closed", "=", True), ("partner_id", "=", False)]
        )
        if orphans:
            raise UserError(
                self.env._(
                    "These closed tasks or commitments would be left with neither lead nor "
                    "client; file them on a client before deleting their leads: %(tasks)s",
                    tasks=_short_list(
                        self.env,
                        orphans,
                        lambda task: f"{task.name} ({task.lead_id.display_name})",
                    ),
                )
            )
        # interactions logged on a lead without customer (a prospect's history):
        # nobody's once the lead is gone. sudo: other salespeople's count too;
        # only their names and their leads' are shown
        orphans = (
            self.env["crm.interaction"]
            .sudo()
            .search([("lead_id", "in", self.ids), ("partner_id", "=", False)])
        )
        if orphans:
            raise UserError(
                self.env._(
                    "These interactions would be left with neither lead nor client; file "
                    "them on a client or delete them before deleting their leads: "
                    "%(interactions)s",
                    interactions=_short_list(
                        self.env,
                        orphans,
                        lambda interaction: (
                            f"{interaction.display_name} ({interaction.lead_id.display_name})"
                        ),
                    ),
                )
            )

    def _merge_dependences(self, opportunities):
        """Interactions and tasks of merged leads move to the surviving lead.

        Each keeps the client and contact person it was logged with (a call with
        John of Acme stays a call with John, even when the surviving lead is
        another customer's): a record filed on a lead otherwise takes the
        lead's customer."""
        res = super()._merge_dependences(opportunities)
        # sudo: the user merging may not see every interaction and task of the
        # merged leads (they belong to other salespeople); moving them to the
        # surviving lead keeps them, it does not disclose their content.
        opportunities = opportunities.sudo()
        moved = self.env.context.get(_MOVED_KEY)
        for records in (opportunities.crm_interaction_ids, opportunities.crm_task_ids):
            if isinstance(moved, _MovedRecords):
                moved.update((records._name, record_id) for record_id in records.ids)
            for partner, group in records.grouped("partner_id").items():
                vals = {"lead_id": self.id}
                if partner:
                    # written with the lead: not recomputed from it
                    vals["partner_id"] = partner.id
                group.write(vals)
        return res

    def _timeline_collect(self):
        """Interactions logged and tasks assigned or completed join the timeline."""
        return (
            super()._timeline_collect()
            + self._timeline_interaction_entries()
            + self._timeline_task_entries()
        )

    def _timeline_interaction_entries(self):
        entries = []
        # the reader's language, as the other entries (and the form) show them
        types = dict(
            self.env["crm.interaction"]._fields["interaction_type"]._description_selection(self.env)
        )
        for interaction in self.crm_interaction_ids:
            entries.append(
                {
                    "date": interaction.date,
                    "kind": "interaction",
                    "title": self.env._(
                        "%(type)s: %(subject)s",
                        type=types.get(interaction.interaction_type, ""),
                        # on a lead without customer: the lead's own timeline
                        subject=interaction.name
                        or interaction.partner_id.display_name
                        or self.display_name,
                    ),
                    "body": interaction.notes or "",
                    "user": interaction.user_id,
                }
            )
        return entries

    def _timeline_task_entries(self):
        entries = []
        states = dict(self.env["crm.task"]._fields["state"]._description_selection(self.env))
        for task in self.crm_task_ids:
            if task.date_deadline:
                body = self.env._(
                    "Assigned to %(user)s, deadline %(deadline)s",
                    user=task.user_id.name or "",
                    deadline=tools.format_date(self.env, task.date_deadline),
                )
            else:
                # not "deadline" followed by nothing
                body = self.env._("Assigned to %(user)s, no deadline", user=task.user_id.name or "")
            entries.append(
                {
                    "date": task.create_date,
                    "kind": "task_assigned",
                    "title": self.env._("Task assigned: %(task)s", task=task.name),
                    "body": body,
                    "user": task.create_uid,
                }
            )
            if task.date_done:
                entries.append(
                    {
                        "date": task.date_done,
                        "kind": "task_done",
                        "title": self.env._(
                            "Task %(state)s: %(task)s", state=states[task.state], task=task.name
                        ),
                        "body": "",
                        "user": task.user_id,
                    }
                )
        return entries

    def _crm_lead_action_context(self):
        # the client follows from the lead (its customer's commercial partner)
        return {"default_lead_id": self[:1].id}

    def action_view_crm_interactions(self):
        """The interactions logged on these leads."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_pipeline.crm_interaction_action"
        )
        action["domain"] = [("lead_id", "in", self.ids)]
        action["context"] = self._crm_lead_action_context()
        return action

    def action_view_crm_tasks(self):
        """The tasks and commitments on these leads."""
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_pipeline.crm_task_action")
        action["domain"] = [("lead_id", "in", self.ids)]
        action["context"] = self._crm_lead_action_context()
        return action
