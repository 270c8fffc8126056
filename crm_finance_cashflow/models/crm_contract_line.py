import math

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import LazyTranslate, format_date

from odoo.addons.crm_suite_base.models.policy import FREE, NUMBER_MAX, owned, writable

from .crm_contract import blank_dates_to_false, take_context_defaults

_lt = LazyTranslate(__name__)

RECURRENCES = [
    ("one_off", "One-off"),
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
    ("half_yearly", "Half-yearly"),
    ("yearly", "Yearly"),
]
STEP_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
# without an end date, a line is scheduled this far ahead of its first date or
# of today, whichever is later: the daily cron (crm.contract's
# _cron_extend_schedules) tops the rows up as the days pass
OPEN_ENDED_MONTHS = 36


class CrmContractLine(models.Model):
    _name = "crm.contract.line"
    _description = "Contract Line"
    _inherit = ["crm.write.policy.mixin"]
    _order = "contract_id, sequence, id"
    _check_company_auto = True
    # a line is a term of its contract: its users' in draft, finance's while it
    # is active (see _crm_check_policy), fixed afterwards
    _crm_state_field = "contract_state"
    _crm_write_policy = {
        "contract_id": owned(_lt("a line stays on the contract it was created on."), create=True),
        "sequence": FREE,
        "company_id": owned(_lt("the contract's company.")),
        "currency_id": owned(_lt("the contract's currency.")),
        "contract_state": owned(_lt("the contract's state.")),
        "product_id": writable(states=("draft", "active")),
        "name": writable(states=("draft", "active")),
        "quantity": writable(states=("draft", "active"), bounds=(0, NUMBER_MAX)),
        "price_unit": writable(states=("draft", "active"), bounds=(0, NUMBER_MAX)),
        "tax_ids": writable(states=("draft", "active")),
        "recurrence": writable(states=("draft", "active")),
        "date_start": writable(states=("draft", "active")),
        "date_end": writable(states=("draft", "active")),
        "price_subtotal": owned(_lt("computed from the quantity, price and taxes.")),
        "price_total": owned(_lt("computed from the quantity, price and taxes.")),
    }

    contract_id = fields.Many2one(
        "crm.contract", required=True, ondelete="cascade", index=True, copy=False
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    contract_state = fields.Selection(related="contract_id.state", string="Contract Status")
    product_id = fields.Many2one("product.product", check_company=True)
    name = fields.Char(string="Description", required=True)
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)
    price_unit = fields.Float(string="Unit Price", digits="Product Price", required=True)
    tax_ids = fields.Many2many("account.tax", string="Taxes", check_company=True)
    recurrence = fields.Selection(RECURRENCES, default="monthly", required=True)
    date_start = fields.Date(string="First Date", required=True)
    date_end = fields.Date(string="Until")
    price_subtotal = fields.Monetary(compute="_compute_amounts", store=True)
    price_total = fields.Monetary(compute="_compute_amounts", store=True)

    @api.onchange("product_id")
    def _onchange_product_id(self):
        """The product's description, price and taxes, as Odoo's quotation line
        (a supplier contract's: its vendor bill line) takes them: the taxes of
        the contract's company (or, for a branch without its own, of its
        parent), mapped by the partner's fiscal position in that company; the
        price (the sales price, a supplier contract's cost, in the company's
        currency) adapted to the mapped taxes and converted into the contract's
        currency at the rate of its start (``_get_tax_included_unit_price``)."""
        if not self.product_id:
            return
        contract = self.contract_id
        company = contract.company_id or self.env.company
        supplier = contract.contract_type == "supplier"
        self.name = self.product_id.display_name
        taxes = self.product_id.supplier_taxes_id if supplier else self.product_id.taxes_id
        # the contract's company's taxes, or its parent's for a branch
        # without its own, as Odoo's quotation line takes them
        taxes = taxes._filter_taxes_by_company(company)
        position = (
            self.env["account.fiscal.position"]
            .with_company(company)
            ._get_fiscal_position(contract.partner_id)
        )
        self.price_unit = self.product_id._get_tax_included_unit_price(
            company,
            contract.currency_id or company.currency_id,
            contract.date_start or fields.Date.context_today(self),
            "purchase" if supplier else "sale",
            product_taxes=taxes,
            fiscal_position=position,
        )
        self.tax_ids = position.map_tax(taxes)

    @api.depends("quantity", "price_unit", "tax_ids", "currency_id")
    def _compute_amounts(self):
        for line in self:
            subtotal = line.quantity * line.price_unit
            taxes = line.tax_ids.compute_all(
                line.price_unit, currency=line.currency_id, quantity=line.quantity
            )
            line.price_subtotal = taxes["total_excluded"] if line.tax_ids else subtotal
            line.price_total = taxes["total_included"] if line.tax_ids else subtotal

    @api.constrains("quantity", "price_unit", "date_start", "date_end")
    def _check_values(self):
        for line in self:
            if not (math.isfinite(line.quantity) and math.isfinite(line.price_unit)):
                raise ValidationError(self.env._("Quantities and prices must be numbers."))
            if line.quantity < 0 or line.price_unit < 0:
                raise ValidationError(
                    self.env._(
                        "Line %(line)s of %(contract)s: quantities and prices cannot be negative.",
                        line=line.name,
                        contract=line.contract_id.name,
                    )
                )
            contract = line.contract_id
            if not (line.date_start and contract.date_start):
                continue  # required: the database refuses it
            if line.date_end and line.date_end < line.date_start:
                raise ValidationError(
                    self.env._("Line %(line)s ends before its first date.", line=line.name)
                )
            outside = line.date_start < contract.date_start or (
                contract.date_end
                and (
                    line.date_start > contract.date_end
                    or (line.date_end or line.date_start) > contract.date_end
                )
            )
            if outside:
                raise ValidationError(
                    self.env._(
                        "Line %(line)s falls outside the period of contract %(contract)s.",
                        line=line.name,
                        contract=contract.name,
                    )
                )

    def _schedule_horizon(self, today=None):
        """The last date an open-ended line (no end of its own nor of its
        contract) is scheduled until: ``OPEN_ENDED_MONTHS`` after its first date
        or after today, whichever is later."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        return max(self.date_start, today) + relativedelta(months=OPEN_ENDED_MONTHS)

    def _schedule_dates(self, today=None):
        """The dates an invoice is expected for this line (an open-ended one's
        until its horizon, ``_schedule_horizon``)."""
        self.ensure_one()
        if self.recurrence == "one_off":
            return [self.date_start]
        step = relativedelta(months=STEP_MONTHS[self.recurrence])
        # never past the contract's end, whatever the line says
        end = min(filter(None, (self.date_end, self.contract_id.date_end)), default=None)
        if not end:
            end = self._schedule_horizon(today)
        dates, i = [], 0
        while True:
            date = self.date_start + step * i
            if date > end:
                return dates
            dates.append(date)
            i += 1

    def _prepare_schedule_row(self, date):
        """The values of this line's schedule row of ``date``."""
        self.ensure_one()
        return {
            "contract_id": self.contract_id.id,
            "contract_line_id": self.id,
            "date": date,
            "amount_untaxed": self.price_subtotal,
            "amount_total": self.price_total,
        }

    @api.model_create_multi
    def create(self, vals_list):
        lines = super(CrmContractLine, take_context_defaults(self, vals_list)).create(vals_list)
        # a line added to a contract that is no longer a draft: finance's (checked
        # once created, so that a line given through the contract's defaults is
        # checked too; a refusal rolls the creation back)
        lines.contract_id._check_terms_editable()
        lines.contract_id.filtered(lambda c: c.state == "active")._sync_schedule()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if {"date_start", "date_end", "recurrence"} & set(vals):
            self._check_invoiced_rows_kept()
        self.contract_id.filtered(lambda c: c.state == "active")._sync_schedule()
        return res

    def _check_invoiced_rows_kept(self):
        """A line's invoiced rows stay on its schedule: a row off its new dates
        (outside its period, or off its new first date or recurrence) would be
        kept as invoiced while the schedule plans the same period again, and the
        period would be billed twice. Such an amendment is refused, as the
        contract refuses a period that leaves out an invoiced row."""
        for line in self:
            invoiced = line.contract_id.schedule_ids.filtered(
                lambda r, ln=line: r.contract_line_id == ln and r.state == "invoiced"
            )
            if not invoiced:
                continue
            dates = set(line._schedule_dates())
            off = invoiced.filtered(lambda r, d=dates: r.date not in d)
            if off:
                end = line.date_end or line.contract_id.date_end
                raise UserError(
                    self.env._(
                        "Line %(line)s of contract %(contract)s is invoiced for %(dates)s: "
                        "its new dates (from %(start)s, until %(end)s, %(recurrence)s) no "
                        "longer include them, and the same period would be invoiced again. "
                        "Keep its dates, or end it and add a line from the next period.",
                        line=line.name,
                        contract=line.contract_id.name,
                        dates=", ".join(
                            format_date(self.env, d) for d in sorted(set(off.mapped("date")))
                        ),
                        start=format_date(self.env, line.date_start),
                        end=format_date(self.env, end) if end else self.env._("no end"),
                        recurrence=dict(
                            line._fields["recurrence"]._description_selection(self.env)
                        )[line.recurrence],
                    )
                )

    def _crm_check_policy(self, vals, creating):
        res = super()._crm_check_policy(blank_dates_to_false(self, vals), creating)
        if not creating and set(vals) - {"sequence"}:
            self.contract_id._check_terms_editable()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_terms_locked(self):
        """A line is removed as the contract's terms are changed
        (``_check_terms_editable``: a draft contract's users, finance on an
        active one, nobody on an expired or terminated one). Not when the
        module is uninstalled: its lines go with their table; the uninstall
        flag counts only for administrators (crm_suite_base's extension of
        ``base``)."""
        self.contract_id._check_terms_editable()

    def unlink(self):
        contracts = self.contract_id
        res = super().unlink()
        contracts.filtered(lambda c: c.state == "active")._sync_schedule()
        return res
