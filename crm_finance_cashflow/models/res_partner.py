from odoo import api, fields, models

from odoo.addons.crm_suite_base.models.policy import check_one

#: who reads a client's contracts: its salespeople (their own clients', through
#: the record rules), sales managers and finance
CONTRACT_READERS = (
    "sales_team.group_sale_salesman,account.group_account_invoice,account.group_account_readonly"
)


class ResPartner(models.Model):
    """The client file's contracts (customer and supplier)."""

    _inherit = "res.partner"

    crm_contract_ids = fields.Many2many(
        "crm.contract",
        compute="_compute_crm_contract_ids",
        string="Client Contracts",
        groups=CONTRACT_READERS,
        help="The contracts with this client (and its contacts) that you may read: "
        "customer and supplier, in every state.",
    )
    crm_contract_count = fields.Integer(
        compute="_compute_crm_contract_ids",
        string="Contract Count",
        groups=CONTRACT_READERS,
    )
    crm_active_contract_count = fields.Integer(
        compute="_compute_crm_contract_ids",
        string="Active Contracts",
        groups=CONTRACT_READERS,
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_crm_contract_ids(self):
        # searched as the user: the record rules decide which contracts they see
        # (their own, their clients', or all for managers and finance)
        clients = self.commercial_partner_id.filtered("id")
        contracts = (
            self.env["crm.contract"].search([("partner_id", "child_of", clients.ids)])
            if clients
            else self.env["crm.contract"]
        )
        for partner in self:
            client = partner.commercial_partner_id
            mine = contracts.filtered(
                lambda c, client=client: c.partner_id.commercial_partner_id == client
            )
            partner.crm_contract_ids = mine
            partner.crm_contract_count = len(mine)
            partner.crm_active_contract_count = len(mine.filtered(lambda c: c.state == "active"))

    def action_view_crm_contracts(self):
        """The client's contracts (smart button): those the user may read."""
        check_one(self)
        client = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_finance_cashflow.crm_contract_action_sales"
        )
        action["display_name"] = self.env._("Contracts: %(client)s", client=client.name)
        action["domain"] = [("partner_id", "child_of", client.id)]
        action["context"] = {"default_partner_id": client.id, "search_default_active_contracts": 1}
        return action
