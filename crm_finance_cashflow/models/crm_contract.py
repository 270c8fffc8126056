from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.crm_suite_base.models.policy import check_guarded, is_privileged, privileged

STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("expired", "Expired"),
    ("terminated", "Terminated"),
]
# the state and the number move only through the contract's methods
GUARDED_FIELDS = ("state", "name", "end_alert_sent")


class CrmContract(models.Model):
    """A customer or supplier contract: the base of schedules, alerts,
    invoices and the cash-flow forecast."""

    _name = "crm.contract"
    _description = "Contract"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: self.env._("New"),
    )
    title = fields.Char(tracking=True)
    contract_type = fields.Selection(
        [("customer", "Customer"), ("supplier", "Supplier")],
        required=True,
        default="customer",
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, tracking=True, check_company=True
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        tracking=True,
        default=lambda self: self.env.company.currency_id,
    )
    date_start = fields.Date(
        string="Start Date", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="End Date", tracking=True)
    payment_term_id = fields.Many2one("account.payment.term", check_company=True, tracking=True)
    renewal = fields.Selection(
        [
            ("none", "No Renewal"),
            ("manual", "Manual"),
            ("automatic", "Automatic (same duration)"),
        ],
        default="none",
        required=True,
        tracking=True,
    )
    amount = fields.Monetary(
        string="Contract Value",
        compute="_compute_amount",
        store=True,
        help="The schedule's total (taxes included) over the contract's period.",
    )
    state = fields.Selection(STATES, default="draft", required=True, tracking=True, copy=False)
    notes = fields.Html()
    signed_document = fields.Binary(attachment=True, copy=False)
    signed_document_name = fields.Char(copy=False)
    line_ids = fields.One2many("crm.contract.line", "contract_id", copy=True)
    schedule_ids = fields.One2many("crm.contract.schedule", "contract_id", copy=False)
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    alert_days_end = fields.Integer(
        string="Alert Before End (days)",
        default=30,
        help="The responsible gets an activity this many days before the contract ends.",
    )
    alert_days_invoice = fields.Integer(
        string="Alert Before Supplier Invoices (days)",
        default=7,
        help="Supplier contracts: an activity this many days before each expected invoice.",
    )
    end_alert_sent = fields.Boolean(readonly=True, copy=False)

    _sql_constraints = [
        (
            "alert_days_positive",
            "CHECK(alert_days_end >= 0 AND alert_days_invoice >= 0)",
            "Alert days cannot be negative.",
        ),
    ]

    @api.depends("schedule_ids.amount_total", "schedule_ids.state")
    def _compute_amount(self):
        for contract in self:
            contract.amount = sum(
                contract.schedule_ids.filtered(lambda r: r.state != "cancelled").mapped(
                    "amount_total"
                )
            )

    def _compute_invoice_count(self):
        for contract in self:
            contract.invoice_count = len(contract.schedule_ids.invoice_id)

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for contract in self:
            if contract.date_end and contract.date_end < contract.date_start:
                raise ValidationError(
                    self.env._("Contract %(name)s ends before it starts.", name=contract.name)
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not is_privileged(self):
                check_guarded(
                    self,
                    {k: v for k, v in vals.items() if k != "state" or v != "draft"},
                    ("state",),
                    self.env._("a contract starts as a draft; use Activate."),
                )
            if vals.get("name", self.env._("New")) == self.env._("New"):
                # sudo: the sequence is the company's numbering, not a user's record
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code(
                    "crm.contract"
                ) or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        check_guarded(
            self,
            vals,
            GUARDED_FIELDS,
            self.env._("use Activate, Renew or Terminate."),
        )
        res = super().write(vals)
        if {"date_start", "date_end", "currency_id", "payment_term_id"} & set(vals):
            self.filtered(lambda c: c.state == "active")._sync_schedule()
        return res

    # ------------------------------------------------------------------
    # States (public API)
    # ------------------------------------------------------------------

    def _check_finance_user(self):
        """Activating, renewing, terminating and invoicing are finance's (billing,
        accountants) and sales managers'; salespeople draft contracts."""
        user = self.env.user
        if not (
            self.env.su
            or user.has_group("account.group_account_invoice")
            or user.has_group("sales_team.group_sale_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only billing users and sales managers activate, renew, terminate and "
                    "invoice contracts."
                )
            )
        self.check_access("write")

    def action_activate(self):
        """Draft -> active: the schedule of expected invoices is built. Returns True."""
        self._check_finance_user()
        for contract in self:
            if contract.state != "draft":
                raise UserError(
                    self.env._(
                        "Only a draft contract can be activated (%(name)s).", name=contract.name
                    )
                )
            if not contract.line_ids:
                raise UserError(
                    self.env._(
                        "Contract %(name)s has no line: add what it sells or buys.",
                        name=contract.name,
                    )
                )
        privileged(self).write({"state": "active"})
        self._sync_schedule()
        return True

    def action_terminate(self):
        """Active -> terminated: the schedule rows not invoiced are cancelled. Returns True."""
        self._check_finance_user()
        if any(c.state != "active" for c in self):
            raise UserError(self.env._("Only an active contract can be terminated."))
        privileged(self).write({"state": "terminated"})
        self.schedule_ids.filtered(lambda r: r.state == "planned")._set_state("cancelled")
        return True

    def action_renew(self):
        """Extend an active or expired contract by its own duration (the end date
        moves on); the schedule follows. Returns True."""
        self.check_access("write")
        for contract in self:
            if contract.state not in ("active", "expired") or not contract.date_end:
                raise UserError(
                    self.env._(
                        "Only an active or expired contract with an end date can be "
                        "renewed (%(name)s).",
                        name=contract.name,
                    )
                )
            duration = relativedelta(contract.date_end, contract.date_start) + relativedelta(days=1)
            new_end = contract.date_end + duration
            privileged(contract).write(
                {"state": "active", "date_end": new_end, "end_alert_sent": False}
            )
            contract.line_ids.filtered(
                lambda line, old=contract.date_end: line.date_end and line.date_end >= old
            ).write({"date_end": new_end})
            contract.message_post(
                body=self.env._("Renewed until %(date)s.", date=new_end),
                subtype_xmlid="mail.mt_note",
            )
        self._sync_schedule()
        return True

    @api.model
    def _cron_expire_and_renew(self):
        """Contracts past their end: renewed when automatic, else expired."""
        today = fields.Date.context_today(self)
        ended = self.search([("state", "=", "active"), ("date_end", "<", today)])
        ended.filtered(lambda c: c.renewal == "automatic").action_renew()
        expired = ended.filtered(lambda c: c.renewal != "automatic")
        privileged(expired).write({"state": "expired"})
        return True

    # ------------------------------------------------------------------
    # Schedule
    # ------------------------------------------------------------------

    def _sync_schedule(self):
        """Planned rows rebuilt from the lines; invoiced rows are never touched."""
        Schedule = privileged(self.env["crm.contract.schedule"])
        for contract in self:
            planned = contract.schedule_ids.filtered(lambda r: r.state == "planned")
            invoiced_keys = {
                (r.contract_line_id.id, r.date)
                for r in contract.schedule_ids
                if r.state == "invoiced"
            }
            privileged(planned).unlink()
            vals_list = []
            for line in contract.line_ids:
                for date in line._schedule_dates():
                    if (line.id, date) in invoiced_keys:
                        continue
                    vals_list.append(
                        {
                            "contract_id": contract.id,
                            "contract_line_id": line.id,
                            "date": date,
                            "amount_untaxed": line.price_subtotal,
                            "amount_total": line.price_total,
                        }
                    )
            Schedule.create(vals_list)

    def action_view_invoices(self):
        self.ensure_one()
        return self.schedule_ids.invoice_id._get_records_action(name=self.env._("Invoices"))
