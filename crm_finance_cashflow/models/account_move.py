from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from odoo.addons.crm_suite_base.models.policy import owned, privileged

_lt = LazyTranslate(__name__)


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "crm.write.policy.mixin"]
    _crm_write_policy = {
        "crm_contract_rows_released": owned(
            _lt("it is set when a contract invoice is cancelled or fully reversed.")
        ),
        "crm_planned_payment_ids": owned(
            _lt("planned payments are recorded from the Planned Payments menu.")
        ),
        "crm_contract_id": owned(_lt("it is set when a contract invoices its schedule.")),
    }

    crm_contract_id = fields.Many2one(
        "crm.contract",
        string="Contract",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The contract whose schedule this invoice was made from; kept when the "
        "invoice is cancelled or reversed (the contract's Invoices show it, as a sale "
        "order's show its cancelled invoices).",
        groups="base.group_user",
    )

    crm_contract_rows_released = fields.Boolean(
        string="Contract Rows Given Back",
        readonly=True,
        copy=False,
        help="A cancelled or fully reversed contract invoice whose schedule rows were "
        "given back to the contract: it cannot be reset to draft, nor its reversal "
        "undone (the rows would be invoiced twice).",
        groups="base.group_user",
    )
    crm_planned_payment_ids = fields.One2many(
        "crm.planned.payment",
        "invoice_id",
        string="Planned Payments",
        readonly=True,
        groups="base.group_user",
    )

    def write(self, vals):
        """A contract invoice cancelled by writing its state gives its schedule
        rows back; one whose rows were given back is not reset to draft.

        Kept for a direct write of ``state`` over XML-RPC (the suite's API and
        its load test cancel invoices so): Odoo's ``button_cancel`` writes the
        state and ``button_draft`` sets it, so both pass here too, but no hook of
        Odoo's sees such a write that the client cannot switch off:
        ``_synchronize_business_models``, which ``write`` calls with the changed
        fields, is skipped with the context key ``skip_account_move_synchronization``,
        which any client may send (tested)."""
        if vals.get("state") == "draft":
            self._crm_check_rows_not_given_back()
        res = super().write(vals)
        if vals.get("state") == "cancel":
            self._crm_give_schedule_rows_back()
        return res

    def _check_draftable(self):
        # button_draft's check: refused before the invoice's reconciliation and
        # analytic lines are undone (a reversed contract invoice's, or its credit
        # note's: either would undo the reversal)
        res = super()._check_draftable()
        self._crm_check_rows_not_given_back()
        self._crm_check_reversal_kept()
        return res

    def _post(self, soft=True):
        """A posted reversal (Odoo's Credit Note wizard, its "Reverse and create
        a new draft", an automatic reversal at its date) that fully reverses a
        contract invoice, alone or with the invoice's other credit notes
        (``_crm_fully_credited``), gives the invoice's schedule rows back, as
        cancelling it does: a credited invoice no longer invoices its period,
        as a sale order's credited quantities are invoiced again."""
        posted = super()._post(soft=soft)
        posted._crm_give_reversed_rows_back()
        return posted

    def _crm_fully_credited(self):
        """True when this posted invoice is credited in full: Odoo marks it
        ``reversed`` (its credit note reconciled with all of it), or its posted
        credit notes (``reversed_entry_id``) in its currency total its whole
        amount. The second takes an invoice partly (or wholly) paid before
        its full credit note, which Odoo marks ``paid``: the credit note is
        reconciled with what was left, its rest is the client's credit."""
        self.ensure_one()
        if self.state != "posted":
            return False
        if self.payment_state == "reversed":
            return True
        # sudo: every credit note of the invoice counts, whoever posts the last one
        credits = self.sudo().reversal_move_ids.filtered(
            lambda move: move.state == "posted" and move.currency_id == self.currency_id
        )
        return bool(credits) and (
            self.currency_id.compare_amounts(sum(credits.mapped("amount_total")), self.amount_total)
            >= 0
        )

    def _crm_give_reversed_rows_back(self):
        """The schedule rows of the contract invoices these reversals (credit
        notes, ``reversed_entry_id``) credit in full (``_crm_fully_credited``):
        planned again, or cancelled, under the rules of a cancelled invoice
        (``_crm_release_rows``)."""
        reversed_moves = self.reversed_entry_id.filtered(lambda move: move._crm_fully_credited())
        if reversed_moves:
            reversed_moves._crm_invoiced_schedule_rows()._crm_release_rows(reversed_moves)

    @api.ondelete(at_uninstall=False)
    def _unlink_crm_give_schedule_rows_back(self):
        """A deleted (draft) contract invoice gives its schedule rows back too
        (Odoo deletes its lines first)."""
        self._crm_invoiced_schedule_rows()._crm_release_rows(self.env["account.move"])

    def _crm_hand_rows_over(self, draft, rows_by_line):
        """``draft``, the corrected copy of this contract invoice ("Reverse and
        create a new draft"), takes over the schedule rows the invoice's reversal
        gave back: ``rows_by_line``, the invoice's rows (or nothing) by its
        product lines in order, as the draft copied them. Nothing is taken over
        while the invoice is not credited in full (a reversal posted at a later
        date), or when the copy has other lines than the invoice."""
        self.ensure_one()
        if not (
            any(rows_by_line) and self.crm_contract_rows_released and self._crm_fully_credited()
        ):
            return
        lines = draft.line_ids.filtered(lambda line: line.display_type == "product").sorted("id")
        if len(lines) != len(rows_by_line):
            return
        # sudo: the rows and the link are the contract's, whoever corrects the invoice
        pairs = [
            (line.sudo(), row.sudo())
            for line, row in zip(lines, rows_by_line, strict=True)
            if row and row.sudo().state != "invoiced"
        ]
        for line, row in pairs:
            line.write({"crm_contract_schedule_id": row.id})
        rows = self.env["crm.contract.schedule"].sudo().browse([row.id for _line, row in pairs])
        if not rows:
            return
        privileged(rows).write({"state": "invoiced", "invoice_id": draft.id})
        # the corrected invoice is the contract's, as the invoice it replaces
        privileged(draft).write({"crm_contract_id": rows.contract_id[:1].id})
        # logged as Odoo logs what its own flows do (the contract's rows, whoever
        # corrects the invoice), on the contracts at once
        body = self.env._(
            "Invoice %(move)s replaces the reversed %(origin)s.",
            move=draft._get_html_link(),
            origin=self._get_html_link(),
        )
        rows.contract_id._message_log_batch(dict.fromkeys(rows.contract_id.ids, body))

    def _crm_check_rows_not_given_back(self):
        if any(move.crm_contract_rows_released and move.state == "cancel" for move in self):
            raise UserError(
                self.env._(
                    "This contract invoice gave its schedule rows back to the contract "
                    "when it was cancelled: invoice them again from the contract "
                    "(Create Invoices) instead of resetting it to draft."
                )
            )

    def _crm_check_reversal_kept(self):
        """A fully reversed contract invoice gave its rows back (they may be
        invoiced again already): neither it nor its credit notes are reset to
        draft, nor are they unreconciled, which would make it due again."""
        invoices = (self | self.reversed_entry_id).filtered(
            lambda move: move.crm_contract_rows_released and move.state == "posted"
        )
        if invoices:
            raise UserError(
                self.env._(
                    "Contract invoice %(invoices)s was fully reversed and gave its schedule "
                    "rows back to the contract: its reversal stays (neither it nor its "
                    "credit note is reset to draft or unreconciled), else the rows would "
                    "be invoiced twice. Invoice them again from the contract (Create "
                    "Invoices).",
                    invoices=", ".join(invoices.mapped("name")),
                )
            )

    def _crm_give_schedule_rows_back(self):
        """The schedule rows of these invoices, once cancelled (or, through
        ``_crm_give_reversed_rows_back``, fully reversed): planned again
        (invoiced by the next run) while the contract is active or expired (a row
        dated on or before its end), else cancelled.
        Such an invoice stays cancelled."""
        cancelled = self.filtered(lambda move: move.state == "cancel")
        if cancelled:
            cancelled._crm_invoiced_schedule_rows()._crm_release_rows(cancelled)

    def _crm_invoiced_schedule_rows(self):
        # sudo: finds the rows these invoices were made from, whoever may read the
        # contracts; only their state and link change, through the rows' own method
        return (
            self.env["crm.contract.schedule"]
            .sudo()
            .search([("invoice_id", "in", self.ids), ("state", "=", "invoiced")])
        )


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_crm_reversed_contract_invoice(self):
        """A fully reversed contract invoice stays reconciled with its credit
        note (the payment widget's Unreconcile, a reset to draft)."""
        (self.debit_move_id.move_id | self.credit_move_id.move_id)._crm_check_reversal_kept()


