from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate, format_date

from odoo.addons.crm_suite_base.models.policy import is_privileged, owned, privileged

_lt = LazyTranslate(__name__)

# What a reservation is, for how much and in which state: moved only by
# sale.order.action_reserve_stock() / action_release_stock(), the order's
# confirmation, cancellation and line changes, and the expiry cron.
_BY_THE_QUOTATION = owned(
    _lt(
        "use Reserve Stock or Release Stock on the quotation "
        "(sale.order.action_reserve_stock / action_release_stock)."
    )
)

#: the expiry cron's to-do on a quotation (crm_supply/data/mail_activity_type_data.xml)
EXPIRY_ACTIVITY = "crm_supply.mail_activity_type_reservation_expiry"


class SaleStockReservation(models.Model):
    """Quantity of a product that a proforma (a quotation not yet confirmed)
    holds for its customer in its warehouse, until it expires."""

    _name = "sale.stock.reservation"
    _description = "Proforma Stock Reservation"
    _inherit = ["mail.thread", "crm.write.policy.mixin"]
    _order = "date_expiry, id"
    _check_company_auto = True
    _crm_write_policy = {
        "order_id": _BY_THE_QUOTATION,
        "order_line_id": _BY_THE_QUOTATION,
        "product_id": _BY_THE_QUOTATION,
        "location_id": _BY_THE_QUOTATION,
        "quantity": _BY_THE_QUOTATION,
        "state": _BY_THE_QUOTATION,
        # related to the quotation: its own fields are written there
        "partner_id": owned(_lt("the quotation's customer.")),
        "user_id": owned(_lt("the quotation's salesperson.")),
        "company_id": owned(_lt("the quotation's company.")),
        "warehouse_id": owned(_lt("the quotation's warehouse.")),
        "date_expiry": owned(_lt("set Reservation Expires On on the quotation.")),
        "expiry_warned": owned(_lt("kept by the daily expiry cron.")),
    }

    order_id = fields.Many2one(
        "sale.order",
        string="Proforma",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
        copy=False,
    )
    # a deleted line releases its reservation first (sale.order.line's
    # _unlink_release_reservations), which stays as history without its line;
    # a deleted quotation deletes its reservations (sale.order's
    # _unlink_reservations), through the ORM, with their chatter
    order_line_id = fields.Many2one(
        "sale.order.line", ondelete="set null", index="btree_not_null", copy=False
    )
    partner_id = fields.Many2one(related="order_id.partner_id", store=True, string="Customer")
    user_id = fields.Many2one(
        related="order_id.user_id", store=True, string="Salesperson", index=True
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, precompute=True
    )
    warehouse_id = fields.Many2one(related="order_id.warehouse_id", store=True)
    location_id = fields.Many2one(
        "stock.location",
        required=True,
        index=True,
        copy=False,
        help="The warehouse's stock location the goods are held in.",
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        check_company=True,
        copy=False,
        domain="[('is_storable', '=', True)]",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    quantity = fields.Float(
        digits="Product Unit of Measure", required=True, copy=False, help="In the product's unit."
    )
    date_expiry = fields.Date(
        string="Expires On",
        related="order_id.reservation_expiry_date",
        store=True,
        index=True,
    )
    expiring_this_week = fields.Boolean(
        compute="_compute_expiring_this_week", search="_search_expiring_this_week"
    )
    state = fields.Selection(
        [("reserved", "Reserved"), ("released", "Released"), ("expired", "Expired")],
        default="reserved",
        required=True,
        index=True,
        tracking=True,
    )
    expiry_warned = fields.Boolean(readonly=True, copy=False)

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "A reserved quantity must be positive."),
    ]

    def init(self):
        # one active reservation per order line, even when two requests race
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS sale_stock_reservation_one_per_line
                ON sale_stock_reservation (order_line_id) WHERE state = 'reserved'
            """
        )

    @api.depends("date_expiry")
    def _compute_expiring_this_week(self):
        today = fields.Date.context_today(self)
        for reservation in self:
            reservation.expiring_this_week = bool(
                reservation.date_expiry and (reservation.date_expiry - today).days <= 7
            )

    def _search_expiring_this_week(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search 'Expiring this week' with = True or False."))
        limit = fields.Date.add(fields.Date.context_today(self), days=7)
        inside = [("state", "=", "reserved"), ("date_expiry", "<=", limit)]
        return inside if (operator == "=") == value else ["!"] + ["&"] + inside

    @api.depends("order_id", "product_id")
    def _compute_display_name(self):
        for reservation in self:
            reservation.display_name = (
                f"{reservation.order_id.name or ''}: {reservation.product_id.display_name or ''}"
            )

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        if not is_privileged(self):
            raise UserError(
                self.env._(
                    "Reservations are made by the proforma: use Reserve Stock on the "
                    "quotation (sale.order.action_reserve_stock)."
                )
            )
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_reserved(self):
        """A reservation holding stock is released from its quotation, not
        deleted (Odoo's access rights are checked before this runs: their
        message for users without any). Not when the module is uninstalled:
        its reservations go with their table; the uninstall flag counts only
        for administrators (crm_suite_base's extension of ``base``)."""
        if not is_privileged(self) and any(r.state == "reserved" for r in self):
            raise UserError(
                self.env._("Release the stock from the quotation instead of deleting it.")
            )

    # ------------------------------------------------------------------
    # Refusals while proformas hold stock
    # ------------------------------------------------------------------

    @api.model
    def _refuse_while_held(self, domain, message):
        """Raise a UserError when active reservations match ``domain``: every
        one of them counts, those of orders the user may not read too (another
        company's proformas, a salesperson's with "own documents only").
        ``message(products=..., orders=...)`` builds its text (named
        placeholders), from ``_held_names``: it names only what the user may
        read, and counts the rest."""
        # sudo: every active reservation counts, those the user may not read too
        held = self.sudo().search([*domain, ("state", "=", "reserved")])
        if held:
            raise UserError(message(**held._held_names()))

    def _readable_holdings(self):
        """(products, orders) of these reservations that the current user may
        read, as the user, not as superuser (``_filtered_access``)."""
        return tuple(
            records.sudo(False)._filtered_access("read")
            for records in (self.product_id, self.order_id)
        )

    def _held_names(self, readable=None):
        """{"products": text, "orders": text}: the products and the orders of
        these reservations that the current user may read (as the user, not
        as superuser: ``_readable_holdings``), named, and the others counted,
        never named (a refusal must not tell a user of company A the numbers
        of company B's proformas, nor a salesperson the orders their record
        rules hide). ``readable``: ``_readable_holdings()`` of reservations
        that include these, for a caller naming several groups of them (the
        reserved-stock policy's lines, one per product), checked once for
        all; else checked for these."""
        readable_products, readable_orders = readable or self._readable_holdings()
        products = self.product_id.sudo(False) & readable_products
        orders = self.order_id.sudo(False) & readable_orders
        hidden_products = len(self.product_id) - len(products)
        hidden_orders = len(self.order_id) - len(orders)
        names = ", ".join(products.mapped("display_name"))
        if hidden_products and products:
            names = self.env._(
                "%(names)s and %(count)s other product(s) you cannot access",
                names=names,
                count=hidden_products,
            )
        elif hidden_products:
            names = self.env._("%(count)s product(s) you cannot access", count=hidden_products)
        numbers = ", ".join(orders.mapped("name"))
        if hidden_orders and orders:
            numbers = self.env._(
                "%(names)s and %(count)s other order(s) you cannot access",
                names=numbers,
                count=hidden_orders,
            )
        elif hidden_orders:
            numbers = self.env._("%(count)s order(s) you cannot access", count=hidden_orders)
        return {"products": names, "orders": numbers}

    # ------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------

    @api.model
    def _cron_expire(self):
        """Release expired reservations and warn the salesperson two days before."""
        today = fields.Date.context_today(self)
        expired = self.search([("state", "=", "reserved"), ("date_expiry", "<", today)])
        # released and their quotations' to-dos removed together; a note on each
        expired._set_state("expired")
        expired.order_id._crm_drop_expiry_warning()
        # logged as Odoo logs what its own flows do, by the run's user as
        # before; the notes of all the quotations created at once, each in
        # the language of who reads it, as the to-do (the run has none)
        if expired:
            expired.order_id._message_log_batch(
                {
                    order.id: self.with_context(
                        lang=self._expiry_reader_lang(order, order.user_id or self.env.user)
                    ).env._("Stock reservation expired and released.")
                    for order in expired.order_id
                }
            )
        soon = self.search(
            [
                ("state", "=", "reserved"),
                ("expiry_warned", "=", False),
                ("date_expiry", "<=", fields.Date.add(today, days=2)),
            ]
        )
        expiry_type = self.env.ref(EXPIRY_ACTIVITY)
        for order, reservations in soon.grouped("order_id").items():
            if expiry_type in order.activity_ids.activity_type_id:
                # reserved more (a line added, a product changed) since its
                # to-do: the same date, which the to-do warns about already
                # (a moved date removes it: sale.order._rearm_expiry_warning)
                continue
            user = order.user_id or self.env.user
            date = min(reservations.mapped("date_expiry"))
            order.activity_schedule(
                EXPIRY_ACTIVITY,
                date_deadline=date,
                user_id=user.id,
                **self._expiry_todo_texts(order, user, date),
            )
        privileged(soon).write({"expiry_warned": True})
        return True

    @api.model
    def _expiry_reader_lang(self, order, user):
        """The language of what the daily run writes for ``order`` (its expiry
        to-do, its note of released reservations), read by ``user`` (the
        quotation's salesperson): theirs (the daily run has none), else the
        company's (its partner's), as the low-stock activity is written
        (``product.product._low_stock_alert_texts``) and the suite's other
        daily runs write their notes. An inactive language is skipped."""
        Lang = self.env["res.lang"]
        # sudo: the company's language, whoever runs the cron
        langs = (not user._is_superuser() and user.lang, order.company_id.partner_id.sudo().lang)
        return next((code for code in langs if code and Lang._get_code(code)), self.env.lang)

    @api.model
    def _expiry_todo_texts(self, order, user, date):
        """``{"summary", "note"}`` of the expiry to-do of ``order`` for
        ``user``, its reservations released on ``date``: in the reader's
        language (``_expiry_reader_lang``), the date as Odoo writes dates in
        that language."""
        env = self.with_context(lang=self._expiry_reader_lang(order, user)).env
        return {
            "summary": env._("Stock reservation expires soon"),
            "note": env._(
                "The goods reserved for %(order)s are released on %(date)s: confirm "
                "the order or extend the reservation.",
                order=order.name,
                date=format_date(env, date),
            ),
        }

    def _set_state(self, state):
        privileged(self).write({"state": state})
