"""The model sheets: **Monthly** and one **Scenario <name>** sheet per scenario of the run.

Every line, one column per month: the formula of ``line.expr.xl(ctx)``, referring to assumptions by
defined name and to lines by cell; below them the helper flag rows, the IRR search's helper rows
(:mod:`cashcast.reports.excel.irr`) and the key figures, each its registry definition's formula
(:mod:`cashcast.models.analysis.kpis`). Monthly follows the scenario chosen on Summary; a scenario
sheet's formulas are the same text, and its sheet-scoped defined names make each assumption name
there mean that scenario's "in force" cell, so every scenario's key figures are live at once.
Every formula cell carries numpy's value for the sheet's scenario column.
"""
from __future__ import annotations

import datetime as dt

from xlsxwriter.worksheet import Worksheet

import numpy as np

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.reductions import NONE
from cashcast.models.engine.constants import CONSTANTS, WORDS
from cashcast.models.engine.expr import MonthsSince, Param

from cashcast.reports.i18n import _, label, title, unit
from cashcast.reports.excel import formulas as xf
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.cells import kpi_format, kpi_value
from cashcast.reports.excel.irr import LABELS as IRR_LABELS
from cashcast.reports.excel.irr import NO_ROOT, SearchCells, search_values
from cashcast.reports.excel.layout import (
    CONSTANTS_TITLE, DATE_ROW, FIRST_MONTH_COL, INDEX_ROW, KEY_COL, LABEL_COL, MONTHLY, SCENARIO_ROW,
    SELECTOR_NAME, SINCE_KEY, TITLE_ROW, UNIT_COL, ModelLayout, excel_serial, kpi_unit, year_spans,
)
from cashcast.reports.excel.styles import print_by_years, print_setup, unit_format


def write_monthly(book: Book, ws: Worksheet) -> None:
    """Monthly: the model of the scenario chosen on Summary (numpy's values of the first cached)."""
    st = book.st
    ws.write_string(TITLE_ROW, 0, _("Monthly model"), st.title)
    ws.write_string(SCENARIO_ROW, 0, _("Scenario (chosen on Summary):"), st.text)
    ws.write_formula(SCENARIO_ROW, KEY_COL, f"={SELECTOR_NAME}", st.selector, book.selected)
    _write_model(book, ws, 0)
    _constants(book, ws)


def write_scenario(book: Book, ws: Worksheet) -> None:
    """A scenario sheet: the model of one scenario, fixed, read from the Assumptions' "in force" column."""
    st = book.st
    j = book.scenario_column(ws.name)
    ws.write_string(TITLE_ROW, 0, _("Monthly model of scenario {name}", name=book.run.scenarios[j]), st.title)
    ws.write_string(SCENARIO_ROW, 0, _("Scenario (fixed; the Assumptions' 'In force' column):"), st.text)
    ws.write_string(SCENARIO_ROW, KEY_COL, book.run.scenarios[j], st.text)
    _write_model(book, ws, j)


def _write_model(book: Book, ws: Worksheet, j: int) -> None:
    """Every line's formula per month with numpy's value for scenario column j cached."""
    st, L = book.st, book.layout
    _month_headers(book, ws)
    for r, title in L.sections:
        if title != CONSTANTS_TITLE or ws.name == MONTHLY:
            ws.write_string(r, LABEL_COL, _(title), st.section)
    for name, r in L.rows.items():
        line = book.model.lines[name]
        ws.write_string(r, LABEL_COL, label(line.label, line.block), st.text)
        ws.write_string(r, UNIT_COL, unit(line.unit), st.text)
        ws.write_string(r, KEY_COL, name, st.key)
        total = line.role == "total"
        fmt = st.number(unit_format(line.unit, book.currency), bold=total, top=total)
        values = book.run.result.column(name, j)
        for t, formula in enumerate(book.formulas[name]):
            ws.write_formula(r, FIRST_MONTH_COL + t, formula, fmt, float(values[t]))
    _months_since(book, ws, j)
    _flags(book, ws, j)
    _irr_search(book, ws, j)
    _kpis(book, ws, j)
    ws.freeze_panes(DATE_ROW + 1, FIRST_MONTH_COL)
    ws.set_column(LABEL_COL, LABEL_COL, 48)
    ws.set_column(UNIT_COL, UNIT_COL, 12)
    ws.set_column(KEY_COL, KEY_COL, 24)
    ws.set_column(FIRST_MONTH_COL, L.last_col, 9)  # widened to the widest value (widths.fit_columns)
    print_setup(ws, header_rows=DATE_ROW + 1, title_cols=1, fit_width=False)


