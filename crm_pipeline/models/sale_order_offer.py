"""The offer step on the quotation: a sales manager's approval above the
company's limits (amount, discount), and offer lines imported from a
spreadsheet.

Approval lives here, next to the Offer & negotiation gate that waits for it,
on ``sale.order`` (``crm_pipeline`` depends on ``sale_management``). What
waits for it: sending (``action_quotation_send``, ``action_quotation_sent``, the
mail composer's "mark as sent"), printing the quotation, confirming it, the
Offer gate, and, through :meth:`SaleOrder._check_offer_approved`, any other
addon's client-facing step (crm_supply's proforma reservation).
"""

import hashlib

from odoo import Command, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import LazyTranslate, float_round

from odoo.addons.crm_suite_base.models.policy import check_one, check_records, owned, privileged

from . import offer_import

_lt = LazyTranslate(__name__)

APPROVAL_STATES = [
    ("not_needed", "Not Needed"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
#: states that keep a quotation from leaving the company
PENDING = ("to_approve", "rejected")
QUOTATION_STATES = ("draft", "sent")
_APPROVAL_HINT = _lt(
    "set by the company's approval limits; a sales manager uses Approve or Reject "
    "(action_approve_offer / action_reject_offer)."
)
_MANAGER_GROUP = "sales_team.group_sale_manager"


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "crm.write.policy.mixin"]
    _crm_write_policy = {
        "offer_approval_state": owned(_APPROVAL_HINT, create=("not_needed",)),
        "offer_approval_signature": owned(_APPROVAL_HINT),
        "offer_approval_reason": owned(_APPROVAL_HINT),
    }

    offer_approval_state = fields.Selection(
        APPROVAL_STATES,
        string="Offer Approval",
        required=True,
        default="not_needed",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        help="Whether a sales manager must approve the quotation before it is sent, "
        "printed, reserved or confirmed (the company's Offer Approval limits). A "
        "change of the client or of the lines after approval asks for approval again.",
    )
    # the state is the customer's to know (its portal page says a waiting
    # quotation "is being updated"); why, and what was approved, are internal:
    # the limits and discounts of the company (employees only, not portal users)
    offer_approval_reason = fields.Text(
        string="Why Approval",
        readonly=True,
        copy=False,
        help="Which limit of the company the quotation goes beyond.",
        groups="base.group_user",
    )
    # what was approved or rejected: the client, lines, prices and amount at that moment
    offer_approval_signature = fields.Char(readonly=True, copy=False, groups="base.group_user")

    # ------------------------------------------------------------------
    # What needs approval
    # ------------------------------------------------------------------

    def _offer_approval_reasons(self):
        """Hook: why this quotation needs a sales manager's approval (a list of
        translated texts; empty: it does not)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        reasons = []
        limit = company.offer_approval_amount
        if limit > 0:
            currency = company.currency_id
            amount = self.currency_id._convert(
                self.amount_untaxed,
                currency,
                company,
                self.date_order or fields.Date.context_today(self),
            )
            if currency.compare_amounts(amount, limit) > 0:
                reasons.append(
                    self.env._(
                        "The untaxed amount %(amount)s is above %(limit)s.",
                        amount=tools.format_amount(self.env, amount, currency),
                        limit=tools.format_amount(self.env, limit, currency),
                    )
                )
        max_discount = company.offer_approval_discount
        if max_discount > 0:
            for line in self.order_line:
                discount = line._offer_discount()
                if discount > max_discount:
                    reasons.append(
                        self.env._(
                            "%(product)s is %(discount)s%% below the client's price "
                            "(limit %(limit)s%%).",
                            product=line.product_id.display_name,
                            discount=tools.float_repr(discount, 2),
                            limit=tools.float_repr(max_discount, 2),
                        )
                    )
        return reasons

    def _offer_approval_signature(self):
        """What an approval covers: the client (the customer's commercial
        partner: another contact of the same company is the same client), the
        currency, the amount and each line's product, quantity, unit, price and
        discount.

        A change of this format makes every stored signature differ: the
        migration of the version that changes it stores the new signature of
        the quotations whose approval still matched (see
        ``migrations/18.0.1.5.15``)."""
        self.ensure_one()
        parts = [
            f"client:{self.partner_id.commercial_partner_id.id}",
            str(self.currency_id.id),
            tools.float_repr(self.amount_untaxed, 6),
        ]
        for line in self.order_line.sorted("id"):
            if line.display_type:
                continue
            parts.append(
                "%s:%s:%s:%s:%s"  # noqa: UP031 - a key, not a message
                % (
                    line.product_id.id,
                    tools.float_repr(line.product_uom_qty, 6),
                    line.product_uom.id,
                    tools.float_repr(line.price_unit, 6),
                    tools.float_repr(line.discount, 6),
                )
            )
        return hashlib.sha256("|".join(parts).encode()).hexdigest()

    def _offer_approval_refresh(self, states=QUOTATION_STATES):
        """Bring the approval state of these quotations in line with their lines
        and the company's limits: to approve when a limit is exceeded and what
        was approved (or rejected) has changed, not needed when no limit is.
        ``states``: the states of the orders refreshed (None: any state, for
        orders about to become quotations or orders again)."""
        # orders deleted meanwhile (those of deleted lines, ...) are left out
        self.exists()._offer_approval_update(states)

    def _offer_approval_update(self, states=QUOTATION_STATES):
        """:meth:`_offer_approval_refresh` of orders known to exist (one query
        fewer: no check that they do)."""
        for order in self:
            if states is not None and order.state not in states:
                continue
            current = order.offer_approval_state
            company = order.company_id or self.env.company
            if current == "not_needed" and not (
                company.offer_approval_amount > 0 or company.offer_approval_discount > 0
            ):
                continue
            reasons = order._offer_approval_reasons()
            if not reasons:
                new = "not_needed"
            elif current in ("approved", "rejected") and (
                order.offer_approval_signature == order._offer_approval_signature()
            ):
                new = current
            else:
                new = "to_approve"
            reason = "\n".join(reasons) or False
            if new == current and (new != "to_approve" or reason == order.offer_approval_reason):
                continue
            vals = {"offer_approval_state": new}
            if new in ("to_approve", "not_needed"):
                vals["offer_approval_reason"] = reason
            privileged(order).write(vals)
            if new == "to_approve" and current != "to_approve":
                order._offer_approval_requested(reasons)
            elif new == "not_needed":
                order.activity_unlink(["crm_pipeline.mail_activity_offer_approval"])

    def _offer_approval_requested(self, reasons):
        """Log why, and give the sales team's leader (a sales manager) an
        approval activity."""
        self.ensure_one()
        # logged as Odoo logs what its own flows do (the approval state was
        # just written by the user, or by the portal customer's sudo): a user
        # without an e-mail address changes an offer too
        self._message_log(
            body=self.env._(
                "This offer needs a sales manager's approval before it is sent: %(reasons)s",
                reasons=" ".join(reasons),
            ),
        )
        leader = self.team_id.user_id
        if leader and leader.has_group(_MANAGER_GROUP):
            self.activity_schedule(
                "crm_pipeline.mail_activity_offer_approval",
                user_id=leader.id,
                note=" ".join(reasons),
            )

    def _check_offer_approved(self, action=None):
        """Refuse when one of these quotations waits for a sales manager's
        approval (or was rejected). ``action`` names what waits, for the message.

        The hook of every client-facing step: sending, printing, confirming, the
        Offer gate, and other addons' (crm_supply's proforma reservation calls
        it when crm_pipeline is installed)."""
        quotations = self.filtered(lambda o: o.state in QUOTATION_STATES)
        quotations._offer_approval_refresh()
        for order in quotations:
            if order.offer_approval_state in PENDING:
                raise UserError(order._offer_approval_message(action))
        return True

    def _offer_waits_for_approval(self):
        """Whether this quotation waits for a sales manager's approval (or was
        rejected): what keeps it from the customer."""
        self.ensure_one()
        if self.state not in QUOTATION_STATES:
            return False
        self._offer_approval_refresh()
        return self.offer_approval_state in PENDING

    def _offer_approval_message(self, action=None):
        self.ensure_one()
        if self.offer_approval_state == "rejected":
            return self.env._(
                "%(order)s was rejected by a sales manager: change the offer (it then asks "
                "for approval again) before it can %(action)s.",
                order=self.name,
                action=action or self.env._("be sent"),
            )
        return self.env._(
            "%(order)s waits for a sales manager's approval: it cannot %(action)s yet. "
            "%(reason)s",
            order=self.name,
            action=action or self.env._("be sent"),
            reason=self.offer_approval_reason or "",
        )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # just created: no query to check that they exist
        orders._offer_approval_update()
        return orders

    def write(self, vals):
        if vals.get("state") in ("sent", "sale"):
            # a plain write of the state (as an XML-RPC client may send it) waits
            # for the approval as Send and Confirm do, whatever the order's
            # state: a quotation cancelled while it waits is a quotation again
            # when written back to sent or sale (Odoo's way back is Set to
            # Quotation, after which Send and Confirm wait for it)
            action = (
                self.env._("be marked as sent")
                if vals["state"] == "sent"
                else self.env._("be confirmed")
            )
            self._check_offer_approved(action)
            others = self.filtered(
                lambda o: o.state not in QUOTATION_STATES and o.state != vals["state"]
            )
            others._offer_approval_refresh(states=None)
            for order in others:
                if order.offer_approval_state in PENDING:
                    raise UserError(order._offer_approval_message(action))
        res = super().write(vals)
        if {"order_line", "pricelist_id", "currency_id", "company_id", "partner_id"} & set(vals):
            # written: they exist
            self._offer_approval_update()
        return res

    # ------------------------------------------------------------------
    # Approval (public API)
    # ------------------------------------------------------------------

    def _check_offer_manager(self):
        check_records(self)
        if not self.env.user.has_group(_MANAGER_GROUP):
            raise AccessError(self.env._("Only a sales manager can approve or reject an offer."))
        self.check_access("write")

    def action_approve_offer(self):
        """Sales managers: approve quotations that wait for approval (or were
        rejected). Logged on each; the salesperson gets an activity. Returns
        True."""
        self._check_offer_manager()
        self._offer_approval_refresh()
        for order in self:
            if order.state not in QUOTATION_STATES or order.offer_approval_state not in PENDING:
                raise UserError(
                    self.env._("%(order)s does not wait for approval.", order=order.name)
                )
        self._offer_decide(
            "approved",
            feedback=self.env._("Approved"),
            body=self.env._("Offer approved by %(user)s.", user=self.env.user.name),
            summary=self.env._("Offer approved: send it to the client"),
            note="",
        )
        return True

    def action_reject_offer(self, reason):
        """Sales managers: reject quotations that wait for approval, with a
        reason (logged; the salesperson gets an activity). The salesperson
        changes the offer, which then asks for approval again. Returns True."""
        self._check_offer_manager()
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("Say why the offer is rejected."))
        reason = reason.strip()
        self._offer_approval_refresh()
        for order in self:
            if order.state not in QUOTATION_STATES or order.offer_approval_state != "to_approve":
                raise UserError(
                    self.env._("%(order)s does not wait for approval.", order=order.name)
                )
        self._offer_decide(
            "rejected",
            feedback=self.env._("Rejected: %(reason)s", reason=reason),
            body=self.env._(
                "Offer rejected by %(user)s: %(reason)s",
                user=self.env.user.name,
                reason=reason,
            ),
            summary=self.env._("Offer rejected: change it"),
            note=reason,
        )
        return True

    def _offer_decide(self, state, feedback, body, summary, note):
        """Record a manager's decision on each order: the approval state and the
        signature of what was decided on, the approval activity done with
        ``feedback``, ``body`` logged, and a to-do for the salesperson."""
        for order in self:
            privileged(order).write(
                {
                    "offer_approval_state": state,
                    "offer_approval_signature": order._offer_approval_signature(),
                }
            )
            order.activity_feedback(
                ["crm_pipeline.mail_activity_offer_approval"], feedback=feedback
            )
            if order.user_id:
                order.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=summary,
                    note=note,
                    user_id=order.user_id.id,
                )
        # logged as Odoo logs what its own flows do (a sales manager, who wrote
        # the orders above), all together
        self._message_log_batch(dict.fromkeys(self.ids, body))

    def action_open_reject_offer_wizard(self):
        self._check_offer_manager()
        check_one(self)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_pipeline.sale_order_offer_reject_action"
        )
        action["context"] = {"default_order_id": self.id}
        return action

    # ------------------------------------------------------------------
    # What waits for approval
    # ------------------------------------------------------------------

    def action_quotation_send(self):
        self._check_offer_approved(self.env._("be sent"))
        return super().action_quotation_send()

    def action_quotation_sent(self):
        """Mark the quotations sent (Odoo's), once approved. Returns True
        (Odoo's returns None, which XML-RPC cannot carry)."""
        self._check_offer_approved(self.env._("be marked as sent"))
        res = super().action_quotation_sent()
        return True if res is None else res

    def _confirmation_error_message(self):
        message = super()._confirmation_error_message()
        if message or self.state not in QUOTATION_STATES:
            return message
        # Odoo's action_confirm asks this of its orders one by one: the order
        # exists (its state was just read), the refresh skips the existence
        # query it would otherwise run for each order of the batch (the
        # orders' fields and lines are read for the whole batch at once)
        self._offer_approval_update()
        if self.offer_approval_state in PENDING:
            if self.env.user.share:
                # the customer accepting or paying on the portal (a sudo of the
                # portal user): the approval's reason is internal (limits, discounts)
                return self.env._(
                    "This quotation is being updated. Your contact will send you "
                    "the new version."
                )
            return self._offer_approval_message(self.env._("be confirmed"))
        return False

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        if self.env.context.get("mark_so_as_sent"):
            # the mail composer sends the quotation and marks it sent
            self._check_offer_approved(self.env._("be sent"))
        return super().message_post(**kwargs)

    # ------------------------------------------------------------------
    # Offer lines from a spreadsheet (public API)
    # ------------------------------------------------------------------

    def action_import_lines(self, file_base64, file_name):
        """Add lines to this quotation from a spreadsheet (.xlsx, .xls, .csv):
        a header row, then one row per line with the product (internal
        reference, barcode or name), the quantity, and optionally the unit
        price and a section. Every row is checked first: unknown products and
        bad quantities are refused row by row and nothing is written. A
        section line is added where a row names a section other than the
        current one (a title on a row of its own, or in the Section column of
        an item): a section with no item after it is kept, as an empty one.

        Returns ``{"created": n, "sections": n, "line_ids": [ids]}``."""
        check_one(self)
        self.check_access("write")
        if self.state not in QUOTATION_STATES or self.locked:
            raise UserError(
                self.env._(
                    "%(order)s is not a quotation any more: lines are imported into a "
                    "quotation only.",
                    order=self.name,
                )
            )
        rows = offer_import.read_offer_rows(
            self.env, file_base64, file_name, self.company_id or self.env.company, sections=True
        )
        sequence = max(self.order_line.mapped("sequence"), default=0)
        commands, sections, section = [], 0, None
        for row in rows:
            if row["section"] and row["section"] != section:
                section = row["section"]
                sequence += 1
                sections += 1
                commands.append(
                    Command.create(
                        {"display_type": "line_section", "name": section, "sequence": sequence}
                    )
                )
            if not row["product"]:
                continue  # a section title on a row of its own
            sequence += 1
            vals = {
                "product_id": row["product"].id,
                "product_uom_qty": row["quantity"],
                "sequence": sequence,
            }
            if row["price"] is not None:
                vals["price_unit"] = row["price"]
            commands.append(Command.create(vals))
        before = self.order_line
        self.write({"order_line": commands})
        new_lines = self.order_line - before
        return {
            "created": len(new_lines.filtered(lambda line: not line.display_type)),
            "sections": sections,
            "line_ids": new_lines.ids,
        }

    def action_open_import_lines_wizard(self):
        check_one(self)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_pipeline.sale_order_line_import_action"
        )
        action["context"] = {"default_order_id": self.id}
        return action


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _offer_discount(self):
        """How far below the client's price this line is sold, in percent: the
        net unit price against the price of the client's pricelist rule (the
        list price when no rule applies). 0 for sections, notes, down payments
        and lines without a price to compare with."""
        self.ensure_one()
        if (
            self.display_type
            or not self.product_id
            or self.is_downpayment
            or self.product_uom_qty <= 0
        ):
            return 0.0
        line = self.with_company(self.company_id)
        reference = line._get_pricelist_price()
        if reference <= 0:
            return 0.0
        net = self.price_unit * (1 - (self.discount or 0.0) / 100)
        return float_round((reference - net) / reference * 100, precision_digits=2)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # the orders of lines just created exist: no query to check it
        lines.order_id._offer_approval_update()
        return lines

    def write(self, vals):
        orders = self.order_id
        res = super().write(vals)
        # the orders of existing lines, before and after, exist (an order's
        # lines go with it)
        (orders | self.order_id)._offer_approval_update()
        return res

    def unlink(self):
        orders = self.order_id
        res = super().unlink()
        orders._offer_approval_refresh()
        return res
