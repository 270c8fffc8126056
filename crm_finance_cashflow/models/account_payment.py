from odoo import api, models

# the states in which a payment no longer pays what its planned payments
# expected (Odoo 18: cancelled, rejected by the bank, or reset to draft), and
# those in which it pays it (posted: in process, then paid)
UNDONE_STATES = ("draft", "canceled", "rejected")
DONE_STATES = ("in_process", "paid")


_FRESH_KEY = "crm_fresh_payments"


class FreshPayments:
    """The payments a planned payments' Post (``action_post``) creates, until
    it links each to its planned payment: no planned payment records them
    (``payment_id`` is written by Post alone, once the payment is posted), so
    posting them needs no search of the planned payments recording them.

    They are those of an id above the last one of the database when Post
    began (``last_id``): the transaction sees no payment committed after it
    began, so such a payment was created since, by this Post (Odoo's payment
    writes its state as it is created, before any override of ``create`` could
    note it), less those it has linked (``linked``). Carried by the context as
    an object compared by identity (as the write policy's ``privileged``): no
    XML-RPC or JSON-RPC payload can carry one, and without it every payment is
    searched for, as before."""

    __slots__ = ("last_id", "linked")

    def __init__(self, env):
        env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_payment")
        self.last_id = env.cr.fetchone()[0]
        self.linked = set()

    def context(self, records):
        """``records`` in a context whose payments Post created are known."""
        return records.with_context(**{_FRESH_KEY: self})

    @staticmethod
    def of(records):
        fresh = records.env.context.get(_FRESH_KEY)
        return fresh if isinstance(fresh, FreshPayments) else None

    def is_fresh(self, payment_id):
        return (
            isinstance(payment_id, int)
            and payment_id > self.last_id
            and payment_id not in self.linked
        )


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
        is undone, so that posting it again posts them again). Those Post has
        just created (``FreshPayments``) are left out: none records them yet,
        and posting many planned payments runs no search per payment."""
        fresh = FreshPayments.of(self)
        payments = self if fresh is None else self.filtered(lambda p: not fresh.is_fresh(p.id))
        if not payments:
            return self.env["crm.planned.payment"].sudo()
        # sudo: the planned payments these payments recorded, whoever changes the
        # payment; only their state (and a deleted payment's link) change,
        # through their own methods
        return (
            self.env["crm.planned.payment"]
            .sudo()
            .search([("payment_id", "in", payments.ids), ("state", "=", state)])
        )
