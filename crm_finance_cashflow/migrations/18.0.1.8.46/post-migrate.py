"""18.0.1.8.46: an invoice keeps its contract (``account.move.crm_contract_id``),
so that a contract's Invoices show its cancelled and reversed invoices too.
The invoices of before get theirs: from the schedule rows they invoice, and,
for those whose rows were given back (cancelled or fully reversed, their rows
unlinked), from their source document, the contract's number, in the
contract's company and for its partner."""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    cr.execute(
        """
        UPDATE account_move AS move
           SET crm_contract_id = row.contract_id
          FROM crm_contract_schedule AS row
         WHERE row.invoice_id = move.id
           AND move.crm_contract_id IS NULL
        """
    )
    _logger.info("invoices given their contract from their rows: %s", cr.rowcount)
    cr.execute(
        """
        UPDATE account_move AS move
           SET crm_contract_id = contract.id
          FROM crm_contract AS contract
         WHERE move.crm_contract_rows_released
           AND move.crm_contract_id IS NULL
           AND move.invoice_origin = contract.name
           AND move.company_id = contract.company_id
           AND move.partner_id = contract.partner_id
        """
    )
    _logger.info("released invoices given their contract from their origin: %s", cr.rowcount)
