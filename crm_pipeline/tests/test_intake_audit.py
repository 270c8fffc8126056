"""The audit of the imports by a Romanian salesperson: a Windows-1250 file read
as Windows-1251, "1.250" read as 1.25 by a Romanian, a tax ID with a wrong
control digit imported, the errors of the rejected rows cut at 100."""

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.crm_pipeline.models import intake_reader
from odoo.addons.crm_pipeline.models.offer_import import parse_number, read_offer_rows

from .common_intake import IntakeCase, b64, csv_bytes
from .common_offer import OfferCase, xlsx_b64
from .common_offer import b64 as text_b64


@tagged("post_install", "-at_install")
class TestCsvEncodingDetection(IntakeCase):
    """Windows-1250 (Romanian) and Windows-1251 (Russian, Ukrainian) files
    share their bytes: each is detected as what it is."""

    ROMANIAN = (
        "Denumire;Localitate\nŢĂRANU SRL;Bucureşti\n",
        "Denumire;Localitate\nÎntreprinderea Ăştia SRL;Târgu Mureş\n",
        "Denumire;Localitate\nŞTEFĂNESCU ŞI FIII SRL;ŢĂNDĂREI\n",
        "Firma;Oraş\nAgroţăr SRL;Iaşi\n",
    )
    UKRAINIAN = (
        "Компанія;Місто\nТОВ Їжачок;Київ\n",
        "Назва;Місто;Примітки\nІнтерБуд;Ірпінь;Ґанок і подвір'я\nЄвроДім;Житомир;її\n",
    )
    RUSSIAN = (
        "Компания;ИНН\nООО Ромашка;7707083893\n",
        "Компания;Город\nЗАО Вектор;Кишинёв\nЦентр;Москва\n",
    )

    def test_romanian_uppercase_names_are_windows_1250(self):
        for text in self.ROMANIAN:
            with self.subTest(text=text):
                self.assertEqual(intake_reader.detect_encoding(text.encode("cp1250")), "cp1250")

    def test_ukrainian_and_russian_are_windows_1251(self):
        for text in self.UKRAINIAN + self.RUSSIAN:
            with self.subTest(text=text):
                self.assertEqual(intake_reader.detect_encoding(text.encode("cp1251")), "cp1251")

    def test_euro_sign_only_windows_1251_reads(self):
        # 0x88 is the euro sign in Windows-1251 and no character in Windows-1250
        content = "Компания;Сумма\nЦентр;100 €\n".encode("cp1251")
        self.assertEqual(intake_reader.detect_encoding(content), "cp1251")

    def test_import_detects_the_romanian_file(self):
        content = "Denumire;Localitate\nŢĂRANU SRL;Bucureşti\n".encode("cp1250")
        summary = self.Lead.with_user(self.salesman).import_leads(b64(content), "leads.csv", {})
        self.assertEqual(summary["created"], 1, summary["errors"])
        lead = self.Lead.browse(summary["lead_ids"])
        self.assertEqual((lead.partner_name, lead.city), ("ŢĂRANU SRL", "Bucureşti"))

    def test_import_detects_the_ukrainian_file(self):
        content = "Компанія;Місто\nТОВ Їжачок;Київ\n".encode("cp1251")
        summary = self.Lead.with_user(self.salesman).import_leads(b64(content), "leads.csv", {})
        self.assertEqual(summary["created"], 1, summary["errors"])
        lead = self.Lead.browse(summary["lead_ids"])
        self.assertEqual((lead.partner_name, lead.city), ("ТОВ Їжачок", "Київ"))


