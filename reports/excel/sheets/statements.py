"""The **Statements** sheet: the income statement, cash flow statement and balance sheet per
calendar year, and the checks, all formulas over Monthly.

Each row is a line of the model (:func:`cashcast.models.statements.lines.statement_views`: revenue
by block, costs by function, …) summed over the year's months on Monthly, or its year-end value for
a balance; the line's monthly formula is its one definition, on Monthly. The Checks area gives each
check's largest absolute difference over all months, a live formula over its Monthly row.
"""
from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from cashcast.models.statements.checks import check_results
from cashcast.models.statements.lines import STATEMENTS, statement_views

from cashcast.reports.i18n import _
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.formulas import row_range
from cashcast.reports.excel.layout import (
    DATE_ROW, FIRST_MONTH_COL, KEY_COL, LABEL_COL, MONTHLY, SCENARIO_ROW, TITLE_ROW, UNIT_COL,
)
from cashcast.reports.excel.sheets.annual import line_row, year_header
from cashcast.reports.excel.styles import print_setup

CENTS = "#,##0.00"
LARGEST = ".largest"   # the key suffix of a check's "largest absolute difference" row


def write(book: Book, ws: Worksheet) -> None:
    """Each statement a block of rows, a column per year; then the checks' largest differences."""
    st = book.st
    ws.write_string(TITLE_ROW, 0, _("Statements"), st.title)
    ws.write_string(SCENARIO_ROW, 0, _("Income statement, cash flow statement and balance sheet per year, over "
                                       "Monthly. Scenario (chosen on Summary):"), st.note)
    spans = year_header(book, ws)
    r = DATE_ROW + 2
    for title, names in statement_views(book.model.lines).items():
        ws.write_string(r, LABEL_COL, _(title), st.section)
        for name in names:
            r += 1
            line_row(book, ws, name, r, spans, book.layout.rows[name])
        r += 2
    _checks(book, ws, r)
    ws.freeze_panes(DATE_ROW + 1, FIRST_MONTH_COL)
    ws.set_column(LABEL_COL, LABEL_COL, 60)
    ws.set_column(UNIT_COL, UNIT_COL, 12)
    ws.set_column(KEY_COL, KEY_COL, 28)
    ws.set_column(FIRST_MONTH_COL, FIRST_MONTH_COL + len(spans) - 1, 17)
    print_setup(ws, header_rows=DATE_ROW + 1, title_cols=1)


def _checks(book: Book, ws: Worksheet, r: int) -> None:
    """Each check's largest absolute difference over every month of Monthly (0 when it holds)."""
    st, L = book.st, book.layout
    ws.write_string(r, LABEL_COL, _("{sheet}: largest absolute difference over all months (0 when the identity "
                                    "holds)", sheet=_(STATEMENTS[-1])), st.section)
    results = check_results(lambda name: book.run.result.column(name, 0))
    for result in results:
        r += 1
        months = row_range(L.rows[result.name], FIRST_MONTH_COL, L.last_col, MONTHLY)
        ws.write_string(r, LABEL_COL, _(book.model.lines[result.name].label), st.text)
        ws.write_string(r, UNIT_COL, book.currency, st.text)
        ws.write_string(r, KEY_COL, result.name + LARGEST, st.key)
        ws.write_formula(r, FIRST_MONTH_COL, f"=MAX(MAX({months}),-MIN({months}))", st.number(CENTS),
                         result.largest_difference)
