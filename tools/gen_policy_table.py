#!/usr/bin/env python3
"""The README's "Security model" per-model policy table, generated from the one
definition: ``crm.write.policy.get_write_policy()`` of a running server.

    python3 tools/gen_policy_table.py --url http://127.0.0.1:8069 --db DB
        [--login admin --password admin] [--check] [--print] [--readme README.md]

writes the table between ``<!-- policy-table:start -->`` and
``<!-- policy-table:end -->`` in the README (``--check``: exit 1 if it differs,
``--print``: print it). ``--json FILE`` reads the policy from a file instead
(the JSON of ``get_write_policy()``, e.g. dumped from ``odoo shell``).
``--markers`` only checks that the README holds the markers once, in order
(the pre-commit hook: it needs no server). The suite's
``tests/test_write_policy_fields.py`` compares the README with the live policy.
"""

import argparse
import json
import pathlib
import re
import sys
import xmlrpc.client

START = "<!-- policy-table:start -->"
END = "<!-- policy-table:end -->"
README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def _code(names):
    return ", ".join(f"`{name}`" for name in names)


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _user_rule(rule):
    parts = []
    if rule["groups"]:
        parts.append("groups " + _code(rule["groups"]))
    if rule["states"]:
        parts.append("states " + _code(rule["states"]))
    if rule["bounds"]:
        low, high = rule["bounds"]
        parts.append(f"{low:g}–{high:g}")
    if rule["create"] is False:
        parts.append("not at creation")
    return " ".join(parts)


def render_table(policy):
    """The markdown table of ``policy`` (the result of ``get_write_policy()``):
    one row per model, owned fields with the methods that move them, writable
    fields with their groups, states and bounds."""
    lines = [
        "| model | owned fields | moved by | writable, by whom, when |",
        "| --- | --- | --- | --- |",
    ]
    for model in sorted(policy):
        fields = policy[model]["fields"]
        owned = sorted(name for name, rule in fields.items() if rule["owner"] == "method")
        hints = []
        for name in owned:
            rule = fields[name]
            hint = rule["hint"] if rule["declared"] else "undeclared: owned by default"
            if rule["create"] is True:
                hint += " (given at creation)"
            elif isinstance(rule["create"], list) and rule["create"]:
                hint += " (at creation: " + ", ".join(map(str, rule["create"])) + ")"
            hints.append(f"`{name}`: {hint}")
        free = sorted(
            name
            for name, rule in fields.items()
            if rule["owner"] == "user" and not _user_rule(rule)
        )
        restricted = sorted(
            name for name, rule in fields.items() if rule["owner"] == "user" and _user_rule(rule)
        )
        writable = []
        if free:
            writable.append(_code(free) + " (with access to the record)")
        writable.extend(f"`{name}` ({_user_rule(fields[name])})" for name in restricted)
        lines.append(
            "| "
            + " | ".join(
                _cell(text)
                for text in (
                    f"`{model}`",
                    _code(owned) or "—",
                    "; ".join(hints) or "—",
                    "; ".join(writable) or "—",
                )
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def table_in(text):
    """The text between the markers of ``text`` (None without the markers)."""
    match = re.search(re.escape(START) + r"\n(.*?)" + re.escape(END), text, re.S)
    return match.group(1) if match else None


def replace_table(text, table):
    if table_in(text) is None:
        raise ValueError(f"the README has no {START} ... {END} markers")
    return re.sub(
        re.escape(START) + r"\n.*?" + re.escape(END),
        lambda _m: f"{START}\n{table}{END}",
        text,
        count=1,
        flags=re.S,
    )


def fetch_policy(url, db, login, password):
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
    uid = common.authenticate(db, login, password, {})
    if not uid:
        raise SystemExit(f"cannot log in to {url} ({db}) as {login}")
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
    return models.execute_kw(db, uid, password, "crm.write.policy", "get_write_policy", [], {})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url")
    parser.add_argument("--db")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--json", help="read the policy from this JSON file")
    parser.add_argument("--readme", default=str(README))
    parser.add_argument("--check", action="store_true", help="exit 1 if the README differs")
    parser.add_argument("--print", action="store_true", help="print the table only")
    parser.add_argument("--markers", action="store_true", help="check the markers only")
    args = parser.parse_args(argv)
    readme = pathlib.Path(args.readme)
    text = readme.read_text(encoding="utf-8")
    if args.markers:
        if text.count(START) != 1 or text.count(END) != 1 or table_in(text) is None:
            print(f"{readme}: needs {START} and {END} once each, in this order", file=sys.stderr)
            return 1
        return 0
    if args.json:
        policy = json.loads(pathlib.Path(args.json).read_text(encoding="utf-8"))
    elif args.url and args.db:
        policy = fetch_policy(args.url, args.db, args.login, args.password)
    else:
        parser.error("give --url and --db of a running server, or --json")
    table = render_table(policy)
    if args.print:
        sys.stdout.write(table)
        return 0
    if args.check:
        if table_in(text) != table:
            print(f"{readme}: the policy table is out of date: run {parser.prog}", file=sys.stderr)
            return 1
        return 0
    readme.write_text(replace_table(text, table), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
