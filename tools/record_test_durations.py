#!/usr/bin/env python3
"""Record the seconds each test file took, from the files a ``make test`` run
keeps in its log folder, for ``make test`` to split the files into groups of
about the same time (a file it does not know counts for a default):

- the XML-RPC suite's JUnit files (``pytest-*.xml``) into
  ``tests/durations.json``: the files of ``tests/`` in two shards;
- the Odoo test logs (``odoo-tests-*.log``, or a single ``odoo-install.log``)
  into ``tests/odoo_durations.json``: the addons' test files in two processes.

Record again when the groups drift apart (their times are printed)::

    python3 tools/record_test_durations.py /tmp/crm-suite-test-*/pytest-*.xml \\
        /tmp/crm-suite-test-*/odoo-*.log
"""

import collections
import datetime
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = {
    "junit": os.path.join(ROOT, "tests", "durations.json"),
    "odoo": os.path.join(ROOT, "tests", "odoo_durations.json"),
}
#: "Starting TestClass.test_method ..." of Odoo's test runner, with its logger
STARTING_RE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+) \d+ \w+ \S+ "
    r"odoo\.addons\.(\w+)\.tests\.(\w+): Starting \w+\.\w+ \.\.\."
)
#: a line that ends the test before it: a module's loading, the start of the
#: post_install tests, the run's result
DONE_RE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+) \d+ \w+ \S+ "
    r"(odoo\.modules\.loading: |odoo\.service\.server: |.* of \d+ tests)"
)


def _time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S,%f")


def junit_seconds(path, seconds):
    for case in ET.parse(path).getroot().iter("testcase"):
        name = case.get("classname", "").rsplit(".", 1)[-1] + ".py"
        seconds[name] += float(case.get("time") or 0)


def odoo_seconds(path, seconds):
    """A post_install test's seconds run from its "Starting" line to the next
    test's (its class's set-up counts for the test before it) or to the end of
    the run."""
    previous = None
    post = False  # the at_install tests, run by the install, are not shared out
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            post = post or "odoo.service.server: Starting post tests" in line
            found = (STARTING_RE.match(line) if post else None) or DONE_RE.match(line)
            if not found:
                continue
            when = _time(found[1])
            if previous:
                seconds[previous[1]] += (when - previous[0]).total_seconds()
            previous = None
            if found.re is STARTING_RE:
                previous = (when, f"{found[2]}/tests/{found[3]}.py")


def write(target, seconds):
    with open(target, "w", encoding="utf-8") as fh:
        json.dump({name: round(value, 1) for name, value in sorted(seconds.items())}, fh, indent=1)
        fh.write("\n")
    print(f"{target}: {len(seconds)} files, {round(sum(seconds.values()))} s")


def main(paths):
    found = {kind: collections.Counter() for kind in TARGETS}
    for path in paths:
        if path.endswith(".xml"):
            junit_seconds(path, found["junit"])
        else:
            odoo_seconds(path, found["odoo"])
    if not any(found.values()):
        sys.exit("no test in the given files")
    for kind, seconds in found.items():
        if seconds:
            write(TARGETS[kind], seconds)


if __name__ == "__main__":
    main(sys.argv[1:])
