from odoo import api, fields, models
from odoo.tools import SQL, LazyTranslate

from odoo.addons.crm_suite_base.models.policy import owned

from .crm_contract_schedule import ONE_INVOICE_INDEX

_lt = LazyTranslate(__name__)


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = ["account.move.line", "crm.write.policy.mixin"]
    _crm_write_policy = {
        # the link is what the one-invoice index counts
        "crm_contract_schedule_id": owned(
            _lt(
                "contract invoices are created by Create Invoices; cancelling, deleting "
                "or fully reversing the invoice, or removing the line from a draft, gives "
                "the row back."
            )
        ),
    }

    crm_contract_schedule_id = fields.Many2one(
        "crm.contract.schedule",
        string="Contract Schedule Row",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_user",
    )

    def write(self, vals):
        # Odoo's write returns before its super() when no value changes, which
        # would skip the mixin's check behind it: the policy answers first here
        if self:
            self.browse().check_access("write")
            self._crm_check_policy(vals, creating=False)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_crm_give_schedule_rows_back(self):
        """A contract invoice's line removed from the draft (its x2many command,
        or the line's own unlink) no longer invoices its schedule row: the row
        is given back as when the whole invoice is cancelled or deleted
        (``_crm_release_rows``), planned again or cancelled, else it would stay
        invoiced by an invoice that no longer bills it and its period would
        never be invoiced. Deleting the invoice deletes its lines first, so its
        rows are given back here already. Odoo's own recomputation of an
        invoice deletes tax, payment term and rounding lines, never the product
        lines that carry the link."""
        # sudo: the rows are the contract's, whoever edits the invoice; only their
        # state and link change, through the rows' own method
        rows = self.env["crm.contract.schedule"].sudo()
        for line in self.sudo().filtered("crm_contract_schedule_id"):
            row = line.crm_contract_schedule_id
            if row.state == "invoiced" and row.invoice_id == line.move_id:
                rows |= row
        rows._crm_release_rows(self.env["account.move"])

    def init(self):
        # a schedule row is invoiced once, even when two workers invoice at once
        self.env.cr.execute(
            SQL(
                """
                CREATE UNIQUE INDEX IF NOT EXISTS %s
                    ON account_move_line (crm_contract_schedule_id)
                 WHERE crm_contract_schedule_id IS NOT NULL
                """,
                SQL.identifier(ONE_INVOICE_INDEX),
            )
        )
