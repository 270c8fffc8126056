from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import EvaluationSheetCase

# the models this addon defines, and the fields it adds to others
OWN_MODELS = ("crm.evaluation.sheet", "crm.evaluation.sheet.line", "product.recipe.line")
ADDED_FIELDS = {
    "sale.order": (
        "evaluation_sheet_id",
        "revision_of_id",
        "revision_root_id",
        "revision_number",
        "revision_ids",
    ),
    "product.template": ("recipe_line_ids", "has_recipe", "recipe_pricing"),
    "res.company": ("crm_evaluation_sheet_required",),
    "crm.lead": ("evaluation_sheet_ids",),
}


class TestSheetWritePolicy(EvaluationSheetCase):
    """The declared write policy of the sheets, recipes and quotations (issue
    #24), tried as a salesperson."""

    def test_every_stored_field_is_declared(self):
        policy = self.env["crm.write.policy"].get_write_policy(
            list(OWN_MODELS) + list(ADDED_FIELDS)
        )
        for model in OWN_MODELS:
            for name, field in self.env[model]._fields.items():
                if (
                    field.store
                    and not field.automatic
                    and "crm_evaluation_sheet" in (field._modules or ())
                ):
                    self.assertTrue(
                        policy[model]["fields"].get(name, {}).get("declared"), f"{model}.{name}"
                    )
        for model, names in ADDED_FIELDS.items():
            for name in names:
                self.assertTrue(policy[model]["fields"][name]["declared"], f"{model}.{name}")

    def test_derived_fields_are_owned(self):
        sheet = self._create_sheet([(self.survey, 2)], user=self.salesman)
        line = sheet.line_ids
        total, price = sheet.amount_total, line.price_unit
        for record, vals in (
            (sheet, {"amount_total": 1.0}),
            (sheet, {"currency_id": self.env.ref("base.EUR").id}),
            (sheet, {"name": "ES-FORGED"}),
            (line, {"price_unit": 0.01}),
            (line, {"price_subtotal": 0.01}),
            (line, {"company_id": self.env.company.id}),
        ):
            with self.assertRaises(UserError, msg=vals):
                record.write(vals)
        self.assertEqual((sheet.amount_total, line.price_unit), (total, price))

    def test_name_comes_from_the_sequence(self):
        Sheet = self.env["crm.evaluation.sheet"].with_user(self.salesman)
        with self.assertRaises(UserError):
            Sheet.create({"partner_id": self.partner.id, "name": "ES-FORGED"})
        sheet = Sheet.create({"partner_id": self.partner.id})
        self.assertNotEqual(sheet.name, "New")
        self.assertFalse(Sheet.search([("name", "=", "ES-FORGED")]))

    def test_quotation_link_is_owned(self):
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        order = (
            self.env["sale.order"].with_user(self.salesman).create({"partner_id": self.partner.id})
        )
        with self.assertRaises(UserError):
            sheet.write({"sale_order_ids": [Command.link(order.id)]})
        with self.assertRaises(UserError):
            order.write({"revision_ids": [Command.link(order.id)]})
        self.assertFalse(order.evaluation_sheet_id)

    def test_closed_sheet_terms_are_frozen(self):
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        sheet.action_cancel()
        for vals in ({"date": "2030-01-01"}, {"lead_id": False}, {"partner_id": False}):
            with self.assertRaises(UserError, msg=vals):
                sheet.write(vals)
        sheet.write({"notes": "<p>kept</p>", "user_id": self.salesman.id})

    def test_values_out_of_range(self):
        Sheet = self.env["crm.evaluation.sheet"].with_user(self.salesman)
        for vals in (
            {"date": "0001-01-01"},
            {"date": "9999-12-31"},
            {"date": ["2026-01-01"]},
            {"partner_id": [self.partner.id]},
            {"state": "draft", "notes": ["x"]},
        ):
            with self.assertRaises(ValidationError, msg=vals):
                Sheet.create(dict(vals, partner_id=vals.get("partner_id", self.partner.id)))
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        for qty in (-1, 1e9 + 1, [2], float("nan")):
            with self.assertRaises(ValidationError, msg=qty):
                sheet.write(
                    {"line_ids": [Command.update(sheet.line_ids.id, {"product_uom_qty": qty})]}
                )
        self.assertEqual(sheet.line_ids.product_uom_qty, 1)

    def test_settings_and_products_need_their_groups(self):
        company = self.env.company.with_user(self.salesman)
        with self.assertRaises(AccessError):
            company.write({"crm_evaluation_sheet_required": False})
        template = self.floor.product_tmpl_id.with_user(self.manager)
        with self.assertRaises(UserError):
            template.write({"has_recipe": False})
        recipe_line = self.floor.recipe_line_ids[0].with_user(self.manager)
        for qty in (0 - 1, 1e10, "2"):
            with self.assertRaises(ValidationError, msg=qty):
                recipe_line.write({"quantity": qty})

    def test_public_methods_on_one_record(self):
        first = self._create_sheet([(self.survey, 1)], user=self.salesman)
        second = self._create_sheet([(self.survey, 1)], user=self.salesman)
        (first | second).action_finalize()
        for method in ("action_generate_quotation", "action_view_quotations"):
            with self.assertRaises(UserError, msg=method):
                getattr(first | second, method)()
            with self.assertRaises(UserError, msg=method):
                getattr(first.browse(), method)()
        self.assertFalse(first.sale_order_ids | second.sale_order_ids)

    def test_recipe_expansion_beyond_a_quotation_line(self):
        free = self.env["product.product"].create(
            {"name": "Free grain", "type": "consu", "list_price": 0.0}
        )
        bulk = self.env["product.product"].create(
            {
                "name": "Bulk",
                "type": "service",
                "list_price": 0.0,
                "recipe_line_ids": [Command.create({"product_id": free.id, "quantity": 1e6})],
            }
        )
        sheet = self._create_sheet([(bulk, 1e6)], user=self.salesman)
        sheet.action_finalize()
        with self.assertRaisesMsg(UserError, "lower the quantity"):
            sheet.action_generate_quotation()
        self.assertFalse(sheet.sale_order_ids)

    def test_odd_context(self):
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        # an unknown language is Odoo's clean refusal; an unknown time zone is ignored
        with self.assertRaisesMsg(UserError, "Invalid language code"):
            sheet.with_context(lang="xx_XX").action_update_prices()
        odd = sheet.with_context(tz="Mars/Olympus_Mons")
        odd.action_update_prices()
        odd.action_finalize()
        odd.action_generate_quotation()
        self.assertEqual(len(sheet.sale_order_ids), 1)
        odd.sale_order_ids.action_revise()
        self.assertEqual(len(sheet.sale_order_ids), 2)
        self.assertTrue(
            self.env["crm.evaluation.sheet"]
            .with_user(self.salesman)
            .with_context(tz="Nowhere/Void")
            .create({"partner_id": self.partner.id})
            .name.startswith("EVS/")
        )
