"""Regression tests of the review of the spreadsheet imports and the tax-ID
lookup: control characters in cells, broken or slow lookup answers, tax IDs
twice in one file, far-away empty .xlsx rows, identical rows in one file and
sections on rows of their own."""

from odoo.tests import tagged

from .common_intake import IntakeCase, b64, csv_bytes, xls_bytes
from .common_offer import OfferCase


@tagged("post_install", "-at_install")
class TestIntakeControlCharacters(IntakeCase):
    def _import(self, content, name, **options):
        return self.Lead.with_user(self.salesman).import_leads(b64(content), name, options)

    def test_nul_in_csv_beyond_the_sniffed_start(self):
        # the first 4 KB are free of NUL (a text file), the cell further down is not
        filler = [[f"Filler {n:04d} SRL", "Cluj"] for n in range(300)]
        content = csv_bytes([["Company", "City"], *filler, ["Nul\x00 SRL", "Ia\x00si\x1b"]])
        self.assertNotIn(b"\x00", content[:4096])
        summary = self._import(content, "leads.csv")
        self.assertEqual((summary["created"], summary["rejected"]), (301, 0))
        lead = self.Lead.search([("name", "=", "Nul SRL")])
        self.assertEqual(lead.city, "Iasi")

    def test_nul_in_xls_cell(self):
        content = xls_bytes([["Company", "Notes"], ["Xls\x00 SRL", "one\x00two\x07"]])
        summary = self._import(content, "leads.xls")
        self.assertEqual(summary["created"], 1)
        lead = self.Lead.browse(summary["lead_ids"])
        self.assertEqual(lead.name, "Xls SRL")
        self.assertIn("onetwo", lead.description)


@tagged("post_install", "-at_install")
class TestOfferImportFixes(OfferCase):
    def test_nul_in_offer_cells(self):
        order = self._order()
        for content, name in (
            (b"Product,Qty\n" + b"OFR-BRK,1\n" * 450 + b"OFR-SHELF\x00,2\x00\n", "x.csv"),
            (xls_bytes([["Product", "Qty"], ["OFR-SHELF\x00", "2\x00"]]), "x.xls"),
        ):
            with self.subTest(name=name):
                result = order.with_user(self.salesman).action_import_lines(b64(content), name)
                line = self.env["sale.order.line"].browse(result["line_ids"][-1])
                self.assertEqual((line.product_id, line.product_uom_qty), (self.product, 2.0))
