#!/usr/bin/env python3
"""Lead import: crm_pipeline's import (validation and duplicate checks) vs
Odoo's standard base_import of the same XLSX into crm.lead, and vs Odoo's
crm.lead.create of the same leads.

One XLSX of ``--rows`` leads (default 10,000: lead name, company, tax ID,
contact, e-mail, phone, city, country; our import names the lead after the
company and ignores the lead name column) is written once. In the same run,
each time in a savepoint that is rolled back:

1. ``base_import`` (the Import button of any list) imports it;
2. Odoo alone creates the same leads: the values the import would write (read
   from a dry run, outside the timer) go to ``crm.lead.create`` in batches of
   1,000 with the context the import uses (no tracking, no creation message),
   without the file, the checks or the duplicate search;
3. ``crm.lead.import_leads`` (what the "Import Leads" wizard runs) imports it.
   It does all of 2. and more, but works out once per salesperson, team or set
   of fields what ``crm.lead.create`` works out lead by lead (default values,
   sales team, stage).

Rows per second of each and the ratios are printed; the goal is a ratio (ours'
time / base_import's time) of at most 1.0. ``--skip-base-import`` and
``--skip-plain-create`` leave 1. or 2. out. The whole transaction is rolled
back: the database is left unchanged.

``--reader-only`` times the reading of the file alone (``intake_reader.read_rows``,
what the import does before any check), ``--repeat`` times, and prints the
median; when ``python-calamine`` is installed (it is not a requirement: see
``bench/README.md`` for why the suite does not use it), its reading of the same
file alternates with the suite's in the same process, for comparison.

Run it with the virtualenv's python against a database where ``crm_pipeline``
is installed (``make run`` creates ``crm_suite``)::

    .venv/bin/python bench/bench_lead_import.py --db crm_suite [--rows 10000]
"""

import argparse
import base64
import io
import os
import statistics
import sys
import time

from bench_common import add_odoo_arguments, rolled_back_env

HEADER = ["Opportunity", "Company", "Tax ID", "Contact", "E-mail", "Phone", "City", "Country"]
FIELDS = [
    "name",
    "partner_name",
    "vat",
    "contact_name",
    "email_from",
    "phone",
    "city",
    "country_id",
]


def ro_cui(number):
    """A valid Romanian tax ID (CUI): ``number`` and its control digit (the
    import refuses a tax ID whose control digit is wrong)."""
    body = str(number)
    total = sum(int(d) * int(k) for d, k in zip(body, "753217532"[-len(body) :], strict=True))
    return body + str(total * 10 % 11 % 10)


def make_xlsx(rows):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(
            [
                f"Bench Company {i} SRL",
                f"Bench Company {i} SRL",
                f"RO{ro_cui(9000000 + i)}",
                f"Contact {i}",
                f"bench{i}@example.com",
                f"+40 72{i:07d}",
                "Cluj-Napoca",
                "Romania",
            ]
        )
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_odoo_arguments(parser, "crm_pipeline")
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument(
        "--skip-base-import",
        action="store_true",
        help="leave base_import out (it takes about 15 minutes for 100,000 rows)",
    )
    parser.add_argument(
        "--skip-plain-create",
        action="store_true",
        help="leave out crm.lead.create of the same values",
    )
    parser.add_argument(
        "--reader-only",
        action="store_true",
        help="time the reading of the file alone (and python-calamine's, if installed)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="readings with --reader-only")
    args, odoo_args = parser.parse_known_args()

    with rolled_back_env(args, odoo_args) as env:
        if args.reader_only:
            run_reader(env, args.rows, args.repeat)
        else:
            run(env, args.rows, args.skip_base_import, args.skip_plain_create)


def run_reader(env, rows, repeat):
    """The reading of the file alone, alternating the readers (the machine may
    be loaded: the medians of alternated runs are the figures to compare)."""
    from odoo.addons.crm_pipeline.models import intake_reader

    content = make_xlsx(rows)
    readers = {"crm_pipeline": lambda: intake_reader.read_rows(env, content, "bench.xlsx")}
    try:
        import python_calamine
    except ImportError:
        python_calamine = None
    if python_calamine is not None:

        def with_calamine():
            # the same text cells; without the bounds the suite's reader checks
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
            table = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
            cells = [[intake_reader.cell_text(v) for v in row] for row in table]
            return [row for row in cells if any(row)]

        readers["python-calamine"] = with_calamine
        assert with_calamine() == readers["crm_pipeline"](), "the readers disagree"
    print(f"{rows} rows, {len(content)} bytes, load average {os.getloadavg()[0]:.1f}")
    times = {name: [] for name in readers}
    names = list(readers)
    for i in range(repeat):
        for name in names if i % 2 == 0 else names[::-1]:
            start = time.perf_counter()
            readers[name]()
            times[name].append(time.perf_counter() - start)
    for name, values in times.items():
        print(
            f"{name}: median {statistics.median(values):.2f}s "
            f"(min {min(values):.2f}s, max {max(values):.2f}s, {len(values)} readings)"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


def run(env, rows, skip_base_import=False, skip_plain_create=False):
    print(f"writing an XLSX of {rows} leads ...", flush=True)
    content = make_xlsx(rows)
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def timed(label, func):
        env.invalidate_all()
        with env.cr.savepoint(flush=False) as savepoint:
            start = time.perf_counter()
            created = func()
            env.flush_all()
            elapsed = time.perf_counter() - start
            savepoint.rollback()
        env.invalidate_all()
        assert created == rows, f"{label}: {created} leads created out of {rows}"
        print(f"{label}: {elapsed:.2f}s, {rows / elapsed:.0f} rows/s", flush=True)
        return elapsed

    def with_base_import():
        wizard = env["base_import.import"].create(
            {"res_model": "crm.lead", "file": content, "file_name": "bench.xlsx",
             "file_type": xlsx_type}
        )  # fmt: skip
        result = wizard.execute_import(FIELDS, HEADER, {"has_headers": True})
        assert not result["messages"], result["messages"][:3]
        return len(result["ids"])

    def with_crm_pipeline():
        summary = env["crm.lead"].import_leads(
            base64.b64encode(content).decode(),
            "bench.xlsx",
            {"mode": "all", "duplicate_action": "skip"},
        )
        return summary["created"]

    plain_values = []
    if not skip_plain_create:
        # the values the import would write, worked out outside the timer
        dry_run = env["crm.lead"]._intake_run(
            content, "bench.xlsx", {"mode": "all", "duplicate_action": "skip"}, dry_run=True
        )
        plain_values = [row["vals"] for row in dry_run["_rows"]]
        assert not any(row["errors"] for row in dry_run["_rows"])
        assert not any(key.startswith("_") for vals in plain_values for key in vals)

    def with_plain_create():
        Lead = env["crm.lead"].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
        )
        created = 0
        for start in range(0, len(plain_values), 1000):
            created += len(Lead.create(plain_values[start : start + 1000]))
            env.flush_all()
            env.invalidate_all()
        return created

    times = {}
    if not skip_base_import:
        times["base"] = timed("base_import (Odoo's Import)", with_base_import)
    if not skip_plain_create:
        # before ours: the rows a rolled-back run leaves dead weigh on the next one
        times["plain"] = timed("crm.lead.create of the same values", with_plain_create)
    times["ours"] = timed("crm.lead.import_leads (validation + duplicates)", with_crm_pipeline)
    if "base" in times:
        print(f"ratio ours / base_import: {times['ours'] / times['base']:.2f} (goal <= 1.0)")
    if "plain" in times:
        print(f"ratio ours / crm.lead.create alone: {times['ours'] / times['plain']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
