from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PipelineCase


@tagged("post_install", "-at_install")
class TestMergeKeepsData(PipelineCase):
    """Odoo's merge (the wizard, the conversion's merge, merge_opportunity)
    deletes the merged leads: what the suite keeps on a lead follows the
    surviving one."""

    def _pair(self, head_vals=None, tail_vals=None):
        head = self._lead(
            "Merge data head",
            **{"probability": 90, "user_id": self.salesman.id, **(head_vals or {})},
        )
        tail = self._lead(
            "Merge data tail",
            **{"probability": 10, "user_id": self.salesman.id, **(tail_vals or {})},
        )
        return head, tail

    def _merge_with_wizard(self, leads, user):
        wizard = (
            self.env["crm.merge.opportunity"]
            .with_user(user)
            .create({"opportunity_ids": [Command.set(leads.ids)]})
        )
        return wizard.action_merge()

    def test_merge_keeps_company_data_interest_competitors_and_quotations(self):
        Competitor = self.env["crm.competitor"]
        own, theirs, archived = Competitor.create(
            [{"name": "Merge rival A"}, {"name": "Merge rival B"}, {"name": "Merge rival C"}]
        )
        archived.active = False
        head, tail = self._pair(
            {"competitor_ids": [Command.set(own.ids)]},
            {
                "vat": "RO 18547290",
                "company_registry": "J40/1234/2020",
                "vat_payer": True,
                "company_status": "active",
                "interest_status": "high",
                "competitor_ids": [Command.set((theirs | archived).ids)],
            },
        )
        # another salesperson's quotation on the merged lead, which the
        # salesperson merging does not read
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": tail.id,
                "user_id": self.salesman_b.id,
            }
        )
        self.assertFalse(
            self.env["sale.order"].with_user(self.salesman).search([("id", "=", order.id)])
        )
        self._merge_with_wizard(head | tail, self.salesman)
        self.assertFalse(tail.exists())
        self.assertRecordValues(
            head,
            [
                {
                    "vat": "RO 18547290",
                    "company_registry": "J40/1234/2020",
                    "vat_payer": True,
                    "company_status": "active",
                    "interest_status": "high",
                }
            ],
        )
        self.assertEqual(
            head.with_context(active_test=False).competitor_ids, own | theirs | archived
        )
        self.assertEqual(order.opportunity_id, head)

    def test_company_data_comes_from_one_lead(self):
        """The survivor's tax ID, trade register number, VAT payer flag and
        company status describe one company: a survivor with its own tax ID
        keeps its own, not the merged lead's trade register number."""
        head, tail = self._pair(
            {"vat": "RO 11111111", "interest_status": "pause"},
            {
                "vat": "RO 22222222",
                "company_registry": "J40/2/2020",
                "vat_payer": True,
                "company_status": "deregistered",
                "interest_status": "high",
            },
        )
        (head | tail).with_user(self.salesman).merge_opportunity()
        self.assertRecordValues(
            head,
            [
                {
                    "vat": "RO 11111111",
                    "company_registry": False,
                    "vat_payer": False,
                    "company_status": False,
                    "interest_status": "pause",
                }
            ],
        )

    def test_lost_competitor_follows_odoo_lost_reason(self):
        rival = self.env["crm.competitor"].create({"name": "Merge winner"})
        head, tail = self._pair(tail_vals={"lost_competitor_id": rival.id})
        (head | tail).with_user(self.salesman).merge_opportunity()
        # the survivor is still open: it was lost to nobody
        self.assertFalse(head.lost_competitor_id)
        head, tail = self._pair(
            {"probability": 0, "active": False},
            {"probability": 0, "active": False, "lost_competitor_id": rival.id},
        )
        (head | tail).merge_opportunity()
        self.assertEqual(head.lost_competitor_id, rival)

    def test_merge_with_one_lead_per_tax_id(self):
        """With "One lead per tax ID", the survivor takes the tax ID of the lead
        the merge deletes; merged leads that are kept are duplicates."""
        self.env.company.crm_block_duplicate_vat = True
        head, tail = self._pair(tail_vals={"vat": "RO 33333333"})
        other_head, other_tail = self._pair(tail_vals={"vat": "RO 44444444"})
        (head | tail).with_user(self.salesman).merge_opportunity()
        self.assertEqual(head.vat, "RO 33333333")
        with self.assertRaisesRegex(UserError, "one lead per tax ID"):
            (other_head | other_tail).with_user(self.salesman).merge_opportunity(auto_unlink=False)

    def test_merge_without_tax_id_under_one_lead_per_tax_id(self):
        """With "One lead per tax ID" on, creating a lead without a tax ID is
        Odoo's create: the guard, which has nothing to check there, does not
        flush the transaction. Its flush scored the leads changed before (a lead
        moved to another stage) at once, before the team had won or lost a lead:
        a manual probability of 0 then equalled the automated one, and the merge
        replaced it (crm's TestLeadMerge.test_lead_merge_probability_manual_empty)."""
        self.env.company.crm_block_duplicate_vat = True
        # the lead scoring learns from this test's leads only
        self.env["crm.lead.scoring.frequency"].search([]).unlink()
        team = self.env["crm.team"].create({"name": "Merge scoring team"})
        stage = self.env["crm.stage"].create({"name": "Merge scoring", "team_id": team.id})
        Lead = self.env["crm.lead"].with_user(self.manager)
        head = Lead.create(
            {
                "name": "Merge scoring head",
                "type": "lead",
                "team_id": team.id,
                "user_id": self.manager.id,
                "probability": 20,
            }
        )
        head.stage_id = stage
        # the team's first won and lost leads
        won, lost = Lead.create(
            [
                {
                    "name": f"Merge scoring {state}",
                    "type": "opportunity",
                    "team_id": team.id,
                    "stage_id": stage.id,
                }
                for state in ("won", "lost")
            ]
        )
        won.action_set_won()
        lost.action_set_lost()
        tails = Lead.create(
            [
                {"name": f"Merge scoring tail {i}", "type": "lead", "team_id": team.id}
                for i in range(2)
            ]
        )
        head.write({"type": "opportunity", "probability": 0})
        action = self._merge_with_wizard(head | tails, self.manager)
        self.assertEqual(action["res_id"], head.id)
        self.assertFalse(tails.exists())
        self.assertEqual(head.probability, 0, "the manual probability stays")
        self.assertFalse(head.is_automated_probability)

    def test_convert_with_merge_and_one_lead_per_tax_id(self):
        """The conversion wizard's merge deletes the merged leads as the merge
        wizard does: the survivor takes the tax ID of the lead it deletes."""
        self.env.company.crm_block_duplicate_vat = True
        head, tail = self._pair({"type": "lead"}, {"type": "lead", "vat": "RO 55555555"})
        wizard = (
            self.env["crm.lead2opportunity.partner"]
            .with_user(self.salesman)
            .with_context(active_model="crm.lead", active_id=head.id, active_ids=head.ids)
            .create(
                {
                    "name": "merge",
                    "action": "nothing",
                    "duplicated_lead_ids": [Command.set((head | tail).ids)],
                    "user_id": self.salesman.id,
                }
            )
        )
        wizard.action_apply()
        self.assertFalse(tail.exists())
        self.assertEqual(head.vat, "RO 55555555")
        self.assertEqual(head.type, "opportunity")
