from odoo import Command, api, fields, models

from odoo.addons.crm_suite_base.models.policy import FREE, check_one


class CrmCompetitor(models.Model):
    """A company the customer may choose instead of us: what it does well and
    badly, how we answer it, and the deals it took from us."""

    _name = "crm.competitor"
    _description = "Competitor"
    _inherit = ["mail.thread", "crm.write.policy.mixin"]
    _order = "name"
    _crm_write_policy = {
        "name": FREE,
        "website": FREE,
        "strengths": FREE,
        "weaknesses": FREE,
        "strategy": FREE,
        "active": FREE,
        # the leads' side (crm.lead's competitor_ids) is free as well
        "lead_ids": FREE,
    }

    name = fields.Char(required=True, tracking=True)
    website = fields.Char()
    strengths = fields.Text(tracking=True)
    weaknesses = fields.Text(tracking=True)
    strategy = fields.Text(
        string="Strategy Notes",
        tracking=True,
        help="How we win against this competitor. Changes are kept in the chatter.",
    )
    active = fields.Boolean(default=True)
    lead_ids = fields.Many2many(
        "crm.lead",
        "crm_lead_competitor_rel",
        "competitor_id",
        "lead_id",
        string="Leads",
    )
    lead_count = fields.Integer(compute="_compute_lead_stats", string="Deals Involved")
    lost_count = fields.Integer(compute="_compute_lead_stats", string="Deals Lost To")
    lost_amount = fields.Monetary(
        compute="_compute_lead_stats",
        string="Lost Revenue",
        currency_field="currency_id",
        help="Expected revenue of the deals lost to this competitor that you can see, in "
        "the current company's currency (other currencies at today's rate).",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")

    _sql_constraints = [
        ("name_unique", "unique(name)", "A competitor with this name already exists."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_linked_leads(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_linked_leads(vals)
        return super().write(vals)

    @api.model
    def _check_linked_leads(self, vals):
        """Linking a competitor to a lead changes the lead (its competitors):
        the user must be allowed to write the leads they link (AccessError).
        New leads (create commands) check themselves; values of the wrong type
        are left to the write policy."""
        commands = vals.get("lead_ids") if isinstance(vals, dict) else None
        if not isinstance(commands, list | tuple):
            return
        lead_ids = set()
        for command in commands:
            if not isinstance(command, list | tuple) or not command:
                continue
            if command[0] == Command.LINK and len(command) > 1:
                lead_ids.add(command[1])
            elif command[0] == Command.SET and len(command) > 2:
                if isinstance(command[2], list | tuple):
                    lead_ids.update(command[2])
        lead_ids = [i for i in lead_ids if isinstance(i, int) and not isinstance(i, bool)]
        if lead_ids:
            leads = self.env["crm.lead"].with_context(active_test=False).browse(lead_ids)
            leads.exists().check_access("write")

    @api.depends_context("company")
    def _compute_currency_id(self):
        self.currency_id = self.env.company.currency_id

    @api.depends("lead_ids")
    @api.depends_context("uid", "company")
    def _compute_lead_stats(self):
        # as the user: record rules decide which deals count (salespeople: their own)
        Lead = self.env["crm.lead"].with_context(active_test=False)
        involved = dict(
            Lead._read_group([("competitor_ids", "in", self.ids)], ["competitor_ids"], ["__count"])
        )
        # expected revenues are in each lead's company currency: summed by
        # company, converted at today's rate into the current company's
        lost = {}
        currency = self.env.company.currency_id
        today = fields.Date.context_today(self)
        for competitor, company, count, amount in Lead._read_group(
            [
                ("lost_competitor_id", "in", self.ids),
                ("active", "=", False),
                ("probability", "=", 0),
            ],
            ["lost_competitor_id", "company_id"],
            ["__count", "expected_revenue:sum"],
        ):
            # a lead without company is in the current company's currency
            # (crm.lead's company_currency)
            source = company.currency_id or currency
            converted = source._convert(amount or 0.0, currency, self.env.company, today)
            total_count, total = lost.get(competitor, (0, 0.0))
            lost[competitor] = (total_count + count, total + converted)
        for competitor in self:
            competitor.lead_count = involved.get(competitor, 0)
            count, amount = lost.get(competitor, (0, 0.0))
            competitor.lost_count = count
            competitor.lost_amount = amount

    def action_view_leads(self):
        check_one(self)
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_all_leads")
        action.update(
            domain=["|", ("competitor_ids", "in", self.ids), ("lost_competitor_id", "=", self.id)],
            context={"active_test": False, "default_competitor_ids": [self.id]},
        )
        return action
