"""Load an assumption workbook: ``read → validate → Workbook``.

:func:`read_workbook` opens the file safely and parses every cell into typed data, recording problems as
data (:mod:`~cashcast.models.reading.opening`, :mod:`~cashcast.models.reading.sheets`,
:mod:`~cashcast.models.reading.assumptions`); :func:`~cashcast.models.reading.checks.validate` runs every
check of :data:`~cashcast.models.reading.checks.CHECKS` on it; :func:`load_workbook` raises one
:class:`~cashcast.models.reading.problems.InputError` listing every problem. The workbook is opened
read-only and never written.

The typed records and helpers other modules import from here are re-exported below.
"""
from __future__ import annotations

from pathlib import Path

from cashcast.models.reading.assumptions import read_assumptions
from cashcast.models.reading.cells import (
    CURRENCY_RE, DIMENSIONS_HINT, parse_date, parse_number, parse_value, range_problem, unit_problem,
)
from cashcast.models.reading.checks import CHECKS, validate
from cashcast.models.reading.correlations import read_correlations
from cashcast.models.reading.data import (
    BASE, LINK_PREFIX, Block, Correlation, Draft, Row, Scenario, Settings, Workbook, month_ordinal, ordinal_to_date,
    slugify,
)
from cashcast.models.reading.opening import EXCEL_ERRORS, CellValue, SheetReader, open_sheets
from cashcast.models.reading.problems import InputError, Problem, errors_of
from cashcast.models.reading.sheets import read_scenarios, read_settings
from cashcast.models.reading.sources import annotate, read_sources
from cashcast.models.reading.user_checks import read_checks


def read_workbook(path: str | Path) -> Draft:
    """Open, read and parse a workbook; every problem met is recorded in the draft, none raised."""
    path = Path(path)
    opened = open_sheets(path)
    draft = Draft(path.name, path, file_problems=opened.problems)
    readers = opened.readers
    draft.sheet_titles = {title: reader.sheet for title, reader in readers.items()}
    if "scenarios" in readers:  # first: the Settings and Assumptions sheets have a column per scenario
        draft.scenarios = read_scenarios(readers["scenarios"]) or [Scenario(BASE, "")]
    if "settings" in readers:
        draft.settings, draft.currency = read_settings(readers["settings"], draft.scenarios)
    if "assumptions" in readers:
        draft.rows, draft.blocks = read_assumptions(readers["assumptions"], draft.settings, draft.scenarios)
    if "correlations" in readers:  # last: it names the assumptions and settings read above
        draft.correlations = read_correlations(readers["correlations"], draft.rows, draft.settings)
    if "sources" in readers:
        draft.sources = read_sources(readers["sources"])
    annotate([r for b in draft.blocks.values() for r in [*b.rows.values(), *(x for s in b.shapes.values()
                                                                            for x in s.values())]], draft.sources)
    if "checks" in readers:  # the figures the analyst expects; names blocks and scenarios read above
        draft.checks = read_checks(readers["checks"], draft.blocks, draft.scenarios)
    draft.sheet_problems = {title: reader.problems for title, reader in readers.items()}
    return draft


def load_workbook(path: str | Path, strict: bool = False) -> Workbook:
    """Read, parse and validate an assumption workbook; raise InputError listing every problem (the
    warnings with the errors) when there is an error, or a warning and ``strict``. The workbook
    returned holds its warnings."""
    draft = read_workbook(path)
    problems = validate(draft)
    if errors_of(problems, strict):
        raise InputError(problems)
    workbook = draft.workbook()
    workbook.warnings = problems
    return workbook


__all__ = [
    "BASE", "CHECKS", "CURRENCY_RE", "DIMENSIONS_HINT", "EXCEL_ERRORS", "LINK_PREFIX", "Block", "CellValue",
    "Correlation",
    "Draft", "InputError", "Problem", "Row", "Scenario", "Settings", "SheetReader", "Workbook",
    "load_workbook", "month_ordinal", "ordinal_to_date", "parse_date", "parse_number", "parse_value",
    "range_problem", "read_workbook", "slugify", "unit_problem", "validate",
]
