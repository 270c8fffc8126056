from odoo import models


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    def reverse_moves(self, is_modify=False):
        """ "Reverse and create a new draft" of a contract invoice: its reversal,
        posted at once, gives its schedule rows back (``account.move._post``);
        the new draft, a copy of the invoice to correct, takes them over, line
        for line, as the contract invoice of the same period (a sale order's
        lines stay linked to such a copy too). Each row stays invoiced once:
        by the draft, which gives them back in turn when it is cancelled or
        deleted. A reversal dated later (posted at its date) keeps the rows on
        the invoice until then, and gives them back when it is posted."""
        if not is_modify:
            return super().reverse_moves(is_modify=is_modify)
        # each invoice's rows by its product lines, which the draft copies in order
        rows_by_line = {
            move.id: [
                line.crm_contract_schedule_id
                for line in move.line_ids.filtered(
                    lambda line: line.display_type == "product"
                ).sorted("id")
            ]
            for move in self.move_ids
        }
        # the invoices in the order their drafts are created (the wizard copies
        # each through _modify_default_reverse_values)
        origins = []
        action = super(
            AccountMoveReversal, self.with_context(crm_modify_origins=origins)
        ).reverse_moves(is_modify=is_modify)
        drafts = self.new_move_ids.sorted("id")
        if len(drafts) != len(origins):
            return action  # not the copies expected: the rows stay given back
        for origin_id, draft in zip(origins, drafts, strict=True):
            self.env["account.move"].browse(origin_id)._crm_hand_rows_over(
                draft, rows_by_line.get(origin_id, [])
            )
        return action

    def _modify_default_reverse_values(self, origin_move):
        origins = self.env.context.get("crm_modify_origins")
        if isinstance(origins, list):
            origins.append(origin_move.id)
        return super()._modify_default_reverse_values(origin_move)
