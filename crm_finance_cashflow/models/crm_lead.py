from odoo import api, fields, models
from odoo.tools import LazyTranslate, float_round

from odoo.addons.crm_suite_base.models.policy import check_one, owned, writable

_lt = LazyTranslate(__name__)


class CrmLead(models.Model):
    _inherit = "crm.lead"
    _crm_write_policy = {
        # the link is what the Contracting gate reads
        "crm_contract_ids": owned(_lt("set the lead on a draft contract (New Contract).")),
    }

    crm_contract_ids = fields.One2many("crm.contract", "lead_id", string="Contracts")
    crm_contract_count = fields.Integer(compute="_compute_crm_contract_count")
    # the lead's money (its Financial tab): what the client owes and has paid on
    # this deal, as the user may see it (their access rights and record rules)
    crm_invoice_ids = fields.Many2many(
        "account.move",
        compute="_compute_crm_money",
        string="Invoices",
        help="The posted invoices and credit notes of the lead's quotations and of its "
        "customer contracts.",
    )
    crm_payment_ids = fields.Many2many(
        "account.payment",
        compute="_compute_crm_payments",
        string="Payments",
        groups="account.group_account_invoice,account.group_account_readonly",
        help="The payments matched with the lead's invoices.",
    )
    crm_schedule_ids = fields.Many2many(
        "crm.contract.schedule",
        compute="_compute_crm_money",
        string="Still to Invoice",
        help="The planned rows of the schedules of the lead's active customer contracts, and "
        "of its expired ones (dated on or before their end), which Create Invoices still "
        "invoices.",
    )
    crm_amount_invoiced = fields.Monetary(
        compute="_compute_crm_money",
        string="Invoiced",
        currency_field="company_currency",
        help="Posted invoices minus credit notes, taxes included, in the company currency.",
    )
    crm_amount_paid = fields.Monetary(
        compute="_compute_crm_money", string="Paid", currency_field="company_currency"
    )
    crm_amount_due = fields.Monetary(
        compute="_compute_crm_money", string="Amount Due", currency_field="company_currency"
    )
    crm_amount_to_invoice = fields.Monetary(
        compute="_compute_crm_money",
        string="Amount to Invoice",
        currency_field="company_currency",
        help="The contracts' planned schedule rows, taxes included, converted at "
        "today's rate into the company currency.",
    )

    @api.depends("crm_contract_ids")
    def _compute_crm_contract_count(self):
        for lead in self:
            lead.crm_contract_count = len(lead.crm_contract_ids)

    def _crm_lead_invoices(self):
        """{lead id: posted customer invoices and credit notes} of the leads'
        orders and customer contracts that the user may read: two searches for
        all the leads. A contract invoice's credit notes (Odoo's Credit Note
        wizard: ``reversed_entry_id``) are its contract's, as an order's credit
        notes are the order's: their lines are not linked to the schedule (a
        row is invoiced once), so they are found through the invoice they
        credit. A credit note that reversed the invoice entirely gave its rows
        back (``crm_contract_rows_released``): neither is the contract's any
        more, the period is invoiced again."""
        leads = self.filtered("id")
        result = {lead.id: self.env["account.move"] for lead in self}
        if not leads:
            return result
        posted = [("state", "=", "posted"), ("move_type", "in", ("out_invoice", "out_refund"))]
        Move = self.env["account.move"]
        order_moves = Move.search(
            [*posted, ("line_ids.sale_line_ids.order_id.opportunity_id", "in", leads.ids)]
        )
        contract_moves = Move.search(
            [
                *posted,
                "|",
                ("line_ids.crm_contract_schedule_id.contract_id.lead_id", "in", leads.ids),
                (
                    "reversed_entry_id.line_ids.crm_contract_schedule_id.contract_id.lead_id",
                    "in",
                    leads.ids,
                ),
            ]
        )
        for move in order_moves:
            for lead in move.line_ids.sale_line_ids.order_id.opportunity_id & leads:
                result[lead.id] |= move
        for move in contract_moves:
            # a credit note, which has no row of its own: its invoice's (which the
            # search found readable)
            rows = (
                move.line_ids.crm_contract_schedule_id
                or move.reversed_entry_id.line_ids.crm_contract_schedule_id
            )
            contracts = rows.contract_id
            for lead in contracts.lead_id & leads:
                result[lead.id] |= move
        return result

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_crm_money(self):
        invoices_of = self._crm_lead_invoices()
        leads = self.filtered("id")
        # the rows Create Invoices still invoices, as the forecast counts them:
        # those of active contracts, and of expired ones (their planned rows are
        # dated on or before their end, due while they ran)
        schedule_domain = [
            ("contract_id.lead_id", "in", leads.ids),
            ("contract_type", "=", "customer"),
            ("contract_state", "in", ("active", "expired")),
            ("state", "=", "planned"),
        ]
        Schedule = self.env["crm.contract.schedule"]
        rows = Schedule.search(schedule_domain, order="date, id") if leads else Schedule
        # the amounts still to invoice: one grouped query for all the leads, by
        # contract and currency
        groups = []
        if leads:
            groups = Schedule._read_group(
                schedule_domain, ["contract_id", "currency_id"], ["amount_total:sum"]
            )
        today = fields.Date.context_today(self)
        for lead in self:
            currency = lead.company_currency or self.env.company.currency_id
            company = lead.company_id or self.env.company
            invoices = invoices_of[lead.id]
            lead.crm_invoice_ids = invoices
            lead.crm_schedule_ids = rows.filtered(
                lambda row, lead=lead: row.contract_id.lead_id == lead
            )
            # the invoices' signed amounts are in their company's currency
            totals = {"invoiced": 0.0, "due": 0.0}
            for move in invoices:
                move_currency = move.company_id.currency_id
                totals["invoiced"] += move_currency._convert(
                    move.amount_total_signed, currency, company, today
                )
                totals["due"] += move_currency._convert(
                    move.amount_residual_signed, currency, company, today
                )
            to_invoice = sum(
                row_currency._convert(amount, currency, company, today)
                for contract, row_currency, amount in groups
                if contract.lead_id == lead
            )
            lead.crm_amount_invoiced = currency.round(totals["invoiced"])
            lead.crm_amount_due = currency.round(totals["due"])
            lead.crm_amount_paid = currency.round(totals["invoiced"] - totals["due"])
            lead.crm_amount_to_invoice = currency.round(to_invoice)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_crm_payments(self):
        invoices_of = self._crm_lead_invoices()
        for lead in self:
            lines = invoices_of[lead.id].line_ids.filtered(
                lambda line: line.account_type in ("asset_receivable", "liability_payable")
            )
            partials = lines.matched_debit_ids | lines.matched_credit_ids
            counterparts = (partials.debit_move_id | partials.credit_move_id) - lines
            lead.crm_payment_ids = counterparts.move_id.origin_payment_id

    def _merge_dependences(self, opportunities):
        """The contracts of merged leads move to the surviving lead, whatever
        their state: an active customer contract is what the lead's
        Contracting gate reads (the survivor may take that step over), and
        Odoo deletes the merged leads."""
        res = super()._merge_dependences(opportunities)
        # privileged (in the helper): the lead of a contract past its draft is
        # not written otherwise (the write policy).
        self._merge_move_to_survivor("crm.contract", "lead_id", opportunities)
        return res

    def action_view_crm_contracts(self):
        check_one(self)
        return self.crm_contract_ids._get_records_action(
            name=self.env._("Contracts"), context={"default_lead_id": self.id}
        )


