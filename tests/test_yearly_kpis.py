"""The yearly KPIs gross_margin, arr and burn_multiple (issue 10, part 3) to the cent, on a workbook
computed by hand, through the JSON, the annual CSV and the HTML annual table."""
from __future__ import annotations

import csv
import io
import json
import math

from types import SimpleNamespace

import numpy as np
import pytest
from openpyxl.utils import get_column_letter

from cashcast.models.analysis.kpis import YEARLY, ResultLines
from cashcast.models.engine.annual import year_spans
from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.yearly import HALF_CENT, BurnMultiple, PerYear, YearEndRunRate, YearRatio
from cashcast.reports.excel.report import excel_bytes
from cashcast.reports.outputs import annual_csv_text, json_text
from cashcast.reports.tables import annual_table
from tests.excel_checks import expectations, formula_cells, matches, open_report
from tests.formula_eval import evaluate
from tests.helpers import row, settings

CENT = 0.005

# Three years from January 2023. Subscription: 1,000 users (2,000 from 2024) × 10% × $10 a month,
# 10% churn, $30 per gross add, $2 a payer a month to serve. Licensing: 2 × $12,000 a year. Usage:
# 1,000 calls × $1 a month (not recurring). Hosting $600 a month (cost of revenue), office $36,000 a
# year (G&A).
ROWS = [
    row("Plus", "subscription", "audience", 1000, "users"),
    row("Plus", "subscription", "audience@2024", 2000, "users"),
    row("Plus", "subscription", "conversion", 0.10, "%"),
    row("Plus", "subscription", "price", 10, "USD/month"),
    row("Plus", "subscription", "churn", 0.10, "%"),
    row("Plus", "subscription", "cac", 30, "USD/subscriber"),
    row("Plus", "subscription", "cost_per_subscriber", 2, "USD/subscriber/month"),
    row("API", "licensing", "customers", 2, "platforms"),
    row("API", "licensing", "annual_fee", 12_000, "USD/year"),
    row("Calls", "usage", "volume", 1000, "calls/month"),
    row("Calls", "usage", "unit_price", 1, "USD/call"),
    row("Hosting", "cost", "amount", 600, "USD/month"),
    row("Hosting", "cost", "category", "cost_of_revenue", ""),
    row("Office", "cost", "amount", 36_000, "USD/year"),
]
# By hand, per year:
#   2023: 100 payers all year; gross adds 100 in January then 10 a month: CAC (100 + 11 × 10) × 30 =
#         6,300. Revenue 12,000 (Plus) + 24,000 (API) + 12,000 (calls) = 48,000; cost of revenue
#         2,400 (serving 100 × 2 × 12) + 7,200 (hosting) = 9,600: gross margin 38,400 ÷ 48,000 = 80%.
#         Operating cash flow 48,000 − 9,600 − 6,300 − 36,000 = −3,900: net burn 325 a month.
#         ARR 12 × (1,000 + 2,000) = 36,000 (calls are not recurring), all new: burn multiple
#         3,900 ÷ 36,000.
#   2024: 200 payers; gross adds 200 − 90 = 110 in January then 20 a month: CAC 330 × 30 = 9,900.
#         Revenue 24,000 + 24,000 + 12,000 = 60,000; cost of revenue 4,800 + 7,200 = 12,000 (80%).
#         Operating cash flow 60,000 − 12,000 − 9,900 − 36,000 = 2,100: net burn −175 a month.
#         ARR 12 × (2,000 + 2,000) = 48,000; net new 12,000: burn multiple −2,100 ÷ 12,000 = −0.175.
#   2025: as 2024 but 20 gross adds every month: CAC 7,200; operating cash flow 4,800; ARR flat at
#         48,000: no burn multiple.
EXPECTED = {
    "gross_margin_year": [0.8, 0.8, 0.8],
    "arr": [36_000.00, 48_000.00, 48_000.00],
    "net_burn": [325.00, -175.00, -400.00],
    "burn_multiple": [3_900 / 36_000, -0.175, None],
}


@pytest.fixture
def hand(make_workbook):
    return run_file(make_workbook(ROWS, settings(horizon_months=36)))


def _close(actual, expected, tolerance):
    if expected is None:
        return actual is None or (isinstance(actual, float) and math.isnan(actual))
    return actual == pytest.approx(expected, abs=tolerance)


