"""The workbook-level state of one Excel report, which every sheet module receives as a :class:`Book`.

A :class:`Book` holds what more than one sheet needs: the run (and its analysis), the XlsxWriter
workbook and its styles, the layout of the model sheets and of the Assumptions sheet, the rows of the
Assumptions sheet, the scenario sheets' titles, the scenario the selector starts on, and every line's
formula text per month (rendered once from its definition). It also defines the workbook's names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook as XlsxWorkbook

from cashcast.models.analysis.scenarios import Run
from cashcast.models.analysis.uncertainty import Uncertainty
from cashcast.models.engine.model import Model
from cashcast.models.reading.data import Workbook

from cashcast.reports.excel.formulas import ExcelContext, line_formula
from cashcast.reports.excel.layout import (
    DATE_ROW, FIRST_MONTH_COL, INDEX_ROW, AssumptionLayout, InputRow, ModelLayout, input_rows,
    scenario_sheet_names,
)
from cashcast.reports.excel.styles import Styles

# The cell saying a sheet holds values cashcast computed, not formulas: dark yellow on light yellow
MARK_TEXT, MARK_FILL = "#9C5700", "#FFEB9C"


@dataclass
class Book:
    """One report being written: the run, the XlsxWriter workbook, and the layout every sheet shares."""

    run: Run
    wb: XlsxWorkbook
    analysis: Uncertainty | None
    st: Styles
    layout: ModelLayout                 # rows of Monthly and of each scenario sheet
    inputs: list[InputRow]              # rows of the Assumptions sheet
    alayout: AssumptionLayout           # columns of the Assumptions sheet
    scenario_sheets: dict[str, str]     # scenario → the title of its sheet
    selected: str                       # the scenario the selector starts on
    ctx: ExcelContext                   # month 0 of a model sheet, for line and flag formulas
    formulas: dict[str, list[str]] = field(repr=False)  # line → its formula text per month
    simulation_sheets: dict[str, str] = field(default_factory=dict)  # simulated scenario → its sheet
    sensitivity_sheets: dict[str, str] = field(default_factory=dict)  # scenario → its tornado's sheet
    statement_sheets: dict[str, str] = field(default_factory=dict)  # scenario → its statements' sheet

    @classmethod
    def of(cls, run: Run, wb: XlsxWorkbook, analysis: Uncertainty | None = None) -> "Book":
        """The state of ``run``'s report in ``wb``; ``analysis`` must be of the same run."""
        if analysis is not None and list(analysis.comparison.scenarios) != list(run.scenarios):
            raise ValueError("the analysis is not of this run: its scenarios differ")
        st = Styles(wb, run.workbook.settings.currency)
        layout = ModelLayout.of(run.model)
        inputs = input_rows(run.workbook)
        names = frozenset(r.key for r in inputs if r.key)
        ctx = ExcelContext(layout.rows, names, 0, FIRST_MONTH_COL, INDEX_ROW, DATE_ROW, layout.since)
        formulas = {name: [line_formula(line.expr, ctx.at(t)) for t in range(run.model.horizon)]
                    for name, line in run.model.lines.items()}
        sheets = scenario_sheet_names(run)
        simulated = list(analysis.simulations) if analysis is not None else []
        swung = list(analysis.tornadoes) if analysis is not None else []
        taken = {t.lower() for t in sheets.values()}
        simulation = scenario_sheet_names(run, "Simulation", simulated, taken)
        taken |= {t.lower() for t in simulation.values()}
        sensitivity = scenario_sheet_names(run, "Sensitivity", swung, taken)
        statements = scenario_sheet_names(run, "Statements", None, taken | {t.lower() for t in sensitivity.values()})
        return cls(run, wb, analysis, st, layout, inputs, AssumptionLayout(run.workbook.scenario_names),
                   sheets, run.scenarios[0], ctx, formulas, simulation, sensitivity, statements)

    @property
    def workbook(self) -> Workbook:
        """The assumption workbook the run was computed from."""
        return self.run.workbook

    @property
    def model(self) -> Model:
        return self.run.model

    @property
    def currency(self) -> str:
        return self.workbook.settings.currency

    @cached_property
    def marking(self) -> Format:
        """The format of the cell saying a sheet holds computed values, not formulas (made on first use)."""
        return self.wb.add_format({"bold": True, "font_color": MARK_TEXT, "bg_color": MARK_FILL})

    def scenario_column(self, sheet: str) -> int:
        """The run's column of the scenario whose sheet is titled ``sheet``."""
        titles = [self.scenario_sheets[name] for name in self.run.scenarios]
        return titles.index(sheet)

    def simulation_on(self, sheet: str):
        """The Simulation of the scenario whose simulation sheet is titled ``sheet``."""
        scenario = next(s for s, title in self.simulation_sheets.items() if title == sheet)
        return self.analysis.simulations[scenario]

    def tornado_on(self, sheet: str):
        """The Tornado of the scenario whose sensitivity sheet is titled ``sheet``."""
        scenario = next(s for s, title in self.sensitivity_sheets.items() if title == sheet)
        return self.analysis.tornadoes[scenario]

    def define(self, name: str, target: str) -> None:
        """A defined name; XlsxWriter only warns about a bad one, this raises instead."""
        if self.wb.define_name(name, target) != 0:
            raise ValueError(f"cannot define the name {name!r}")
