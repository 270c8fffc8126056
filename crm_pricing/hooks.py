import logging

from odoo.tools import SQL

from .report.crm_turnover_report import TURNOVER_INDEX

_logger = logging.getLogger(__name__)


def _unlink_conditional_rules(env):
    """Delete the conditional rules (a client's, a client group's, on turnover
    or on the payment term: ``is_conditional``). Odoo drops their condition
    columns with the module: left behind, each would become a plain rule of its
    price list, for every customer (a VIP client's 50 % for all). Without them
    a price list prices as it did for the clients their conditions did not
    match. Returns the rules deleted."""
    # sudo: the module is being uninstalled (by an administrator): every
    # company's conditional rules go, those of archived price lists too
    rules = (
        env["product.pricelist.item"]
        .sudo()
        .with_context(active_test=False)
        .search([("is_conditional", "=", True)])
    )
    for pricelist, items in rules.grouped("pricelist_id").items():
        _logger.info(
            "Uninstalling crm_pricing: price list %s (id %d): %d conditional rules deleted",
            pricelist.name,
            pricelist.id,
            len(items),
        )
    rules.unlink()
    return rules


def uninstall_hook(env):
    """Delete the conditional pricelist rules (``_unlink_conditional_rules``)
    before Odoo drops their condition columns, and drop the index the turnover
    report added to account_move (the ORM drops only the indexes of the
    module's own fields and tables)."""
    _unlink_conditional_rules(env)
    env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(TURNOVER_INDEX)))
