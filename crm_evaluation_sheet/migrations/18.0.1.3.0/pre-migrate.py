"""18.0.1.3.0: an item priced from its recipe's components keeps each
component's unit price (``component_prices``), for the quotation of its
finalized sheet.

The column is created before the module loads, empty: Odoo would otherwise
compute the new field of every existing item, and its computation prices the
items of draft and in-progress sheets again from today's catalogue (their
prices are kept as they were entered until Update Prices). Items priced before
this version have no component prices: their quotation prices the components
from the catalogue, as before, until the item is priced again.
"""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL("ALTER TABLE crm_evaluation_sheet_line ADD COLUMN IF NOT EXISTS component_prices jsonb")
    )
