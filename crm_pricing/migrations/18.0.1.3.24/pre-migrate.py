"""18.0.1.3.24: a line keeps, with its explanation with turnover figures
(``crm_pricing_explanation_full``), the client those figures are of
(``crm_pricing_explanation_client_id``): ``pricing_explanation`` gives them to
who may see that client's turnover, whatever the order's client is now.

An explanation kept so far is taken to be of its order's client (its
commercial entity), the client the figures were shown for until now. The
column exists before the module loads, so that Odoo does not price every
existing line again.
"""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            "ALTER TABLE sale_order_line"
            " ADD COLUMN IF NOT EXISTS crm_pricing_explanation_client_id int4"
        )
    )
    cr.execute(
        SQL(
            "UPDATE sale_order_line AS line"
            " SET crm_pricing_explanation_client_id = partner.commercial_partner_id"
            " FROM sale_order AS sale_order, res_partner AS partner"
            " WHERE sale_order.id = line.order_id"
            " AND partner.id = sale_order.partner_id"
            " AND line.crm_pricing_explanation_full IS NOT NULL"
            " AND line.crm_pricing_explanation_client_id IS NULL"
        )
    )