@tagged("post_install", "-at_install")
class TestIntakeTaxIdChecked(IntakeCase):
    """A tax ID of the file is checked as the lookup by tax ID checks it."""

    def _import(self, rows, **options):
        return self.Lead.with_user(self.salesman).import_leads(
            b64(csv_bytes(rows)), "leads.csv", {"duplicate_action": "create", **options}
        )

    def test_wrong_romanian_control_digit_refused(self):
        before = self._count()
        rows = [["Company", "Tax ID"], ["BadVat SRL", "RO12345678"]]
        summary = self._import(rows)
        self.assertEqual((summary["created"], summary["rejected"]), (0, 1))
        self.assertTrue(summary["aborted"])
        self.assertEqual(
            summary["errors"],
            [{"row": 2, "reason": "RO12345678 is not a valid Romanian tax ID (CUI)."}],
        )
        self.assertEqual(self._count(), before)
        # the same message as the lookup's
        with self.assertRaisesRegex(UserError, r"^RO12345678 is not a valid Romanian tax ID"):
            self.Lead.with_user(self.salesman).create_from_tax_id("RO12345678")

    def test_skip_invalid_reports_the_row(self):
        rows = [
            ["Company", "Tax ID", "Country"],
            ["Good Vat SRL", "RO18547290", ""],
            ["Bad Vat SRL", "RO12345678", ""],
            ["Bare Bad SRL", "12345678", "Romania"],
            ["Bad German GmbH", "DE136695977", ""],
            ["Bad Bare German GmbH", "136695977", "Germany"],
        ]
        summary = self._import(rows, mode="skip_invalid")
        self.assertEqual((summary["created"], summary["rejected"]), (1, 4))
        self.assertEqual([error["row"] for error in summary["errors"]], [3, 4, 5, 6])
        self.assertIn("not a valid Romanian tax ID", summary["errors"][1]["reason"])
        self.assertIn("not a valid DE VAT number", summary["errors"][2]["reason"])
        self.assertEqual(self.Lead.browse(summary["lead_ids"]).vat, "RO18547290")

    def test_valid_and_unchecked_tax_ids_imported(self):
        rows = [
            ["Company", "Tax ID", "Country"],
            ["Good Cui SRL", "RO 18547290", ""],
            ["Good Bare Cui SRL", "14399840", "Romania"],
            ["Good German GmbH", "DE136695976", ""],
            ["Good Bare German GmbH", "136695976", "Germany"],
            # the neighbours' tax IDs of the right form and check digits
            ["ТОВ Сонях", "32855961", "Ukraine"],
            ["ФОП Коваль", "1759013776", "Ukraine"],
            ["ТОВ Платник", "UA 123456789012", ""],
            ["Moldova Vin SRL", "MD1008600038413", ""],
            ["ООО Ромашка", "RU7707083893", ""],
            # no rules of the suite for these: taken as they are, as Odoo does
            ["ООО Без страны", "7707083894", ""],
            ["Türk AŞ", "TR1234567", ""],
            # no tax ID at all
            ["No Tax ID SRL", "-", "Romania"],
        ]
        summary = self._import(rows)
        self.assertEqual((summary["created"], summary["rejected"]), (12, 0), summary["errors"])

    def test_wrong_neighbour_tax_ids_refused(self):
        """Ukraine's, Moldova's and Russia's tax IDs are checked (their form
        and check digits), by prefix or by the row's country; each wrong one
        is a row error naming the forms, and nothing is imported."""
        before = self._count()
        rows = [
            ["Company", "Tax ID", "Country"],
            ["ТОВ Хибна цифра", "32855962", "Ukraine"],
            ["ФОП Хибна цифра", "1759013777", "Ukraine"],
            ["ТОВ Закоротко", "UA1234567", ""],
            ["ТОВ Літера", "UA12345678901A", ""],
            ["Moldova Rău SRL", "MD1008600038412", ""],
            ["ООО Неверно", "RU7707083894", ""],
        ]
        summary = self._import(rows)
        self.assertEqual((summary["created"], summary["rejected"]), (0, 6))
        self.assertEqual(self._count(), before)
        reasons = [error["reason"] for error in summary["errors"]]
        self.assertEqual(
            reasons[0],
            "32855962 is not a valid Ukrainian tax ID: an ЄДРПОУ code (8 digits), a "
            "РНОКПП (10 digits), both with their check digit, or a VAT number (12 digits).",
        )
        for reason in reasons[1:4]:
            self.assertIn("is not a valid Ukrainian tax ID", reason)
        self.assertEqual(
            reasons[4],
            "MD1008600038412 is not a valid Moldovan tax ID: an IDNO (13 digits) with its "
            "check digit.",
        )
        self.assertEqual(
            reasons[5],
            "RU7707083894 is not a valid Russian tax ID: an ИНН (10 or 12 digits) with its "
            "check digits.",
        )


@tagged("post_install", "-at_install")
class TestIntakeEveryError(IntakeCase):
    def test_every_rejected_row_in_errors(self):
        rows = [["Company", "E-mail"]] + [[f"Row {n}", "not-an-email"] for n in range(150)]
        summary = self.Lead.with_user(self.salesman).import_leads(
            b64(csv_bytes(rows)), "leads.csv", {"mode": "skip_invalid"}
        )
        self.assertEqual(summary["rejected"], 150)
        self.assertEqual(len(summary["errors"]), 150)
        self.assertEqual([error["row"] for error in summary["errors"]], list(range(2, 152)))


