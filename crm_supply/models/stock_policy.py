"""The reserved-stock policy: one check used by every path that takes stock
(reserving on a proforma, confirming an order, raising a confirmed order's
quantity, validating a delivery)."""

from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare


def lock_products(env, products):
    """Lock the products' rows in id order (never a deadlock between two paths),
    and touch them so that a concurrent transaction that read the stock before
    this one commits gets a serialization failure on its own lock, and is
    retried by Odoo with fresh figures, instead of selling the same units."""
    ids = sorted(set(products.ids))
    if not ids:
        return
    env.cr.execute(
        SQL("SELECT id FROM product_product WHERE id = ANY(%s) ORDER BY id FOR UPDATE", ids)
    )
    env.cr.execute(
        SQL("UPDATE product_product SET write_date = write_date WHERE id = ANY(%s)", ids)
    )


def check_reserved_stock(
    env, company, warehouse, needs, exclude_orders, action_label, counted=None
):
    """``needs``: {product: quantity in the product's unit} that a document takes
    from ``warehouse``; ``counted``: the part of it free-to-sell already counts as
    outgoing (a delivery's own moves). Under the company's policy: ``allow``
    returns ""; ``warn`` returns the warning text ("" when everything is free);
    ``block`` raises a UserError with the same text. Products are locked first."""
    policy = company.reserved_stock_policy
    needs = {p: q for p, q in needs.items() if p.is_storable and q > 0}
    if policy == "allow" or not needs:
        return ""
    Product = env["product.product"]
    products = Product.union(*needs)
    lock_products(env, products)
    ctx_products = products.with_context(warehouse_id=warehouse.id) if warehouse else products
    # read the figures after the lock, without any cached value
    ctx_products.invalidate_recordset()
    figures = ctx_products._free_to_sell_figures(exclude_orders=exclude_orders)
    lines = []
    for product, qty in needs.items():
        held, free = figures[product.id]
        free += (counted or {}).get(product, 0.0)
        if float_compare(qty, free, precision_rounding=product.uom_id.rounding) > 0:
            holders = (
                env["sale.stock.reservation"]
                .sudo()
                .search(
                    [
                        ("product_id", "=", product.id),
                        ("state", "=", "reserved"),
                        ("order_id", "not in", exclude_orders.ids),
                    ]
                )
                .order_id
            )
            lines.append(
                env._(
                    "%(product)s: %(qty)s wanted, %(free)s free to sell (%(held)s reserved "
                    "by proformas %(orders)s)",
                    product=product.display_name,
                    qty=format(qty, "g"),
                    free=format(max(free, 0), "g"),
                    held=format(held, "g"),
                    orders=", ".join(holders.mapped("name")) or "-",
                )
            )
    if not lines:
        return ""
    text = env._(
        "%(action)s takes stock reserved by proformas:\n%(lines)s",
        action=action_label,
        lines="\n".join(lines),
    )
    if policy == "block":
        raise UserError(text)
    return text
