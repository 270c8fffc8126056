"""18.0.1.2.26: since 18.0.1.2.16 a revision takes over the supplier
orders of the quotation it replaces (``_crm_hand_over_supplier_orders``).
The quotations revised before kept them, cancelled: the revision's Create
Supplier Orders ordered their goods a second time. Each cancelled quotation
that was revised hands its supplier orders (cancelled ones too) over to its
latest revision, the last of its chain of revisions, as its revisions would
have handed them on since.

Revisions are crm_evaluation_sheet's (``sale_order.revision_of_id``), which
crm_supply does not depend on, and whose fields may not be loaded yet when
this runs: the chains are read from the column, when it exists.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)


def _latest_revisions(cr):
    """{cancelled quotation id: id of the last revision of its chain}, for the
    cancelled quotations that were revised and hold supplier orders. A
    quotation's next revision is the latest made from it (the highest id)."""
    cr.execute(
        SQL(
            """
            WITH RECURSIVE next AS (
                SELECT DISTINCT ON (revision_of_id) revision_of_id AS order_id, id AS next_id
                  FROM sale_order
                 WHERE revision_of_id IS NOT NULL
                 ORDER BY revision_of_id, id DESC
            ), chain AS (
                SELECT so.id AS origin_id, next.next_id AS revision_id, 1 AS depth
                  FROM sale_order so
                  JOIN next ON next.order_id = so.id
                 WHERE so.state = 'cancel'
                   AND EXISTS (SELECT 1 FROM crm_supply_sale_purchase_rel rel
                                WHERE rel.sale_order_id = so.id)
                 UNION ALL
                SELECT chain.origin_id, next.next_id, chain.depth + 1
                  FROM chain
                  JOIN next ON next.order_id = chain.revision_id
                 WHERE chain.depth < 1000
            )
            SELECT DISTINCT ON (origin_id) origin_id, revision_id
              FROM chain
             ORDER BY origin_id, depth DESC
            """
        )
    )
    return dict(cr.fetchall())


def hand_over_supplier_orders(env):
    """Hand the supplier orders of the revised cancelled quotations over to
    their latest revisions; returns ``{quotation: revision}``."""
    if not column_exists(env.cr, "sale_order", "revision_of_id"):
        return {}
    Order = env["sale.order"]
    handed = {}
    for origin_id, revision_id in _latest_revisions(env.cr).items():
        origin, revision = Order.browse(origin_id), Order.browse(revision_id)
        origin._crm_hand_over_supplier_orders(revision)
        handed[origin] = revision
    return handed


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    handed = hand_over_supplier_orders(env)
    _logger.info(
        "Supplier orders of %d revised cancelled quotations handed over to their latest "
        "revision%s",
        len(handed),
        "".join(f"\n  {origin.name} -> {revision.name}" for origin, revision in handed.items()),
    )