class CrmContract(models.Model):
    _inherit = "crm.contract"  # pylint: disable=consider-merging-classes-inherited
    # the Contracting gate reads it: a draft term, of a lead the user may read
    _crm_write_policy = {"lead_id": writable(states=("draft",))}

    # a lead of the contract's company (or of none), as its other links
    lead_id = fields.Many2one(
        "crm.lead",
        string="Lead/Opportunity",
        index="btree_not_null",
        tracking=True,
        check_company=True,
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
        Contract = self.env["crm.contract"]
        if Contract._crm_user_activates():
            return self.env._(
                "Contracting cannot move on before lead %(lead)s has an active customer "
                "contract: use New Contract, then activate it.",
                lead=self.lead_id.display_name,
            )
        # a salesperson drafts the contract; a billing user or a sales manager
        # activates it: the one Request Activation asks, or nobody to ask
        approver = Contract._activation_approver(
            self.lead_id, self.lead_id.company_id or self.env.company
        )
        if approver:
            return self.env._(
                "Contracting cannot move on before lead %(lead)s has an active customer "
                "contract: use New Contract, then Request Activation on it: %(approver)s, the "
                "leader of the lead's sales team, activates it.",
                lead=self.lead_id.display_name,
                approver=approver.name,
            )
        return self.env._(
            "Contracting cannot move on before lead %(lead)s has an active customer "
            "contract: use New Contract, then ask a sales manager or a billing user to "
            "activate it (the lead's sales team has no leader who activates contracts, whom "
            "Request Activation would ask).",
            lead=self.lead_id.display_name,
        )

    def action_new_contract(self):
        """A new customer contract pre-filled from the lead and its accepted
        quotation (lines from the order's lines)."""
        check_one(self)
        lead = self.lead_id
        order = (
            lead.order_ids.filtered(lambda o: o.state == "sale")[:1]
            or lead.order_ids.filtered(lambda o: o.state == "sent")[:1]
        )
        today = fields.Date.context_today(self)
        lines = [
            (0, 0, self._prepare_contract_line_values(line, today))
            for line in order.order_line
            if not line.display_type
        ]
        context = {
            "default_lead_id": lead.id,
            # the contract is the lead's company's (its lead must be: check_company)
            "default_company_id": (lead.company_id or self.env.company).id,
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

    def _prepare_contract_line_values(self, order_line, date):
        """Hook: the values of the contract line pre-filled from ``order_line``
        (one-off on ``date``). A contract line has no discount: its unit price is
        the order line's net of its discount, and its quantity and price are in
        the product's unit (in which its invoices count), so that the line is
        worth what the order line is."""
        quantity = order_line.product_uom_qty
        price = order_line.price_unit * (1.0 - (order_line.discount or 0.0) / 100.0)
        line_uom, product_uom = order_line.product_uom, order_line.product_id.uom_id
        if line_uom and product_uom and line_uom != product_uom:
            quantity = line_uom._compute_quantity(quantity, product_uom, round=False)
            price = line_uom._compute_price(price, product_uom)
        digits = self.env["decimal.precision"].precision_get("Product Price")
        return {
            "product_id": order_line.product_id.id,
            "name": order_line.name,
            "quantity": quantity,
            "price_unit": float_round(price, precision_digits=digits),
            "tax_ids": [(6, 0, order_line.tax_id.ids)],
            "recurrence": "one_off",
            "date_start": date,
        }
