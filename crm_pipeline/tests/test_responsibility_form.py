from lxml import etree

from odoo.tests import Form, tagged

from .common import PipelineCase


@tagged("post_install", "-at_install")
class TestResponsibilityForm(PipelineCase):
    """The responsibility's form as its responsible uses it: the summary is the
    Complete wizard's, the contacts are logged on the form."""

    def test_summary_is_written_by_complete_only(self):
        lead = self._lead()
        resp = self._activate(lead).with_user(self.salesman)
        arch = etree.fromstring(resp.get_views([(False, "form")])["views"]["form"]["arch"].encode())
        [summary] = arch.xpath("//field[@name='summary']")
        # nothing invites typing what the write policy refuses to save
        self.assertEqual(summary.get("readonly"), "1")
        self.assertFalse(summary.get("placeholder"))
        form = Form(resp)
        with self.assertRaisesRegex(AssertionError, "readonly"):
            form.summary = "Discussed needs"
        # the contacts logged on the form are saved with it
        with form.interaction_ids.new() as line:
            line.interaction_type = "call"
            line.duration = 0.5
        form.save()
        self.assertEqual(len(resp.interaction_ids), 1)
        self.assertEqual(resp.interaction_ids.lead_id, lead)
        self.assertFalse(resp.summary)
        # the summary comes with the Complete wizard, opened from the form
        action = resp.action_open_complete_wizard()
        Wizard = self.env[action["res_model"]].with_user(self.salesman)
        wizard = Form(Wizard.with_context(**action["context"]))
        wizard.summary = "Discussed needs"
        wizard.save().action_confirm()
        self.assertEqual(resp.state, "done")
        self.assertEqual(resp.summary, "Discussed needs")
        self.assertEqual(lead.open_responsibility_id.type_id, self.t_meeting)
