"""The **Summary** sheet: the scenario selector and the key figures, live.

The selector (a dropdown over the scenario list) picks the scenario Monthly, Annual, the charts and
column C follow; the key figures: column C for the selected scenario, then one live column per
scenario of the run, each read from its scenario sheet; the scenario list; with an analysis the
scenario comparison (:mod:`cashcast.reports.excel.sheets.comparison`); the charts (cash balance with
funding rounds, revenue by block, costs by block).
"""
from __future__ import annotations

from xlsxwriter.utility import quote_sheetname
from xlsxwriter.worksheet import Worksheet

from cashcast.models.analysis import kpis as registry

from cashcast.reports import fmt
from cashcast.reports.i18n import _, title, unit
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.cells import kpi_format, kpi_value
from cashcast.reports.excel.formulas import cell
from cashcast.reports.excel.layout import (
    ANNUAL, DATE_ROW, FIRST_MONTH_COL, INDEX_NAME, LABEL_COL, MONTHLY, SELECTOR_NAME, SUMMARY, kpi_unit,
    year_spans,
)
from cashcast.reports.excel.sheets import checks, comparison
from cashcast.reports.excel.styles import money_millions, print_setup

# 0-based positions: the selector, its index in the scenario list, the key figures' header row
SELECTOR_ROW, INDEX_CELL_ROW, VALUE_COL = 3, 4, 2
KPI_HEADER_ROW = 6
CHART_ROWS = 21  # rows between the tops of two charts


def write(book: Book, ws: Worksheet) -> None:
    """Selector, live key figures per scenario, the scenario list and the charts."""
    st, s = book.st, book.workbook.settings
    ws.write_string(0, 0, book.workbook.settings.title_for(book.workbook.name,
                                                          _("monthly cash flow, break-even and runway")), st.title)
    ws.write_string(1, 0, _("{months} from {start}, in {currency}. Every projected number is a formula: change "
                            "a blue input on Assumptions and the model recalculates.", months=fmt.months(s.horizon_months),
                            start=fmt.month_of(s.start_month), currency=s.currency), st.subtitle)
    list_row = KPI_HEADER_ROW + len(registry.KPIS) + 4
    checks.write_master(book, ws)
    _selector(book, ws, list_row)
    _kpi_table(book, ws)
    _scenario_list(book, ws, list_row)
    ws.set_column(0, 0, 58)
    ws.set_column(1, 1, 10)
    ws.set_column(2, 2 + len(book.run.scenarios), 18)
    row = list_row + len(book.workbook.scenario_names) + 2
    if book.analysis is not None:
        row = comparison.write(book, ws, row, comparison.KpiTable(KPI_HEADER_ROW, VALUE_COL + 1)) + 1
    _cash_chart(book, ws, row)
    _block_charts(book, ws, row + CHART_ROWS)
    print_setup(ws, header_rows=0, fit_width=True)


def _selector(book: Book, ws: Worksheet, list_row: int) -> None:
    """The scenario selector over the list at ``list_row``, its position, and their defined names."""
    st, names = book.st, book.workbook.scenario_names
    first, last = cell(list_row + 1, 0, True, True), cell(list_row + len(names), 0, True, True)
    ws.write_string(SELECTOR_ROW, 0, _("Scenario shown in the model (choose from the list)"), st.text)
    ws.write_string(SELECTOR_ROW, VALUE_COL, book.selected, st.selector)
    ws.write_string(SELECTOR_ROW, VALUE_COL + 1, _("← Monthly, Annual, the charts and column C follow it"),
                    st.note)
    ws.data_validation(SELECTOR_ROW, VALUE_COL, SELECTOR_ROW, VALUE_COL, {
        "validate": "list", "source": f"={first}:{last}", "input_title": _("Scenario"),
        "input_message": _("Choose a scenario from the list"), "error_title": _("Unknown scenario"),
        "error_message": _("Choose one of the scenarios listed below.")})
    ws.write_string(INDEX_CELL_ROW, 0, _("Its position in the scenario list"), st.note)
    ws.write_formula(INDEX_CELL_ROW, VALUE_COL, f"=MATCH({SELECTOR_NAME},{first}:{last},0)",
                     st.number("0", grey=True), names.index(book.selected) + 1)
    book.define(SELECTOR_NAME, f"={SUMMARY}!{cell(SELECTOR_ROW, VALUE_COL, True, True)}")
    book.define(INDEX_NAME, f"={SUMMARY}!{cell(INDEX_CELL_ROW, VALUE_COL, True, True)}")