@tagged("post_install", "-at_install")
class TestOfferNumbersInTheUsersLanguage(OfferCase):
    """Numbers typed as text are read with the thousands separator of the
    user's language; number cells are numbers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ro_RO")
        cls.salesman_ro = new_test_user(
            cls.env,
            login="offer_numbers_ro",
            groups="sales_team.group_sale_salesman",
            lang="ro_RO",
        )

    def _imported(self, user, content, name="offer.csv", lang=None):
        """The lines imported by ``user``, the context's language ``lang``
        (None: a call without language, as over XML-RPC without context)."""
        order = self._order(user=user).with_context(lang=lang)
        result = order.with_user(user).action_import_lines(content, name)
        return self.env["sale.order.line"].browse(result["line_ids"])

    def test_parse_number(self):
        for text, thousands, expected in (
            ("1.250", ".", 1250.0),
            ("1.250", ",", 1.25),
            ("1,250", ",", 1250.0),
            ("1,250", ".", 1.25),
            ("1.250", " ", 1.25),  # Russian: a space groups thousands
            ("12,5", ",", 12.5),
            ("1.5", ".", 1.5),
            ("0.250", ".", 0.25),
            ("1234.567", ".", 1234.567),
            ("1.250.000", ",", 1250000.0),
            ("1,250,000", ".", 1250000.0),
            ("1.250,5", ",", 1250.5),
            ("1,250.5", ".", 1250.5),
            ("1 250,5", " ", 1250.5),
            ("-1.250", ".", -1250.0),
            ("1e3", ",", 1000.0),
            ("1.25.0", ".", None),
            ("12.50,5", ",", None),
            ("1,2.3,4", ",", None),
            ("abc", ",", None),
            ("inf", ",", None),
            ("", ",", None),
        ):
            with self.subTest(text=text, thousands=thousands):
                self.assertEqual(parse_number(text, thousands), expected)
        # a number cell is its number, whatever the language
        self.assertEqual(parse_number(intake_reader.NumberText("1.125", 1.125), "."), 1.125)
        self.assertIsNone(parse_number(intake_reader.NumberText("9" * 400, 10**400), "."))

    def test_romanian_user_thousands(self):
        csv = text_b64("Product;Quantity;Price\nOFR-SHELF;1.250;2.500,75\nOFR-BRK;12,5;1,5\n")
        # the user's language, with a context (the web client) or without one
        for lang in ("ro_RO", None):
            with self.subTest(lang=lang):
                lines = self._imported(self.salesman_ro, csv, lang=lang)
                self.assertEqual(lines.mapped("product_uom_qty"), [1250.0, 12.5])
                self.assertEqual(lines.mapped("price_unit"), [2500.75, 1.5])

    def test_english_user_thousands(self):
        csv = text_b64('Product,Quantity,Price\nOFR-SHELF,1.250,"2,500.75"\nOFR-BRK,"1,250",\n')
        self.salesman.lang = "en_US"
        lines = self._imported(self.salesman, csv)
        self.assertEqual(lines.mapped("product_uom_qty"), [1.25, 1250.0])
        # the context's language first: a Romanian's file sent by an English user
        lines = self._imported(self.salesman_ro, csv, lang="en_US")
        self.assertEqual(lines.mapped("product_uom_qty"), [1.25, 1250.0])
        self.assertEqual(lines[0].price_unit, 2500.75)

    def test_number_cells_unaffected(self):
        content = xlsx_b64([["Product", "Quantity", "Price"], ["OFR-SHELF", 1.125, 2.5]])
        [row] = read_offer_rows(
            self.env(user=self.salesman_ro, context={}), content, "offer.xlsx", self.company
        )
        self.assertEqual((row["quantity"], row["price"]), (1.125, 2.5))
        lines = self._imported(self.salesman_ro, content, name="offer.xlsx")
        # the quantity as the unit of measure rounds it
        self.assertEqual((lines.product_uom_qty, lines.price_unit), (1.13, 2.5))
        # a number typed as text in the same file is read in the user's language
        content = xlsx_b64([["Product", "Quantity"], ["OFR-SHELF", "1.125"]])
        lines = self._imported(self.salesman_ro, content, name="offer.xlsx")
        self.assertEqual(lines.product_uom_qty, 1125.0)

    def test_quantity_too_large_is_a_row_error(self):
        csv = text_b64("Product,Quantity\nOFR-SHELF,1\nOFR-BRK,5000000000000\n")
        order = self._order()
        with self.assertRaisesRegex(UserError, r"Row 3: the quantity must be at most"):
            order.with_user(self.salesman).action_import_lines(csv, "offer.csv")
