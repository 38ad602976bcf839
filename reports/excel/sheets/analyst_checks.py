"""The **Analyst checks** sheet: the assumption workbook's Checks sheet, live (only when it has checks).

A sheet of its own, not rows of the **Checks** sheet: those are the report checking its own arithmetic
(Summary's master check is their AND, and must stay green for a sound model), while an analyst's check
compares the model with a figure from outside it, and may fail for a sound model whose inputs moved.

Each row: what the check reads, its period and scenario, the expected value (blue, an input), the
actual value (a live formula over the scenario's sheet: the line's month cell, the fold of its year's
or all months — SUM, the last month, or AVERAGE, as the Annual sheet folds it — or the key figure's
cell; a yearly key figure's formula over that year's cells), the difference, the tolerance and
relative tolerance (inputs), and whether it passes::

    =IF(AND(ISNUMBER(actual),ISNUMBER(expected)),ABS(difference)<=MAX(tolerance,relative*ABS(expected)),
        AND(NOT(ISNUMBER(actual)),NOT(ISNUMBER(expected))))

so "never" passes only against "never". A month figure's difference is in months. A check whose
scenario the run left out shows "not run" and no formula.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from xlsxwriter.utility import quote_sheetname
from xlsxwriter.worksheet import Worksheet

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.checks_user import NOT_RUN, CheckResult, evaluate_checks
from cashcast.models.analysis.reductions import NEVER
from cashcast.models.analysis.yearly import UNDEFINED
from cashcast.models.engine.annual import of as aggregation
from cashcast.models.engine.annual import year_spans
from cashcast.models.reading.data import ordinal_to_date
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.cells import kpi_value
from cashcast.reports.excel.formulas import cell
from cashcast.reports.excel.layout import FIRST_MONTH_COL, excel_serial
from cashcast.reports.excel.sheets.annual import YearCells
from cashcast.reports.excel.sheets.checks import _colour
from cashcast.reports.excel.styles import COUNT, DATE, MONEY, MONTHS, PERCENT, print_setup
from cashcast.reports.i18n import _

TITLE = "Analyst checks"
HEADER_ROW, ALL_ROW = 4, 2
WHAT, PERIOD, SCENARIO, EXPECTED, ACTUAL, DIFF, TOL, REL, OK, WHERE, NOTE = range(11)
FORMATS = {"money": MONEY, "count": COUNT, "rate": PERCENT, "multiple": '0.00"×"', "months": MONTHS, "month": DATE}


def present(book: Book) -> bool:
    """The assumption workbook has checks."""
    return bool(book.run.workbook.checks)


@dataclass(frozen=True)
class SheetYearCells(YearCells):
    """A year's cells on a scenario's model sheet (YearCells reads Monthly's)."""

    sheet: str = ""

    def _at(self, line: str, t: int) -> str:
        return f"{quote_sheetname(self.sheet)}!{cell(self.rows[line], FIRST_MONTH_COL + t)}"


def actual_formula(book: Book, result: CheckResult) -> tuple[str, object]:
    """The formula of a check's actual value over its scenario's sheet, and the value it caches."""
    check, run, L = result.check, book.run, book.layout
    sheet = book.scenario_sheets[check.scenario]
    j = run.scenarios.index(check.scenario)
    at = lambda r, t: f"{quote_sheetname(sheet)}!{cell(r, FIRST_MONTH_COL + t)}"  # noqa: E731
    if check.what == "kpi":
        return f"={at(L.kpis[check.name], 0)}", kpi_value(run, registry.named(check.name), j)
    spans = {year: (a, b) for year, a, b in year_spans(run.months)}
    if check.what == "yearly":
        a, b = spans[check.year]
        kpi = next(k for k in registry.YEARLY if k.name == check.name)
        return (kpi.definition.xl(SheetYearCells(book.model, L.rows, a, b, sheet)),
                result.actual if math.isfinite(result.actual) else _(UNDEFINED))
    r = L.rows[check.name]
    if check.month is not None:
        t = check.month - run.workbook.start_ordinal
        return f"={at(r, t)}", result.actual
    a, b = spans[check.year] if check.year is not None else (0, run.model.horizon - 1)
    return aggregation(book.model.lines[check.name].annual).xl(at(r, a), at(r, b)), result.actual


def _as_cell(result: CheckResult, x: float) -> object:
    """A figure as the sheet holds it: a month as its date's serial, never as the text "never"."""
    if math.isnan(x):
        return _(NEVER)
    return excel_serial(ordinal_to_date(int(x))) if result.kind == "month" else x


def _write_row(book: Book, ws: Worksheet, r: int, result: CheckResult) -> None:
    st, check = book.st, result.check
    fmt = st.number(FORMATS[result.kind])
    ws.write_string(r, WHAT, check.target, st.text)
    ws.write_string(r, PERIOD, check.period, st.text)
    ws.write_string(r, SCENARIO, check.scenario, st.text)
    expected = _as_cell(result, check.expected)
    if isinstance(expected, str):
        ws.write_string(r, EXPECTED, expected, st.number("General", input_=True))
    else:
        ws.write_number(r, EXPECTED, expected, st.number(FORMATS[result.kind], input_=True))
    ws.write_number(r, TOL, check.tolerance if check.tolerance is not None else
                    result.allowed if check.relative is None else 0.0, st.number("#,##0.00###", input_=True))
    ws.write_number(r, REL, check.relative or 0.0, st.number(PERCENT, input_=True))
    ws.write_string(r, WHERE, f"Checks!{check.where}", st.text)
    ws.write_string(r, NOTE, check.note, st.wrap)
    if result.status == NOT_RUN:
        ws.write_string(r, ACTUAL, _("not run"), st.note)
        return
    formula, cached = actual_formula(book, result)
    ws.write_formula(r, ACTUAL, formula, fmt, cached)
    e, a = cell(r, EXPECTED), cell(r, ACTUAL)
    both = f"AND(ISNUMBER({a}),ISNUMBER({e}))"
    diff = (f"(YEAR({a})-YEAR({e}))*12+MONTH({a})-MONTH({e})" if result.kind == "month" else f"{a}-{e}")
    d = result.difference
    ws.write_formula(r, DIFF, f'=IF({both},{diff},"")', st.number("#,##0.00###" if result.kind != "month"
                                                                   else "0"), "" if math.isnan(d) else d)
    ws.write_formula(r, OK, f"=IF({both},ABS({cell(r, DIFF)})<=MAX({cell(r, TOL)},{cell(r, REL)}*ABS({e})),"
                            f"AND(NOT(ISNUMBER({a})),NOT(ISNUMBER({e}))))",
                     st.number("General", bold=True, right=True), result.passed)


def write(book: Book, ws: Worksheet) -> None:
    """The analyst's checks, a row each, with the AND of those run on top."""
    st = book.st
    results = evaluate_checks(book.run)
    ws.write_string(0, 0, _("The analyst's checks"), st.title)
    ws.write_string(1, 0, _("The Checks sheet of the assumption workbook: each actual value is a live formula "
                            "over its scenario's sheet; the expected value and the tolerances are inputs "
                            "(blue). Not the report's own checks (the Checks sheet)."), st.note)
    headings = (_("Line or key figure"), _("Period"), _("Scenario"), _("Expected"), _("Actual"), _("Difference"),
                _("Tolerance"), _("Relative tolerance"), _("Passes"), _("Cell"), _("Note"))
    for c, text in enumerate(headings):
        ws.write_string(HEADER_ROW, c, text, st.header)
    for r, result in enumerate(results, start=HEADER_ROW + 1):
        _write_row(book, ws, r, result)
    ran = [HEADER_ROW + 1 + i for i, res in enumerate(results) if res.status != NOT_RUN]
    if ran:
        ws.write_string(ALL_ROW, 0, _("All the checks run pass"), st.section)
        ws.write_formula(ALL_ROW, OK, "=AND(" + ",".join(cell(r, OK) for r in ran) + ")",
                         st.number("General", bold=True, right=True), all(r.passed for r in results
                                                                           if r.status != NOT_RUN))
        for r in [ALL_ROW] + ran:
            _colour(book, ws, r, r, OK)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    for c, width in ((WHAT, 26), (PERIOD, 9), (SCENARIO, 12), (NOTE, 80)):
        ws.set_column(c, c, width)
    print_setup(ws, header_rows=HEADER_ROW + 1, tall=1)
