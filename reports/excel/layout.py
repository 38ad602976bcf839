"""Where everything sits in the Excel report: rows of the model sheets, columns of the Assumptions sheet.

Kept apart from the writer so the writer, the Annual sheet, the Summary's references and the tests
all agree on one layout.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cashcast.models.analysis import kpis as registry
from cashcast.models.engine.annual import year_spans  # noqa: F401  (the sheets import it from here)
from cashcast.models.engine.constants import CONSTANTS, WORDS
from cashcast.models.engine.expr import MonthsSince
from cashcast.models.engine.model import Model
from cashcast.models.engine.names import fx_name, setting_name
from cashcast.models.analysis.scenarios import Run
from cashcast.models.reading.data import Row, Workbook, ordinal_to_date
from cashcast.models.statements.lines import STATEMENT_LINES
from cashcast.models.statements.lines import STATEMENTS as STATEMENT_TITLES

from cashcast.reports.i18n import _, _noop, unit
from cashcast.reports.excel.irr import ROWS as IRR_ROWS

# The sheets' titles (the scenario sheets' are made by scenario_sheet_names) and the workbook-level
# defined names of the scenario selector on Summary and of its position in the scenario list
SUMMARY, ASSUMPTIONS, MONTHLY, ANNUAL, SOURCES = "Summary", "Assumptions", "Monthly", "Annual", "Sources"
SENSITIVITY, SIMULATION, STATEMENTS, CHECKS = "Sensitivity", "Simulation", "Statements", "Checks"
SELECTOR_NAME, INDEX_NAME = "selected_scenario", "scenario_index"

# Model sheets (Monthly and one per scenario): 0-based rows and columns
TITLE_ROW, SCENARIO_ROW, INDEX_ROW, DATE_ROW, FIRST_BODY_ROW = 0, 1, 2, 3, 5
LABEL_COL, UNIT_COL, KEY_COL, FIRST_MONTH_COL = 0, 1, 2, 3

CONSTANTS_TITLE = _noop("Constants (defined names the formulas use; on Monthly only)")
SINCE_KEY = "months_since."   # the key of a months-since helper row: months_since.<date assumption>

# The unit column of a key figure, by its kind (money shows the currency)
KPI_UNITS = {"month": "month", "months": "months", "rate": "%/year"}


def kpi_unit(kpi: registry.Kpi, currency: str) -> str:
    """The unit a key figure's row shows: ``kpi_unit(registry.named("npv"), "USD") == "USD"``."""
    return KPI_UNITS.get(kpi.kind, currency)

def excel_serial(day: dt.date) -> int:
    """Excel's serial number of a date (1900 date system): 2023-01-01 → 44927."""
    return (day - dt.date(1899, 12, 30)).days


def sections(model: Model) -> list[tuple[str, list[str]]]:
    """The model's lines grouped as an investor reads them; every line appears exactly once.

    Each section holds the block lines of its role, then the statement lines
    (:data:`cashcast.models.statements.lines.STATEMENT_LINES`) placed in it, in registry order; the
    three statements and their checks follow the cash lines.
    """
    lines = model.lines
    placed_by_registry = {s.name: s.section for s in STATEMENT_LINES}
    by_role = {role: [n for n, ln in lines.items() if ln.role == role and n not in placed_by_registry]
               for role in ("detail", "revenue", "cost", "funding", "memo", "ownership")}
    plan = [(_noop("Drivers"), by_role["detail"])]  # section titles: msgids, translated where written
    plan_roles = ([(_noop("Revenue"), "revenue"), (_noop("Costs"), "cost"), (_noop("Funding"), "funding"),
                   (_noop("Cash"), None)]
                  + [(title, None) for title in STATEMENT_TITLES] + [(_noop("Memo (not cash)"), "memo"),
                                                                     (_noop("Ownership"), "ownership")])
    for title, role in plan_roles:
        blocks = by_role[role] if role else []
        plan.append((title, blocks + [s.name for s in STATEMENT_LINES if s.section == title]))
    placed = {n for _, names in plan for n in names}
    plan.append((_noop("Other lines"), [n for n in lines if n not in placed]))
    return [(title, [n for n in names if n in lines]) for title, names in plan
            if any(n in lines for n in names)]


@dataclass
class ModelLayout:
    """Rows of a model sheet: section titles, lines, helper flags and key figures."""

    months: int
    sections: list[tuple[int, str]] = field(default_factory=list)   # (row, title)
    rows: dict[str, int] = field(default_factory=dict)             # line → row
    flags: dict[str, int] = field(default_factory=dict)            # flag key → row
    marks: dict[str, int] = field(default_factory=dict)            # running last-month row key → row
    irr: dict[str, int] = field(default_factory=dict)              # IRR search helper key → row
    kpis: dict[str, int] = field(default_factory=dict)             # KPI key → row
    since: dict[str, int] = field(default_factory=dict)            # date assumption → months-since row
    constants: dict[str, int] = field(default_factory=dict)        # named constant or word → row (Monthly only)
    line_sections: int = 0                                         # sections[:line_sections] hold lines

    @property
    def last_col(self) -> int:
        return FIRST_MONTH_COL + self.months - 1

    @classmethod
    def of(cls, model: Model) -> "ModelLayout":
        layout = cls(model.horizon)
        r = FIRST_BODY_ROW
        for title, names in sections(model):
            layout.sections.append((r, title))
            r += 1
            for name in names:
                layout.rows[name] = r
                r += 1
            r += 1
        layout.line_sections = len(layout.sections)
        dates = MonthsSince.dates(line.expr for line in model.lines.values())
        if dates:
            layout.sections.append((r, _noop("Helper rows: months since each date (read by the lines above)")))
            for name in dates:
                r += 1
                layout.since[name] = r
            r += 2
        layout.sections.append((r, _noop("Helper rows for the key figures (1 = yes)")))
        for flag in registry.flags():
            r += 1
            layout.flags[flag.key] = r
        for mark in registry.marks():
            r += 1
            layout.marks[mark.key] = r
        r += 2
        layout.sections.append((r, _noop("Helper rows: IRR search (a live guess for IRR, the root nearest 0)")))
        for key in IRR_ROWS:
            r += 1
            layout.irr[key] = r
        r += 2
        layout.sections.append((r, _noop("Key figures of this sheet's scenario")))
        for kpi in registry.KPIS:
            r += 1
            layout.kpis[kpi.name] = r
        r += 2
        layout.sections.append((r, CONSTANTS_TITLE))
        for const in (*CONSTANTS, *WORDS):
            r += 1
            layout.constants[const.name] = r
        return layout