def _kpi_table(book: Book, ws: Worksheet) -> None:
    """Column C: the selected scenario (from Monthly); then one column per scenario sheet."""
    st, L = book.st, book.layout
    r0 = KPI_HEADER_ROW
    ws.write_string(r0, 0, _("Key figure"), st.header)
    ws.write_string(r0, 1, _("Unit"), st.header)
    ws.write_string(r0, VALUE_COL, _("Selected above"), st.header)
    sources = [(MONTHLY, 0, book.selected)] + [
        (book.scenario_sheets[n], j, n) for j, n in enumerate(book.run.scenarios)]
    for c, (_sheet, _j, name) in enumerate(sources[1:], start=VALUE_COL + 1):
        ws.write_string(r0, c, name, st.header)
    for i, kpi in enumerate(registry.KPIS, start=1):
        ws.write_string(r0 + i, 0, title(kpi.label, kpi.description), st.text)
        ws.write_string(r0 + i, 1, unit(kpi_unit(kpi, book.currency)), st.text)
        for c, (sheet, j, _name) in enumerate(sources, start=VALUE_COL):
            ref = f"={quote_sheetname(sheet)}!{cell(L.kpis[kpi.name], FIRST_MONTH_COL, True, True)}"
            value = kpi_value(book.run, kpi, j)
            ws.write_formula(r0 + i, c, ref, kpi_format(book, kpi, True, value), value)
    ws.write_string(r0 + len(registry.KPIS) + 1, 0, _("All live formulas: each scenario column is computed on "
                                                      "its own sheet 'Scenario <name>' from the Assumptions' "
                                                      "'In force' values."), st.note)


def _scenario_list(book: Book, ws: Worksheet, list_row: int) -> None:
    """The workbook's scenarios with their descriptions: the selector's list."""
    st = book.st
    ws.write_string(list_row, 0, _("Scenarios of the assumption workbook"), st.header)
    ws.write_string(list_row, 1, _("Description"), st.header)
    for i, name in enumerate(book.workbook.scenario_names, start=1):
        ws.write_string(list_row + i, 0, name, st.text)
        desc = next((sc.description for sc in book.workbook.scenarios if sc.name == name), "")
        ws.write_string(list_row + i, 1, desc, st.text)


def _cash_chart(book: Book, ws: Worksheet, row: int) -> None:
    """Cash balance (a line) with the funding rounds (columns), monthly, from Monthly."""
    L, wb = book.layout, book.wb
    first, last = FIRST_MONTH_COL, L.last_col
    months = [MONTHLY, DATE_ROW, first, DATE_ROW, last]
    balance = wb.add_chart({"type": "line"})
    r = L.rows["closing_cash"]
    balance.add_series({"name": [MONTHLY, r, LABEL_COL], "categories": months,
                        "values": [MONTHLY, r, first, r, last], "line": {"width": 2}})
    rounds = [L.rows[name] for name, line in book.model.lines.items() if line.role == "funding"]
    cash = wb.add_chart({"type": "column"}) if rounds else balance
    for r in rounds:
        cash.add_series({"name": [MONTHLY, r, LABEL_COL], "categories": months,
                         "values": [MONTHLY, r, first, r, last]})
    if rounds:
        cash.combine(balance)
    cash.set_title({"name": _("Cash balance and funding rounds ({currency})", currency=book.currency)})
    cash.set_x_axis({"date_axis": True, "num_format": "yyyy", "major_unit": 12, "major_unit_type": "months"})
    cash.set_y_axis({"num_format": money_millions(book.currency), "major_gridlines": {"visible": True}})
    cash.set_legend({"position": "bottom"})
    ws.insert_chart(row, 0, cash, {"x_scale": 2.2, "y_scale": 1.3})


def _block_charts(book: Book, ws: Worksheet, row: int) -> None:
    """Revenue and costs by block, a year a column (stacked), from Annual; none for an empty role."""
    L, first = book.layout, FIRST_MONTH_COL
    years = len(year_spans(book.run.months))
    for k, (role, title) in enumerate((("revenue", _("Revenue by block")), ("cost", _("Costs by block")))):
        chart = book.wb.add_chart({"type": "column", "subtype": "stacked"})
        for name, line in book.model.lines.items():
            if line.role == role:
                r = L.rows[name]
                chart.add_series({"name": [ANNUAL, r, LABEL_COL],
                                  "categories": [ANNUAL, DATE_ROW, first, DATE_ROW, first + years - 1],
                                  "values": [ANNUAL, r, first, r, first + years - 1]})
        if not chart.series:
            continue
        chart.set_title({"name": _("{title} ({currency} a year)", title=title, currency=book.currency)})
        chart.set_y_axis({"num_format": money_millions(book.currency)})
        chart.set_legend({"position": "bottom"})
        ws.insert_chart(row + CHART_ROWS * k, 0, chart, {"x_scale": 2.2, "y_scale": 1.3})
