from odoo import models

#: Marks the context of a PDF rendering whose quotations were checked: Odoo's
#: ``_render_qweb_pdf`` renders them through ``_render_qweb_html``, which then
#: needs no second check. A Python object compared by identity: no request
#: (a JSON or XML-RPC context) can carry it.
_CHECKED_KEY = "crm_pipeline_offer_report_checked"
_CHECKED = object()


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _check_offer_report(self, report_ref, res_ids):
        """A quotation's report (quotation, proforma) is the client's copy: it
        waits for a sales manager's approval like sending does."""
        if not res_ids or self.env.context.get(_CHECKED_KEY) is _CHECKED:
            return
        report = self._get_report(report_ref)
        if report.model == "sale.order":
            ids = [res_ids] if isinstance(res_ids, int) else res_ids
            self.env["sale.order"].browse(ids).exists()._check_offer_approved(
                self.env._("be printed for the client")
            )

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        self._check_offer_report(report_ref, res_ids)
        return super(
            IrActionsReport, self.with_context(**{_CHECKED_KEY: _CHECKED})
        )._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    def _render_qweb_html(self, report_ref, docids, data=None):
        # the /report/html/ route and the portal's report_type=html
        self._check_offer_report(report_ref, docids)
        return super()._render_qweb_html(report_ref, docids, data=data)
