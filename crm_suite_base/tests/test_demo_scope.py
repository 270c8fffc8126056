"""The suite's demo data stays off Odoo's records (issue #26).

Read statically from the files of every addon of the suite (the directories
beside this one): each record its demo data writes, deletes or calls a method
on is one of the suite's own (an XML id of a suite addon) or created new. Looked
at: ``<record>``, ``<template>`` and ``<menuitem>`` ids, ``<delete>``, the
records a ``<function>`` is called on (its first argument), the ids of CSV demo
files, and the Python hooks of the manifests (``env.ref()`` of another module,
SQL that updates, deletes or inserts rows of Odoo's tables other than in the
suite's own columns). ``SETTINGS`` lists the only exceptions: switches of
Odoo's configuration that the demo turns on as the Settings form does.
"""

import ast
import csv
import io
import os
import re
import tempfile

from lxml import etree

from odoo.modules.module import get_module_path
from odoo.tests import BaseCase, tagged

REF = re.compile(r"""\bref\(\s*['"]([\w.]+)['"]\s*\)""")
SQL_TABLE = re.compile(
    r"\b(UPDATE|DELETE\s+FROM|INSERT\s+INTO|ALTER\s+TABLE)\s+(\w+)(.*)", re.IGNORECASE | re.DOTALL
)
SQL_SET = re.compile(r"\bSET\s+(.*?)(?:\bFROM\b|\bWHERE\b|$)", re.IGNORECASE | re.DOTALL)
SQL_ADD_COLUMN = re.compile(r"\bADD\s+COLUMN\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)
MODEL_NAME = re.compile(r"""^\s+_(?:name|table)\s*=\s*["']([\w.]+)["']""", re.MULTILINE)
FIELD_NAME = re.compile(r"^\s+(\w+)\s*=\s*fields\.\w+\(", re.MULTILINE)

#: The demo's only writes on Odoo's records, each a switch of Odoo's configuration
#: turned on as its Settings form turns it on: (addon, what, records) -> the exact
#: content allowed.
SETTINGS = {
    # Settings > Sales > Pricelists: the demo company's tier price list in use
    # (Odoo's own website_sale demo does the same)
    ("crm_pricing", "record", "base.group_user"): {
        "implied_ids": "[Command.link(ref('product.group_product_pricelist'))]"
    },
    # Accounting > Currencies: the demo company trades in EUR and USD (activated
    # if they are not)
    ("crm_suite_base", "function res.currency.write", "base.EUR,base.USD"): {
        "values": "{'active': True}"
    },
}


def _module_of(xmlid, module):
    return xmlid.split(".", 1)[0] if "." in xmlid else module


class DemoScope:
    """The violations of the rule in the addons ``suite`` (name -> directory)."""

    def __init__(self, suite):
        self.suite = suite
        self.tables, self.columns = set(), set()
        for path in suite.values():
            for source in self._python_sources(path):
                self.tables.update(name.replace(".", "_") for name in MODEL_NAME.findall(source))
                self.columns.update(FIELD_NAME.findall(source))

    @staticmethod
    def _python_sources(path):
        for root, _dirs, files in os.walk(path):
            if os.path.basename(root) == "tests":
                continue
            for name in files:
                if name.endswith(".py"):
                    with open(os.path.join(root, name), encoding="utf-8") as source:
                        yield source.read()

    def _foreign(self, xmlid, module):
        return _module_of(xmlid, module) not in self.suite

    def violations(self):
        found = []
        for module, path in sorted(self.suite.items()):
            with open(os.path.join(path, "__manifest__.py"), encoding="utf-8") as manifest:
                manifest = ast.literal_eval(manifest.read())
            for name in manifest.get("demo", []):
                where = f"{module}/{name}"
                with open(os.path.join(path, name), "rb") as content:
                    content = content.read()
                if name.endswith(".xml"):
                    found += self._xml(module, where, content)
                elif name.endswith(".csv"):
                    found += self._csv(module, where, name, content)
            for key, value in manifest.items():
                if key.endswith("_hook"):
                    found += self._hook(module, path, value)
        return found

    # XML demo files

    def _xml(self, module, where, content):
        found = []
        for node in etree.fromstring(content).iter("record", "template", "menuitem"):
            xmlid = node.get("id", "")
            if not self._foreign(xmlid, module):
                continue
            allowed = SETTINGS.get((module, "record", xmlid))
            written = {
                field.get("name"): field.get("eval") or field.get("ref") or field.text
                for field in node.iter("field")
            }
            if allowed is None or written != allowed:
                found.append(f"{where}: <{node.tag} id={xmlid!r}> writes a record of Odoo")
        for node in etree.fromstring(content).iter("delete"):
            if node.get("search") or self._foreign(node.get("id", ""), module):
                found.append(f"{where}: <delete> of {node.get('id') or node.get('search')!r}")
        for node in etree.fromstring(content).iter("function"):
            found += self._function(module, where, node)
        return found

    def _function(self, module, where, node):
        call = f"function {node.get('model')}.{node.get('name')}"
        values = [child for child in node if child.tag == "value" and not child.get("name")]
        if node.get("eval"):
            # arguments given as one expression: every reference counts as a target
            targets = REF.findall(node.get("eval"))
            search, rest = None, []
        elif values:
            targets = self._targets(values[0].get("eval"))
            search = values[0].get("search")
            rest = [value.get("eval") or value.text for value in values[1:]]
        else:
            return []
        if search:
            targets = REF.findall(search)
            if not targets:
                return [f"{where}: <{call}> on records searched beyond the suite's: {search}"]
        foreign = sorted({ref for ref in targets if self._foreign(ref, module)})
        if not foreign:
            return []
        allowed = SETTINGS.get((module, call, ",".join(foreign)))
        if allowed is None or rest != [allowed["values"]]:
            return [f"{where}: <{call}> on records of Odoo {', '.join(foreign)}"]
        return []

    @staticmethod
    def _targets(expression):
        """The XML ids of the records a method is called on, from the expression
        of its first argument: the references listed in it (``[ref('a'),
        ref('b')]``, ``ref('a')``) or the one a chain starts from
        (``obj(ref('a')).line_ids.ids``); references inside values (a dict given
        to ``create``) are not targets."""
        if not expression:
            return []
        tree = ast.parse(expression.strip(), mode="eval").body
        items = tree.elts if isinstance(tree, ast.List | ast.Tuple) else [tree]
        targets = []
        for item in items:
            while isinstance(item, ast.Attribute | ast.Subscript):
                item = item.value
            while isinstance(item, ast.Call) and not (
                isinstance(item.func, ast.Name) and item.func.id == "ref"
            ):
                if not item.args:
                    break
                item = item.args[0]
            if isinstance(item, ast.Call) and isinstance(item.func, ast.Name):
                if item.func.id == "ref" and isinstance(item.args[0], ast.Constant):
                    targets.append(item.args[0].value)
        return targets

    # CSV demo files

    def _csv(self, module, where, name, content):
        found = []
        rows = csv.DictReader(io.StringIO(content.decode("utf-8")))
        for row in rows:
            xmlid = row.get("id") or ""
            if xmlid and self._foreign(xmlid, module):
                found.append(f"{where}: row {xmlid!r} writes a record of Odoo")
        return found

    # Python hooks

    def _hook(self, module, path, function):
        found = []
        for root, _dirs, files in os.walk(path):
            if os.path.basename(root) == "tests":
                continue
            for name in files:
                if not name.endswith(".py"):
                    continue
                with open(os.path.join(root, name), encoding="utf-8") as source:
                    tree = ast.parse(source.read())
                defines = any(
                    isinstance(node, ast.FunctionDef) and node.name == function
                    for node in tree.body
                )
                if defines:
                    where = f"{module}/{os.path.relpath(os.path.join(root, name), path)}"
                    found += self._hook_source(module, where, tree)
        return found

    def _hook_source(self, module, where, tree):
        found = []
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "ref"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and self._foreign(node.args[0].value, module)
            ):
                found.append(f"{where}: env.ref({node.args[0].value!r}) in a hook")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found += self._sql(where, node.value)
        return found

    def _sql(self, where, text):
        match = SQL_TABLE.search(text)
        if not match or match.group(2).lower() in self.tables:
            return []
        verb, table, rest = " ".join(match.group(1).upper().split()), match.group(2), match.group(3)
        if verb == "UPDATE":
            assigned = SQL_SET.search(rest)
            columns = re.findall(r"(\w+)\s*=", assigned.group(1)) if assigned else []
            if columns and set(columns) <= self.columns:
                return []
        elif verb == "ALTER TABLE":
            added = SQL_ADD_COLUMN.findall(rest)
            if added and set(added) <= self.columns:
                return []
        return [f"{where}: {verb} {table} (a table of Odoo) in a hook"]


