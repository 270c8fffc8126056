from odoo import api, fields, models
from odoo.tools import formatLang

from odoo.addons.crm_suite_base.models.policy import FREE, check_one


class CrmLead(models.Model):
    _inherit = "crm.lead"
    # the sheets' own policy checks what joins the lead, and that the user may
    # work on the lead
    _crm_write_policy = {"evaluation_sheet_ids": FREE}

    evaluation_sheet_ids = fields.One2many(
        "crm.evaluation.sheet", "lead_id", string="Evaluation Sheets"
    )
    evaluation_sheet_count = fields.Integer(compute="_compute_evaluation_sheet_count")
    has_finalized_evaluation_sheet = fields.Boolean(
        compute="_compute_evaluation_sheet_count",
        help="The lead has at least one finalized evaluation sheet.",
    )

    @api.depends("evaluation_sheet_ids.state")
    def _compute_evaluation_sheet_count(self):
        for lead in self:
            lead.evaluation_sheet_count = len(lead.evaluation_sheet_ids)
            lead.has_finalized_evaluation_sheet = any(
                sheet.state == "finalized" for sheet in lead.evaluation_sheet_ids
            )

    def action_view_evaluation_sheets(self):
        """The lead's evaluation sheets; a new one gets the lead and its customer."""
        check_one(self)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_evaluation_sheet.crm_evaluation_sheet_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {
            "default_lead_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        if len(self.evaluation_sheet_ids) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.evaluation_sheet_ids.id
        elif not self.evaluation_sheet_ids:
            # nothing to list yet: open a new sheet for the lead
            action["views"] = [(False, "form")]
        return action

    def _merge_dependences(self, opportunities):
        """The evaluation sheets of merged leads move to the surviving lead,
        whatever their state: a finalized sheet is what the lead's Meeting &
        evaluation step was completed with (the survivor may take that step
        over), and Odoo deletes the merged leads. Each keeps its customer."""
        res = super()._merge_dependences(opportunities)
        # privileged (in the helper): a finalized or cancelled sheet's lead is
        # not written otherwise (the write policy), and its quotations move
        # with it (sale_crm's merge, crm_pipeline's _merge_dependences).
        self._merge_move_to_survivor("crm.evaluation.sheet", "lead_id", opportunities)
        return res

    def _timeline_collect(self):
        """The lead's evaluation sheets join its timeline (crm_pipeline's hook)."""
        return super()._timeline_collect() + self._timeline_evaluation_sheet_entries()

    def _timeline_evaluation_sheet_entries(self):
        states = dict(
            self.env["crm.evaluation.sheet"]._fields["state"]._description_selection(self.env)
        )
        return [
            {
                "date": sheet.create_date,
                "kind": "evaluation_sheet",
                "title": self.env._(
                    "Evaluation sheet %(name)s (%(state)s)",
                    name=sheet.name,
                    state=states[sheet.state],
                ),
                "body": self.env._(
                    "%(count)s items, estimated %(amount)s",
                    count=len(sheet.line_ids),
                    amount=formatLang(self.env, sheet.amount_total, currency_obj=sheet.currency_id),
                ),
                "user": sheet.create_uid,
            }
            for sheet in self.evaluation_sheet_ids
        ]
