from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user

from .common import EvaluationSheetCase


class TestSheetBypasses(EvaluationSheetCase):
    """A sheet's state, a finalized sheet's prices and a quotation's revision
    fields move only through their methods (see the README's "Security model")."""

    def _finalized(self):
        sheet = self._create_sheet([(self.survey, 2), (self.floor, 3)], user=self.salesman)
        sheet.action_finalize()
        return sheet

    def test_state_moves_only_through_its_methods(self):
        sheet = self._create_sheet([(self.survey, 0)], user=self.salesman)
        for user in (self.salesman, self.manager):
            with self.assertRaises(UserError):
                sheet.with_user(user).write({"state": "finalized"})
            with self.assertRaises(UserError):
                sheet.with_user(user).with_context(crm_evaluation_sheet_guard=True).write(
                    {"state": "finalized"}
                )
            with self.assertRaises(UserError):
                self.env["crm.evaluation.sheet"].with_user(user).create(
                    {"partner_id": self.partner.id, "state": "finalized"}
                )
        # action_finalize's checks hold: the item has no quantity
        with self.assertRaises(UserError):
            sheet.action_finalize()
        self.assertEqual(sheet.state, "draft")

    def test_finalized_sheet_is_read_only(self):
        sheet = self._finalized().with_user(self.salesman)
        total = sheet.amount_total
        other = self.env["res.partner"].create({"name": "Other customer"})
        pricelist = self.env["product.pricelist"].create({"name": "Cheaper"})
        for vals in (
            {"partner_id": other.id},
            {"pricelist_id": pricelist.id},
            {"date": "2020-01-01"},
            {"line_ids": [Command.create({"product_id": self.tile.id, "product_uom_qty": 1})]},
        ):
            with self.assertRaises(UserError, msg=vals):
                sheet.write(vals)
        with self.assertRaises(UserError):
            sheet.line_ids[0].write({"product_uom_qty": 100})
        with self.assertRaises(UserError):
            sheet.line_ids[0].unlink()
        self.assertEqual(sheet.amount_total, total)
        self.assertEqual(sheet.state, "finalized")
        # notes and the responsible stay editable; reset to draft reopens it
        sheet.write({"notes": "<p>Call before delivery</p>"})
        self.assertTrue(sheet.action_reset_draft())
        self.assertEqual(sheet.state, "draft")
        sheet.line_ids[0].write({"product_uom_qty": 4})
        with self.assertRaises(UserError):
            sheet.action_reset_draft()

    def test_bad_quantities(self):
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        line = sheet.line_ids
        for qty in (-1, 1e308, float("nan"), float("inf"), "3", True):
            with self.assertRaises(ValidationError, msg=qty):
                line.write({"product_uom_qty": qty})
            with self.assertRaises(ValidationError, msg=qty):
                self._create_sheet([(self.survey, qty)], user=self.salesman)
        self.assertEqual(line.product_uom_qty, 1)
        recipe_line = self.floor.recipe_line_ids[0]
        for qty in (-2, 1e308, float("nan")):
            with self.assertRaises(ValidationError, msg=qty):
                recipe_line.write({"quantity": qty})

    def test_recipe_nesting_and_cycles(self):
        Template = self.env["product.template"]
        chain = Template.create([{"name": f"Nest {i}", "type": "consu"} for i in range(51)])

        def nest(parent, child):
            parent.write(
                {
                    "recipe_line_ids": [
                        Command.create({"product_id": child.product_variant_id.id, "quantity": 1})
                    ]
                }
            )

        # built from the bottom up: 49 levels of recipes under chain[1]
        for i in range(49, 0, -1):
            nest(chain[i], chain[i + 1])
        with self.assertRaisesMsg(ValidationError, "levels"):
            nest(chain[0], chain[1])
        self.assertFalse(chain[0].recipe_line_ids)
        # a cycle through all of them is found, not a RecursionError
        with self.assertRaisesMsg(ValidationError, "cannot contain its own product"):
            nest(chain[50], chain[1])


class TestRevisionBypasses(EvaluationSheetCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(cls.env, login="evs_employee", groups="base.group_user")

    def _quotation(self, user):
        sheet = self._create_sheet([(self.survey, 1)], user=user)
        sheet.action_finalize()
        action = sheet.action_generate_quotation()
        return self.env["sale.order"].browse(action["res_id"]).with_user(user)

    def test_revision_fields_are_read_only(self):
        order = self._quotation(self.salesman)
        other = self.env["sale.order"].create({"partner_id": self.partner.id})
        for vals in (
            {"revision_number": 7},
            {"revision_of_id": other.id},
            {"revision_root_id": other.id},
            {"evaluation_sheet_id": False},
        ):
            with self.assertRaises(UserError, msg=vals):
                order.write(vals)
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.salesman).create(
                {"partner_id": self.partner.id, "revision_of_id": order.id, "revision_number": 1}
            )
        self.assertEqual(order.revision_number, 0)

    def test_numbering_counts_revisions_the_user_cannot_see(self):
        order = self._quotation(self.salesman)
        first = self.env["sale.order"].browse(order.action_revise()["res_id"])
        # the revision passes to another salesperson, whom the first cannot see
        first.write({"user_id": self.salesman_b.id})
        with self.assertRaises(AccessError):
            first.with_user(self.salesman).read(["name"])
        second = self.env["sale.order"].browse(
            first.with_user(self.salesman_b).action_revise()["res_id"]
        )
        self.assertEqual(second.revision_number, 2)
        # back to the first salesperson: the next number is 3, not a collision
        second.write({"user_id": self.salesman.id})
        third = self.env["sale.order"].browse(
            second.with_user(self.salesman).action_revise()["res_id"]
        )
        self.assertEqual(third.revision_number, 3)
        self.assertTrue(third.name.endswith("-R3"))

    def test_employee_cannot_revise(self):
        order = self._quotation(self.salesman)
        with self.assertRaises(AccessError):
            order.with_user(self.employee).action_revise()
