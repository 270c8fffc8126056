from contextlib import contextmanager, nullcontext

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.crm_suite_base.models.row_locks import lock_and_touch

# ids of the leads a merge under way deletes once it has written the surviving
# lead, in the transaction's cache (not the context: a caller cannot send it)
_MERGED_AWAY = "crm_pipeline.merged_away_lead_ids"


@contextmanager
def merging_away(leads):
    """While in the block, the duplicate check does not count ``leads``: a
    merge that deletes them once it has written the surviving lead (Odoo's
    merge with ``auto_unlink``, the conversion wizard's merge)."""
    merging = leads.env.cr.cache.setdefault(_MERGED_AWAY, set())
    added = set(leads.ids) - merging
    merging |= added
    try:
        yield
    finally:
        merging -= added


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
        if not self._duplicate_vat_blocking_companies():
            # nothing configured: Odoo's create as it is (no savepoint, whose
            # flush would change when crm computes what it computes lazily)
            return super().create(vals_list)
        # a refused lead is not left behind for a caller that catches the error;
        # without a tax ID there is nothing to refuse and no savepoint either
        # (its flush would score the leads changed before at once, not when crm
        # does), but the leads are checked all the same
        given = self._duplicate_vat_given(vals_list)
        with self.env.cr.savepoint() if given else nullcontext():
            leads = super().create(vals_list)
            leads._check_duplicate_vat()
        return leads

    def write(self, vals):
        # a restored (lost, archived) lead is checked as a new one: another lead
        # may have taken its tax ID while it was archived; archiving never adds
        # a duplicate
        watched = {"vat", "company_id"} & set(vals) or vals.get("active")
        if not watched or not self._duplicate_vat_blocking_companies():
            return super().write(vals)
        # as in create, a savepoint only for leads that keep or get a tax ID (Odoo's
        # merge writes the company of leads that have none); sudo: only whether
        # they have one is read
        given = vals.get("vat") or ("vat" not in vals and any(self.sudo().mapped("vat")))
        with self.env.cr.savepoint() if given else nullcontext():
            res = super().write(vals)
            self._check_duplicate_vat()
        return res

    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, max_length=5):
        """The surviving lead takes the tax ID of a merged lead (the merged
        values) while that lead still exists: Odoo deletes it just after. The
        duplicate check does not count the leads the merge deletes; merged
        leads that are kept (``auto_unlink=False``) are duplicates."""
        if not auto_unlink:
            return super()._merge_opportunity(
                user_id=user_id, team_id=team_id, auto_unlink=auto_unlink, max_length=max_length
            )
        with merging_away(self):
            return super()._merge_opportunity(
                user_id=user_id, team_id=team_id, auto_unlink=auto_unlink, max_length=max_length
            )

    @api.model
    def _duplicate_vat_given(self, vals_list):
        """Whether a lead created from ``vals_list`` gets a tax ID, given or by
        default (``default_vat`` in the context, a user default)."""
        if any(vals.get("vat") for vals in vals_list):
            return True
        if all("vat" in vals for vals in vals_list):
            return False
        return bool(self.default_get(["vat"]).get("vat"))

    @api.model
    def _duplicate_vat_blocking_companies(self):
        """The companies with the setting "One lead per tax ID"."""
        # sudo: the settings of the leads' companies may be hidden from the user;
        # only whether one blocks is used.
        return self.env["res.company"].sudo().search([("crm_block_duplicate_vat", "=", True)])

    def _lock_duplicate_vat_scope(self, leads, blocking):
        """Touch the rows of the blocking companies the ``leads`` are checked
        against, in id order, before the search: two transactions giving a tax
        ID at the same time cannot both miss the other's uncommitted lead; the
        second waits for the first and gets a serialization failure, which
        Odoo answers by running the request again, which sees the first lead.
        The lock is PostgreSQL's "no key update" (a plain UPDATE's), so the
        rows referencing the company (every insert with a ``company_id``) are
        not held up."""
        ids = set()
        for lead in leads:
            if lead.company_id:
                if lead.company_id in blocking:
                    ids.add(lead.company_id.id)
            else:
                ids.update(blocking.ids)
        lock_and_touch(blocking.browse(sorted(ids)), no_key=True)

    def _check_duplicate_vat(self):
        """With the company setting "One lead per tax ID", refuse a lead whose tax
        ID is on another lead of its company (or without company). Checked after
        the write, on the stored key and the lead's own company, whatever the
        caller's context (``allowed_company_ids``) says: the transaction rolls
        back on refusal. Not bypassable."""
        # sudo: the settings of the leads' companies and the lead holding the tax
        # ID may be hidden from the user; only its name and owner are shown.
        leads = self.sudo().filtered(lambda lead: lead.intake_vat_key and lead.active)
        if not leads:
            return
        blocking = self._duplicate_vat_blocking_companies()
        if not blocking:
            return
        self._lock_duplicate_vat_scope(leads, blocking)
        merged_away = list(self.env.cr.cache.get(_MERGED_AWAY, ()))
        for lead in leads:
            company = lead.company_id
            if company:
                if company not in blocking:
                    continue
                scope = [("company_id", "in", [False, company.id])]
            else:
                # a lead without company clashes with the leads of every company
                # that blocks, and with those without company when the user's own
                # company blocks
                scope = [("company_id", "in", blocking.ids)]
                if self.env.user.company_id in blocking:
                    scope = ["|", ("company_id", "=", False), *scope]
            existing = lead.search(
                [
                    ("intake_vat_key", "=", lead.intake_vat_key),
                    ("id", "!=", lead.id),
                    ("id", "not in", merged_away),
                    *scope,
                ],
                limit=1,
            )
            if existing in leads:
                raise UserError(
                    self.env._(
                        "Tax ID %(vat)s is given to two leads: the company allows one lead "
                        "per tax ID.",
                        vat=lead.vat,
                    )
                )
            if existing:
                raise UserError(
                    self.env._(
                        "A lead with tax ID %(vat)s already exists (%(lead)s, salesperson "
                        "%(owner)s): the company allows one lead per tax ID.",
                        vat=lead.vat,
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
        # logged as the activation's own note (crm_lead.py)
        warned = self.filtered("duplicate_warning")
        if warned:
            warned._message_log_batch({lead.id: lead.duplicate_warning for lead in warned})
        return res
