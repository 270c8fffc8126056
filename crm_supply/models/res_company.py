from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_round

from odoo.addons.crm_suite_base.models.policy import writable

#: how long a proforma may hold goods by default: up to ten years
RESERVATION_DAYS_BOUNDS = (0, 3650)


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "crm.write.policy.mixin"]
    _crm_write_policy = {
        "reserved_stock_policy": writable(),
        "reservation_days": writable(bounds=RESERVATION_DAYS_BOUNDS),
    }

    reserved_stock_policy = fields.Selection(
        [
            ("allow", "Allowed"),
            ("warn", "Allowed with a warning"),
            ("block", "Not allowed"),
        ],
        string="Sale of Products Reserved by Proformas",
        default="allow",
        required=True,
        help="What happens when a document would take stock that proformas reserve.",
        groups="base.group_user",
    )
    reservation_days = fields.Integer(
        string="Proforma Reservation Days",
        default=14,
        help="How long a proforma holds its goods by default (editable per quotation).",
        groups="base.group_user",
    )

    # ------------------------------------------------------------------
    # The reserved-stock policy: one check used by every path that takes
    # stock (reserving on a proforma, confirming an order, raising a
    # confirmed order's quantity, validating a delivery). Private hooks,
    # meant to be extended by other addons (see readme/USAGE.md).
    # ------------------------------------------------------------------

    def _reserved_stock_policy_for(self, warehouse):
        """The policy ("allow", "warn" or "block") for a document of this company
        that takes stock from ``warehouse`` (may be empty): the company's setting.
        Override to vary it, for example per warehouse."""
        self.ensure_one()
        return self.reserved_stock_policy

    def _check_reserved_stock(self, warehouse, needs, exclude_orders, action_label, counted=None):
        """``needs``: {product: quantity in the product's unit} that a document of
        this company takes from ``warehouse``; ``exclude_orders``: the proformas
        whose reservations do not count (the document's own order); ``counted``:
        {product: (outgoing, reserved)}, what free to sell already counts as
        taken by the document itself, added back to its terms (a transfer's own
        open moves: their demand, when they go out of the warehouse, in Odoo's
        *Outgoing*; their reservations there in Odoo's *Free Quantity*; see
        ``_reserved_stock_shortages``). Under the policy: ``allow`` returns "";
        ``warn`` returns the warning text ("" when nothing is taken from what
        proformas hold); ``block`` raises a UserError with the same text. The
        products are locked first."""
        self.ensure_one()
        policy = self._reserved_stock_policy_for(warehouse)
        needs = {p: q for p, q in needs.items() if p.is_storable and q > 0}
        if policy == "allow" or not needs:
            return ""
        lines = self._reserved_stock_shortages(warehouse, needs, exclude_orders, counted)
        if not lines:
            return ""
        text = self.env._(
            "%(action)s takes stock reserved by proformas:\n%(lines)s",
            action=action_label,
            lines="\n".join(lines),
        )
        if policy == "block":
            raise UserError(text)
        return text

    @api.model
    def _reserved_stock_note(self, text):
        """``text`` (a warning of ``_check_reserved_stock``: the action, then
        one line per product) as the HTML body of a chatter note, each line
        escaped and kept on a line of its own (a plain text body is stored as
        one paragraph, its line breaks lost)."""
        return Markup("<br/>").join(text.split("\n"))

    @api.model
    def _log_reserved_stock_notes(self, warnings):
        """Note each warning of ``warnings`` ({record: warning}, records of one
        model: orders or transfers) in its record's chatter
        (``_reserved_stock_note``), logged as Odoo logs what its own flows do:
        the user's action passed the policy and its own checks, a user without
        an e-mail address makes it too; the notes created at once."""
        if not warnings:
            return
        records = next(iter(warnings)).browse([record.id for record in warnings])
        records._message_log_batch(
            {record.id: self._reserved_stock_note(warning) for record, warning in warnings.items()}
        )

    @api.model
    def _check_reserved_stock_together(self, demands, label):
        """The policy on what one call takes for several documents at once
        (orders confirmed together, lines created or raised on several orders,
        pickings validated together): none of them has taken its goods yet, so
        each is checked beside the others, not alone. ``demands``: a list of
        ``(document, company, warehouse, needs, exclude_orders, counted)``, as
        for ``_check_reserved_stock``; the documents of a company and a
        warehouse are checked in one call of it, their needs (and ``counted``,
        each of its two parts) added up per product and their
        ``exclude_orders`` together, under
        ``label(documents)``. The products of every group the policy checks are
        locked first, all at once in id order. Returns {document: warning} (the
        warning of its group; a UserError under "block")."""
        groups = {}
        for document, company, warehouse, needs, exclude_orders, counted in demands:
            group = groups.setdefault(
                (company, warehouse),
                {
                    "documents": [],
                    "needs": defaultdict(float),
                    "exclude": exclude_orders.browse(),
                    "counted": defaultdict(lambda: (0.0, 0.0)),
                },
            )
            group["documents"].append(document)
            group["exclude"] |= exclude_orders
            for product, qty in needs.items():
                group["needs"][product] += qty
            for product, (outgoing, reserved) in (counted or {}).items():
                total_outgoing, total_reserved = group["counted"][product]
                group["counted"][product] = (total_outgoing + outgoing, total_reserved + reserved)
        # one lock of every product checked, in id order: never a deadlock
        # between two calls locking their groups in another order
        checked = [
            product
            for (company, warehouse), group in groups.items()
            if company._reserved_stock_policy_for(warehouse) != "allow"
            for product, qty in group["needs"].items()
            if product.is_storable and qty > 0
        ]
        if checked:
            self.env["product.product"].union(*checked)._lock_for_stock_check()
        warnings = {}
        for (company, warehouse), group in groups.items():
            documents = group["documents"][0].union(*group["documents"])
            warning = company._check_reserved_stock(
                warehouse,
                group["needs"],
                group["exclude"],
                label(documents),
                counted=group["counted"],
            )
            if warning:
                # a document taking goods from several warehouses gets each one's
                for document in documents:
                    warnings[document] = (
                        f"{warnings[document]}\n{warning}" if document in warnings else warning
                    )
        return warnings

    def _reserved_stock_shortages(self, warehouse, needs, exclude_orders, counted=None):
        """One line of text per product of ``needs`` (storable, positive) that
        would take units proformas hold in ``warehouse``: more than is free to
        sell while proformas hold some (a product no proforma holds is sold as
        in Odoo, on backorder if need be), read after locking the products
        (``product.product._lock_for_stock_check``). The units taken from the
        proformas are what is wanted beyond what is free, at most what they
        hold.

        Free to sell is min(Free Quantity, On Hand - Outgoing) - Reserved by
        Proformas: what the document itself holds (``counted``: {product:
        (outgoing, reserved)}) is added back to the term that counts it, its
        outgoing demand to On Hand - Outgoing, its reservations to the Free
        Quantity (a transfer within the warehouse reserves its goods without
        going out: added back to both, they would overstate what is free when
        On Hand - Outgoing is the smaller term)."""
        products = self.env["product.product"].union(*needs)
        products._lock_for_stock_check()
        ctx_products = products.with_context(warehouse_id=warehouse.id) if warehouse else products
        # read the figures after the lock, without any cached value
        ctx_products.invalidate_recordset()
        terms = ctx_products._free_to_sell_terms(exclude_orders=exclude_orders)
        short = {}
        # the products of ``products``, which prefetch one another: emptying
        # their cache above also dropped the field they were read from (a
        # transfer's moves' product_id: Odoo invalidates a many2one's inverse
        # with its comodel's fields), through which the keys of ``needs``
        # prefetched one another, and their units and names were read product
        # by product
        for product in products:
            qty = needs[product]
            if terms[product.id] is None:  # a product not saved yet: nothing held
                continue
            rounding, free_qty, unpromised, held = terms[product.id]
            own_outgoing, own_reserved = (counted or {}).get(product, (0.0, 0.0))
            free = float_round(
                min(free_qty + own_reserved, unpromised + own_outgoing) - held,
                precision_rounding=rounding,
            )
            held = float_round(held, precision_rounding=rounding)
            if (
                float_compare(qty, free, precision_rounding=rounding) > 0
                and float_compare(held, 0.0, precision_rounding=rounding) > 0
            ):
                taken = min(qty - max(free, 0.0), held)
                short[product] = (qty, held, free, taken)
        if not short:
            return []
        # the proformas counted in the figures: in the same locations, of this
        # company (sudo: every one counts, those the user may not read too);
        # named as the refusals while proformas hold stock name them
        # (``_held_names``): only the orders the acting user may read, the
        # others counted. The text is the chatter note under "warn" too, logged
        # by that user on their own document: naming more there would tell a
        # salesperson with "own documents only" what the refusal hides
        holders = (
            self.env["sale.stock.reservation"]
            .sudo()
            .search(
                [
                    ("product_id", "in", [product.id for product in short]),
                    ("state", "=", "reserved"),
                    ("order_id", "not in", exclude_orders.ids),
                    ("company_id", "=", self.id),
                    *ctx_products._get_domain_locations()[0],
                ]
            )
        )
        readable = holders._readable_holdings()  # checked once for every line
        holders = holders.grouped("product_id")
        lines = []
        quantity = self.env["product.product"]._quantity_formatter()
        for product, (qty, held, free, taken) in short.items():
            held_by = holders.get(product, self.env["sale.stock.reservation"])
            rounding = product.uom_id.rounding
            lines.append(
                self.env._(
                    "%(product)s: %(qty)s wanted, %(free)s free to sell (%(held)s reserved "
                    "by proformas: %(orders)s): %(taken)s taken from the proformas",
                    product=product.display_name,
                    qty=quantity(qty),
                    free=quantity(max(free, 0)),
                    held=quantity(held),
                    orders=held_by._held_names(readable)["orders"] or "-",
                    taken=quantity(float_round(taken, precision_rounding=rounding)),
                )
            )
        return lines
