from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal

from ..models.sale_order_offer import PENDING


class OfferApprovalPortal(CustomerPortal):
    def _prepare_quotations_domain(self, partner):
        """The customer's list of quotations (/my/quotes, and its count on
        /my) leaves out the quotations waiting for a sales manager's approval,
        whose page is refused: it shows their name and total."""
        domain = super()._prepare_quotations_domain(partner)
        return [*domain, ("offer_approval_state", "not in", PENDING)]

    @http.route()
    def portal_order_page(
        self,
        order_id,
        report_type=None,
        access_token=None,
        message=False,
        download=False,
        downpayment=None,
        **kw,
    ):
        """A quotation waiting for a sales manager's approval is not shown to the
        customer (its page, its HTML and PDF), whether they hold the link of an
        earlier version or log in to the portal: it is the client's copy, like
        the one sent by e-mail. Internal users (the salesperson's Preview) see it."""
        if request.env.user.share:
            try:
                order_sudo = self._document_check_access(
                    "sale.order", order_id, access_token=access_token
                )
            except (AccessError, MissingError):
                order_sudo = None  # Odoo's page answers as it does
            if order_sudo and order_sudo._offer_waits_for_approval():
                # not the approval message: its reason is internal (limits, discounts)
                raise UserError(
                    request.env._(
                        "This quotation is being updated. Your contact will send you "
                        "the new version."
                    )
                )
        return super().portal_order_page(
            order_id,
            report_type=report_type,
            access_token=access_token,
            message=message,
            download=download,
            downpayment=downpayment,
            **kw,
        )