# ------------------------------------------------------------------------------------------------
# The Assumptions sheet
# ------------------------------------------------------------------------------------------------
@dataclass
class InputRow:
    """One row of the Assumptions sheet: a setting or an assumption, values in spreadsheet terms
    (dates as dates, percentages as fractions, a linked value as its ``line: ...`` text)."""

    block: str
    parameter: str
    unit: str
    key: str | None            # the defined name; None for a linked (non-input) row
    base: object
    overrides: dict[str, object]
    low: object = None
    high: object = None
    distribution: str = ""
    source: str = ""
    notes: str = ""
    is_date: bool = False

    def value(self, scenario: str) -> object:
        """The value in force in a scenario (a blank override means as base)."""
        return self.overrides.get(scenario, self.base)


def _spreadsheet_value(row: Row, raw):
    if raw is None:
        return None
    return ordinal_to_date(int(raw)) if row.dimension == "date" else float(raw)


def input_rows(workbook: Workbook) -> list[InputRow]:
    """Settings the model reads (opening and minimum cash, discount rate, FX), then every assumption."""
    s = workbook.settings
    cur = s.currency
    notes = {"opening_cash": (cur, ""), "minimum_cash": (cur, _("running below this counts as running out")),
             "discount_rate": (unit("%/year"), ""), "receivable_days": (unit("days"), _("days customers take to pay")),
             "payable_days": (unit("days"), _("days taken to pay suppliers"))}
    settings = _("Settings")
    out = [InputRow(settings, name, u, setting_name(name), s.value(name), dict(s.overrides.get(name, {})),
                    notes=s.notes.get(name, "") or note)
           for name, (u, note) in notes.items()]  # a scenario column may change each of these
    for code, rate in s.fx.items():
        out.append(InputRow(settings, f"fx_{code}", _("{currency} per {code}", currency=cur, code=code),
                            fx_name(code), rate, {}, notes=s.notes.get(f"fx_{code}", "")))
    for row in workbook.rows:
        if row.link is not None:
            base = _("line: {link}", link=".".join(row.link))
            out.append(InputRow(row.block, row.parameter, row.unit, None, base, {}, source=row.source,
                                notes=row.notes))
            continue
        out.append(InputRow(
            row.block, row.parameter, row.unit, row.key, _spreadsheet_value(row, row.value),
            {k: _spreadsheet_value(row, v) for k, v in row.overrides.items()},
            _spreadsheet_value(row, row.low), _spreadsheet_value(row, row.high), row.distribution or "",
            row.source, row.notes, row.dimension == "date"))
    return out


@dataclass
class AssumptionLayout:
    """Columns of the Assumptions sheet for a workbook's scenarios (base first)."""

    scenarios: list[str]
    header_row: int = 4
    block_col: int = 0
    param_col: int = 1
    unit_col: int = 2
    in_use_col: int = 3
    base_col: int = 4

    @property
    def first_body_row(self) -> int:
        return self.header_row + 1

    def input_col(self, scenario: str) -> int:
        """The column typed in for a scenario: base, or its override column."""
        return self.base_col + self.scenarios.index(scenario)

    @property
    def after_inputs(self) -> int:
        return self.base_col + len(self.scenarios)

    @property
    def info_cols(self) -> dict[str, int]:
        names = ("low", "high", "distribution", "source", "notes", "defined name")
        return {n: self.after_inputs + i for i, n in enumerate(names)}

    def effective_col(self, scenario: str) -> int:
        """The formula column holding the value in force in a scenario."""
        return self.after_inputs + len(self.info_cols) + self.scenarios.index(scenario)

    @property
    def last_col(self) -> int:
        return self.effective_col(self.scenarios[-1])


def scenario_sheet_names(run: Run, prefix: str = "Scenario", scenarios: list[str] | None = None,
                         taken: set[str] | None = None) -> dict[str, str]:
    """A sheet per scenario of the run (or of ``scenarios``), named ``<prefix> <scenario>`` (made safe,
    at most 31 characters, unique)."""
    out: dict[str, str] = {}
    taken = set(taken or ()) | {t.lower() for t in (SUMMARY, ASSUMPTIONS, MONTHLY, ANNUAL, STATEMENTS, SOURCES,
                                                    SENSITIVITY, SIMULATION, CHECKS)}
    for k, name in enumerate(run.scenarios if scenarios is None else scenarios, start=1):
        clean = "".join(c if c.isalnum() or c in " _-." else "_" for c in name).strip(" ._'") or str(k)
        title, n = f"{prefix} {clean}"[:31], 1
        while title.lower() in taken:
            n += 1
            suffix = f" ({n})"
            title = f"{prefix} {clean}"[:31 - len(suffix)] + suffix
        taken.add(title.lower())
        out[name] = title
    return out
