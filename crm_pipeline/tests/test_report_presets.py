"""The reports of CRM > Reporting > Reports open with their filter and
group-by selected by their window action (``search_default_*`` of filters of
the report's search view, as Odoo's own reports), not by a shared favourite:
``ir.filters.name`` is not translatable, so a Romanian, Russian or Ukrainian
user saw the favourites' English names. What each report shows is what its
favourite showed (same domain, group-by and measures)."""

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.crm_suite_base.tests.common_i18n import catalogue

from .common import PipelineCase
from .test_reports import search_defaults

TWO_MONTHS = (
    "('{f}', '>=', (context_today() - relativedelta(months=1)).strftime('%Y-%m-01')), "
    "('{f}', '<', (context_today() + relativedelta(months=1)).strftime('%Y-%m-01'))"
)

# xml id (crm_pipeline.crm_report_<key>_action): the favourite it had (name,
# domain, group-by, pivot measures), the filter of its search view now named
# after it (None: the favourite had no domain), and the other context keys
REPORTS = {
    "contacts_by_company": (
        "Contacts by Company",
        "[('is_company', '=', False), ('parent_id', '!=', False)]",
        ["parent_id"],
        [],
    ),
    "contacts_without_company": (
        "Contacts without Company",
        "[('is_company', '=', False), ('parent_id', '=', False), ('type', '=', 'contact')]",
        [],
        [],
    ),
    "contacts_by_deal": ("Contacts by Deal", "[('partner_id', '!=', False)]", ["partner_id"], []),
    "leads_by_source": ("Leads by Source", "[]", ["source_id"], ["__count", "expected_revenue"]),
    "leads_by_status": ("Leads by Status", "[]", ["activation_state", "interest_status"], []),
    "pipeline": (
        "Pipeline",
        "[('type', '=', 'opportunity'), ('probability', '<', 100)]",
        ["stage_id"],
        ["__count", "expected_revenue", "prorated_revenue"],
    ),
    "won_deals": (
        "Won Deals",
        "[('probability', '=', 100), ('date_closed', '!=', False)]",
        ["user_id", "date_closed:month"],
        ["__count", "expected_revenue"],
    ),
    "activities_two_months": (
        "Planned Activities, Last Month and This Month",
        "[('res_model', '=', 'crm.lead'), " + TWO_MONTHS.format(f="date_deadline") + "]",
        ["date_deadline:month", "user_id"],
        [],
    ),
    "done_activities_two_months": (
        "Done Activities, Last Month and This Month",
        "[" + TWO_MONTHS.format(f="date") + "]",
        ["date:month", "author_id"],
        [],
    ),
}


