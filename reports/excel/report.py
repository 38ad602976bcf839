"""The Excel report: a workbook that is itself the model, recalculated by any spreadsheet engine.

``excel_bytes(run, analysis)`` renders a :class:`~cashcast.models.analysis.scenarios.Run` as .xlsx bytes with these sheets:

* **Summary** — the scenario selector (a dropdown) and the key figures: column C for the scenario
  the selector picks, then one live column per scenario of the run; the scenario list; the charts
  (cash balance with funding rounds, revenue by block, costs by block).
* **Assumptions** — every input in blue: per row the base value, an override per scenario (blank =
  as base), the value in force in each scenario (formulas) and the value *in use*, picked by the
  selector. Each assumption's defined name (``chatgpt_plus__price``, ``settings__opening_cash``,
  ``fx__usd``) points at its in-use cell.
* **Monthly** — every line, one column per month: the formula of ``line.expr.xl(ctx)``, referring to
  assumptions by defined name and to lines by cell; helper flag rows and the key figures below.
* **Annual** — sums of the months (year-end values for balances), formulas over Monthly.
* **Sensitivity**, **Simulation** (only with an ``analysis``, :func:`cashcast.models.analysis.uncertainty.analyse` of the
  run; Simulation only when it simulated) — the tornado and the Monte Carlo, values computed by
  cashcast and marked as such; Summary then also compares the scenarios with the baseline (live
  formulas). See reports/excel_uncertainty.py.
* **Sources** — where each figure comes from.
* **Scenario <name>** — one copy of the Monthly model per scenario of the run. Its formulas are the
  same text as Monthly's; sheet-scoped defined names make each assumption name there mean that
  scenario's "in force" cell, so every scenario's key figures are live at once.

Every formula cell also carries the value numpy computed (for the scenario the selector starts on),
so readers that do not calculate (pandas, previewers) see numbers. Text is always written as text.
Document properties are fixed: the same run gives byte-identical bytes.
"""
from __future__ import annotations

import datetime as dt
import io

import numpy as np
import xlsxwriter
from xlsxwriter.utility import quote_sheetname

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.scenarios import Run
from cashcast.models.analysis.uncertainty import Uncertainty

from cashcast.reports.excel import formulas as xf
from cashcast.reports.excel.formulas import ExcelContext, cell, line_formula
from cashcast.reports.excel.irr import LABELS as IRR_LABELS
from cashcast.reports.excel.irr import SearchCells, search_values
from cashcast.reports.excel.layout import (
    DATE_ROW, FIRST_MONTH_COL, INDEX_ROW, KEY_COL, LABEL_COL, SCENARIO_ROW, TITLE_ROW, UNIT_COL, AssumptionLayout, InputRow, ModelLayout, excel_serial,
    input_rows, kpi_unit, scenario_sheet_names, year_spans,
)
from cashcast.reports.excel.styles import DATE, MONEY, MONTHS, PERCENT, Styles, money_millions, print_setup, unit_format
from cashcast.reports.excel.uncertainty import SENSITIVITY, SIMULATION, UncertaintyWriter

SUMMARY, ASSUMPTIONS, MONTHLY, ANNUAL, SOURCES = "Summary", "Assumptions", "Monthly", "Annual", "Sources"
SELECTOR_NAME, INDEX_NAME = "selected_scenario", "scenario_index"
# Summary: 0-based positions
SELECTOR_ROW, INDEX_CELL_ROW, VALUE_COL = 3, 4, 2
KPI_HEADER_ROW = 6
FIXED_PROPERTIES = {"title": "cashcast report", "author": "cashcast", "company": "",
                    "comments": "Written by cashcast: a live model; every projected number is a formula.",
                    "created": dt.datetime(2023, 1, 1)}


