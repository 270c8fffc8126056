from odoo import api, models

# the states in which a payment no longer pays what its planned payments
# expected (Odoo 18: cancelled, rejected by the bank, or reset to draft), and
# those in which it pays it (posted: in process, then paid)
UNDONE_STATES = ("draft", "canceled", "rejected")
DONE_STATES = ("in_process", "paid")


class AccountPayment(models.Model):
    _inherit = "account.payment"

    def write(self, vals):
        """Every route by which Odoo changes a payment's state goes through
        ``write`` (its Confirm, Validate, Reject, Cancel and Reset to Draft
        buttons assign it, as does a client over XML-RPC; ``_compute_state``
        only moves a payment in process to paid): a payment cancelled, rejected
        or reset to draft no longer pays what its planned payments expected,
        they are planned again; posted again (in process or paid), it pays it
        again, they are posted again."""
        res = super().write(vals)
        state = vals.get("state")
        if state in UNDONE_STATES:
            self._crm_planned_payments("posted")._crm_payment_undone(state)
        elif state in DONE_STATES:
            self._crm_planned_payments("planned")._crm_payment_redone()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_crm_plan_payments_again(self):
        """A deleted payment gives its planned payments back too (the link
        would be cleared by the database, the planned payment left posted)."""
        self._crm_planned_payments("posted")._crm_payment_undone("deleted")

    def _crm_planned_payments(self, state):
        """The planned payments in ``state`` these payments were posted for
        (``payment_id``: a planned payment keeps its payment while the payment
        is undone, so that posting it again posts them again)."""
        # sudo: the planned payments these payments recorded, whoever changes the
        # payment; only their state (and a deleted payment's link) change,
        # through their own methods
        return (
            self.env["crm.planned.payment"]
            .sudo()
            .search([("payment_id", "in", self.ids), ("state", "=", state)])
        )
