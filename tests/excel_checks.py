"""Reading an Excel report back, and what numpy says every formula cell of it must hold.

The expectations are found from the sheet's own labels (line keys in column C, month numbers and
years in the header rows, scenario names in headers), never from the writer's cached values, so a
report whose formulas or layout are wrong cannot agree with them by construction.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from xml.sax.saxutils import escape
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.utils import get_column_letter

from cashcast.models.analysis.cap_table import cap_table
from cashcast.models.analysis.checks_user import evaluate_checks
from cashcast.models.analysis.kpis import BELOW_FLOOR, BREAK_EVEN, KPIS
from cashcast.models.analysis.scenarios import Run
from cashcast.models.analysis.uncertainty import rank
from cashcast.models.reading.workbook import ordinal_to_date
from cashcast.reports.excel.assumptions import AssumptionRow, starter, write_assumption_workbook
from cashcast.reports.excel.irr import NO_ROOT, search_values
from cashcast.models.statements.checks import TERMS
from cashcast.reports.excel.layout import SINCE_KEY, excel_serial
from cashcast.reports.excel.sheets.analyst_checks import TITLE as ANALYST_CHECKS
from cashcast.reports.excel.sheets.cap_table import COLUMNS as CAP_COLUMNS, TITLE as CAP_TABLE
from cashcast.reports.excel.sheets.statements import LARGEST
from cashcast.reports.excel.sheets import sensitivity as sensitivity_sheet
from tests.helpers import EXAMPLES

DATE_KPIS = {k.name for k in KPIS if k.is_date}
MONTH_KPIS = {k.name for k in KPIS if k.is_month}
BETTER = {k.name: k.better for k in KPIS}
BEYOND_HORIZON = {"runway_at_horizon_months", "runway_at_horizon_month"}   # "never" ranks past them
FLAG_BELOW_FLOOR, FLAG_BREAK_EVEN = BELOW_FLOOR.key, BREAK_EVEN.key

REL_TOL, ABS_TOL = 1e-9, 1e-6   # relative, and one millionth of a unit for values that are 0
ERROR_TEXTS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "Err:")
NEVER = object()  # numpy's NaN ("never", "n/a") — the report shows a text there
BLANK = object()  # a formula's empty text "" (LibreOffice may save it as an empty cell)
EXAMPLE_NAMES = ["starter", "every-kind", "rounds"] + [p.stem for p in EXAMPLES]


def every_kind() -> tuple[list, list[AssumptionRow], list[tuple[str, str]]]:
    """A workbook using every kind of block and time shape, a start and an end month, a linked
    line, a foreign currency, a date range and a cash floor: every primitive's Excel rendering. Its
    receivable and payable days are above 0 (the working-capital lines), and the slow scenario has its
    own opening cash, minimum cash, discount rate and receivable days (settings by scenario in the live
    model); every round states a valuation (a cap table, with tranches and in-kind credits)."""
    def r(block, kind, param, value, unit, **kw):
        return AssumptionRow(block, kind, param, value, unit, source="test", **kw)

    month = dt.date
    settings = [("start_month", month(2024, 1, 1), ""), ("horizon_months", 36, ""), ("currency", "USD", ""),
                ("discount_rate", 0.10, "", {"slow": 0.15}), ("opening_cash", 3_000_000, "", {"slow": 2_500_000}),
                ("minimum_cash", 500_000, "", {"slow": 400_000}), ("fx_EUR", 1.1, ""), ("receivable_days", 30, "", {"slow": 45}),
                ("payable_days", 20, "")]
    rows = [
        r("Pro", "subscription", "audience", 100_000, "users", low=50_000, high=200_000),
        r("Pro", "subscription", "audience.growth", 0.05, "%/month"),
        r("Pro", "subscription", "conversion", 0.03, "%", low=0.01, high=0.05, overrides={"slow": 0.01}),
        r("Pro", "subscription", "price", 15, "USD/month"),
        r("Pro", "subscription", "price@2025", 18, "USD/month"),
        r("Pro", "subscription", "churn", 0.05, "%"),
        r("Pro", "subscription", "cac", 40, "USD/subscriber"),
        r("Pro", "subscription", "cost_per_subscriber", 4, "USD/subscriber/month"),
        r("Pro", "subscription", "start_month", month(2024, 3, 1), "date"),
        r("Pro", "subscription", "end_month", month(2026, 6, 1), "date"),
        r("Licence", "licensing", "customers", 10, "platforms"),
        r("Licence", "licensing", "customers.ramp_from", 2, "platforms"),
        r("Licence", "licensing", "customers.ramp_months", 12, "months"),
        r("Licence", "licensing", "annual_fee", 120_000, "EUR/year"),
        r("Ads", "advertising", "market_size", 1e9, "USD/year"),
        r("Ads", "advertising", "share", 0.001, "%"),
        r("Ads", "advertising", "share.s_curve_midpoint", 12, "months"),
        r("Ads", "advertising", "share.s_curve_width", 6, "months"),
        r("API", "usage", "volume", "line: Pro.subscribers", "calls/month"),
        r("API", "usage", "unit_price", 0.5, "USD/call"),
        r("Training", "training", "runs_per_year", 2, "runs"),
        r("Training", "training", "gpus", 100, "GPUs"),
        r("Training", "training", "months_per_run", 1, "months"),
        r("Training", "training", "gpu_month_price", 2000, "USD/GPU-month"),
        r("Servers", "inference", "servers", 10, "servers"),
        r("Servers", "inference", "cost_per_server", 3000, "USD/server/month"),
        r("Serving", "inference", "cost_per_day", 1000, "USD/day"),
        r("GPUs", "hardware", "units", 50, "GPUs"),
        r("GPUs", "hardware", "unit_price", 20_000, "USD/GPU"),
        r("GPUs", "hardware", "purchase_month", month(2024, 6, 1), "date"),
        r("GPUs", "hardware", "useful_life_months", 24, "months"),
        r("Team", "headcount", "employees", 5, "people"),
        r("Team", "headcount", "employees.growth", 0.2, "%/year"),
        r("Team", "headcount", "employees.growth@2025", 0.1, "%/year"),
        r("Team", "headcount", "employees@2026", 8, "people"),
        r("Team", "headcount", "cost_per_employee", 120_000, "USD/year"),
        r("Team", "headcount", "stock_share", 0.25, "%"),
        r("Team", "headcount", "stock_per_employee", 10_000, "USD/year"),
        r("Office", "opex", "monthly_amount", 10_000, "USD/month"),
        r("Office", "opex", "end_month", month(2025, 12, 1), "date"),
        r("Rent", "opex", "monthly_amount", 120_000, "USD/year"),
        r("Power", "opex", "monthly_amount", 100, "EUR/day"),
        r("Platforms", "revenue", "amount", 240_000, "USD/year"),
        r("Platforms", "revenue", "amount.growth@2025", 0.5, "%/year"),
        r("Research", "cost", "amount", 50_000, "USD/month"),
        r("Research", "cost", "category", "research_development", ""),
        r("Seed", "funding", "amount", 2_000_000, "USD"),
        r("Seed", "funding", "month", month(2024, 9, 1), "date", low=month(2024, 6, 1), high=month(2025, 6, 1)),
        r("Series A", "funding", "amount", 5_000_000, "USD"),
        r("Seed", "funding", "pre_money", 8_000_000, "USD"),
        r("Series A", "funding", "month", month(2025, 9, 1), "date", overrides={"slow": month(2026, 3, 1)}),
        r("Series A", "funding", "post_money", 40_000_000, "USD", low=20_000_000, high=60_000_000,
          overrides={"slow": 25_000_000}),
        r("Series B", "funding", "amount@2026-04", 1_000_000, "USD"),
        r("Series B", "funding", "amount@2026-07", 2_000_000, "USD"),
        r("Series B", "funding", "pre_money", 60_000_000, "EUR"),
        r("Cloud credits", "funding", "amount@2024-04", 100_000, "USD"),
        r("Cloud credits", "funding", "post_money", 2_000_000, "USD"),
        r("Cloud credits", "funding", "in_kind", "Servers", ""),
        r("Loan", "debt", "amount", 1_000_000, "USD"),
        r("Loan", "debt", "draw_month", month(2024, 5, 1), "date"),
        r("Loan", "debt", "interest_rate", 0.08, "%"),
        r("Loan", "debt", "term_months", 18, "months"),
        r("Loan", "debt", "repayment", "linear", ""),
        r("Bridge", "debt", "amount", 500_000, "USD"),
        r("Bridge", "debt", "draw_month", month(2025, 1, 1), "date"),
        r("Bridge", "debt", "interest_rate", 0.1, "%"),
        r("Bridge", "debt", "term_months", 6, "months"),
    ]
    return settings, rows, [("base", "as typed"), ("slow", "lower conversion, later Series A")]


def rounds() -> tuple[list, list[AssumptionRow], list[tuple[str, str]]]:
    """A company that runs short, is rescued by a round, breaks even and (in one scenario) returns to
    losses: every honest KPI takes a value in one scenario and is null in another. Worked by hand in
    tests/test_honest_kpis.py.

    Jan 2023, 24 months, $300K opening cash; $100K a month of costs; a $500K round in Jul 2023;
    sales from Jul 2023 of 1.2M calls a month at $0.10 (base), 1.5M until Jun 2024 (fade), and
    base without the round (no-round).
    """
    def r(block, kind, param, value, unit, **kw):
        return AssumptionRow(block, kind, param, value, unit, source="hand-worked", **kw)

    month = dt.date
    settings = [("start_month", month(2023, 1, 1), ""), ("horizon_months", 24, ""), ("currency", "USD", ""),
                ("discount_rate", 0.10, ""), ("opening_cash", 300_000, "")]
    rows = [
        r("Team", "opex", "monthly_amount", 100_000, "USD/month", low=90_000, high=110_000),
        r("API", "usage", "volume", 1_200_000, "calls/month", overrides={"fade": 1_500_000}),
        r("API", "usage", "unit_price", 0.10, "USD/call"),
        r("API", "usage", "start_month", month(2023, 7, 1), "date"),
        r("API", "usage", "end_month", month(2030, 12, 1), "date", overrides={"fade": month(2024, 6, 1)}),
        # no audience yet: a price for the parity tests' edit (doubling it), no revenue
        r("Plus", "subscription", "audience", 0, "users"),
        r("Plus", "subscription", "conversion", 0.01, "%"),
        r("Plus", "subscription", "price", 10, "USD/month"),
        r("Seed", "funding", "amount", 500_000, "USD", overrides={"no-round": 0}),
        r("Seed", "funding", "month", month(2023, 7, 1), "date"),
    ]
    return settings, rows, [("base", "rescued by the round"), ("fade", "sales stop after Jun 2024"),
                            ("no-round", "no round")]


def example_path(name: str, folder: Path) -> Path:
    """An example assumption workbook: the starter of `cashcast new`, every_kind() or rounds()
    (written to folder), or one of assumptions/*.xlsx."""
    if name in ("starter", "every-kind", "rounds"):
        path = folder / f"{name}.xlsx"
        if not path.exists():
            if name == "starter":
                write_assumption_workbook(path, *starter("starter"), guide=True)
            else:
                write_assumption_workbook(path, *(every_kind() if name == "every-kind" else rounds()))
        return path
    return next(p for p in EXAMPLES if p.stem == name)


def open_report(data: bytes | Path, values: bool = False):
    """openpyxl's view of a report: formulas (default) or cached values (values=True)."""
    src = io.BytesIO(data) if isinstance(data, bytes) else data
    return openpyxl.load_workbook(src, data_only=values)


_SELECTOR = re.compile(rb'<c r="C4"( s="\d+")?(?: t="[a-zA-Z]+")?>(?:<v>[^<]*</v>|<is>.*?</is>)?</c>')
_CACHED_RESULT = re.compile(rb'<c r="([A-Z]+\d+)"( s="\d+")?(?: t="[a-zA-Z]+")?>(<f[^>]*>[^<]*</f>)<v>[^<]*</v></c>')


def select_scenario(data: bytes, scenario: str) -> bytes:
    """The report with the Summary selector (C4) set to ``scenario`` and the cached result of every
    formula dropped, as an investor's edit saved by a spreadsheet that does not recalculate leaves
    it: the values an engine reads back are its own. An edit of the sheets' XML, not an openpyxl
    round trip (2 to 3 s for the flagship's copy, and one per scenario per engine)."""
    src, buf = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    assert b'<sheet name="Summary" sheetId="1" r:id="rId1"/>' in src.read("xl/workbook.xml")
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = escape(scenario).encode()
                body, n = _SELECTOR.subn(rb'<c r="C4"\1 t="inlineStr"><is><t>' + text + rb'</t></is></c>', body)
                assert n == 1, "the Summary selector C4 not found"
            if info.filename.startswith("xl/worksheets/sheet"):
                body = _CACHED_RESULT.sub(rb'<c r="\1"\2>\3</c>', body)
            dst.writestr(info, body)
    return buf.getvalue()


def formula_cells(wb) -> dict[tuple[str, str], str]:
    """{(sheet, coordinate): formula text} of every formula cell."""
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    out[(ws.title, c.coordinate)] = c.value
    return out


def as_number(value):
    """A value read back, with dates as Excel serial numbers."""
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    return value


@dataclass(frozen=True)
class Scaled:
    """A value that is a sum of much larger terms (NPV near a root): its tolerance is relative to
    the size of the terms, ``scale``, not to the small result."""

    value: float
    scale: float


def matches(actual, expected) -> bool:
    if isinstance(expected, bool):
        return actual is expected
    if isinstance(expected, Scaled):
        actual = as_number(actual)
        return isinstance(actual, (int, float)) and \
            abs(actual - expected.value) <= max(ABS_TOL, REL_TOL * expected.scale)
    if expected is NEVER:
        return actual in ("never", "n/a")
    if expected is BLANK:
        return actual in ("", None)
    if isinstance(expected, str):
        return actual == expected
    actual = as_number(actual)
    if not isinstance(actual, (int, float)) or isinstance(actual, bool):
        return False
    return math.isclose(actual, expected, rel_tol=REL_TOL, abs_tol=ABS_TOL)


@dataclass
class Expectations:
    """What every formula cell of a report must hold, from numpy, for a run of all its scenarios."""

    cells: dict[tuple[str, str], object]
    unchecked: list[tuple[str, str]]


def month_serial(run: Run, index: float) -> float:
    """The serial number of month ``index`` from the start, also past the horizon."""
    first = run.months[0]
    n = first.year * 12 + first.month - 1 + int(index)
    return float(excel_serial(dt.date(n // 12, n % 12 + 1, 1)))


def _kpi(run: Run, key: str, j: int):
    v = float(run.kpis[key][j])
    if not math.isfinite(v):
        return NEVER
    return month_serial(run, v) if key in DATE_KPIS else v


def _param_in_excel(run: Run, key: str, scenario: str) -> float:
    """An assumption's value as the report's cell holds it: a date as its serial number."""
    wb = run.workbook
    v = float(wb.param_values([scenario])[key][0])
    row = wb.row_by_key().get(key)
    if row is not None and row.dimension == "date":
        return float(excel_serial(ordinal_to_date(int(v) + wb.start_ordinal)))
    return v


def expectations(report, run: Run, balances: bool = False) -> Expectations:
    """numpy's value for each formula cell of an openpyxl report (formulas view) — whichever scenario
    its selector names; ``run`` must hold every scenario of the workbook."""
    selected = report["Summary"]["C4"].value
    j_of = {name: j for j, name in enumerate(run.scenarios)}
    found: dict[tuple[str, str], object] = {}
    for ws in report.worksheets:
        if ws.title == "Monthly" or ws.title.startswith("Scenario "):
            scenario = selected if ws.title == "Monthly" else ws["C2"].value
            found.update(_model_sheet(ws, run, j_of[scenario], balances))
            if ws.title == "Monthly":
                found[("Monthly", "C2")] = selected
        elif ws.title == "Annual":
            found.update(_annual_sheet(ws, run, j_of[selected], balances))
            found[(ws.title, "D2")] = selected
        elif ws.title.startswith("Statements "):   # a scenario's statements: its name in D2
            found.update(_annual_sheet(ws, run, j_of[ws["D2"].value], balances))
        elif ws.title == "Checks":
            found.update(_checks_sheet(ws, run))
        elif ws.title == "Summary":
            found.update(_summary_sheet(ws, run, j_of, selected))
            found[("Summary", "C3")] = True   # the master check
        elif ws.title == "Assumptions":
            found.update(_assumptions_sheet(ws, run, selected))
        elif ws.title == CAP_TABLE:
            found.update(_cap_table_sheet(ws, run, j_of[selected]))
        elif ws.title.startswith("Sensitivity "):
            found.update(_evidence_shares(ws))
        elif ws.title == ANALYST_CHECKS:
            found.update(_analyst_checks_sheet(ws, run))
    formulas = formula_cells(report)
    return Expectations({k: v for k, v in found.items() if k in formulas},
                        sorted(k for k in formulas if k not in found))


def _model_sheet(ws, run: Run, j: int, balances: bool = False) -> dict:
    out = {}
    months = {4 + t: t for t in range(run.model.horizon)}   # month t in column D + t
    for t in months.values():   # the timeline: month numbers and first-of-month dates
        out[(ws.title, f"{get_column_letter(4 + t)}3")] = float(t)
        out[(ws.title, f"{get_column_letter(4 + t)}4")] = month_serial(run, t)
    floor = run.workbook.settings.value("minimum_cash", run.scenarios[j])  # the scenario's own floor
    kpi_keys = {k.name for k in KPIS}
    search = _irr_search(run, j)
    ttm = run.result.column("ttm_operating_cash_flow", j)
    flags = {FLAG_BELOW_FLOOR: [float(x < floor) for x in run.result.column("closing_cash", j)],
             FLAG_BREAK_EVEN: [float(x >= 0 and t >= 11) for t, x in enumerate(ttm)]}
    marks = {}   # running "last month number so far with the flag = v" rows, "none" before the first
    for key, values in flags.items():
        for v in (0, 1):
            hits = [t for t, x in enumerate(values) if x == v]
            marks[f"{key}.last_{v}"] = [max((h for h in hits if h <= t), default="none") for t in range(len(values))]
    for row in ws.iter_rows(min_row=5):
        key = row[2].value
        for c in row[3:]:
            if c.data_type != "f":
                continue
            t = months.get(c.column)
            if key in run.model.lines and t is not None:
                out[(ws.title, c.coordinate)] = _line_value(run, key, j, t, balances)
            elif key in flags:   # break-even: a full trailing twelve months (from the twelfth month) ≥ 0
                out[(ws.title, c.coordinate)] = flags[key][t]
            elif key in marks and t is not None:
                mark = marks[key][t]
                out[(ws.title, c.coordinate)] = mark if mark == "none" else float(mark)
            elif key in kpi_keys and c.column == 4:
                out[(ws.title, c.coordinate)] = _kpi(run, key, j)
            elif key in search:
                out[(ws.title, c.coordinate)] = search[key][c.column - 4]
            elif isinstance(key, str) and key.startswith(SINCE_KEY) and t is not None:
                date = run.workbook.param_values([run.scenarios[j]])[key.removeprefix(SINCE_KEY)][0]
                out[(ws.title, c.coordinate)] = float(t - date)   # the date as months from the start
    return out


def _line_value(run: Run, key: str, j: int, t: int, balances: bool = False):
    """numpy's value of a line in month t; a check line (a difference of balances, 0 up to rounding)
    is held to the size of the balances it compares, as an NPV near its root is. With ``balances``
    (an engine that rounds some products in the last bit differently from numpy: Gnumeric), a balance
    is held to the largest size it has had so far: one that falls back to 0 keeps the last-bit
    differences of what it added up (2.7e-9 against numpy's -4.8e-6 after 2e8 in and out)."""
    value = float(run.result.column(key, j)[t])
    if balances and key not in TERMS and run.model.lines[key].stock:
        history = run.result.column(key, j)[:t + 1]
        return Scaled(value, float(np.abs(history).max()))
    if key not in TERMS:
        return value
    return Scaled(value, max(abs(float(run.result.column(n, j)[t])) for n in TERMS[key]))


def _irr_search(run: Run, j: int) -> dict[str, list]:
    """cashcast's values of the IRR search's helper cells (reports/excel/irr.py's numpy mirror);
    an NPV at a trial rate is held to the size of its terms; a distance without a sign change is "none"."""
    flows = run.result.column("operating_cash_flow", j)
    values = search_values(flows)
    out = {k: [NO_ROOT if k.endswith("_distance") and np.isnan(x) else float(x) for x in v]
           for k, v in values.items()}
    t = np.arange(len(flows))
    for kind in ("coarse", "fine"):
        rates = values[f"irr.{kind}_rate"]
        scales = [float(np.abs(flows / (1 + r) ** t).sum()) for r in rates]
        out[f"irr.{kind}_npv"] = [Scaled(v, s) for v, s in zip(values[f"irr.{kind}_npv"], scales)]
    return out


# The yearly KPIs, computed here from a year's months of the lines, apart from the registry
def _arr(run: Run, year: dict | None) -> float:
    """12 × the year's last month of the subscription and licensing blocks' revenue (0 before the start)."""
    if year is None:
        return 0.0
    names = [f"{b.slug}.revenue" for b in run.workbook.blocks.values() if b.kind in ("subscription", "licensing")]
    return 12 * sum(float(year[n][-1]) for n in names)


def _ratio(top: float, bottom: float):
    return top / bottom if bottom > 0.005 else NEVER


YEARLY_EXPECTED = {
    "net_burn": lambda run, year, _before: -year["operating_cash_flow"].mean(),
    "gross_margin_year": lambda run, year, _before: _ratio(year["gross_profit"].sum(), year["revenue"].sum()),
    "arr": lambda run, year, _before: _arr(run, year),
    "burn_multiple": lambda run, year, before: _ratio(-year["operating_cash_flow"].sum(),
                                                      _arr(run, year) - _arr(run, before)),
}


def _annual_sheet(ws, run: Run, j: int, balances: bool = False) -> dict:
    out = {}
    years = run.years()
    index = {c.column: years.index(int(c.value)) for c in ws[4][3:] if c.value is not None}
    in_year = np.array([m.year for m in run.months])
    for row in ws.iter_rows(min_row=5):
        key = row[2].value
        if key in run.model.lines:
            ends = [max(t for t, m in enumerate(run.months) if m.year == y) for y in years]
            for c in row[3:]:
                if c.data_type == "f":
                    i = index[c.column]
                    scaled = key in TERMS or (balances and run.model.lines[key].stock)
                    out[(ws.title, c.coordinate)] = (_line_value(run, key, j, ends[i], balances) if scaled
                                                     else run.annual(key, j)[i])
        elif isinstance(key, str) and key.endswith(LARGEST) and key.removesuffix(LARGEST) in TERMS:
            name = key.removesuffix(LARGEST)
            largest = float(np.abs(run.result.column(name, j)).max())
            scale = max(float(np.abs(run.result.column(n, j)).max()) for n in TERMS[name])
            out[(ws.title, row[3].coordinate)] = Scaled(largest, scale)
        elif key in YEARLY_EXPECTED:
            by_year = [{n: run.result.column(n, j)[in_year == y] for n in run.model.lines} for y in years]
            annual = [YEARLY_EXPECTED[key](run, year, by_year[i - 1] if i else None)
                      for i, year in enumerate(by_year)]
            for c in row[3:]:
                if c.data_type == "f":
                    out[(ws.title, c.coordinate)] = annual[index[c.column]]
    return out


def _check_difference(run: Run, key: str, scenario: str):
    """What a check row of the Checks sheet must show for a scenario, worked from numpy's lines: a
    check line's largest difference, else 0 held to the size of the figures it compares."""
    j = run.scenarios.index(scenario)
    line = lambda name: run.result.column(name, j)  # noqa: E731
    if key in TERMS:
        return Scaled(float(np.abs(line(key)).max()), max(float(np.abs(line(n)).max()) for n in TERMS[key]))
    role = {"parts_revenue": "revenue", "parts_costs": "cost"}
    if key in role:
        parts = [n for n, ln in run.model.lines.items() if ln.role == role[key]]
        return Scaled(0.0, sum(float(np.abs(line(n)).sum()) for n in parts))
    if key == "cash_identity":
        opening = run.workbook.settings.value("opening_cash", scenario)
        return Scaled(0.0, abs(opening) + float(np.abs(line("net_change_in_cash")).sum()))
    name = key.removeprefix("annual_")
    return Scaled(0.0, float(np.abs(line(name)).sum()))


def _checks_sheet(ws, run: Run) -> dict:
    """The Checks sheet: each difference as numpy has it (0 error cells on every sheet), every check
    and all of them passing."""
    out = {("Checks", "F3"): True}
    for row in ws.iter_rows(min_row=6):
        key, where = row[2].value, row[1].value
        if key is None:
            continue
        diff = 0.0 if key == "errors" else _check_difference(run, key, where)
        out[("Checks", row[3].coordinate)] = diff
        out[("Checks", row[5].coordinate)] = True
    return out


def _evidence_shares(ws) -> dict:
    """The evidence shares of a Sensitivity sheet (its only formulas), worked from the sheet's own
    swing values (which cashcast computed and which edits to the inputs leave as they are): each row's
    swing over the column's sum, and per figure the estimate rows' and the sourced rows' sums over it;
    "n/a" where the column sums to 0."""
    e0, top = sensitivity_sheet.first_evidence() + 1, sensitivity_sheet.T_HEADER_ROW + 2   # 1-based
    rows = [r for r in range(top, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, (int, float))]
    n, out = len(sensitivity_sheet.evidence.HEADLINE), {}
    for k in range(n):
        swings = [float(ws.cell(r, e0 + 1 + k).value) for r in rows]
        total = sum(swings)
        for r, x in zip(rows, swings):
            out[(ws.title, f"{get_column_letter(e0 + 1 + n + k)}{r}")] = x / total if total else "n/a"
        for c in (sensitivity_sheet.T_BASE, sensitivity_sheet.T_HIGH):
            kind = ws.cell(sensitivity_sheet.T_BASE_ROW + 1, c + 1).value   # the kind word heading the column
            part = sum(x for r, x in zip(rows, swings) if ws.cell(r, e0).value == kind)
            out[(ws.title, f"{get_column_letter(c + 1)}{sensitivity_sheet.T_BASE_ROW + 2 + k}")] = (
                part / total if total else "n/a")
    return out


def _analyst_checks_sheet(ws, run: Run) -> dict:
    """The Analyst checks sheet: each check's actual value (a month as its date's serial, never as the
    text), its difference (in months for a month) and that it passes, as numpy's evaluation has them;
    found by the cell of the assumption workbook each row names (column J)."""
    results = {f"Checks!{r.check.where}": r for r in evaluate_checks(run)}
    out, ran = {}, []
    for row in ws.iter_rows(min_row=6):
        result = results.get(row[9].value)
        if result is None or isinstance(row[4].value, str) and not row[4].value.startswith("="):
            continue  # not a check, or one whose scenario was not run (no formula)
        x, d = result.actual, result.actual - result.check.expected
        if math.isnan(x):
            out[(ws.title, row[4].coordinate)] = NEVER
        elif result.kind == "month":
            out[(ws.title, row[4].coordinate)] = float(excel_serial(ordinal_to_date(int(x))))
        else:
            out[(ws.title, row[4].coordinate)] = Scaled(x, max(abs(x), 1.0))
        out[(ws.title, row[5].coordinate)] = BLANK if math.isnan(d) else Scaled(d, max(abs(x), 1.0))
        out[(ws.title, row[8].coordinate)] = result.passed
        ran.append(result.passed)
    if ran:
        out[(ws.title, "I3")] = all(ran)
    return out


def _cap_table_sheet(ws, run: Run, j: int) -> dict:
    """The JSON's cap table (numpy) of the selected scenario, found by round name and column heading."""
    figures = {r["round"]: r for r in cap_table(run, j)["rounds"]}
    key_of = dict(CAP_COLUMNS)
    top = next(row for row in ws.iter_rows() if row[0].value == "Round")
    keys = {c.column: key_of[c.value] for c in top}
    out = {}
    for row in ws.iter_rows(min_row=top[0].row + 1):
        if row[0].value not in figures:
            continue
        for c in row[1:]:
            expected = figures[row[0].value][keys[c.column]]
            if keys[c.column] == "month_signed":
                expected = float(excel_serial(dt.date(int(expected[:4]), int(expected[5:]), 1)))
            out[(ws.title, c.coordinate)] = expected
    return out


def _summary_sheet(ws, run: Run, j_of: dict, selected: str) -> dict:
    out = {("Summary", "C5"): float(run.workbook.scenario_names.index(selected) + 1)}
    key_of = {k.title: k.name for k in KPIS}
    header = {c.column: c.value for c in ws[7][2:] if c.value is not None}
    for row in ws.iter_rows(min_row=8, max_row=8 + len(KPIS) - 1):
        key = key_of[row[0].value]
        for c in row[2:]:
            if c.column in header:
                scenario = selected if c.column == 3 else header[c.column]
                out[("Summary", c.coordinate)] = _kpi(run, key, j_of[scenario])
    out.update(_comparison(ws, run, {col: j_of[name] for col, name in header.items() if col > 3}))
    return out


def _kpi_values(run: Run, key: str, j_of_col: dict) -> dict[int, float]:
    """{Summary column: numpy's key figure of the scenario that column shows} (NaN = never, n/a)."""
    values = run.kpis.get(key)
    return {col: float(values[j]) if values is not None else math.nan for col, j in j_of_col.items()}


def _comparison(ws, run: Run, j_of_col: dict[int, int]) -> dict:
    """The scenario comparison below the scenario list (when the report has one), from numpy's key
    figures of the scenario columns D.. of the key-figure table: differences from column D (the
    baseline), each scenario's rank score and rank, and the names in rank order."""
    out = {}
    key_of = {k.title: k.name for k in KPIS}
    cols = sorted(j_of_col)
    base_col = cols[0]
    horizon = run.model.horizon
    section = None
    for row in ws.iter_rows(min_row=8 + len(KPIS)):
        label = row[0].value
        if not isinstance(label, str):
            continue
        if label.startswith(("Difference from ", "Ranking, ")):
            section = label.split()[0]
        prefix, _, rest = label.partition(": ")
        key = key_of.get(label) or (key_of.get(rest) if prefix in ("Score", "Rank") else None)
        if key is None or section is None:
            continue
        values = _kpi_values(run, key, j_of_col)
        numbers = np.array([values[c] for c in cols])
        better = BETTER.get(key, +1)
        order = [cols[i] for i in rank(key, numbers, horizon)]
        for c in row[2:]:
            if c.data_type != "f":
                continue
            where = ("Summary", c.coordinate)
            if prefix == "Score":
                x = values[c.column]
                never = horizon + (1201 if key in BEYOND_HORIZON else 0)   # past a century of months
                if key in DATE_KPIS:
                    x = month_serial(run, never if math.isnan(x) else x)
                elif key in MONTH_KPIS:
                    x = (never - horizon if key in BEYOND_HORIZON else horizon) if math.isnan(x) else x
                out[where] = better * x if math.isfinite(x) else "n/a"   # text: ranked after every number
            elif prefix == "Rank":
                out[where] = float(order.index(c.column) + 1)
            elif section == "Ranking,":   # names best first, in columns C, D, ...
                out[where] = ws.cell(7, order[c.column - 3]).value
            else:   # a difference from the baseline
                a, b = values[c.column], values[base_col]
                if math.isnan(a) or math.isnan(b):
                    out[where] = NEVER
                elif key in MONTH_KPIS:
                    out[where] = a - b
                else:
                    out[where] = Scaled(a - b, max(abs(a), abs(b)))
    return out


def _assumptions_sheet(ws, run: Run, selected: str) -> dict:
    out = {}
    header = {c.column: c.value for c in ws[5] if c.value is not None}
    name_col = next(col for col, text in header.items() if text == "Defined name")
    scenario_of = {col: (selected if text.startswith("In use") else text[len("In force: "):])
                   for col, text in header.items() if text.startswith(("In use", "In force: "))}
    for row in ws.iter_rows(min_row=6):
        key = row[name_col - 1].value
        for col, scenario in scenario_of.items():
            c = row[col - 1]
            if c.data_type == "f":
                out[("Assumptions", c.coordinate)] = _param_in_excel(run, key, scenario)
    return out


def mismatches(recalculated, report, run: Run, limit: int = 20, balances: bool = False) -> list[str]:
    """Formula cells whose recalculated value differs from numpy, and unchecked formula cells
    (``balances``: see :func:`_line_value`)."""
    exp = expectations(report, run, balances)
    problems = [f"{s}!{c}: a formula cell the test cannot check" for s, c in exp.unchecked]
    for (sheet, coord), expected in exp.cells.items():
        actual = recalculated[sheet][coord].value
        if not matches(actual, expected):
            shown = "never/n/a" if expected is NEVER else getattr(expected, "value", expected)
            problems.append(f"{sheet}!{coord} = {actual!r}, numpy {shown!r} "
                            f"({report[sheet][coord].value[:80]})")
    return problems[:limit] + ([f"... {len(problems) - limit} more"] if len(problems) > limit else [])


def error_cells(wb) -> list[str]:
    """Cells holding a spreadsheet error, anywhere in the workbook (values view)."""
    return [f"{ws.title}!{c.coordinate}: {c.value}" for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if isinstance(c.value, str) and c.value.startswith(ERROR_TEXTS)]


# ------------------------------------------------------------------------------------------------
# The uncertainty sheets (values cashcast computed): read back in engine terms
# ------------------------------------------------------------------------------------------------
def month_index(value, months: list[dt.date]) -> float:
    """A month cell read back as the month index from the start; the text "never" as NaN."""
    if value == "never":
        return math.nan
    assert isinstance(value, dt.datetime) and value.day == 1, value
    return float(value.year * 12 + value.month - months[0].year * 12 - months[0].month)


def engine_value(value, months: list[dt.date], kpi: str | None = None, dimension: str = "") -> float:
    """A value of the Sensitivity or Simulation sheet as the engine holds it: months as indices, the
    texts "never" and "n/a" as NaN."""
    if (kpi in DATE_KPIS or dimension == "date") or value == "never":
        return month_index(value, months)
    if value == "n/a":
        return math.nan
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return float(value)


def table_below(ws, first_header: str) -> tuple[int, list[tuple]]:
    """(header row, the rows below it until a blank first column) of the table whose header row starts
    with ``first_header`` in column A."""
    rows = list(ws.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    body = []
    for r in rows[top + 1:]:
        if r[0] is None:
            break
        body.append(r)
    return top + 1, body
