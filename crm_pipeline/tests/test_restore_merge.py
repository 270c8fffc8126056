from odoo.tests import tagged

from .common import PipelineCase


@tagged("post_install", "-at_install")
class TestRestoreAndMerge(PipelineCase):
    def test_restored_lost_lead_can_be_activated_again(self):
        lead = self._lead()
        resp = self._activate(lead)
        resp.complete("refused", "Not now", lost_reason_id=self.lost_reason.id)
        self.assertFalse(lead.active)
        self.assertEqual(lead.activation_state, "active")
        lead.toggle_active()  # Odoo's "Restore" on a lost lead
        self.assertTrue(lead.active)
        self.assertEqual(lead.activation_state, "inactive")
        self.assertIn("activate the lead again", lead.message_ids[0].body)
        # the chain resumes from a new activation, history kept
        self._activate(lead)
        self.assertEqual(lead.activation_state, "active")
        self.assertEqual(len(lead.responsibility_ids), 2)
        self.assertEqual(lead.open_responsibility_id.type_id, self.t_contact)

    def test_restoring_an_inactive_lead_changes_nothing(self):
        lead = self._lead()
        lead.action_set_lost(lost_reason_id=self.lost_reason.id)
        lead.toggle_active()
        self.assertEqual(lead.activation_state, "inactive")
        self.assertFalse(lead.responsibility_ids)

    def test_merge_moves_responsibilities(self):
        lead_a = self._lead("Merge A", probability=90)
        lead_b = self._lead("Merge B", probability=10)
        resp_a = self._activate(lead_a)
        resp_b = self._activate(lead_b, user=self.salesman_b)
        activity_b = resp_b.activity_id
        merged = (lead_a | lead_b).merge_opportunity()
        survivor, gone = (lead_a, lead_b) if merged == lead_a else (lead_b, lead_a)
        self.assertFalse(gone.exists())
        self.assertEqual(survivor.responsibility_ids, resp_a | resp_b)
        # the survivor keeps its own open step; the other one is cancelled
        own, other = (resp_a, resp_b) if survivor == lead_a else (resp_b, resp_a)
        self.assertTrue(own.is_open)
        self.assertEqual(other.state, "cancelled")
        self.assertIn("merged into", other.summary)
        self.assertEqual(survivor.open_responsibility_id, own)
        if other == resp_b:
            self.assertFalse(activity_b.exists())
