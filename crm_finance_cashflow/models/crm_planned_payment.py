from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.crm_suite_base.models.policy import check_guarded, privileged


class CrmPlannedPayment(models.Model):
    """A payment finance expects to make or receive on a date."""

    _name = "crm.planned.payment"
    _description = "Planned Payment"
    _inherit = ["mail.thread"]
    _order = "date, id"
    _check_company_auto = True

    name = fields.Char(string="Description", required=True)
    direction = fields.Selection(
        [("incoming", "Incoming"), ("outgoing", "Outgoing")], required=True, default="incoming"
    )
    partner_id = fields.Many2one("res.partner", check_company=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    amount = fields.Monetary(required=True)
    date = fields.Date(required=True, index=True, tracking=True)
    contract_id = fields.Many2one("crm.contract", check_company=True, index="btree_not_null")
    invoice_id = fields.Many2one(
        "account.move",
        check_company=True,
        index="btree_not_null",
        help="A planned payment of an invoice replaces the invoice's open amount in the "
        "forecast, it does not add to it.",
    )
    state = fields.Selection(
        [("planned", "Planned"), ("posted", "Posted"), ("cancelled", "Cancelled")],
        default="planned",
        required=True,
        tracking=True,
    )
    is_overdue = fields.Boolean(
        string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue"
    )
    payment_id = fields.Many2one("account.payment", readonly=True, copy=False)
    journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="The bank or cash journal the payment is posted in.",
    )

    @api.depends("state", "date")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for payment in self:
            payment.is_overdue = payment.state == "planned" and payment.date < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search 'Overdue' with = True or False."))
        inside = [("state", "=", "planned"), ("date", "<", fields.Date.context_today(self))]
        return inside if (operator == "=") == value else ["!", "&"] + inside

    @api.constrains("amount")
    def _check_amount(self):
        for payment in self:
            if payment.amount <= 0:
                raise ValidationError(self.env._("A planned payment's amount must be positive."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_guarded(
                self,
                {k: v for k, v in vals.items() if k != "state" or v != "planned"},
                ("state", "payment_id"),
                self.env._("use Post or Cancel."),
            )
        return super().create(vals_list)

    def write(self, vals):
        check_guarded(self, vals, ("state", "payment_id"), self.env._("use Post or Cancel."))
        return super().write(vals)

    def action_post(self):
        """Record the payment in Odoo (account.payment, posted). Returns True."""
        self.check_access("write")
        for planned in self:
            if planned.state != "planned":
                raise UserError(self.env._("Only a planned payment can be posted."))
            if not planned.partner_id:
                raise UserError(self.env._("Set the partner of %(name)s.", name=planned.name))
            payment = self.env["account.payment"].create(
                {
                    "payment_type": "inbound" if planned.direction == "incoming" else "outbound",
                    "partner_type": "customer" if planned.direction == "incoming" else "supplier",
                    "partner_id": planned.partner_id.id,
                    "amount": planned.amount,
                    "currency_id": planned.currency_id.id,
                    "date": planned.date,
                    "company_id": planned.company_id.id,
                    "journal_id": planned.journal_id.id
                    or self.env["account.journal"]
                    .search(
                        [("type", "=", "bank"), ("company_id", "=", planned.company_id.id)], limit=1
                    )
                    .id,
                    "memo": planned.name,
                }
            )
            payment.action_post()
            privileged(planned).write({"state": "posted", "payment_id": payment.id})
        return True

    def action_cancel(self):
        """Returns True."""
        self.check_access("write")
        if any(p.state != "planned" for p in self):
            raise UserError(self.env._("Only a planned payment can be cancelled."))
        privileged(self).write({"state": "cancelled"})
        return True
