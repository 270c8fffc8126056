from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user


class PipelineCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="pipe_sales_a", groups="sales_team.group_sale_salesman"
        )
        cls.salesman_b = new_test_user(
            cls.env, login="pipe_sales_b", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env, login="pipe_sales_manager", groups="sales_team.group_sale_manager"
        )
        cls.t_contact = cls.env.ref("crm_pipeline.responsibility_type_contact_prospect")
        cls.t_meeting = cls.env.ref("crm_pipeline.responsibility_type_meeting_evaluation")
        cls.t_offer = cls.env.ref("crm_pipeline.responsibility_type_offer_negotiation")
        cls.t_contracting = cls.env.ref("crm_pipeline.responsibility_type_contracting")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Pipeline Customer SRL", "is_company": True}
        )
        cls.lost_reason = cls.env["crm.lost.reason"].create({"name": "Too expensive"})
        cls.Responsibility = cls.env["crm.lead.responsibility"]

    @classmethod
    def _lead(cls, name="Pipeline lead", **vals):
        return cls.env["crm.lead"].create(
            dict(
                {
                    "name": name,
                    "type": "opportunity",
                    "partner_id": cls.customer.id,
                    "user_id": False,
                },
                **vals,
            )
        )

    @staticmethod
    def _in(days=1):
        return fields.Datetime.to_string(
            fields.Datetime.now().replace(microsecond=0) + timedelta(days=days)
        )

    def _flush_tracking(self):
        """Run what a commit runs: tracking values are written then, and records
        created in the same transaction are only tracked after it."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _activate(self, leads, user=None, **kw):
        leads.activate((user or self.salesman).id, self._in(1), **kw)
        return leads.responsibility_ids.filtered("is_open")

    def _satisfy_downstream_gates(self, lead):
        """Addons installed on top of this one may gate a step (the evaluation
        sheet addon gates Meeting & evaluation on a finalised sheet): meet
        their condition so that the chain itself is what these tests check."""
        if "crm.evaluation.sheet" in self.env:
            product = self.env["product.product"].create({"name": "Gate item"})
            self.env["crm.evaluation.sheet"].create(
                {
                    "lead_id": lead.id,
                    "line_ids": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
                }
            ).action_finalize()
        if "crm.contract" in self.env and "lead_id" in self.env["crm.contract"]._fields:
            # crm_finance_cashflow gates Contracting on an active customer contract
            partner = lead.partner_id or self.env["res.partner"].create({"name": "Gate client"})
            self.env["crm.contract"].create(
                {
                    "lead_id": lead.id,
                    "partner_id": partner.id,
                    "line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Gate line",
                                "price_unit": 1.0,
                                "recurrence": "one_off",
                                "date_start": fields.Date.context_today(lead),
                            },
                        )
                    ],
                    "date_start": fields.Date.context_today(lead),
                }
            ).action_activate()
