from odoo.tests import tagged

from odoo.addons.crm_suite_base.tests.common_i18n import SuiteTranslationCase


@tagged("post_install", "-at_install")
class TestTranslations(SuiteTranslationCase):
    _module = "crm_supply"
