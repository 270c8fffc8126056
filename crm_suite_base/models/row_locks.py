"""Rows locked in id order and touched, so that two transactions working on
the same records one after the other see each other's work (Odoo runs every
request in PostgreSQL's REPEATABLE READ: a snapshot taken before another
transaction commits does not see what it wrote)."""

from odoo.tools import SQL


def lock_and_touch(records, no_key=False, skip_locked=False):
    """Lock the rows of ``records`` in id order and touch them (a no-op
    ``UPDATE ... SET write_date = write_date``); return the ids locked, in
    id order.

    - In id order: two transactions locking rows they share never deadlock.
    - Touched: a transaction that comes while this one runs waits for it on
      its own lock; a transaction whose snapshot was taken before this one
      committed gets a serialization failure when it locks or updates one of
      these rows, and Odoo runs its request again with fresh data (a lock
      alone, released at the commit, would let it go on with what it read).

    ``no_key``: ``FOR NO KEY UPDATE``, the lock a plain UPDATE takes: the
    rows that reference these (an insert with a foreign key to one of them)
    are not held up; else ``FOR UPDATE``. ``skip_locked``: the rows another
    transaction holds are left out, neither waited for nor touched; the ids
    returned are those locked. New records count by their origin (as
    ``records.ids``); ids without a row are left out. The model's table must
    have Odoo's ``write_date`` column (``_log_access``)."""
    ids = sorted(set(records.ids))
    if not ids:
        return []
    cr = records.env.cr
    table = SQL.identifier(records._table)
    cr.execute(
        SQL(
            "SELECT id FROM %s WHERE id = ANY(%s) ORDER BY id FOR %s%s",
            table,
            ids,
            SQL("NO KEY UPDATE") if no_key else SQL("UPDATE"),
            SQL(" SKIP LOCKED") if skip_locked else SQL(),
        )
    )
    locked = [row[0] for row in cr.fetchall()]
    if locked:
        cr.execute(SQL("UPDATE %s SET write_date = write_date WHERE id = ANY(%s)", table, locked))
    return locked
