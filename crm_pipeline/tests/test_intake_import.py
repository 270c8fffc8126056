import base64
import io
from datetime import date

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.crm_pipeline.models import intake_reader
from odoo.addons.crm_pipeline.models.crm_lead_intake import guess_field, safe_cell

from .common_intake import IntakeCase, b64, csv_bytes, xls_bytes, xlsx_bytes

HEADER_EN = [
    "Company", "Tax ID", "Contact", "E-mail", "Phone", "Mobile", "Street", "City",
    "County", "Country", "Source", "Campaign", "Salesperson", "Tags", "Notes",
]  # fmt: skip


@tagged("post_install", "-at_install")
class TestIntakeImport(IntakeCase):
    def _import(self, content, name, user=None, **options):
        Lead = self.Lead.with_user(user or self.salesman)
        return Lead.import_leads(b64(content), name, options)

    def _report_rows(self, summary):
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(summary["rejected_file"])))
        return [list(row) for row in book.active.iter_rows(values_only=True)]

    # ------------------------------------------------------------------ formats

    def test_xlsx_english_all_fields(self):
        content = xlsx_bytes(
            [
                HEADER_EN,
                [
                    "Alfa Impex SRL", 18547290, "Ion Pop", "ion@alfa.example", 40721000111,
                    "0744 000 222", "Str. Lunga 1", "Cluj-Napoca", "Cluj", "Romania",
                    "Trade fair", "Spring 2026", "intake_sales_a", "vip, wood", date(2026, 3, 1),
                ],
            ]
        )  # fmt: skip
        summary = self._import(content, "leads.xlsx", duplicate_action="create")
        self.assertEqual((summary["created"], summary["rejected"]), (1, 0), summary["errors"])
        lead = self.Lead.browse(summary["lead_ids"])
        self.assertEqual(lead.activation_state, "inactive")
        self.assertEqual(lead.name, "Alfa Impex SRL")
        self.assertEqual(lead.partner_name, "Alfa Impex SRL")
        self.assertEqual(lead.vat, "18547290")  # a number cell, without ".0"
        self.assertEqual(lead.phone, "40721000111")
        self.assertEqual(lead.mobile, "0744 000 222")
        self.assertEqual(lead.contact_name, "Ion Pop")
        self.assertEqual(lead.email_from, "ion@alfa.example")
        self.assertEqual(lead.country_id, self.romania)
        self.assertEqual(lead.state_id.code, "CJ")
        self.assertEqual(lead.source_id.name, "Trade fair")
        self.assertEqual(lead.campaign_id.name, "Spring 2026")
        self.assertEqual(lead.user_id, self.salesman)
        self.assertEqual(sorted(lead.tag_ids.mapped("name")), ["vip", "wood"])
        self.assertIn("2026-03-01", lead.description)

    def test_named_records_matched_exactly(self):
        """Campaign, source and tag cells match a record of exactly that name (any
        case): % and _ are characters, not wildcards, and archived campaigns are
        left out."""
        Campaign = self.env["utm.campaign"]
        electronics = Campaign.create({"title": "Black Friday -20% Electronics"})
        spring = Campaign.create({"title": "Spring Sale"})
        archived = Campaign.create({"title": "Old Promo", "active": False})
        promo_xa = self.env["utm.source"].create({"name": "PromoXA"})
        vip_gold = self.env["crm.tag"].create({"name": "vipXgold"})
        content = csv_bytes(
            [
                ["Company", "Source", "Campaign", "Tags"],
                ["Row 1", "Promo_A", "Black Friday -20%", "vip_gold"],
                ["Row 2", "promoxa", "spring sale", "VIPXGOLD"],
                ["Row 3", "Promo A", "old promo", "vip gold"],
                ["Row 4", "promo_a", "BLACK FRIDAY -20%", "Vip_Gold"],
            ]
        )
        summary = self._import(content, "named.csv", duplicate_action="create")
        self.assertEqual((summary["created"], summary["rejected"]), (4, 0), summary["errors"])
        row1, row2, row3, row4 = self.Lead.browse(summary["lead_ids"]).sorted("name")
        self.assertEqual(row1.source_id.name, "Promo_A")
        self.assertEqual(row1.campaign_id.title, "Black Friday -20%")
        self.assertEqual(row1.tag_ids.name, "vip_gold")
        self.assertNotIn(electronics, row1.campaign_id)
        self.assertNotEqual(row1.source_id, promo_xa)
        self.assertNotEqual(row1.tag_ids, vip_gold)
        # the same names in another case are the same records
        self.assertEqual(
            (row2.source_id, row2.campaign_id, row2.tag_ids), (promo_xa, spring, vip_gold)
        )
        self.assertEqual(
            (row4.source_id, row4.campaign_id, row4.tag_ids),
            (row1.source_id, row1.campaign_id, row1.tag_ids),
        )
        # "Promo A" is another name than "Promo_A"
        self.assertEqual(row3.source_id.name, "Promo A")
        self.assertEqual(row3.tag_ids.name, "vip gold")
        # an archived campaign is not linked: a new one of that name is
        self.assertNotEqual(row3.campaign_id, archived)
        self.assertTrue(row3.campaign_id.active)
        self.assertEqual(row3.campaign_id.title, "old promo")

    def test_xls_romanian_headers_and_serial_date(self):
        content = xls_bytes(
            [
                ["Denumire", "CUI", "Persoana de contact", "Telefon", "Oraș", "Județ", "Țara",
                 "Observații"],
                ["Beta Construct SA", 14399840.0, "Maria Ionescu", 721000333.0, "Iași", "Iasi",
                 "RO", date(2025, 12, 24)],
            ]
        )  # fmt: skip
        summary = self._import(content, "leads.xls")
        self.assertEqual(summary["created"], 1, summary["errors"])
        lead = self.Lead.browse(summary["lead_ids"])
        self.assertEqual(lead.partner_name, "Beta Construct SA")
        self.assertEqual(lead.vat, "14399840")
        self.assertEqual(lead.phone, "721000333")
        self.assertEqual(lead.city, "Iași")
        self.assertEqual(lead.state_id.code, "IS")
        # The date cell is an Excel serial number in the file: it comes out a date.
        self.assertIn("2025-12-24", lead.description)

    def test_csv_utf8_bom_russian(self):
        rows = [
            ["Компания", "ИНН", "Контактное лицо", "Электронная почта", "Город"],
            ["ООО Ромашка", "7707083893", "Иван Петров", "ivan@romashka.example", "Москва"],
        ]
        summary = self._import(b"\xef\xbb\xbf" + csv_bytes(rows), "leads.csv")
        self.assertEqual(summary["created"], 1, summary["errors"])
        lead = self.Lead.browse(summary["lead_ids"])
        self.assertEqual(lead.partner_name, "ООО Ромашка")
        self.assertEqual(lead.contact_name, "Иван Петров")
        self.assertEqual(lead.city, "Москва")

    def test_csv_utf8_ukrainian_semicolon(self):
        rows = [
            ["Компанія", "Контактна особа", "Телефон", "Місто", "Примітки"],
            ["ТОВ Сонях", "Олена Коваль", "+380 44 123 4567", "Київ", "Їжак і ґанок"],
        ]
        summary = self._import(csv_bytes(rows, delimiter=";"), "leads.csv")
        self.assertEqual(summary["created"], 1, summary["errors"])
        lead = self.Lead.browse(summary["lead_ids"])
        self.assertEqual(lead.partner_name, "ТОВ Сонях")
        self.assertEqual(lead.city, "Київ")
        self.assertEqual(lead.description, "<p>Їжак і ґанок</p>")

    def test_csv_windows_1250_detected(self):
        rows = [
            ["Firma", "Oraş", "Persoana contact"],
            ["Fabrica de Pâine Şoimuş", "Târgu Mureş", "Ştefan Ţurcanu"],
        ]
        content = csv_bytes(rows, encoding="cp1250")
        self.assertEqual(intake_reader.detect_encoding(content), "cp1250")
        summary = self._import(content, "leads.csv")
        self.assertEqual(summary["created"], 1, summary["errors"])
        lead = self.Lead.browse(summary["lead_ids"])
        self.assertEqual(lead.partner_name, "Fabrica de Pâine Şoimuş")
        self.assertEqual(lead.city, "Târgu Mureş")

    def test_csv_windows_1251_detected_and_chosen(self):
        rows = [["Компания", "Город"], ["ЗАО Вектор", "Кишинёв"]]
        content = csv_bytes(rows, encoding="cp1251")
        self.assertEqual(intake_reader.detect_encoding(content), "cp1251")
        summary = self._import(content, "leads.csv")
        self.assertEqual(self.Lead.browse(summary["lead_ids"]).partner_name, "ЗАО Вектор")
        summary = self._import(content, "leads.csv", encoding="cp1251", duplicate_action="create")
        self.assertEqual(self.Lead.browse(summary["lead_ids"]).city, "Кишинёв")
        # Read with the wrong encoding chosen, the text is not what was written.
        summary = self._import(
            content, "leads.csv", encoding="cp1250", duplicate_action="create",
            mapping={"0": "company", "1": "city"},
        )  # fmt: skip
        self.assertNotEqual(self.Lead.browse(summary["lead_ids"]).partner_name, "ЗАО Вектор")

    def test_aliases_in_each_language(self):
        expected = {
            "Company": "company", "Denumire": "company", "Компания": "company",
            "Компанія": "company", "CUI": "vat", "Cod fiscal": "vat", "ИНН": "vat",
            "Код ЄДРПОУ": "vat", "E-mail": "email", "Adresă email": "email",
            "Электронная почта": "email", "Електронна пошта": "email", "Județ": "state",
            "Область": "state", "Țara": "country", "Страна": "country", "Країна": "country",
            "Sursă": "source", "Источник": "source", "Джерело": "source",
            "Ім'я": "contact", "Persoană de contact": "contact", "Whatever": False,
        }  # fmt: skip
        self.assertEqual({h: guess_field(h) for h in expected}, expected)

    def test_numbers_as_text(self):
        self.assertEqual(intake_reader.cell_text("1.8547290E7"), "18547290")
        self.assertEqual(intake_reader.cell_text(18547290.0), "18547290")
        self.assertEqual(intake_reader.cell_text(" 0721 000 111 "), "0721 000 111")
        self.assertEqual(intake_reader.cell_text(2.5), "2.5")

    def test_mapping_override(self):
        content = xlsx_bytes([["Firm X", "Misc"], ["Gamma SRL", "ignored"]])
        with self.assertRaises(UserError):
            self._import(content, "leads.xlsx")
        summary = self._import(content, "leads.xlsx", mapping={"Firm X": "company", "1": "city"})
        lead = self.Lead.browse(summary["lead_ids"])
        self.assertEqual((lead.partner_name, lead.city), ("Gamma SRL", "ignored"))
        with self.assertRaises(UserError):
            self._import(content, "leads.xlsx", mapping={"Firm X": "no_such_field"})
        with self.assertRaises(UserError):
            self._import(content, "leads.xlsx", mapping={"Nope": "company"})
        for bad in ({"Firm X": ["company"]}, {"Firm X": 3}, {(1,): "company"}, ["company"]):
            with self.assertRaises(UserError):
                self._import(content, "leads.xlsx", mapping=bad)

    # ------------------------------------------------------------------ bad files

    def _assert_refused(self, content, name, message, **options):
        before = self._count()
        with self.assertRaisesRegex(UserError, message):
            self._import(content, name, **options)
        self.assertEqual(self._count(), before)

    def test_bad_files(self):
        self._assert_refused(b"%PDF-1.4 not a sheet", "leads.pdf", "not a spreadsheet")
        self._assert_refused(b"\x89PNG\r\n\x1a\n\x00\x00", "leads.csv", "not a spreadsheet")
        self._assert_refused(b"PK\x03\x04garbage", "leads.xlsx", "not a readable .xlsx")
        self._assert_refused(
            intake_reader.OLE_MAGIC + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le"),
            "leads.xlsx",
            "password-protected",
        )
        self._assert_refused(b"", "leads.csv", "empty")
        self._assert_refused(b"\n\n,,\n", "leads.csv", "empty")
        self._assert_refused(xlsx_bytes([]), "leads.xlsx", "empty")
        self._assert_refused(xlsx_bytes([["Company", "City"]]), "leads.xlsx", "no data rows")
        self._assert_refused(
            csv_bytes([["Alfa SRL", "ion@alfa.example", "0721000111"], ["Beta", "b@b.ro", "1"]]),
            "leads.csv",
            "not a header row",
        )
        self._assert_refused(
            csv_bytes([["City", "Phone"], ["Cluj", "0721000111"]]),
            "leads.csv",
            "no company name or contact name column",
        )
        with self.assertRaisesRegex(UserError, "base64"):
            self.Lead.with_user(self.salesman).import_leads("@@not base64@@", "leads.csv", {})
        with self.assertRaisesRegex(UserError, "Unknown import options"):
            self._import(csv_bytes([["Company"], ["A"]]), "leads.csv", context={"x": 1})
        with self.assertRaisesRegex(UserError, "Import mode"):
            self._import(csv_bytes([["Company"], ["A"]]), "leads.csv", mode="sometimes")

    def test_row_limit(self):
        self.env["ir.config_parameter"].set_param("crm_pipeline.import_max_rows", "2")
        rows = [["Company"], ["A SRL"], ["B SRL"], ["C SRL"]]
        self._assert_refused(csv_bytes(rows), "leads.csv", "more than the limit of 2")
        summary = self._import(csv_bytes(rows[:3]), "leads.csv")
        self.assertEqual(summary["created"], 2)

    # ------------------------------------------------------------------ modes

    def _mixed_file(self):
        return csv_bytes(
            [
                ["Company", "E-mail", "Country", "Source", "Notes"],
                ["Good One SRL", "one@good.example", "Romania", "Brand new source", ""],
                ["", "nobody@nowhere.example", "", "", '=HYPERLINK("http://evil")'],
                ["Bad Mail SRL", "not-an-email", "Narnia", "", "-2+3\x07"],
                ["Good Two SRL", "", "", "", ""],
            ]
        )

    def test_all_or_nothing(self):
        before = self._count()
        summary = self._import(self._mixed_file(), "leads.csv", mode="all")
        self.assertTrue(summary["aborted"])
        self.assertEqual((summary["created"], summary["rejected"]), (0, 2))
        self.assertEqual(self._count(), before)
        self.assertFalse(self.env["utm.source"].search([("name", "=", "Brand new source")]))
        self.assertEqual([e["row"] for e in summary["errors"]], [3, 4])

    def test_skip_invalid_and_report(self):
        summary = self._import(self._mixed_file(), "leads.csv", mode="skip_invalid")
        self.assertFalse(summary["aborted"])
        self.assertEqual((summary["created"], summary["rejected"]), (2, 2))
        leads = self.Lead.browse(summary["lead_ids"])
        self.assertEqual(sorted(leads.mapped("name")), ["Good One SRL", "Good Two SRL"])
        self.assertEqual(set(leads.mapped("activation_state")), {"inactive"})
        report = self._report_rows(summary)
        self.assertEqual(report[0][:3], ["Row", "Reason", "Company"])
        self.assertEqual([r[0] for r in report[1:]], [3, 4])
        self.assertIn("Company name or contact name is missing", report[1][1])
        self.assertIn("'not-an-email' is not an e-mail address", report[2][1])
        self.assertIn("Unknown country 'Narnia'", report[2][1])
        # Formulas are neutralised and control characters stripped.
        self.assertEqual(report[1][6], '\'=HYPERLINK("http://evil")')
        self.assertEqual(report[2][6], "'-2+3")

    def test_safe_cell(self):
        for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
            self.assertTrue(safe_cell(value).startswith("'"), value)
        self.assertEqual(safe_cell("ok\x00\x1bvalue"), "okvalue")
        self.assertEqual(safe_cell("Ana-Maria"), "Ana-Maria")

    # ------------------------------------------------------------------ duplicates

    def _existing(self):
        partner = self.env["res.partner"].create(
            {"name": "Partner Delta", "is_company": True, "email": "office@delta.example",
             "user_id": self.salesman_b.id}
        )  # fmt: skip
        lead = self.Lead.create(
            {"name": "Existing Epsilon", "vat": "RO77665541", "phone": "+40 721 555 666",
             "user_id": self.salesman.id}
        )  # fmt: skip
        return partner, lead

    def _dup_file(self):
        return csv_bytes(
            [
                ["Company", "CUI", "E-mail", "Phone", "City"],
                ["Epsilon again", "ro 776 655 41", "", "", "Brasov"],
                ["Delta again", "", "OFFICE@delta.example", "", ""],
                ["Phone twin", "", "", "0721555666", ""],
                ["Fresh Zeta", "", "", "", ""],
            ]
        )

    def test_duplicates_skip(self):
        _partner, lead = self._existing()
        summary = self._import(self._dup_file(), "leads.csv", duplicate_action="skip")
        self.assertEqual((summary["created"], summary["skipped"], summary["duplicates"]), (1, 3, 3))
        self.assertEqual(self.Lead.browse(summary["lead_ids"]).name, "Fresh Zeta")
        report = self._report_rows(summary)
        reasons = {r[2]: r[1] for r in report[1:]}
        self.assertIn("lead Existing Epsilon (Ana Salesman)", reasons["Epsilon again"])
        self.assertIn("contact Partner Delta (Bogdan Salesman)", reasons["Delta again"])
        self.assertIn("Existing Epsilon", reasons["Phone twin"])
        self.assertFalse(lead.city)

    def test_duplicates_update(self):
        _partner, lead = self._existing()
        summary = self._import(self._dup_file(), "leads.csv", duplicate_action="update")
        # Rows matching a lead update it; a row matching only a contact is created.
        self.assertEqual((summary["updated"], summary["created"]), (2, 2))
        self.assertEqual(lead.city, "Brasov")
        self.assertEqual(lead.name, "Existing Epsilon")
        self.assertEqual(
            sorted(self.Lead.browse(summary["lead_ids"]).mapped("name")),
            ["Delta again", "Fresh Zeta"],
        )

    def test_duplicates_update_someone_elses_lead_refused(self):
        _partner, lead = self._existing()
        summary = self._import(
            self._dup_file(), "leads.csv", user=self.salesman_b,
            duplicate_action="update", mode="skip_invalid",
        )  # fmt: skip
        self.assertFalse(lead.city)
        self.assertEqual(summary["rejected"], 2)
        self.assertIn("which you may not update", summary["errors"][0]["reason"])

    def test_duplicates_create_anyway(self):
        _partner, lead = self._existing()
        summary = self._import(self._dup_file(), "leads.csv", duplicate_action="create")
        self.assertEqual((summary["created"], summary["skipped"]), (4, 0))
        twins = self.Lead.search([("intake_vat_key", "=", "77665541")])
        self.assertEqual(twins, lead | self.Lead.browse(summary["lead_ids"][0]))

    # ------------------------------------------------------------------ wizard

    def test_wizard_preview_edit_mapping_import(self):
        content = xlsx_bytes(
            [["Firm", "Oraș", "E-mail"], ["Eta SRL", "Arad", "bad"], ["Theta SRL", "Deva", ""]]
        )
        wizard = (
            self.env["crm.lead.import.wizard"]
            .with_user(self.salesman)
            .create({"file": b64(content), "file_name": "leads.xlsx", "mode": "skip_invalid"})
        )
        # "Firm" is no alias: without a company or contact column there is no preview.
        with self.assertRaisesRegex(UserError, "no company name"):
            wizard.action_preview()
        wizard.mapping_ids = [
            (0, 0, {"column_index": 0, "header": "Firm", "field": "company"}),
            (0, 0, {"column_index": 1, "header": "Oraș", "field": "city"}),
            (0, 0, {"column_index": 2, "header": "E-mail", "field": "email"}),
        ]
        wizard.action_preview()
        self.assertEqual(wizard.state, "preview")
        self.assertEqual((wizard.total_count, wizard.rejected_count), (2, 1))
        self.assertIn("is not an e-mail address", wizard.preview_html)
        self.assertIn("Theta SRL", wizard.preview_html)
        wizard.mapping_ids.filtered(lambda m: m.header == "E-mail").field = False
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertEqual((wizard.created_count, wizard.rejected_count), (2, 0))
        self.assertEqual(sorted(wizard.lead_ids.mapped("city")), ["Arad", "Deva"])
        self.assertFalse(wizard.rejected_file)

    def test_wizard_guesses_mapping(self):
        content = csv_bytes([["Denumire", "Telefon"], ["Iota SRL", "0722"]])
        wizard = (
            self.env["crm.lead.import.wizard"]
            .with_user(self.salesman)
            .create({"file": b64(content), "file_name": "leads.csv"})
        )
        wizard.action_preview()
        self.assertEqual(wizard.mapping_ids.mapped("field"), ["company", "phone"])

    def test_team_and_stage_as_by_hand(self):
        content = csv_bytes(
            [["Company", "Salesperson"], ["Mu SRL", ""], ["Nu SRL", "intake_sales_b"]]
        )
        summary = self.Lead.import_leads(b64(content), "leads.csv", {})
        imported = self.Lead.browse(summary["lead_ids"])
        by_hand = self.Lead.create({"name": "Xi"}) | self.Lead.create(
            {"name": "Omicron", "user_id": self.salesman_b.id}
        )
        self.assertEqual(imported.mapped("user_id"), by_hand.mapped("user_id"))
        self.assertEqual(imported.mapped("team_id"), by_hand.mapped("team_id"))
        self.assertEqual(imported.mapped("stage_id"), by_hand.mapped("stage_id"))
        self.assertEqual(imported.mapped("company_id"), by_hand.mapped("company_id"))

    def test_salesman_cannot_give_leads_away(self):
        content = csv_bytes([["Company", "Salesperson"], ["Pi SRL", "Bogdan Salesman"]])
        summary = self._import(content, "leads.csv", mode="skip_invalid")
        self.assertEqual((summary["created"], summary["rejected"]), (0, 1))
        self.assertIn("another salesperson", summary["errors"][0]["reason"])

    def test_batch_of_many_rows(self):
        rows = [["Company", "E-mail", "Phone"]] + [
            [f"Bulk {i} SRL", f"bulk{i}@example.com", f"0722{i:06d}"] for i in range(1500)
        ]
        summary = self._import(xlsx_bytes(rows), "leads.xlsx")
        self.assertEqual(summary["created"], 1500)
        again = self._import(xlsx_bytes(rows), "leads.xlsx", duplicate_action="skip")
        self.assertEqual((again["created"], again["skipped"]), (0, 1500))

    def test_views_offer_the_import(self):
        Lead = self.Lead.with_user(self.salesman)
        list_arch = Lead.get_views([(self.env.ref("crm.crm_case_tree_view_leads").id, "list")])[
            "views"
        ]["list"]["arch"]
        action = self.env.ref("crm_pipeline.crm_lead_import_wizard_action")
        self.assertIn(f'name="{action.id}"', list_arch)
        self.assertIn("Import Leads", list_arch)
        oppor_arch = Lead.get_views([(self.env.ref("crm.crm_case_tree_view_oppor").id, "list")])[
            "views"
        ]["list"]["arch"]
        self.assertIn(f'name="{action.id}"', oppor_arch)
        self.assertEqual(action.binding_model_id.model, "crm.lead")
        form_arch = Lead.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="fetch_company_data"', form_arch)
        self.assertIn('name="duplicate_warning"', form_arch)
        partner_arch = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .get_views([(self.env.ref("base.view_partner_form").id, "form")])["views"]["form"][
                "arch"
            ]
        )
        self.assertIn('name="action_fetch_company_data"', partner_arch)
        wizard_arch = (
            self.env["crm.lead.import.wizard"]
            .with_user(self.salesman)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="mapping_ids"', wizard_arch)