def test_the_hand_computed_lines_hold(hand):
    assert hand.annual("operating_cash_flow", 0) == pytest.approx([-3_900.00, 2_100.00, 4_800.00], abs=CENT)
    assert hand.annual("plus.acquisition_cost", 0) == pytest.approx([6_300.00, 9_900.00, 7_200.00], abs=CENT)
    assert hand.annual("cost_of_revenue", 0) == pytest.approx([9_600.00, 12_000.00, 12_000.00], abs=CENT)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_yearly_kpi_to_the_cent(hand, name):
    values = hand.yearly[name][:, 0]
    money = next(k for k in YEARLY if k.name == name).kind == "money"
    for actual, expected in zip(values, EXPECTED[name]):
        assert _close(float(actual), expected, CENT if money else 1e-12), (name, values)


def test_the_json_and_the_annual_csv_hold_them_null_where_undefined(hand):
    data = json.loads(json_text(Outcome(hand)))
    kpis = data["scenarios"]["base"]["annual"]["kpis"]
    for name, expected in EXPECTED.items():
        for actual, want in zip(kpis[name], expected):
            assert _close(actual, want, CENT), (name, kpis[name])
    assert kpis["burn_multiple"][2] is None
    rows = list(csv.DictReader(io.StringIO(annual_csv_text(Outcome(hand)))))
    assert [r["burn_multiple"] for r in rows][2] == ""
    assert float(rows[0]["arr"]) == pytest.approx(36_000.00, abs=CENT)
    assert float(rows[1]["gross_margin_year"]) == pytest.approx(0.8, abs=1e-12)


def test_no_revenue_no_margin_no_arr_and_no_multiple(make_workbook):
    run = run_file(make_workbook([row("Office", "cost", "amount", 1_000, "USD/month")]))
    assert all(math.isnan(x) for x in run.yearly["gross_margin_year"][:, 0])
    assert run.yearly["arr"][:, 0].tolist() == [0.0, 0.0]
    assert all(math.isnan(x) for x in run.yearly["burn_multiple"][:, 0])
    assert run.yearly["net_burn"][:, 0] == pytest.approx([1_000.00, 1_000.00], abs=CENT)


def test_the_html_annual_table_shows_them(hand):
    from cashcast.reports.html.sections import yearly_kpi_rows
    rows = {r.label.split(" (")[0]: r for r in yearly_kpi_rows(annual_table(hand, 0), "USD")}
    assert rows["Gross margin"].values == ["80.0%", "80.0%", "80.0%"]
    assert rows["ARR"].values == ["$36K", "$48K", "$48K"]
    assert rows["Burn multiple"].values == ["0.11×", "−0.17×", "—"]


class _Lines:
    """A stand-in evaluation context: each line a (months, paths) array."""

    def __init__(self, **lines):
        self.lines = {k: np.asarray(v, dtype=float).reshape(-1, 1) for k, v in lines.items()}

    def line(self, name):
        return self.lines[name]


def test_a_year_ratio_needs_more_than_half_a_cent_below_it():
    """Exactly half a cent of revenue over a year is too little for a margin (null); a cent is enough."""
    from cashcast.models.analysis.yearly import YearRatio
    spans = [(2023, 0, 1), (2024, 2, 3)]
    ctx = _Lines(gross_profit=[0.001, 0.001, 0.002, 0.002], revenue=[0.0025, 0.0025, 0.005, 0.005])
    got = YearRatio("gross_profit", "revenue").np(ctx, spans)[:, 0]
    assert np.isnan(got[0]) and got[1] == pytest.approx(0.4)


def test_plain_revenue_marked_recurring_counts_in_arr_and_unmarked_does_not(make_workbook):
    """A run-rate of contracts typed as plain revenue: $37,000 a year (3,083.33 a month) marked recurring,
    $23,000 a year of one-off sales not. ARR at each year end = 12 × 37,000 / 12 = 37,000; the second
    block adds nothing; without the row (or with "no") ARR is 0. Excel gives the same (the arr formula
    names the recurring lines' cells)."""
    contracts = [row("Contracts", "revenue", "amount", 37_000, "USD/year")]
    one_off = [row("Projects", "revenue", "amount", 23_000, "USD/year"), row("Projects", "revenue", "recurring", "no", "")]
    marked = run_file(make_workbook([*contracts, row("Contracts", "revenue", "recurring", "YES", ""), *one_off]))
    assert marked.yearly["arr"][:, 0] == pytest.approx([37_000.00, 37_000.00], abs=CENT)
    assert run_file(make_workbook([*contracts, *one_off])).yearly["arr"][:, 0].tolist() == [0.0, 0.0]