@tagged("post_install", "-at_install")
class TestReportPresets(PipelineCase):
    """The reports opened by a salesperson (what they show on data:
    test_reports)."""

    def _eval_context(self, user):
        def context_today():
            return fields.Date.context_today(self.env["res.users"].with_user(user))

        return {"context_today": context_today, "relativedelta": relativedelta, "uid": user.id}

    def _action(self, key, user, lang="en_US"):
        xmlid = f"crm_pipeline.crm_report_{key}_action"
        action = (
            self.env["ir.actions.act_window"].with_user(user).with_context(lang=lang)
        )._for_xml_id(xmlid)
        action["where"] = xmlid
        return action, self.env[action["res_model"]].with_user(user).with_context(lang=lang)

    def _preset_filters(self, action, model):
        """The ``<filter>`` nodes (of the arch the user gets) that the action
        selects when it opens, in the order of its context."""
        context = safe_eval(action["context"] or "{}", self._eval_context(model.env.user))
        search_view_id = action["search_view_id"] and action["search_view_id"][0]
        views = model.get_views([(search_view_id, "search")])
        arch = etree.fromstring(views["views"]["search"]["arch"])
        nodes = []
        for key, value in context.items():
            if key.startswith("search_default_") and value:
                name = key[len("search_default_") :]
                found = arch.xpath(f"//filter[@name='{name}']")
                self.assertTrue(found, f"{action['where']}: no filter {name}")
                nodes.append(found[0])
        return nodes

    def test_reports_open_as_their_favourites_did_without_favourites(self):
        self.assertFalse(
            self.env["ir.model.data"].search_count(
                [("module", "=", "crm_pipeline"), ("model", "=", "ir.filters")]
            ),
            "crm_pipeline ships no favourite",
        )
        for key, (name, old_domain, old_group_by, old_measures) in REPORTS.items():
            action, model = self._action(key, self.salesman)
            where = action["where"]
            self.assertEqual(action["name"], name, where)
            self.assertFalse(
                [
                    f
                    for f in self.env["ir.filters"]
                    .with_user(self.salesman)
                    .get_filters(action["res_model"], action_id=action["id"])
                    if f["is_default"]
                ],
                f"{where}: no default favourite",
            )
            eval_ctx = self._eval_context(self.salesman)
            context = safe_eval(action["context"] or "{}", eval_ctx)
            search_view_id = action["search_view_id"] and action["search_view_id"][0]
            self.assertTrue(search_view_id, f"{where}: a search view of its own")
            domain, group_by = search_defaults(model, search_view_id, context, eval_ctx)
            domain += safe_eval(action["domain"] or "[]", eval_ctx)
            self.assertEqual(domain, safe_eval(old_domain, eval_ctx), where)
            self.assertEqual(group_by, old_group_by, where)
            self.assertEqual(context.get("pivot_measures", []), old_measures, where)
            self.assertNotIn("group_by", context, where)
            if key == "done_activities_two_months":
                # the done activities Odoo archived (types that keep them)
                self.assertIs(context.get("active_test"), False)
            # each report's filter is named after the report, as its favourite was
            labels = [node.get("string") for node in self._preset_filters(action, model)]
            if old_domain != "[]":
                self.assertIn(name, labels, where)

    def test_report_labels_in_romanian(self):
        """A Romanian salesperson sees the reports' names and their preset
        filters (the facets of the search bar) in Romanian: the filters'
        labels are terms of the report's search view, translated as the
        module's ro.po translates them (by their msgid)."""
        self.env["res.lang"]._activate_lang("ro_RO")
        self.env["ir.module.module"]._load_module_terms(["crm_pipeline"], ["ro_RO"], overwrite=True)
        ro = catalogue("crm_pipeline", "ro")
        user = new_test_user(
            self.env,
            login="report_presets_ro",
            groups="sales_team.group_sale_salesman",
            lang="ro_RO",
        )
        for key, (name, old_domain, __, __) in REPORTS.items():
            action, model = self._action(key, user, lang="ro_RO")
            where = action["where"]
            self.assertEqual(action["name"], ro[name], where)
            self.assertTrue(action["search_view_id"], f"{where}: a search view of its own")
            view = self.env["ir.ui.view"].browse(action["search_view_id"][0])
            self.assertEqual(view.mode, "primary", where)
            terms = view._fields["arch_db"].get_trans_terms(view.with_context(lang="en_US").arch_db)
            english = [
                node.get("string")
                for node in self._preset_filters(*self._action(key, user, lang="en_US"))
            ]
            # the view's own labels: translated through the catalogue's msgid
            own = [label for label in english if label in terms]
            if old_domain != "[]":
                self.assertIn(name, own, where)
            view.update_field_translations("arch_db", {"ro_RO": {t: ro[t] for t in own}})
            romanian = [node.get("string") for node in self._preset_filters(action, model)]
            for label, local in zip(english, romanian, strict=True):
                if label in own:
                    self.assertEqual(local, ro[label], f"{where}: {label}")
            if key == "leads_by_status":
                # crm_pipeline's own group-bys, through ro.po as it is
                self.assertEqual(romanian, [ro["Activation"], ro["Interest"]], where)