def suite_addons():
    """The suite's addons: the directories beside crm_suite_base with a manifest."""
    base = os.path.dirname(get_module_path("crm_suite_base"))
    return {
        name: os.path.join(base, name)
        for name in os.listdir(base)
        if os.path.isfile(os.path.join(base, name, "__manifest__.py"))
    }


@tagged("post_install", "-at_install")
class TestDemoScope(BaseCase):
    def test_suite_demo_stays_off_odoo_records(self):
        suite = suite_addons()
        self.assertIn("crm_pipeline", suite)
        self.assertEqual(DemoScope(suite).violations(), [])

    def test_each_way_of_touching_odoo_records_is_caught(self):
        """The check itself: an addon whose demo writes Odoo's records in each
        way is refused once per way, its own records and new ones pass."""
        files = {
            "__manifest__.py": repr(
                {
                    "name": "x",
                    "demo": ["demo/demo.xml", "demo/product.product.csv"],
                    "post_init_hook": "post_init_hook",
                }
            ),
            "demo/demo.xml": """<odoo>
                <record id="own_partner" model="res.partner"><field name="name">A</field></record>
                <record id="crm_x.own_partner_2" model="res.partner">
                    <field name="parent_id" ref="base.main_partner" />
                </record>
                <record id="base.partner_admin" model="res.partner">
                    <field name="name">B</field>
                </record>
                <record id="base.group_user" model="res.groups">
                    <field name="implied_ids" eval="[Command.link(ref('base.group_system'))]" />
                </record>
                <delete model="res.partner" id="base.partner_demo" />
                <function model="res.partner" name="write">
                    <value eval="[ref('own_partner'), ref('base.main_partner')]" />
                    <value eval="{'name': 'C'}" />
                </function>
                <function model="res.partner" name="write">
                    <value model="res.partner" search="[('name', '=', 'D')]" />
                    <value eval="{'name': 'E'}" />
                </function>
                <function model="res.partner" name="write">
                    <value eval="[ref('own_partner')]" />
                    <value eval="{'name': 'F'}" />
                </function>
                <function model="res.partner" name="create">
                    <value eval="[{'name': 'G', 'parent_id': ref('base.main_partner')}]" />
                </function>
            </odoo>""",
            "demo/product.product.csv": "id,name\nown_product,H\nproduct.product_product_4,I\n",
            "hooks.py": (
                "def post_init_hook(env):\n"
                "    env.ref('base.main_company').write({'name': 'J'})\n"
                "    env.cr.execute('UPDATE res_partner SET name = 1')\n"
                "    env.cr.execute('UPDATE res_partner SET crm_x_flag = 1')\n"
                "    env.cr.execute('DELETE FROM crm_x_thing WHERE id = 1')\n"
            ),
            "models/thing.py": (
                "class Thing:\n" "    _name = 'crm_x.thing'\n" "    crm_x_flag = fields.Boolean()\n"
            ),
        }
        with tempfile.TemporaryDirectory() as tmp:
            addon = os.path.join(tmp, "crm_x")
            for name, text in files.items():
                os.makedirs(os.path.dirname(os.path.join(addon, name)), exist_ok=True)
                with open(os.path.join(addon, name), "w", encoding="utf-8") as out:
                    out.write(text)
            found = DemoScope({"crm_x": addon}).violations()
        expected = [
            "record id='base.partner_admin'",
            "record id='base.group_user'",
            "<delete> of 'base.partner_demo'",
            "on records of Odoo base.main_partner",
            "searched beyond the suite's",
            "row 'product.product_product_4'",
            "env.ref('base.main_company')",
            "UPDATE res_partner",
        ]
        self.assertEqual(len(found), len(expected), found)
        for text in expected:
            self.assertEqual(len([v for v in found if text in v]), 1, (text, found))