class CrmContractSchedule(models.Model):
    _inherit = "crm.contract.schedule"  # pylint: disable=consider-merging-classes-inherited

    def _crm_release_rows(self, moves):
        """Rows whose invoice is gone or cancelled: unlinked from the invoice's lines
        (so that the one-invoice index lets them be invoiced again) and planned
        while they can be invoiced (``_crm_invoiceable``: an active contract, or
        an expired one and the row dated on or before its end) and their line
        still exists, else cancelled. A row planned again takes its line's
        amounts of now, as the other planned rows of the line (its price may have
        changed since it was invoiced), and is alerted again by the alerts
        cron."""
        if not self:
            return
        lines = moves.line_ids.filtered(lambda line: line.crm_contract_schedule_id in self)
        if lines:
            # sudo: the link and the mark are technical fields the invoice's users
            # cannot write
            lines.sudo().write({"crm_contract_schedule_id": False})
            lines.move_id.sudo().write({"crm_contract_rows_released": True})
        planned = self.filtered(lambda row: row._crm_invoiceable())
        for state, rows in (("planned", planned), ("cancelled", self - planned)):
            if rows:
                privileged(rows).write({"state": state, "invoice_id": False})
        planned._crm_take_line_amounts()
        # a row planned again is expected again: the alerts cron reminds of it
        # anew (its alert was answered by the bill now gone)
        alerted = planned.filtered("alert_sent")
        if alerted:
            privileged(alerted).write({"alert_sent": False, "alert_activity_id": False})