def _month_headers(book: Book, ws: Worksheet) -> None:
    """The timeline, computed from one start cell: Monthly's first month date (the model's start);
    each later month is the one before + 1 month, each month number the one before + 1. A scenario
    sheet's start is Monthly's."""
    st = book.st
    ws.write_string(INDEX_ROW, LABEL_COL, _("Month number (0 = first month)"), st.note)
    ws.write_string(DATE_ROW, LABEL_COL, _("Line"), st.header)
    ws.write_string(DATE_ROW, UNIT_COL, _("Unit"), st.header)
    ws.write_string(DATE_ROW, KEY_COL, _("Key"), st.header)
    start = xf.cell(DATE_ROW, FIRST_MONTH_COL, True, True)
    for t, month in enumerate(book.run.months):
        c, day = FIRST_MONTH_COL + t, dt.datetime(month.year, month.month, 1)
        if t == 0:
            ws.write_number(INDEX_ROW, c, 0, st.month_number)
            if ws.name == MONTHLY:
                ws.write_datetime(DATE_ROW, c, day, st.header_date)
            else:
                ws.write_formula(DATE_ROW, c, f"={MONTHLY}!{start}", st.header_date, excel_serial(month))
            continue
        before = xf.cell(DATE_ROW, c - 1)
        ws.write_formula(INDEX_ROW, c, f"={xf.cell(INDEX_ROW, c - 1)}+1", st.month_number, t)
        ws.write_formula(DATE_ROW, c, f"=DATE(YEAR({before}),MONTH({before})+1,1)", st.header_date,
                         excel_serial(month))


def _months_since(book: Book, ws: Worksheet, j: int) -> None:
    """Helper rows: whole months from each date assumption to each month, written once here and read
    by every line that counts months since that date (a block's start, a round's month)."""
    L, st = book.layout, book.st
    fmt = st.number("0", grey=True)
    lines = registry.ResultLines(book.run.result)
    for name, r in L.since.items():
        since = MonthsSince(Param(name))
        values = np.broadcast_to(since.np(lines), (book.model.horizon, book.run.result.size))[:, j]
        ws.write_string(r, LABEL_COL, _("Months since {name} (negative before it)", name=name), st.text)
        ws.write_string(r, UNIT_COL, unit("months"), st.text)
        ws.write_string(r, KEY_COL, f"{SINCE_KEY}{name}", st.key)
        for t in range(book.model.horizon):
            formula = "=" + since.xl(book.ctx.at(t).without_helpers())
            ws.write_formula(r, FIRST_MONTH_COL + t, formula, fmt, float(values[t]))


def _constants(book: Book, ws: Worksheet) -> None:
    """The Constants block (Monthly only): each named constant's value, its defined name pointing here;
    then the words the formulas show (NEVER_TEXT, …), each in the report's language: the formulas name
    them, so their text is the same in every language."""
    L, st = book.layout, book.st
    for const in (*CONSTANTS, *WORDS):
        r = L.constants[const.name]
        ws.write_string(r, LABEL_COL, _(const.meaning), st.text)
        ws.write_string(r, KEY_COL, const.name, st.key)
        if const in WORDS:
            ws.write_string(r, FIRST_MONTH_COL, _(const.text), st.text)
        else:
            ws.write_number(r, FIRST_MONTH_COL, const.value, st.number("General"))
        book.define(const.name, f"={MONTHLY}!{xf.cell(r, FIRST_MONTH_COL, True, True)}")


def _flags(book: Book, ws: Worksheet, j: int) -> None:
    """Helper rows the key figures read (registry flags): 1 in the months where each holds."""
    L, st = book.layout, book.st
    fmt = st.number("0", grey=True)
    lines = registry.ResultLines(book.run.result)
    for flag in registry.flags():
        r = L.flags[flag.key]
        values = flag.np(lines)[:, j]
        ws.write_string(r, LABEL_COL, _(flag.label), st.text)
        ws.write_string(r, UNIT_COL, unit("1 = yes"), st.text)
        ws.write_string(r, KEY_COL, flag.key, st.key)
        for t in range(book.model.horizon):
            ws.write_formula(r, FIRST_MONTH_COL + t, flag.xl(book.ctx.at(t)), fmt, float(values[t]))
    for mark in registry.marks():
        r, flag_row = L.marks[mark.key], L.flags[mark.flag.key]
        values = mark.np(lines)[:, j]
        ws.write_string(r, LABEL_COL, mark_label(mark), st.text)
        ws.write_string(r, UNIT_COL, unit("month number"), st.text)
        ws.write_string(r, KEY_COL, mark.key, st.key)
        for t in range(book.model.horizon):
            c = FIRST_MONTH_COL + t
            formula = mark.xl(xf.cell(flag_row, c), xf.cell(INDEX_ROW, c, abs_row=True),
                              xf.cell(r, c - 1) if t else None)
            ws.write_formula(r, c, formula, fmt, _(NONE) if values[t] != values[t] else float(values[t]))