def excel_bytes(run: Run, analysis: Uncertainty | None = None) -> bytes:
    """The Excel report of a run as .xlsx bytes (see the module docstring for its sheets); with
    ``analysis`` (``cashcast.models.analysis.uncertainty.analyse(run, ...)``) also the uncertainty sheets."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False})
    wb.set_properties(FIXED_PROPERTIES)
    ReportWriter(run, wb, analysis).write()
    wb.close()
    return buf.getvalue()


def cell_value(value):
    """A spreadsheet value as the number a formula caches: dates as serial numbers."""
    if isinstance(value, dt.date):
        return excel_serial(value)
    return value


class ReportWriter:
    """Writes one run's report into an XlsxWriter workbook; one method per sheet."""

    def __init__(self, run: Run, wb, analysis: Uncertainty | None = None):
        self.run, self.wb = run, wb
        self.workbook = run.workbook
        self.model = run.model
        self.currency = self.workbook.settings.currency
        self.st = Styles(wb, self.currency)
        self.layout = ModelLayout.of(self.model)
        self.inputs = input_rows(self.workbook)
        self.alayout = AssumptionLayout(self.workbook.scenario_names)
        self.scenario_sheets = scenario_sheet_names(run)
        self.selected = run.scenarios[0]  # the selector starts on the run's first scenario
        names = frozenset(r.key for r in self.inputs if r.key)
        self.ctx = ExcelContext(self.layout.rows, names, 0, FIRST_MONTH_COL, INDEX_ROW, DATE_ROW)
        self.formulas = self._line_formulas()
        self.uncertainty = UncertaintyWriter(self, analysis) if analysis is not None else None

    def _line_formulas(self) -> dict[str, list[str]]:
        """Every line's formula text per month, rendered once from its definition."""
        return {name: [line_formula(line.expr, self.ctx.at(t)) for t in range(self.model.horizon)]
                for name, line in self.model.lines.items()}

    def write(self) -> None:
        """Add every sheet first (sheet-scoped names need their sheet), then fill them in."""
        names = [SUMMARY, ASSUMPTIONS, MONTHLY, ANNUAL]
        if self.uncertainty is not None:
            names.append(SENSITIVITY)
            if self.uncertainty.analysis.simulation is not None:
                names.append(SIMULATION)
        sheets = {n: self.wb.add_worksheet(n) for n in names + [SOURCES]}
        scenario_sheets = [self.wb.add_worksheet(self.scenario_sheets[n]) for n in self.run.scenarios]
        self.write_assumptions(sheets[ASSUMPTIONS])
        self.write_model_sheet(sheets[MONTHLY], 0, main=True)
        for j, ws in enumerate(scenario_sheets):
            self.write_model_sheet(ws, j, main=False)
        self.write_annual(sheets[ANNUAL])
        self.write_sources(sheets[SOURCES])
        if SENSITIVITY in sheets:
            self.uncertainty.write_sensitivity(sheets[SENSITIVITY])
        if SIMULATION in sheets:
            self.uncertainty.write_simulation(sheets[SIMULATION])
        self.write_summary(sheets[SUMMARY])
        sheets[SUMMARY].activate()

    # -- Assumptions --------------------------------------------------------------------------------
    def write_assumptions(self, ws) -> None:
        """Inputs in blue (base and scenario overrides), the value in force per scenario, the value in
        use; defined names for the model; data validation from low/high."""
        st, A, s = self.st, self.alayout, self.workbook.settings
        ws.write_string(0, 0, f"Assumptions of {self.workbook.name}", st.title)
        ws.write_string(1, 0, "Blue cells are inputs: change one and the whole model recalculates. A blank "
                              "scenario cell means 'as base'. The model reads the 'in use' column: the "
                              "values of the scenario chosen on Summary.", st.note)
        ws.write_string(2, 0, f"Fixed by the report's layout: start {s.start_month:%b %Y}, "
                              f"{s.horizon_months} months, currency {s.currency}. Change them in the "
                              f"assumption workbook and run cashcast again.", st.note)
        header = ["Block", "Parameter", "Unit", "In use (scenario chosen on Summary)",
                  *self.alayout.scenarios, "Low", "High", "Distribution", "Source", "Notes", "Defined name",
                  *[f"In force: {n}" for n in self.alayout.scenarios]]
        for c, text in enumerate(header):
            ws.write_string(A.header_row, c, text, st.header)
        ws.write_string(A.header_row - 1, A.base_col, "Inputs: base, then overrides per scenario", st.note)
        ws.write_string(A.header_row - 1, A.effective_col(A.scenarios[0]), "Formulas: value in force per "
                                                                           "scenario", st.note)
        for i, row in enumerate(self.inputs):
            self._assumption_row(ws, A.first_body_row + i, row)
        last = A.first_body_row + len(self.inputs) - 1
        ws.freeze_panes(A.first_body_row, A.unit_col + 1)
        ws.autofilter(A.header_row, 0, last, A.last_col)
        widths = {A.block_col: 22, A.param_col: 26, A.unit_col: 15, A.in_use_col: 18}
        for c in range(A.base_col, A.after_inputs):
            widths[c] = 15
        info = A.info_cols
        widths.update({info["low"]: 13, info["high"]: 13, info["distribution"]: 11, info["source"]: 40,
                       info["notes"]: 60, info["defined name"]: 34})
        for c in range(A.effective_col(A.scenarios[0]), A.last_col + 1):
            widths[c] = 15
        for c, w in widths.items():
            ws.set_column(c, c, w)
        ws.set_row(A.header_row, 30)
        print_setup(ws, header_rows=A.header_row + 1, title_cols=2, fit_width=False)

    def _input_format(self, row: InputRow, value, *, input_=True):
        if row.is_date:
            fmt = "yyyy-mm"
        elif row.unit.startswith("%"):
            fmt = PERCENT
        elif isinstance(value, float) and not value.is_integer():
            fmt = "#,##0.0#########"
        else:
            fmt = "#,##0"
        return self.st.number(fmt, input_=input_, grey=not input_)

    def _write_value(self, ws, r, c, row: InputRow, value, *, input_=True) -> None:
        fmt = self._input_format(row, value if value is not None else row.base, input_=input_)
        if value is None:
            ws.write_blank(r, c, None, fmt)
        elif isinstance(value, dt.date):
            ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), fmt)
        else:
            ws.write_number(r, c, value, fmt)

    def _assumption_row(self, ws, r: int, row: InputRow) -> None:
        st, A = self.st, self.alayout
        ws.write_string(r, A.block_col, row.block, st.text)
        ws.write_string(r, A.param_col, row.parameter, st.text)
        ws.write_string(r, A.unit_col, row.unit, st.text)
        info = A.info_cols
        ws.write_string(r, info["source"], row.source, st.text)
        ws.write_string(r, info["notes"], row.notes, st.text)
        if row.key is None:  # a linked count: the block builder reads the line, not an input
            ws.write_string(r, A.base_col, row.base, st.note)
            ws.write_string(r, info["defined name"], "(linked line, not an input)", st.key)
            return
        for scenario in A.scenarios:
            value = row.base if scenario == A.scenarios[0] else row.overrides.get(scenario)
            self._write_value(ws, r, A.input_col(scenario), row, value)
        self._validate(ws, r, row)
        for name in ("low", "high"):
            if getattr(row, name) is not None:
                self._write_value(ws, r, info[name], row, getattr(row, name), input_=False)
        ws.write_string(r, info["distribution"], row.distribution, st.text)
        ws.write_string(r, info["defined name"], row.key, st.key)
        base = cell(r, A.base_col, abs_col=True)
        fmt = self._input_format(row, row.base, input_=False)
        for scenario in A.scenarios:
            typed = cell(r, A.input_col(scenario))
            formula = f"={base}" if scenario == A.scenarios[0] else f'=IF({typed}="",{base},{typed})'
            ws.write_formula(r, A.effective_col(scenario), formula, fmt, cell_value(row.value(scenario)))
        first, last = A.effective_col(A.scenarios[0]), A.effective_col(A.scenarios[-1])
        in_use = f"=INDEX({cell(r, first, abs_col=True)}:{cell(r, last, abs_col=True)},1,{INDEX_NAME})"
        ws.write_formula(r, A.in_use_col, in_use, self.st.number(fmt.num_format, bold=True),
                         cell_value(row.value(self.selected)))
        self._define(row.key, f"={ASSUMPTIONS}!{cell(r, A.in_use_col, True, True)}")
        for scenario, sheet in self.scenario_sheets.items():
            self._define(f"{quote_sheetname(sheet)}!{row.key}",
                         f"={ASSUMPTIONS}!{cell(r, A.effective_col(scenario), True, True)}")

    def _define(self, name: str, target: str) -> None:
        """A defined name; XlsxWriter only warns about a bad one, this raises instead."""
        if self.wb.define_name(name, target) != 0:
            raise ValueError(f"cannot define the name {name!r}")

    def _validate(self, ws, r: int, row: InputRow) -> None:
        """Data validation of the input cells from the row's low/high (a warning, not a refusal)."""
        lo, hi = row.low, row.high
        if lo is None and hi is None:
            return
        conv = (lambda v: dt.datetime(v.year, v.month, v.day)) if row.is_date else float
        shown = (lambda v: f"{v:%Y-%m}") if row.is_date else (lambda v: f"{v:.6g}")
        if lo is not None and hi is not None:
            rule = {"criteria": "between", "minimum": conv(lo), "maximum": conv(hi)}
            text = f"from {shown(lo)} to {shown(hi)}"
        elif lo is not None:
            rule = {"criteria": ">=", "value": conv(lo)}
            text = f"at least {shown(lo)}"
        else:
            rule = {"criteria": "<=", "value": conv(hi)}
            text = f"at most {shown(hi)}"
        rule.update({"validate": "date" if row.is_date else "decimal", "error_type": "warning",
                     "input_title": "Range", "input_message": f"The assumption workbook's range: {text}.",
                     "error_title": "Outside the range",
                     "error_message": f"The assumption workbook gives a range {text}. Keep this value?"})
        A = self.alayout
        ws.data_validation(r, A.base_col, r, A.after_inputs - 1, rule)

    # -- Monthly and the scenario sheets ------------------------------------------------------------
    def write_model_sheet(self, ws, j: int, main: bool) -> None:
        """Every line's formula per month with numpy's value for scenario column j cached."""
        st, L, run = self.st, self.layout, self.run
        scenario = run.scenarios[j]
        if main:
            ws.write_string(TITLE_ROW, 0, "Monthly model", st.title)
            ws.write_string(SCENARIO_ROW, 0, "Scenario (chosen on Summary):", st.text)
            ws.write_formula(SCENARIO_ROW, KEY_COL, f"={SELECTOR_NAME}", st.selector, self.selected)
        else:
            ws.write_string(TITLE_ROW, 0, f"Monthly model of scenario {scenario}", st.title)
            ws.write_string(SCENARIO_ROW, 0, "Scenario (fixed; the Assumptions' 'In force' column):", st.text)
            ws.write_string(SCENARIO_ROW, KEY_COL, scenario, st.text)
        self._month_headers(ws)
        for r, title in L.sections:
            ws.write_string(r, LABEL_COL, title, st.section)
        for name, r in L.rows.items():
            line = self.model.lines[name]
            ws.write_string(r, LABEL_COL, line.label, st.text)
            ws.write_string(r, UNIT_COL, line.unit, st.text)
            ws.write_string(r, KEY_COL, name, st.key)
            total = line.role == "total" or name == "depreciation"
            fmt = st.number(unit_format(line.unit, self.currency), bold=total, top=total)
            values = run.result.column(name, j)
            for t, formula in enumerate(self.formulas[name]):
                ws.write_formula(r, FIRST_MONTH_COL + t, formula, fmt, float(values[t]))
        self._flags(ws, j)
        self._irr_search(ws, j)
        self._kpis(ws, j)
        ws.freeze_panes(DATE_ROW + 1, FIRST_MONTH_COL)
        ws.set_column(LABEL_COL, LABEL_COL, 48)
        ws.set_column(UNIT_COL, UNIT_COL, 12)
        ws.set_column(KEY_COL, KEY_COL, 24)
        ws.set_column(FIRST_MONTH_COL, L.last_col, 15)
        print_setup(ws, header_rows=DATE_ROW + 1, title_cols=1, fit_width=False)

    def _month_headers(self, ws) -> None:
        st = self.st
        ws.write_string(INDEX_ROW, LABEL_COL, "Month number (0 = first month)", st.note)
        ws.write_string(DATE_ROW, LABEL_COL, "Line", st.header)
        ws.write_string(DATE_ROW, UNIT_COL, "Unit", st.header)
        ws.write_string(DATE_ROW, KEY_COL, "Key", st.header)
        for t, month in enumerate(self.run.months):
            ws.write_number(INDEX_ROW, FIRST_MONTH_COL + t, t, st.month_number)
            ws.write_datetime(DATE_ROW, FIRST_MONTH_COL + t, dt.datetime(month.year, month.month, 1),
                              st.header_date)

    def _flags(self, ws, j: int) -> None:
        """Helper rows the key figures read (registry flags): 1 in the months where each holds."""
        L, st = self.layout, self.st
        fmt = st.number("0", grey=True)
        lines = registry.ResultLines(self.run.result)
        for flag in registry.flags():
            r = L.flags[flag.key]
            values = flag.np(lines)[:, j]
            ws.write_string(r, LABEL_COL, flag.label, st.text)
            ws.write_string(r, UNIT_COL, "1 = yes", st.text)
            ws.write_string(r, KEY_COL, flag.key, st.key)
            for t in range(self.model.horizon):
                ws.write_formula(r, FIRST_MONTH_COL + t, flag.xl(self.ctx.at(t)), fmt, float(values[t]))

    def _search(self, line: str = "operating_cash_flow") -> SearchCells:
        L = self.layout
        return SearchCells(L.irr, FIRST_MONTH_COL, L.rows[line], FIRST_MONTH_COL, L.last_col)

    def _irr_search(self, ws, j: int) -> None:
        """Helper rows that find a live guess for IRR (see reports/excel_irr.py)."""
        st, L = self.st, self.layout
        values = search_values(self.run.result.column("operating_cash_flow", j))
        formats = {"rate": st.number("0.000%", grey=True), "npv": st.number("0.00E+00", grey=True),
                   "distance": st.number("General", grey=True), "bracket": st.number("0", grey=True),
                   "guess": st.number("0.000000%", grey=True)}
        title_row = min(L.irr.values()) - 1
        ws.write_string(title_row, UNIT_COL, "(grouped: + to expand)", st.note)
        for key, formulas in self._search().formulas().items():
            r = L.irr[key]
            ws.set_row(r, None, None, {"level": 1, "hidden": True})
            ws.write_string(r, LABEL_COL, IRR_LABELS[key], st.text)
            ws.write_string(r, KEY_COL, key, st.key)
            fmt = formats[key.rsplit("_", 1)[-1].split(".")[-1]]
            for i, formula in enumerate(formulas):
                ws.write_formula(r, FIRST_MONTH_COL + i, formula, fmt, float(values[key][i]))

    def kpi_value(self, kpi: registry.Kpi, j: int):
        """numpy's key figure for scenario column j as the cell caches it ("never", "n/a", a serial)."""
        v = self.run.kpis[kpi.name][j] if kpi.name in self.run.kpis else np.nan
        if kpi.is_date:
            return xf.NEVER if not np.isfinite(v) else excel_serial(self.run.months[int(v)])
        if kpi.kind == "months":
            return xf.NEVER if not np.isfinite(v) else int(v)
        if kpi.kind == "rate":
            return xf.UNDEFINED if not np.isfinite(v) else float(v)
        return float(v)

    def kpi_format(self, kpi: registry.Kpi, compact: bool):
        """A key figure's format: a month, months, a percentage, or money (in millions when compact)."""
        formats = {"month": DATE, "months": MONTHS, "rate": "0.0%"}
        money = money_millions(self.currency) if compact else MONEY
        return self.st.number(formats.get(kpi.kind, money), bold=True, right=True)

    def _kpis(self, ws, j: int) -> None:
        """The key figures of the sheet's scenario: each its registry definition's formula."""
        L, st = self.layout, self.st
        ctx = xf.KpiContext(L.rows, L.flags, FIRST_MONTH_COL, L.last_col, DATE_ROW,
                            lambda line: self._search(line).irr())
        for kpi in registry.KPIS:
            r = L.kpis[kpi.name]
            ws.write_string(r, LABEL_COL, kpi.title, st.text)
            ws.write_string(r, UNIT_COL, kpi_unit(kpi, self.currency), st.text)
            ws.write_string(r, KEY_COL, kpi.name, st.key)
            ws.write_formula(r, FIRST_MONTH_COL, kpi.definition.xl(ctx), self.kpi_format(kpi, False),
                             self.kpi_value(kpi, j))

    # -- Annual -------------------------------------------------------------------------------------
    def write_annual(self, ws) -> None:
        """Each line per calendar year: SUM of its months on Monthly, or the year-end value."""
        st, L = self.st, self.layout
        ws.write_string(TITLE_ROW, 0, "Annual totals", st.title)
        ws.write_string(SCENARIO_ROW, 0, "Sums of the months on Monthly; balances (closing cash, subscribers, "
                                         "…) are year-end values. Scenario (chosen on Summary):", st.note)
        ws.write_formula(SCENARIO_ROW, KEY_COL + 1, f"={SELECTOR_NAME}", st.selector, self.selected)
        for c, text in ((LABEL_COL, "Line"), (UNIT_COL, "Unit"), (KEY_COL, "Key")):
            ws.write_string(DATE_ROW, c, text, st.header)
        spans = year_spans(self.run.months)
        for i, (year, a, b) in enumerate(spans):
            ws.write_number(DATE_ROW, FIRST_MONTH_COL + i, year, st.header_number)
            ws.write_string(INDEX_ROW, FIRST_MONTH_COL + i, f"{b - a + 1} months", st.note)
        for r, title in L.sections[:L.line_sections]:
            ws.write_string(r, LABEL_COL, title, st.section)
        for name, r in L.rows.items():
            line = self.model.lines[name]
            ws.write_string(r, LABEL_COL, line.label + (" (year-end)" if line.stock else ""), st.text)
            ws.write_string(r, UNIT_COL, line.unit.replace("/month", "") if not line.stock else line.unit,
                            st.text)
            ws.write_string(r, KEY_COL, name, st.key)
            total = line.role == "total" or name == "depreciation"
            fmt = st.number(unit_format(line.unit, self.currency), bold=total, top=total)
            values = self.run.annual(name, 0)
            for i, (_year, a, b) in enumerate(spans):
                end = f"{MONTHLY}!{cell(r, FIRST_MONTH_COL + b)}"
                formula = f"={end}" if line.stock else \
                    f"=SUM({MONTHLY}!{cell(r, FIRST_MONTH_COL + a)}:{cell(r, FIRST_MONTH_COL + b)})"
                ws.write_formula(r, FIRST_MONTH_COL + i, formula, fmt, values[i])
        ws.freeze_panes(DATE_ROW + 1, FIRST_MONTH_COL)
        ws.set_column(LABEL_COL, LABEL_COL, 52)
        ws.set_column(UNIT_COL, UNIT_COL, 12)
        ws.set_column(KEY_COL, KEY_COL, 24)
        ws.set_column(FIRST_MONTH_COL, FIRST_MONTH_COL + len(spans) - 1, 17)
        print_setup(ws, header_rows=DATE_ROW + 1, title_cols=1)

    # -- Sources ------------------------------------------------------------------------------------
    def write_sources(self, ws) -> None:
        """Each distinct source with what it is cited for, then every input with its source and notes."""
        st = self.st
        ws.write_string(0, 0, "Sources", st.title)
        ws.write_string(1, 0, f"Where each assumption of {self.workbook.name} comes from, as the "
                              f"assumption workbook gives it.", st.note)
        cited: dict[str, list[str]] = {}
        for row in self.inputs:
            if row.source:
                cited.setdefault(row.source, []).append(f"{row.block}.{row.parameter}")
        r = 3
        for c, text in enumerate(("Source", "Cited for")):
            ws.write_string(r, c, text, st.header)
        for source, uses in cited.items():
            r += 1
            ws.write_string(r, 0, source, st.wrap)
            ws.write_string(r, 1, ", ".join(uses), st.wrap)
        r += 2
        for c, text in enumerate(("Block", "Parameter", "Source", "Notes")):
            ws.write_string(r, c, text, st.header)
        first = r
        for row in self.inputs:
            r += 1
            for c, text in enumerate((row.block, row.parameter, row.source, row.notes)):
                ws.write_string(r, c, text, st.wrap)
        ws.set_column(0, 0, 40)
        ws.set_column(1, 1, 50)
        ws.set_column(2, 2, 40)
        ws.set_column(3, 3, 80)
        ws.autofilter(first, 0, r, 3)
        print_setup(ws, header_rows=0)

    # -- Summary ------------------------------------------------------------------------------------
    def write_summary(self, ws) -> None:
        """Selector, live key figures per scenario, the scenario list and the charts."""
        st, s, wb = self.st, self.workbook.settings, self.workbook
        ws.write_string(0, 0, f"{wb.name}: monthly cash flow, break-even and runway", st.title)
        ws.write_string(1, 0, f"{s.horizon_months} months from {s.start_month:%b %Y}, in {s.currency}. "
                              f"Every projected number is a formula: change a blue input on Assumptions "
                              f"and the model recalculates.", st.subtitle)
        names = wb.scenario_names
        list_row = KPI_HEADER_ROW + len(registry.KPIS) + 4
        first, last = cell(list_row + 1, 0, True, True), cell(list_row + len(names), 0, True, True)
        ws.write_string(SELECTOR_ROW, 0, "Scenario shown in the model (choose from the list)", st.text)
        ws.write_string(SELECTOR_ROW, VALUE_COL, self.selected, st.selector)
        ws.write_string(SELECTOR_ROW, VALUE_COL + 1, "← Monthly, Annual, the charts and column C follow it",
                        st.note)
        ws.data_validation(SELECTOR_ROW, VALUE_COL, SELECTOR_ROW, VALUE_COL, {
            "validate": "list", "source": f"={first}:{last}", "input_title": "Scenario",
            "input_message": "Choose a scenario from the list", "error_title": "Unknown scenario",
            "error_message": "Choose one of the scenarios listed below."})
        ws.write_string(INDEX_CELL_ROW, 0, "Its position in the scenario list", st.note)
        ws.write_formula(INDEX_CELL_ROW, VALUE_COL, f"=MATCH({SELECTOR_NAME},{first}:{last},0)",
                         st.number("0", grey=True), names.index(self.selected) + 1)
        self._define(SELECTOR_NAME, f"={SUMMARY}!{cell(SELECTOR_ROW, VALUE_COL, True, True)}")
        self._define(INDEX_NAME, f"={SUMMARY}!{cell(INDEX_CELL_ROW, VALUE_COL, True, True)}")
        self._kpi_table(ws)
        ws.write_string(list_row, 0, "Scenarios of the assumption workbook", st.header)
        ws.write_string(list_row, 1, "Description", st.header)
        for i, name in enumerate(names, start=1):
            ws.write_string(list_row + i, 0, name, st.text)
            desc = next((sc.description for sc in wb.scenarios if sc.name == name), "")
            ws.write_string(list_row + i, 1, desc, st.text)
        ws.set_column(0, 0, 58)
        ws.set_column(1, 1, 10)
        ws.set_column(2, 2 + len(self.run.scenarios), 18)
        row = list_row + len(names) + 2
        if self.uncertainty is not None:
            row = self.uncertainty.write_comparison(ws, row, KPI_HEADER_ROW, VALUE_COL + 1) + 1
        self._charts(ws, row)
        print_setup(ws, header_rows=0, fit_width=True)

    def _kpi_table(self, ws) -> None:
        """Column C: the selected scenario (from Monthly); then one column per scenario sheet."""
        st, L = self.st, self.layout
        r0 = KPI_HEADER_ROW
        ws.write_string(r0, 0, "Key figure", st.header)
        ws.write_string(r0, 1, "Unit", st.header)
        ws.write_string(r0, VALUE_COL, "Selected above", st.header)
        sources = [(MONTHLY, 0, self.selected)] + [
            (self.scenario_sheets[n], j, n) for j, n in enumerate(self.run.scenarios)]
        for c, (_sheet, _j, name) in enumerate(sources[1:], start=VALUE_COL + 1):
            ws.write_string(r0, c, name, st.header)
        for i, kpi in enumerate(registry.KPIS, start=1):
            ws.write_string(r0 + i, 0, kpi.title, st.text)
            ws.write_string(r0 + i, 1, kpi_unit(kpi, self.currency), st.text)
            fmt = self.kpi_format(kpi, True)
            for c, (sheet, j, _name) in enumerate(sources, start=VALUE_COL):
                ref = f"={quote_sheetname(sheet)}!{cell(L.kpis[kpi.name], FIRST_MONTH_COL, True, True)}"
                ws.write_formula(r0 + i, c, ref, fmt, self.kpi_value(kpi, j))
        ws.write_string(r0 + len(registry.KPIS) + 1, 0, "All live formulas: each scenario column is computed on its "
                                               "own sheet 'Scenario <name>' from the Assumptions' 'In force' "
                                               "values.", st.note)

    def _charts(self, ws, row: int) -> None:
        """Cash balance with funding rounds (monthly), revenue and costs by block (annual, stacked)."""
        L, lines = self.layout, self.model.lines
        first, last = FIRST_MONTH_COL, L.last_col
        months = [MONTHLY, DATE_ROW, first, DATE_ROW, last]
        balance = self.wb.add_chart({"type": "line"})
        r = L.rows["closing_cash"]
        balance.add_series({"name": [MONTHLY, r, LABEL_COL], "categories": months,
                            "values": [MONTHLY, r, first, r, last], "line": {"width": 2}})
        rounds = [L.rows[name] for name, line in lines.items() if line.role == "funding"]
        cash = self.wb.add_chart({"type": "column"}) if rounds else balance
        for r in rounds:
            cash.add_series({"name": [MONTHLY, r, LABEL_COL], "categories": months,
                             "values": [MONTHLY, r, first, r, last]})
        if rounds:
            cash.combine(balance)
        cash.set_title({"name": f"Cash balance and funding rounds ({self.currency})"})
        cash.set_x_axis({"date_axis": True, "num_format": "yyyy", "major_unit": 12, "major_unit_type": "months"})
        cash.set_y_axis({"num_format": money_millions(self.currency), "major_gridlines": {"visible": True}})
        cash.set_legend({"position": "bottom"})
        ws.insert_chart(row, 0, cash, {"x_scale": 2.2, "y_scale": 1.3})
        years = len(year_spans(self.run.months))
        for k, (role, title) in enumerate((("revenue", "Revenue by block"), ("cost", "Costs by block"))):
            chart = self.wb.add_chart({"type": "column", "subtype": "stacked"})
            for name, line in lines.items():
                if line.role == role:
                    r = L.rows[name]
                    chart.add_series({"name": [ANNUAL, r, LABEL_COL],
                                      "categories": [ANNUAL, DATE_ROW, first, DATE_ROW, first + years - 1],
                                      "values": [ANNUAL, r, first, r, first + years - 1]})
            if not chart.series:
                continue
            chart.set_title({"name": f"{title} ({self.currency} a year)"})
            chart.set_y_axis({"num_format": money_millions(self.currency)})
            chart.set_legend({"position": "bottom"})
            ws.insert_chart(row + 21 + 21 * k, 0, chart, {"x_scale": 2.2, "y_scale": 1.3})
