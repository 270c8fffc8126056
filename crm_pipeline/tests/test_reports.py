"""The vTiger reports crm_pipeline ships (CRM > Reporting > Reports), each
opened as the web client opens it: the window action loaded as the user, its
default shared filter (or the search defaults of its context) and its group-by
applied through ``_read_group``, on known data restricted to the records the
test creates. Salespeople see their own leads, activities and orders."""

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval

from .common import PipelineCase


def search_defaults(model, search_view_id, context, eval_ctx):
    """``(domain, group_by)`` that the web client selects when it opens a
    window action of ``model`` with ``context`` and the search view
    ``search_view_id`` (the model's default one when False): the domains of
    the filters named by ``search_default_<name>``, and the group-bys of the
    group-by filters so named in the order of their values (the web client's
    ``defaultRank``: a number, else 100), a date field by month unless the
    filter names the interval."""
    arch = etree.fromstring(model.get_view(search_view_id, "search")["arch"])
    domain, ranked = [], []
    for key, value in context.items():
        if not key.startswith("search_default_") or not value:
            continue
        name = key[len("search_default_") :]
        nodes = arch.xpath(f"//filter[@name='{name}']")
        assert nodes, f"no filter {name} in the search view"
        node = nodes[0]
        if node.get("domain"):
            domain += safe_eval(node.get("domain"), eval_ctx)
        filter_group_by = safe_eval(node.get("context") or "{}", eval_ctx).get("group_by")
        if filter_group_by:
            fname = filter_group_by.split(":")[0]
            if ":" not in filter_group_by and model._fields[fname].type in ("date", "datetime"):
                filter_group_by = f"{fname}:month"
            rank = value if isinstance(value, int) and not isinstance(value, bool) else 100
            ranked.append((rank, filter_group_by))
    return domain, [spec for __, spec in sorted(ranked, key=lambda item: item[0])]


