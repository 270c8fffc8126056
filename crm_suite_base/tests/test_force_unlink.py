from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestForceUnlinkFlag(TransactionCase):
    """Odoo's uninstall flag (``_force_unlink`` in the context) skips the
    deletion checks; a caller that is not an administrator cannot use it to
    delete what the checks keep."""

    def test_flag_dropped_for_users(self):
        user = new_test_user(
            self.env, "force_unlink_user", groups="base.group_user,base.group_partner_manager"
        )
        other = new_test_user(self.env, "force_unlink_other")
        partner = other.partner_id.with_user(user)
        for context in ({}, {"_force_unlink": True}):
            with self.assertRaisesRegex(UserError, "linked to an active user"):
                partner.with_context(**context).unlink()
        self.assertTrue(other.partner_id.exists())

    def test_flag_kept_for_uninstall(self):
        """Uninstalling (an administrator, or server code as superuser) still
        deletes what a module brought, checks skipped as Odoo intends."""
        param = self.env["ir.config_parameter"].search([("key", "=", "web.base.url")])
        self.assertTrue(param)
        with self.assertRaises(ValidationError):
            param.unlink()
        param.with_context(_force_unlink=True).unlink()
        self.assertFalse(param.exists())
