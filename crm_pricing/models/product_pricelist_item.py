import datetime
import math

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, LazyTranslate, format_date, formatLang

from odoo.addons.crm_suite_base.models.policy import (
    NUMBER_MAX,
    check_date,
    check_value,
    field_label,
    is_privileged,
    owned,
    writable,
)

from ..report.turnover_query import turnover_lines
from .product_pricelist import RULE_READERS, RULE_WRITERS

_lt = LazyTranslate(__name__)

#: Longest payment delay a rule may ask for, in days (ten years).
MAX_PAYMENT_DAYS = 3650

PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


class ProductPricelistItem(models.Model):
    """Conditional pricelist rules: who (client / client group / everyone),
    and conditions on turnover, period purchases of a product group and the
    payment term. Odoo's own fields keep describing *what* the rule applies to
    (``applied_on``, ``min_quantity``) and its effect (``compute_price``)."""

    _name = "product.pricelist.item"
    _inherit = ["product.pricelist.item", "crm.write.policy.mixin"]
    # Who gets a price and on which conditions: sales managers only (Odoo's
    # access rights also let product, stock, purchase and manufacturing managers
    # edit pricelists; ``write``/``unlink`` keep a conditional rule to sales
    # managers altogether).
    _crm_write_policy = {
        "pricing_label": writable(groups=RULE_WRITERS),
        "sequence": writable(groups=RULE_WRITERS),
        "partner_id": writable(groups=RULE_WRITERS),
        "partner_category_id": writable(groups=RULE_WRITERS),
        "turnover_period": writable(groups=RULE_WRITERS),
        "turnover_period_ref": writable(groups=RULE_WRITERS),
        "min_turnover": writable(groups=RULE_WRITERS, bounds=(0, NUMBER_MAX)),
        "purchase_categ_id": writable(groups=RULE_WRITERS),
        "min_period_qty": writable(groups=RULE_WRITERS, bounds=(0, NUMBER_MAX)),
        "min_categ_amount": writable(groups=RULE_WRITERS, bounds=(0, NUMBER_MAX)),
        "payment_condition": writable(groups=RULE_WRITERS),
        "payment_max_days": writable(groups=RULE_WRITERS, bounds=(0, MAX_PAYMENT_DAYS)),
        "is_conditional": owned(
            _lt("follows the rule's client, group, period and payment condition.")
        ),
    }

    # Confidentiality (``groups=RULE_READERS``, see product_pricelist.py): who a
    # rule is for (client, client group) and what it takes (period, thresholds,
    # product group of the purchase condition, payment condition) are negotiated
    # terms: salespeople and accounting read them, nobody else, over RPC or in a
    # view (Odoo strips the fields from the views of other users). Left readable:
    # ``pricing_label`` (the name a price list or an offer prints for the
    # customer), ``sequence`` (an order) and ``is_conditional`` (a flag Odoo's
    # standard price computation filters on for everyone). The pricing engine
    # reads the conditions as superuser (``product.pricelist._pricing_rules``),
    # after checking the caller may read the pricelist and the client.
    pricing_label = fields.Char(
        string="Label",
        translate=True,
        help="Name of the rule in price explanations, e.g. 'Gold tier'.",
    )
    sequence = fields.Integer(
        default=10,
        help="Order in which conditional rules are considered (ties and cumulative stacking).",
    )
    partner_id = fields.Many2one(
        "res.partner",
        groups=RULE_READERS,
        string="Client",
        index="btree_not_null",
        ondelete="cascade",
        domain="[('is_company', '=', True)]",
        # a client of the price list's company (or of none), as Odoo checks the
        # rule's products (_check_company_auto)
        check_company=True,
        help="Only for this client (and its contacts).",
    )
    partner_category_id = fields.Many2one(
        "res.partner.category",
        groups=RULE_READERS,
        string="Client Group",
        index="btree_not_null",
        ondelete="cascade",
        help="Only for clients carrying this tag.",
    )
    turnover_period = fields.Selection(
        [
            ("month", "Month"),
            ("quarter", "Quarter"),
            ("half_year", "Half-year"),
            ("year", "Year"),
        ],
        string="Period",
        groups=RULE_READERS,
        help="Period over which turnover and product-group purchases are measured.",
    )
    turnover_period_ref = fields.Selection(
        [("last", "Last completed period"), ("current", "Current period to date")],
        string="Which Period",
        groups=RULE_READERS,
        default="last",
        required=True,
    )
    min_turnover = fields.Float(
        groups=RULE_READERS,
        string="Min. Turnover",
        digits="Account",
        help="Posted invoices minus posted credit notes, untaxed, in company currency.",
    )
    purchase_categ_id = fields.Many2one(
        "product.category",
        groups=RULE_READERS,
        string="Product Group",
        ondelete="restrict",
        help="Product group of the purchase conditions; defaults to the rule's category.",
    )
    min_period_qty = fields.Float(
        groups=RULE_READERS,
        string="Min. Group Quantity",
        digits="Product Unit of Measure",
        help="Minimum quantity of the product group invoiced in the period.",
    )
    min_categ_amount = fields.Float(
        groups=RULE_READERS,
        string="Min. Group Amount",
        digits="Account",
        help="Minimum untaxed amount of the product group invoiced in the period "
        "(company currency).",
    )
    payment_condition = fields.Boolean(
        groups=RULE_READERS,
        string="Early Payment",
        help="Apply only when the order's payment term is due within the given days.",
    )
    payment_max_days = fields.Integer(string="Paid Within (days)", groups=RULE_READERS)
    is_conditional = fields.Boolean(
        compute="_compute_is_conditional",
        store=True,
        index=True,
        help="Conditional rules only apply when the client is known (sale orders, "
        "client price lists); Odoo's standard computation ignores them.",
    )

    @api.depends("partner_id", "partner_category_id", "turnover_period", "payment_condition")
    def _compute_is_conditional(self):
        for item in self:
            item.is_conditional = bool(
                item.partner_id
                or item.partner_category_id
                or item.turnover_period
                or item.payment_condition
            )

    # --- constraints -------------------------------------------------------

    # Odoo's own numbers of a rule (the suite's are bounded by its policy)
    _NUMBER_FIELDS = (
        "percent_price",
        "price_discount",
        "fixed_price",
        "price_surcharge",
        "min_quantity",
    )

    def _check_number_vals(self, vals):
        """Odoo's numbers and dates of a rule sent by a caller (XML-RPC): finite,
        below a trillion, dates between 1900 and 2200, or a ValidationError
        (UserError for dates) before Odoo computes anything with them (a NaN would fail with a
        traceback)."""
        for fname in self._NUMBER_FIELDS:
            if fname in vals:
                check_value(self.env, self._fields[fname], vals[fname])
        for fname in ("date_start", "date_end"):
            if vals.get(fname):
                check_date(self.env, vals[fname], field_label(self.env, self._fields[fname]))

    def _check_rule_writer(self, operation):
        """A conditional rule (a client's, a group's, on turnover or payment) is
        the sales managers' whole: its prices and discounts included. Odoo's
        access rights are checked first (their message for users without any)."""
        self.check_access(operation)
        if is_privileged(self) or any(self.env.user.has_group(g) for g in RULE_WRITERS):
            return
        conditional = self.filtered("is_conditional")
        if conditional:
            raise AccessError(
                self.env._(
                    "Rule %(rule)s sets a client's prices: only sales managers change it.",
                    rule=conditional[0].display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if isinstance(vals, dict):
                self._check_number_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        if isinstance(vals, dict):
            self._check_number_vals(vals)
        self._check_rule_writer("write")
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_conditional_rule(self):
        """A conditional rule is deleted by sales managers only
        (``_check_rule_writer``). Not when the module is uninstalled: its
        demo rules go with it; the uninstall flag counts only for
        administrators (crm_suite_base's extension of ``base``)."""
        self._check_rule_writer("unlink")

    @api.model
    def _rules_carried_by(self, field_name, records):
        """The rules whose ``field_name`` (their client or client group) is one
        of ``records``, as superuser: what deleting or merging those records
        would take along. Only to find them: whoever works on them checks them
        as the user."""
        if not records.ids:
            return self.sudo().browse()
        # sudo: the rule's client and group are RULE_READERS' fields; the rules
        # found are checked as the user before anything is done with them
        return self.sudo().search([(field_name, "in", records.ids)])

    @api.model
    def _check_rules_carried_by(self, field_name, records, operation, message):
        """Run the ``operation`` checks of the rules ``records`` carry
        (``_rules_carried_by``) as the user: access rights, record rules,
        ``_check_rule_writer``. A refusal is the AccessError ``message(rules)``
        (the superuser passes)."""
        if self.env.su or not records.ids:
            return
        rules = self._rules_carried_by(field_name, records)
        if not rules:
            return
        try:
            rules.with_env(self.env)._check_rule_writer(operation)
        except AccessError as exc:
            raise AccessError(message(rules)) from exc

    @api.model
    def _check_unlink_rules_of(self, field_name, records):
        """``records`` (clients, client groups) are deleted: their rules go with
        them (the database's cascade), which skips the rules' own deletion
        checks and access rights. Run them first, as the user: only who may
        delete those rules deletes what carries them (sales managers, for a
        conditional rule)."""

        def message(rules):
            # sudo (the rules'): the name of the client or tag being deleted, or
            # of a tag under the one being deleted (deleted with it)
            return self.env._(
                "%(record)s has pricing rules, which would be deleted with it: only "
                "sales managers can delete it. Archive it instead.",
                record=rules[:1][field_name].display_name,
            )

        self._check_rules_carried_by(field_name, records, "unlink", message)

    @api.model
    def _check_merge_rules_of(self, src_partners, dst_partner):
        """Odoo's Merge Contacts wizard moves the rules of ``src_partners`` to
        ``dst_partner`` in SQL (``_update_foreign_keys``), then deletes the
        merged contacts: the rules' own checks are skipped. Run them first, as
        the user: only who may change those rules' client (sales managers, for
        a conditional rule) merges a client with rules into another contact.
        Their company check runs on them once moved (base_partner_merge.py)."""

        def message(rules):
            # sudo (the rules'): the name of the merged client
            return self.env._(
                "%(client)s has pricing rules, which would move to %(target)s: only "
                "sales managers can merge it into another contact.",
                client=rules[:1].partner_id.display_name,
                target=dst_partner.display_name,
            )

        self._check_rules_carried_by("partner_id", src_partners, "write", message)

    def copy_data(self, default=None):
        """Odoo lets product and stock managers duplicate pricelists, and its
        copy reads every field: the conditions are RULE_READERS' fields. Such a
        user copies plain rules (their conditions are empty, left out of the
        read) and is refused a conditional rule, as when changing one."""
        if self.env.su or self.env.user.has_groups(RULE_READERS):
            return super().copy_data(default)
        self._check_rule_writer("read")
        default = dict(default or {})
        for name, field in self._fields.items():
            if field.groups == RULE_READERS and field.copy and name not in default:
                value = field.default(self.browse()) if field.default else False
                default[name] = field.convert_to_write(field.convert_to_cache(value, self), self)
        return super().copy_data(default)

    @api.constrains(
        "partner_id",
        "partner_category_id",
        "turnover_period",
        "min_turnover",
        "min_period_qty",
        "min_categ_amount",
        "purchase_categ_id",
        "payment_condition",
        "payment_max_days",
        "percent_price",
        "price_discount",
        "compute_price",
        # the product group of a purchase condition defaults to the rule's
        # category (_pricing_group): a rule moved off its category keeps one
        "applied_on",
        "categ_id",
    )
    def _check_pricing_conditions(self):
        _ = self.env._
        # sudo: the conditions are RULE_READERS' fields; any editor of a rule
        # (a product or stock manager changing a plain rule's price) is checked
        for item in self.sudo():
            if item.partner_id and item.partner_category_id:
                raise ValidationError(
                    _("Rule %(rule)s: choose a client or a client group, not both.", rule=item.name)
                )
            for fname in ("min_turnover", "min_period_qty", "min_categ_amount", "payment_max_days"):
                if item[fname] < 0:
                    raise ValidationError(
                        _(
                            "Rule %(rule)s: %(field)s cannot be negative.",
                            rule=item.name,
                            field=item._fields[fname].get_description(self.env)["string"],
                        )
                    )
            has_amount = item.min_turnover or item.min_period_qty or item.min_categ_amount
            if item.turnover_period and not has_amount:
                raise ValidationError(
                    _(
                        "Rule %(rule)s: a period needs a minimum turnover, group quantity "
                        "or group amount.",
                        rule=item.name,
                    )
                )
            if has_amount and not item.turnover_period:
                raise ValidationError(
                    _("Rule %(rule)s: a minimum amount or quantity needs a period.", rule=item.name)
                )
            if (item.min_period_qty or item.min_categ_amount) and not item._pricing_group():
                raise ValidationError(
                    _(
                        "Rule %(rule)s: the purchase condition needs a product group.",
                        rule=item.name,
                    )
                )
            for fname in (
                "min_turnover",
                "min_period_qty",
                "min_categ_amount",
                "percent_price",
                "price_discount",
            ):
                if not math.isfinite(item[fname]):
                    raise ValidationError(
                        _(
                            "Rule %(rule)s: %(field)s must be a number.",
                            rule=item.name,
                            field=item._fields[fname].get_description(self.env)["string"],
                        )
                    )
            if item.is_conditional and (
                (item.compute_price == "percentage" and not 0 <= item.percent_price <= 100)
                or (item.compute_price == "formula" and item.price_discount > 100)
            ):
                raise ValidationError(
                    _("Rule %(rule)s: a discount must be between 0 and 100 %%.", rule=item.name)
                )
            # Odoo's own rules stay Odoo's: a formula may take off more than
            # the base and add a surcharge (list price - 150 % + 100)

    # --- evaluation ----------------------------------------------------------

    def _pricing_group(self):
        self.ensure_one()
        return self.purchase_categ_id or (self.applied_on == "2_product_category" and self.categ_id)

    @api.model
    def _pricing_tz(self, company):
        """The time zone a company's periods and days are counted in, the same
        whoever prices (a salesperson, a manager, a cron): the company partner's,
        else the first of its country's (``pytz.country_timezones``), else UTC."""
        # sudo: the company's address is read for its time zone only
        company = company.sudo()
        tz = company.partner_id.tz
        if tz and tz in pytz.all_timezones_set:
            return pytz.timezone(tz)
        zones = pytz.country_timezones.get(company.country_id.code or "", ())
        return pytz.timezone(zones[0]) if zones else pytz.utc

    @api.model
    def _pricing_local_date(self, date, company):
        """The calendar day of ``date`` (now when empty) in the company's time
        zone (``_pricing_tz``): a day given as such is kept."""
        if isinstance(date, str):
            date = (
                fields.Datetime.to_datetime(date) if len(date) > 10 else fields.Date.to_date(date)
            )
        if not date:
            date = fields.Datetime.now()
        if not isinstance(date, datetime.datetime):
            day = fields.Date.to_date(date)
        else:
            if date.tzinfo is None:
                date = pytz.utc.localize(date)
            day = date.astimezone(self._pricing_tz(company)).date()
        # periods are counted back from this day: it stays within what a business uses
        return check_date(self.env, day, self.env._("The pricing date"))

    @api.model
    def _pricing_period(self, kind, ref, local_date):
        """(first day, last day, label) of the period of ``kind`` for ``local_date``:
        the last completed one (``ref='last'``) or the current one up to that day."""
        months = PERIOD_MONTHS[kind]
        start_month = (local_date.month - 1) // months * months + 1
        start = local_date.replace(month=start_month, day=1)
        if ref == "last":
            start -= relativedelta(months=months)
            end = start + relativedelta(months=months, days=-1)
        else:
            end = local_date
        _ = self.env._
        if kind == "month":
            label = format_date(self.env, start, date_format="MMMM y")
        elif kind == "quarter":
            label = _("Q%(num)s %(year)s", num=(start.month - 1) // 3 + 1, year=start.year)
        elif kind == "half_year":
            label = _("H%(num)s %(year)s", num=(start.month - 1) // 6 + 1, year=start.year)
        else:
            label = str(start.year)
        if ref == "current":
            label = _("%(period)s to date", period=label)
        return start, end, label

    @api.model
    def _pricing_purchases(self, partner, company, start, end, cache):
        """{categ_id: (amount, qty)} invoiced to ``partner`` by ``company`` between
        ``start`` and ``end``: one grouped query per (partner, company, period),
        cached in ``cache`` (a dict living as long as one price computation)."""
        key = ("purchases", partner.id, company.id, start, end)
        if key not in cache:
            if not self.env.su:
                # the access check before the query: the turnover is confidential.
                # The pricing engine runs as superuser after its own check
                # (product.pricelist._pricing_details)
                partner.with_env(self.env)._check_trade_turnover_access()
            self.env["account.move.line"].flush_model(
                ["balance", "quantity", "product_id", "product_uom_id", "display_type"]
            )
            self.env["account.move"].flush_model(
                ["state", "move_type", "invoice_date", "commercial_partner_id", "company_id"]
            )
            # Raw SQL: an aggregate over the indexed (partner, company, date) slice of
            # posted customer invoices (the one turnover definition, shared with the
            # turnover report); salespeople get the figure, not the invoices.
            self.env.cr.execute(
                SQL(
                    "SELECT lines.categ_id, SUM(lines.amount), SUM(lines.quantity) "
                    "FROM (%s) lines GROUP BY lines.categ_id",
                    turnover_lines(
                        SQL(
                            "am.commercial_partner_id = %s AND am.company_id = %s "
                            "AND am.invoice_date BETWEEN %s AND %s",
                            partner.id,
                            company.id,
                            start,
                            end,
                        )
                    ),
                )
            )
            cache[key] = {row[0]: (row[1] or 0.0, row[2] or 0.0) for row in self.env.cr.fetchall()}
        return cache[key]

    @api.model
    def _pricing_payment_days(self, payment_term, local_date):
        """Days until the last installment of ``payment_term`` is due (None: no term)."""
        if not payment_term:
            return None
        return max(
            [(line._get_due_date(local_date) - local_date).days for line in payment_term.line_ids]
            or [0]
        )

    def _pricing_evaluate(self, partner, company, local_date, payment_term, cache):
        """(met, reasons): whether the conditions of this rule hold for ``partner``
        and the plain-words reasons. Product and min_quantity are Odoo's business
        (``_is_applicable_for``); the client and client group are the rule search's
        (``product.pricelist._pricing_rules``).

        Each condition is one hook returning a list of (met, reason):
        ``_check_rule_turnover``, ``_check_rule_product_group`` and
        ``_check_rule_early_payment``; an addon adds its own condition by
        extending ``_pricing_condition_results``."""
        self.ensure_one()
        # the reasons are texts: one evaluation per language
        key = ("rule", self.id, partner.id, company.id, local_date, payment_term.id, self.env.lang)
        if key in cache:
            return cache[key]
        ctx = {
            "partner": partner,
            "company": company,
            "local_date": local_date,
            "payment_term": payment_term,
            "cache": cache,
            "currency": company.currency_id,
            "digits": company.currency_id.decimal_places,
        }
        results = self._pricing_condition_results(ctx)
        met = all(ok for ok, _reason in results)
        reasons = [reason for _ok, reason in results]
        if not reasons:
            reasons = self._check_rule_client_reasons()
        cache[key] = (met, reasons)
        return cache[key]

    def _pricing_condition_results(self, ctx):
        """Hook: [(met, reason)] of every condition of the rule."""
        return (
            self._check_rule_turnover(ctx)
            + self._check_rule_product_group(ctx)
            + self._check_rule_early_payment(ctx)
        )

    def _pricing_period_purchases(self, ctx):
        """(period label, {category id: (amount, qty)}) of the rule's turnover
        period, from the one turnover definition (``_pricing_purchases``)."""
        start, end, label = self._pricing_period(
            self.turnover_period, self.turnover_period_ref, ctx["local_date"]
        )
        data = self._pricing_purchases(ctx["partner"], ctx["company"], start, end, ctx["cache"])
        return label, data

    def _check_rule_turnover(self, ctx):
        """The client's turnover over the rule's period reaches ``min_turnover``."""
        if not (self.turnover_period and self.min_turnover):
            return []
        currency, digits = ctx["currency"], ctx["digits"]
        label, data = self._pricing_period_purchases(ctx)
        total = sum(amount for amount, _qty in data.values())
        return [
            (
                currency.compare_amounts(total, self.min_turnover) >= 0,
                self.env._(
                    "turnover %(period)s = %(amount)s %(currency)s ≥ %(minimum)s",
                    period=label,
                    amount=formatLang(self.env, total, digits=digits),
                    currency=currency.name,
                    minimum=formatLang(self.env, self.min_turnover, digits=digits),
                ),
            )
        ]

    def _check_rule_product_group(self, ctx):
        """What the client bought of the rule's product group over its period
        reaches ``min_period_qty`` and/or ``min_categ_amount``."""
        group = self._pricing_group()
        if not (self.turnover_period and group and (self.min_period_qty or self.min_categ_amount)):
            return []
        _ = self.env._
        currency, digits = ctx["currency"], ctx["digits"]
        label, data = self._pricing_period_purchases(ctx)
        categ_ids = set(
            self.env["product.category"]
            .with_context(active_test=False)
            .search([("id", "child_of", group.id)])
            .ids
        )
        amount = sum(v[0] for c, v in data.items() if c in categ_ids)
        qty = sum(v[1] for c, v in data.items() if c in categ_ids)
        results = []
        if self.min_period_qty:
            results.append(
                (
                    qty >= self.min_period_qty - 1e-6,
                    _(
                        "%(group)s bought %(period)s = %(qty)s ≥ %(minimum)s",
                        group=group.name,
                        period=label,
                        qty=formatLang(self.env, qty, dp="Product Unit of Measure"),
                        minimum=formatLang(
                            self.env, self.min_period_qty, dp="Product Unit of Measure"
                        ),
                    ),
                )
            )
        if self.min_categ_amount:
            results.append(
                (
                    currency.compare_amounts(amount, self.min_categ_amount) >= 0,
                    _(
                        "%(group)s purchases %(period)s = %(amount)s %(currency)s ≥ %(minimum)s",
                        group=group.name,
                        period=label,
                        amount=formatLang(self.env, amount, digits=digits),
                        currency=currency.name,
                        minimum=formatLang(self.env, self.min_categ_amount, digits=digits),
                    ),
                )
            )
        return results

    def _check_rule_early_payment(self, ctx):
        """The order's payment term falls due within ``payment_max_days``."""
        if not self.payment_condition:
            return []
        term = ctx["payment_term"]
        days = self._pricing_payment_days(term, ctx["local_date"])
        return [
            (
                days is not None and days <= self.payment_max_days,
                self.env._(
                    "payment term %(term)s due in %(days)s days ≤ %(maximum)s",
                    term=term.name or self.env._("none"),
                    days=days if days is not None else "-",
                    maximum=self.payment_max_days,
                ),
            )
        ]

    def _check_rule_client_reasons(self):
        """Why a rule without other conditions applies: its client or client group."""
        if self.partner_id:
            return [self.env._("negotiated for %(client)s", client=self.partner_id.name)]
        if self.partner_category_id:
            return [self.env._("client group %(group)s", group=self.partner_category_id.name)]
        return []

    def _pricing_uses_turnover(self):
        """Whether the rule's conditions read the client's turnover (its own
        figures or its purchases of a product group): their reasons are for the
        users who may see that turnover (``res.partner._check_trade_turnover_access``)."""
        self.ensure_one()
        return bool(self.turnover_period)

    def _pricing_explain(self, reasons, quantity=None, figures=True, uom=None):
        """The explanation of the met rule: its label and ``reasons``; its label
        only when the reasons give turnover figures and ``figures`` is False.
        ``quantity`` is in ``uom``, the product's unit (the rule's minimum is
        compared in it, as Odoo's engine does), which the explanation names: a
        line sold in another unit shows its quantity converted."""
        self.ensure_one()
        if not figures and self._pricing_uses_turnover():
            return self.pricing_label or self.name
        reasons = list(reasons)
        if self.min_quantity and quantity is not None:
            reasons.append(
                self.env._(
                    "quantity %(qty)s ≥ %(minimum)s %(unit)s",
                    qty=formatLang(self.env, quantity, dp="Product Unit of Measure"),
                    minimum=formatLang(self.env, self.min_quantity, dp="Product Unit of Measure"),
                    unit=uom.name if uom else "",
                ).rstrip()
            )
        return self.env._(
            "%(rule)s: %(reasons)s",
            rule=self.pricing_label or self.name,
            reasons=", ".join(reasons) or self.price,
        )
