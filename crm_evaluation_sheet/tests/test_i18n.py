from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import formatLang

from odoo.addons.crm_suite_base.tests.common_i18n import LANGS, SuiteTranslationCase

from .common import EvaluationSheetCase


@tagged("post_install", "-at_install")
class TestTranslations(SuiteTranslationCase, EvaluationSheetCase):
    """A salesperson of each language generates a quotation from a sheet: its
    chapters are titled in their language, and so is the printed revision."""

    _module = "crm_evaluation_sheet"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's units of measure in the same languages, as installing them does
        cls.env["ir.module.module"]._load_module_terms(["uom", "sale"], list(LANGS.values()))

    def test_chapter_titles_and_printed_quotation(self):
        for lang, code in LANGS.items():
            user = new_test_user(
                self.env,
                login=f"evs_i18n_{lang}",
                groups="sales_team.group_sale_salesman",
                lang=code,
            )
            self.partner.lang = code
            sheet = self._create_sheet([(self.floor, 2, self.uom_dozen)], user=user)
            # the web client sends the user's language in the context of each call
            sheet = sheet.with_context(lang=code)
            sheet.action_finalize()
            action = sheet.action_generate_quotation()
            order = self.env["sale.order"].browse(action["res_id"])
            chapter = order.order_line.filtered(lambda line: line.display_type == "line_section")
            dozens = self.uom_dozen.with_context(lang=code).name
            self.assertNotEqual(dozens, self.uom_dozen.with_context(lang="en_US").name, code)
            template = self._translated(lang, "%(item)s × %(qty)s %(uom)s")
            self.assertEqual(
                chapter.name,
                template % {"item": self.floor.display_name, "qty": "2", "uom": dozens},
                code,
            )
            revision = self.env["sale.order"].browse(
                order.with_user(user).action_revise()["res_id"]
            )
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html("sale.action_report_saleorder", revision.ids)[0]
                .decode()
            )
            self.assertIn(chapter.name, html, code)
            self.assertIn(self._translated(lang, "Revision"), html, code)

    def test_archived_component_flag_in_the_users_language(self):
        # the components preview flags an archived component in the user's
        # language, not in English
        self.labour.action_archive()
        for lang, code in LANGS.items():
            user = new_test_user(
                self.env,
                login=f"evs_i18n_archived_{lang}",
                groups="sales_team.group_sale_salesman",
                lang=code,
            )
            sheet = self._create_sheet([(self.floor, 2)], user=user).with_context(lang=code)
            preview = sheet.line_ids.components_preview
            self.assertNotIn("(archived)", preview, code)
            flagged = self._translated(lang, "%(component)s (archived)") % {
                "component": self.labour.with_context(lang=code).display_name
            }
            self.assertIn(flagged, preview, code)

    def test_too_large_component_quantity_in_the_users_numbers(self):
        # the refusal of a component quantity beyond a quotation line's writes
        # its numbers as the user's language does (they were English: 1,000,000)
        free = self.env["product.product"].create({"name": "Free", "list_price": 0.0})
        bulk = self.env["product.product"].create(
            {
                "name": "Bulk",
                "type": "service",
                "list_price": 0.0,
                "recipe_line_ids": [Command.create({"product_id": free.id, "quantity": 1e6})],
            }
        )
        for lang, code in LANGS.items():
            user = new_test_user(
                self.env,
                login=f"evs_i18n_bulk_{lang}",
                groups="sales_team.group_sale_salesman",
                lang=code,
            )
            sheet = self._create_sheet([(bulk, 1e6)], user=user).with_context(lang=code)
            sheet.action_finalize()
            with self.assertRaises(UserError) as refused:
                sheet.action_generate_quotation()
            message = str(refused.exception)
            env = sheet.env
            self.assertIn(formatLang(env, 1e12, digits=0), message, code)
            self.assertIn(formatLang(env, 1e9, digits=0), message, code)
            self.assertNotIn("1,000,000,000", message, code)
