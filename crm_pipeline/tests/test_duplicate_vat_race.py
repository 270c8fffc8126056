import psycopg2

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm_suite_base.tests.common import RaceCase


@tagged("post_install", "-at_install")
class TestDuplicateVatRace(RaceCase):
    """Two requests give the same tax ID to a new lead at the same time, in a
    company that allows one lead per tax ID: the second one cannot miss the
    first lead (not yet committed, or committed after its snapshot)."""

    lock_timeout = "5s"
    VAT = "RO 9081726354"

    def setUp(self):
        super().setUp()
        with self._committed_env() as env0:
            company = env0.ref("base.main_company")
            self.assertFalse(env0["crm.lead"].search([("vat", "=", self.VAT)]))
            self.was_blocking = company.crm_block_duplicate_vat
            company.crm_block_duplicate_vat = True
            self.company_id = company.id
        self._cleanup_committed(self._cleanup)

    def _cleanup(self, envc):
        envc["crm.lead"].with_context(active_test=False).search([("vat", "=", self.VAT)]).unlink()
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
        with self._racing_envs() as (env1, env2):
            # the second request has begun (its snapshot is taken)
            self.assertFalse(env2["crm.lead"].search([("vat", "=", self.VAT)]))
            self._create(env1, "First")
            env1.cr.commit()
            # its check cannot see the first lead: the company's row tells it
            # the scope changed; Odoo runs the request again on this error
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.SerializationFailure),
            ):
                self._create(env2, "Second")
            env2.cr.rollback()
            # run again, it sees the first lead
            with self.assertRaisesRegex(UserError, "already exists"):
                self._create(env2, "Second")
            env2.cr.rollback()
        self.assertEqual(self._count(), 1)

    def test_first_lead_not_committed_yet(self):
        """The second request waits for the first one's company row; here the
        wait ends on the lock timeout (a real worker would wait for the first
        to commit, then get the serialization failure above)."""
        with self._racing_envs() as (env1, env2):
            env2.cr.execute("SET lock_timeout = '1s'")
            self._create(env1, "First")
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.LockNotAvailable),
            ):
                self._create(env2, "Second")
            env2.cr.rollback()
            env1.cr.commit()
        self.assertEqual(self._count(), 1)
