from odoo import api, fields, models
from odoo.tools import LazyTranslate

from odoo.addons.crm_suite_base.models.policy import owned, writable

_lt = LazyTranslate(__name__)


class CrmLead(models.Model):
    _inherit = "crm.lead"
    _crm_write_policy = {
        # the link is what the Contracting gate reads
        "crm_contract_ids": owned(_lt("set the lead on a draft contract (New Contract).")),
    }

    crm_contract_ids = fields.One2many("crm.contract", "lead_id", string="Contracts")
    crm_contract_count = fields.Integer(compute="_compute_crm_contract_count")
    crm_invoice_ids = fields.Many2many(
        "account.move",
        compute="_compute_crm_invoice_ids",
        string="Invoices",
        help="Once the lead is won: the invoices of its orders.",
    )

    @api.depends("crm_contract_ids")
    def _compute_crm_contract_count(self):
        for lead in self:
            lead.crm_contract_count = len(lead.crm_contract_ids)

    @api.depends("order_ids.invoice_ids")
    def _compute_crm_invoice_ids(self):
        for lead in self:
            lead.crm_invoice_ids = lead.order_ids.invoice_ids.filtered(
                lambda m: m.state == "posted"
            )

    def action_view_crm_contracts(self):
        self.ensure_one()
        return self.crm_contract_ids._get_records_action(
            name=self.env._("Contracts"), context={"default_lead_id": self.id}
        )


class CrmContract(models.Model):
    _inherit = "crm.contract"  # pylint: disable=consider-merging-classes-inherited
    # the Contracting gate reads it: a draft term, of a lead the user may read
    _crm_write_policy = {"lead_id": writable(states=("draft",))}

    lead_id = fields.Many2one(
        "crm.lead", string="Lead/Opportunity", index="btree_not_null", tracking=True
    )


class CrmLeadResponsibility(models.Model):
    _inherit = "crm.lead.responsibility"

    def _get_gate_message(self):
        """Contracting moves on only when the lead has an active customer contract
        (crm_pipeline's gate hook)."""
        message = super()._get_gate_message()
        if message or self.type_id.kind != "contracting":
            return message
        # sudo: only whether an active customer contract of this lead exists,
        # whoever manages it; no contract data reaches the user
        active = (
            self.env["crm.contract"]
            .sudo()
            .search_count(
                [
                    ("lead_id", "=", self.lead_id.id),
                    ("contract_type", "=", "customer"),
                    ("state", "=", "active"),
                ],
                limit=1,
            )
        )
        if active:
            return False
        return self.env._(
            "Contracting cannot move on before lead %(lead)s has an active customer contract: "
            "use New Contract, then activate it.",
            lead=self.lead_id.display_name,
        )

    def action_new_contract(self):
        """A new customer contract pre-filled from the lead and its accepted
        quotation (lines from the order's lines)."""
        self.ensure_one()
        lead = self.lead_id
        order = (
            lead.order_ids.filtered(lambda o: o.state == "sale")[:1]
            or lead.order_ids.filtered(lambda o: o.state == "sent")[:1]
        )
        today = fields.Date.context_today(self)
        lines = [
            (
                0,
                0,
                {
                    "product_id": line.product_id.id,
                    "name": line.name,
                    "quantity": line.product_uom_qty,
                    "price_unit": line.price_unit,
                    "tax_ids": [(6, 0, line.tax_id.ids)],
                    "recurrence": "one_off",
                    "date_start": today,
                },
            )
            for line in order.order_line
            if not line.display_type
        ]
        context = {
            "default_lead_id": lead.id,
            "default_partner_id": (lead.partner_id.commercial_partner_id or order.partner_id).id,
            "default_contract_type": "customer",
            "default_title": lead.name,
            "default_currency_id": (
                order.currency_id or lead.company_currency or self.env.company.currency_id
            ).id,
            "default_payment_term_id": order.payment_term_id.id,
            "default_line_ids": lines,
            "default_date_start": today,
        }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Contract"),
            "res_model": "crm.contract",
            "view_mode": "form",
            "target": "current",
            "context": context,
        }
