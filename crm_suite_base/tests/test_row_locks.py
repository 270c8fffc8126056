import threading
import time

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.crm_suite_base.models.row_locks import lock_and_touch

from .common import RaceCase


@tagged("post_install", "-at_install")
class TestLockAndTouch(RaceCase):
    """``lock_and_touch`` with real cursors racing on three committed
    contacts (deleted at the end): what it locks, in which order and how
    strongly, what it skips, and the serialization failure its touch gives a
    transaction that read the rows before it committed."""

    lock_timeout = "5s"

    def setUp(self):
        super().setUp()
        with self._committed_env() as env0:
            partners = env0["res.partner"].create(
                [{"name": f"Row lock {letter}"} for letter in "abc"]
            )
            self.ids = sorted(partners.ids)
        self._cleanup_committed(lambda envc: envc["res.partner"].browse(self.ids).unlink())

    def _open(self, count, lock_timeout=None):
        cursors = [self._cursor(lock_timeout) for _i in range(count)]
        for cr in cursors:
            self.addCleanup(cr.close)
        return cursors

    def _partners(self, cr, ids):
        return api.Environment(cr, SUPERUSER_ID, {})["res.partner"].browse(ids)

    def _free(self, strength):
        """The contacts another transaction may lock ``FOR strength`` now."""
        cr = self._cursor()
        try:
            cr.execute(
                SQL(
                    "SELECT id FROM res_partner WHERE id = ANY(%s) ORDER BY id FOR %s SKIP LOCKED",
                    self.ids,
                    SQL(strength),
                )
            )
            return [row[0] for row in cr.fetchall()]
        finally:
            cr.rollback()
            cr.close()

    def test_locks_every_row_once_and_returns_the_ids_in_order(self):
        a, b, c = self.ids
        (cr1,) = self._open(1)
        partners = self._partners(cr1, [c, a, c, b])
        self.assertEqual(lock_and_touch(partners), [a, b, c])
        # FOR UPDATE: even the lock of an insert referencing them waits
        self.assertEqual(self._free("KEY SHARE"), [])
        self.assertEqual(lock_and_touch(partners.browse()), [])

    def test_no_key_lets_references_through(self):
        (cr1,) = self._open(1)
        self.assertEqual(lock_and_touch(self._partners(cr1, self.ids), no_key=True), self.ids)
        self.assertEqual(self._free("KEY SHARE"), self.ids)
        self.assertEqual(self._free("NO KEY UPDATE"), [])

    def test_new_records_and_missing_rows(self):
        """A new record counts by its origin; an id without a row is left out."""
        a, b, __ = self.ids
        (cr1,) = self._open(1)
        partners = self._partners(cr1, [a, 2**31 - 1])
        new = partners.new(origin=partners.browse(b)) | partners.new({"name": "No origin"})
        self.assertEqual(lock_and_touch(partners | new), [a, b])
        self.assertEqual(self._free("KEY SHARE"), [self.ids[2]])

    def test_in_id_order(self):
        """Waiting for the middle row, it holds the first and not yet the
        last: rows are locked in id order, whatever the recordset's."""
        a, b, c = self.ids
        cr1, cr2 = self._open(2)
        cr1.execute("SELECT pg_backend_pid()")
        pid1 = cr1.fetchone()[0]
        cr2.execute("SELECT pg_backend_pid()")
        pid2 = cr2.fetchone()[0]
        self.assertEqual(lock_and_touch(self._partners(cr2, [b])), [b])
        # the recordset is built here: the thread only runs the helper's queries
        partners = self._partners(cr1, [c, b, a])
        result = {}

        def lock_in_cr1():
            try:
                result["ids"] = lock_and_touch(partners)
            except Exception as exc:  # noqa: BLE001 (reported by the test below)
                result["error"] = exc

        thread = threading.Thread(target=lock_in_cr1)
        thread.start()
        try:
            probe = self._cursor()
            try:
                for _i in range(100):
                    probe.execute("SELECT pg_blocking_pids(%s)", [pid1])
                    if pid2 in probe.fetchone()[0]:
                        break
                    time.sleep(0.05)
                else:
                    self.fail("cr1 does not wait for the row cr2 holds")
            finally:
                probe.close()
            self.assertEqual(self._free("KEY SHARE"), [c])
        finally:
            cr2.rollback()
            thread.join(10)
        self.assertEqual(result, {"ids": [a, b, c]})

    def test_skip_locked_returns_the_rows_it_got(self):
        a, b, c = self.ids
        cr1, cr2 = self._open(2, lock_timeout="1s")
        self.assertEqual(lock_and_touch(self._partners(cr2, [b])), [b])
        # no wait for b (held by cr2): the others are locked and returned
        self.assertEqual(lock_and_touch(self._partners(cr1, self.ids), skip_locked=True), [a, c])
        self.assertEqual(self._free("KEY SHARE"), [])
        cr2.rollback()
        self.assertEqual(self._free("KEY SHARE"), [b])

    def test_touch_fails_a_transaction_that_read_before_the_commit(self):
        """The rows are touched, not only locked: a transaction whose snapshot
        was taken before the first one committed gets a serialization failure
        when it locks them (Odoo runs its request again), one that began after
        the commit locks them."""
        a = self.ids[0]
        cr1, cr2 = self._open(2)
        # cr2's snapshot is taken
        cr2.execute(SQL("SELECT id FROM res_partner WHERE id = ANY(%s)", self.ids))
        self.assertEqual(lock_and_touch(self._partners(cr1, [a])), [a])
        cr1.commit()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.SerializationFailure):
            lock_and_touch(self._partners(cr2, self.ids), no_key=True)
        cr2.rollback()
        # Odoo's retry: a new snapshot
        self.assertEqual(lock_and_touch(self._partners(cr2, self.ids), no_key=True), self.ids)
        cr2.rollback()
