"""Daily exchange rates from the National Bank of Romania and the ECB, into
Odoo's own res.currency.rate.

When OCA's ``currency_rate_update`` is installed (with its ECB provider, and
``currency_rate_update_RO_BNR`` for the NBR), its providers own the rates: the
cron and the button here step aside, so that no day's rate has two writers
(both date an NBR rate the day after its publication, see ``parse_nbr``)."""

import logging
from datetime import timedelta

import requests
from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import LazyTranslate, float_is_zero

from odoo.addons.crm_suite_base.models.policy import FREE, owned

_lt = LazyTranslate(__name__)

_logger = logging.getLogger(__name__)

NBR_NS = "http://www.bnr.ro/xsd"
ECB_NS = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"
DEFAULT_URLS = {
    # curs.bnr.ro since 2026-08-04: www.bnr.ro/nbrfxrates.xml now answers with
    # the bank's HTML home page.
    "nbr": "https://curs.bnr.ro/nbrfxrates.xml",
    "ecb": "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml",
}
TIMEOUT = 10
# OCA's rate framework: once installed, its providers update the rates.
OCA_RATE_MODULE = "currency_rate_update"


class RateFeedError(Exception):
    """A feed that cannot be used: nothing is stored. Its message is a lazy
    translation (``_lt``): ``text(env)`` writes it in the language of the
    update's user, as the rest of the error it goes into."""

    def text(self, env):
        message = self.args[0] if self.args else ""
        if isinstance(message, str):
            return message
        # env.lang as env._ reads it (no language: the source, English)
        return message._translate(env.lang or "en_US")


def parse_nbr(content):
    """(date, base "RON", {currency: RON per 1 unit}). The NBR communicates its
    reference rates in the early afternoon of a banking day for the operations
    that follow: Romanian invoices and entries of a day use the last rates
    communicated before it. So the rates are dated the day after their
    publication (Friday's apply from Saturday, until Monday's from Tuesday),
    as OCA's ``currency_rate_update_RO_BNR`` dates them."""
    root = _parse(content)
    if etree.QName(root).namespace != NBR_NS:
        raise RateFeedError(
            _lt("unknown namespace %(namespace)s", namespace=repr(etree.QName(root).namespace))
        )
    cube = root.find(f"{{{NBR_NS}}}Body/{{{NBR_NS}}}Cube")
    if cube is None or not cube.get("date"):
        raise RateFeedError(_lt("no Cube with a date"))
    rates = {}
    for rate in cube.findall(f"{{{NBR_NS}}}Rate"):
        value = _number(rate.text)
        multiplier = _number(rate.get("multiplier") or "1")
        rates[rate.get("currency")] = value / multiplier
    return _date(cube.get("date")) + timedelta(days=1), "RON", rates


def parse_ecb(content):
    """(date, base "EUR", {currency: units per 1 EUR}) converted to EUR per unit."""
    root = _parse(content)
    cubes = root.findall(f"{{{ECB_NS}}}Cube/{{{ECB_NS}}}Cube")
    if etree.QName(root).localname != "Envelope" or not cubes:
        raise RateFeedError(_lt("unknown namespace or no Cube"))
    cube = cubes[0]
    if not cube.get("time"):
        raise RateFeedError(_lt("no Cube with a time"))
    rates = {}
    for rate in cube.findall(f"{{{ECB_NS}}}Cube"):
        value = _number(rate.get("rate"))
        rates[rate.get("currency")] = 1.0 / value
    return _date(cube.get("time")), "EUR", rates


def _parse(content):
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise RateFeedError(_lt("malformed XML: %(error)s", error=str(exc))) from exc


def _number(text):
    try:
        value = float(text)
    except (TypeError, ValueError) as exc:
        raise RateFeedError(_lt("not a rate: %(value)s", value=repr(text))) from exc
    if not value > 0 or value == float("inf"):
        raise RateFeedError(_lt("not a rate: %(value)s", value=repr(text)))
    return value


