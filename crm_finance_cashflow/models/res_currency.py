from odoo import models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, format_datetime


class ResCurrency(models.Model):
    _inherit = "res.currency"

    def action_crm_update_currency_rates(self):
        """*Update rates now* of the currencies' list (Invoicing > Configuration >
        Currencies), where accountants reach it (the settings are the
        administrators'): the rates of the current company from its provider,
        through ``res.company.action_update_currency_rates`` and its checks
        (accountants only, the selected companies, OCA's module). Returns a
        notification of the result: the provider and the time of the update,
        or the error (kept on the company) and the time of the last update.
        The currencies selected in the list, if any, make no difference."""
        company = self.env.company
        # its access check first: a salesperson is refused before anything is said
        result = company.action_update_currency_rates()
        provider = company.crm_rate_provider
        if provider == "none":
            raise UserError(
                self.env._(
                    "%(company)s has no exchange rate provider: an administrator chooses one "
                    "in Invoicing > Configuration > Settings, Currencies (Daily exchange rates).",
                    company=company.name,
                )
            )
        last_update = company.crm_rate_last_update and format_datetime(
            self.env, company.crm_rate_last_update
        )
        if isinstance(result, dict):
            # the feed could not be used: its error, and when the rates in use
            # were stored
            if last_update:
                result["params"]["message"] += "\n" + self.env._(
                    "Rates last updated on %(date)s.", date=last_update
                )
            return result
        provider_name = dict(company._fields["crm_rate_provider"]._description_selection(self.env))[
            provider
        ]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Exchange rates updated"),
                "message": self.env._(
                    "%(company)s: the rates of %(provider)s stored on %(date)s.",
                    company=company.name,
                    provider=provider_name,
                    date=last_update,
                ),
                # the list shows the new rates
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _crm_rated(self, company, date):
        """Those of these currencies that have a rate on or before ``date`` in
        ``company``, as Odoo's conversion reads them: the root company's (a
        branch has none of its own) or shared ones. Odoo counts a currency
        without one one for one; the caller decides what that means."""
        # sudo: whether a rate exists, as Odoo's conversion reads the rates (the
        # root company's, which the user's record rules may hide); no rate is
        # shown to the user
        groups = (
            self.env["res.currency.rate"]
            .sudo()
            ._read_group(
                [
                    ("currency_id", "in", self.ids),
                    ("name", "<=", date),
                    ("company_id", "in", [False, company.root_id.id]),
                ],
                ["currency_id"],
            )
        )
        return self.browse([currency.id for [currency] in groups])

    def _crm_check_rate(self, company, date, message):
        """Refuse to convert an amount of this currency (one) on ``date`` in
        ``company`` without a rate to do it with (``_crm_rated``): a
        ``UserError`` of ``message``, a function of ``currency`` (its code),
        ``date`` (formatted) and ``company`` (the root company's name) giving
        the caller's sentence. The company's own currency needs none."""
        self.ensure_one()
        if self == company.currency_id or self._crm_rated(company, date):
            return
        raise UserError(
            message(
                currency=self.name,
                date=format_date(self.env, date),
                # sudo: the name of the company whose rates Odoo reads (a
                # branch's root, which the user may not read)
                company=company.sudo().root_id.name,
            )
        )
