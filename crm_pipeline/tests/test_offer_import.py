from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common_offer import OfferCase, b64, xlsx_b64


@tagged("post_install", "-at_install")
class TestOfferImport(OfferCase):
    def test_csv_with_romanian_headers(self):
        order = self._order()
        csv = (
            "Cod produs;Cantitate;Preț unitar;Capitol\n"
            "OFR-SHELF;2;90;Depozit\n"
            "[OFR-BRK] Offer Bracket;1,5;;Depozit\n"
            "5940000123457;3;;Birou\n"
        )
        result = order.with_user(self.salesman).action_import_lines(b64(csv), "oferta.csv")
        self.assertEqual(result["created"], 3)
        self.assertEqual(result["sections"], 2)
        new = self.env["sale.order.line"].browse(result["line_ids"])
        self.assertEqual(
            [(line.display_type or line.product_id.default_code) for line in new],
            ["line_section", "OFR-SHELF", "OFR-BRK", "line_section", "OFR-SHELF"],
        )
        self.assertEqual(new[1].price_unit, 90.0)
        self.assertEqual(new[2].product_uom_qty, 1.5)
        self.assertEqual(new[2].price_unit, 10.0, "no price given: the pricelist's")
        self.assertEqual(new[0].name, "Depozit")
        self.assertTrue(all(line.sequence > order.order_line[0].sequence for line in new))

    def test_empty_sections_are_kept_in_place(self):
        """A section title with no item after it (before the next section, or
        at the end of the file) is an empty section line at its place, as a
        quotation may have; a file of section titles only has nothing to import."""
        order = self._order()
        csv = (
            "Section,Product,Quantity\n"
            "Warehouse,,\n"
            ",OFR-SHELF,2\n"
            "Options,,\n"
            ",,\n"
            "Office,,\n"
            ",OFR-BRK,3\n"
            "Office,OFR-SHELF,1\n"
            "Notes,,\n"
        )
        result = order.with_user(self.salesman).action_import_lines(b64(csv), "offer.csv")
        self.assertEqual((result["created"], result["sections"]), (3, 4))
        new = self.env["sale.order.line"].browse(result["line_ids"])
        self.assertEqual(
            [line.name if line.display_type else line.product_id.default_code for line in new],
            ["Warehouse", "OFR-SHELF", "Options", "Office", "OFR-BRK", "OFR-SHELF", "Notes"],
        )
        self.assertEqual(new.mapped("sequence"), sorted(new.mapped("sequence")))
        self.assertEqual(len(set(new.mapped("sequence"))), len(new))
        self.assertEqual(set(new.filtered("display_type").mapped("display_type")), {"line_section"})
        before = order.order_line
        with self.assertRaisesRegex(UserError, "no row with a product"):
            order.with_user(self.salesman).action_import_lines(
                b64("Section,Product,Quantity\nWarehouse,,\nOffice,,\n"), "offer.csv"
            )
        self.assertEqual(order.order_line, before)

    def test_xlsx_with_russian_and_ukrainian_headers(self):
        order = self._order()
        for header in (["Артикул", "Количество", "Цена"], ["Назва товару", "Кількість", "Ціна"]):
            with self.subTest(header=header):
                value = "OFR-BRK" if header[0] == "Артикул" else "offer bracket"
                data = xlsx_b64([header, [value, 4, 9.5]])
                result = order.with_user(self.salesman).action_import_lines(data, "offer.xlsx")
                line = self.env["sale.order.line"].browse(result["line_ids"])
                self.assertEqual(line.product_id, self.product_b)
                self.assertEqual((line.product_uom_qty, line.price_unit), (4.0, 9.5))

    def test_errors_row_by_row_nothing_written(self):
        order = self._order()
        lines = order.order_line
        csv = (
            "Product,Quantity,Price\n"
            "OFR-SHELF,1,\n"
            "No Such Thing,1,\n"
            "OFR-BRK,abc,\n"
            "OFR-BRK,-2,\n"
            "OFR-BRK,1,cheap\n"
            ",5,\n"
        )
        with self.assertRaises(UserError) as caught:
            order.with_user(self.salesman).action_import_lines(b64(csv), "offer.csv")
        message = str(caught.exception)
        for expected in ("Row 3", "No Such Thing", "Row 4", "abc", "Row 5", "Row 6", "Row 7"):
            self.assertIn(expected, message)
        self.assertNotIn("Row 2", message)
        self.assertEqual(order.order_line, lines)

    def test_ambiguous_name(self):
        self.env["product.product"].create({"name": "Twin", "default_code": "TW-1"})
        self.env["product.product"].create({"name": "Twin", "default_code": "TW-2"})
        order = self._order()
        with self.assertRaisesRegex(UserError, "several products"):
            order.action_import_lines(b64("Product,Qty\nTwin,1\n"), "x.csv")
        # a wildcard in a name is only text
        with self.assertRaisesRegex(UserError, "unknown product"):
            order.action_import_lines(b64("Product,Qty\nOffer%,1\n"), "x.csv")

    def test_bad_files_refused(self):
        order = self._order().with_user(self.salesman)
        for content, name in (
            ("not base64 !!", "x.csv"),
            (None, "x.csv"),
            (42, "x.csv"),
            (b64("Product,Qty\nOFR-SHELF,1\n"), None),
            (b64("Product,Qty\nOFR-SHELF,1\n"), 7),
            (b64("Product,Qty\nOFR-SHELF,1\n"), "x.pdf"),
            (b64(""), "x.csv"),
            (b64("Product,Qty\n"), "x.csv"),
            (b64("Colour,Size\nred,1\n"), "x.csv"),
            (b64("\x00\x01\x02garbage"), "x.xlsx"),
        ):
            with self.subTest(name=name), self.assertRaises(UserError):
                order.action_import_lines(content, name)

    def test_only_own_open_quotations(self):
        order = self._order()
        data = b64("Product,Qty\nOFR-SHELF,1\n")
        with self.assertRaises(AccessError):
            order.with_user(self.salesman_b).action_import_lines(data, "x.csv")
        order.action_confirm()
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_import_lines(data, "x.csv")
        with self.assertRaises(UserError):
            (order | self._order()).action_import_lines(data, "x.csv")

    def test_import_asks_for_approval(self):
        self._limits(amount=150.0)
        order = self._order()
        self.assertEqual(order.offer_approval_state, "not_needed")
        order.with_user(self.salesman).action_import_lines(
            b64("Product,Qty\nOFR-SHELF,1\n"), "x.csv"
        )
        self.assertEqual(order.offer_approval_state, "to_approve")

    def test_wizard(self):
        order = self._order()
        action = order.with_user(self.salesman).action_open_import_lines_wizard()
        self.assertEqual(action["res_model"], "sale.order.line.import")
        wizard = Form(
            self.env["sale.order.line.import"]
            .with_user(self.salesman)
            .with_context(**action["context"])
        )
        wizard.file = b64("Cantitate,Denumire\n2,Offer Bracket\n")
        wizard.save().action_import()
        self.assertEqual(order.order_line[-1:].product_id, self.product_b)
        with self.assertRaises(UserError):
            self.env["sale.order.line.import"].create(
                {"order_id": order.id, "file": b64("x"), "file_name": "a.csv"}
            ).action_import()
