from odoo import api, fields, models
from odoo.exceptions import UserError

from . import intake_keys


class CrmLead(models.Model):
    # Lead intake (duplicate guard) kept apart from the other crm.lead extensions on
    # purpose (one concern per file), hence the pylint exception.
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    duplicate_warning = fields.Text(
        compute="_compute_duplicate_warning",
        help="Leads and contacts with the same tax ID, e-mail or phone that belong "
        "to another salesperson.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_duplicate_vat(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("vat"):
            self._check_duplicate_vat([dict(vals) for _lead in self], exclude=self)
        return super().write(vals)

    @api.model
    def _check_duplicate_vat(self, vals_list, exclude=None):
        """With the company setting "One lead per tax ID", refuse a lead whose tax
        ID is on another lead (or twice in the same call). Not bypassable."""
        companies = self.env["res.company"].browse(
            {vals.get("company_id") or self.env.company.id for vals in vals_list}
        )
        blocking = companies.filtered("crm_block_duplicate_vat")
        if not blocking:
            return
        keys = {}
        for vals in vals_list:
            if (vals.get("company_id") or self.env.company.id) not in blocking.ids:
                continue
            key = intake_keys.vat_key(vals.get("vat"))
            if not key:
                continue
            if key in keys:
                raise UserError(
                    self.env._(
                        "Tax ID %(vat)s is given to two leads: the company allows one lead "
                        "per tax ID.",
                        vat=vals["vat"],
                    )
                )
            keys[key] = vals["vat"]
        if not keys:
            return
        domain = [
            ("intake_vat_key", "in", list(keys)),
            ("company_id", "in", [False, *blocking.ids]),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        # sudo: the lead holding the tax ID may be hidden from the user by record
        # rules; only its name and owner are shown.
        existing = self.sudo().search(domain, limit=1)
        if existing:
            raise UserError(
                self.env._(
                    "A lead with tax ID %(vat)s already exists (%(lead)s, salesperson "
                    "%(owner)s): the company allows one lead per tax ID.",
                    vat=keys[existing.intake_vat_key],
                    lead=existing.name,
                    owner=existing.user_id.name or self.env._("none"),
                )
            )

    @api.depends_context("uid")
    @api.depends("vat", "email_from", "phone", "mobile", "user_id")
    def _compute_duplicate_warning(self):
        rows = []
        for lead in self:
            if lead._origin.id:
                # The warning reads other records as superuser: only for a lead
                # the user may read.
                lead._origin.check_access("read")
            rows.append(
                {
                    "vals": {
                        "vat": lead.vat,
                        "email_from": lead.email_from,
                        "phone": lead.phone,
                        "mobile": lead.mobile,
                    }
                }
            )
        self._intake_find_matches(rows)
        for lead, row in zip(self, rows, strict=True):
            own_partners = lead.partner_id | lead.partner_id.commercial_partner_id
            others = [
                m
                for m in row.get("matches", [])
                if m.user_id
                and m.user_id != lead.user_id
                and not (m._name == "crm.lead" and m.id == lead._origin.id)
                and not (m._name == "res.partner" and m in own_partners)
            ]
            if others:
                lead.duplicate_warning = self.env._(
                    "Possible duplicate of records owned by other salespeople: %(matches)s",
                    matches="; ".join(self._intake_match_label(m) for m in others),
                )
            else:
                lead.duplicate_warning = False

    def _post_activation(self, responsibilities):
        """On activation, the duplicate warning (if any) is also logged in the
        chatter, since the lead now has its salesperson."""
        res = super()._post_activation(responsibilities)
        for lead in self:
            if lead.duplicate_warning:
                lead.message_post(body=lead.duplicate_warning, subtype_xmlid="mail.mt_note")
        return res
