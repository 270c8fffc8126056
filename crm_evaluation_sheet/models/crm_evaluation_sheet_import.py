from odoo import Command, fields, models
from odoo.exceptions import UserError

from odoo.addons.crm_pipeline.models.offer_import import read_offer_rows
from odoo.addons.crm_suite_base.models.policy import check_one

from .crm_evaluation_sheet import OPEN_STATES
from .crm_evaluation_sheet_line import MAX_QUANTITY


class CrmEvaluationSheet(models.Model):
    # the spreadsheet import of items kept apart from the sheet's flow on purpose
    _inherit = "crm.evaluation.sheet"  # pylint: disable=consider-merging-classes-inherited

    def action_import_lines(self, file_base64, file_name):
        """Add items to this draft or in-progress sheet from a spreadsheet
        (.xlsx, .xls, .csv), as quotations import theirs
        (``sale.order.action_import_lines``): product by internal reference,
        barcode or name, and quantity; every row is checked first and nothing
        is written when one is wrong (a quantity above the items' limit of
        1,000,000,000 too, as a row error). The sheet prices its items from
        the catalogue: a Price or Section column is not used (not even read:
        a price that is no number is no error).

        Returns ``{"created": n, "line_ids": [ids]}``."""
        check_one(self)
        self.check_access("write")
        if self.state not in OPEN_STATES:
            raise UserError(
                self.env._(
                    "%(sheet)s is finalized or cancelled: reset it to draft to add items.",
                    sheet=self.name,
                )
            )
        rows = read_offer_rows(
            self.env,
            file_base64,
            file_name,
            self.company_id or self.env.company,
            max_quantity=MAX_QUANTITY,
            prices=False,
        )
        sequence = max(self.line_ids.mapped("sequence"), default=0)
        commands = []
        for row in rows:
            sequence += 1
            commands.append(
                Command.create(
                    {
                        "product_id": row["product"].id,
                        "product_uom_qty": row["quantity"],
                        "sequence": sequence,
                    }
                )
            )
        before = self.line_ids
        self.write({"line_ids": commands})
        new_lines = self.line_ids - before
        return {"created": len(new_lines), "line_ids": new_lines.ids}

    def action_open_import_lines_wizard(self):
        check_one(self)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_pipeline.sale_order_line_import_action"
        )
        action["context"] = {"default_sheet_id": self.id}
        return action


class SaleOrderLineImport(models.TransientModel):
    _inherit = "sale.order.line.import"

    sheet_id = fields.Many2one(
        "crm.evaluation.sheet", string="Evaluation Sheet", ondelete="cascade"
    )

    def _check_import_targets(self, vals=None):
        res = super()._check_import_targets(vals)
        if vals is None or "sheet_id" in vals:
            self.sheet_id.check_access("write")
        return res

    def _import_target(self):
        self.ensure_one()
        if self.sheet_id and not self.order_id:
            return self.sheet_id
        return super()._import_target()
