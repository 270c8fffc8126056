import ast

from odoo import api, fields, models
from odoo.tools import SQL, float_round, get_lang

from odoo.addons.base.models.res_lang import intersperse
from odoo.addons.crm_suite_base.models.row_locks import lock_and_touch
from odoo.addons.stock.models.product import Product as StockProduct


class ProductProduct(models.Model):
    _inherit = "product.product"

    qty_reserved_proforma = fields.Float(
        string="Reserved by Proformas",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        help="Held by quotations issued as proformas (Reserve Stock), in the warehouse "
        "or location of the context.",
        groups="base.group_user",
    )
    qty_free_to_sell = fields.Float(
        string="Free to Sell",
        compute="_compute_qty_free_to_sell",
        digits="Product Unit of Measure",
        help="min(Free Quantity, On Hand - Outgoing) - Reserved by Proformas: what is in "
        "stock, not reserved or promised by Odoo's own transfers, nor held by proformas.",
        groups="base.group_user",
    )

    # the context keys _free_to_sell_terms reads, as Odoo's _compute_quantities
    @api.depends_context(
        "lot_id", "owner_id", "package_id", "location", "warehouse_id", "allowed_company_ids"
    )
    def _compute_qty_free_to_sell(self):
        storable = self.filtered(lambda p: p.is_storable)
        (self - storable).qty_reserved_proforma = 0.0
        (self - storable).qty_free_to_sell = 0.0
        if not storable:
            return
        figures = storable._free_to_sell_figures()
        for product in storable:
            product.qty_reserved_proforma, product.qty_free_to_sell = figures[product.id]

    def _free_to_sell_figures(self, exclude_orders=None):
        """{product id: (reserved by proformas, free to sell)} in the context's
        warehouse/location (and lot, owner, package). ``exclude_orders``:
        proformas whose reservations do not count (an order is never blocked by
        its own reservation).

        Free to sell is min(Free Quantity, On Hand - Outgoing) - Reserved by
        Proformas, from its terms (``_free_to_sell_terms``)."""
        result = {}
        for id_, terms in self._free_to_sell_terms(exclude_orders).items():
            if terms is None:  # a product not saved yet
                result[id_] = (0.0, 0.0)
                continue
            rounding, free_qty, unpromised, held = terms
            result[id_] = (
                float_round(held, precision_rounding=rounding),
                float_round(min(free_qty, unpromised) - held, precision_rounding=rounding),
            )
        return result

    def _free_to_sell_terms(self, exclude_orders=None):
        """{product id: (unit rounding, Free Quantity, On Hand - Outgoing,
        Reserved by Proformas)}, the terms of free to sell
        (``_free_to_sell_figures``), in the context's warehouse/location (and
        lot, owner, package); None for a product not saved yet. Odoo's own
        figures are rounded as Odoo rounds them. They come with the
        reservations from one query (``_free_to_sell_stock``); when another
        addon computes the quantities its own way (mrp's kits, from their
        components), from Odoo's ``_compute_quantities_dict`` and one grouped
        query on the reservations."""
        ctx = self.env.context
        lot_id, owner_id, package_id = ctx.get("lot_id"), ctx.get("owner_id"), ctx.get("package_id")
        if type(self)._compute_quantities_dict is StockProduct._compute_quantities_dict:
            stock = self._free_to_sell_stock(lot_id, owner_id, package_id, exclude_orders)
        else:
            quantities = self._compute_quantities_dict(lot_id, owner_id, package_id)
            reserved = self._proforma_reserved(exclude_orders)
            stock = {
                product._origin.id: (
                    product.uom_id.rounding,
                    quantities[product.id]["qty_available"],
                    quantities[product.id]["free_qty"],
                    quantities[product.id]["outgoing_qty"],
                    reserved.get(product._origin.id, 0.0),
                )
                for product in self
            }
        result = {}
        for id_ in self._ids:
            # a new record (an onchange) counts as the product it was made from
            figures = stock.get(id_ if isinstance(id_, int) else id_.origin)
            if figures is None:  # a product not saved yet
                result[id_] = None
                continue
            rounding, available, free_qty, outgoing, held = figures
            result[id_] = (rounding, free_qty, available - outgoing, held)
        return result

    def _free_to_sell_stock(self, lot_id, owner_id, package_id, exclude_orders=None):
        """{product id: (unit rounding, on hand, free quantity, outgoing,
        reserved by proformas)}: Odoo's figures as ``_compute_quantities_dict``
        gives them (the same domains on the quants and the open moves out of the
        locations, the same access rules, the same rounding; without the incoming
        moves, which free to sell does not use) and the proformas' reservations
        in the same locations, all read in one query instead of four."""
        products = self._origin
        if not products:
            return {}
        domain_quant_loc, __, domain_move_out_loc = self._get_domain_locations()
        quant_domain = list(domain_quant_loc)
        move_domain = [
            ("state", "in", ("waiting", "confirmed", "assigned", "partially_available")),
            *domain_move_out_loc,
        ]
        if lot_id is not None:
            quant_domain.append(("lot_id", "=", lot_id))
        if owner_id is not None:
            quant_domain.append(("owner_id", "=", owner_id))
            move_domain.append(("restrict_partner_id", "=", owner_id))
        if package_id is not None:
            quant_domain.append(("package_id", "=", package_id))
        reservation_domain = [
            ("state", "=", "reserved"),
            *domain_quant_loc,
            *self._proforma_company_domain(),
        ]
        if exclude_orders:
            reservation_domain.append(("order_id", "not in", exclude_orders.ids))

        def rows(model, domain, *fnames):
            """SELECT product_id and the fields ``fnames`` (0 for None) of the
            records of ``model`` matching ``domain``, under its access rules."""
            query = model._search(domain)
            columns = [
                model._field_to_sql(model._table, fname, query) if fname else SQL("0")
                for fname in ("product_id", *fnames)
            ]
            return SQL("(%s)", query.select(*columns))

        Quant = self.env["stock.quant"].with_context(active_test=False)
        Move = self.env["stock.move"].with_context(active_test=False)
        # sudo: quantities only, summed per product; whose reservations they are
        # is not returned (a salesperson sees what is free, not others' orders)
        Reservation = self.env["sale.stock.reservation"].sudo()
        Template = self.env["product.template"]
        UoM = self.env["uom.uom"]
        result = self.env.execute_query(
            SQL(
                """
                SELECT product.id, %(rounding)s::float8, COALESCE(f.on_hand, 0)::float8,
                       COALESCE(f.reserved, 0)::float8, COALESCE(f.outgoing, 0)::float8,
                       COALESCE(f.held, 0)::float8
                  FROM product_product product
                  JOIN product_template template ON template.id = product.%(template)s
                  JOIN uom_uom uom ON uom.id = template.%(uom)s
             LEFT JOIN (SELECT product_id, SUM(on_hand) AS on_hand, SUM(reserved) AS reserved,
                               SUM(outgoing) AS outgoing, SUM(held) AS held
                          FROM (%(quants)s UNION ALL %(moves)s UNION ALL %(reservations)s)
                               AS figures (product_id, on_hand, reserved, outgoing, held)
                         WHERE product_id = ANY(%(ids)s)
                         GROUP BY product_id) f ON f.product_id = product.id
                 WHERE product.id = ANY(%(ids)s)
                """,
                rounding=SQL.identifier("uom", "rounding", to_flush=UoM._fields["rounding"]),
                template=SQL.identifier(
                    "product_tmpl_id", to_flush=self._fields["product_tmpl_id"]
                ),
                uom=SQL.identifier("uom_id", to_flush=Template._fields["uom_id"]),
                quants=rows(Quant, quant_domain, "quantity", "reserved_quantity", None, None),
                moves=rows(Move, move_domain, None, None, "product_qty", None),
                reservations=rows(Reservation, reservation_domain, None, None, None, "quantity"),
                ids=products.ids,
            )
        )
        return {
            product_id: (
                rounding,
                float_round(on_hand, precision_rounding=rounding),
                float_round(on_hand - reserved, precision_rounding=rounding),
                float_round(outgoing, precision_rounding=rounding),
                held,
            )
            for product_id, rounding, on_hand, reserved, outgoing, held in result
        }

    def _proforma_reserved(self, exclude_orders=None):
        """{product id: quantity reserved by proformas} in the context's locations."""
        domain_quant_loc = self._get_domain_locations()[0]
        domain = [
            ("product_id", "in", self.ids),
            ("state", "=", "reserved"),
            *domain_quant_loc,
            *self._proforma_company_domain(),
        ]
        if exclude_orders:
            domain.append(("order_id", "not in", exclude_orders.ids))
        # sudo: quantities only, summed per product; whose reservations they are
        # is not returned (a salesperson sees what is free, not others' orders)
        groups = (
            self.env["sale.stock.reservation"]
            .sudo()
            ._read_group(domain, ["product_id"], ["quantity:sum"])
        )
        return {product.id: qty for product, qty in groups}

    @api.model
    def _proforma_company_domain(self):
        """The multi-company rule of the reservations, which their sum as
        superuser skips: those of the context's companies (``env.companies``),
        as Odoo reads the quants and moves beside them under their own
        multi-company rules. A location no company owns (*Physical
        Locations*, the parent of every company's warehouses) counted the
        proformas of every company against the stock of the selected ones.
        Nothing when the figures are read as superuser: no rule narrows the
        quants and moves either."""
        if self.env.su:
            return []
        return [("company_id", "in", self.env.companies.ids)]

    def _lock_for_stock_check(self):
        """Lock these products' rows in id order (never a deadlock between two
        paths), and touch them so that a concurrent transaction that read the
        stock before this one commits gets a serialization failure on its own
        lock, and is retried by Odoo with fresh figures, instead of selling the
        same units."""
        lock_and_touch(self)

    # the label's keys, and those its figures read (_free_to_sell_terms), as
    # the figures' own compute
    @api.depends_context(
        "crm_supply_stock_label",
        "crm_supply_company_id",
        "crm_supply_order_id",
        "lot_id",
        "owner_id",
        "package_id",
        "location",
        "warehouse_id",
        "allowed_company_ids",
    )
    def _compute_display_name(self):
        super()._compute_display_name()
        if not self.env.context.get("crm_supply_stock_label"):
            return
        # the template's field: the variant's related copy costs a compute per record
        storable = self.filtered(lambda p: p.id and p.product_tmpl_id.is_storable)
        scoped, exclude_orders = self._free_to_sell_label_scope(storable)
        if not scoped:
            return
        self._free_to_sell_label(storable, scoped._free_to_sell_figures(exclude_orders))

    @api.model
    def _free_to_sell_label_scope(self, records):
        """``(records, orders)``: the ``records`` (variants or templates) in
        the scope of the label's figures, in the user's own environment, and
        the orders whose reservations do not count.

        Odoo's ``name_search`` computes the display names on ``records.sudo()``:
        the figures are read as the user (``sudo(False)``), under the access
        rules of the warehouses, locations, quants and moves, as the column
        next to the product reads them.

        The scope is the context's warehouse or location, as for *On Hand*,
        within the companies of the context (``env.companies``, which Odoo
        checks against the user's companies): a warehouse or location the user
        may not read there gives no figures (an empty recordset), never
        another company's. With ``crm_supply_company_id`` (an invoice line's
        label: its company's figures, as its *Free to Sell* column), within
        that company only. The keys only narrow: a company that is not one of
        the context's gives no figures. ``crm_supply_order_id`` (a sale line's
        label) is the line's order, whose own reservations do not count, as in
        its column; only an order the user may read is left out."""
        records = records.sudo(False)
        company_id = self.env.context.get("crm_supply_company_id")
        if company_id:
            if (
                not isinstance(company_id, int)
                or isinstance(company_id, bool)
                or company_id not in records.env.companies.ids
            ):
                return records.browse(), None
            records = records.with_context(allowed_company_ids=[company_id])
        Product = records.env["product.product"]
        if not records or not Product._free_to_sell_places_readable():
            return records.browse(), None
        return records, Product._free_to_sell_label_order()

    @api.model
    def _free_to_sell_places_readable(self):
        """Whether the user may read the warehouses and locations the context
        names by id (``warehouse_id``, ``location``: an id or a list, as Odoo's
        ``_get_domain_locations`` reads them) in the companies of the context.
        Names are searched by Odoo itself, under the access rules. The fields
        Odoo reads on them next (the warehouses' view location, the locations'
        path) are fetched here: the check costs no query of its own for a
        warehouse."""
        ctx = self.env.context
        for model, key, fname in (
            ("stock.warehouse", "warehouse_id", "view_location_id"),
            ("stock.location", "location", "parent_path"),
        ):
            value = ctx.get(key)
            if not value:
                continue
            # (a boolean is an id for Odoo too: True is 1)
            ids = {v for v in (value if isinstance(value, list) else [value]) if isinstance(v, int)}
            if not ids:
                continue
            found = (
                self.env[model]
                .with_context(active_test=False)
                .search_fetch([("id", "in", list(ids))], [fname])
            )
            if len(found) != len(ids):
                return False
        return True

    @api.model
    def _free_to_sell_label_order(self):
        """The sale order of the context's ``crm_supply_order_id`` if the user
        may read it (access rights and rules), else no order: the key may only
        leave out of the figures the reservations of an order the user sees."""
        Order = self.env["sale.order"]
        order_id = self.env.context.get("crm_supply_order_id")
        if (
            not order_id
            or not isinstance(order_id, int)
            or isinstance(order_id, bool)
            or not Order.has_access("read")
        ):
            return Order
        return Order.search([("id", "=", order_id)])

    @api.model
    def _free_to_sell_label(self, records, figures):
        """Add the figures ``{id: (reserved, free to sell)}`` to the display
        name of the ``records`` (variants or templates) that have them; the
        label's text is translated once for all of them."""
        label = self.env._("%(name)s (free to sell: %(free)s, reserved: %(held)s)")
        fmt = self._quantity_formatter()
        for record in records:
            if record.id in figures:
                held, free = figures[record.id]
                record.display_name = label % {
                    "name": record.display_name,
                    "free": fmt(free),
                    "held": fmt(held),
                }

    @api.model
    def _quantity_formatter(self):
        """A function writing a quantity as Odoo writes quantities,
        ``formatLang(env, qty, digits=...)``: at the precision of the quantity
        fields (*Product Unit of Measure*), with the separators of the language
        the texts of this environment are in (``env._``: the context's, else
        English; not the company's, which ``formatLang`` falls back to and
        reads with queries), never in exponent notation.

        ``formatLang`` looks the language and its data up again for every
        number (ormcache lookups, about 0.1 ms each: for a search of 100
        labelled products, more than the label's own query). They are looked
        up once here, and each number is rounded and formatted as
        ``formatLang`` and ``res.lang.format`` do it (a test compares them)."""
        env = self.env if self.env.lang else self.with_context(lang="en_US").env
        digits = env["decimal.precision"].precision_get("Product Unit of Measure")
        lang = get_lang(env)
        grouping = ast.literal_eval(lang.grouping)
        thousands_sep, decimal_point = lang.thousands_sep or "", lang.decimal_point
        pattern = f"%.{digits}f"

        def quantity(qty):
            rounded = float_round(qty, precision_digits=digits, rounding_method="HALF-EVEN")
            parts = (pattern % rounded).split(".")
            parts[0] = intersperse(parts[0], grouping, thousands_sep)[0]
            return decimal_point.join(parts)

        return quantity
