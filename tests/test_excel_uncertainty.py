"""The Excel report's uncertainty parts, read back with openpyxl (LibreOffice: see test_excel_parity).

* the Sensitivity sheet is the tornado: its rows in the tornado's order, with its numbers;
* a Simulation sheet per scenario is its Monte Carlo: percentiles with their 95% intervals,
  cash-out probabilities with their Wilson intervals, the assumptions varied in that scenario, the
  fan, and the text saying these are values computed from N samples with seed S, not live formulas;
* the scenario comparison on Summary caches analyse()'s differences and ranking;
* charts, formats, print set-up, text staying text, and the same inputs and seed giving the same bytes.
"""
from __future__ import annotations

import io
import math
import re
import warnings
import zipfile

import pytest

from cashcast.models.analysis.evidence import HEADLINE
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.uncertainty import analyse
from cashcast.models.statements.ownership import round_terms
from cashcast.reports.excel.report import excel_bytes
from cashcast.reports.excel.sheets import sensitivity as sensitivity_sheet
from cashcast.models.analysis.kpis import KPIS, simulated
from tests.excel_checks import (
    EXAMPLE_NAMES, engine_value, example_path, expectations, matches, month_index, open_report, table_below,
)

SAMPLES, SEED = 500, 7
LABELS = {k.name: k.title for k in KPIS}
SIM_KPIS = [k.name for k in simulated()]
TORNADO_COLUMNS = ("runway_months", "cash_out_month", "break_even_month", "npv")   # at low, at high


def same(actual: float, expected: float) -> bool:
    """Equal numbers, or both NaN ("never", "n/a")."""
    if math.isnan(expected):
        return math.isnan(actual)
    return math.isclose(actual, expected, rel_tol=1e-12, abs_tol=1e-9)


@pytest.fixture(scope="module", params=EXAMPLE_NAMES)
def report(request, tmp_path_factory):
    """(run, analysis, bytes, formulas view, values view) of one example with its uncertainty."""
    path = example_path(request.param, tmp_path_factory.mktemp("uncertainty"))
    run = run_file(path)
    analysis = analyse(run, SAMPLES, SEED)
    data = excel_bytes(run, analysis)
    return run, analysis, data, open_report(data), open_report(data, values=True)


def test_the_uncertainty_sheets_exist_with_their_titles(report):
    run, analysis, _data, wb, _values = report
    n = len(run.scenarios)
    cap = ["Cap table"] if any(t.post is not None for t in round_terms(run.workbook)) else []
    fixed = ["Summary", "Assumptions", "Monthly", "Annual", *[f"Statements {s}" for s in run.scenarios], *cap]
    assert wb.sheetnames[:len(fixed)] == fixed
    k = len(fixed)
    assert wb.sheetnames[k:k + n] == [f"Sensitivity {s}" for s in run.scenarios]
    assert wb.sheetnames[k + n:k + 2 * n] == [f"Simulation {s}" for s in run.scenarios]
    analyst = ["Analyst checks"] if run.workbook.checks else []   # the assumption workbook's own Checks sheet
    assert wb.sheetnames[k + 2 * n:] == ["Sources", "Checks", *analyst] + [f"Scenario {s}" for s in run.scenarios]
    base = run.scenarios[0]
    for s in run.scenarios:
        assert wb[f"Sensitivity {s}"]["A1"].value.startswith(f"Sensitivity of scenario {s}: ")
        assert analysis.tornadoes[s].scenario == s
    for s in run.scenarios:
        assert wb[f"Simulation {s}"]["A1"].value == f"Monte Carlo simulation of scenario {s} (simulation output)"
        assert wb[f"Simulation {s}"]["A3"].value.startswith(f"Scenario {s}: {analysis.simulations[s].description} — ")
    assert analysis.tornado.scenario == analysis.simulation.scenario == base
    assert list(analysis.simulations) == run.scenarios


