"""What a user of each of the suite's languages sees: the addon's menus, field
labels and selection values in Romanian, Russian and Ukrainian, as its
``i18n/*.po`` says. Each addon's ``tests/test_i18n.py`` subclasses
``SuiteTranslationCase`` with its ``_module`` and adds its own screens."""

import os

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase

LANGS = {"ro": "ro_RO", "ru": "ru_RU", "uk": "uk_UA"}
SUITE = (
    "crm_suite_base",
    "crm_pipeline",
    "crm_pipeline_mass_mailing",
    "crm_evaluation_sheet",
    "crm_pricing",
    "crm_supply",
    "crm_finance_cashflow",
)


def catalogue(module, lang):
    """``{msgid: msgstr}`` of ``module``'s ``i18n/<lang>.po``."""
    path = os.path.join(get_module_path(module), "i18n", f"{lang}.po")
    return {entry.msgid: entry.msgstr for entry in polib.pofile(path) if not entry.obsolete}


class SuiteTranslationCase(TransactionCase):
    """Loads the languages and the addon's catalogues (as installing a
    language does) and checks the addon's menus, labels and selections."""

    _module = "crm_suite_base"
    # Odoo runs only a class's own test methods unless told otherwise: the
    # menus and labels checks below run in every addon's subclass
    allow_inherited_tests_method = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGS.values():
            cls.env["res.lang"]._activate_lang(code)
        installed = cls.env["ir.module.module"].search(
            [("name", "in", SUITE), ("state", "in", ("installed", "to upgrade"))]
        )
        cls.env["ir.module.module"]._load_module_terms(
            installed.mapped("name") + [cls._module], list(LANGS.values()), overwrite=True
        )
        cls.catalogues = {lang: catalogue(cls._module, lang) for lang in LANGS}

    def _translated(self, lang, source):
        """The catalogue's translation of ``source`` (failing when it has none)."""
        value = self.catalogues[lang].get(source)
        self.assertTrue(value, f"{self._module}/i18n/{lang}.po has no translation of {source!r}")
        return value

    def _own_fields(self):
        """``(model, field)`` of every field this addon alone defines."""
        for name in self.env.registry:
            model = self.env[name]
            for field in model._fields.values():
                if field._modules == (self._module,) and field.name not in ("id", "display_name"):
                    yield model, field

    def test_menus_are_translated(self):
        menus = self.env["ir.model.data"].search(
            [("module", "=", self._module), ("model", "=", "ir.ui.menu")]
        )
        for lang, code in LANGS.items():
            for data in menus:
                menu = self.env["ir.ui.menu"].browse(data.res_id)
                english = menu.with_context(lang="en_US").name
                self.assertEqual(
                    menu.with_context(lang=code).name,
                    self._translated(lang, english),
                    f"menu {data.complete_name} in {code}",
                )

    def test_field_labels_and_selections_are_translated(self):
        checked = 0
        for lang, code in LANGS.items():
            by_model = {}
            for model, field in self._own_fields():
                by_model.setdefault(model._name, []).append(field.name)
            for model_name, names in by_model.items():
                english = (
                    self.env[model_name]
                    .with_context(lang="en_US")
                    .fields_get(names, ["string", "selection"])
                )
                local = (
                    self.env[model_name]
                    .with_context(lang=code)
                    .fields_get(names, ["string", "selection"])
                )
                for name in names:
                    where = f"{model_name}.{name} in {code}"
                    self.assertEqual(
                        local[name]["string"],
                        self._translated(lang, english[name]["string"]),
                        where,
                    )
                    for (value, label), (_value, local_label) in zip(
                        english[name].get("selection") or [],
                        local[name].get("selection") or [],
                        strict=True,
                    ):
                        if self.env[model_name]._fields[name]._modules != (self._module,):
                            continue
                        self.assertEqual(
                            local_label, self._translated(lang, label), f"{where}: {value}"
                        )
                    checked += 1
        if self._module != "crm_suite_base":
            self.assertTrue(checked, f"{self._module} defines no field?")