def test_recurring_takes_yes_or_no_only(make_workbook):
    from tests.helpers import problems_when_run
    found = problems_when_run(make_workbook([row("Contracts", "revenue", "amount", 37_000, "USD/year"),
                                       row("Contracts", "revenue", "recurring", "maybe", "")]))
    assert len(found) == 1 and "Assumptions!D3" in found[0] and "yes, no" in found[0], found


def test_a_burn_multiple_needs_arr_to_grow_by_more_than_half_a_cent():
    """ARR growing by exactly half a cent over a year gives no multiple (null); by a cent, one."""
    from cashcast.models.analysis.yearly import HALF_CENT, BurnMultiple
    spans = [(2023, 0, 1), (2024, 2, 3)]
    december = [HALF_CENT / 12, 3 * HALF_CENT / 12]   # ARR 0.005 then 0.015: new 0.005, then 0.01
    assert 12 * december[0] == HALF_CENT and 12 * december[1] - 12 * december[0] > HALF_CENT
    ctx = _Stand(["plus"], {"plus.revenue": [0.0, december[0], 0.0, december[1]],
                            "operating_cash_flow": [-0.03, -0.04, -0.05, -0.07]})
    got = BurnMultiple("operating_cash_flow").np(ctx, spans)[:, 0]
    assert np.isnan(got[0]) and got[1] == pytest.approx(0.12 / (12 * december[1] - HALF_CENT), rel=1e-12)


# ------------------------------------------------------------------------------------------------
# Each yearly reduction's Excel formula, evaluated (tests/formula_eval.py) over the cells it names,
# equals its numpy value: the Annual sheet without LibreOffice.
# ------------------------------------------------------------------------------------------------
class _Stand(_Lines):
    """A stand-in for both sides: ``line(name)`` for numpy, and a Monthly sheet (row 9 onwards, one
    line a row, month t in column D + t) with ``span(line)``, ``before(line)`` and ``model`` for
    the formula of one year, ``year``."""

    def __init__(self, recurring, lines):
        super().__init__(**lines)
        blocks = {s: SimpleNamespace(slug=s, kind="subscription", rows={}) for s in recurring}
        blocks["calls"] = SimpleNamespace(slug="calls", kind="usage", rows={})
        self.model = SimpleNamespace(workbook=SimpleNamespace(blocks=blocks), lines=set(lines),
                                     horizon=len(next(iter(lines.values()))))
        self.result = SimpleNamespace(model=self.model, size=1)
        self.rows = {name: 9 + i for i, name in enumerate(lines)}
        self.year = (0, 0)

    def cell(self, name, t):
        return f"Monthly!{get_column_letter(4 + t)}{self.rows[name]}"

    def span(self, name):
        return self.cell(name, self.year[0]), self.cell(name, self.year[1])

    def before(self, name):
        return self.cell(name, self.year[0] - 1) if self.year[0] else None

    def sheet(self):
        return {("Monthly", self.cell(n, t).removeprefix("Monthly!")): float(v[t, 0]) for n, v in self.lines.items()
                for t in range(len(v))}


def _excel_years(reduction, stand, spans):
    out = []
    for _year, a, b in spans:
        stand.year = (a, b)
        value = evaluate(reduction.xl(stand), "Annual", stand.sheet())
        out.append(math.nan if value == "n/a" else value)
    return out


# Two years of three months; every figure distinct and no factor 1. In the first year the ARR
# (12 × December's plus.revenue) and the year's calls revenue are exactly half a cent: no burn multiple
# and no margin over calls; the second year's are well above it.
STAND_LINES = {
    "plus.revenue": [0.0, 0.0, HALF_CENT / 12, 7.0, 11.0, 13.0],
    "api.revenue": [0.0, 0.0, 0.0, 17.0, 19.0, 23.0],
    "calls.revenue": [0.0, 0.0, HALF_CENT, 29.0, 31.0, 37.0],
    "gross_profit": [0.0005, 0.0007, 0.0011, 41.0, 43.0, -47.0],
    "operating_cash_flow": [-53.0, 59.0, -61.0, 67.0, -71.0, -73.0],
}
STAND_SPANS = [(2023, 0, 2), (2024, 3, 5)]
REDUCTIONS = {
    "sum": PerYear("operating_cash_flow", "sum"), "end": PerYear("api.revenue", "end"),
    "mean": PerYear("gross_profit", "mean"), "-mean": PerYear("operating_cash_flow", "mean", sign=-1),
    "-sum": PerYear("calls.revenue", "sum", sign=-1),
    "margin": YearRatio("gross_profit", "calls.revenue"), "arr": YearEndRunRate(),
    "burn multiple": BurnMultiple("operating_cash_flow"),
}


