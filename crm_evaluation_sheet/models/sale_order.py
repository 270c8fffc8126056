import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, LazyTranslate

from odoo.addons.crm_suite_base.models.policy import check_one, owned, privileged, safe_tz

# Where a quotation comes from and which revision it is: set only by quotation
# generation and action_revise.
_lt = LazyTranslate(__name__)

_REVISION_HINT = _lt("generate the quotation from its evaluation sheet, or use Revise.")


def lock_rows(records, message):
    """Lock the rows of ``records`` for this transaction, or raise a
    ``UserError`` with ``message`` when another transaction holds them."""
    if not records:
        return
    try:
        with records.env.cr.savepoint(flush=False):
            records.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                    SQL.identifier(records._table),
                    tuple(records.ids),
                ),
                log_exceptions=False,
            )
    except psycopg2.errors.LockNotAvailable as exc:
        raise UserError(message) from exc


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "crm.write.policy.mixin", "crm.sale.revision.mixin"]
    _crm_write_policy = {
        "evaluation_sheet_id": owned(_REVISION_HINT, create=(False,)),
        "revision_of_id": owned(_REVISION_HINT, create=(False,)),
        "revision_root_id": owned(_REVISION_HINT, create=(False,)),
        "revision_number": owned(_REVISION_HINT, create=(False,)),
        "revision_ids": owned(_REVISION_HINT),
    }

    evaluation_sheet_id = fields.Many2one(
        "crm.evaluation.sheet",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
        help="Evaluation sheet this quotation was generated from.",
        groups="base.group_user",
    )
    revision_of_id = fields.Many2one(
        "sale.order",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The previous revision, cancelled when this one was made.",
        groups="base.group_user",
    )
    revision_ids = fields.One2many(
        "sale.order",
        "revision_of_id",
        string="Next Revisions",
        readonly=True,
        groups="base.group_user",
    )
    revision_root_id = fields.Many2one(
        "sale.order",
        string="Original Quotation",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    revision_number = fields.Integer(readonly=True, copy=False, default=0)
    revision_history_ids = fields.Many2many(
        "sale.order",
        string="All Revisions",
        compute="_compute_revision_history_ids",
        help="Every revision of this quotation, the original included.",
        groups="base.group_user",
    )
    revision_count = fields.Integer(compute="_compute_revision_history_ids")

    _sql_constraints = [
        (
            "revision_number_unique",
            "unique(revision_root_id, revision_number)",
            "This revision of the quotation already exists.",
        ),
    ]

    @api.depends("revision_root_id", "revision_ids")
    def _compute_revision_history_ids(self):
        roots = self.mapped(lambda o: o.revision_root_id or o)
        chains = self.search_fetch(
            [("revision_root_id", "in", [r.id for r in roots if isinstance(r.id, int)])],
            ["revision_root_id", "revision_number"],
        )
        for order in self:
            root = order.revision_root_id or order
            history = root | chains.filtered(lambda o, root=root: o.revision_root_id == root)
            order.revision_history_ids = history.sorted("revision_number")
            order.revision_count = len(history)

    def _prepare_revision_vals(self):
        """Values linking a new revision to ``self``, the current last revision."""
        self.ensure_one()
        self.check_access("write")
        # sudo: the original may belong to another salesperson; only its name and
        # number are read, to number this revision after the access check above
        root = (self.revision_root_id or self).sudo()
        # one numbering of a quotation's revisions at a time
        lock_rows(
            root,
            self.env._(
                "%(name)s is being revised by someone else right now: reload it.", name=root.name
            ),
        )
        # sudo: the number must count every revision of the quotation, including
        # those the user cannot see (another salesperson's); only the highest
        # number is read, after the user's write access to this one was checked.
        last = max(
            self.sudo()
            .with_context(active_test=False)
            .search([("revision_root_id", "=", root.id)])
            .mapped("revision_number")
            + [root.revision_number]
        )
        number = last + 1
        return {
            "name": self.env._("%(name)s-R%(number)s", name=root.name, number=number),
            "revision_of_id": self.id,
            "revision_root_id": root.id,
            "revision_number": number,
            "evaluation_sheet_id": self.evaluation_sheet_id.id,
        }

    def action_revise(self):
        """Make the next revision of the quotation: a copy named after the
        original with a ``-R<n>`` suffix, which takes over what this one holds
        (``_crm_hand_over_to``: crm_supply's stock reservations); this one is
        cancelled. Returns an action on the new revision."""
        self = safe_tz(self)  # noqa: PLW0642 - the same records, in a usable context
        revisions = self.browse()
        notes = {}
        self._lock_for_revision()
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(
                    self.env._(
                        "Only a quotation can be revised: %(name)s is confirmed or cancelled.",
                        name=order.name,
                    )
                )
            if order.locked:
                raise UserError(self.env._("%(name)s is locked.", name=order.name))
            revision = order.browse(privileged(order).copy(order._prepare_revision_vals()).id)
            # what the quotation holds (crm_supply's reservations) goes to the
            # revision before the cancellation releases it
            order._crm_hand_over_to(revision)
            order._action_cancel()
            notes[order.id] = self.env._(
                "Revised: replaced by %(order)s.", order=revision._get_html_link()
            )
            notes[revision.id] = self.env._("Revision of %(order)s.", order=order._get_html_link())
            revisions |= revision
        # logged as Odoo logs what its own flows do (the user wrote the
        # quotations and made their revisions): a user without an e-mail
        # address revises too; the notes of all of them created at once
        self.browse(notes)._message_log_batch(notes)
        return revisions._get_records_action(name=self.env._("Revised Quotations"))

    def _lock_for_revision(self):
        """Only one transaction revises a quotation at a time."""
        lock_rows(
            self,
            self.env._(
                "%(names)s is being revised by someone else right now: reload it.",
                names=", ".join(self.mapped("name")),
            ),
        )

    def action_view_revisions(self):
        check_one(self)
        return self.revision_history_ids._get_records_action(
            name=self.env._("Revisions of %(name)s", name=(self.revision_root_id or self).name),
            context={"create": False},
        )


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _crm_sheet_price_applied(self):
        """Hook called on the lines of a generated quotation that an evaluation
        sheet gave its own price and discount (the catalogue changed since the
        sheet was priced, ``crm.evaluation.sheet._apply_sheet_prices``), as the
        user who generates, once written: what was computed with the
        catalogue's price no longer describes the line (crm_pricing clears the
        explanation of that price). This one does nothing; overrides, of addons
        that may not depend on this one, call the parent's when there is one."""
        parent = getattr(super(), "_crm_sheet_price_applied", None)
        return parent() if parent else None
