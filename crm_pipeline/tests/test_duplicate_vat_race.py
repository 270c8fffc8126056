import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestDuplicateVatRace(TransactionCase):
    """Two requests give the same tax ID to a new lead at the same time, in a
    company that allows one lead per tax ID: the second one cannot miss the
    first lead (not yet committed, or committed after its snapshot)."""

    def _cursor(self):
        cr = self.registry.cursor()
        # never hang the test run if something waits on a lock
        cr.execute("SET lock_timeout = '5s'")
        return cr

    VAT = "RO 9081726354"

    def setUp(self):
        super().setUp()
        with self._cursor() as cr0:
            env0 = api.Environment(cr0, SUPERUSER_ID, {})
            company = env0.ref("base.main_company")
            self.assertFalse(env0["crm.lead"].search([("vat", "=", self.VAT)]))
            self.was_blocking = company.crm_block_duplicate_vat
            company.crm_block_duplicate_vat = True
            self.company_id = company.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self._cursor() as crc:
            envc = api.Environment(crc, SUPERUSER_ID, {})
            envc["crm.lead"].with_context(active_test=False).search(
                [("vat", "=", self.VAT)]
            ).unlink()
            envc["res.company"].browse(self.company_id).crm_block_duplicate_vat = self.was_blocking

    def _create(self, env, name):
        lead = env["crm.lead"].create(
            {"name": name, "vat": self.VAT, "company_id": self.company_id}
        )
        env.flush_all()
        return lead

    def _count(self):
        with self._cursor() as cr:
            cr.execute("SELECT count(*) FROM crm_lead WHERE vat = %s", [self.VAT])
            return cr.fetchone()[0]

    def test_first_lead_committed_after_the_second_request_began(self):
        cr1, cr2 = self._cursor(), self._cursor()
        try:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            # the second request has begun (its snapshot is taken)
            self.assertFalse(env2["crm.lead"].search([("vat", "=", self.VAT)]))
            self._create(env1, "First")
            cr1.commit()
            # its check cannot see the first lead: the company's row tells it
            # the scope changed; Odoo runs the request again on this error
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.SerializationFailure),
            ):
                self._create(env2, "Second")
            cr2.rollback()
            # run again, it sees the first lead
            with self.assertRaisesRegex(UserError, "already exists"):
                self._create(env2, "Second")
            cr2.rollback()
        finally:
            cr1.close()
            cr2.close()
        self.assertEqual(self._count(), 1)

    def test_first_lead_not_committed_yet(self):
        """The second request waits for the first one's company row; here the
        wait ends on the lock timeout (a real worker would wait for the first
        to commit, then get the serialization failure above)."""
        cr1, cr2 = self._cursor(), self._cursor()
        try:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            cr2.execute("SET lock_timeout = '1s'")
            self._create(env1, "First")
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.LockNotAvailable),
            ):
                self._create(env2, "Second")
            cr2.rollback()
            cr1.commit()
        finally:
            cr1.close()
            cr2.close()
        self.assertEqual(self._count(), 1)
