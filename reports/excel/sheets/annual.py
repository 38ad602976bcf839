"""The **Annual** sheet: each line per calendar year, formulas over Monthly.

Each line folds as it says (:mod:`cashcast.models.engine.annual`): a flow is the SUM of its months;
a balance (closing cash, subscribers, …) is its year-end value; a level (a monthly audience) the
AVERAGE of its months.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from xlsxwriter.utility import quote_sheetname
from xlsxwriter.worksheet import Worksheet

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.yearly import UNDEFINED
from cashcast.models.engine.annual import SUM
from cashcast.models.engine.annual import of as aggregation

from cashcast.reports.i18n import _, label, ngettext, title
from cashcast.reports.i18n import unit as unit_text
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.formulas import cell
from cashcast.reports.excel.layout import (
    DATE_ROW, FIRST_MONTH_COL, INDEX_ROW, KEY_COL, LABEL_COL, MONTHLY, SCENARIO_ROW, SELECTOR_NAME,
    TITLE_ROW, UNIT_COL, year_spans,
)
from cashcast.reports.excel.styles import print_setup, unit_format


def year_header(book: Book, ws: Worksheet, scenario: str | None = None) -> list[tuple[int, int, int]]:
    """The scenario selector (or the fixed ``scenario``'s name), the column headings and a column per
    calendar year (with its number of months) of a sheet of yearly figures; returns the years' spans."""
    st = book.st
    if scenario is None:
        ws.write_formula(SCENARIO_ROW, KEY_COL + 1, f"={SELECTOR_NAME}", st.selector, book.selected)
    else:
        ws.write_string(SCENARIO_ROW, KEY_COL + 1, scenario, st.selector)
    for c, text in ((LABEL_COL, _("Line")), (UNIT_COL, _("Unit")), (KEY_COL, _("Key"))):
        ws.write_string(DATE_ROW, c, text, st.header)
    spans = year_spans(book.run.months)
    for i, (year, a, b) in enumerate(spans):
        ws.write_number(DATE_ROW, FIRST_MONTH_COL + i, year, st.header_number)
        ws.write_string(INDEX_ROW, FIRST_MONTH_COL + i, ngettext("{n} month", "{n} months", b - a + 1), st.note)
    return spans


def write(book: Book, ws: Worksheet) -> None:
    """Each line per calendar year: SUM of its months on Monthly, or the year-end value."""
    st = book.st
    ws.write_string(TITLE_ROW, 0, _("Annual totals"), st.title)
    ws.write_string(SCENARIO_ROW, 0, _("Sums of the months on Monthly; balances (closing cash, subscribers, "
                                       "…) are year-end values; levels (audience, …) monthly averages. "
                                       "Scenario (chosen on Summary):"), st.note)
    spans = year_header(book, ws)
    for r, title in book.layout.sections[:book.layout.line_sections]:
        ws.write_string(r, LABEL_COL, _(title), st.section)
    for name, r in book.layout.rows.items():
        _line(book, ws, name, r, spans)
    _yearly_kpis(book, ws, spans)
    ws.freeze_panes(DATE_ROW + 1, FIRST_MONTH_COL)
    ws.set_column(LABEL_COL, LABEL_COL, 52)
    ws.set_column(UNIT_COL, UNIT_COL, 12)
    ws.set_column(KEY_COL, KEY_COL, 24)
    ws.set_column(FIRST_MONTH_COL, FIRST_MONTH_COL + len(spans) - 1, 17)
    print_setup(ws, header_rows=DATE_ROW + 1, title_cols=1)


@dataclass(frozen=True)
class YearCells:
    """One year's cells on Monthly, as a yearly reduction's ``xl(cells)`` reads them."""

    model: object
    rows: dict[str, int]
    first: int   # the year's first and last month (0-based)
    last: int

    def _at(self, line: str, t: int) -> str:
        return f"{MONTHLY}!{cell(self.rows[line], FIRST_MONTH_COL + t)}"

    def span(self, line: str) -> tuple[str, str]:
        return self._at(line, self.first), self._at(line, self.last)

    def before(self, line: str) -> str | None:
        return self._at(line, self.first - 1) if self.first > 0 else None


YEARLY_UNITS = {"rate": "%", "multiple": "×"}
YEARLY_FORMATS = {"multiple": '0.00"×"'}


def _yearly_kpis(book: Book, ws: Worksheet, spans: list[tuple[int, int, int]]) -> None:
    """The yearly KPIs (:data:`cashcast.models.analysis.kpis.YEARLY`) below the lines, each a
    formula per year over its lines' rows on Monthly; "n/a" where a year has no value."""
    st, layout = book.st, book.layout
    top = layout.sections[layout.line_sections][0]
    ws.write_string(top, LABEL_COL, _("Key figures per year"), st.section)
    for i, kpi in enumerate(registry.YEARLY, start=1):
        unit = book.currency if kpi.kind == "money" else YEARLY_UNITS[kpi.kind]
        ws.write_string(top + i, LABEL_COL, title(kpi.label, kpi.description), st.text)
        ws.write_string(top + i, UNIT_COL, unit_text(unit), st.text)
        ws.write_string(top + i, KEY_COL, kpi.name, st.key)
        fmt = st.number(YEARLY_FORMATS.get(kpi.kind) or unit_format(unit, book.currency))
        values = book.run.yearly[kpi.name][:, 0]
        for c, (_year, a, b) in enumerate(spans):
            value = float(values[c])
            ws.write_formula(top + i, FIRST_MONTH_COL + c,
                             kpi.definition.xl(YearCells(book.model, layout.rows, a, b)), fmt,
                             value if math.isfinite(value) else _(UNDEFINED))


def _line(book: Book, ws: Worksheet, name: str, r: int, spans: list[tuple[int, int, int]]) -> None:
    """One line's row: its label, unit and key, then a formula per year over its row on Monthly."""
    line_row(book, ws, name, r, spans)


def line_row(book: Book, ws: Worksheet, name: str, r: int, spans: list[tuple[int, int, int]],
             source_row: int | None = None, sheet: str = MONTHLY, j: int = 0) -> None:
    """Row ``r``: a line's label, unit and key, then a formula per year over its row on Monthly or
    the model ``sheet`` of scenario column ``j`` (``source_row``, by default ``r``): the SUM of its
    months, or its year-end value for a stock."""
    st = book.st
    line = book.model.lines[name]
    src = r if source_row is None else source_row
    fold = aggregation(line.annual)
    ws.write_string(r, LABEL_COL, label(line.label, line.block) + (f" {_(fold.suffix.strip())}" if fold.suffix else ""),
                    st.text)
    ws.write_string(r, UNIT_COL, unit_text(line.unit.replace("/month", "") if fold.key == SUM else line.unit), st.text)
    ws.write_string(r, KEY_COL, name, st.key)
    total = line.role == "total"
    fmt = st.number(unit_format(line.unit, book.currency), bold=total, top=total)
    values = book.run.annual(name, j)
    for i, (_year, a, b) in enumerate(spans):
        first, last = (f"{quote_sheetname(sheet)}!{cell(src, FIRST_MONTH_COL + t)}" for t in (a, b))
        ws.write_formula(r, FIRST_MONTH_COL + i, fold.xl(first, last), fmt, values[i])
