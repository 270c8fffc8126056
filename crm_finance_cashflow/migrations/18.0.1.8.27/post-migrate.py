"""18.0.1.8.27: sales receipts count in the forecast as money coming in
(18.0.1.8.25). Before, a planned payment of a sales receipt had to go out, the
way the forecast took a type it did not count: such payments still planned now
go their receipt's way (incoming), or they would break their own check at the
next write and count against the receipt they pay."""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    cr.execute(
        """
        UPDATE crm_planned_payment AS planned
           SET direction = 'incoming'
          FROM account_move AS receipt
         WHERE receipt.id = planned.invoice_id
           AND receipt.move_type = 'out_receipt'
           AND planned.direction = 'outgoing'
           AND planned.state = 'planned'
        """
    )
    _logger.info("planned payments of sales receipts set incoming: %s", cr.rowcount)
