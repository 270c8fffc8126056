from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import PipelineCase


class TestFunnel(PipelineCase):
    """The funnel on known data: leads reaching each step, moving on, the
    conversion between consecutive steps and the days spent in each."""

    def _set_dates(self, resp, opened_days_ago, closed_days_ago=None):
        now = fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead_responsibility SET create_date = %s, date_closed = %s WHERE id = %s",
            [
                now - timedelta(days=opened_days_ago),
                now - timedelta(days=closed_days_ago) if closed_days_ago is not None else None,
                resp.id,
            ],
        )
        self.env.invalidate_all()

    def _funnel(self, user=None, **kw):
        Report = self.env["crm.responsibility.report"]
        if user:
            Report = Report.with_user(user)
        # the test's own salespeople keep demo leads out of the figures
        kw.setdefault("user_id", self.salesman.id)
        return {row["type_id"]: row for row in Report.get_funnel(**kw)}

    def test_funnel_figures(self):
        leads = [self._lead(f"Funnel {i}", user_id=self.salesman.id) for i in range(4)]
        first = [self._activate(lead, user=self.salesman) for lead in leads]
        # two leads move on to Meeting & evaluation, one is refused
        for resp in first[:2]:
            resp.complete("next", "Met", next_deadline=self._in(3))
        first[2].complete("refused", "No budget", lost_reason_id=self.lost_reason.id)
        # 4 days in Contact prospect for the two that moved on, 2 for the refused one
        self._set_dates(first[0], 10, 6)
        self._set_dates(first[1], 10, 6)
        self._set_dates(first[2], 4, 2)
        self._set_dates(first[3], 1)  # still open: one day so far
        funnel = self._funnel()
        contact, meeting = funnel[self.t_contact.id], funnel[self.t_meeting.id]
        self.assertEqual((contact["reached"], contact["moved_on"]), (4, 2))
        self.assertEqual(contact["conversion"], 50.0)
        self.assertAlmostEqual(contact["avg_days"], (4 + 4 + 2 + 1) / 4, places=1)
        self.assertEqual((meeting["reached"], meeting["moved_on"]), (2, 0))
        self.assertEqual(meeting["conversion"], 0.0)
        self.assertIs(funnel[self.t_contracting.id]["conversion"], False)
        # filters: a period without openings, and a salesperson
        empty = self._funnel(date_to=fields.Date.today() - timedelta(days=30))
        self.assertEqual(empty[self.t_contact.id]["reached"], 0)
        self.assertEqual(self._funnel(user_id=self.salesman_b.id)[self.t_contact.id]["reached"], 0)

    def test_conversion_counts_the_leads_that_moved_on(self):
        """Leads activated at a later step (or that reached this step before
        the period) are in the next step's count, not in this step's
        conversion: it never goes over 100 %."""
        moving = [self._lead(f"Funnel move {i}", user_id=self.salesman.id) for i in range(2)]
        first = [self._activate(lead, user=self.salesman) for lead in moving]
        first[0].complete("next", "Met", next_deadline=self._in(3))
        for i in range(3):
            self._activate(
                self._lead(f"Funnel at meeting {i}", user_id=self.salesman.id),
                user=self.salesman,
                responsibility_type_id=self.t_meeting.id,
            )
        funnel = self._funnel()
        contact, meeting = funnel[self.t_contact.id], funnel[self.t_meeting.id]
        self.assertEqual((contact["reached"], contact["moved_on"]), (2, 1))
        self.assertEqual(meeting["reached"], 4)
        self.assertEqual(contact["conversion"], 50.0)

    def test_lead_won_at_an_early_step_did_not_move_on(self):
        """Odoo's Won button closes the open step as done: the lead reached what
        the chain leads to, but it did not move to the step's next one."""
        won = self._lead("Funnel won early", user_id=self.salesman.id)
        moving = self._lead("Funnel moving", user_id=self.salesman.id)
        won_step = self._activate(won, user=self.salesman)
        self._activate(moving, user=self.salesman).complete(
            "next", "Met", next_deadline=self._in(3)
        )
        won.with_user(self.salesman).action_set_won()
        self.assertEqual(won_step.state, "done")
        funnel = self._funnel()
        contact = funnel[self.t_contact.id]
        self.assertEqual((contact["reached"], contact["moved_on"]), (2, 1))
        self.assertEqual(contact["conversion"], 50.0)
        rows = {
            row.lead_id: row.moved_on
            for row in self.env["crm.responsibility.report"].search(
                [("lead_id", "in", (won | moving).ids), ("type_id", "=", self.t_contact.id)]
            )
        }
        self.assertEqual(rows, {won: 0, moving: 1})
        # won on the last step: it counts as moved on (there is no next step)
        last = self._lead("Funnel won last", user_id=self.salesman.id)
        last_step = self._activate(
            last, user=self.salesman, responsibility_type_id=self.t_contracting.id
        )
        self.assertFalse(self.t_contracting.next_type_id)
        last.with_user(self.salesman).action_set_won()
        self.assertEqual(last_step.state, "done")
        row = self.env["crm.responsibility.report"].search(
            [("responsibility_id", "=", last_step.id)]
        )
        self.assertEqual(row.moved_on, 1)

    def test_salespeople_see_their_own_funnel(self):
        lead = self._lead("Funnel A", user_id=self.salesman.id)
        self._activate(lead, user=self.salesman)
        self.assertEqual(self._funnel(user=self.salesman)[self.t_contact.id]["reached"], 1)
        self.assertEqual(self._funnel(user=self.salesman_b)[self.t_contact.id]["reached"], 0)
        self.assertEqual(
            self._funnel(user=self.salesman_b, user_id=self.salesman_b.id)[self.t_contact.id][
                "reached"
            ],
            0,
        )
        self.assertEqual(self._funnel(user=self.manager)[self.t_contact.id]["reached"], 1)

    def test_bad_input(self):
        Report = self.env["crm.responsibility.report"].with_user(self.manager)
        for kw in ({"date_from": "x"}, {"date_to": 12}, {"user_id": [1, 2]}, {"team_id": "1"}):
            with self.assertRaises(UserError):
                Report.get_funnel(**kw)


