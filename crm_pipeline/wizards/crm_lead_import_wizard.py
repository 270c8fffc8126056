import base64

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.crm_suite_base.models.policy import check_one

from ..models.crm_lead_intake import IMPORT_FIELDS

PREVIEW_ROWS = 10


class CrmLeadImportWizard(models.TransientModel):
    _name = "crm.lead.import.wizard"
    _description = "Import Leads from a Spreadsheet"

    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("done", "Done")], default="upload"
    )
    file = fields.Binary(string="Spreadsheet", required=True, attachment=False)
    file_name = fields.Char()
    encoding = fields.Selection(
        [
            ("auto", "Detect"),
            ("utf-8", "UTF-8"),
            ("cp1250", "Windows-1250 (Central European)"),
            ("cp1251", "Windows-1251 (Cyrillic)"),
        ],
        default="auto",
        required=True,
        help="Only for .csv files.",
    )
    mode = fields.Selection(
        [("all", "All or nothing"), ("skip_invalid", "Skip invalid rows")],
        default="all",
        required=True,
    )
    duplicate_action = fields.Selection(
        [
            ("skip", "Skip the row"),
            ("update", "Update the existing lead"),
            ("create", "Create anyway"),
        ],
        string="Rows Matching an Existing Lead or Contact",
        default="skip",
        required=True,
    )
    mapping_ids = fields.One2many("crm.lead.import.mapping", "wizard_id", string="Columns")
    preview_html = fields.Html(readonly=True, sanitize=False)
    total_count = fields.Integer(readonly=True)
    created_count = fields.Integer(readonly=True)
    updated_count = fields.Integer(readonly=True)
    skipped_count = fields.Integer(readonly=True)
    rejected_count = fields.Integer(readonly=True)
    duplicate_count = fields.Integer(readonly=True)
    aborted = fields.Boolean(readonly=True)
    rejected_file = fields.Binary(readonly=True, attachment=False)
    rejected_file_name = fields.Char(readonly=True)
    lead_ids = fields.Many2many("crm.lead", string="Imported Leads", readonly=True)

    def _options(self):
        return {
            "mode": self.mode,
            "duplicate_action": self.duplicate_action,
            "encoding": self.encoding,
        }

    def _content(self):
        if not self.file:
            raise UserError(self.env._("Choose the spreadsheet to import."))
        return base64.b64decode(self.file)

    def _mapping_overrides(self):
        return {line.column_index: line.field or False for line in self.mapping_ids}

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import Leads"),
        }

    def action_preview(self):
        check_one(self)
        Lead = self.env["crm.lead"]
        Lead.check_access("create")
        overrides = self._mapping_overrides() if self.mapping_ids else None
        summary = Lead._intake_run(
            self._content(), self.file_name, self._options(), overrides, dry_run=True
        )
        if not self.mapping_ids:
            self.mapping_ids = [
                fields.Command.create(
                    {"column_index": index, "header": header, "field": summary["_mapping"][index]}
                )
                for index, header in enumerate(summary["_header"])
            ]
        self.write(
            {
                "state": "preview",
                "preview_html": self._preview_html(summary),
                "total_count": summary["total"],
                "rejected_count": summary["rejected"],
                "duplicate_count": summary["duplicates"],
            }
        )
        return self._reopen()

    @api.model
    def _preview_html(self, summary):
        header = summary["_header"]
        head = Markup("").join(Markup("<th>%s</th>") % h for h in header)
        body = Markup("")
        for row in summary["_rows"][:PREVIEW_ROWS]:
            notes = list(row["errors"])
            if row.get("duplicate"):
                notes.append(self.env._("Matches %(match)s.", match=row["duplicate"]))
            css = "table-danger" if row["errors"] else ("table-warning" if notes else "")
            cells = Markup("").join(Markup("<td>%s</td>") % c for c in row["cells"])
            body += Markup('<tr class="%s"><td>%s</td>%s<td>%s</td></tr>') % (
                css,
                row["number"],
                cells,
                " ".join(notes),
            )
        return Markup(
            '<table class="table table-sm o_crm_lead_import_preview"><thead><tr>'
            "<th>%s</th>%s<th>%s</th></tr></thead><tbody>%s</tbody></table>"
        ) % (escape(self.env._("Row")), head, escape(self.env._("Errors / matches")), body)

    def action_import(self):
        check_one(self)
        Lead = self.env["crm.lead"]
        Lead.check_access("create")
        overrides = self._mapping_overrides() if self.mapping_ids else None
        summary = Lead._intake_run(self._content(), self.file_name, self._options(), overrides)
        self.write(
            {
                "state": "done",
                "total_count": summary["total"],
                "created_count": summary["created"],
                "updated_count": summary["updated"],
                "skipped_count": summary["skipped"],
                "rejected_count": summary["rejected"],
                "duplicate_count": summary["duplicates"],
                "aborted": summary["aborted"],
                "rejected_file": summary["rejected_file"],
                "rejected_file_name": summary["rejected_file_name"],
                "lead_ids": [fields.Command.set(summary["lead_ids"])],
            }
        )
        return self._reopen()

    def action_open_leads(self):
        check_one(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "name": self.env._("Imported Leads"),
            "view_mode": "list,form",
            "domain": [("id", "in", self.lead_ids.ids)],
        }


class CrmLeadImportMapping(models.TransientModel):
    _name = "crm.lead.import.mapping"
    _description = "Lead Import Column"
    _order = "column_index"

    wizard_id = fields.Many2one("crm.lead.import.wizard", required=True, ondelete="cascade")
    column_index = fields.Integer(readonly=True)
    header = fields.Char(string="Column", readonly=True)
    field = fields.Selection(
        [(key, label) for key, (label, _aliases) in IMPORT_FIELDS.items()],
        string="Imports Into",
        help="Leave empty to ignore the column.",
    )


class CrmLeadTaxIdWizard(models.TransientModel):
    _name = "crm.lead.tax.id.wizard"
    _description = "New Lead from Tax ID"

    vat = fields.Char(string="Tax ID", required=True)
    country_id = fields.Many2one(
        "res.country", help="Needed only when the tax ID has no country prefix (default Romania)."
    )

    def action_create_lead(self):
        check_one(self)
        lead_id = self.env["crm.lead"].create_from_tax_id(self.vat, self.country_id.code or None)
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead_id,
            "view_mode": "form",
            "target": "current",
        }
