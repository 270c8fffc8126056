import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.crm_suite_base.models import policy
from odoo.addons.crm_suite_base.models.policy import (
    FREE,
    check_date,
    check_guarded,
    check_number,
    check_value,
    is_privileged,
    owned,
    privileged,
    writable,
)


@tagged("post_install", "-at_install")
class TestCheckValue(TransactionCase):
    """``check_value`` on real field objects of ``res.partner`` and
    ``res.users``: a value the field cannot hold is a ``ValidationError``."""

    def _field(self, model, name):
        return self.env[model]._fields[name]

    def assertRefused(self, model, name, value, rule=None):
        with self.assertRaises(ValidationError, msg=f"{model}.{name} = {value!r}"):
            check_value(self.env, self._field(model, name), value, rule)

    def assertAccepted(self, model, name, value, rule=None):
        check_value(self.env, self._field(model, name), value, rule)

    def test_empty_values_pass(self):
        for model, name in (
            ("res.currency.rate", "name"),
            ("res.partner", "name"),
            ("res.partner", "parent_id"),
            ("res.partner", "category_id"),
            ("res.partner", "type"),
            ("res.partner", "partner_latitude"),
        ):
            self.assertAccepted(model, name, None)
            self.assertAccepted(model, name, False)

    def test_dates(self):
        for value in ("2024-02-29", datetime.date(1900, 1, 1), datetime.date(2200, 12, 31)):
            self.assertAccepted("res.currency.rate", "name", value)
        for value in (
            "",  # Odoo would send it to PostgreSQL: no date is False
            "0001-01-01",
            "9999-12-31",
            "10000-01-01",
            "1899-12-31",
            "2201-01-01",
            "2024-02-30",
            "yesterday",
            "2024-13-01",
            datetime.date(1, 1, 1),
            datetime.date(9999, 12, 31),
            20240101,
            1.5,
            ["2024-01-01"],
            {"date": "2024-01-01"},
            True,
        ):
            self.assertRefused("res.currency.rate", "name", value)

    def test_datetimes(self):
        for value in (
            "2024-01-01 10:00:00",
            datetime.datetime(2024, 1, 1, 10, 0),
        ):
            self.assertAccepted("ir.cron", "nextcall", value)
        for value in (
            "2024-01-01 25:00:00",
            "2024-01-01 garbage",
            "9999-12-31 23:59:59",
            datetime.datetime(1, 1, 1),
            12,
        ):
            self.assertRefused("ir.cron", "nextcall", value)

    def test_numbers(self):
        for value in (0, -1, 1.5, 999_999_999_999.0, -999_999_999_999):
            self.assertAccepted("res.partner", "partner_latitude", value)
        for value in (
            float("nan"),
            float("inf"),
            float("-inf"),
            1e308,
            -1e308,
            10**12 + 1,
            2**70,
            "12",
            "nan",
            True,
            [1],
            {"value": 1},
        ):
            self.assertRefused("res.partner", "partner_latitude", value)

    def test_number_bounds_of_the_rule(self):
        rule = writable(bounds=(0, 3650))
        self.assertAccepted("res.partner", "partner_latitude", 0, rule)
        self.assertAccepted("res.partner", "partner_latitude", 3650, rule)
        for value in (-1, 3650.5, 10_000_000):
            self.assertRefused("res.partner", "partner_latitude", value, rule)
        # an empty value is 0: refused when 0 is out of the bounds
        self.assertRefused("res.partner", "partner_latitude", False, writable(bounds=(1, 10)))

    def test_integers(self):
        self.assertAccepted("res.partner", "color", 2**31 - 1)
        self.assertAccepted("res.partner", "color", 3.0)
        for value in (2**31, -(2**31), 3.5, 2**63, "3", None.__class__):
            self.assertRefused("res.partner", "color", value)

    def test_texts(self):
        self.assertAccepted("res.partner", "name", "Ünïcødé \u202e 𝔘 \u200b")
        self.assertAccepted("res.partner", "comment", "<p>x</p>")
        for value in (12, ["a"], {"en_US": "a"}, b"bytes", "nul\x00byte"):
            self.assertRefused("res.partner", "name", value)

    def test_files(self):
        """A file is base64: Odoo decodes one kept as an attachment when it
        stores it (a value that is not base64 was a traceback there, XML-RPC
        fault 1); a column keeps the bytes it is given."""
        for model, name in (("ir.ui.menu", "web_icon_data"), ("ir.attachment", "datas")):
            for value in ("aGVsbG8=", b"aGVsbG8=", "aGVs\nbG8=", ""):
                self.assertAccepted(model, name, value)
            for value in ("abc", "héllo", 12, 1.5, True, ["aGVsbG8="], {"data": "aGVsbG8="}):
                self.assertRefused(model, name, value)
        self.assertAccepted("ir.attachment", "db_datas", b"%PDF-1.7 raw")
        for value in (12, True, ["x"]):
            self.assertRefused("ir.attachment", "db_datas", value)

    def test_booleans(self):
        for value in (True, False, 0, 1):
            self.assertAccepted("res.partner", "active", value)
        for value in ("yes", [True], 1.0, {"a": 1}):
            self.assertRefused("res.partner", "active", value)

    def test_selections(self):
        self.assertAccepted("res.partner", "type", "contact")
        for value in ("no-such-type", "CONTACT", 1, ["contact"]):
            self.assertRefused("res.partner", "type", value)

    def test_many2one(self):
        partner = self.env["res.partner"].create({"name": "Parent"})
        for value in (1, 2**31 - 1, partner):
            self.assertAccepted("res.partner", "parent_id", value)
        for value in (0, -1, 2**31, "1", 1.0, True, [1], (4, 1), {"id": 1}):
            self.assertRefused("res.partner", "parent_id", value)

    def test_x2many_commands(self):
        for value in (
            [],
            [(6, 0, [1, 2])],
            [(4, 1)],
            [(0, 0, {"name": "x"})],
            [(1, 3, {"name": "y"})],
            [(2, 3)],
            [(3, 3)],
            [(5,)],
            [1, 2],
            # a line the web client adds is created with its virtual id
            [(0, "virtual_12", {"name": "x"})],
        ):
            self.assertAccepted("res.partner", "category_id", value)
        for value in (
            1,
            "1,2",
            {"ids": [1]},
            [(7, 0, 0)],
            [(-1, 0, 0)],
            [(True, 0, {})],
            [(0, 0, "x")],
            [(0, 0)],
            [(6, 0, [0])],
            [(6, 0, ["x"])],
            [(6, 0, 3)],
            [(4, 0)],
            [(4, -3)],
            [(4, True)],
            [(1, 1)],
            [(4, "x")],
            [(6, 0, ["virtual_1"])],
            # a virtual id names no record to update, link, unlink or delete: Odoo
            # sent it to PostgreSQL (a traceback, XML-RPC fault 1)
            [(1, "virtual_12", {})],
            [(1, "virtual_12", {"name": "y"})],
            [(2, "virtual_12")],
            [(3, "virtual_12")],
            [(4, "virtual_12")],
            [()],
            [None],
            [0],
            [2**31],
            [True],
        ):
            self.assertRefused("res.partner", "category_id", value)


