"""Regression tests of the review of the spreadsheet imports and the tax-ID
lookup: control characters in cells, broken or slow lookup answers, tax IDs
twice in one file, far-away empty .xlsx rows, identical rows in one file and
sections on rows of their own."""

import time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_intake import IntakeCase, LookupServerCase, b64, csv_bytes, xls_bytes
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
class TestLookupBrokenAnswers(LookupServerCase):
    def _assert_refused(self, vat, message):
        lead = self.Lead.with_user(self.salesman).create(
            {"name": "Lookup lead", "vat": vat, "user_id": self.salesman.id}
        )
        start = time.monotonic()
        with self.assertRaisesRegex(UserError, message):
            lead.fetch_company_data()
        self.assertFalse(lead.partner_name)
        return time.monotonic() - start

    def test_broken_gzip(self):
        self._assert_refused("RO6100009", "ANAF sent an answer that cannot be read")

    def test_answer_stopping_halfway(self):
        elapsed = self._assert_refused("RO6200008", "did not answer within 5 seconds")
        self.assertLess(elapsed, 6.5)

    def test_answer_trickling_in(self):
        # each byte comes well within the 5 seconds of a read: only the
        # deadline of the whole exchange stops it
        elapsed = self._assert_refused("RO6000000", "did not answer within 5 seconds")
        self.assertLess(elapsed, 6.5)


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