@pytest.mark.parametrize("recurring", [["plus", "api"], []], ids=["recurring revenue", "none"])
@pytest.mark.parametrize("name", list(REDUCTIONS))
def test_each_yearly_formula_evaluates_to_its_numpy_value(name, recurring):
    stand = _Stand(recurring, STAND_LINES)
    numpy_years = REDUCTIONS[name].np(stand, STAND_SPANS)[:, 0]
    excel_years = _excel_years(REDUCTIONS[name], stand, STAND_SPANS)
    assert excel_years == pytest.approx(list(numpy_years), rel=1e-12, abs=1e-15, nan_ok=True)


def test_the_stand_in_reaches_every_boundary():
    """The figures above are what the boundaries need: the first year's revenue and new ARR are
    exactly half a cent (null), the second year's are not, and a sign is visible in every year."""
    stand = _Stand(["plus", "api"], STAND_LINES)
    arr = REDUCTIONS["arr"].np(stand, STAND_SPANS)[:, 0]
    assert arr[0] == HALF_CENT and arr[1] == 12 * (13.0 + 23.0)
    margin = REDUCTIONS["margin"].np(stand, STAND_SPANS)[:, 0]
    assert np.isnan(margin[0]) and margin[1] == pytest.approx(37.0 / 97.0, rel=1e-12)
    multiple = REDUCTIONS["burn multiple"].np(stand, STAND_SPANS)[:, 0]
    assert np.isnan(multiple[0]) and multiple[1] == pytest.approx(77.0 / (432.0 - HALF_CENT), rel=1e-12)
    assert REDUCTIONS["-mean"].np(stand, STAND_SPANS)[:, 0] == pytest.approx([55.0 / 3, 77.0 / 3], rel=1e-12)


def test_every_annual_formula_of_the_report_evaluates_to_numpys_figure(hand):
    """The hand-worked workbook's report: each Annual cell's formula, evaluated over the Monthly
    sheet's cells, equals numpy's figure for it (the yearly KPIs, and every line by its fold)."""
    data = excel_bytes(hand)
    formulas, values = open_report(data), open_report(data, values=True)
    cells = {(ws.title, c.coordinate): c.value for ws in values.worksheets for r in ws.iter_rows() for c in r}
    expected = expectations(formulas, hand).cells
    annual = {k: f for k, f in formula_cells(formulas).items()
              if k[0] == "Annual" and formulas["Annual"][k[1]].row >= 5}   # below the header rows
    keys = {formulas["Annual"].cell(formulas["Annual"][c].row, 3).value for _s, c in annual}
    assert {k.name for k in YEARLY} <= keys and {"operating_cash_flow", "closing_cash"} <= keys
    wrong = {k: (f, evaluate(f, "Annual", cells), expected.get(k)) for k, f in annual.items()
             if k not in expected or not matches(evaluate(f, "Annual", cells), expected[k])}
    assert not wrong


class _Recording(ResultLines):
    """The KPIs' numpy context, noting each line read."""

    def __init__(self, result):
        super().__init__(result)
        object.__setattr__(self, "read", set())

    def line(self, name):
        self.read.add(name)
        return super().line(name)


def test_each_yearly_kpi_names_exactly_the_lines_it_reads(hand):
    """``lines(model)`` is what a yearly KPI declares it needs: the lines its numpy value reads."""
    spans = year_spans(hand.model.workbook.months())
    for kpi in YEARLY:
        ctx = _Recording(hand.result)
        kpi.definition.np(ctx, spans)
        assert kpi.definition.lines(hand.model) == ctx.read, kpi.name
    assert YEARLY[-1].definition.lines(hand.model) == {"operating_cash_flow", "plus.revenue", "api.revenue"}