def mark_label(mark) -> str:
    """A last-month helper row's label: 'Last month number so far with flag.break_even = 0 (none: not yet)'."""
    return _("Last month number so far with {flag} = {value} ({none}: not yet)", flag=mark.flag.key,
             value=mark.value, none=_(NONE))


def _search(layout: ModelLayout, line: str = "operating_cash_flow") -> SearchCells:
    """The IRR search's cells on a model sheet, over the monthly flows of ``line``."""
    return SearchCells(layout.irr, FIRST_MONTH_COL, layout.rows[line], FIRST_MONTH_COL, layout.last_col)


def _irr_search(book: Book, ws: Worksheet, j: int) -> None:
    """Helper rows that find a live guess for IRR (see :mod:`cashcast.reports.excel.irr`)."""
    st, L = book.st, book.layout
    values = search_values(book.run.result.column("operating_cash_flow", j))
    formats = {"rate": st.number("0.000%", grey=True), "npv": st.number("0.00E+00", grey=True),
               "distance": st.number("General", grey=True), "bracket": st.number("0", grey=True),
               "guess": st.number("0.000000%", grey=True), "sign": st.number("0", grey=True),
               "changes": st.number("0", grey=True), "trial": st.number("0", grey=True)}
    title_row = min(L.irr.values()) - 1
    ws.write_string(title_row, UNIT_COL, _("(grouped: + to expand)"), st.note)
    for key in L.irr:
        r = L.irr[key]
        ws.set_row(r, None, None, {"level": 1, "hidden": True})
        ws.write_string(r, LABEL_COL, _(IRR_LABELS[key]), st.text)
        ws.write_string(r, KEY_COL, key, st.key)
    for key, formulas in _search(L).formulas().items():
        fmt = formats[key.rsplit("_", 1)[-1].split(".")[-1]]
        for i, formula in enumerate(formulas):
            value = float(values[key][i])
            ws.write_formula(L.irr[key], FIRST_MONTH_COL + i, formula, fmt, _(NO_ROOT) if value != value else value)


def _kpis(book: Book, ws: Worksheet, j: int) -> None:
    """The key figures of the sheet's scenario: each its registry definition's formula."""
    L, st = book.layout, book.st
    ctx = xf.KpiContext(L.rows, L.flags, FIRST_MONTH_COL, L.last_col, DATE_ROW,
                        lambda line: _search(L, line).irr(), INDEX_ROW, L.marks)
    for kpi in registry.KPIS:
        r = L.kpis[kpi.name]
        ws.write_string(r, LABEL_COL, title(kpi.label, kpi.description), st.text)
        ws.write_string(r, UNIT_COL, unit(kpi_unit(kpi, book.currency)), st.text)
        ws.write_string(r, KEY_COL, kpi.name, st.key)
        ws.write_formula(r, FIRST_MONTH_COL, kpi.definition.xl(ctx), kpi_format(book, kpi, False),
                         kpi_value(book.run, kpi, j))


def print_monthly(book: Book, ws: Worksheet) -> None:
    """Monthly prints its lines down to the cash section (the statements print from their own sheets,
    the key figures from Summary), two years a page, a page break at a year's start."""
    L = book.layout
    titles = [title for _row, title in L.sections]
    after_cash = L.sections[titles.index("Cash") + 1][0] if "Cash" in titles else L.sections[L.line_sections][0]
    print_by_years(ws, year_spans(book.run.months), FIRST_MONTH_COL, after_cash - 2, 1, after_cash - 1)


def print_scenario(book: Book, ws: Worksheet) -> None:
    """A scenario sheet prints its key figures on one page (its statements print from its Statements
    sheet, its months are Monthly's with that scenario chosen)."""
    L = book.layout
    top = min(L.kpis.values()) - 1   # the key figures' section heading
    ws.print_area(top, 0, max(L.kpis.values()), FIRST_MONTH_COL)
    ws.repeat_rows(0, SCENARIO_ROW)
    ws.fit_to_pages(1, 1)
