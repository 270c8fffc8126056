import base64

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestImportWizardAccess(EvaluationSheetCase):
    def test_import_wizard_refuses_a_foreign_sheet(self):
        """The import wizard shows its sheet's name: only for a sheet the user
        may import into."""
        theirs = self._create_sheet([(self.survey, 1)], user=self.salesman_b)
        mine = self._create_sheet([(self.survey, 1)], user=self.salesman)
        Import = self.env["sale.order.line.import"].with_user(self.salesman)
        data = base64.b64encode(b"Produs,Cantitate\nTest Tile,1\n")
        with self.assertRaises(AccessError):
            Import.create({"sheet_id": theirs.id, "file": data})
        with self.assertRaises(AccessError):
            Import.with_context(default_sheet_id=theirs.id).create({"file": data})
        wizard = Import.create({"sheet_id": mine.id, "file": data})
        self.assertEqual(wizard.read(["sheet_id"])[0]["sheet_id"][0], mine.id)
        with self.assertRaises(AccessError):
            wizard.write({"sheet_id": theirs.id})
        wizard.action_import()
        self.assertIn(self.tile, mine.line_ids.product_id)
