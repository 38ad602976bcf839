"""``cashcast check WORKBOOK``: validate only; exit 0 (and a one-line summary) or 2 (every problem)."""
from __future__ import annotations

import sys

from cashcast.models.engine.model import build_model
from cashcast.models.reading.workbook import load_workbook

from cashcast.reports.cli.options import CheckOptions


def print_warnings(warnings) -> None:
    """Each warning on stderr, located as an error is (``WORKBOOK:SHEET!CELL: warning: ...``)."""
    for problem in warnings:
        print(problem, file=sys.stderr)

EXIT_OK = 0


def cmd_check(opts: CheckOptions) -> int:
    """Load and build the model without evaluating it; a bad workbook raises InputError (exit 2)."""
    wb = load_workbook(opts.workbook, opts.strict)
    model = build_model(wb)
    print_warnings(wb.warnings)
    if opts.json:
        from cashcast.reports.cli.manners import check_summary, dumps
        print(dumps(check_summary(wb, model)))
        return EXIT_OK
    if opts.quiet:
        return EXIT_OK
    print(f"{wb.name}: OK — {len(wb.rows)} assumptions in {len(wb.blocks)} blocks, "
          f"{len(model.lines)} lines, scenarios: {', '.join(wb.scenario_names)}"
          + (f"; {len(wb.warnings)} warning(s)" if wb.warnings else ""))
    return EXIT_OK
