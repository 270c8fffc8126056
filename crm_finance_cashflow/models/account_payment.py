from odoo import api, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    def write(self, vals):
        """A payment cancelled or reset to draft (its Cancel and Reset to Draft
        buttons write the state, as does a client over XML-RPC) no longer pays
        what its planned payments expected: they are planned again."""
        res = super().write(vals)
        if vals.get("state") in ("draft", "canceled"):
            self._crm_planned_payments()._crm_payment_undone(vals["state"])
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_crm_plan_payments_again(self):
        """A deleted payment gives its planned payments back too (the link
        would be cleared by the database, the planned payment left posted)."""
        self._crm_planned_payments()._crm_payment_undone("deleted")

    def _crm_planned_payments(self):
        # sudo: the planned payments these payments recorded, whoever undoes the
        # payment; only their state and link change, through their own method
        return (
            self.env["crm.planned.payment"]
            .sudo()
            .search([("payment_id", "in", self.ids), ("state", "=", "posted")])
        )
