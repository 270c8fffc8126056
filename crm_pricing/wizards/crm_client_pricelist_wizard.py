import base64
import io
import re

from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.crm_suite_base.models.policy import FREE, check_one


class CrmClientPricelistWizard(models.TransientModel):
    """Per-client price list: every saleable product with its list price, the
    rule that applies and the client's price, as of a date (PDF or XLSX)."""

    _name = "crm.client.pricelist.wizard"
    _description = "Client Price List"
    _inherit = ["crm.write.policy.mixin"]
    # the user's own wizard: every field is theirs; the policy checks the values
    # (a date between 1900 and 2200, one record id per link)
    _crm_write_policy = {
        "partner_id": FREE,
        "date": FREE,
        "company_id": FREE,
        "pricelist_id": FREE,
        "categ_id": FREE,
    }

    partner_id = fields.Many2one("res.partner", string="Client", required=True)
    # by default the day the company's quotations are priced on (its time
    # zone, ``_pricing_local_date``), not the user's: a user's day ahead of or
    # behind the company's would count another period of turnover
    date = fields.Date(
        required=True, compute="_compute_date", store=True, precompute=True, readonly=False
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda s: s.env.company)
    pricelist_id = fields.Many2one(
        "product.pricelist",
        compute="_compute_pricelist_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        check_company=True,
    )
    categ_id = fields.Many2one("product.category", string="Product Category")

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._check_links()
        return wizards

    def write(self, vals):
        res = super().write(vals)
        if {"partner_id", "company_id", "pricelist_id"} & set(vals):
            self._check_links()
        return res

    def _check_links(self):
        """The client, company and price list are read as superuser when the
        wizard is read (their names): the user must be allowed to read them,
        in one of the selected companies (``allowed_company_ids``, which Odoo
        keeps within the user's; by default all of them), as
        ``get_trade_turnover(company_id=)`` and Odoo's own reads are
        (``AccessError``), whether they come from the values, a default of the
        context or the client's price list. ``with_company`` would add any
        company of the user to the selected ones: the company is checked
        before."""
        if self.env.su:
            return
        allowed = self.env.companies
        for wizard in self:
            if wizard.company_id not in allowed:
                raise AccessError(
                    self.env._("You are not allowed to work in this company's price lists.")
                )
            in_company = wizard.with_company(wizard.company_id)
            in_company.partner_id.check_access("read")
            in_company.pricelist_id.check_access("read")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        ctx = self.env.context
        if ctx.get("active_model") == "res.partner" and ctx.get("active_id"):
            res.setdefault("partner_id", ctx["active_id"])
        return res

    @api.depends("company_id")
    def _compute_date(self):
        """The company's day when no date is set yet: a date the user chose
        is kept when the company changes."""
        Item = self.env["product.pricelist.item"]
        for wizard in self.filtered(lambda wizard: not wizard.date):
            wizard.date = Item._pricing_local_date(False, wizard.company_id or self.env.company)

    @api.depends("partner_id", "company_id")
    def _compute_pricelist_id(self):
        for wizard in self:
            partner = wizard.partner_id.with_company(wizard.company_id)
            wizard.pricelist_id = partner.property_product_pricelist or wizard.pricelist_id

    def _get_products(self):
        check_one(self)
        domain = [
            ("sale_ok", "=", True),
            ("company_id", "in", [False, self.company_id.id]),
        ]
        if self.categ_id:
            domain.append(("categ_id", "child_of", self.categ_id.id))
        return self.env["product.product"].search(domain, order="default_code, name, id")

    def get_lines(self):
        """[{product_id, product, code, uom, list_price, rule, price, explanation,
        currency}] for every saleable product (serialisable)."""
        check_one(self)
        # read in the selected companies of now (the PDF and the export too),
        # not only of when the wizard was made
        self._check_links()
        # the explanations quote the client's turnover: confidential
        self.partner_id._check_trade_turnover_access()
        wizard = self.with_company(self.company_id)
        pricelist = wizard.pricelist_id
        currency = pricelist.currency_id
        products = wizard._get_products().with_company(self.company_id)
        Item = wizard.env["product.pricelist.item"]
        kw = {"currency": currency, "date": self.date}
        standard = pricelist._compute_price_rule(products, 1.0, **kw)
        details = pricelist._pricing_details(
            products,
            1.0,
            partner=self.partner_id,
            payment_term=self.partner_id.with_company(self.company_id).property_payment_term_id,
            company=self.company_id,
            **kw,
        )
        lines = []
        for product in products:
            detail = details.get(product.id) or {}
            list_price = Item._compute_price(product, 1.0, product.uom_id, self.date, currency)
            if detail.get("applied"):
                price = detail["price"]
                rules = Item.browse(detail["rule_ids"])
            else:
                price, rule_id = standard[product.id]
                rules = Item.browse(rule_id)
            lines.append(
                {
                    "product_id": product.id,
                    "product": product.display_name,
                    "code": product.default_code or "",
                    "uom": product.uom_id.name,
                    "list_price": currency.round(list_price),
                    "rule": ", ".join(r.pricing_label or r.name for r in rules)
                    or self.env._("Sales price"),
                    "price": currency.round(price),
                    "explanation": detail.get("explanation") or "",
                    "currency": currency.name,
                }
            )
        return lines

    def action_print_pdf(self):
        check_one(self)
        action = self.env.ref("crm_pricing.action_report_client_pricelist").report_action(self)
        # Odoo's report action holds None values (its ``data``), which XML-RPC
        # cannot carry: the web client reads a missing key as None
        return {key: value for key, value in action.items() if value is not None}

    def action_export_xlsx(self):
        """Build the XLSX price list as an attachment and return a download action."""
        check_one(self)
        import openpyxl  # pylint: disable=import-outside-toplevel

        _ = self.env._
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = _("Price List")
        sheet.append([_("Client"), xlsx_safe(self.partner_id.display_name)])
        sheet.append([_("Date"), self.date])
        sheet.append([_("Pricelist"), xlsx_safe(self.pricelist_id.display_name)])
        sheet.append([])
        sheet.append(
            [
                _("Reference"),
                _("Product"),
                _("Unit"),
                _("List Price"),
                _("Rule"),
                _("Price"),
                _("Currency"),
                _("Why"),
            ]
        )
        for line in self.get_lines():
            sheet.append(
                [
                    xlsx_safe(value)
                    for value in (
                        line["code"],
                        line["product"],
                        line["uom"],
                        line["list_price"],
                        line["rule"],
                        line["price"],
                        line["currency"],
                        line["explanation"],
                    )
                ]
            )
        buf = io.BytesIO()
        book.save(buf)
        attachment = self.env["ir.attachment"].create(
            {
                "name": _(
                    "Price list %(client)s %(date)s.xlsx",
                    client=self.partner_id.name,
                    date=self.date,
                ),
                "datas": base64.b64encode(buf.getvalue()),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def xlsx_safe(value):
    """A cell value that a spreadsheet application shows as text, never runs.

    As OWASP recommends for CSV/XLSX injection: text starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading single quote, and
    control characters (which XLSX cannot hold either) are removed. Numbers and
    dates are left as they are.
    """
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