def _date(text):
    try:
        date = fields.Date.to_date(text)
    except (TypeError, ValueError) as exc:
        raise RateFeedError(_lt("not a date: %(value)s", value=repr(text))) from exc
    if not date:
        raise RateFeedError(_lt("not a date: %(value)s", value=repr(text)))
    return date


def _timeout(value):
    """The feeds' timeout in seconds from ``crm_finance_cashflow.rate_timeout``:
    a positive finite number, else the default (logged)."""
    try:
        timeout = float(value)
    except (TypeError, ValueError):
        timeout = None
    if timeout is None or not 0 < timeout < float("inf"):
        _logger.warning(
            "crm_finance_cashflow.rate_timeout %r is not a positive number of seconds: "
            "%s seconds instead",
            value,
            TIMEOUT,
        )
        return TIMEOUT
    return timeout


PARSERS = {"nbr": parse_nbr, "ecb": parse_ecb}


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "crm.write.policy.mixin"]
    _crm_write_policy = {
        "crm_rate_provider": FREE,
        "crm_rate_last_update": owned(_lt("kept by the exchange rate update.")),
        "crm_rate_last_error": owned(_lt("kept by the exchange rate update.")),
    }

    crm_rate_provider = fields.Selection(
        [("none", "None"), ("nbr", "National Bank of Romania"), ("ecb", "European Central Bank")],
        string="Exchange Rate Provider",
        default="none",
        required=True,
        groups="base.group_user",
    )
    crm_rate_last_update = fields.Datetime(
        string="Rates Updated On",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    crm_rate_last_error = fields.Text(
        string="Last Rate Update Error",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )

    @api.model
    def _crm_rates_by_oca(self):
        """True when OCA's ``currency_rate_update`` is installed (its code is
        loaded: also while it is upgraded or about to be removed). Its providers
        then update the rates of every company, and this module's cron and
        button step aside."""
        return bool(
            self.env["ir.module.module"]
            .sudo()
            .search_count(
                [
                    ("name", "=", OCA_RATE_MODULE),
                    ("state", "in", ("installed", "to upgrade", "to remove")),
                ],
                limit=1,
            )
        )

    def _crm_rate_url(self, provider):
        return (
            self.env["ir.config_parameter"].sudo().get_param(f"crm_finance_cashflow.{provider}_url")
            or DEFAULT_URLS[provider]
        )

    def action_update_currency_rates(self):
        """Fetch today's rates from each company's provider into res.currency.rate
        (all or nothing per company). Returns True, or, when a feed could not be
        used, a notification naming the error (also kept on the company, in
        ``crm_rate_last_error``, and logged)."""
        if not self.env.user.has_group("account.group_account_manager") and not self.env.su:
            raise AccessError(self.env._("Only accountants update the exchange rates."))
        # the update writes as superuser: only the selected companies
        # (allowed_company_ids, which Odoo keeps within the user's)
        foreign = self - self.env.companies
        if foreign and not self.env.su:
            mine = self.env.user.company_ids
            raise AccessError(
                self.env._(
                    "You cannot update the exchange rates of %(companies)s: not one of your "
                    "selected companies.",
                    # sudo: the names of the user's own companies, which the
                    # record rules hide while they are not selected; any other
                    # company is named by its id only
                    companies=", ".join(
                        company.sudo().name if company in mine else str(company.id)
                        for company in foreign
                    ),
                )
            )
        if self._crm_rates_by_oca():
            raise UserError(
                self.env._(
                    "The exchange rates are updated by the providers of the Currency Rate "
                    "Update module (%(module)s): run them from Invoicing > Configuration > "
                    "Accounting > Currency Rates Providers.",
                    module=OCA_RATE_MODULE,
                )
            )
        errors = self._crm_update_rates()
        if errors:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "danger",
                    "sticky": True,
                    "title": self.env._("Exchange rates not updated"),
                    "message": "\n".join(errors),
                },
            }
        return True

    def _crm_update_rates(self):
        """Update the rates of these companies (those with a provider); returns
        the errors. A branch's rates are its root company's: Odoo reads them
        there and refuses a rate on a branch. So the companies of one root are
        updated once, on the root, with the root's provider, else with its first
        branch's. Each feed is read once for all the root companies it serves
        (as Odoo's own update groups the companies by provider): a feed that
        fails is not tried again, nor waited for up to the timeout again, for
        the next root company; the next update (the next run, a user's *Update
        rates now*) tries it again. Each update is all or nothing (a savepoint):
        a feed that cannot be used, or a rate Odoo refuses, is kept on the
        companies it concerns (``crm_rate_last_error``) and the others are
        updated."""
        if self._crm_rates_by_oca():
            _logger.info("exchange rates: left to %s's providers", OCA_RATE_MODULE)
            return []
        errors = []
        by_root = {}
        for company in self.filtered(lambda c: c.crm_rate_provider != "none").sorted("id"):
            by_root[company.root_id] = by_root.get(company.root_id, self.browse()) | company
        # each feed's answer, (date, base, rates) or its RateFeedError, by
        # (provider, address): read once in this update
        feeds = {}
        for root, companies in by_root.items():
            provider = (
                root.crm_rate_provider
                if root.crm_rate_provider != "none"
                else companies[0].crm_rate_provider
            )
            feed = (provider, root._crm_rate_url(provider))
            if feed not in feeds:
                try:
                    feeds[feed] = root._crm_fetch_rates(provider)
                except RateFeedError as exc:
                    feeds[feed] = exc
            error = feeds[feed] if isinstance(feeds[feed], RateFeedError) else None
            if not error:
                try:
                    with self.env.cr.savepoint():
                        root._crm_store_rates(*feeds[feed])
                except (RateFeedError, UserError) as exc:
                    error = exc
            if error:
                for company in companies:
                    message = self.env._(
                        "%(company)s: exchange rates from %(provider)s not updated (%(error)s).",
                        company=company.name,
                        provider=dict(
                            self._fields["crm_rate_provider"]._description_selection(self.env)
                        )[provider],
                        error=error.text(self.env)
                        if isinstance(error, RateFeedError)
                        else str(error),
                    )
                    _logger.warning(message)
                    company.sudo().crm_rate_last_error = message
                    errors.append(message)
            else:
                (companies | root.filtered(lambda r: r.crm_rate_provider != "none")).sudo().write(
                    {"crm_rate_last_update": fields.Datetime.now(), "crm_rate_last_error": False}
                )
        return errors

    def _crm_fetch_rates(self, provider):
        """(date, base currency name, {currency name: base units per unit}) of
        ``provider``'s feed today, else a RateFeedError."""
        try:
            timeout = _timeout(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("crm_finance_cashflow.rate_timeout", TIMEOUT)
            )
            response = requests.get(self._crm_rate_url(provider), timeout=timeout)
            response.raise_for_status()
        except requests.exceptions.RequestException as exc:
            raise RateFeedError(_lt("network error: %(error)s", error=str(exc))) from exc
        return PARSERS[provider](response.content)

    def _crm_store_rates(self, date, base, rates):
        """``rates``: base-currency units per one unit of each currency. Odoo's
        rates are units of each currency per one unit of the company's currency."""
        self.ensure_one()
        base_per = dict(rates, **{base: 1.0})
        own = self.currency_id.name
        if own not in base_per:
            raise RateFeedError(
                _lt("the feed has no rate for the company currency %(currency)s", currency=own)
            )
        Rate = self.env["res.currency.rate"].sudo()
        currencies = self.env["res.currency"].search([("name", "in", list(base_per))])
        values = []
        for currency in currencies:
            if currency == self.currency_id:
                continue
            rate = base_per[own] / base_per[currency.name]
            if float_is_zero(rate, precision_digits=12):
                continue
            values.append((currency, rate))
        for currency, rate in values:
            existing = Rate.search(
                [
                    ("currency_id", "=", currency.id),
                    ("company_id", "=", self.id),
                    ("name", "=", date),
                ]
            )
            if existing:
                existing.rate = rate
            else:
                Rate.create(
                    {"currency_id": currency.id, "company_id": self.id, "name": date, "rate": rate}
                )
        return len(values)

    @api.model
    def _cron_update_currency_rates(self):
        self.search([("crm_rate_provider", "!=", "none")])._crm_update_rates()
        return True