def test_the_value_sheets_say_they_are_computed_values_not_formulas(report):
    _run, _analysis, _data, wb, _values = report
    sims = [n for n in wb.sheetnames if n.startswith("Simulation ")]
    for name in sims:
        marking = wb[name]["A2"].value
        assert marking.startswith(f"Simulation output, not live formulas: values computed by cashcast from "
                                  f"{SAMPLES:,} samples with seed {SEED}.")
        assert wb[name]["A2"].font.bold
    tornadoes = [n for n in wb.sheetnames if n.startswith("Sensitivity ")]
    assert len(tornadoes) == len(sims)
    for name in tornadoes:
        assert wb[name]["A2"].value.startswith("Values computed by cashcast, not live formulas")
    for name in sims:
        ws = wb[name]
        assert not [c.coordinate for r in ws.iter_rows() for c in r if c.data_type == "f"], name
    shares = [sensitivity_sheet.first_evidence() + 1 + len(HEADLINE) + k for k in range(len(HEADLINE))]
    for name in tornadoes:   # the evidence shares alone are formulas: the summary and one per row
        ws = wb[name]
        found = {(c.row, c.column - 1) for r in ws.iter_rows() for c in r if c.data_type == "f"}
        summary = {(sensitivity_sheet.T_BASE_ROW + 2 + k, c) for k in range(len(HEADLINE))
                   for c in (sensitivity_sheet.T_BASE, sensitivity_sheet.T_HIGH)}
        rows = {c.row for c in ws["A"] if isinstance(c.value, int) and c.row > sensitivity_sheet.T_HEADER_ROW}
        assert found == summary | {(r, c) for r in rows for c in shares}, name


@pytest.mark.parametrize("which", [0, -1], ids=["first scenario", "last scenario"])
def test_tornado_rows_are_in_the_tornados_order_with_its_numbers(report, which):
    run, analysis, _data, _wb, values = report
    tor, months = analysis.tornadoes[run.scenarios[which]], run.months
    ws = values[f"Sensitivity {tor.scenario}"]
    header_row, body = table_below(ws, "#")
    header = [c.value for c in ws[header_row]]
    assert header[:6] == ["#", "Assumption", "Unit", "Low", "Base value", "High"]
    assert tor.bars or which, "every example has assumptions with a low or a high in its base case"
    if not tor.bars:
        assert body[0][1] == "No assumption has a low or a high: nothing to swing."
        body = []
    assert [r[1] for r in body] == [b.parameter for b in tor.bars]
    assert [r[0] for r in body] == list(range(1, len(tor.bars) + 1))
    for r, bar in zip(body, tor.bars):
        assert r[2] == bar.unit
        for got, want in zip(r[3:6], (bar.low, bar.value, bar.high)):
            assert same(engine_value(got, months, dimension=bar.dimension), want), (bar.parameter, got, want)
        for k, kpi in enumerate(TORNADO_COLUMNS):
            s = bar.swings[kpi]
            for got, want in zip(r[6 + 2 * k:8 + 2 * k], (s.low, s.high)):
                assert same(engine_value(got, months, kpi), want), (bar.parameter, kpi, got, want)
        swings = [bar.swings[k].swing for k in ("runway_months", "break_even_month", "npv")]
        assert list(r[14:17]) == pytest.approx(swings, rel=1e-12)
    base = {ws.cell(5 + i, 2).value: ws.cell(5 + i, 3).value for i in range(1, 5)}
    assert same(engine_value(base["Runway"], months, "runway_months"), tor.base["runway_months"])
    assert same(engine_value(base["Break-even month"], months, "break_even_month"), tor.base["break_even_month"])
    assert base["NPV"] == pytest.approx(tor.base["npv"], rel=1e-12)


def test_never_is_text_and_months_are_dates_on_the_value_sheets(report):
    _run, _analysis, _data, wb, _values = report
    for name in [n for n in wb.sheetnames if n.startswith(("Sensitivity ", "Simulation "))]:
        for row in wb[name].iter_rows():
            for c in row:
                if c.value in ("never", "n/a"):
                    assert c.data_type == "s" and c.alignment.horizontal == "right", (name, c.coordinate)
                elif c.is_date:
                    assert c.number_format == "mmm yyyy", (name, c.coordinate, c.number_format)
    swings = [c.number_format for c in wb[f"Sensitivity {_run.scenarios[0]}"][12][14:17]]
    money = "M" if _run.workbook.settings.currency == "USD" else "亿"   # the RMB swings are of 10^8 and more
    assert "months" in swings[0] and "months" in swings[1] and money in swings[2]


