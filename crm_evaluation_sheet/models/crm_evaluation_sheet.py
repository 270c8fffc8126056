from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import LazyTranslate, float_is_zero

from odoo.addons.crm_suite_base.models.policy import (
    FREE,
    check_one,
    is_privileged,
    owned,
    privileged,
    safe_tz,
    writable,
)

from .crm_evaluation_sheet_line import _format_qty
from .sale_order import lock_rows

_lt = LazyTranslate(__name__)

#: What a finalized or cancelled sheet keeps as it was: its prices follow from them.
OPEN_STATES = ("draft", "in_progress")


# what a sheet's prices follow: not changed while an order of it is confirmed
PRICED_FIELDS = ("company_id", "date", "lead_id", "line_ids", "partner_id", "pricelist_id")


class CrmEvaluationSheet(models.Model):
    """Products and services a prospect needs, by quantity, at the
    "Meeting & evaluation" step. A finalized sheet generates a quotation with
    one chapter (section) per item."""

    _name = "crm.evaluation.sheet"
    _description = "Evaluation Sheet"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.write.policy.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _crm_write_policy = {
        "name": owned(_lt("numbered from the sequence when the sheet is created.")),
        "state": owned(
            _lt(
                "use Start, Finalize, Reset to Draft or Cancel (action_start, action_finalize, "
                "action_reset_draft, action_cancel)."
            ),
            create=("draft",),
        ),
        # a finalized or cancelled sheet keeps its terms: its prices follow from them
        "lead_id": writable(states=OPEN_STATES),
        "partner_id": writable(states=OPEN_STATES),
        "company_id": writable(states=OPEN_STATES),
        "date": writable(states=OPEN_STATES),
        "pricelist_id": writable(states=OPEN_STATES),
        "line_ids": writable(states=OPEN_STATES),
        "user_id": FREE,
        "notes": FREE,
        "currency_id": owned(_lt("follows the pricelist and the company.")),
        "amount_total": owned(_lt("the sum of the items.")),
        "sale_order_ids": owned(
            _lt("generate the quotation from the sheet (action_generate_quotation).")
        ),
        "quotation_current": owned(
            _lt(
                "set by action_generate_quotation, cleared when the sheet is reopened, "
                "reset to draft or cancelled."
            ),
        ),
    }

    name = fields.Char(
        required=True, copy=False, readonly=True, default=lambda self: self.env._("New")
    )
    lead_id = fields.Many2one("crm.lead", index=True, tracking=True, check_company=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, tracking=True, check_company=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Date(default=fields.Date.context_today, required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("in_progress", "In Progress"),
            ("finalized", "Finalized"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    notes = fields.Html()
    pricelist_id = fields.Many2one(
        "product.pricelist",
        compute="_compute_pricelist_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="Prices of the items; taken from the customer. The generated quotation "
        "uses the same pricelist.",
    )
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", store=True, precompute=True
    )
    line_ids = fields.One2many("crm.evaluation.sheet.line", "sheet_id", string="Items", copy=True)
    amount_total = fields.Monetary(
        string="Estimated Total",
        compute="_compute_amount_total",
        store=True,
        tracking=True,
        help="Sum of the items at the pricelist's prices, taxes excluded.",
    )
    sale_order_ids = fields.One2many(
        "sale.order",
        "evaluation_sheet_id",
        string="Quotations",
        help="Every quotation generated from this sheet, all revisions included.",
    )
    sale_order_count = fields.Integer(compute="_compute_sale_order_count")
    quotation_current = fields.Boolean(
        string="Quotation Up to Date",
        readonly=True,
        copy=False,
        help="The open quotation was generated from the sheet as it is: generating "
        "again opens it. Reopening, resetting or cancelling the sheet clears it.",
    )

    @api.depends("partner_id", "company_id")
    def _compute_pricelist_id(self):
        for sheet in self:
            if sheet.state not in ("draft", "in_progress") and sheet.pricelist_id:
                continue
            sheet.pricelist_id = (
                sheet.partner_id.with_company(sheet.company_id).property_product_pricelist
                if sheet.partner_id
                else False
            )

    @api.depends("pricelist_id", "company_id")
    def _compute_currency_id(self):
        for sheet in self:
            sheet.currency_id = sheet.pricelist_id.currency_id or sheet.company_id.currency_id

    @api.depends("line_ids.price_subtotal")
    def _compute_amount_total(self):
        for sheet in self:
            sheet.amount_total = sum(sheet.line_ids.mapped("price_subtotal"))

    @api.depends("sale_order_ids")
    def _compute_sale_order_count(self):
        for sheet in self:
            sheet.sale_order_count = len(sheet.sale_order_ids)

    @api.constrains("company_id", "line_ids")
    def _check_line_company(self):
        """The items are sold by the sheet's company (its quotation's): a sheet
        whose items are products of another company does not move to it, as
        Odoo's quotation does not (``sale.order._check_order_line_company_id``);
        its items' own check holds only when they are written."""
        for sheet in self:
            companies = sheet.line_ids.product_id.company_id.filtered(
                lambda c, sheet=sheet: sheet.company_id not in c._accessible_branches()
            )
            if companies:
                products = sheet.line_ids.product_id.filtered(
                    lambda p, companies=companies: p.company_id in companies
                )
                raise ValidationError(
                    self.env._(
                        "Items %(products)s of evaluation sheet %(name)s are products of "
                        "%(product_company)s, not of %(company)s: remove them, or keep the "
                        "sheet in their company.",
                        products=", ".join(products.mapped("display_name")),
                        name=sheet.name,
                        # sudo: the names of the products' companies, which the
                        # user may not be allowed in
                        product_company=", ".join(companies.sudo().mapped("display_name")),
                        company=sheet.company_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not isinstance(vals, dict):
                continue  # refused by the write policy
            self._check_line_commands(vals)
            self._check_lead_access(vals)
            lead_id = vals.get("lead_id")
            if _is_id(lead_id) and not vals.get("partner_id"):
                lead = self.env["crm.lead"].browse(lead_id)
                vals["partner_id"] = lead.partner_id.id
        sheets = super().create(vals_list)
        # numbered once created: the name is the sequence's, never the caller's
        for sheet in sheets:
            if sheet.name == self.env._("New"):
                privileged(sheet).write(
                    {
                        "name": safe_tz(self.env["ir.sequence"]).next_by_code(
                            "crm.evaluation.sheet"
                        )
                        or self.env._("New")
                    }
                )
        return sheets

    def write(self, vals):
        if isinstance(vals, dict):
            priced = set(vals) & set(PRICED_FIELDS)
            # a merge moves a sheet to the surviving lead with its orders
            # (crm.lead's _merge_dependences): nothing is priced again
            if priced and not (priced == {"lead_id"} and is_privileged(self)):
                self._check_no_confirmed_order()
            self._check_line_commands(vals)
            self._check_lead_access(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_quoted(self):
        """A sheet whose order is confirmed stays as the order was confirmed
        (``_check_no_confirmed_order``), and a finalized sheet that has
        quotations is what they were generated from (and what the lead's
        Meeting & evaluation step was completed with): it is cancelled, not
        deleted. Its items go with it by the database's cascade, which runs
        none of their own checks."""
        self._check_no_confirmed_order()
        for sheet in self.filtered(lambda s: s.state == "finalized"):
            # sudo: whether the sheet has quotations, whoever's they are
            orders = sheet.sudo().sale_order_ids
            if orders:
                raise UserError(
                    self.env._(
                        "Evaluation sheet %(name)s is finalized and quotation %(order)s was "
                        "generated from it: cancel the sheet instead of deleting it.",
                        name=sheet.name,
                        order=orders[0].name,
                    )
                )

    def _check_lead_access(self, vals):
        """A sheet is attached to a lead the user may write: its finalized sheet
        opens the lead's Meeting & evaluation step (``AccessError`` otherwise,
        before anything is written)."""
        lead_id = vals.get("lead_id")
        if _is_id(lead_id):
            self.env["crm.lead"].browse(lead_id).exists().check_access("write")

    def _check_line_commands(self, vals):
        """The items' policy applied to the items created or updated through the
        sheet before the sheet computes anything from them (its precomputed
        fields read them: an infinite quantity would fail there)."""
        commands = vals.get("line_ids")
        if not isinstance(commands, list | tuple):
            return
        Line = self.env["crm.evaluation.sheet.line"]
        for command in commands:
            if (
                isinstance(command, list | tuple)
                and len(command) == 3
                and isinstance(command[2], dict)
            ):
                Line._crm_check_policy(command[2], creating=command[0] == 0)

    @api.onchange("lead_id")
    def _onchange_lead_id(self):
        if self.lead_id.partner_id and not self.partner_id:
            self.partner_id = self.lead_id.partner_id

    # ------------------------------------------------------------------
    # State changes (public API)
    # ------------------------------------------------------------------

    def action_start(self):
        """Start (or reopen) the sheet: draft, finalized or cancelled ->
        in progress."""
        for sheet in self:
            if sheet.state == "in_progress":
                raise UserError(
                    self.env._("Evaluation sheet %(name)s is already in progress.", name=sheet.name)
                )
        self._check_no_confirmed_order()
        privileged(self).write({"state": "in_progress", "quotation_current": False})
        return True

    def _check_no_confirmed_order(self):
        """A sheet whose quotation is confirmed stays as it was confirmed: it is
        neither reopened, reset, cancelled nor finalized again, and its items do
        not change (a confirmed order is not revised, sheet and order would
        diverge), unless that order is cancelled."""
        for sheet in self:
            # sudo: whether an order of the sheet is confirmed, whoever's it is
            confirmed = sheet.sudo().sale_order_ids.filtered(lambda o: o.state == "sale")
            if confirmed:
                raise UserError(
                    self.env._(
                        "Order %(order)s of evaluation sheet %(name)s is confirmed: the sheet "
                        "stays as the order was confirmed (a confirmed order is not revised). "
                        "Cancel the order first to change the sheet.",
                        order=confirmed[0].name,
                        name=sheet.name,
                    )
                )

    def action_reset_draft(self):
        """Back to draft, to change a finalized or cancelled sheet."""
        for sheet in self:
            if sheet.state == "draft":
                raise UserError(
                    self.env._("Evaluation sheet %(name)s is already a draft.", name=sheet.name)
                )
        self._check_no_confirmed_order()
        privileged(self).write({"state": "draft", "quotation_current": False})
        self._recompute_prices()
        return True

    def action_update_prices(self):
        """Price every item again from the catalogue, with the rules in force now
        (as Update Prices does on a quotation): a sheet's prices are otherwise
        kept as they were when its items were entered. Draft and in-progress
        sheets only. Returns True."""
        self.check_access("write")
        closed = self.filtered(lambda s: s.state not in ("draft", "in_progress"))
        if closed:
            raise UserError(
                self.env._(
                    "Prices of evaluation sheet %(name)s are kept as they were: reset it "
                    "to draft to update them.",
                    name=closed[0].name,
                )
            )
        self._recompute_prices()
        # logged as Odoo logs what its own flows do (the user may write the
        # sheets, checked above): a user without an e-mail address too
        self._message_log_batch(
            dict.fromkeys(self.ids, self.env._("Prices updated from the catalogue."))
        )
        return True

    def _recompute_prices(self):
        # the prices are owned by their computation: assigned here, they are
        # written. The recipe as it is now first: the items are priced with it
        lines = privileged(self.line_ids)
        lines._compute_recipe_snapshot()
        lines._compute_price_unit()
        lines._compute_price_subtotal()

    def action_finalize(self):
        """Finalize the sheet; it must have items, all with a quantity, and no
        order of it confirmed (``_check_no_confirmed_order``)."""
        for sheet in self:
            if sheet.state not in ("draft", "in_progress"):
                raise UserError(
                    self.env._(
                        "Only a draft or in-progress evaluation sheet can be finalized "
                        "(%(name)s is %(state)s).",
                        name=sheet.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            sheet.state
                        ],
                    )
                )
            if not sheet.line_ids:
                raise UserError(
                    self.env._(
                        "Evaluation sheet %(name)s has no item: add the products and "
                        "services the customer needs before finalizing it.",
                        name=sheet.name,
                    )
                )
            zero = sheet.line_ids.filtered(
                lambda line: float_is_zero(
                    line.product_uom_qty, precision_rounding=line.product_uom_id.rounding
                )
            )
            if zero:
                raise UserError(
                    self.env._(
                        "Evaluation sheet %(name)s has items without a quantity: %(items)s.",
                        name=sheet.name,
                        items=", ".join(zero.product_id.mapped("display_name")),
                    )
                )
        # a sheet reopened before its order was confirmed is not finalized again
        # with other items: it stays as the order was confirmed
        self._check_no_confirmed_order()
        privileged(self).write({"state": "finalized"})
        return True

    def action_cancel(self):
        """Cancel the sheet (its quotations are left as they are); refused while
        an order of the sheet is confirmed."""
        if any(sheet.state == "cancelled" for sheet in self):
            raise UserError(self.env._("This evaluation sheet is already cancelled."))
        self._check_no_confirmed_order()
        privileged(self).write({"state": "cancelled", "quotation_current": False})
        return True

    # ------------------------------------------------------------------
    # Quotation generation (public API)
    # ------------------------------------------------------------------

    def action_generate_quotation(self):
        """Create the quotation of the finalized sheet: one section per item,
        holding the item's recipe components (or the item itself). When the
        sheet has not changed since its open quotation was generated (it was not
        reopened, reset or cancelled since), that quotation is returned as it is.
        When the sheet changed and already has an open quotation, the new one is its next revision,
        takes over what the previous one holds (``_crm_hand_over_to``:
        crm_supply's stock reservations), and the previous one is cancelled.

        The quotation is the lead's offer: its salesperson is the lead's
        (``_quotation_salesperson``), whoever generates it. Returns an action on
        the order, or, when the user cannot read it (the lead's salesperson's
        quotation, generated by the holder of the lead's open step), a
        notification saying whose it is, then the lead (``_quotation_action``)."""
        check_one(self)
        self = safe_tz(self)  # noqa: PLW0642 - the same sheet, in a usable context
        # generating writes the sheet (its quotations, quotation_current): refused
        # before anything is computed to a user who only reads it (the lead's
        # salesperson reading another's sheet on their lead)
        self.check_access("write")
        # one generation per sheet at a time (two would both make an original)
        lock_rows(
            self,
            self.env._(
                "A quotation is being generated from %(name)s right now: reload the sheet.",
                name=self.name,
            ),
        )
        if self.state != "finalized":
            raise UserError(
                self.env._(
                    "Finalize evaluation sheet %(name)s before generating its quotation.",
                    name=self.name,
                )
            )
        if not self.partner_id:
            raise UserError(
                self.env._("Evaluation sheet %(name)s has no customer.", name=self.name)
            )
        previous = self._get_open_quotation()
        if previous and self.quotation_current:
            # the sheet has not changed since its quotation was generated: that
            # quotation (or its revision), with what was added to it, stays
            return self._quotation_action(previous)
        # sudo: the state and salesperson of the sheet's own quotation, whoever's
        # it is, to say why it cannot be replaced; its write access is checked next
        previous_su = previous.sudo()
        if previous and previous_su.state not in ("draft", "sent"):
            raise UserError(
                self.env._(
                    "Quotation %(order)s of evaluation sheet %(name)s is already "
                    "confirmed: a new quotation cannot replace it.",
                    order=previous_su.name,
                    name=self.name,
                )
            )
        if previous and not previous.has_access("write"):
            # another salesperson's quotation (the lead's, generated by the holder
            # of its open step) is not cancelled by a user who may not change it
            raise UserError(
                self.env._(
                    "Quotation %(order)s of evaluation sheet %(name)s is %(salesperson)s's: "
                    "ask them to revise it, or a sales manager to generate it again.",
                    order=previous_su.name,
                    name=self.name,
                    salesperson=previous_su.user_id.name,
                )
            )
        previous._lock_for_revision()
        lines = self._quotation_lines()
        vals = self._prepare_quotation_vals(lines)
        salesperson = self.env["res.users"].browse(vals["user_id"])
        # the user makes the quotation as theirs when they may not hold another
        # salesperson's (sale's Personal Orders rule: the holder of the lead's
        # open step), and gives it to its salesperson once it is complete (a
        # plain write of its Salesperson, which they may make on their own
        # quotation); sales managers and the salesperson make it theirs at once
        hand_over = bool(salesperson) and not (
            salesperson == self.env.user
            or self.env.user.has_group("sales_team.group_sale_salesman_all_leads")
        )
        if hand_over:
            vals["user_id"] = self.env.user.id
        if previous:
            vals.update(previous._prepare_revision_vals())
        # created through the guarded path, then used as the user's record
        order = self.env["sale.order"].browse(privileged(self.env["sale.order"]).create(vals).id)
        self._apply_sheet_prices(order, lines)
        privileged(self).write({"quotation_current": True})
        if previous:
            # what the previous quotation holds (crm_supply's reservations)
            # goes to the new one before the cancellation releases it
            previous._crm_hand_over_to(order)
            previous._action_cancel()
            # logged as Odoo logs what its own flows do (the user may write the
            # previous quotation, checked above, and made the new one): a user
            # without an e-mail address generates the quotation too
            previous._message_log(
                body=self.env._(
                    "Replaced by revision %(order)s generated from %(sheet)s.",
                    order=order._get_html_link(),
                    sheet=self._get_html_link(),
                )
            )
        order._message_log_with_view(
            "mail.message_origin_link",
            render_values={"self": order, "origin": self},
        )
        if hand_over:
            # the lead's offer goes to the lead's salesperson (subscribed and
            # notified by Odoo, as for any quotation given to a salesperson); its
            # sales team stays the lead's
            order.write({"user_id": salesperson.id, "team_id": order.team_id.id})
        return self._quotation_action(order)

    def _quotation_salesperson(self):
        """The salesperson of the sheet's quotation: the lead's, when the sheet
        is on a lead that has one (the quotation is the lead's offer, which its
        salesperson sends, as Odoo's New Quotation on a lead gives it the lead's
        salesperson), else the sheet's responsible."""
        self.ensure_one()
        return self.lead_id.user_id or self.user_id

    def _quotation_action(self, order):
        """The action opening the sheet's quotation ``order``. A user who cannot
        read it (the lead's salesperson's, generated by the holder of the lead's
        open step, who works on the lead but not on its salesperson's
        quotations) gets a notification saying whose it is, then the lead (the
        sheet when they cannot read the lead): no form of a record they cannot
        open."""
        self.ensure_one()
        if order.has_access("read"):
            return order._get_records_action(name=self.env._("Quotation"))
        # sudo: the number and salesperson of the quotation just generated (or
        # kept) from the sheet the user may write; nothing else of it is read
        order_su = order.sudo()
        lead = self.lead_id
        if lead and lead.has_access("read"):
            next_action = lead._get_records_action(name=lead.display_name)
        else:
            next_action = {"type": "ir.actions.client", "tag": "soft_reload"}
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Quotation %(order)s", order=order_su.name),
                "message": self.env._(
                    "Quotation %(order)s, generated from evaluation sheet %(name)s, is the "
                    "lead's offer: it is %(salesperson)s's, the lead's salesperson, who sends it "
                    "to the customer.",
                    order=order_su.name,
                    name=self.name,
                    salesperson=order_su.user_id.name,
                ),
                "sticky": False,
                "next": next_action,
            },
        }

    def _get_open_quotation(self):
        """The latest quotation of the sheet that is not cancelled, whoever's it
        is, as the user's record: what they may do with it is checked on it."""
        self.ensure_one()
        # sudo: which of the sheet's quotations is its latest open one, also when
        # it is the lead's salesperson's (generated by the holder of the lead's
        # open step); the caller checks what the user may do with it
        orders = self.sudo().sale_order_ids.filtered(lambda o: o.state != "cancel")
        return orders.sorted(lambda o: (o.revision_number, o.id))[-1:].with_env(self.env)

    def _prepare_quotation_vals(self, lines=None):
        """Values of the sheet's quotation; ``lines``: ``_quotation_lines()``,
        when the caller already has them."""
        self.ensure_one()
        if lines is None:
            lines = self._quotation_lines()
        vals = {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            # the lead's offer: the lead's salesperson's (see _quotation_salesperson)
            "user_id": self._quotation_salesperson().id,
            "origin": self.name,
            "evaluation_sheet_id": self.id,
            "order_line": [Command.create(line_vals) for line_vals, _price in lines],
            # the sheet's, even none (then the company's currency, as the
            # sheet's): not the customer's, which may be in another currency
            "pricelist_id": self.pricelist_id.id,
        }
        if self.lead_id:
            vals["opportunity_id"] = self.lead_id.id
            if self.lead_id.team_id:
                vals["team_id"] = self.lead_id.team_id.id
        return vals

    def _quotation_lang(self):
        """The language the quotation's texts are written in: its customer's,
        as Odoo writes an order's line descriptions (``sale.order._get_lang``:
        the customer's language, else the user's)."""
        self.ensure_one()
        return self.env["sale.order"].new({"partner_id": self.partner_id.id})._get_lang()

    def _prepare_quotation_line_vals(self):
        """Values of every quotation line, in sheet order, without a query per
        line: products, templates, recipes and units are read in batch."""
        return [line_vals for line_vals, _price in self._quotation_lines()]

    def _quotation_lines(self):
        """``[(values, price)]`` of every quotation line, in sheet order: the
        price the sheet gives the product line, ``(sheet line, unit price in the
        line's unit, discount)``; None for sections and notes, and for a
        component whose price the item did not keep (priced before the sheet
        kept them). Each item becomes what it was priced with: the recipe and
        the recipe pricing kept with its prices (``recipe_snapshot``), not the
        product's recipe of the day. See ``_prepare_quotation_line_vals``."""
        self.ensure_one()
        lines = self.line_ids.filtered("product_id")
        recipes, components, uoms = lines._priced_recipes()
        # the quotation is the customer's: its chapters and notes are written in
        # the customer's language, as Odoo writes its lines' descriptions
        lang = self._quotation_lang()
        # batch-read everything the loop touches
        (lines.product_id | components).mapped("uom_id.rounding")
        uoms.mapped("rounding")
        lines.mapped("product_uom_id.factor")
        # components (or their units) deleted since, archived since
        gone = components.browse(
            {
                product.id
                for _pricing, rows in recipes.values()
                for _rl_id, product, _qty, uom in rows
                if product not in components or uom not in uoms
            }
        )
        archived = (components - gone).filtered(lambda p: not p.active)
        if archived or gone:
            affected = lines.filtered(
                lambda line: any(row[1] in archived | gone for row in recipes[line][1])
            )
            raise UserError(
                self.env._(
                    "Items %(items)s of evaluation sheet %(name)s were priced with components "
                    "archived or deleted since (%(components)s): reopen the sheet, review the "
                    "recipes and update its prices before generating the quotation.",
                    items=", ".join(affected.product_id.mapped("display_name")),
                    name=self.name,
                    components=", ".join(
                        archived.mapped("display_name") + [f"#{product.id}" for product in gone]
                    ),
                )
            )
        # an item sold as itself (no recipe, or at the recipe product's price)
        # whose product is archived since: a quotation line the user could not
        # enter by hand, as a component archived since
        archived_items = lines.filtered(
            lambda line: (recipes[line][0] == "recipe" or not recipes[line][1])
            and not line.product_id.active
        )
        if archived_items:
            raise UserError(
                self.env._(
                    "Items %(items)s of evaluation sheet %(name)s are archived products: "
                    "reopen the sheet and replace or remove them before generating the "
                    "quotation.",
                    items=", ".join(archived_items.product_id.mapped("display_name")),
                    name=self.name,
                )
            )
        vals_list = []
        sequence = 0
        for line in lines:
            sequence += 1
            vals_list.append(
                (
                    {
                        "display_type": "line_section",
                        "name": line.with_context(lang=lang)._get_section_name(),
                        "sequence": sequence,
                    },
                    None,
                )
            )
            pricing, rows = recipes[line]
            if pricing == "recipe":
                # sold at the recipe product's own price; its components below it
                # as a breakdown, so the customer sees what the price covers
                sequence += 1
                vals_list.append(
                    (
                        {
                            "product_id": line.product_id.id,
                            "product_uom_qty": line.product_uom_qty,
                            "product_uom": line.product_uom_id.id,
                            "sequence": sequence,
                        },
                        (line, line.price_unit, line.discount),
                    )
                )
                for _rl_id, product, qty, uom in rows:
                    sequence += 1
                    vals_list.append(
                        (
                            {
                                "display_type": "line_note",
                                "name": self.with_context(lang=lang).env._(
                                    "Includes %(qty)s %(uom)s %(component)s",
                                    qty=_format_qty(self.with_context(lang=lang).env, qty, uom),
                                    uom=uom.with_context(lang=lang).name,
                                    component=product.with_context(lang=lang).display_name,
                                ),
                                "sequence": sequence,
                            },
                            None,
                        )
                    )
            elif rows:
                kept = line._kept_component_prices()
                for rl_id, product, qty, uom in rows:
                    sequence += 1
                    price = kept.get(str(rl_id))
                    vals_list.append(
                        (
                            {
                                "product_id": product.id,
                                "product_uom_qty": line._check_component_qty(product, qty),
                                "product_uom": uom.id,
                                "sequence": sequence,
                            },
                            (line, *price) if price else None,
                        )
                    )
            else:
                sequence += 1
                vals_list.append(
                    (
                        {
                            "product_id": line.product_id.id,
                            "product_uom_qty": line.product_uom_qty,
                            "product_uom": line.product_uom_id.id,
                            "sequence": sequence,
                        },
                        (line, line.price_unit, line.discount),
                    )
                )
        return vals_list

    def _apply_sheet_prices(self, order, lines):
        """Give the product lines of ``order``, just generated from ``lines``
        (``_quotation_lines()``), the sheet's unit price and discount where
        their subtotal is not the sheet's (the catalogue changed since the sheet
        was priced), so that its untaxed total is the sheet's estimate. Such a
        line's price is kept as a price set by hand (Odoo's
        ``technical_price_unit`` keeps the catalogue's): a change of its
        quantity keeps it, the quotation's Update Prices re-prices it from the
        catalogue; what was computed for the catalogue's price goes with it
        (``sale.order.line._crm_sheet_price_applied``). A line whose subtotal
        is the sheet's is left as Odoo made it."""
        self.ensure_one()
        if self.state != "finalized" or order.currency_id != self.currency_id:
            return
        prices = {line_vals["sequence"]: price for line_vals, price in lines if price is not None}
        fiscal_positions = {}
        updates = []
        for line in order.order_line:
            price = prices.get(line.sequence)
            if price is None or line.display_type:
                continue
            sheet_line, price_unit, discount = price
            # the subtotal the sheet counts for this line: its own computation
            expected = sheet_line._line_subtotal(
                line.product_id,
                price_unit,
                line.product_uom_qty,
                discount,
                sheet_line._sheet_fiscal_position(
                    self.partner_id, sheet_line.company_id or self.company_id, fiscal_positions
                ),
            )
            if order.currency_id.compare_amounts(line.price_subtotal, expected):
                updates.append(
                    Command.update(line.id, {"price_unit": price_unit, "discount": discount})
                )
        if updates:
            order.write({"order_line": updates})
            # what was computed for the catalogue's price (crm_pricing's
            # explanation) goes with it
            order.order_line.browse([command[1] for command in updates])._crm_sheet_price_applied()

    def action_view_quotations(self):
        """Every quotation generated from the sheet, revisions included."""
        check_one(self)
        return self.sale_order_ids._get_records_action(
            name=self.env._("Quotations"), context={"create": False}
        )


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