@tagged("post_install", "-at_install")
class TestChecks(TransactionCase):
    def test_check_date(self):
        self.assertEqual(check_date(self.env, "2024-05-01", "Day"), datetime.date(2024, 5, 1))
        self.assertEqual(
            check_date(self.env, datetime.datetime(2024, 5, 1, 8, 0), "Day"),
            datetime.date(2024, 5, 1),
        )
        for value in (None, False, "", "  ", "0001-01-01", "9999-99-99", 3, [], "2201-01-01"):
            with self.assertRaises(UserError, msg=repr(value)):
                check_date(self.env, value, "Day")

    def test_check_number(self):
        self.assertEqual(check_number(self.env, 5, "Qty", 0, 10), 5)
        for value in (None, True, "5", float("nan"), float("inf"), 11, -1, 2**80, [5]):
            with self.assertRaises(UserError, msg=repr(value)):
                check_number(self.env, value, "Qty", 0, 10)

    def test_rules_as_dict(self):
        self.assertEqual(FREE.as_dict(self.env)["owner"], "user")
        rule = owned("use the button.", create=("draft",))
        self.assertEqual(
            rule.as_dict(self.env),
            {
                "owner": "method",
                "hint": "use the button.",
                "groups": [],
                "states": [],
                "create": ["draft"],
                "bounds": [],
            },
        )
        rule = writable(groups=("base.group_system",), states=("draft",), bounds=(0, 1))
        self.assertEqual(rule.as_dict(self.env)["groups"], ["base.group_system"])
        self.assertEqual(rule.as_dict(self.env)["bounds"], [0, 1])


