"""``cashcast test WORKBOOK…``: evaluate each workbook's Checks sheet and print pass or fail per check.

Exit 0 when every check passes (a workbook without checks has none to fail), :data:`EXIT_CHECKS`
(4) when one fails, 2 when a workbook is bad (every problem of every workbook listed, as ``check``
lists them). Only the scenarios the checks read are evaluated; no file is written. ``--quiet`` prints
nothing on standard output, ``--json`` one object (schema ``cashcast.summary/1``, command ``test``).
"""
from __future__ import annotations

import math
import sys

from cashcast.models.analysis.checks_user import FAIL, CheckResult, evaluate_checks, scenarios_needed
from cashcast.models.analysis.scenarios import run_workbook
from cashcast.models.reading.data import ordinal_to_date
from cashcast.models.reading.problems import InputError
from cashcast.models.reading.workbook import load_workbook
from cashcast.reports.cli.check import print_warnings
from cashcast.reports.checks_view import difference_text, subject, tolerance_text, value_text
from cashcast.reports.cli.faults import EXIT_CHECKS, EXIT_OK
from cashcast.reports.cli.manners import SCHEMA, dumps
from cashcast.reports.cli.options import TestOptions


def line_of(result: CheckResult, workbook: str, sheet: str, currency: str) -> str:
    """One check's line: ``WORKBOOK:Checks!A2: pass: ChatGPT Plus.revenue 2023 (seed-001): $2.4B,
    expected $2.4B``, a failure with how far it is off and what it allows."""
    check = result.check
    where = f"{workbook}:{sheet}!{check.where}"
    actual, expected = value_text(result, result.actual, currency), value_text(result, check.expected, currency)
    status = result.status.upper() if result.status == FAIL else result.status
    text = f"{where}: {status}: {subject(result)} ({check.scenario}): {actual}, expected {expected}"
    if result.status == FAIL:
        off = difference_text(result, currency)
        text += f" (off by {off}, tolerance {tolerance_text(result, currency)})" if off else ""
    return text + (f" — {check.note}" if check.note and result.status == FAIL else "")


def cmd_test(opts: TestOptions) -> int:
    """Load every workbook (a bad one raises InputError, exit 2, after all were read), run the
    scenarios their checks read, print each check and a total per workbook (warnings on stderr, as
    ``check`` prints them); 4 when a check failed."""
    loaded, problems = [], []
    for path in opts.workbooks:
        try:
            loaded.append(load_workbook(path, opts.strict))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    failed, summary = 0, []
    say = (lambda text: None) if opts.quiet or opts.json else print  # noqa: E731
    for wb in loaded:
        print_warnings(wb.warnings)
        results = evaluate_checks(run_workbook(wb, scenarios_needed(wb.checks))) if wb.checks else []
        if not wb.checks:
            say(f"{wb.name}: no checks (write them as rows of a Checks sheet: see the README, "
                "\"Checks that analysts write\")")
        for result in results:
            say(line_of(result, wb.name, "Checks", wb.settings.currency))
        bad = sum(r.status == FAIL for r in results)
        if results:
            say(f"{wb.name}: {len(results)} check(s), {len(results) - bad} passed, {bad} failed")
        failed += bad
        summary.append({"workbook": wb.name, "checks": [check_json(r) for r in results]})
    status = EXIT_CHECKS if failed else EXIT_OK
    if opts.json:
        print(dumps({"schema": SCHEMA, "command": "test", "status": "failed" if failed else "ok", "exit": status,
                     "workbooks": summary}))
    sys.stdout.flush()
    return status


def check_json(result: CheckResult) -> dict:
    """A check's result under ``--json``: where it is, what it reads, expected and actual values as the
    model holds them (a month as ``YYYY-MM``; never as null) and its status."""
    check = result.check

    def shown(x: float):
        if math.isnan(x):
            return None
        return ordinal_to_date(int(x)).strftime("%Y-%m") if result.kind == "month" else x

    return {"cell": f"Checks!{check.where}", "line_or_kpi": check.name, "period": check.period or None,
            "scenario": check.scenario, "kind": result.kind, "expected": shown(check.expected),
            "actual": shown(result.actual), "allowed": result.allowed, "status": result.status,
            "note": check.note}
