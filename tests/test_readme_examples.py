"""The README's API examples run as written.

Every ```python block of the README's "## API (XML-RPC)" section is taken as
a reader would paste it and run against the test server: each block connects
by itself (``ODOO_URL``, ``ODOO_DB``, ``ODOO_ADMIN_LOGIN``,
``ODOO_ADMIN_PASSWORD``, with the README's defaults), so the test only runs it
in a fresh namespace, in a scratch directory. Any exception fails it. A block
belongs to the addon of the ``### addon`` heading above it and is deselected
when that addon is not under test.
"""

import os
import re

import pytest

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")
SECTION = "## API (XML-RPC)"
ADDON_HEADING = re.compile(r"^### (\w+)\s*$")
FENCE = re.compile(r"^```(\w*)\s*$")


def readme_blocks(path=README):
    """``(addon or None, first line number, code)`` of each python block of
    the API section, in order."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    try:
        start = lines.index(SECTION)
    except ValueError:
        return []
    blocks, addon, code, first = [], None, None, 0
    for number, line in enumerate(lines[start + 1 :], start + 2):
        fence = FENCE.match(line)
        if code is not None:
            if fence and not fence.group(1):
                blocks.append((addon, first, "\n".join(code) + "\n"))
                code = None
            else:
                code.append(line)
        elif fence and fence.group(1) == "python":
            code, first = [], number + 1
        elif line.startswith("## "):
            break
        elif heading := ADDON_HEADING.match(line):
            addon = heading.group(1)
    return blocks


BLOCKS = readme_blocks()


def _param(addon, first, code):
    marks = [pytest.mark.addon(addon)] if addon else []
    return pytest.param(code, first, id=f"{addon or 'connection'}-line{first}", marks=marks)


def test_readme_has_examples():
    """The extraction finds the section and a block for each addon."""
    assert len(BLOCKS) >= 10, "the README's API section has lost its examples"
    addons = {addon for addon, _first, _code in BLOCKS}
    assert {"crm_suite_base", "crm_pipeline", "crm_finance_cashflow"} <= addons


@pytest.mark.parametrize(("code", "first"), [_param(*block) for block in BLOCKS])
def test_readme_example_runs(odoo_env, monkeypatch, tmp_path, code, first):
    # the blocks read the connection from the environment, as a reader's would
    monkeypatch.setenv("ODOO_URL", odoo_env["url"])
    monkeypatch.setenv("ODOO_DB", odoo_env["db"])
    monkeypatch.setenv("ODOO_ADMIN_LOGIN", odoo_env["login"])
    monkeypatch.setenv("ODOO_ADMIN_PASSWORD", odoo_env["password"])
    monkeypatch.chdir(tmp_path)
    # padded so that a traceback names the README's own line numbers
    source = "\n" * (first - 1) + code
    exec(compile(source, README, "exec"), {"__name__": "__readme__"})  # noqa: S102