@pytest.mark.parametrize("which", [0, -1], ids=["first scenario", "last scenario"])
def test_simulation_percentiles_equal_the_analysis(report, which):
    run, analysis, _data, _wb, values = report
    sim, months = analysis.simulations[run.scenarios[which]], run.months
    ws = values[f"Simulation {sim.scenario}"]
    _header, body = table_below(ws, "Key figure")
    assert [r[0] for r in body] == [LABELS[k] for k in SIM_KPIS]
    for r, kpi in zip(body, SIM_KPIS):
        p = sim.percentiles[kpi]
        for got, want in zip(r[2:5], (p.p10, p.p50, p.p90)):
            assert same(engine_value(got, months, kpi), want), (kpi, got, want)
        for got, want in zip(r[7:13], [x for q in ("p10", "p50", "p90") for x in p.ci95[q]]):
            assert same(engine_value(got, months, kpi), want), (kpi, got, want)
        if kpi in ("cash_out_month", "runway_months", "break_even_month"):
            assert r[5] == "n/a" and r[6] == pytest.approx(p.never)
        else:
            assert r[5] == pytest.approx(p.mean, rel=1e-12)
    _header, years = table_below(ws, "Year")
    assert {r[0]: r[2] for r in years} == pytest.approx(sim.cash_out_by_year)
    assert [tuple(r[3:5]) for r in years] == [pytest.approx(sim.probability_ci95(p))
                                              for p in sim.cash_out_by_year.values()]
    last = {m.year: t for t, m in enumerate(months)}
    assert [month_index(r[1], months) for r in years] == [last[y] for y in sim.cash_out_by_year]
    _header, varied = table_below(ws, "Assumption")
    assert [r[0] for r in varied] == [u.label for u in sim.varied]
    _correlations_listed(ws, sim)
    _header, fan = table_below(ws, "Month")
    assert [month_index(r[0], months) for r in fan] == list(range(len(months)))
    for q, col in (("p10", 1), ("p50", 2), ("p90", 3)):
        assert [r[col] for r in fan] == pytest.approx(list(getattr(sim.fan, q)), rel=1e-12)


def _correlations_listed(ws, sim):
    """The pairs of the Correlations sheet applied in the scenario (both sides varied), or the note
    that its assumptions are drawn independently."""
    varied = {u.label for u in sim.varied}
    want = [(c.first, c.second, c.rho, c.source) for c in sim.correlations]
    assert all(a in varied and b in varied for a, b, _rho, _src in want)
    if not want:
        notes = [r[0] for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], str)]
        assert (f"Correlations applied in scenario {sim.scenario}: none — the assumptions varied are "
                "drawn independently of each other.") in notes
        return
    _header, body = table_below(ws, "First assumption")
    assert [tuple(r[:4]) for r in body] == want


def test_flagship_simulation_sheets_list_its_correlations(tmp_path):
    """The flagship's Correlations sheet has three pairs, every one varied in its base case."""
    run = run_file(example_path("openai", tmp_path))
    analysis = analyse(run, 200, SEED)
    values = open_report(excel_bytes(run, analysis), values=True)
    base = analysis.simulations["base"]
    assert [(c.first, c.rho) for c in base.correlations] == [
        ("Serving ChatGPT.cost_per_day", 0.6), ("Frontier training.cost_per_run", 0.4),
        ("API licensing.customers", -0.5)]
    for name, sim in analysis.simulations.items():
        _correlations_listed(values[f"Simulation {name}"], sim)


