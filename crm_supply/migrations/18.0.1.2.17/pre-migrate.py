"""18.0.1.2.17: the low-stock flag (``product.product.low_stock_alerted``)
becomes company-dependent: Odoo 18 stores it as a jsonb column of
``{company id: value}``. Odoo cannot convert the boolean column itself
(PostgreSQL has no cast from boolean to jsonb): it is converted here, before
the registry loads the new field.

The old flag did not say for which company its activity was scheduled (it
flipped with whoever checked). A product flagged keeps the flag in every
company: no second activity at the upgrade for the shortage its open activity
already announced; the next run of the cron re-arms each company whose stock
is back above the threshold, and that company's next crossing alerts it. A
product not flagged has no flag in any company: the cron alerts each company
that is short.
"""

from odoo.tools import SQL
from odoo.tools.sql import table_columns


def migrate(cr, version):
    if not version:
        return
    column = table_columns(cr, "product_product").get("low_stock_alerted")
    if not column or column["udt_name"] != "bool":
        return
    cr.execute(
        SQL(
            """
            ALTER TABLE product_product
                ALTER COLUMN low_stock_alerted DROP DEFAULT,
                ALTER COLUMN low_stock_alerted TYPE jsonb
                      USING CASE WHEN low_stock_alerted THEN '{}'::jsonb END
            """
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE product_product
               SET low_stock_alerted = (SELECT jsonb_object_agg(id::text, true)
                                          FROM res_company)
             WHERE low_stock_alerted IS NOT NULL
            """
        )
    )
