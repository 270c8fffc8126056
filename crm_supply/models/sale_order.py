from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate, float_compare

from odoo.addons.crm_suite_base.models.policy import (
    check_one,
    check_records,
    owned,
    privileged,
    writable,
)
from odoo.addons.crm_suite_base.models.row_locks import lock_and_touch

from .res_company import RESERVATION_DAYS_BOUNDS
from .sale_stock_reservation import EXPIRY_ACTIVITY

_lt = LazyTranslate(__name__)

# ids of the quotations Odoo's action_confirm is confirming (marked by
# _prepare_confirmation_values, before its write of the state), in the
# transaction's cache: not the context, which a caller could send
_CONFIRMING = "crm_supply.confirming_order_ids"


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "crm.write.policy.mixin"]
    _crm_write_policy = {
        "reservation_ids": owned(
            _lt("use Reserve Stock or Release Stock (action_reserve_stock / action_release_stock).")
        ),
        # the quotation's own term; a confirmed order has its delivery instead.
        # The reservations' expiry date is this field (a stored related): it is
        # not cleared while they are active (write(), _check_reservation_term)
        "reservation_expiry_date": writable(states=("draft", "sent")),
        "crm_purchase_order_ids": owned(
            _lt("use Create Supplier Orders (action_create_supplier_orders).")
        ),
    }

    reservation_ids = fields.One2many(
        "sale.stock.reservation",
        "order_id",
        string="Stock Reservations",
        groups="base.group_user",
    )
    reservation_count = fields.Integer(
        compute="_compute_reservation_count",
        groups="base.group_user",
    )
    has_reservation = fields.Boolean(compute="_compute_reservation_count", groups="base.group_user")
    reservation_expiry_date = fields.Date(
        string="Reservation Expires On",
        compute="_compute_reservation_expiry_date",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        help="Until when Reserve Stock holds the goods (default: the company's "
        "Proforma Reservation Days from today).",
        groups="base.group_user",
    )
    crm_purchase_order_ids = fields.Many2many(
        "purchase.order",
        "crm_supply_sale_purchase_rel",
        "sale_order_id",
        "purchase_order_id",
        string="Supplier Orders",
        copy=False,
        groups="base.group_user",
    )
    crm_purchase_order_count = fields.Integer(
        compute="_compute_crm_purchase_order_count",
        groups="base.group_user",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_order_line_values(*vals_list)
        for vals in vals_list:
            if vals.get("reservation_expiry_date") == "":
                # no date: the default term (Odoo would send "" to the column)
                del vals["reservation_expiry_date"]
        return super().create(vals_list)

    def write(self, vals):
        self._check_order_line_values(vals)
        self._check_reservation_term(vals)
        plain = self._check_state_of_reserved_quotations(vals)
        confirm_warnings = plain._check_plain_confirmation(vals)
        terms = (
            {order: order.reservation_expiry_date for order in self}
            if isinstance(vals, dict) and "reservation_expiry_date" in vals
            else {}
        )
        # a reserved quotation's goods follow its warehouse, written or recomputed
        # by Odoo (from the company or the salesperson): under a savepoint, so
        # that a refusal of the policy leaves the order unchanged
        moved = self._warehouses_of_reserved_quotations(vals)
        if not moved:
            res = super().write(vals)
        else:
            with self.env.cr.savepoint():
                res = super().write(vals)
                for order, warehouse in moved.items():
                    if order.warehouse_id != warehouse:
                        order._realign_reservations(
                            self.env._(
                                "Moving the reservations of %(order)s to %(warehouse)s",
                                order=order.name,
                                warehouse=order.warehouse_id.name or "-",
                            )
                        )
        self.browse(
            [order.id for order, term in terms.items() if order.reservation_expiry_date != term]
        )._rearm_expiry_warning()
        self.env["res.company"]._log_reserved_stock_notes(confirm_warnings)
        return res

    def _check_reservation_term(self, vals):
        """Refuse to clear *Reservation Expires On* of quotations holding active
        reservations: it is their expiry date (``sale.stock.reservation.
        date_expiry`` is a stored related of it), and the expiry cron never
        releases a reservation without one."""
        if (
            not isinstance(vals, dict)
            or "reservation_expiry_date" not in vals
            or vals["reservation_expiry_date"]
        ):
            return
        # Odoo's refusal first: the search below, as superuser, must not tell a
        # user who may not write these quotations which of them hold stock
        self.check_access("write")
        # sudo: every active reservation counts, those the user may not read too
        held = (
            self.env["sale.stock.reservation"]
            .sudo()
            .search([("order_id", "in", self.ids), ("state", "=", "reserved")])
            .order_id
        )
        if held:
            raise UserError(
                self.env._(
                    "Reservation Expires On cannot be cleared on %(orders)s: it holds "
                    "reserved stock, which would then never expire. Set another date, or "
                    "Release Stock first.",
                    orders=", ".join(held.mapped("name")),
                )
            )

    def _check_state_of_reserved_quotations(self, vals):
        """Refuse a plain write of the state that takes quotations holding active
        reservations out of draft/sent (an XML-RPC client may send one): their
        reservations would stay held, and confirming would skip the
        reserved-stock policy and the delivery. Confirm and Cancel release them.
        Odoo's action_confirm writes the state before _action_confirm releases:
        the orders marked by _prepare_confirmation_values are let through (once);
        _action_cancel releases before its write.
        Returns the orders whose state is written plainly (all but those
        action_confirm is confirming), which ``_check_plain_confirmation``
        checks next."""
        if not isinstance(vals, dict) or "state" not in vals or vals["state"] in ("draft", "sent"):
            return self.browse()
        orders = self
        confirming = self.env.cr.cache.get(_CONFIRMING)
        if confirming and vals["state"] == "sale":
            orders = self.filtered(lambda order: order.id not in confirming)
            confirming.difference_update(self.ids)
        if not orders.ids:
            return orders
        # Odoo's refusal first (as in _check_reservation_term)
        orders.check_access("write")
        # sudo: every active reservation counts, those the user may not read too
        held = (
            self.env["sale.stock.reservation"]
            .sudo()
            .search([("order_id", "in", orders.ids), ("state", "=", "reserved")])
            .order_id
        )
        if held:
            raise UserError(
                self.env._(
                    "The status of %(orders)s cannot be written directly: it holds reserved "
                    "stock. Use Confirm or Cancel (action_confirm / action_cancel), which "
                    "release it, or Release Stock first.",
                    orders=", ".join(held.mapped("name")),
                )
            )
        return orders

    def _check_plain_confirmation(self, vals):
        """{order: warning} of these orders, whose state ``vals`` writes to
        *sale* without Odoo's action_confirm (a plain ``write``, as an XML-RPC
        client may send it): the reserved-stock policy is applied to what
        their lines take, as at confirmation (``_action_confirm``), together,
        before the write (a UserError under "block"). Odoo launches no
        procurement then, but the next write of a line's quantity procures
        all of it (``sale.order.line._needs_after`` checks that gap too)."""
        if not isinstance(vals, dict) or vals.get("state") != "sale":
            return {}
        orders = self.filtered(lambda order: order.state != "sale")
        if not orders:
            return {}
        return orders._check_confirmation_needs()

    def _check_confirmation_needs(self):
        """{order: warning}: the reserved-stock policy on what these orders'
        lines take, the orders checked together per company and warehouse (a
        UserError under "block")."""
        return self.env["res.company"]._check_reserved_stock_together(
            [
                (
                    order,
                    order.company_id,
                    order.warehouse_id,
                    order._needs_by_product(order._reservation_needs()),
                    order,
                    None,
                )
                for order in self
            ],
            lambda orders: self.env._(
                "Confirming %(order)s", order=", ".join(orders.mapped("name"))
            ),
        )

    def _post_reserved_stock_note(self, warning):
        """Note ``warning`` (the reserved-stock policy's text, one line per
        product) in the chatter of these records, its lines kept apart
        (``res.company._log_reserved_stock_notes``)."""
        self.env["res.company"]._log_reserved_stock_notes(dict.fromkeys(self, warning))

    def _rearm_expiry_warning(self):
        """After *Reservation Expires On* of these quotations moved: the expiry
        cron warns about the new date too (it warns a reservation once)."""
        # sudo: the cron's flag, whoever moved the date (an invoicing user may
        # write the quotation, not its reservations)
        warned = (
            self.env["sale.stock.reservation"]
            .sudo()
            .search(
                [
                    ("order_id", "in", self.ids),
                    ("state", "=", "reserved"),
                    ("expiry_warned", "=", True),
                ]
            )
        )
        if warned:
            privileged(warned).write({"expiry_warned": False})
            # the warning about the old date is moot: the new one is warned about
            warned.order_id._crm_drop_expiry_warning()

    def _crm_drop_expiry_warning(self):
        """Remove the expiry cron's to-do from these quotations: what it warned
        about changed (released, expired, confirmed, cancelled, date moved)."""
        # sudo: the suite's own reminder on quotations the caller has just
        # changed (an invoicing user may move the date, not others' activities)
        self.sudo().activity_unlink([EXPIRY_ACTIVITY])

    def _warehouses_of_reserved_quotations(self, vals):
        """{quotation: its warehouse} of these quotations holding active
        reservations, when ``vals`` may change their warehouse."""
        field = self._fields["warehouse_id"]
        names = {field.name, *(path.split(".")[0] for path in self.pool.field_depends[field])}
        if not isinstance(vals, dict) or names.isdisjoint(vals):
            return {}
        return {
            order: order.warehouse_id
            for order in self
            if order.state in ("draft", "sent") and order.has_reservation
        }

    @api.model
    def _check_order_line_values(self, *vals_list):
        """The quantities, units and products of the lines written through the
        orders (one ``vals`` per order), checked before the orders' own
        computations read them; the lines of all of them in one pass."""
        Line = self.env["sale.order.line"]
        lines_vals = []
        for vals in vals_list:
            commands = vals.get("order_line") if isinstance(vals, dict) else None
            if not isinstance(commands, list | tuple):
                continue
            for command in commands:
                if isinstance(command, list | tuple) and len(command) == 3:
                    if command[0] in (Command.CREATE, Command.UPDATE) and isinstance(
                        command[2], dict
                    ):
                        lines_vals.append(command[2])
        Line._check_need_values_list(lines_vals)

    @api.depends("reservation_ids.state")
    def _compute_reservation_count(self):
        # sudo: the order's own active reservations, counted alike for whoever may
        # read the order (checked when the field is read): Odoo lets invoicing and
        # accounting users open it (from an invoice), who may not read
        # reservations; a count discloses nothing else
        for order, order_sudo in zip(self, self.sudo(), strict=True):
            active = order_sudo.reservation_ids.filtered(lambda r: r.state == "reserved")
            order.reservation_count = len(active)
            order.has_reservation = bool(active)

    @api.depends("company_id")
    def _compute_reservation_expiry_date(self):
        for order in self:
            if not order.reservation_expiry_date:
                order.reservation_expiry_date = order._default_reservation_expiry_date()

    def _default_reservation_expiry_date(self):
        """Today (in the context's time zone) plus the company's Proforma
        Reservation Days."""
        self.ensure_one()
        days = (self.company_id or self.env.company).reservation_days
        # a value stored before the settings had bounds never breaks a create
        days = min(max(days or 0, RESERVATION_DAYS_BOUNDS[0]), RESERVATION_DAYS_BOUNDS[1])
        return fields.Date.add(fields.Date.context_today(self), days=days)

    @api.depends("crm_purchase_order_ids")
    def _compute_crm_purchase_order_count(self):
        for order in self:
            order.crm_purchase_order_count = len(order.crm_purchase_order_ids)

    # ------------------------------------------------------------------
    # Reservations (public API)
    # ------------------------------------------------------------------

    def action_reserve_stock(self):
        """Reserve the storable products of these quotations in their warehouse,
        until ``reservation_expiry_date``. Reserving again after an edit brings
        the reservations in line with the lines (never doubles them). Under the
        company's policy, taking stock that other proformas hold is allowed,
        warned about (chatter) or refused. Returns True."""
        self._check_can_hold_stock()
        # crm_pipeline's offer approval, when it is installed (crm_supply does not
        # depend on it): a quotation waiting for a sales manager is not reserved
        if hasattr(self, "_check_offer_approved"):
            self._check_offer_approved(self.env._("be reserved as a proforma"))
        for order in self:
            order._check_can_reserve()
        # two Reserve Stock of one quotation at once (any policy): the second
        # waits, then is retried by Odoo and sees the first one's reservations
        self._lock_documents()
        for order in self:
            needs = order._reservation_needs()
            warning = order.company_id._check_reserved_stock(
                order.warehouse_id,
                order._needs_by_product(needs),
                order,
                self.env._("Reserving %(order)s", order=order.name),
            )
            order._sync_reservations(needs)
            if warning:
                order._post_reserved_stock_note(warning)
        self._check_low_stock_of_lines()
        return True

    def _check_low_stock_of_lines(self):
        """The low-stock alerts of these orders' products, in each order's
        company (its stock, whichever companies the user selected)."""
        for company, orders in self.grouped("company_id").items():
            orders.order_line.product_id._check_low_stock(company)

    def action_release_stock(self):
        """Release every reservation of these quotations. Returns True."""
        self._check_can_hold_stock()
        self._release_reservations()
        return True

    def _check_can_hold_stock(self):
        """Existing quotations the user may write, and reservations they may
        move (salespeople; not the inventory users who see them)."""
        check_records(self)
        self.check_access("write")
        self.env["sale.stock.reservation"].check_access("write")

    def _check_can_reserve(self):
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            raise UserError(
                self.env._(
                    "%(order)s is %(state)s: only a quotation reserves stock (a confirmed "
                    "order has its delivery).",
                    order=self.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[self.state],
                )
            )
        if not self.warehouse_id:
            raise UserError(self.env._("%(order)s has no warehouse.", order=self.name))
        if self.warehouse_id.company_id != self.company_id:
            raise UserError(
                self.env._(
                    "Warehouse %(wh)s belongs to another company than %(order)s.",
                    wh=self.warehouse_id.name,
                    order=self.name,
                )
            )
        if not self.reservation_expiry_date or (
            self.reservation_expiry_date < fields.Date.context_today(self)
        ):
            raise UserError(
                self.env._(
                    "The reservation of %(order)s would expire in the past: set a later "
                    "Reservation Expires On.",
                    order=self.name,
                )
            )
        negative = self.order_line.filtered(
            lambda line: not line.display_type and line.product_uom_qty < 0
        )
        if negative:
            raise UserError(
                self.env._(
                    "%(order)s has negative quantities (%(products)s): correct them before "
                    "reserving.",
                    order=self.name,
                    products=", ".join(negative.product_id.mapped("display_name")),
                )
            )
        if not self._reservation_needs():
            raise UserError(
                self.env._("%(order)s has no storable product to reserve.", order=self.name)
            )

    def _reservation_needs(self):
        """{order line: quantity in the product's unit} of the storable lines
        that take goods (a line of a negative quantity takes nothing: it is
        never netted against the other lines of the product)."""
        self.ensure_one()
        needs = {}
        for line in self.order_line:
            qty = line._stock_need()
            if qty:
                needs[line] = qty
        return needs

    @staticmethod
    def _needs_by_product(needs):
        """The gross need per product: the lines' quantities added up."""
        by_product = defaultdict(float)
        for line, qty in needs.items():
            if qty > 0:
                by_product[line.product_id] += qty
        return by_product

    def _sync_reservations(self, needs):
        """One active reservation per line, of the line's product at the line's
        quantity (in the product's unit): a line whose product changed releases
        the old product and reserves the new one."""
        self.ensure_one()
        # sudo: the reservations follow their lines, whoever Odoo lets edit
        # them (an invoicing or inventory user too, who may not move
        # reservations themselves: _realign_reservations), as they follow the
        # quotation's confirmation or cancellation; Reserve Stock checks the
        # user's rights first (_check_can_hold_stock)
        Reservation = privileged(self.env["sale.stock.reservation"].sudo())
        active = self.sudo().reservation_ids.filtered(lambda r: r.state == "reserved")
        by_line = {r.order_line_id: r for r in active}
        location = self.warehouse_id.lot_stock_id
        to_create = []
        for line, qty in needs.items():
            if qty <= 0:
                continue
            reservation = by_line.pop(line, None)
            if reservation and (
                reservation.product_id != line.product_id or reservation.location_id != location
            ):
                reservation._set_state("released")
                reservation = None
            if reservation:
                rounding = line.product_id.uom_id.rounding
                if float_compare(reservation.quantity, qty, precision_rounding=rounding):
                    privileged(reservation).write({"quantity": qty})
            else:
                to_create.append(
                    {
                        "order_id": self.id,
                        "order_line_id": line.id,
                        "product_id": line.product_id.id,
                        "location_id": location.id,
                        "quantity": qty,
                    }
                )
        if to_create:
            # released rows must be written first: one reserved row per line
            Reservation.flush_model(["state"])
            Reservation.create(to_create)
        # lines gone or no longer storable
        for reservation in by_line.values():
            reservation._set_state("released")

    def _release_reservations(self):
        # sudo: the reservations follow their quotation, whoever Odoo lets confirm
        # or cancel it (invoicing and inventory users may, without the right to
        # move reservations); action_release_stock checks the user's rights first
        active = self.sudo().reservation_ids.filtered(lambda r: r.state == "reserved")
        if active:
            active._set_state("released")
            active.order_id._crm_drop_expiry_warning()

    @api.ondelete(at_uninstall=False)
    def _unlink_reservations(self):
        """A deleted quotation (Odoo deletes only drafts and cancelled ones)
        takes its reservations with it: the active ones are released first, as
        Release Stock does, then all of them, the released history too, are
        deleted through the ORM with their chatter (messages, followers), which
        the database's cascade on ``order_id`` would leave behind. A reservation
        means nothing without its quotation (``order_id`` is required).
        Named to run after sale's ``_unlink_except_draft_or_cancel``."""
        # sudo: the reservations follow their quotation, which the user may
        # delete (unlink() checked it before this runs); salespeople and
        # inventory users may not delete reservations themselves
        orders = self.filtered(lambda order: order.state in ("draft", "cancel"))
        reservations = orders.sudo().reservation_ids
        if not reservations:
            return
        orders._release_reservations()
        privileged(reservations).unlink()

    def _realign_reservations(self, label=None):
        """After a write of its lines or its warehouse: bring this quotation's
        active reservations in line with the lines they hold (quantity, unit,
        product) and its warehouse. What a line needs more than it holds (or all
        of it, for a new product or another warehouse) goes through the
        reserved-stock policy first (``label`` names the action in its message);
        what it no longer needs is released."""
        self.ensure_one()
        # sudo: the reservations follow the lines (_sync_reservations); what
        # the lines take more is checked below as the user, on their lines
        active = self.sudo().reservation_ids.filtered(lambda r: r.state == "reserved")
        if not active or self.state not in ("draft", "sent"):
            return
        if not self.warehouse_id:
            raise UserError(self.env._("%(order)s has no warehouse.", order=self.name))
        location = self.warehouse_id.lot_stock_id
        held = {r.order_line_id: r for r in active}
        needs = {line: line._stock_need() for line in active.order_line_id.with_env(self.env)}
        raised = set()
        for line, qty in needs.items():
            reservation = held[line]
            before = (
                reservation.quantity
                if reservation.product_id == line.product_id and reservation.location_id == location
                else 0.0
            )
            if float_compare(qty, before, precision_rounding=line.product_id.uom_id.rounding) > 0:
                raised.add(line.product_id)
        warning = ""
        if raised:
            totals = self._needs_by_product(needs)
            warning = self.company_id._check_reserved_stock(
                self.warehouse_id,
                {product: totals[product] for product in raised},
                self,
                label or self.env._("Changing the reserved lines of %(order)s", order=self.name),
            )
        self._sync_reservations(needs)
        if warning:
            self._post_reserved_stock_note(warning)

    # ------------------------------------------------------------------
    # Odoo's flows
    # ------------------------------------------------------------------

    def _prepare_confirmation_values(self):
        # Odoo's action_confirm writes these values (the state) before
        # _action_confirm, which checks the reserved-stock policy and releases:
        # its write of these orders' state is let through
        self.env.cr.cache.setdefault(_CONFIRMING, set()).update(self.ids)
        return super()._prepare_confirmation_values()

    def _action_confirm(self):
        """Confirming takes the goods: before Odoo's procurement (``sale_stock``),
        stock that other proformas hold is refused or, under "warn", noted in the
        chatter; the order's own reservations then give way to Odoo's delivery
        reservation. The orders confirmed together are checked together (per
        company and warehouse): none has its delivery yet, so each one alone
        would not see what the others take."""
        self.env.cr.cache.get(_CONFIRMING, set()).difference_update(self.ids)
        warnings = self._check_confirmation_needs()
        res = super()._action_confirm()
        self._release_reservations()
        self._check_low_stock_of_lines()
        self.env["res.company"]._log_reserved_stock_notes(warnings)
        return res

    def _action_cancel(self):
        # released before Odoo's write of the state (refused on a quotation
        # that holds reservations: _check_state_of_reserved_quotations)
        self._release_reservations()
        return super()._action_cancel()

    def action_view_reservations(self):
        check_one(self)
        return self.reservation_ids._get_records_action(
            name=self.env._("Stock Reservations"), context={"create": False}
        )

    # ------------------------------------------------------------------
    # Supplier orders (public API)
    # ------------------------------------------------------------------

    def action_create_supplier_orders(self, mode="shortfall"):
        """Draft purchase orders for these customer documents, one per main vendor
        and receiving warehouse (the document's: its receipt operation type),
        reusing an open draft of that vendor receiving there, at the vendor's
        price, currency and minimum quantity. ``mode``: "all" (every product
        line) or "shortfall" (what free-to-sell stock of the document's warehouse
        does not cover). What the supplier orders linked to these documents only
        already order for that warehouse (``_ordered_for_documents``) is not
        ordered again. Returns an action on the purchase orders."""
        if not isinstance(mode, str) or mode not in ("all", "shortfall"):
            raise UserError(self.env._("The mode is 'all' or 'shortfall', not %(m)r.", m=mode))
        check_records(self)
        self.check_access("read")
        if not self.env["purchase.order"].has_access("create"):
            raise UserError(self.env._("You may not create purchase orders."))
        self._check_not_cancelled_for_supply()
        self._lock_documents()
        # (company, receipt operation type, product) -> qty: the shortfall is
        # the document's warehouse's, and so is the receipt
        needs = defaultdict(float)
        origins = defaultdict(lambda: self.browse())
        for order in self:
            picking_type = order._supplier_picking_type()
            for line, qty in order._supply_needs(mode).items():
                key = order.company_id, picking_type, line.product_id
                needs[key] += qty
                origins[key] |= order
        no_vendor = sorted(
            {
                product.display_name
                for (company, __, product) in needs
                if not self._company_sellers(product, company)
            }
        )
        if no_vendor:
            raise UserError(
                self.env._(
                    "These products have no vendor: %(products)s. Add one on the "
                    "product's Purchase tab.",
                    products=", ".join(no_vendor),
                )
            )
        if not needs:
            raise UserError(self.env._("Nothing to order: the free-to-sell stock covers it."))
        ordered = self._ordered_for_documents(mode)
        purchases = self.env["purchase.order"]
        to_order = []
        for key, qty in needs.items():
            company, picking_type, product = key
            already, linked = ordered.get(key, (0.0, purchases.browse()))
            purchases |= linked  # what orders it already: the action shows them
            if float_compare(qty, already, precision_rounding=product.uom_id.rounding) <= 0:
                continue
            qty -= already
            to_order.append((key, qty, self._company_seller(product, company, qty)))
        self._lock_vendors(
            self.env["product.supplierinfo"].union(*(seller for __, __, seller in to_order))
        )
        # purchase order -> the documents it gets lines for (its Source Document)
        ordered_for = defaultdict(lambda: self.browse())
        for key, qty, seller in to_order:
            company, picking_type, product = key
            purchase = self._supplier_order_for(company, picking_type, seller)
            qty_po = product.uom_id._compute_quantity(qty, product.uom_po_id)
            existing = purchase.order_line.filtered(lambda pol, p=product: pol.product_id == p)[:1]
            if existing:
                # the vendor's minimum is the line's, not added once per document
                qty_po += existing.product_uom._compute_quantity(
                    existing.product_qty, product.uom_po_id
                )
            qty_po = max(qty_po, seller.min_qty or 0.0)
            if existing:
                existing.product_qty = product.uom_po_id._compute_quantity(
                    qty_po, existing.product_uom
                )
            else:
                purchase.write(
                    {
                        "order_line": [
                            Command.create({"product_id": product.id, "product_qty": qty_po})
                        ]
                    }
                )
            privileged(purchase).write(
                {"crm_sale_order_ids": [Command.link(o.id) for o in origins[key]]}
            )
            ordered_for[purchase] |= origins[key]
            purchases |= purchase
        for purchase, documents in ordered_for.items():
            purchase._add_source_documents(documents.mapped("name"))
        for order in self:
            linked = purchases.filtered(lambda po, o=order: o in po.crm_sale_order_ids)
            privileged(order).write(
                {"crm_purchase_order_ids": [Command.link(po.id) for po in linked]}
            )
        return purchases._get_records_action(name=self.env._("Supplier Orders"))

    def _check_not_cancelled_for_supply(self):
        """Refuse cancelled documents (the button is hidden on them; an
        XML-RPC call is refused alike): they sell nothing, so they order
        nothing."""
        cancelled = self.filtered(lambda order: order.state == "cancel")
        if cancelled:
            raise UserError(
                self.env._(
                    "%(orders)s: a cancelled document orders nothing from suppliers. Set it "
                    "back to quotation first.",
                    orders=", ".join(cancelled.mapped("name")),
                )
            )

    def _lock_documents(self):
        """Lock these documents' rows in id order (never a deadlock between two
        requests) and touch them, before computing what is still to order or to
        reserve: a concurrent Create Supplier Orders or Reserve Stock for one of
        them waits here until this one commits, then fails to lock with a
        serialization error and is retried by Odoo with fresh data, so that it
        sees what this one ordered or reserved (its own snapshot, taken before,
        would not)."""
        lock_and_touch(self, no_key=True)

    @api.model
    def _lock_vendors(self, sellers):
        """Lock the vendor contacts of ``sellers`` in id order and touch them,
        before looking for their open draft purchase orders: two Create
        Supplier Orders of different documents for the same vendor at once
        (the documents' own locks do not meet) made two drafts; the second one
        now waits here, fails to lock with a serialization error and is
        retried by Odoo, then finds the first one's draft and adds to it."""
        lock_and_touch(sellers.partner_id, no_key=True)

    @api.model
    def _company_sellers(self, product, company):
        """The vendor lines (``product.supplierinfo``) of ``product`` a purchase
        order of ``company`` may use, in their order, as Odoo's ``_select_seller``
        filters them: of no company or of this one, of an active vendor, of
        the template or of this variant; and of a vendor contact the company
        may deal with: of no company, or of this company or one of its parents
        (a branch buys from its parent's vendors), as Odoo's ``_check_company``
        accepts a record's company. Odoo's purchase order does not refuse a
        vendor restricted to another company: this is where it is left out."""
        # sudo: only to choose among the vendor lines, on their company and on
        # their vendor contact's company and active flag, which the user may
        # not read (a contact of a company that is not selected: Odoo's
        # _prepare_sellers read it and failed with an AccessError); nothing
        # of a line left out is returned, and the lines kept come back in the
        # caller's environment, read under its own access rights from then on
        allowed = company.sudo().parent_ids
        sellers = (
            product.sudo()
            .with_company(company)
            ._prepare_sellers()
            .filtered(
                lambda s: (not s.company_id or s.company_id == company)
                and (not s.partner_id.company_id or s.partner_id.company_id in allowed)
            )
        )
        return self.env["product.supplierinfo"].browse(sellers.ids)

    @api.model
    def _company_seller(self, product, company, qty):
        """The vendor line a purchase order of ``company`` buys ``qty`` (in the
        product's unit) of ``product`` at: as Odoo's ``_select_seller``, the
        first vendor (in the lines' order) with a line valid for the quantity
        and today, at its best price, among ``_company_sellers``; else the
        main vendor (whose minimum the purchase line is raised to), as Odoo's
        procurement falls back."""
        sellers = self._company_sellers(product, company)
        # sudo: as in _company_sellers (Odoo's _select_seller reads every
        # vendor line's contact); only a line of ``sellers`` is returned
        product_sudo = product.sudo().with_company(company)
        for partner in sellers.sudo().partner_id:
            seller = product_sudo._select_seller(
                partner_id=partner, quantity=qty, uom_id=product.uom_id
            )
            if seller and seller in sellers:
                return sellers.browse(seller.id)
        return sellers[:1]

    def _supplier_picking_type(self):
        """The receipt operation type of the supplier orders of this document:
        its warehouse's, as Odoo's buy rule of that warehouse uses (the
        company's default receipt when the document has no warehouse)."""
        self.ensure_one()
        picking_type = self.warehouse_id.in_type_id
        if not picking_type:
            picking_type = self.env["purchase.order"]._get_picking_type(self.company_id.id)
        return picking_type

    def _ordered_for_documents(self, mode):
        """{(company, receipt operation type, product): (quantity in the
        product's unit, purchase orders)} that the supplier orders linked to
        these documents already order for them: drafts, RFQs sent or to approve
        and confirmed orders (not cancelled ones), in the warehouse they receive
        into. In "shortfall" mode, a confirmed order counts only what it has not
        received yet: what it received is in stock, and the shortfall is
        computed from the free-to-sell stock that counts it already (counting it
        twice would order too little); in "all" mode the whole quantity of the
        line counts, received or not. Only the supplier orders linked to none
        but these documents count: the links name the documents, not their
        quantities, so the part of a line an order shared with another document
        orders for these ones is not known (and ordering again for them orders
        it again)."""
        result = {}
        purchases = self.crm_purchase_order_ids.filtered(
            lambda po: po.state in ("draft", "sent", "to approve", "purchase", "done")
            # sudo: the documents the user may not read are linked too
            and set(po.sudo().crm_sale_order_ids.ids) <= set(self.ids)
        )
        for line in purchases.order_line:
            product = line.product_id
            if line.display_type or not product:
                continue
            qty = line.product_qty
            if mode == "shortfall" and line.order_id.state in ("purchase", "done"):
                qty = max(qty - line.qty_received, 0.0)
            order = line.order_id
            key = order.company_id, order.picking_type_id, product
            total, orders = result.get(key, (0.0, purchases.browse()))
            total += line.product_uom._compute_quantity(qty, product.uom_id, round=False)
            result[key] = (total, orders | order)
        return result

    def _supply_needs(self, mode):
        """{line: quantity to order, in the product's unit}: nothing for a
        cancelled document."""
        self.ensure_one()
        if self.state == "cancel":
            return {}
        # the gross need: a line of a negative quantity orders nothing
        lines = {
            line: line.product_uom._compute_quantity(line.product_uom_qty, line.product_id.uom_id)
            for line in self.order_line
            if not line.display_type
            and line.product_id.type == "consu"
            and line.product_uom_qty > 0
        }
        if mode == "all" or not lines:
            return lines
        products = self.env["product.product"].union(*(line.product_id for line in lines))
        figures = products.with_context(warehouse_id=self.warehouse_id.id)._free_to_sell_figures(
            exclude_orders=self
        )
        free = {pid: fig[1] for pid, fig in figures.items()}
        if self.state == "sale":
            # a confirmed order's own delivery is already counted as outgoing:
            # its quantities are added back to the signed figure, before the
            # clamp (stock 4 and an order of 10 confirmed: -6 free, 4 for it)
            for line, qty in lines.items():
                free[line.product_id.id] = free.get(line.product_id.id, 0.0) + qty
        free = {pid: max(qty, 0.0) for pid, qty in free.items()}
        result = {}
        for line, qty in lines.items():
            available = free.get(line.product_id.id, 0.0)
            short = qty - min(qty, available)
            free[line.product_id.id] = max(available - qty, 0.0)
            if short > 0:
                result[line] = short
        return result

    def _supplier_order_for(self, company, picking_type, seller):
        """An open draft purchase order of the ``seller``'s vendor, of
        ``company`` in the vendor's currency, receiving through
        ``picking_type`` (into its warehouse, not a dropship), or a new one (as
        Odoo's buy rule looks for the draft to add a procurement to)."""
        Purchase = self.env["purchase.order"]
        partner = seller.partner_id
        currency = seller.currency_id or company.currency_id
        purchase = Purchase.search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("currency_id", "=", currency.id),
                ("picking_type_id", "=", picking_type.id),
                ("dest_address_id", "=", False),
                ("state", "=", "draft"),
            ],
            limit=1,
        )
        if purchase:
            return purchase
        return Purchase.with_company(company).create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "currency_id": currency.id,
                "picking_type_id": picking_type.id,
            }
        )

    def action_view_supplier_orders(self):
        check_one(self)
        return self.crm_purchase_order_ids._get_records_action(name=self.env._("Supplier Orders"))