def test_summary_compares_the_scenarios_as_the_analysis_does(report):
    """Cached values (what a reader that does not calculate sees) equal analyse()'s comparison;
    the live formulas are held to numpy by the parity tests and by test_excel_formulas' expectations."""
    run, analysis, _data, wb, values = report
    cmp = analysis.comparison
    ws = values["Summary"]
    rows = list(ws.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if str(r[0]).startswith("Difference from "))
    assert rows[top][0] == f"Difference from {cmp.baseline} (scenario − baseline)"
    names = list(rows[top][4:4 + len(cmp.scenarios) - 1])
    assert names == cmp.scenarios[1:]
    key_of = {k.title: k.name for k in KPIS}
    for r in rows[top + 1:top + 1 + len(KPIS)]:
        key = key_of[r[0]]
        for name, got in zip(names, r[4:]):
            want = cmp.differences[name][key]
            assert (got == "n/a") if math.isnan(want) else got == pytest.approx(want, rel=1e-12), (key, name)
    top = next(i for i, r in enumerate(rows) if str(r[0]).startswith("Ranking, best first"))
    ranking = {key_of[r[0]]: list(r[2:2 + len(cmp.scenarios)]) for r in rows[top + 1:top + 1 + len(KPIS)]}
    assert ranking == {k.name: cmp.ranking[k.name] for k in KPIS}
    exp = expectations(wb, run)
    assert not exp.unchecked
    wrong = [(k, values[k[0]][k[1]].value, v) for k, v in exp.cells.items()
             if k[0] == "Summary" and not matches(values[k[0]][k[1]].value, v)]
    assert not wrong, wrong[:5]
    helpers = [r for r in wb["Summary"].iter_rows() if str(r[0].value).startswith(("Score: ", "Rank: "))]
    assert len(helpers) == 2 * len(KPIS)
    assert all(wb["Summary"].row_dimensions[r[0].row].hidden for r in helpers)


def test_charts_print_set_up_and_panes(report):
    _run, _analysis, data, wb, _values = report
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        charts = {re.findall(r"<a:t>([^<]*)</a:t>", zf.read(n).decode())[0]: zf.read(n).decode()
                  for n in zf.namelist() if n.startswith("xl/charts/chart")}
    tornadoes = [x for t, x in charts.items() if t.startswith(("Runway swing by", "NPV swing by"))]
    assert len(tornadoes) == sum(1 for t in _analysis.tornadoes.values() if t.bars)
    for tornado in tornadoes:
        assert '<c:barDir val="bar"/>' in tornado and "Sensitivity " in tornado
    fans = [x for t, x in charts.items() if t.startswith("Closing cash, scenario ")]
    assert len(fans) == len(_run.scenarios)
    for fan in fans:
        assert "<c:lineChart>" in fan and len(re.findall("<c:ser>", fan)) == 3
    for name in [f"{kind} {s}" for kind in ("Sensitivity", "Simulation") for s in _run.scenarios]:
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    for s in _run.scenarios:
        assert wb[f"Sensitivity {s}"].freeze_panes == "C12"
        assert wb[f"Sensitivity {s}"].print_title_rows == "$1:$11"


def test_the_chart_shows_runway_swings_unless_no_assumption_moves_the_runway(report):
    _run, analysis, data, _wb, _values = report
    moves = any(b.swings["runway_months"].swing > 0 for b in analysis.tornado.bars)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        titles = [re.findall(r"<a:t>([^<]*)</a:t>", zf.read(n).decode())[0]
                  for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert any(t.startswith("Runway swing by" if moves else "NPV swing by") for t in titles)


def test_same_inputs_and_seed_give_identical_bytes(report):
    run, analysis, data, _wb, _values = report
    assert excel_bytes(run, analyse(run, SAMPLES, SEED)) == data
    assert excel_bytes(run, analyse(run, SAMPLES, SEED + 1)) != data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        excel_bytes(run, analysis)


def test_without_an_analysis_or_samples_the_sheets_are_left_out(tmp_path):
    run = run_file(example_path("every-kind", tmp_path))
    plain = open_report(excel_bytes(run))
    assert not any(n.startswith(("Sensitivity", "Simulation")) for n in plain.sheetnames)
    assert not any(str(r[0].value).startswith("Difference from") for r in plain["Summary"].iter_rows())
    no_samples = open_report(excel_bytes(run, analyse(run, 0, SEED)))
    assert [n for n in no_samples.sheetnames if n.startswith("Sensitivity")] == [
        f"Sensitivity {s}" for s in run.scenarios]
    assert not any(n.startswith("Simulation") for n in no_samples.sheetnames)


def test_an_analysis_of_another_run_is_refused(tmp_path):
    path = example_path("every-kind", tmp_path)
    with pytest.raises(ValueError, match="not of this run"):
        excel_bytes(run_file(path, ["slow"]), analyse(run_file(path), 0, SEED))
