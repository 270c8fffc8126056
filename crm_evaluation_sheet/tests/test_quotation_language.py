from odoo.tests import new_test_user, tagged

from odoo.addons.crm_suite_base.tests.common_i18n import catalogue

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestQuotationLanguage(EvaluationSheetCase):
    """The quotation generated from a sheet is the customer's document: its
    chapter titles and its recipe breakdown notes are written in the customer's
    language, as Odoo writes the product lines' descriptions
    (``sale.order._get_lang``), whatever the salesperson's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ro_RO")
        cls.env["ir.module.module"]._load_module_terms(
            ["uom", "crm_evaluation_sheet"], ["ro_RO"], overwrite=True
        )
        cls.ro = catalogue("crm_evaluation_sheet", "ro")
        for product, name in (
            (cls.floor, "Pardoseală test"),
            (cls.tile, "Plăci test"),
            (cls.adhesive, "Adeziv test"),
            (cls.kit, "Kit de chit test"),
            (cls.labour, "Manoperă test"),
        ):
            product.with_context(lang="ro_RO").name = name
        # sold at its own price: its components are listed below it as notes
        cls.floor.recipe_pricing = "recipe"
        cls.seller_en = new_test_user(
            cls.env,
            login="evs_lang_en",
            groups="sales_team.group_sale_salesman",
            lang="en_US",
        )
        cls.seller_ro = new_test_user(
            cls.env,
            login="evs_lang_ro",
            groups="sales_team.group_sale_salesman",
            lang="ro_RO",
        )

    def _quotation(self, user, customer_lang):
        self.partner.lang = customer_lang
        sheet = self._create_sheet([(self.floor, 2, self.uom_dozen)], user=user)
        # the web client sends the user's language in the context of each call
        sheet = sheet.with_context(lang=user.lang)
        sheet.action_finalize()
        order = self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
        sections = order.order_line.filtered(lambda line: line.display_type == "line_section")
        notes = order.order_line.filtered(lambda line: line.display_type == "line_note")
        return order, sections, notes

    def test_customer_language_not_the_salespersons(self):
        order, section, notes = self._quotation(self.seller_en, "ro_RO")
        self.assertEqual(order._get_lang(), "ro_RO")
        floor, dozens = (rec.with_context(lang="ro_RO") for rec in (self.floor, self.uom_dozen))
        self.assertEqual(dozens.name, "Duzina")
        self.assertEqual(
            section.name,
            self.ro["%(item)s × %(qty)s %(uom)s"]
            % {"item": floor.display_name, "qty": "2", "uom": dozens.name},
        )
        # Odoo's own line description of the recipe product, in the same language
        self.assertEqual(order.order_line.filtered("product_id").name, floor.display_name)
        template = self.ro["Includes %(qty)s %(uom)s %(component)s"]
        self.assertEqual(len(notes), 4)
        for note, component in zip(
            notes.sorted("sequence"),
            (self.tile, self.adhesive, self.kit, self.labour),
            strict=True,
        ):
            prefix = template.split("%(", 1)[0]
            self.assertTrue(note.name.startswith(prefix), note.name)
            self.assertTrue(
                note.name.endswith(component.with_context(lang="ro_RO").display_name), note.name
            )
        tile_note = notes.sorted("sequence")[0].name
        self.assertIn(self.uom_unit.with_context(lang="ro_RO").name, tile_note)
        self.assertNotIn("Includes", "".join(notes.mapped("name")))

    def test_english_customer_of_a_romanian_salesperson(self):
        order, section, notes = self._quotation(self.seller_ro, "en_US")
        self.assertEqual(order._get_lang(), "en_US")
        self.assertEqual(section.name, "Test Floor × 2 Dozens")
        self.assertEqual(
            notes.sorted("sequence").mapped("name")[:1], ["Includes 264 Units Test Tile"]
        )

    def _quotation_of(self, qty, user, customer_lang):
        self.partner.lang = customer_lang
        sheet = self._create_sheet([(self.floor, qty, self.uom_dozen)], user=user)
        sheet = sheet.with_context(lang=user.lang)
        sheet.action_finalize()
        order = self.env["sale.order"].browse(sheet.action_generate_quotation()["res_id"])
        lines = order.order_line.sorted("sequence")
        section = lines.filtered(lambda line: line.display_type == "line_section")
        notes = lines.filtered(lambda line: line.display_type == "line_note")
        return section, notes.mapped("name")

    def test_quantities_written_as_the_customers_language(self):
        """Chapter titles and breakdown notes write their quantities as the
        customer's language does (decimal point, thousands separator), not
        with Python's "." whatever the language."""
        section, notes = self._quotation_of(10.5, self.seller_en, "ro_RO")
        floor, dozens = (rec.with_context(lang="ro_RO") for rec in (self.floor, self.uom_dozen))
        self.assertEqual(
            section.name,
            self.ro["%(item)s × %(qty)s %(uom)s"]
            % {"item": floor.display_name, "qty": "10,5", "uom": dozens.name},
        )
        # 126 floors: 1,386 tiles, 31.5 hours of labour
        template = self.ro["Includes %(qty)s %(uom)s %(component)s"]
        tiles = template % {
            "qty": "1.386",
            "uom": self.uom_unit.with_context(lang="ro_RO").name,
            "component": self.tile.with_context(lang="ro_RO").display_name,
        }
        labour = template % {
            "qty": "31,5",
            "uom": self.uom_hour.with_context(lang="ro_RO").name,
            "component": self.labour.with_context(lang="ro_RO").display_name,
        }
        self.assertIn(tiles, notes)
        self.assertIn(labour, notes)

    def test_english_quantities_of_a_romanian_salesperson(self):
        section, notes = self._quotation_of(10.5, self.seller_ro, "en_US")
        self.assertEqual(section.name, "Test Floor × 10.5 Dozens")
        self.assertIn("Includes 1,386 Units Test Tile", notes)
        self.assertIn("Includes 31.5 Hours Test Labour", notes)
