import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.crm_suite_base.models.policy import check_one


class SaleOrderLineImport(models.TransientModel):
    """Offer items from a spreadsheet: products and quantities added to a
    quotation (``sale.order.action_import_lines``)."""

    _name = "sale.order.line.import"
    _description = "Import Offer Lines"

    order_id = fields.Many2one("sale.order", string="Quotation", ondelete="cascade")
    file = fields.Binary(string="Spreadsheet", required=True)
    file_name = fields.Char()

    # the links are read as superuser when the wizard is read (their names):
    # the user must be allowed to import into them (write access, hence read),
    # whether they come from the values or from a default of the context

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._check_import_targets()
        return wizards

    def write(self, vals):
        res = super().write(vals)
        self._check_import_targets(vals)
        return res

    def _check_import_targets(self, vals=None):
        """Hook: the records the wizards import into may be written by the user
        (``AccessError``); ``vals``: only the links a write changes (all of
        them at creation)."""
        if vals is None or "order_id" in vals:
            self.order_id.check_access("write")

    def _file_base64(self):
        self.ensure_one()
        if not self.file:
            raise UserError(self.env._("Choose the spreadsheet to import."))
        data = self.file
        # the field gives base64 (bytes); make sure it is base64 text
        try:
            base64.b64decode(data, validate=True)
        except ValueError as exc:
            raise UserError(self.env._("The file content is not valid base64.")) from exc
        return data.decode() if isinstance(data, bytes) else data

    def _import_target(self):
        """Hook: the records whose ``action_import_lines`` takes the file."""
        self.ensure_one()
        if not self.order_id:
            raise UserError(self.env._("Choose the quotation to import the lines into."))
        return self.order_id

    def action_import(self):
        check_one(self)
        target = self._import_target()
        # the binary widget gives the name; without one, the content tells
        # .xls and .xlsx apart and anything else is read as .csv
        target.action_import_lines(self._file_base64(), self.file_name or "import.csv")
        return {"type": "ir.actions.act_window_close"}
