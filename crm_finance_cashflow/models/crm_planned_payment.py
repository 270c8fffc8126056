from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import LazyTranslate, format_amount

from odoo.addons.crm_suite_base.models.policy import FREE, NUMBER_MAX, owned, privileged, writable
from odoo.addons.crm_suite_base.models.row_locks import lock_and_touch

from ..report.crm_cashflow_forecast_report import INVOICE_DIRECTIONS
from .crm_contract import blank_dates_to_false, take_context_defaults

_lt = LazyTranslate(__name__)

_PLANNED = writable(states=("planned",))
# the fields whose change can raise the sum of an invoice's planned payments
# (the currency: the amount converted into the invoice's)
_OPEN_AMOUNT_FIELDS = ("invoice_id", "amount", "currency_id")


class CrmPlannedPayment(models.Model):
    """A payment finance expects to make or receive on a date."""

    _name = "crm.planned.payment"
    _description = "Planned Payment"
    _inherit = ["mail.thread", "crm.write.policy.mixin"]
    _order = "date, id"
    _check_company_auto = True
    # what is planned stays editable until it is posted or cancelled
    _crm_write_policy = {
        "name": FREE,
        "direction": _PLANNED,
        "partner_id": _PLANNED,
        "company_id": _PLANNED,
        "currency_id": _PLANNED,
        "amount": writable(states=("planned",), bounds=(0, NUMBER_MAX)),
        "date": _PLANNED,
        "contract_id": _PLANNED,
        "invoice_id": _PLANNED,
        "state": owned(_lt("use Post or Cancel."), create=("planned",)),
        "payment_id": owned(_lt("use Post: it records the payment.")),
        "journal_id": _PLANNED,
    }

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
    contract_id = fields.Many2one(
        "crm.contract",
        check_company=True,
        index="btree_not_null",
        help="For reference only: in the forecast a planned payment of a contract counts "
        "on top of the contract's schedule, never instead of its rows. To expect the money "
        "of an invoiced row at another date, link the planned payment to the invoice.",
    )
    invoice_id = fields.Many2one(
        "account.move",
        check_company=True,
        index="btree_not_null",
        # the open invoices, bills and credit notes (_check_invoice_payable)
        domain="[('move_type', '!=', 'entry'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
        help="In the forecast, a planned payment of an invoice counts at its date and "
        "the rest of the invoice's open amount at the invoice's due dates: it never "
        "adds to the invoice. The invoice's planned payments total at most its open "
        "amount; once a payment registered otherwise lowers it, they count up to it, "
        "the earliest first.",
    )
    state = fields.Selection(
        [("planned", "Planned"), ("posted", "Posted"), ("cancelled", "Cancelled")],
        default="planned",
        required=True,
        tracking=True,
        copy=False,
    )
    is_overdue = fields.Boolean(
        string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue"
    )
    payment_id = fields.Many2one(
        "account.payment",
        readonly=True,
        copy=False,
        help="The payment Post recorded. A planned payment planned again because its "
        "payment was cancelled, rejected or reset to draft keeps it: posting that payment "
        "again posts the planned payment again.",
    )
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

    def _names_for_user(self):
        """The names of these planned payments (found as superuser: every one
        of them counts; called in the acting user's environment) to tell the
        user: those the user may read, quoted, and the others counted, never
        named (a company change's warning and refusal must not tell a
        salesperson, who reads no planned payment, nor a user whose record
        rules hide some, what they are), as crm_supply's reservations name
        their orders (``_held_names``)."""
        readable = self._filtered_access("read")
        hidden = len(self) - len(readable)
        names = ", ".join(f"“{payment.display_name}”" for payment in readable)
        if hidden and readable:
            return self.env._(
                "%(names)s and %(count)s other planned payment(s) you cannot access",
                names=names,
                count=hidden,
            )
        if hidden:
            return self.env._("%(count)s planned payment(s) you cannot access", count=hidden)
        return names

    @api.constrains("amount")
    def _check_amount(self):
        for payment in self:
            if payment.amount <= 0:
                raise ValidationError(self.env._("A planned payment's amount must be positive."))

    @api.constrains("journal_id")
    def _check_journal_type(self):
        """Post records the payment in the planned payment's journal: a bank or
        cash journal (the form offers those only), as Odoo's payments take. Any
        other, written over XML-RPC, is refused when it is set, not at Post
        with Odoo's "define a payment method line"."""
        for planned in self:
            if planned.journal_id and planned.journal_id.type not in ("bank", "cash"):
                raise ValidationError(
                    self.env._(
                        "The journal of planned payment %(name)s must be a bank or cash "
                        "journal, not %(journal)s.",
                        name=planned.name,
                        journal=planned.journal_id.display_name,
                    )
                )

    @api.constrains("invoice_id", "direction", "partner_id", "amount", "currency_id")
    def _check_invoice_payable(self):
        """A planned payment of an invoice is one Post can register: the link
        takes its amount off the invoice's open amount in the forecast, so one
        it cannot pay is refused when it is made, not at Post. That the
        invoice's planned payments together do not exceed its open amount is
        checked by create and write (``_crm_check_invoice_open_amounts``), when
        the link, the amount or the currency is written only."""
        for planned in self:
            if planned.invoice_id and planned.state == "planned":
                planned._crm_check_invoice_payable()

    def _crm_check_invoice_payable(self):
        """A ``ValidationError`` unless the invoice is open (posted, not or
        partly paid), goes the planned payment's way and is of its partner."""
        self.ensure_one()
        invoice = self.invoice_id
        if invoice.state != "posted" or invoice.payment_state not in ("not_paid", "partial"):
            raise ValidationError(
                self.env._(
                    "Invoice %(invoice)s of %(name)s is not open: it cannot be paid again.",
                    invoice=invoice.display_name,
                    name=self.name,
                )
            )
        # the way the forecast counts the invoice's money
        incoming = INVOICE_DIRECTIONS.get(invoice.move_type) == "incoming"
        if incoming != (self.direction == "incoming"):
            raise ValidationError(
                self.env._(
                    "%(name)s goes the other way than invoice %(invoice)s: set its direction.",
                    name=self.name,
                    invoice=invoice.display_name,
                )
            )
        if invoice.commercial_partner_id != self.partner_id.commercial_partner_id:
            raise ValidationError(
                self.env._(
                    "%(name)s and invoice %(invoice)s are not of the same partner.",
                    name=self.name,
                    invoice=invoice.display_name,
                )
            )

    def _crm_check_invoice_open_amounts(self, vals):
        """``_crm_check_invoice_open_amount`` of these planned payments (of an
        invoice, still planned) when ``vals`` (what create or write wrote)
        sets their link, amount or currency: an invoice Odoo's Register
        Payment lowers below its planned payments is not refused anything else
        (another contact of the client, another date, ...), the forecast
        counts them up to its open amount. The invoices' rows are locked (in
        id order) and touched first: two transactions planning payments of the
        same invoice at once sum them one after the other (the second one, if
        it read before the first one committed, is run again by Odoo)."""
        if not any(field in vals for field in _OPEN_AMOUNT_FIELDS):
            return
        planned = self.filtered(lambda p: p.invoice_id and p.state == "planned")
        if not planned:
            return
        # no key: the rows referencing the invoices (their lines, payments)
        # are not held up, only the other sums of their planned payments
        lock_and_touch(planned.invoice_id, no_key=True)
        for payment in planned:
            payment._crm_check_invoice_open_amount()

    def _crm_check_invoice_open_amount(self):
        """A ``ValidationError`` naming the invoice's open amount when its planned
        payments (this one and the invoice's others still planned) total more:
        the forecast would count money the invoice does not owe. The amounts in
        another currency than the invoice's are converted at today's rate of
        the invoice's company, as the forecast takes them off the invoice; one
        in a currency without a rate there (nor the invoice's currency) is
        refused with a ``UserError`` naming the currency, as the forecast
        refuses it, rather than counted for nothing. Called by create and
        write (``_crm_check_invoice_open_amounts``), the invoice locked."""
        self.ensure_one()
        invoice = self.invoice_id
        # sudo: every planned payment of the invoice, whoever may read them (of
        # the invoice's company: check_company); only their sum is shown
        planned = (
            self.sudo().search([("invoice_id", "=", invoice.id), ("state", "=", "planned")])
            | self.sudo()
        )
        currency = invoice.currency_id
        today = fields.Date.context_today(self)
        foreign = planned.currency_id - currency
        rates = {}
        if foreign:
            rates = self.env["crm.cashflow.forecast.report"]._forecast_rates(
                invoice.company_id, foreign | currency, today
            )
        total = 0.0
        for payment in planned:
            if payment.currency_id == currency:
                total += payment.amount
                continue
            for missing in (payment.currency_id | currency).filtered(lambda c: c.id not in rates):
                # counted for nothing, any amount would pass: refused, as the
                # forecast refuses to take it off the invoice
                missing._crm_check_rate(
                    invoice.company_id,
                    today,
                    lambda payment=payment, **values: self.env._(
                        "There is no exchange rate of %(currency)s on or before %(date)s in "
                        "%(company)s: update the rates before planning %(name)s as a payment "
                        "of invoice %(invoice)s.",
                        name=payment.name,
                        invoice=invoice.display_name,
                        **values,
                    ),
                )
            if payment.currency_id.id in rates and currency.id in rates:
                total += currency.round(
                    payment.amount * rates[currency.id] / rates[payment.currency_id.id]
                )
        if currency.compare_amounts(total, invoice.amount_residual) > 0:
            raise ValidationError(
                self.env._(
                    "Invoice %(invoice)s has %(open)s left to pay, and its planned payments "
                    "would total %(total)s: lower the amount of %(name)s.",
                    invoice=invoice.display_name,
                    open=format_amount(self.env, invoice.amount_residual, currency),
                    total=format_amount(self.env, total, currency),
                    name=self.name,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted_or_cancelled(self):
        """A posted planned payment is the record of the payment it made (and the
        forecast's of its invoice), a cancelled one of what was not paid: only a
        planned one is deleted."""
        for planned in self:
            if planned.state != "planned":
                raise UserError(
                    self.env._(
                        "Only a planned payment can be deleted (%(name)s is posted or "
                        "cancelled).",
                        name=planned.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        records = super(CrmPlannedPayment, take_context_defaults(self, vals_list)).create(vals_list)
        # every new planned payment adds to its invoice's sum
        records._crm_check_invoice_open_amounts(dict.fromkeys(_OPEN_AMOUNT_FIELDS))
        return records

    def write(self, vals):
        result = super().write(vals)
        self._crm_check_invoice_open_amounts(vals)
        return result

    def _crm_check_policy(self, vals, creating):
        return super()._crm_check_policy(blank_dates_to_false(self, vals), creating)

    def action_post(self):
        """Record the payment in Odoo (account.payment, posted). A planned payment
        of an invoice registers the payment of that invoice, as Odoo's Register
        Payment does: reconciled with it, so that the invoice is paid (or partly
        paid) and no longer counted open by the forecast. A planned payment that
        keeps the payment it recorded before (cancelled, rejected or reset to
        draft since) records a new one, which takes its place: the one of
        before, posted again, is a payment of its own. A planned payment in a
        currency without a rate on or before its date in its company (a
        branch: its root company's) is refused with a ``UserError`` naming the
        currency, the date and the company, as Create Invoices refuses a
        contract's, and nothing is posted. Returns True."""
        self.check_access("write")
        journals = {}
        journal_of = {}
        firsts = {}  # {(currency, company, date): the first planned payment of it}
        for planned in self:
            if planned.state != "planned":
                raise UserError(self.env._("Only a planned payment can be posted."))
            if not planned.partner_id:
                raise UserError(self.env._("Set the partner of %(name)s.", name=planned.name))
            journal = planned.journal_id
            if not journal:
                # the company's first bank journal, searched once per company
                if planned.company_id not in journals:
                    journals[planned.company_id] = self.env["account.journal"].search(
                        [("type", "=", "bank"), ("company_id", "=", planned.company_id.id)],
                        limit=1,
                    )
                journal = journals[planned.company_id]
            if not journal:
                raise UserError(
                    self.env._(
                        "%(company)s has no bank journal to post %(name)s in: choose a journal.",
                        company=planned.company_id.name,
                        name=planned.name,
                    )
                )
            journal_of[planned] = journal
            firsts.setdefault((planned.currency_id, planned.company_id, planned.date), planned)
        # Odoo converts the payment into the company currency at the rate of
        # its date, and one for one without a rate: refused, as Create
        # Invoices refuses it, before anything is recorded; one look per
        # currency, company and date (the first payment of each named)
        for (currency, company, date), planned in firsts.items():
            currency._crm_check_rate(
                company,
                date,
                lambda planned=planned, **values: self.env._(
                    "There is no exchange rate of %(currency)s on or before %(date)s in "
                    "%(company)s: update the rates before posting %(name)s.",
                    name=planned.name,
                    **values,
                ),
            )
        for planned in self:
            journal = journal_of[planned]
            if planned.invoice_id:
                payment = planned._register_invoice_payment(journal)
            else:
                payment = self.env["account.payment"].create(
                    {
                        "payment_type": "inbound"
                        if planned.direction == "incoming"
                        else "outbound",
                        "partner_type": "customer"
                        if planned.direction == "incoming"
                        else "supplier",
                        "partner_id": planned.partner_id.id,
                        "amount": planned.amount,
                        "currency_id": planned.currency_id.id,
                        "date": planned.date,
                        "company_id": planned.company_id.id,
                        "journal_id": journal.id,
                        "memo": planned.name,
                    }
                )
                payment.action_post()
            privileged(planned).write({"state": "posted", "payment_id": payment.id})
        return True

    def _register_invoice_payment(self, journal):
        """The payment of the planned payment's invoice, through Odoo's payment
        registration (created, posted and reconciled with the invoice's
        receivable or payable lines)."""
        self.ensure_one()
        # checked when linked; the invoice may have been paid or reversed since
        self._crm_check_invoice_payable()
        invoice = self.invoice_id
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "payment_date": self.date,
                    "amount": self.amount,
                    "currency_id": self.currency_id.id,
                    "journal_id": journal.id,
                    "communication": self.name,
                    "payment_difference_handling": "open",
                }
            )
        )
        return wizard._create_payments()

    def _crm_payment_undone(self, how):
        """The payment these posted planned payments recorded was cancelled,
        rejected, reset to draft or deleted in Odoo (``how``: ``"canceled"``,
        ``"rejected"``, ``"draft"`` or ``"deleted"``): it no longer pays what
        they expected, so they are planned again (the forecast counts them
        again; Post records a new payment, Cancel drops them), with a note of
        why in their chatter. They keep the payment (``payment_id``) unless it
        was deleted: posted again, it posts them again
        (``_crm_payment_redone``), so that the money counts once, as the
        payment's. A payment deleted before this was called (18.0.1.8.17's
        migration: the database cleared the link) is not named."""
        planned = self.filtered(lambda p: p.state == "posted")
        if not planned:
            return
        notes = [(record, record.payment_id.display_name) for record in planned]
        vals = {"state": "planned"}
        if how == "deleted":
            vals["payment_id"] = False
        privileged(planned).write(vals)
        bodies = {}
        for record, payment in notes:
            if how == "canceled":
                body = self.env._(
                    "Payment %(payment)s was cancelled: this planned payment is planned again.",
                    payment=payment,
                )
            elif how == "rejected":
                body = self.env._(
                    "Payment %(payment)s was rejected: this planned payment is planned again.",
                    payment=payment,
                )
            elif how == "draft":
                body = self.env._(
                    "Payment %(payment)s was reset to draft: this planned payment is planned "
                    "again until the payment is posted again (or Post records a new payment).",
                    payment=payment,
                )
            elif payment:
                body = self.env._(
                    "Payment %(payment)s was deleted: this planned payment is planned again.",
                    payment=payment,
                )
            else:
                body = self.env._(
                    "The payment of this planned payment was deleted: it is planned again."
                )
            bodies[record.id] = body
        # logged as Odoo logs what its own flows do (the payment's change, by
        # whoever may make it): the notes created at once
        planned._message_log_batch(bodies)

    def _crm_payment_redone(self):
        """The payment these planned payments recorded, cancelled, rejected or
        reset to draft since (``_crm_payment_undone``), is posted again (in
        process or paid): it records them again, they are posted with it (else
        the forecast would count the payment's money and the planned payment
        both), with a note in their chatter."""
        planned = self.filtered(lambda p: p.state == "planned" and p.payment_id)
        if not planned:
            return
        privileged(planned).write({"state": "posted"})
        # logged as the notes of a payment undone (_crm_payment_undone)
        planned._message_log_batch(
            {
                record.id: self.env._(
                    "Payment %(payment)s was posted again: this planned payment is posted "
                    "with it.",
                    payment=record.payment_id.display_name,
                )
                for record in planned
            }
        )

    def action_cancel(self):
        """Returns True. A cancelled planned payment drops the payment it kept
        from before (undone, ``_crm_payment_undone``): posted again, that
        payment no longer posts it."""
        self.check_access("write")
        if any(p.state != "planned" for p in self):
            raise UserError(self.env._("Only a planned payment can be cancelled."))
        privileged(self).write({"state": "cancelled", "payment_id": False})
        return True
