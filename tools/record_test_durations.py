#!/usr/bin/env python3
"""Record the seconds each file of the XML-RPC suite took, from the JUnit
files a ``make test`` run keeps in its log folder (``pytest-*.xml``), into
``tests/durations.json``: ``make test`` splits the files into shards of about
the same time with it (a file it does not know counts as ``DEFAULT``).
Record again when the shards drift apart (their times are printed)::

    python3 tools/record_test_durations.py /tmp/crm-suite-test-*/pytest-*.xml
"""

import collections
import json
import os
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, "tests", "durations.json")


def main(paths):
    seconds = collections.Counter()
    for path in paths:
        for case in ET.parse(path).getroot().iter("testcase"):
            name = case.get("classname", "").rsplit(".", 1)[-1] + ".py"
            seconds[name] += float(case.get("time") or 0)
    if not seconds:
        sys.exit("no test case in the given JUnit files")
    with open(TARGET, "w", encoding="utf-8") as fh:
        json.dump({name: round(value, 1) for name, value in sorted(seconds.items())}, fh, indent=1)
        fh.write("\n")
    print(f"{TARGET}: {len(seconds)} files, {round(sum(seconds.values()))} s")


if __name__ == "__main__":
    main(sys.argv[1:])
