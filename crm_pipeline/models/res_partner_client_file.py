from collections import defaultdict

from odoo import api, fields, models

from odoo.addons.crm_suite_base.models.policy import FREE

from .crm_task import OPEN_STATES

#: how many interactions the client file shows (the smart button lists them all)
LAST_INTERACTIONS = 5


class ResPartner(models.Model):
    """The client file (seed: "client file"): what the suite knows of a client in
    one place on its form. Each addon adds its part to the form; this one the
    contact persons, bank accounts, preferred terms and document note, open tasks
    and the last interactions."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited
    _crm_write_policy = {"crm_document_note": FREE}

    crm_document_note = fields.Text(
        string="Document Note",
        help="The client's preferred document descriptions: printed on its quotations, "
        "orders and invoices (those of its contacts too).",
    )
    # the lists below are the user's view of the client: searched with the
    # user's access rights and record rules (nothing read with sudo)
    crm_contact_person_ids = fields.Many2many(
        "res.partner",
        compute="_compute_crm_client_file",
        string="Contact Persons",
        groups="base.group_user",
    )
    crm_bank_account_ids = fields.Many2many(
        "res.partner.bank",
        compute="_compute_crm_client_file",
        string="Client Bank Accounts",
        groups="base.group_user",
    )
    crm_open_task_ids = fields.Many2many(
        "crm.task",
        compute="_compute_crm_client_file_activity",
        string="Open Tasks",
        groups="sales_team.group_sale_salesman",
    )
    crm_last_interaction_ids = fields.Many2many(
        "crm.interaction",
        compute="_compute_crm_client_file_activity",
        string="Last Interactions",
        groups="sales_team.group_sale_salesman",
    )

    @api.depends("commercial_partner_id.child_ids", "commercial_partner_id.bank_ids")
    @api.depends_context("uid")
    def _compute_crm_client_file(self):
        clients = self.commercial_partner_id.filtered("id")
        persons = self.search([("parent_id", "in", clients.ids), ("type", "=", "contact")])
        banks = self.env["res.partner.bank"].search([("partner_id", "in", clients.ids)])
        for partner in self:
            client = partner.commercial_partner_id
            partner.crm_contact_person_ids = persons.filtered(lambda p, c=client: p.parent_id == c)
            partner.crm_bank_account_ids = banks.filtered(lambda b, c=client: b.partner_id == c)

    @api.depends_context("uid")
    def _compute_crm_client_file_activity(self):
        # tasks and interactions are filed on the client (the commercial partner),
        # with the contact person aside (crm.client.record.mixin)
        clients = self.commercial_partner_id.filtered("id")
        tasks = self.env["crm.task"].search(
            [("partner_id", "in", clients.ids), ("state", "in", OPEN_STATES)],
            order="date_deadline, id",
        )
        tasks_of = defaultdict(lambda: self.env["crm.task"])
        for task in tasks:
            tasks_of[task.partner_id.id] |= task
        last_of = defaultdict(lambda: self.env["crm.interaction"])
        interactions = self.env["crm.interaction"].search(
            [("partner_id", "in", clients.ids)],
            # one client (its form): only the last few are read
            limit=LAST_INTERACTIONS if len(clients) == 1 else None,
        )
        for interaction in interactions:  # newest first (the model's order)
            if len(last_of[interaction.partner_id.id]) < LAST_INTERACTIONS:
                last_of[interaction.partner_id.id] |= interaction
        for partner in self:
            client = partner.commercial_partner_id.id
            partner.crm_open_task_ids = tasks_of[client]
            partner.crm_last_interaction_ids = last_of[client]
