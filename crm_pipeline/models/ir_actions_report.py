from odoo import models


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """A quotation's PDF (quotation, proforma) is the client's copy: it
        waits for a sales manager's approval like sending does."""
        report = self._get_report(report_ref)
        if report.model == "sale.order" and res_ids:
            ids = [res_ids] if isinstance(res_ids, int) else res_ids
            self.env["sale.order"].browse(ids).exists()._check_offer_approved(
                self.env._("be printed for the client")
            )
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