@tagged("post_install", "-at_install")
class TestFunnelMerged(PipelineCase):
    """A merged lead carries the steps of the leads merged into it: it counts
    once per step, as reached and as moved on."""

    _funnel = TestFunnel._funnel

    def test_merged_lead_moves_on_once(self):
        leads = self._lead("Merged A", user_id=self.salesman.id) | self._lead(
            "Merged B", user_id=self.salesman.id
        )
        for lead in leads:
            self._activate(lead, user=self.salesman).complete(
                "next", "Met", next_deadline=self._in(3)
            )
        leads.with_user(self.salesman).merge_opportunity()
        contact = self._funnel(user=self.salesman)[self.t_contact.id]
        self.assertEqual((contact["reached"], contact["moved_on"]), (1, 1))
        self.assertEqual(contact["conversion"], 100.0)
        # the analysis sums the same figure by step
        groups = (
            self.env["crm.responsibility.report"]
            .with_user(self.salesman)
            ._read_group(
                [("salesperson_id", "=", self.salesman.id), ("type_id", "=", self.t_contact.id)],
                [],
                ["lead_id:count_distinct", "moved_on:sum", "__count"],
            )
        )
        self.assertEqual(groups, [(1, 1, 2)])

    def test_board_and_filter_count_the_funnels_leads(self):
        """The Funnel board's graph counts leads (the merged lead has two
        Contact prospect steps: one lead), and the analysis' Moved On filter
        keeps the rows the funnel counts as moved on, not every done step."""
        leads = self._lead("Merged C", user_id=self.salesman.id) | self._lead(
            "Merged D", user_id=self.salesman.id
        )
        for lead in leads:
            self._activate(lead, user=self.salesman).complete(
                "next", "Met", next_deadline=self._in(3)
            )
        leads.with_user(self.salesman).merge_opportunity()
        won = self._lead("Won early", user_id=self.salesman.id)
        self._activate(won, user=self.salesman)
        won.with_user(self.salesman).action_set_won()
        contact = self._funnel(user=self.salesman)[self.t_contact.id]
        self.assertEqual((contact["reached"], contact["moved_on"]), (2, 1))
        Report = self.env["crm.responsibility.report"].with_user(self.salesman)
        mine = [("salesperson_id", "=", self.salesman.id), ("type_id", "=", self.t_contact.id)]
        board = self.env.ref("crm_pipeline.crm_board_funnel_view")
        graph = etree.fromstring(board.arch).xpath("//action[@view_mode='graph']")[0]
        measure = safe_eval(graph.get("context"))["graph_measure"]
        aggregate = "__count" if measure == "__count" else f"{measure}:count_distinct"
        [[reached]] = Report._read_group(mine, [], [aggregate])
        self.assertEqual(reached, contact["reached"])
        search = etree.fromstring(Report.get_views([(False, "search")])["views"]["search"]["arch"])
        domain = safe_eval(search.xpath("//filter[@name='moved']")[0].get("domain"))
        self.assertEqual(Report.search_count(mine + domain), contact["moved_on"])
