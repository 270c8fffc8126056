from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestMultiCompanyRecipesAndSheets(EvaluationSheetCase):
    """A recipe sells its components on the quotation of the parent's company,
    and a sheet's items are sold by the sheet's company: neither holds a product
    of another company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "EVS Company B"})
        cls.both = cls.company_a | cls.company_b
        cls.manager_ab = new_test_user(
            cls.env,
            login="evs_manager_ab",
            groups="sales_team.group_sale_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.both.ids)],
        )
        Product = cls.env["product.product"]
        cls.part_b = Product.create(
            {
                "name": "Test Part of B",
                "type": "consu",
                "list_price": 3.0,
                "company_id": cls.company_b.id,
                "taxes_id": [Command.clear()],
            }
        )
        cls.wall_a = Product.create(
            {
                "name": "Test Wall of A",
                "type": "service",
                "list_price": 20.0,
                "company_id": cls.company_a.id,
                "taxes_id": [Command.clear()],
            }
        )

    def _as_manager(self, records):
        return records.with_user(self.manager_ab).with_context(allowed_company_ids=self.both.ids)

    def test_recipe_component_of_another_company_refused(self):
        # a product of company A, and a product shared by every company, cannot
        # hold a component that only company B sells: the quotation of company
        # A's sheet would sell a product company A does not have
        for parent in (self.wall_a, self.survey):
            with self.assertRaises(UserError):
                self._as_manager(parent.product_tmpl_id).write(
                    {
                        "recipe_line_ids": [
                            Command.create({"product_id": self.part_b.id, "quantity": 1})
                        ]
                    }
                )
            self.assertFalse(parent.recipe_line_ids)
        # the component of the parent's own company is fine
        part_a = self.env["product.product"].create(
            {"name": "Test Part of A", "type": "consu", "company_id": self.company_a.id}
        )
        self._as_manager(self.wall_a.product_tmpl_id).write(
            {"recipe_line_ids": [Command.create({"product_id": part_a.id, "quantity": 1})]}
        )
        self.assertEqual(self.wall_a.recipe_line_ids.product_id, part_a)

    def test_recipe_follows_its_product_to_another_company(self):
        part_a = self.env["product.product"].create(
            {"name": "Test Part of A", "type": "consu", "company_id": self.company_a.id}
        )
        self._as_manager(self.wall_a.product_tmpl_id).write(
            {"recipe_line_ids": [Command.create({"product_id": part_a.id, "quantity": 1})]}
        )
        # the recipe product moved to company B would hold company A's part,
        # shared by every company it would hold a part company B cannot sell
        for company in (self.company_b, self.env["res.company"]):
            with self.assertRaisesMsg(UserError, "Test Part of A"):
                self._as_manager(self.wall_a.product_tmpl_id).write({"company_id": company.id})
        # the component moved to company B would be in company A's recipe
        with self.assertRaisesMsg(UserError, "Test Part of A"):
            self._as_manager(part_a.product_tmpl_id).write({"company_id": self.company_b.id})
        self.assertEqual(self.wall_a.company_id, self.company_a)
        self.assertEqual(part_a.company_id, self.company_a)
        # shared, the part is in every company's recipe
        self._as_manager(part_a.product_tmpl_id).write({"company_id": False})
        self.assertFalse(part_a.company_id)

    def test_sheet_moved_to_another_company_with_its_items(self):
        Sheet = self._as_manager(self.env["crm.evaluation.sheet"])
        sheet = Sheet.create(
            {
                "partner_id": self.partner.id,
                "company_id": self.company_a.id,
                "line_ids": [Command.create({"product_id": self.wall_a.id, "product_uom_qty": 2})],
            }
        )
        # its items are company A's products: the sheet stays company A's
        with self.assertRaises(ValidationError):
            sheet.write({"company_id": self.company_b.id})
        self.assertEqual(sheet.company_id, self.company_a)
        self.assertEqual(sheet.line_ids.company_id, self.company_a)
        # a sheet of shared products moves
        sheet.line_ids.product_id = self.survey
        sheet.write({"company_id": self.company_b.id})
        self.assertEqual(sheet.line_ids.company_id, self.company_b)


@tagged("post_install", "-at_install")
class TestArchivedItemNotQuoted(EvaluationSheetCase):
    """An item's product archived since the sheet was finalized is not sold on
    its quotation, as a component archived since is not."""

    def test_archived_item_stops_the_generation(self):
        sheet = self._create_sheet([(self.survey, 1), (self.tile, 3)], user=self.salesman)
        sheet.action_finalize()
        self.survey.action_archive()
        with self.assertRaisesMsg(UserError, "Test Survey"):
            sheet.action_generate_quotation()
        self.assertFalse(sheet.sudo().sale_order_ids)
        # reopened, the item is removed and the quotation generated
        sheet.action_start()
        sheet.line_ids.filtered(lambda line: line.product_id == self.survey).unlink()
        sheet.action_finalize()
        order = self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
        self.assertEqual(order.order_line.product_id, self.tile)

    def test_item_priced_from_archived_recipe_product_components(self):
        # priced from its components, the item itself is not sold: its product
        # archived since does not stop the quotation of its components
        sheet = self._create_sheet([(self.floor, 1)], user=self.salesman)
        sheet.action_finalize()
        self.floor.action_archive()
        order = self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
        self.assertNotIn(self.floor, order.order_line.product_id)


@tagged("post_install", "-at_install")
class TestSmallComponentQuantities(EvaluationSheetCase):
    """A component needed in a quantity smaller than its unit's precision is
    not dropped from the quotation (nor under-quoted): its quantity is rounded
    up to the unit's precision, as Manufacturing rounds a component's."""

    def test_small_component_quantity_rounded_up(self):
        primer = self.env["product.product"].create(
            {
                "name": "Test Primed Board",
                "type": "consu",
                "list_price": 5.0,
                "taxes_id": [Command.clear()],
                "recipe_line_ids": [
                    # 1 g of adhesive per board, the adhesive sold by the kg (0.01)
                    Command.create(
                        {"product_id": self.adhesive.id, "quantity": 1, "uom_id": self.uom_gram.id}
                    ),
                    Command.create({"product_id": self.tile.id, "quantity": 1}),
                ],
            }
        )
        sheet = self._create_sheet([(primer, 4)], user=self.salesman)
        sheet.action_finalize()
        order = self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
        adhesive = order.order_line.filtered(lambda line: line.product_id == self.adhesive)
        # 4 g = 0.004 kg: one hundredth of a kg, not none
        self.assertEqual(adhesive.product_uom_qty, 0.01)
        self.assertEqual(adhesive.product_uom, self.uom_kg)
        self.assertGreater(adhesive.price_subtotal, 0)
        self.assertEqual(sheet.amount_total, order.amount_untaxed)
