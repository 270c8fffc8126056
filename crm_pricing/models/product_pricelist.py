from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import float_round

from odoo.addons.crm_suite_base.models.policy import writable

#: Who writes the suite's pricing rules (and how a pricelist stacks them).
RULE_WRITERS = ("sales_team.group_sale_manager",)
#: Who reads the conditions of the suite's pricing rules (which client or client
#: group, the turnover and purchase thresholds, the payment condition): the
#: salespeople, who show a client its negotiated conditions, and accounting, whose
#: client file shows them too (``res.partner.crm_pricing_rule_ids``). Sales
#: managers (the writers) are salespeople. Everyone else gets the prices the
#: rules make, computed as superuser, never the conditions.
RULE_READERS = (
    "sales_team.group_sale_salesman,account.group_account_invoice,account.group_account_readonly"
)

#: The keyword arguments of the pricelist's price computation that the pricing
#: engine reads (``_pricing_pop_kwargs``, ``_get_applicable_rules``): server code
#: passes them; a route that forwards a request's parameters drops them.
PRICING_KWARGS = ("partner", "payment_term", "company", "crm_pricing_rules", "crm_pricing_cache")


class ProductPricelist(models.Model):
    _name = "product.pricelist"
    _inherit = ["product.pricelist", "crm.write.policy.mixin"]
    _crm_write_policy = {"stacking_policy": writable(groups=RULE_WRITERS)}

    stacking_policy = fields.Selection(
        [("best", "Best single rule"), ("cumulative", "Cumulative discounts")],
        default="best",
        required=True,
        tracking=True,
        help="How conditional rules (client, client group, turnover, purchases, "
        "payment) combine when several apply to a product.\n"
        "Best single rule: the rule giving the lowest price wins (lower sequence on a "
        "tie); the standard pricelist price is kept when it is lower.\n"
        "Cumulative discounts: the lowest of the standard price and the fixed/formula "
        "conditional rules is the base; every applying discount rule is then applied "
        "on top of it, in sequence order.",
    )

    def write(self, vals):
        moved = self
        if "company_id" in vals:
            moved = self.filtered(lambda pricelist: pricelist.company_id.id != vals["company_id"])
            if moved and not self.env.su:
                # the rules' company follows their price list's (a stored
                # related field): their turnover is counted in it. Odoo lets
                # product and inventory managers move price lists; the
                # conditional rules stay the sales managers'
                rules = self.env["product.pricelist.item"]._rules_carried_by("pricelist_id", moved)
                rules.with_env(self.env)._check_rule_writer("write")
        res = super().write(vals)
        if "company_id" in vals and len(moved) > 1:
            # Odoo checks the rules of one price list moved to another company
            # (their client, their products): of several at once too
            moved.item_ids._check_company()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_conditional_rules(self):
        """A price list's rules are deleted with it (``ondelete="cascade"``),
        which skips their own deletion check: Odoo lets product and inventory
        managers delete price lists, the conditional rules (a client's, a client
        group's, on turnover or payment) are deleted by sales managers only
        (``product.pricelist.item._check_unlink_rules_of``)."""
        self.env["product.pricelist.item"]._check_unlink_rules_of("pricelist_id", self)

    # --- hooks into Odoo's pricelist engine ----------------------------------

    def _get_applicable_rules_domain(self, products, date, **kwargs):
        # Conditional rules need the client: Odoo's standard computation never
        # sees them; _pricing_details() looks them up with the client.
        return expression.AND(
            [
                super()._get_applicable_rules_domain(products, date, **kwargs),
                [("is_conditional", "=", False)],
            ]
        )

    def _get_applicable_rules(self, products, date, **kwargs):
        # ``crm_pricing_rules``: the rules Odoo's search returned for a batch of
        # products that ``products`` belongs to, same pricelist, company and date
        # (``_pricing_shared_rules``); Odoo's _compute_price_rule filters them
        # product by product, as it does when it prices several products at once.
        # A keyword argument of server code: a route passing a request's
        # parameters down (Odoo's configurators) drops it
        # (product.template._get_configurator_price), and only rules records of
        # this pricelist are taken.
        rules = kwargs.pop("crm_pricing_rules", None)
        if (
            isinstance(rules, models.BaseModel)
            and rules._name == "product.pricelist.item"
            and self
            and rules.pricelist_id <= self
        ):
            return rules
        return super()._get_applicable_rules(products, date, **kwargs)

    def _compute_price_rule(
        self, products, quantity, currency=None, uom=None, date=False, compute_price=True, **kwargs
    ):
        """Accept the client as ``partner=`` (record or id), optionally
        ``payment_term=`` and ``company=``: then conditional rules apply.

        Only server code passes them (a sale order line, the order's catalog, the
        client price list, an evaluation sheet): no context key a caller could send
        selects another client's prices, and the configurator routes drop them
        from the request's parameters (``_get_configurator_price``)."""
        pricing_kw = self._pricing_pop_kwargs(kwargs)
        res = super()._compute_price_rule(
            products,
            quantity,
            currency=currency,
            uom=uom,
            date=date,
            compute_price=compute_price,
            **kwargs,
        )
        if not self or not products or not pricing_kw["partner"]:
            return res
        details = self._pricing_details(
            products, quantity, currency=currency, uom=uom, date=date, **pricing_kw
        )
        for product_id, detail in details.items():
            if detail and detail["applied"]:
                res[product_id] = (detail["price"], detail["rule_id"])
        return res

    def _pricing_pop_kwargs(self, kwargs):
        """The pricing engine's arguments popped from ``kwargs``: one record of
        the right model (or its id) each, anything else ignored; a company must
        be one of the environment's (``AccessError`` otherwise): the turnover is
        evaluated in it."""
        partner = self._pricing_record("res.partner", kwargs.pop("partner", None))
        term = self._pricing_record("account.payment.term", kwargs.pop("payment_term", None))
        company = self._pricing_record("res.company", kwargs.pop("company", None))
        cache = kwargs.pop("crm_pricing_cache", None)
        if company and not self.env.su and company not in self.env.companies:
            raise AccessError(
                self.env._(
                    "Prices cannot be computed for the company %(company)s: it is not "
                    "one of the current companies.",
                    company=company.sudo().display_name,
                )
            )
        return {
            "partner": partner or None,
            "payment_term": term,
            "company": company or None,
            "cache": cache if isinstance(cache, dict) else None,
        }

    def _pricing_record(self, model, value):
        """``value`` as one record of ``model`` (a record of it, or an existing
        id), else an empty recordset."""
        if isinstance(value, models.BaseModel):
            return value if value._name == model and len(value) == 1 else self.env[model]
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
            return self.env[model].browse(value).exists()
        return self.env[model]

    # --- conditional rules ----------------------------------------------------

    def _pricing_rules(self, partner, date, cache):
        """Conditional rules of this pricelist for ``partner`` valid at ``date``,
        whatever the product (one search per pricelist, client and date), as
        superuser: the caller has checked the user may read the pricelist and
        the client (``_pricing_details``) and gives out prices, not conditions."""
        key = ("rules", self.id, partner.id, date)
        if key not in cache:
            client = partner.commercial_partner_id
            partners = partner | client
            domain = [
                ("pricelist_id", "=", self.id),
                ("is_conditional", "=", True),
                "|",
                ("date_start", "=", False),
                ("date_start", "<=", date),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", date),
                "|",
                "|",
                ("partner_id", "in", partners.ids),
                # a client group is the client's: its commercial entity's tags
                # (a contact's own tag is not), for all its contacts, as its
                # conditions say (res.partner._crm_pricing_rule_domain)
                ("partner_category_id", "in", client.category_id.ids),
                "&",
                ("partner_id", "=", False),
                ("partner_category_id", "=", False),
            ]
            # archived rules count, as in Odoo's _get_applicable_rules. sudo: the
            # client and group conditions are for RULE_READERS only (field groups);
            # the rules searched are this pricelist's, which the caller reads
            # (checked by _pricing_details), and they are returned as superuser:
            # their thresholds are read, and turnover queried, by the pricing
            # engine for whoever prices (a warehouse user, a portal customer)
            rules = (
                self.env["product.pricelist.item"]
                .sudo()
                .with_context(active_test=False)
                .search(domain)
            )
            cache[key] = rules.with_env(self.env(su=True)).sorted(lambda r: (r.sequence, r.id))
        return cache[key]

    def _pricing_details(
        self,
        products,
        quantity,
        currency=None,
        uom=None,
        date=False,
        partner=None,
        payment_term=None,
        company=None,
        cache=None,
    ):
        """{product_id: None | {applied, price, base_price, rule_id, rule_ids, explanation,
        explanation_label}}

        ``None``: no conditional rule met, Odoo's standard price stands.
        ``applied`` False: a rule was met but the standard price is lower.
        ``price``: unit price in ``currency`` and ``uom``; ``base_price``: the price
        before discounts, as Odoo's ``_compute_price_before_discount`` does, so that
        sale order lines show list price + discount for discount rules.
        ``explanation`` gives the client's turnover figures when the user may
        see them (``_pricing_show_figures``); ``explanation_label`` names
        turnover rules by their label only, whoever prices.
        """
        self.ensure_one()
        cache = {} if cache is None else cache
        result = dict.fromkeys(products.ids)
        if not partner:
            return result
        if not self.env.su:
            # the access check before the rules' conditions are read and the
            # client's turnover is queried as superuser: the caller prices with a
            # pricelist and for a client it may read (as Odoo's pricing reads them)
            self.check_access("read")
            partner.with_env(self.env).check_access("read")
        Item = self.env["product.pricelist.item"]
        currency = currency or self.currency_id or self.env.company.currency_id
        date = date or fields.Datetime.now()
        company = company or self.company_id or self.env.company
        client = partner.commercial_partner_id
        # in this call's environment: a cache shared with a call of another
        # language (a batch of orders of customers reading different languages)
        # gives the rules, not their names in that language
        rules = self._pricing_rules(partner, date, cache).with_env(self.env(su=True))
        if not rules:
            return result
        date_key = ("local_date", date, company.id)
        if date_key not in cache:
            cache[date_key] = Item._pricing_local_date(date, company)
        local_date = cache[date_key]
        term = payment_term or self.env["account.payment.term"]
        figures = self._pricing_show_figures(partner, cache)
        # The conditions depend on the client, company, day and payment term, not
        # on the product: each rule is evaluated once for all the products (and
        # all the calls sharing ``cache``), its explanation written once (per
        # quantity when it has a minimum one) in each language (the customer's:
        # two contacts of one client may read different ones).
        evaluated, explained = cache.setdefault(
            ("evaluated", client.id, company.id, local_date, term.id, self.env.lang), ({}, {})
        )
        standard = None
        for product in products:
            target_uom = uom or product.uom_id
            qty = quantity
            if target_uom != product.uom_id:
                qty = target_uom._compute_quantity(quantity, product.uom_id, raise_if_failure=False)
            met = []
            for rule in rules:
                if not rule._is_applicable_for(product, qty):
                    continue
                if rule.id not in evaluated:
                    evaluated[rule.id] = rule._pricing_evaluate(
                        client, company, local_date, term, cache
                    )
                ok, reasons = evaluated[rule.id]
                if ok:
                    # both texts: with the figures (kept for who may see them)
                    # and with the label of turnover rules only (for the others)
                    text_key = (
                        rule.id,
                        (qty, product.uom_id.id) if rule.min_quantity else None,
                    )
                    if text_key not in explained:
                        explained[text_key] = (
                            rule._pricing_explain(reasons, qty, True, product.uom_id),
                            rule._pricing_explain(reasons, qty, False, product.uom_id),
                        )
                    met.append((rule, explained[text_key]))
            if not met:
                continue
            if standard is None:
                standard = self._compute_price_rule(
                    products,
                    quantity,
                    currency=currency,
                    uom=uom,
                    date=date,
                    **self._pricing_shared_rules(products, date, cache),
                )
            std_price, std_rule_id = standard[product.id]
            std_rule = Item.browse(std_rule_id)
            price_kw = {
                "product": product,
                "quantity": quantity,
                "uom": target_uom,
                "date": date,
                "currency": currency,
            }
            if self.stacking_policy == "cumulative":
                detail = self._pricing_stack(met, std_price, std_rule, price_kw)
            else:
                detail = self._pricing_best(met, std_price, price_kw)
            full, label = detail.pop("explanations")
            detail["explanation"] = full if figures else label
            detail["explanation_label"] = label
            result[product.id] = detail
        return result

    def _pricing_show_figures(self, partner, cache):
        """Whether the explanations written for ``partner`` may give its turnover
        figures: the user who prices (even through a superuser environment, as the
        sale order lines do) passes the turnover access check for the client, or
        the pricing is the system's own (a cron, the install). Otherwise a rule
        met on the client's turnover is explained by its label only; its price
        applies all the same."""
        key = ("figures", partner.id, self.env.uid)
        if key not in cache:
            cache[key] = self.env.uid == SUPERUSER_ID or bool(
                partner.with_env(self.env(su=False))._crm_may_see_turnover()
            )
        return cache[key]

    def _pricing_share_rules(self, cache, company, date, product_ids):
        """Announce that ``_pricing_details`` will be called, with ``cache``, for
        products among ``product_ids`` on this pricelist in ``company`` at ``date``
        (e.g. the lines of a quotation, whatever their quantity): Odoo's search of
        the pricelist's standard rules then runs once for all of them."""
        if date:
            key = ("shared_rules", self.id, company.id, date)
            cache.setdefault(key, [set(), None])[0].update(product_ids)

    def _pricing_shared_rules(self, products, date, cache):
        """``{"crm_pricing_rules": rules}`` for ``_compute_price_rule`` when
        ``products`` were announced (``_pricing_share_rules``): Odoo's
        ``_get_applicable_rules`` for all the announced products, searched on first
        use. The rules Odoo would find for ``products`` alone are among them, in
        the same order, and Odoo keeps for each product the first whose
        ``_is_applicable_for`` holds: the same rule and price."""
        entry = cache.get(("shared_rules", self.id, self.env.company.id, date))
        if not entry or not entry[0].issuperset(products.ids):
            return {}
        if entry[1] is None:
            announced = products.browse(sorted(entry[0]))
            entry[1] = self._get_applicable_rules(announced, date)
        return {"crm_pricing_rules": entry[1]}

    def _pricing_best(self, met, std_price, price_kw):
        candidates = sorted(
            ((rule._compute_price(**price_kw), rule.sequence, rule.id, rule, texts))
            for rule, texts in met
        )
        price, _seq, _id, rule, texts = candidates[0]
        if price > std_price + 1e-9:
            return {
                "applied": False,
                "explanations": tuple(
                    self.env._("%(rule)s (standard price kept, it is lower)", rule=text)
                    for text in texts
                ),
            }
        base_price = price
        if rule.compute_price == "percentage":
            base_price = rule._compute_price_before_discount(**price_kw)
        return {
            "applied": True,
            "price": price,
            "base_price": self._pricing_shown_base(price, base_price),
            "rule_id": rule.id,
            "rule_ids": [rule.id],
            "explanations": texts,
        }

    def _pricing_stack(self, met, std_price, std_rule, price_kw):
        base_price, base_rule, texts = std_price, std_rule, []
        for rule, text in met:
            if rule.compute_price == "percentage":
                continue
            price = rule._compute_price(**price_kw)
            if price < base_price - 1e-9:
                base_price, base_rule, texts = price, rule, [text]
        discounts = [(rule, text) for rule, text in met if rule.compute_price == "percentage"]
        if not discounts and not texts:
            return {
                "applied": False,
                "explanations": tuple(
                    self.env._("%(rule)s (standard price kept, it is lower)", rule=text)
                    for text in met[0][1]
                ),
            }
        price = base_price
        for rule, text in discounts:
            price *= 1 - rule.percent_price / 100
            texts.append(text)
        if discounts and base_rule.compute_price == "percentage":
            before = base_rule._compute_price_before_discount(**price_kw)
        elif discounts and not base_rule:
            before = self.env["product.pricelist.item"]._compute_price(**price_kw)
        else:
            before = base_price
        rules = base_rule.filtered("is_conditional") | self.env["product.pricelist.item"].union(
            *[rule for rule, _text in discounts]
        )
        primary = discounts[0][0] if discounts else base_rule
        return {
            "applied": True,
            "price": price,
            "base_price": self._pricing_shown_base(price, before),
            "rule_id": primary.id,
            "rule_ids": rules.ids,
            "explanations": tuple(" + ".join(parts) for parts in zip(*texts, strict=True)),
        }

    def _pricing_shown_base(self, price, base_price):
        """The price before discount of a line priced ``price`` by a conditional
        rule: ``base_price`` when the line shows it with the discount Odoo's
        ``sale.order.line._compute_discount`` derives from both, kept to the
        Discount precision, and that discount gives back ``price`` exactly (a
        difference per unit is multiplied by the quantity); else ``price``, which then
        goes into the unit price without a discount. Stacked discounts (12.5 %
        then 7.5 %: 19.0625 %, kept as 19.06 %) would otherwise make the line's
        total differ from the price the engine, the client's price list and the
        explanation give."""
        if not base_price or base_price <= price or price < 0:
            # no discount shown (Odoo's display price is the higher one)
            return base_price
        precision = self.env["decimal.precision"].precision_get
        discount = float_round(
            (base_price - price) / base_price * 100, precision_digits=precision("Discount")
        )
        shown = base_price * (1 - discount / 100)
        # exactly, not to the unit's precision: the line multiplies the unit's
        # difference by its quantity (10.00 less 19.06 % is 8.094, the engine's
        # 8.09375: 8,094.00 for 1,000 units against 8,093.75); and the price
        # before discount as the line keeps it (a converted one is rounded)
        kept = float_round(base_price, precision_digits=precision("Product Price"))
        if abs(shown - price) <= 1e-9 * max(abs(price), 1.0) and abs(
            kept - base_price
        ) <= 1e-9 * max(abs(base_price), 1.0):
            return base_price
        return price
