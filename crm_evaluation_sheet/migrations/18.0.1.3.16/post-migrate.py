"""18.0.1.3.16: the unit price of an item priced from its components is their
untaxed total (the item's subtotal) per unit of the item; it added the
components' prices as they were, taxes included in a component's price
included, and so did not match the item's subtotal and its quotation chapter.

The unit price of every such item is set from its kept subtotal, rounded as the
field is (``Product Price``): nothing is priced again (the items' prices stay
those they were entered with until Update Prices), and the subtotals, the
sheets' totals and their quotations do not change.
"""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(SQL("SELECT digits FROM decimal_precision WHERE name = 'Product Price'"))
    row = cr.fetchone()
    digits = row[0] if row else 2
    cr.execute(
        SQL(
            """
            UPDATE crm_evaluation_sheet_line
               SET price_unit = ROUND((price_subtotal / product_uom_qty)::numeric, %s)
             WHERE product_uom_qty > 0
               AND price_subtotal IS NOT NULL
               AND recipe_snapshot ->> 'pricing' = 'components'
               AND jsonb_typeof(recipe_snapshot -> 'components') = 'array'
               AND jsonb_array_length(recipe_snapshot -> 'components') > 0
               AND price_unit IS DISTINCT FROM
                   ROUND((price_subtotal / product_uom_qty)::numeric, %s)
            """,
            digits,
            digits,
        )
    )
