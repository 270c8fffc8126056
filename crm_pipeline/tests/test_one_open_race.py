from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm_suite_base.tests.common import RaceCase


@tagged("post_install", "-at_install")
class TestOneOpenResponsibilityRace(RaceCase):
    """Two transactions open a responsibility on the same lead at the same time."""

    def _vals(self, lead_id, type_xmlid):
        return {
            "lead_id": lead_id,
            "type_id": self.env.ref(type_xmlid).id,
            # an active internal user, as activate() and complete() require
            "user_id": self.env.ref("base.user_admin").id,
            "deadline": "2030-01-01 09:00:00",
        }

    def test_second_transaction_fails_cleanly(self):
        with self._committed_env() as env0:
            lead = env0["crm.lead"].create({"name": "Race lead", "type": "opportunity"})
            lead.activation_state = "active"  # as superuser, like a data file
            lead_id = lead.id
        self._cleanup_committed(
            lambda envc: envc["crm.lead"].with_context(active_test=False).browse(lead_id).unlink()
        )
        with self._racing_envs() as (env1, env2):
            resp_model2 = env2["crm.lead.responsibility"]
            # both transactions see no open responsibility yet
            self.assertFalse(env1["crm.lead"].browse(lead_id).open_responsibility_id)
            self.assertFalse(env2["crm.lead"].browse(lead_id).open_responsibility_id)
            env1["crm.lead.responsibility"].create(
                self._vals(lead_id, "crm_pipeline.responsibility_type_contact_prospect")
            )
            env1.cr.commit()
            # the second one still checks against its old snapshot: only the
            # database index stops it
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaisesRegex(UserError, "another user has just opened one"),
            ):
                resp_model2.create(
                    self._vals(lead_id, "crm_pipeline.responsibility_type_meeting_evaluation")
                )
            # the failure left the second transaction usable, and its snapshot
            # still does not see the first row: no Python check could have
            # caught this, only the unique index did
            env2.cr.execute(
                "SELECT count(*) FROM crm_lead_responsibility WHERE lead_id = %s",
                [lead_id],
            )
            self.assertEqual(env2.cr.fetchone()[0], 0)
            env2.cr.rollback()
        with self._committed_env() as env3:
            env3.cr.execute(
                "SELECT t.code FROM crm_lead_responsibility r "
                "JOIN crm_responsibility_type t ON t.id = r.type_id "
                "WHERE r.lead_id = %s AND r.state IN ('assigned', 'in_progress')",
                [lead_id],
            )
            self.assertEqual(env3.cr.fetchall(), [("contact_prospect",)])

    def test_index_refuses_a_second_open_row(self):
        lead = self.env["crm.lead"].create({"name": "Index lead", "type": "opportunity"})
        lead.activation_state = "active"  # as superuser, like a data file
        self.env["crm.lead.responsibility"].create(
            self._vals(lead.id, "crm_pipeline.responsibility_type_contact_prospect")
        )
        self.env.flush_all()
        with mute_logger("odoo.sql_db"), self.assertRaises(Exception) as err:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "INSERT INTO crm_lead_responsibility (lead_id, type_id, user_id, deadline, "
                    "state) SELECT lead_id, type_id, user_id, deadline, 'in_progress' "
                    "FROM crm_lead_responsibility WHERE lead_id = %s",
                    [lead.id],
                )
        self.assertEqual(err.exception.pgcode, "23505")
