from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.policy import check_date
from .common_i18n import LANGS, SuiteTranslationCase


@tagged("post_install", "-at_install")
class TestTranslations(SuiteTranslationCase):
    _module = "crm_suite_base"

    def test_value_check_messages_are_translated(self):
        source = "%(label)s must be a date (YYYY-MM-DD), not %(value)s."
        for lang, code in LANGS.items():
            with self.assertRaises(UserError) as cm:
                check_date(self.env(context={"lang": code}), "1 mai", "X")
            self.assertEqual(
                str(cm.exception),
                self._translated(lang, source) % {"label": "X", "value": "'1 mai'"},
                code,
            )
