"""The suite's translation catalogues: ``ADDON/i18n/ADDON.pot`` and its
``ro.po``, ``ru.po``, ``uk.po``.

Run in the virtualenv, against a database where the addons are installed:

    .venv/bin/python tools/suite_i18n.py --db DB --check     # make test does this
    .venv/bin/python tools/suite_i18n.py --db DB --refresh   # after changing strings

``--check`` exports each addon's template from the database (Odoo's own
export: fields, views, menus, data and the ``_()``/``_lt()`` strings of the
code) and fails when the committed ``.pot`` differs from it, or when a
``.po`` lacks one of the template's entries or leaves one untranslated.
``--refresh`` writes the templates and merges them into the ``.po`` files
(``msgmerge``, no fuzzy matching): new strings then show as untranslated
entries, to be translated before ``make test`` passes again.
"""

import argparse
import io
import logging
import os
import re
import subprocess
import sys

from suite_setup import ADDONS, ROOT, ensure_odoo_src

LANGS = ("ro", "ru", "uk")
_VOLATILE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.M)


def _normalise(text):
    return _VOLATILE.sub("", text)


def export_templates(db, addons, odoo_src):
    """``{addon: pot text}`` exported from ``db`` in one Odoo process."""
    import odoo
    from odoo.tools import config
    from odoo.tools.translate import trans_export

    args = ["-d", db, "--addons-path", _addons_path(odoo_src)]
    for var, opt in (
        ("PGHOST", "--db_host"),
        ("PGPORT", "--db_port"),
        ("PGUSER", "--db_user"),
        ("PGPASSWORD", "--db_password"),
    ):
        if os.environ.get(var):
            args += [opt, os.environ[var]]
    config.parse_config(args)
    registry = odoo.modules.registry.Registry(db)
    result, failures = {}, _Failures()
    logging.getLogger("odoo.tools.translate").addHandler(failures)
    with registry.cursor() as cr:
        for addon in addons:
            buffer = io.BytesIO()
            trans_export(None, [addon], buffer, "po", cr)
            result[addon] = buffer.getvalue().decode("utf-8")
    return result, failures.messages


class _Failures(logging.Handler):
    """Odoo logs a file whose strings it cannot extract (for example an
    f-string inside ``_()``) and goes on without them: collect those."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _addons_path(src):
    return ",".join([os.path.join(src, "addons"), os.path.join(src, "odoo", "addons"), ROOT])


def _entries(path):
    """``{msgid: msgstr}`` of a catalogue, through ``msgcat`` (handles every
    quoting form the tools write); plural entries count by their first form."""
    out = subprocess.run(
        ["msgattrib", "--no-obsolete", "--no-wrap", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    entries, msgid, msgstr, key = {}, None, None, None
    for line in out.splitlines() + [""]:
        if line.startswith("msgid "):
            msgid, msgstr, key = _unquote(line[6:]), None, "id"
        elif line.startswith("msgstr ") or line.startswith("msgstr[0] "):
            msgstr, key = _unquote(line.split(" ", 1)[1]), "str"
        elif line.startswith('"') and key == "id":
            msgid += _unquote(line)
        elif line.startswith('"') and key == "str":
            msgstr += _unquote(line)
        elif not line.strip() and msgid is not None:
            if msgid:
                entries[msgid] = msgstr or ""
            msgid, msgstr, key = None, None, None
    return entries


def _unquote(text):
    text = text.strip()
    return bytes(text[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def check(db, addons, odoo_src):
    """Problems found (a list of strings)."""
    templates, failures = export_templates(db, addons, odoo_src)
    problems = [f"{failure} (its strings cannot be translated)" for failure in failures]
    for addon, text in templates.items():
        pot = os.path.join(ROOT, addon, "i18n", f"{addon}.pot")
        if not os.path.exists(pot):
            problems.append(f"{addon}: no i18n/{addon}.pot (run tools/suite_i18n.py --refresh)")
            continue
        with open(pot, encoding="utf-8") as fh:
            if _normalise(fh.read()) != _normalise(text):
                problems.append(
                    f"{addon}: i18n/{addon}.pot is out of date with the code "
                    "(run tools/suite_i18n.py --refresh, then translate the new entries)"
                )
                continue
        wanted = set(_entries(pot))
        for lang in LANGS:
            po = os.path.join(ROOT, addon, "i18n", f"{lang}.po")
            if not os.path.exists(po):
                problems.append(f"{addon}: no i18n/{lang}.po")
                continue
            have = _entries(po)
            missing = sorted(wanted - set(have))
            untranslated = sorted(m for m in wanted & set(have) if not have[m])
            if missing:
                problems.append(
                    f"{addon}/i18n/{lang}.po lacks {len(missing)} entries of the template "
                    f"(first: {missing[0]!r}); run tools/suite_i18n.py --refresh"
                )
            if untranslated:
                problems.append(
                    f"{addon}/i18n/{lang}.po leaves {len(untranslated)} entries untranslated "
                    f"(first: {untranslated[0]!r})"
                )
    return problems


def refresh(db, addons, odoo_src):
    templates, failures = export_templates(db, addons, odoo_src)
    for failure in failures:
        print(f"[crm-suite] i18n: {failure}", flush=True)
    for addon, text in templates.items():
        folder = os.path.join(ROOT, addon, "i18n")
        os.makedirs(folder, exist_ok=True)
        pot = os.path.join(folder, f"{addon}.pot")
        with open(pot, "w", encoding="utf-8") as fh:
            fh.write(text)
        for lang in LANGS:
            po = os.path.join(folder, f"{lang}.po")
            if os.path.exists(po):
                subprocess.run(
                    ["msgmerge", "--quiet", "--update", "--no-fuzzy-matching", "--backup=none"]
                    + ["--no-wrap", po, pot],
                    check=True,
                )
        print(f"{addon}: {pot} written", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons", default=",".join(ADDONS))
    parser.add_argument("--odoo-src", help="default: $ODOO_SRC or the setup's cache")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true")
    group.add_argument("--refresh", action="store_true")
    opts = parser.parse_args()
    addons = [a for a in opts.addons.split(",") if a]
    odoo_src = opts.odoo_src or ensure_odoo_src()
    sys.path.insert(0, odoo_src)
    if opts.refresh:
        refresh(opts.db, addons, odoo_src)
        return 0
    problems = check(opts.db, addons, odoo_src)
    for problem in problems:
        print(f"[crm-suite] i18n: {problem}", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
