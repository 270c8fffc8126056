from odoo.tools import SQL

from .report.crm_turnover_report import TURNOVER_INDEX


def uninstall_hook(env):
    """Drop the index the turnover report added to account_move (the ORM drops
    only the indexes of the module's own fields and tables)."""
    env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(TURNOVER_INDEX)))