@tagged("post_install", "-at_install")
class TestPrivileged(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(cls.env, login="policy_user", groups="base.group_user")
        cls.partner = cls.env["res.partner"].create({"name": "Policy partner"})

    def test_privileged_marks_only_its_records(self):
        records = self.partner.with_user(self.user)
        self.assertFalse(is_privileged(records))
        self.assertTrue(is_privileged(privileged(records)))
        # the environment of the caller stays unprivileged
        self.assertFalse(is_privileged(records))

    def test_context_values_a_caller_can_send_are_not_privileged(self):
        records = self.partner.with_user(self.user)
        for value in (True, 1, "1", "True", str(policy._TOKEN), repr(policy._TOKEN), {}, [1]):
            forged = records.with_context(**{policy._KEY: value})
            self.assertFalse(is_privileged(forged), value)

    def test_superuser_is_privileged(self):
        self.assertTrue(is_privileged(self.partner.sudo()))

    def test_check_guarded(self):
        records = self.partner.with_user(self.user)
        check_guarded(records, {"comment": "x"}, {"name"}, "use the button.")
        with self.assertRaisesRegex(UserError, "use the button"):
            check_guarded(records, {"name": "x"}, {"name"}, "use the button.")
        check_guarded(privileged(records), {"name": "x"}, {"name"}, "use the button.")


@tagged("post_install", "-at_install")
class TestMixin(TransactionCase):
    """The mechanism on every model of the registry that declares a policy (so a
    regression fails here, whatever addons are installed)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(cls.env, login="policy_mixin_user", groups="base.group_user")

    def _policy_models(self):
        for name in self.env.registry:
            model = self.env[name]
            if not model._abstract and hasattr(type(model), "_crm_policy"):
                yield model

    def test_values_must_be_a_mapping(self):
        mixin = self.env["crm.write.policy.mixin"].with_user(self.user)
        for vals in ("x", ["name"], None, 3):
            with self.assertRaises(UserError):
                mixin._crm_check_policy(vals, creating=False)
        mixin._crm_check_policy({"no_such_field": 1}, creating=False)

    def test_declarations_are_consistent(self):
        """Every declared field exists, is not copied when owned, names real
        groups and states, and has ordered bounds."""
        problems = []
        for model in self._policy_models():
            rules, _modules = type(model)._crm_policy()
            state_field = model._fields.get(model._crm_state_field)
            for fname, rule in rules.items():
                where = f"{model._name}.{fname}"
                field = model._fields.get(fname)
                if field is None:
                    problems.append(f"{where}: declared but no such field")
                    continue
                if rule.owner == "method" and field.store and field.copy:
                    problems.append(f"{where}: owned but copied (copy=False missing)")
                for group in rule.groups:
                    if not self.env.ref(group, raise_if_not_found=False):
                        problems.append(f"{where}: unknown group {group}")
                if rule.states:
                    if state_field is None or state_field.type != "selection":
                        problems.append(f"{where}: states= without a selection state field")
                    else:
                        known = set(state_field.get_values(self.env))
                        problems.extend(
                            f"{where}: unknown state {state}"
                            for state in rule.states
                            if state not in known
                        )
                if rule.bounds and (len(rule.bounds) != 2 or rule.bounds[0] > rule.bounds[1]):
                    problems.append(f"{where}: bounds {rule.bounds}")
        self.assertFalse(problems, "\n".join(problems))

    def test_owned_fields_refused_unless_privileged(self):
        for model in self._policy_models():
            if model._transient:
                continue  # wizards: the user's own scratch records, not in the policy
            as_user = model.with_user(self.user)
            policy_ = self.env["crm.write.policy"].get_write_policy([model._name])[model._name]
            for fname, rule in policy_["fields"].items():
                if rule["owner"] != "method":
                    continue
                with self.assertRaises(UserError, msg=f"{model._name}.{fname}"):
                    as_user._crm_check_policy({fname: False}, creating=False)
                privileged(as_user)._crm_check_policy({fname: False}, creating=False)
                if rule["create"] is False:
                    with self.assertRaises(UserError, msg=f"{model._name}.{fname} at create"):
                        as_user._crm_check_policy({fname: False}, creating=True)

    def test_personal_defaults_follow_the_policy(self):
        """Odoo gives a new record the defaults its creator set for themselves
        (the web client's *Set Default*, ``ir.default.set`` over XML-RPC) after
        the policy checked the values given: a default the policy would refuse
        at creation (an owned field's, a value out of its bounds) is refused
        when it is set, else any user made their records born in the state the
        owning method gives (a task born done)."""
        Default = self.env["ir.default"].with_user(self.user)
        for model in self._policy_models():
            if model._transient:
                continue
            for fname, field in model._fields.items():
                rule = model._crm_policy_rule(fname)
                ir_field = self.env["ir.model.fields"]._get(model._name, fname)
                if rule is None or not ir_field:
                    continue
                where = f"{model._name}.{fname}"
                if rule.owner == "method" and rule.create is False:
                    with self.assertRaisesRegex(UserError, "cannot be written directly", msg=where):
                        with self.env.cr.savepoint():
                            Default.set(model._name, fname, False, user_id=True)
                    # the record itself, as the web client's dialog makes it
                    with self.assertRaisesRegex(UserError, "cannot be written directly", msg=where):
                        with self.env.cr.savepoint():
                            Default.create(
                                {
                                    "field_id": ir_field.id,
                                    "user_id": self.user.id,
                                    "json_value": "false",
                                }
                            )
                elif rule.owner == "user" and rule.bounds and field.type in ("integer", "float"):
                    with self.assertRaises(ValidationError, msg=where):
                        Default.set(model._name, fname, rule.bounds[1] + 1, user_id=True)
        self.assertFalse(Default.search([("user_id", "=", self.user.id)]))

    def test_mail_gateway_follows_the_policy(self):
        """Odoo's mail gateway (``mail.thread.message_process``, which any
        internal user calls over XML-RPC) creates a new thread's record from
        the caller's ``custom_values``, and from an alias' ``alias_defaults``,
        as superuser: both are checked as the values the user gives at
        creation, before anything is created, else any employee made a record
        born in the state its owning method gives (a task born done)."""
        Thread = self.env["mail.thread"].with_user(self.user)
        admin = new_test_user(self.env, login="policy_mixin_admin", groups="base.group_system")
        Alias = self.env["mail.alias"].with_user(admin)
        for model in self._policy_models():
            if model._transient or not hasattr(model, "message_new"):
                continue
            for fname in model._fields:
                rule = model._crm_policy_rule(fname)
                if rule is None or rule.owner != "method" or rule.create is not False:
                    continue
                where = f"{model._name}.{fname}"
                count = model.sudo().with_context(active_test=False).search_count([])
                message = (
                    "From: someone@example.com\nTo: nobody@example.com\n"
                    f"Subject: {where}\nMessage-ID: <{where}-gateway-policy@example.com>\n"
                    "Content-Type: text/plain; charset=utf-8\n\nHello\n"
                )
                with self.assertRaisesRegex(UserError, "cannot be written directly", msg=where):
                    with self.env.cr.savepoint():
                        Thread.message_process(model._name, message, {fname: False})
                self.assertEqual(
                    model.sudo().with_context(active_test=False).search_count([]), count, where
                )
                with self.assertRaisesRegex(UserError, "cannot be written directly", msg=where):
                    with self.env.cr.savepoint():
                        Alias.create(
                            {
                                "alias_name": f"policy-{model._table}-{fname}".replace("_", "-"),
                                "alias_model_id": self.env["ir.model"]._get_id(model._name),
                                "alias_defaults": repr({fname: False}),
                            }
                        )

    def test_personal_defaults_of_other_fields(self):
        """Defaults of the fields the policy does not guard are Odoo's."""
        Default = self.env["ir.default"].with_user(self.user)
        Default.set("res.partner", "comment", "<p>Met at the fair</p>", user_id=True)
        self.assertEqual(
            Default._get("res.partner", "comment", self.user.id), "<p>Met at the fair</p>"
        )

    def test_group_rules_refuse_other_users(self):
        for model in self._policy_models():
            rules, _modules = type(model)._crm_policy()
            for fname, rule in rules.items():
                if rule.owner != "user" or not rule.groups:
                    continue
                if any(self.user.has_group(group) for group in rule.groups):
                    continue
                with self.assertRaises(AccessError, msg=f"{model._name}.{fname}"):
                    model.with_user(self.user)._crm_check_policy({fname: False}, creating=False)
                # a form creating a record sends the field's empty default: accepted
                model.with_user(self.user)._crm_check_policy({fname: False}, creating=True)

    def test_get_write_policy(self):
        result = self.env["crm.write.policy"].get_write_policy()
        for name, entry in result.items():
            model = self.env[name]
            self.assertFalse(model._abstract or model._transient, name)
            self.assertIn(entry["state_field"], model._fields.keys() | {"state"}, name)
            for fname, rule in entry["fields"].items():
                self.assertIn(fname, model._fields, name)
                self.assertIn(rule["owner"], ("user", "method"))
                self.assertIsInstance(rule["declared"], bool)
                if not rule["declared"]:
                    self.assertEqual(rule["owner"], "method", f"{name}.{fname}")
        self.assertEqual(self.env["crm.write.policy"].get_write_policy([]), {})
        # a string is not a list of names (it matched by its letters)
        for bad in ("crm.lead", 5, [5], {"crm.lead": 1}):
            with self.assertRaisesRegex(UserError, "model_names must be a list"):
                self.env["crm.write.policy"].get_write_policy(bad)

    def test_get_public_methods(self):
        result = self.env["crm.write.policy"].get_public_methods()
        self.assertEqual(
            result["crm.write.policy"],
            {
                "get_public_methods": "model",
                "get_suite_models": "model",
                "get_write_policy": "model",
            },
        )
        for name, methods in result.items():
            for method in methods:
                self.assertFalse(method.startswith("_"), f"{name}.{method}")
                self.assertNotIn(
                    method, ("create", "write", "unlink", "read", "search", "copy"), name
                )
                self.assertTrue(callable(getattr(self.env[name], method)), f"{name}.{method}")

    def test_get_suite_models(self):
        result = self.env["crm.write.policy"].get_suite_models()
        self.assertIn("crm_suite_base", result["modules"])
        self.assertNotIn("base", result["modules"])
        # its extension of base (every model's) does not make every model the suite's
        self.assertNotIn("base", result["models"])
        self.assertNotIn("res.country", result["models"])
        self.assertNotIn("res.country", self.env["crm.write.policy"].get_public_methods())
        self.assertTrue(result["models"]["crm.write.policy.mixin"]["abstract"])
        for name, entry in result["models"].items():
            for fname, info in entry["fields"].items():
                self.assertTrue(set(info["modules"]) & set(result["modules"]), f"{name}.{fname}")
