from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common_interaction import InteractionCommon


@tagged("post_install", "-at_install")
class TestInteractionTimeline(InteractionCommon):
    def test_interactions_and_tasks_in_timeline_order(self):
        now = fields.Datetime.now().replace(microsecond=0)
        late = self.Interaction.create(
            {
                "lead_id": self.lead_a.id,
                "name": "Second call",
                "date": now - timedelta(days=1),
                "notes": "<p>Asked for a sample</p>",
            }
        )
        early = self.Interaction.create(
            {
                "lead_id": self.lead_a.id,
                "name": "First visit",
                "interaction_type": "visit",
                "date": now - timedelta(days=3),
            }
        )
        task = self.Task.create(
            {
                "name": "Send sample",
                "kind": "sample",
                "lead_id": self.lead_a.id,
                "user_id": self.salesman_a.id,
            }
        )
        task.action_start()
        task.action_confirm_done()
        entries = self.lead_a._timeline_entries()
        dates = [e["date"] for e in entries]
        self.assertEqual(dates, sorted(dates))
        titles = [e["title"] for e in entries]
        i_early = titles.index("Visit: First visit")
        i_late = titles.index("Call: Second call")
        i_task = titles.index("Task assigned: Send sample")
        self.assertLess(i_early, i_late)
        self.assertLess(i_late, i_task)
        done = [e for e in entries if e["kind"] == "task_done"]
        self.assertEqual(len(done), 1)
        self.assertIn("Send sample", done[0]["title"])
        self.assertEqual(entries[i_late]["user"], late.user_id)
        self.assertTrue(early.id)
        # and the rendered tab shows them
        self.assertIn("First visit", str(self.lead_a.timeline_html))
