from odoo import api, fields, models
from odoo.tools import LazyTranslate

from odoo.addons.crm_suite_base.models.policy import owned, privileged

_lt = LazyTranslate(__name__)


def _frozen(price_context, line):
    """``price_context`` as part of a dictionary key; a line of its own when
    another addon puts a value there that cannot be one."""
    key = tuple(sorted(price_context.items()))
    try:
        hash(key)
    except TypeError:
        return ("line", line)
    return key


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "crm.write.policy.mixin"]
    # what the conditional rules made of the line's price: computed, never sent
    _crm_write_policy = {
        "pricing_details": owned(_lt("computed from the order's client and pricelist.")),
        "crm_pricing_explanation_full": owned(_lt("computed with the price (Update Prices).")),
        "crm_pricing_explanation_label": owned(_lt("computed with the price (Update Prices).")),
        "crm_pricing_explanation_client_id": owned(_lt("computed with the price (Update Prices).")),
        "pricing_explanation": owned(_lt("computed with the price (Update Prices).")),
    }

    pricing_details = fields.Json(
        compute="_compute_pricing_details",
        groups="sales_team.group_sale_salesman",
        help="Technical: result of the conditional pricelist rules for this line.",
    )
    # Why the price is what it is, kept with the price (a manual price keeps the
    # explanation of the price it replaced). Two texts are kept: the pricer's,
    # with the client's turnover figures when the pricer may see them (read only
    # through pricing_explanation, by who may see that client's turnover), and
    # one naming turnover rules by their label only. Customers see them on
    # printed offers only when the company says so
    # (res.company.crm_pricing_explanation_on_offers). The figures are those of
    # the client the line was priced for, kept with them: the quotation may go
    # to another client later (its client changed, a copy for another client,
    # its contact moved to another company), the figures stay that client's.
    crm_pricing_explanation_full = fields.Text(
        string="Pricing Explanation (figures)",
        compute="_compute_crm_pricing_explanations",
        groups="base.group_system",
        store=True,
        precompute=True,
        readonly=True,
    )
    crm_pricing_explanation_client_id = fields.Many2one(
        "res.partner",
        string="Pricing Explanation (client of the figures)",
        compute="_compute_crm_pricing_explanations",
        groups="base.group_system",
        store=True,
        precompute=True,
        readonly=True,
    )
    crm_pricing_explanation_label = fields.Text(
        string="Pricing Explanation (labels)",
        compute="_compute_crm_pricing_explanations",
        groups="sales_team.group_sale_salesman",
        store=True,
        precompute=True,
        readonly=True,
    )
    pricing_explanation = fields.Text(
        compute="_compute_pricing_explanation",
        groups="sales_team.group_sale_salesman",
        readonly=True,
        help="Which conditional pricelist rule set the price, and why. A client's "
        "turnover figures are given to who may see that client's turnover.",
    )

    @api.depends(
        "product_id",
        "product_uom",
        "product_uom_qty",
        "product_no_variant_attribute_value_ids",
        "order_id.partner_id",
        "order_id.pricelist_id",
        "order_id.date_order",
        "order_id.payment_term_id",
        "order_id.company_id",
        "order_id.currency_id",
    )
    # the explanation gives the client's turnover figures to who may see them
    @api.depends_context("uid")
    def _compute_pricing_details(self):
        # Lines that share what a price depends on besides the product (pricelist,
        # client, date, payment term, company, currency, unit, quantity, attribute
        # extras) are priced in one call: the client's conditions are evaluated,
        # their explanations written and Odoo's standard price looked up once for
        # all their products. One cache for the whole batch: turnover is queried
        # once per (client, company, period), rules once per (pricelist, client, date).
        groups = {}
        for line in self:
            order = line.order_id
            if not (line.product_id and order.pricelist_id and order.partner_id) or (
                line.display_type
            ):
                line.pricing_details = False
                continue
            line_c = line.with_company(line.company_id)
            price_context = line_c._get_product_price_context()
            key = (
                order.pricelist_id,
                order.partner_id,
                order.payment_term_id,
                order.date_order,
                line.company_id,
                line.currency_id,
                line.product_uom,
                line.product_uom_qty or 1.0,
                _frozen(price_context, line),
                # the explanation is kept with the price and printed on the
                # customer's offer: in the customer's language, as Odoo writes
                # the line's description (whoever prices)
                order._get_lang(),
            )
            groups.setdefault(key, (price_context, []))[1].append(line)
        cache = {}
        for key, (_price_context, lines) in groups.items():
            pricelist, _partner, _term, date, company = key[:5]
            # groups of other quantities or units share Odoo's rule search
            pricelist._pricing_share_rules(
                cache, company, date, [line.product_id.id for line in lines]
            )
        # the products of every line are read together, whatever their group
        prefetch_ids = self.product_id._prefetch_ids
        for key, (price_context, lines) in groups.items():
            pricelist, partner, term, date, company, currency, uom, quantity, _ctx, lang = key
            pricelist = pricelist.with_context(lang=lang)
            products = (
                self.env["product.product"]
                .with_company(company)
                .with_context(**price_context, lang=lang)
                .browse(list(dict.fromkeys(line.product_id.id for line in lines)))
                .with_prefetch(prefetch_ids)
            )
            details = pricelist.with_company(company)._pricing_details(
                products,
                quantity,
                currency=currency,
                uom=uom,
                date=date,
                partner=partner,
                payment_term=term,
                company=company,
                cache=cache,
            )
            for line in lines:
                line.pricing_details = details.get(line.product_id.id) or False

    def _pricing_applied_details(self):
        """The conditional rules' result for this line when one set its price,
        else ``False``."""
        # sudo: the price itself is public on the line; only whether a rule applied
        # is read here, whoever computes the price (a portal customer signing, a cron)
        details = self.sudo().pricing_details
        return details if details and details.get("applied") else False

    def _pricing_new_explanation(self):
        """``(keep, full, label, client)``: keep is True when the line keeps its
        explanations (the rule of Odoo's ``_compute_price_unit``: a manual price
        is kept, and so are the explanations of the price it replaced; an
        invoiced line's too), else ``full`` and ``label`` are those of the
        computed price (with the client's turnover figures when the user who
        prices may see them, and without) and ``client`` the client whose
        figures ``full`` gives (the order's commercial entity, for which the
        price is computed; none without ``full``)."""
        self.ensure_one()
        if (
            self.technical_price_unit != self.price_unit
            and not self.env.context.get("force_price_recomputation")
        ) or self.qty_invoiced > 0:
            return True, None, None, None
        details = self.sudo().pricing_details or {}
        full = details.get("explanation") or False
        return (
            False,
            full,
            details.get("explanation_label") or False,
            self.order_id.partner_id.commercial_partner_id if full else self.env["res.partner"],
        )

    @api.depends("product_id", "product_uom", "product_uom_qty")
    def _compute_crm_pricing_explanations(self):
        for line in self:
            keep, full, label, client = line._pricing_new_explanation()
            if not keep:
                line.crm_pricing_explanation_full = full
                line.crm_pricing_explanation_label = label
                line.crm_pricing_explanation_client_id = client

    @api.depends(
        "crm_pricing_explanation_full",
        "crm_pricing_explanation_label",
        "crm_pricing_explanation_client_id",
    )
    @api.depends_context("uid")
    def _compute_pricing_explanation(self):
        """The kept explanation with the client's turnover figures for who may
        see the turnover of the client they are of (``_pricing_show_figures``:
        that client's salesperson, sales managers, accounting, the system),
        with turnover rules named by their label for everyone else."""
        cache = {}
        Pricelist = self.env["product.pricelist"]
        for line in self:
            # sudo: both texts are read here and only the one the user may see
            # is given (the label one is readable by salespeople anyway)
            kept = line.sudo()
            client = kept.crm_pricing_explanation_full and line._pricing_figures_client()
            figures = client and Pricelist._pricing_show_figures(client, cache)
            line.pricing_explanation = (
                kept.crm_pricing_explanation_full if figures else kept.crm_pricing_explanation_label
            )

    def _pricing_figures_client(self):
        """The client whose turnover figures the kept explanation gives, as the
        turnover access check is made for it: the order's client (a contact's
        own salesperson counts) while its commercial entity is the client the
        line was priced for, else that client; an empty record when unknown
        (then nobody reads the figures through ``pricing_explanation``)."""
        self.ensure_one()
        # sudo: which client the figures are of, to check the user's access to
        # that client's turnover (the figures themselves are not read here)
        client = self.sudo().crm_pricing_explanation_client_id
        partner = self.order_id.partner_id
        if client and partner.commercial_partner_id == client:
            return partner
        return client.with_env(self.env)

    def _crm_printed_pricing_explanation(self, customer=True):
        """The explanation printed on the offer (QWeb). On a document for the
        customer (``customer``: the quotation, its email attachment, the
        portal's), whoever renders it, a client's turnover figures are printed
        only on that client's own offer: a line priced for another client (the
        quotation's client changed, a copy for another client, its contact
        moved to another company) gives the label. Otherwise, and on the
        salesperson's copy (``customer=False``, internal), the reader's: the
        figures for who may see that client's turnover (``pricing_explanation``);
        a customer the portal renders the offer for (as superuser, after its
        access check, and only when the company prints explanations on offers)
        gets its own client's figures."""
        self.ensure_one()
        # sudo: which client the kept figures are of and the label, compared
        # and given only as said above (the label is readable by salespeople)
        kept = self.sudo()
        own = kept.order_id.partner_id.commercial_partner_id
        if kept.crm_pricing_explanation_client_id != own and (customer or self.env.user.share):
            return kept.crm_pricing_explanation_label
        if self.env.su and self.env.user.share:
            return kept.crm_pricing_explanation_full or kept.crm_pricing_explanation_label
        return self.sudo(False).pricing_explanation if self.env.su else self.pricing_explanation

    def _pricing_write_explanations(self):
        """Store the explanations of recomputed prices ("Update prices"): one
        write per distinct pair of explanations, none for lines whose
        explanations stay."""
        changed = {}
        for line in self:
            keep, full, label, client = line._pricing_new_explanation()
            # sudo: compared only; the write below is the caller's, as before
            kept = line.sudo()
            if not keep and (full, label, client.id) != (
                kept.crm_pricing_explanation_full,
                kept.crm_pricing_explanation_label,
                kept.crm_pricing_explanation_client_id.id,
            ):
                changed.setdefault((full, label, client.id), []).append(line.id)
        self._pricing_store_explanations(changed)

    def _pricing_store_explanations(self, changed):
        """Write the explanations ``{(full, label, client id): line ids}``: one
        write per distinct triple."""
        for (full, label, client_id), line_ids in changed.items():
            lines = self.browse(line_ids)
            # the explanations are owned by their computation: written by it, as
            # the caller (its access to the lines is checked here) ...
            privileged(lines).write({"crm_pricing_explanation_label": label})
            # ... sudo: the text with figures and the client they are of are
            # hidden from salespeople (read through pricing_explanation); they
            # are the engine's, not the caller's
            lines.sudo().write(
                {
                    "crm_pricing_explanation_full": full,
                    "crm_pricing_explanation_client_id": client_id,
                }
            )

    def _pricing_copy_explanations(self, copies):
        """Give ``copies``, the lines just copied from these (in the same
        order), the explanations of the prices they keep: a copied line
        keeps its original's price (Odoo copies ``price_unit`` and
        ``technical_price_unit``), a price set by hand included, while its
        explanations, owned, are computed again for the copy (nothing, for a
        price set by hand). A copy whose price, product, unit or quantity is
        not its original's keeps what was computed for it. The figures stay
        those of the client the original was priced for, a copy for another
        client included (``_pricing_figures_client``)."""
        changed = {}
        # sudo: the texts are read to be written to the copies below, as
        # _pricing_write_explanations writes them
        for line, copy in zip(self.sudo(), copies.sudo(), strict=True):
            if (
                line.display_type
                or copy.display_type
                or line.product_id != copy.product_id
                or line.product_uom != copy.product_uom
                or line.product_uom_qty != copy.product_uom_qty
                or line.price_unit != copy.price_unit
                or line.technical_price_unit != copy.technical_price_unit
            ):
                continue
            kept = (
                line.crm_pricing_explanation_full,
                line.crm_pricing_explanation_label,
                line.crm_pricing_explanation_client_id.id,
            )
            if kept != (
                copy.crm_pricing_explanation_full,
                copy.crm_pricing_explanation_label,
                copy.crm_pricing_explanation_client_id.id,
            ):
                changed.setdefault(kept, []).append(copy.id)
        copies._pricing_store_explanations(changed)

    def _crm_sheet_price_applied(self):
        """Lines of a quotation generated from an evaluation sheet that the
        sheet gave its own price (crm_evaluation_sheet, when it is installed):
        the explanation of the catalogue price the sheet's replaced does not
        explain it, and the sheet keeps none of its own: cleared. Update Prices
        explains the catalogue's price again."""
        parent = getattr(super(), "_crm_sheet_price_applied", None)
        res = parent() if parent else None
        # sudo: whether there is an explanation to clear; cleared as the caller
        explained = self.sudo().filtered(
            lambda line: line.crm_pricing_explanation_full or line.crm_pricing_explanation_label
        )
        if explained:
            self._pricing_store_explanations({(False, False, False): explained.ids})
        return res

    def _compute_pricelist_item_id(self):
        applied = self.filtered(lambda line: line._pricing_applied_details())
        for line in applied:
            line.pricelist_item_id = line._pricing_applied_details()["rule_id"]
        return super(SaleOrderLine, self - applied)._compute_pricelist_item_id()

    def _get_pricelist_price(self):
        details = self._pricing_applied_details()
        if details:
            return details["price"]
        return super()._get_pricelist_price()

    def _get_pricelist_price_before_discount(self):
        details = self._pricing_applied_details()
        if details:
            return details["base_price"]
        return super()._get_pricelist_price_before_discount()
