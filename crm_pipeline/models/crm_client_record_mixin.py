from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from odoo.addons.crm_suite_base.models.policy import (
    FREE,
    INTEGER_MAX,
    field_label,
    is_privileged,
    model_label,
)

# whose record it is, on which lead and which client: not for the holder of the
# lead's open step
_OWNER_FIELDS = ("user_id", "lead_id", "partner_id")


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= INTEGER_MAX


class CrmClientRecordMixin(models.AbstractModel):
    """What an interaction and a task share: a client, a contact person, a lead,
    an internal user and a company.

    One meaning of "client" for every record filed on one: the commercial entity
    (a company, or an individual without company). A contact person given as the
    client is filed on their company and kept as the contact. A record filed on a
    lead takes the lead's customer and company. The counts on leads and partners
    are grouped queries (``_count_by_lead``, ``_count_by_partner``).
    """

    _name = "crm.client.record.mixin"
    _description = "CRM Client Record"
    _check_company_auto = True
    # record rules and the lead's write access (``_check_leads_writable``) guard
    # them: any user with access to the record files it
    _crm_write_policy = {
        "partner_id": FREE,
        "contact_id": FREE,
        "lead_id": FREE,
        "user_id": FREE,
        "company_id": FREE,
    }

    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The commercial entity (company, or individual without company). "
        "Given a contact person, the record is filed on that person's company "
        "and the person is kept as the contact.",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact Person",
        index="btree_not_null",
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="The person at the client.",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Lead/Opportunity",
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
    )
    user_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.depends("lead_id")
    def _compute_partner_id(self):
        for record in self:
            partner = record.lead_id.partner_id.commercial_partner_id
            record.partner_id = partner or record.partner_id

    @api.depends("lead_id")
    def _compute_company_id(self):
        for record in self:
            record.company_id = record.lead_id.company_id or record.company_id or self.env.company

    @api.constrains("user_id")
    def _check_user_internal(self):
        """An internal user, and an active one: an archived user never sees
        the record nor gets its notifications. Not checked for the superuser
        (data files, migrations that keep the history of a former employee)."""
        for record in self:
            user = record.user_id
            if user.share:
                raise ValidationError(
                    self.env._(
                        "%(record)s: %(what)s must be an internal user, not %(user)s.",
                        record=model_label(self.env, record._name),
                        what=field_label(self.env, record._fields["user_id"]),
                        user=user.name,
                    )
                )
            if not user.active and not self.env.su:
                raise ValidationError(
                    self.env._(
                        "%(record)s: %(what)s must be an active user, not %(user)s (archived).",
                        record=model_label(self.env, record._name),
                        what=field_label(self.env, record._fields["user_id"]),
                        user=user.name,
                    )
                )

    @api.constrains("user_id", "company_id")
    def _check_user_company(self):
        """The user works in the record's company: they could not see it
        otherwise (multi-company record rules). Checked again when the record
        moves to another company (filed on a lead of another company); not for
        the superuser (data files, a merge moving the merged leads' records)."""
        if self.env.su:
            return
        for record in self:
            user, company = record.user_id, record.company_id
            # sudo: only which companies the user belongs to is compared
            if user and company and company not in user.sudo().company_ids:
                raise ValidationError(
                    self.env._(
                        "%(record)s: %(user)s has no access to company %(company)s: choose "
                        "someone who works in that company as %(what)s.",
                        record=model_label(self.env, record._name),
                        what=field_label(self.env, record._fields["user_id"]),
                        user=user.name,
                        company=company.name,
                    )
                )

    @api.constrains("partner_id", "contact_id")
    def _check_contact_belongs_to_client(self):
        for record in self:
            contact = record.contact_id
            if contact and contact.commercial_partner_id != record.partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(client)s.",
                        contact=contact.display_name,
                        client=record.partner_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Client and lead given by a caller
    # ------------------------------------------------------------------

    @api.model
    def _check_leads_writable(self, lead_ids):
        """Filing a record on a lead, or taking it off one, changes that lead:
        its log, its tasks (their count, its timeline, the open ones that keep
        it from being deleted). The user must be allowed to write each lead
        (``AccessError``), as for competitor links; reading it is not enough.
        Checked before anything is written: a record filed on a lead takes the
        lead's client and company in stored computes, and nobody learns
        another salesperson's lead that way. Values that are not ids are the
        write policy's to refuse."""
        self.env["crm.lead"]._crm_check_writable(lead_ids)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_lead_not_writable(self):
        """Deleting a record filed on a lead takes it off that lead, as moving
        it does (its log, task count and timeline, the open tasks that keep it
        from being deleted): the user must be allowed to write the lead
        (``AccessError``). The assignee of a task on someone else's lead, or
        the salesperson of a call logged there, works it but does not delete
        it; records without a lead are their owners' to delete."""
        self._check_leads_writable(self.lead_id.ids)

    def _reached_through_step_only(self):
        """The records of these that the user reaches only by holding the open
        step of their lead (the ``*_rule_open_step`` record rules): neither
        theirs nor created by them, not on one of their leads, and the user
        does not see all leads."""
        if self.env.su or self.env.user.has_group("sales_team.group_sale_salesman_all_leads"):
            return self.browse()
        uid = self.env.uid
        # sudo: who the records and their leads belong to, to tell which rule
        # gives the user access; nothing is returned but these records
        reached = self.sudo().filtered(
            lambda r: uid not in (r.user_id.id, r.create_uid.id, r.lead_id.user_id.id)
        )
        return self.browse(reached.ids)

    def _check_owner_fields(self, vals):
        """The holder of a lead's open step works its interactions and tasks,
        but does not reassign them, move them off the lead nor file them on
        another client (``AccessError``): either would make them the holder's
        to delete, or take them from the lead's salesperson and its client's
        file. ``vals`` are normalised (a contact person of the same client
        keeps the client). Checked before anything is written."""
        fnames = [fname for fname in _OWNER_FIELDS if fname in vals]
        if not fnames:
            return
        for record in self._reached_through_step_only():
            changed = [fname for fname in fnames if record[fname].id != (vals[fname] or False)]
            if changed:
                raise AccessError(
                    self.env._(
                        "You work on %(record)s through the responsibility you hold on "
                        "lead %(lead)s: only the lead's salesperson or a sales manager "
                        "can change its %(fields)s.",
                        record=record.display_name,
                        lead=record.lead_id.display_name,
                        fields=", ".join(field_label(self.env, self._fields[f]) for f in changed),
                    )
                )

    @api.model
    def _normalize_client(self, vals):
        """File the record on the commercial partner of the given client; a
        contact person given as client becomes the contact."""
        partner_id = vals.get("partner_id")
        if not partner_id or isinstance(partner_id, bool) or not isinstance(partner_id, int):
            # nothing to file, or not an id: the write policy refuses it cleanly
            return vals
        partner = self.env["res.partner"].browse(partner_id)
        commercial = partner.commercial_partner_id
        if commercial != partner:
            vals = dict(vals, partner_id=commercial.id)
            vals.setdefault("contact_id", partner.id)
        return vals

    @api.model
    def default_get(self, fields_list):
        """A contact person given as the default client (the smart button or
        the *Actions* menu of a person's form) is shown as a create files it:
        their company as the client, the person as the contact. A form that
        shows the contact would otherwise send it empty, and the person would
        be lost."""
        defaults = super().default_get(fields_list)
        if "contact_id" in fields_list and not defaults.get("contact_id"):
            without_contact = {k: v for k, v in defaults.items() if k != "contact_id"}
            normalized = self._normalize_client(without_contact)
            if normalized.get("contact_id"):
                defaults = normalized
        return defaults

    def _client_from_contact(self, vals):
        """A contact person given without a client, for a record that has none
        (on a lead without customer): filed on the person's client, as when
        the person is given as the client."""
        contact_id = vals.get("contact_id")
        if vals.get("partner_id") or not _is_id(contact_id) or self.partner_id:
            return vals
        # read as the user: a contact they cannot read is refused
        client = self.env["res.partner"].browse(contact_id).commercial_partner_id
        return dict(vals, partner_id=client.id)

    def _prepare_client_vals(self, vals, create=False):
        """Hook: ``vals`` of a create (``create=True``) or a write, checked and
        normalised."""
        lead_id = vals.get("lead_id")
        if create and not lead_id:
            lead_id = self.env.context.get("default_lead_id")
        if create:
            self._check_leads_writable([lead_id])
        else:
            vals = self._client_from_contact(vals)
            # the client compared as it will be filed (its commercial entity)
            vals = self._normalize_client(vals)
            self._check_owner_fields(vals)
        if not create and "lead_id" in vals:
            # moved to another lead, or taken off its lead: both leads change
            moving = self.filtered(lambda record: record.lead_id.id != (lead_id or False))
            if moving:
                self._check_leads_writable([lead_id, *moving.lead_id.ids])
        if create and "partner_id" not in vals and self.env.context.get("default_partner_id"):
            vals = dict(vals, partner_id=self.env.context["default_partner_id"])
        vals = self._normalize_client(vals)
        if create:
            if not vals.get("partner_id") and "partner_id" in vals and lead_id:
                # no client given with the lead: it follows from the lead
                vals = {k: v for k, v in vals.items() if k != "partner_id"}
            if not self._lead_customer(lead_id):
                vals = self._client_from_contact(vals)
            self._check_client_of_lead(vals, lead_id)
        elif "partner_id" in vals:
            # on the lead given with the client, or on each record's own (a
            # record whose client and lead stay as they are is left alone)
            lead_ids = {
                vals["lead_id"] if "lead_id" in vals else record.lead_id.id
                for record in self
                if record.partner_id.id != (vals["partner_id"] or False)
                or ("lead_id" in vals and record.lead_id.id != (vals["lead_id"] or False))
            }
            for lead_id in lead_ids:
                self._check_client_of_lead(vals, lead_id)
        return vals

    @api.model
    def _lead_customer(self, lead_id):
        """The client a record filed on this lead takes: its customer's
        commercial entity (empty without a valid lead or customer)."""
        if not _is_id(lead_id):
            return self.env["res.partner"]
        # sudo: only the lead's customer is read (the caller may write the
        # lead, checked before); nothing of it is returned to the caller
        lead = self.env["crm.lead"].sudo().browse(lead_id).exists()
        return lead.partner_id.commercial_partner_id

    @api.model
    def _check_client_of_lead(self, vals, lead_id):
        """A record filed on a lead that has a customer is filed on that
        customer's client (its commercial entity): the lead's log and the
        client's file show it. Another client given with the lead is refused
        (``ValidationError``), before anything is written; a record without a
        lead, or on a lead without a customer, takes any client. The suite's
        own paths (a merge keeps each record's client) write through
        ``privileged``."""
        if "partner_id" not in vals or not _is_id(lead_id) or is_privileged(self):
            return
        partner_id = vals["partner_id"]
        if partner_id and not _is_id(partner_id):
            return  # not an id: the write policy refuses it cleanly
        # sudo: only the lead's customer is compared (the caller may write the
        # lead, checked before); nothing of it is written or returned but its
        # name in the message
        lead = self.env["crm.lead"].sudo().browse(lead_id).exists()
        client = lead.partner_id.commercial_partner_id
        if client and client.id != (partner_id or False):
            raise ValidationError(
                self.env._(
                    "%(record)s is filed on lead %(lead)s: its client is the lead's "
                    "customer, %(client)s. Choose that client (or one of its contacts), "
                    "or file it without the lead.",
                    record=model_label(self.env, self._name),
                    lead=lead.display_name,
                    client=client.display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._prepare_client_vals(vals, create=True) for vals in vals_list])

    def write(self, vals):
        return super().write(self._prepare_client_vals(vals))

    # ------------------------------------------------------------------
    # Counts (one grouped query for any number of leads or partners)
    # ------------------------------------------------------------------

    @api.model
    def _client_domain(self, partners):
        """Records filed on these partners, or on their contact persons."""
        return [
            "|",
            ("partner_id", "child_of", partners.ids),
            ("contact_id", "child_of", partners.ids),
        ]

    @api.model
    def _count_by_lead(self, leads):
        """{lead id: number of records the user can read on it}"""
        leads = leads.filtered("id")
        if not leads:
            return {}
        groups = self._read_group([("lead_id", "in", leads.ids)], ["lead_id"], ["__count"])
        return {lead.id: count for lead, count in groups}

    @api.model
    def _count_by_partner(self, partners):
        """{partner id: number of records the user can read filed on the partner,
        its children, or their contact persons}: one grouped query by client and
        contact, each group counted once for every partner it falls under."""
        partners = partners.filtered("id")
        if not partners:
            return {}
        groups = self._read_group(
            self._client_domain(partners), ["partner_id", "contact_id"], ["__count"]
        )
        counts = dict.fromkeys(partners.ids, 0)
        wanted = set(partners.ids)
        parent_of = self._partner_parents(
            {partner.id for client, contact, _count in groups for partner in client | contact}
        )
        for client, contact, count in groups:
            under = set()
            for partner_id in (client | contact).ids:
                # the partner and its parents (child_of)
                while partner_id and partner_id not in under:
                    under.add(partner_id)
                    partner_id = parent_of.get(partner_id)
            for partner_id in under & wanted:
                counts[partner_id] += count
        return counts

    @api.model
    def _partner_parents(self, partner_ids):
        """{partner id: parent id} for these partners and all their ancestors, one
        query per level of the hierarchy."""
        # sudo: only ids of parents are read, to count; nothing reaches the user.
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        parent_of = {}
        todo = set(partner_ids)
        while todo:
            records = Partner.browse(todo)
            records.fetch(["parent_id"])
            for record in records:
                parent_of[record.id] = record.parent_id.id
            todo = {pid for pid in parent_of.values() if pid and pid not in parent_of}
        return parent_of
