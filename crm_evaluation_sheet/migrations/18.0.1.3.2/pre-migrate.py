"""18.0.1.3.2: an item keeps the discount a percentage rule of the pricelist
shows (``discount``, with Discounts on sales order lines), as its quotation line.

The column is created before the module loads, at zero: Odoo would otherwise
compute the new field of every existing item, and its computation prices the
items of draft and in-progress sheets again from today's catalogue (their
prices are kept as they were entered until Update Prices). Items priced before
this version keep their net unit price and no discount, which their quotation
sells them at, as before, until the item is priced again.
"""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            "ALTER TABLE crm_evaluation_sheet_line "
            "ADD COLUMN IF NOT EXISTS discount double precision DEFAULT 0"
        )
    )
    cr.execute(SQL("ALTER TABLE crm_evaluation_sheet_line ALTER COLUMN discount DROP DEFAULT"))
