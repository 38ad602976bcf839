"""``cashcast test WORKBOOK…``: evaluate each workbook's Checks sheet and print pass or fail per check.

Exit 0 when every check passes (a workbook without checks has none to fail), :data:`EXIT_CHECKS`
(4) when one fails, 2 when a workbook is bad (every problem of every workbook listed, as ``check``
lists them). Only the scenarios the checks read are evaluated; no file is written.
"""
from __future__ import annotations

import sys

from cashcast.models.analysis.checks_user import FAIL, CheckResult, evaluate_checks, scenarios_needed
from cashcast.models.analysis.scenarios import run_workbook
from cashcast.models.reading.problems import InputError
from cashcast.models.reading.workbook import load_workbook
from cashcast.reports.cli.check import print_warnings
from cashcast.reports.checks_view import difference_text, subject, tolerance_text, value_text
from cashcast.reports.cli.faults import EXIT_CHECKS, EXIT_OK
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
    failed = 0
    for wb in loaded:
        print_warnings(wb.warnings)
        if not wb.checks:
            print(f"{wb.name}: no checks (add a Checks sheet: see the README, \"Checks that analysts write\")")
            continue
        run = run_workbook(wb, scenarios_needed(wb.checks))
        results = evaluate_checks(run)
        for result in results:
            print(line_of(result, wb.name, "Checks", wb.settings.currency))
        bad = sum(r.status == FAIL for r in results)
        print(f"{wb.name}: {len(results)} check(s), {len(results) - bad} passed, {bad} failed")
        failed += bad
    sys.stdout.flush()
    return EXIT_CHECKS if failed else EXIT_OK
