"""18.0.1.3.9: a line keeps two explanations of its price, one with the
client's turnover figures (``crm_pricing_explanation_full``, read through
``pricing_explanation`` by who may see that client's turnover) and one naming
turnover rules by their label only (``crm_pricing_explanation_label``).

The stored ``pricing_explanation`` becomes the first; the second is made from
it with every rule's reasons left out ("Gold tier: turnover ... + Volume:
quantity ..." -> "Gold tier + Volume"; "(standard price kept, it is lower)"
stays): an old text may give figures and
cannot tell which reasons are turnover ones. Both columns exist before the
module loads, so that Odoo does not price every existing line again.
"""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            "SELECT 1 FROM information_schema.columns"
            " WHERE table_name = 'sale_order_line' AND column_name = 'pricing_explanation'"
        )
    )
    if cr.fetchone():
        cr.execute(
            SQL(
                "ALTER TABLE sale_order_line"
                " RENAME COLUMN pricing_explanation TO crm_pricing_explanation_full"
            )
        )
    cr.execute(
        SQL(
            "ALTER TABLE sale_order_line"
            " ADD COLUMN IF NOT EXISTS crm_pricing_explanation_full text,"
            " ADD COLUMN IF NOT EXISTS crm_pricing_explanation_label text"
        )
    )
    cr.execute(
        SQL(
            "UPDATE sale_order_line"
            " SET crm_pricing_explanation_label ="
            " regexp_replace(crm_pricing_explanation_full,"
            " ': [^+(]*?(?=( \\(| \\+ |$))', '', 'g')"
            " WHERE crm_pricing_explanation_full IS NOT NULL"
        )
    )
