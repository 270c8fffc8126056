from contextlib import contextmanager

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class EvaluationSheetCase(TransactionCase):
    """Products with recipes, a customer and salespeople shared by the tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.uom_unit = cls.env.ref("uom.product_uom_unit")
        cls.uom_dozen = cls.env.ref("uom.product_uom_dozen")
        cls.uom_kg = cls.env.ref("uom.product_uom_kgm")
        cls.uom_gram = cls.env.ref("uom.product_uom_gram")
        cls.uom_hour = cls.env.ref("uom.product_uom_hour")
        Product = cls.env["product.product"]
        cls.adhesive = Product.create(
            {
                "name": "Test Adhesive",
                "type": "consu",
                "uom_id": cls.uom_kg.id,
                "uom_po_id": cls.uom_kg.id,
                "list_price": 2.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.tile = Product.create(
            {"name": "Test Tile", "type": "consu", "list_price": 1.5, "taxes_id": [Command.clear()]}
        )
        cls.labour = Product.create(
            {
                "name": "Test Labour",
                "type": "service",
                "uom_id": cls.uom_hour.id,
                "uom_po_id": cls.uom_hour.id,
                "list_price": 30.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.survey = Product.create(
            {
                "name": "Test Survey",
                "type": "service",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
            }
        )
        # a kit that has its own recipe, used as a component of the floor
        cls.kit = Product.create(
            {
                "name": "Test Grout Kit",
                "type": "consu",
                "list_price": 12.0,
                "taxes_id": [Command.clear()],
                "recipe_line_ids": [Command.create({"product_id": cls.adhesive.id, "quantity": 1})],
            }
        )
        cls.floor = Product.create(
            {
                "name": "Test Floor",
                "type": "service",
                "list_price": 50.0,
                "taxes_id": [Command.clear()],
                "recipe_line_ids": [
                    Command.create({"product_id": cls.tile.id, "quantity": 11, "sequence": 1}),
                    Command.create(
                        {
                            "product_id": cls.adhesive.id,
                            "quantity": 500,
                            "uom_id": cls.uom_gram.id,
                            "sequence": 2,
                        }
                    ),
                    Command.create({"product_id": cls.kit.id, "quantity": 0.5, "sequence": 3}),
                    Command.create({"product_id": cls.labour.id, "quantity": 0.25, "sequence": 4}),
                ],
            }
        )
        cls.partner = cls.env["res.partner"].create({"name": "Evaluation Customer"})
        cls.salesman = new_test_user(
            cls.env, login="evs_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.salesman_b = new_test_user(
            cls.env, login="evs_salesman_b", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env, login="evs_sale_manager", groups="sales_team.group_sale_manager"
        )

    @classmethod
    def _create_sheet(cls, items, user=None, **vals):
        """A sheet with ``items``: a list of (product, qty) or (product, qty, uom)."""
        lines = []
        for seq, item in enumerate(items, start=1):
            line = {"product_id": item[0].id, "product_uom_qty": item[1], "sequence": seq}
            if len(item) > 2:
                line["product_uom_id"] = item[2].id
            lines.append(Command.create(line))
        Sheet = cls.env["crm.evaluation.sheet"]
        if user:
            Sheet = Sheet.with_user(user)
        return Sheet.create({"partner_id": cls.partner.id, "line_ids": lines, **vals})

    @contextmanager
    def assertRaisesMsg(self, exception, text):
        """``assertRaises`` (which rolls back to a savepoint) that also checks
        that the message contains ``text``."""
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertIn(text, str(cm.exception))