@tagged("post_install", "-at_install")
class TestPipelineReports(PipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = cls.env["res.users"].create(
            {
                "name": "Reports employee",
                "login": "reports_employee",
                "groups_id": [(6, 0, [cls.env.ref("base.group_user").id])],
            }
        )
        Partner = cls.env["res.partner"]
        cls.comp_a = Partner.create({"name": "Report Company A", "is_company": True})
        cls.comp_b = Partner.create({"name": "Report Company B", "is_company": True})
        cls.a1 = Partner.create({"name": "Report A1", "parent_id": cls.comp_a.id})
        cls.a2 = Partner.create({"name": "Report A2", "parent_id": cls.comp_a.id})
        archived = Partner.create({"name": "Report A3", "parent_id": cls.comp_a.id})
        archived.active = False
        cls.b1 = Partner.create({"name": "Report B1", "parent_id": cls.comp_b.id})
        cls.lone1 = Partner.create({"name": "Report Lone 1"})
        cls.lone2 = Partner.create({"name": "Report Lone 2"})
        invoice_address = Partner.create({"name": "Report Billing", "type": "invoice"})
        cls.partners = (
            cls.comp_a
            | cls.comp_b
            | cls.a1
            | cls.a2
            | archived
            | cls.b1
            | cls.lone1
            | cls.lone2
            | invoice_address
        )

        cls.src1 = cls.env["utm.source"].create({"name": "Report source 1"})
        cls.src2 = cls.env["utm.source"].create({"name": "Report source 2"})
        cls.stage_new = cls.env.ref("crm.stage_lead1")
        cls.stage_qualified = cls.env.ref("crm.stage_lead2")
        won_stage = cls.env.ref("crm.stage_lead4")
        mine = {"user_id": cls.salesman.id, "type": "opportunity"}
        Lead = cls.env["crm.lead"]
        cls.l1 = Lead.create(
            dict(
                mine,
                name="Report L1",
                partner_id=cls.a1.id,
                source_id=cls.src1.id,
                expected_revenue=100.0,
                probability=10.0,
                stage_id=cls.stage_new.id,
                interest_status="shown",
            )
        )
        cls.l2 = Lead.create(
            dict(
                mine,
                name="Report L2",
                partner_id=cls.a1.id,
                source_id=cls.src1.id,
                expected_revenue=200.0,
                probability=50.0,
                stage_id=cls.stage_new.id,
            )
        )
        cls.l3 = Lead.create(
            dict(
                mine,
                name="Report L3",
                partner_id=cls.b1.id,
                source_id=cls.src2.id,
                expected_revenue=50.0,
                probability=20.0,
                stage_id=cls.stage_qualified.id,
                interest_status="high",
            )
        )
        cls.l3.activate(cls.salesman.id, cls._in(1))
        cls.l3.stage_id = cls.stage_qualified
        # a lead, not an opportunity: out of the pipeline
        cls.l4 = Lead.create(dict(mine, name="Report L4", type="lead"))
        # another salesperson's: hidden from the salesperson
        cls.l5 = Lead.create(
            dict(
                mine,
                name="Report L5",
                user_id=cls.salesman_b.id,
                partner_id=cls.a1.id,
                source_id=cls.src1.id,
                expected_revenue=999.0,
                stage_id=cls.stage_new.id,
            )
        )
        # lost (archived): out of every report on leads
        cls.l6 = Lead.create(
            dict(
                mine,
                name="Report L6",
                partner_id=cls.b1.id,
                source_id=cls.src1.id,
                expected_revenue=70.0,
            )
        )
        cls.l6.action_set_lost(lost_reason_id=cls.lost_reason.id)
        cls.w1 = Lead.create(
            dict(mine, name="Report W1", partner_id=cls.lone1.id, expected_revenue=300.0)
        )
        cls.w2 = Lead.create(dict(mine, name="Report W2", expected_revenue=400.0))
        cls.w3 = Lead.create(
            dict(mine, name="Report W3", user_id=cls.salesman_b.id, expected_revenue=1000.0)
        )
        (cls.w1 | cls.w2 | cls.w3).write({"stage_id": won_stage.id})
        cls.leads = cls.l1 | cls.l2 | cls.l3 | cls.l4 | cls.l5 | cls.l6 | cls.w1 | cls.w2 | cls.w3

    # ------------------------------------------------------------------
    # Opening a report as the web client does
    # ------------------------------------------------------------------

    def _eval_context(self, user):
        def context_today():
            return fields.Date.context_today(self.env["res.users"].with_user(user))

        return {
            "context_today": context_today,
            "relativedelta": relativedelta,
            "datetime": safe_datetime,
            "uid": user.id,
        }

    def _open(self, xmlid, user, restrict):
        """``(records, groups)`` of the report ``xmlid`` opened by ``user``:
        the action's domain and its default filter (a shared ``ir.filters`` or
        the ``search_default_*`` filters of its search view), limited to the
        ``restrict`` domain; ``groups`` is the ``_read_group`` of its group-by
        with its measures, as a dict keyed by the group values."""
        action = self.env["ir.actions.act_window"].with_user(user)._for_xml_id(xmlid)
        eval_ctx = self._eval_context(user)
        context = safe_eval(action.get("context") or "{}", eval_ctx)
        domain = list(safe_eval(action.get("domain") or "[]", eval_ctx))
        model = self.env[action["res_model"]].with_user(user)
        # the views open for the user (no field of them is out of reach)
        view_modes = action["view_mode"].split(",")
        model.get_views([(False, mode) for mode in view_modes] + [(False, "search")])
        group_by = context.get("group_by") or []
        measures = context.get("pivot_measures") or []
        pivot_view = [view_id for view_id, mode in action["views"] if mode == "pivot" and view_id]
        if pivot_view and not measures:
            # the action's own pivot view names its measures
            pivot = etree.fromstring(model.get_view(pivot_view[0], "pivot")["arch"])
            measures = [node.get("name") for node in pivot.xpath("//field[@type='measure']")]
        defaults = [
            f
            for f in self.env["ir.filters"]
            .with_user(user)
            .get_filters(action["res_model"], action_id=action["id"])
            if f["is_default"]
        ]
        if defaults:
            self.assertEqual(len(defaults), 1, "one default filter per report")
            domain += safe_eval(defaults[0]["domain"], eval_ctx)
            filter_context = safe_eval(defaults[0]["context"], eval_ctx)
            group_by = filter_context.get("group_by") or group_by
            measures = filter_context.get("pivot_measures") or measures
        search_view_id = action.get("search_view_id") and action["search_view_id"][0]
        search_domain, search_group_by = search_defaults(model, search_view_id, context, eval_ctx)
        domain += search_domain
        group_by = search_group_by or group_by
        if isinstance(group_by, str):
            group_by = [group_by]
        model = model.with_context(**{k: v for k, v in context.items() if k == "active_test"})
        aggregates = ["__count"] + [
            f"{m}:sum" for m in measures if m != "__count" and f"{m}:sum" not in measures
        ]
        domain = domain + restrict
        records = model.search(domain)
        groups = {}
        for row in model._read_group(domain, group_by, aggregates):
            key = row[: len(group_by)]
            values = row[len(group_by) :]
            groups[key[0] if len(key) == 1 else tuple(key)] = (
                values[0] if len(values) == 1 else tuple(values)
            )
        return records, groups, measures

    # ------------------------------------------------------------------
    # Contacts
    # ------------------------------------------------------------------

    def test_contacts_by_company(self):
        records, groups, __ = self._open(
            "crm_pipeline.crm_report_contacts_by_company_action",
            self.salesman,
            [("id", "in", self.partners.ids)],
        )
        self.assertEqual(records, self.a1 | self.a2 | self.b1)
        self.assertEqual(groups, {self.comp_a: 2, self.comp_b: 1})

    def test_contacts_without_company(self):
        records, groups, __ = self._open(
            "crm_pipeline.crm_report_contacts_without_company_action",
            self.salesman,
            [("id", "in", self.partners.ids)],
        )
        self.assertEqual(records, self.lone1 | self.lone2)
        self.assertEqual(groups, {(): 2})

    def test_contacts_by_deal(self):
        records, groups, __ = self._open(
            "crm_pipeline.crm_report_contacts_by_deal_action",
            self.salesman,
            [("id", "in", self.leads.ids)],
        )
        self.assertEqual(records, self.l1 | self.l2 | self.l3 | self.w1)
        self.assertEqual(groups, {self.a1: 2, self.b1: 1, self.lone1: 1})
        # a sales manager sees the other salesperson's deal with A1 too
        __, groups, __ = self._open(
            "crm_pipeline.crm_report_contacts_by_deal_action",
            self.manager,
            [("id", "in", self.leads.ids)],
        )
        self.assertEqual(groups[self.a1], 3)

    # ------------------------------------------------------------------
    # Leads
    # ------------------------------------------------------------------

    def test_leads_by_source(self):
        __, groups, measures = self._open(
            "crm_pipeline.crm_report_leads_by_source_action",
            self.salesman,
            [("id", "in", self.leads.ids)],
        )
        self.assertEqual(measures, ["__count", "expected_revenue"])
        self.assertEqual(
            groups,
            {
                self.src1: (2, 300.0),
                self.src2: (1, 50.0),
                self.env["utm.source"]: (3, 700.0),
            },
        )

    def test_leads_by_status(self):
        __, groups, __ = self._open(
            "crm_pipeline.crm_report_leads_by_status_action",
            self.salesman,
            [("id", "in", self.leads.ids)],
        )
        self.assertEqual(
            groups,
            {
                ("inactive", "shown"): 1,
                ("inactive", False): 2,
                ("active", "high"): 1,
                # won without an activation: Active (W1, W2)
                ("active", False): 2,
            },
        )

    # ------------------------------------------------------------------
    # Deals
    # ------------------------------------------------------------------

    def test_pipeline(self):
        self.assertEqual((self.l1 | self.l2 | self.l3).mapped("probability"), [10.0, 50.0, 20.0])
        __, groups, measures = self._open(
            "crm_pipeline.crm_report_pipeline_action",
            self.salesman,
            [("id", "in", self.leads.ids)],
        )
        self.assertEqual(measures, ["__count", "expected_revenue", "prorated_revenue"])
        # prorated: 100 × 10% + 200 × 50%; 50 × 20%
        self.assertEqual(
            groups,
            {
                self.stage_new: (2, 300.0, 110.0),
                self.stage_qualified: (1, 50.0, 10.0),
            },
        )

    def test_won_deals(self):
        # date_closed is a datetime: its month starts at midnight
        month = fields.Datetime.to_datetime(fields.Date.today().replace(day=1))
        __, groups, __ = self._open(
            "crm_pipeline.crm_report_won_deals_action",
            self.salesman,
            [("id", "in", self.leads.ids)],
        )
        self.assertEqual(groups, {(self.salesman, month): (2, 700.0)})
        __, groups, __ = self._open(
            "crm_pipeline.crm_report_won_deals_action",
            self.manager,
            [("id", "in", self.leads.ids)],
        )
        self.assertEqual(
            groups,
            {(self.salesman, month): (2, 700.0), (self.salesman_b, month): (1, 1000.0)},
        )

    # ------------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------------

    def test_activities_last_two_months(self):
        today = fields.Date.context_today(self.env["res.users"].with_user(self.salesman))
        this_month = today.replace(day=1)
        last_month = this_month - relativedelta(months=1)
        keep_done = self.env["mail.activity.type"].create(
            {"name": "Report call", "keep_done": True, "res_model": "crm.lead"}
        )
        lead_model = self.env["ir.model"]._get_id("crm.lead")

        def activity(record, user, deadline, **vals):
            return self.env["mail.activity"].create(
                dict(
                    {
                        "res_model_id": self.env["ir.model"]._get_id(record._name),
                        "res_id": record.id,
                        "user_id": user.id,
                        "date_deadline": deadline,
                        "summary": "Report activity",
                    },
                    **vals,
                )
            )

        next_month = this_month + relativedelta(months=1)
        activities = (
            activity(self.l1, self.salesman, today)
            | activity(self.l2, self.salesman, last_month)
            # older than last month: out
            | activity(self.l3, self.salesman, last_month - relativedelta(days=1))
            # from next month on: out
            | activity(self.l1, self.salesman, next_month)
            # another salesperson's lead: hidden from the salesperson
            | activity(self.l5, self.salesman_b, today)
            # not on a lead: out
            | activity(self.a1, self.salesman, today)
        )
        self.assertEqual(lead_model, activities[0].res_model_id.id)
        # done: an archived one (its type keeps done ones) and a to-do, which
        # Odoo deletes; both are in the done report, by completion date
        kept = activity(self.l1, self.salesman, today, activity_type_id=keep_done.id)
        todo = activity(
            self.l2,
            self.salesman,
            last_month,
            activity_type_id=self.env.ref("mail.mail_activity_data_todo").id,
        )
        (kept | todo).with_user(self.salesman).action_feedback(feedback="Called")
        self.assertFalse(kept.active)
        self.assertFalse(todo.exists())
        activities |= kept
        __, groups, __ = self._open(
            "crm_pipeline.crm_report_activities_two_months_action",
            self.salesman,
            [("id", "in", activities.ids)],
        )
        # planned ones only: the done one is in the done report
        self.assertEqual(
            groups,
            {(this_month, self.salesman): 1, (last_month, self.salesman): 1},
        )
        __, groups, __ = self._open(
            "crm_pipeline.crm_report_activities_two_months_action",
            self.manager,
            [("id", "in", activities.ids)],
        )
        self.assertEqual(groups[(this_month, self.salesman_b)], 1)
        leads = (self.l1 | self.l2 | self.l3 | self.l5).ids
        __, groups, __ = self._open(
            "crm_pipeline.crm_report_done_activities_two_months_action",
            self.salesman,
            [("lead_id", "in", leads)],
        )
        # both done this month (today), by the salesperson who marked them done
        done_month = fields.Datetime.to_datetime(this_month)
        self.assertEqual(groups, {(done_month, self.salesman.partner_id): 2})
        # the Activities board's panels read the same
        board = (
            self.env["crm.activity.report"].with_user(self.salesman).with_context(active_test=False)
        )
        self.assertEqual(board.search_count([("lead_id", "in", leads)]), 2)

    # ------------------------------------------------------------------
    # Products by quantity (sale.report's qty_sold and qty_quoted)
    # ------------------------------------------------------------------

    def _order(self, user, lines, state="draft", days_ago=0):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.comp_a.id,
                "user_id": user.id,
                "order_line": [
                    (0, 0, dict({"product_id": product.id, "product_uom_qty": qty}, **extra))
                    for product, qty, extra in lines
                ],
            }
        )
        if state == "sale":
            order.action_confirm()
        elif state == "sent":
            order.action_quotation_sent()
        elif state == "cancel":
            order._action_cancel()
        if days_ago:
            order.date_order = fields.Datetime.now() - relativedelta(days=days_ago)
        self.assertEqual(order.state, state)
        return order

    def test_products_by_quantity(self):
        Product = self.env["product.product"]
        p1 = Product.create({"name": "Report laptop", "type": "consu"})
        p2 = Product.create({"name": "Report service", "type": "service"})
        dozen = self.env.ref("uom.product_uom_dozen")
        s, s2 = self.salesman, self.salesman_b
        # confirmed: 5 units and a dozen of P1, 2 of P2
        self._order(s, [(p1, 5, {}), (p1, 1, {"product_uom": dozen.id}), (p2, 2, {})], "sale")
        # quotations: sent this month, a draft two months ago, a draft too old
        self._order(s, [(p1, 4, {})], "sent")
        self._order(s, [(p1, 3, {})], "draft", days_ago=62)
        self._order(s, [(p1, 1000, {})], "draft", days_ago=400)
        # cancelled: neither sold nor quoted
        self._order(s, [(p1, 100, {})], "cancel")
        # another salesperson's sale
        self._order(s2, [(p1, 7, {})], "sale")
        self.env.flush_all()
        xmlid = "crm_pipeline.crm_product_quantity_report_action"
        restrict = [("product_id", "in", (p1 | p2).ids)]
        __, groups, measures = self._open(xmlid, s, restrict)
        self.assertEqual(measures, ["qty_sold", "qty_quoted"])
        # the last 365 days (the action's default filter): not the old draft
        figures = {product: values[1:] for product, values in groups.items()}
        self.assertEqual(figures, {p1: (17.0, 7.0), p2: (2.0, 0.0)})
        # per period: the draft of two months ago in its own month
        by_month = {
            (product, month): (sold, quoted)
            for product, month, sold, quoted in self.env["sale.report"]
            .with_user(s)
            ._read_group(
                [("state", "in", ("draft", "sent", "sale")), ("product_id", "=", p1.id)],
                ["product_id", "date:month"],
                ["qty_sold:sum", "qty_quoted:sum"],
            )
        }
        self.assertEqual(sorted(by_month.values()), [(0.0, 3.0), (0.0, 1000.0), (17.0, 4.0)])
        # a sales manager sees every salesperson's orders
        manager = {
            row[0]: row[1:]
            for row in self.env["sale.report"]
            .with_user(self.manager)
            ._read_group(
                [("state", "in", ("draft", "sent", "sale"))] + restrict,
                ["product_id"],
                ["qty_sold:sum", "qty_quoted:sum"],
            )
        }
        self.assertEqual(manager[p1], (24.0, 1007.0))
        # the report is for sales users
        with self.assertRaises(AccessError):
            self.env["sale.report"].with_user(self.employee).search([])

    def test_reports_are_for_sales_users(self):
        visible = self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids()
        for xmlid in (
            "crm_pipeline.crm_report_menu",
            "crm_pipeline.crm_report_won_deals_menu",
            "crm_pipeline.crm_product_quantity_report_menu",
        ):
            self.assertIn(self.env.ref(xmlid).id, visible)
        self.assertIn(
            self.env.ref("sales_team.group_sale_salesman"),
            self.env.ref("crm.crm_menu_report").groups_id,
        )
        for model in ("crm.lead", "sale.report"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.employee).check_access("read")
