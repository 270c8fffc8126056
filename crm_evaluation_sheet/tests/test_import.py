import base64

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import EvaluationSheetCase


def _b64(text):
    return base64.b64encode(text.encode()).decode()


@tagged("post_install", "-at_install")
class TestSheetImport(EvaluationSheetCase):
    def test_import_items(self):
        self.tile.default_code = "EV-TILE"
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        csv = "Cod produs;Cantitate;Pret\nEV-TILE;12,5;1\nTest Labour;3;\n"
        result = sheet.with_user(self.salesman).action_import_lines(_b64(csv), "fisa.csv")
        self.assertEqual(result["created"], 2)
        new = self.env["crm.evaluation.sheet.line"].browse(result["line_ids"])
        self.assertEqual(new.product_id, self.tile | self.labour)
        self.assertEqual(new.mapped("product_uom_qty"), [12.5, 3.0])
        self.assertEqual(new[0].price_unit, 1.5, "the catalogue's price, not the file's")

    def test_errors_and_states(self):
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        lines = sheet.line_ids
        with self.assertRaisesRegex(UserError, "Row 3"):
            sheet.with_user(self.salesman).action_import_lines(
                _b64("Produs,Cantitate\nTest Tile,1\nNothing like it,2\n"), "x.csv"
            )
        self.assertEqual(sheet.line_ids, lines)
        with self.assertRaises(AccessError):
            sheet.with_user(self.salesman_b).action_import_lines(
                _b64("Produs,Cantitate\nTest Tile,1\n"), "x.csv"
            )
        sheet.action_finalize()
        with self.assertRaises(UserError):
            sheet.with_user(self.salesman).action_import_lines(
                _b64("Produs,Cantitate\nTest Tile,1\n"), "x.csv"
            )

    def test_wizard(self):
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        action = sheet.with_user(self.salesman).action_open_import_lines_wizard()
        wizard = Form(
            self.env["sale.order.line.import"]
            .with_user(self.salesman)
            .with_context(**action["context"])
        )
        wizard.file = _b64("Количество,Наименование\n2,Test Tile\n")
        wizard.save().action_import()
        self.assertIn(self.tile, sheet.line_ids.product_id)

    def test_quantity_over_the_items_limit_is_a_row_error(self):
        """A quantity the sheet's items cannot hold (above 1,000,000,000) is
        a row error, as a quantity that is no number."""
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        lines = sheet.line_ids
        with self.assertRaisesRegex(
            UserError, r"Row 3: the quantity must be at most 1,000,000,000, not 5000000000\."
        ) as caught:
            sheet.with_user(self.salesman).with_context(lang="en_US").action_import_lines(
                _b64("Product,Quantity\nTest Tile,2\nTest Tile,5000000000\n"), "x.csv"
            )
        self.assertNotIsInstance(caught.exception, ValidationError)
        self.assertEqual(sheet.line_ids, lines)
        # the limit itself is a quantity the items hold
        result = sheet.with_user(self.salesman).action_import_lines(
            _b64("Product,Quantity\nTest Tile,1000000000\n"), "x.csv"
        )
        self.assertEqual(
            self.env["crm.evaluation.sheet.line"].browse(result["line_ids"]).product_uom_qty, 1e9
        )

    def test_price_column_ignored(self):
        """The sheet prices its items from the catalogue: the Price column is
        not read, a price that is no number is no error."""
        sheet = self._create_sheet([(self.survey, 1)], user=self.salesman)
        result = sheet.with_user(self.salesman).action_import_lines(
            _b64("Product,Quantity,Price\nTest Tile,2,abc\nTest Labour,3,-5\n"), "x.csv"
        )
        new = self.env["crm.evaluation.sheet.line"].browse(result["line_ids"])
        self.assertEqual(new.product_id, self.tile | self.labour)
        self.assertEqual(new.mapped("price_unit"), [1.5, 30.0], "the catalogue's prices")
