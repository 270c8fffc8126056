from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from odoo.addons.crm_suite_base.models.policy import owned, privileged

_lt = LazyTranslate(__name__)


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "crm.write.policy.mixin"]
    _crm_write_policy = {
        "crm_contract_rows_released": owned(_lt("it is set when a contract invoice is cancelled.")),
    }

    crm_contract_rows_released = fields.Boolean(
        string="Contract Rows Given Back",
        readonly=True,
        copy=False,
        help="A cancelled contract invoice whose schedule rows were given back to the "
        "contract: it cannot be reset to draft (the rows would be invoiced twice).",
    )

    def write(self, vals):
        """A cancelled contract invoice gives its schedule rows back: planned again
        (invoiced by the next run) while the contract is active, else cancelled.
        Here rather than in ``button_cancel()``, so that writing the state over
        XML-RPC does it too. Such an invoice stays cancelled."""
        if vals.get("state") == "draft" and any(
            move.crm_contract_rows_released and move.state == "cancel" for move in self
        ):
            raise UserError(
                self.env._(
                    "This contract invoice gave its schedule rows back to the contract "
                    "when it was cancelled: invoice them again from the contract "
                    "(Create Invoices) instead of resetting it to draft."
                )
            )
        if vals.get("state") != "cancel":
            return super().write(vals)
        rows = self._crm_invoiced_schedule_rows()
        res = super().write(vals)
        cancelled = self.filtered(lambda move: move.state == "cancel")
        rows.filtered(lambda row: row.invoice_id in cancelled)._crm_release_rows(cancelled)
        return res

    def unlink(self):
        """A deleted (draft) contract invoice gives its schedule rows back too."""
        rows = self._crm_invoiced_schedule_rows()
        res = super().unlink()
        rows._crm_release_rows(self.env["account.move"])
        return res

    def _crm_invoiced_schedule_rows(self):
        # sudo: finds the rows these invoices were made from, whoever may read the
        # contracts; only their state and link change, through the rows' own method
        return (
            self.env["crm.contract.schedule"]
            .sudo()
            .search([("invoice_id", "in", self.ids), ("state", "=", "invoiced")])
        )


class CrmContractSchedule(models.Model):
    _inherit = "crm.contract.schedule"  # pylint: disable=consider-merging-classes-inherited

    def _crm_release_rows(self, moves):
        """Rows whose invoice is gone or cancelled: unlinked from the invoice's lines
        (so that the one-invoice index lets them be invoiced again) and planned, or
        cancelled when their contract is no longer active."""
        if not self:
            return
        lines = moves.line_ids.filtered(lambda line: line.crm_contract_schedule_id in self)
        if lines:
            # sudo: the link and the mark are technical fields the invoice's users
            # cannot write
            lines.sudo().write({"crm_contract_schedule_id": False})
            lines.move_id.sudo().write({"crm_contract_rows_released": True})
        for state, rows in (
            ("planned", self.filtered(lambda row: row.contract_id.state == "active")),
            ("cancelled", self.filtered(lambda row: row.contract_id.state != "active")),
        ):
            if rows:
                privileged(rows).write({"state": state, "invoice_id": False})
