"""What makes `cashcast run` fast must not change what it writes.

* The Excel report written with :class:`~cashcast.reports.excel.worksheet.FinalFormulaWorksheet`
  (formulas stored without XlsxWriter's per-formula regular expressions) is byte-identical to the one
  written with XlsxWriter's own worksheet, for every example workbook; so are assumption workbooks
  (the starter, with its guide and Sources sheet, and one with every kind of block and scenarios).
* The worksheet's formula preparation equals XlsxWriter's for formulas that XlsxWriter rewrites too
  (dynamic-array functions, array braces, its ``\\SINGLE\\(`` pattern), so a formula with one of them
  could never be stored differently.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import pytest
from xlsxwriter.worksheet import Worksheet

from cashcast.models.analysis.pipeline import compute
from cashcast.reports.excel.assumptions import starter, starter_sources, workbook_bytes
from cashcast.reports.excel.report import excel_bytes
from cashcast.reports.excel.worksheet import DYNAMIC_FUNCTIONS, FinalFormulaWorksheet
from tests.excel_checks import every_kind
from tests.helpers import EXAMPLES

SAMPLES = 300  # the Simulation sheets are written whatever the count; a few hundred keep this quick


def formula_cells(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return sum(zf.read(n).count(b"<f>") for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))


@pytest.fixture(scope="module")
def outcomes():
    return {p.stem: compute(p, samples=SAMPLES) for p in EXAMPLES}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_excel_report_is_byte_identical_to_xlsxwriter_s_own_preparation(outcomes, path):
    outcome = outcomes[path.stem]
    old = excel_bytes(outcome.run, outcome.analysis, worksheet_class=Worksheet)
    new = excel_bytes(outcome.run, outcome.analysis)
    assert len(EXAMPLES) >= 3
    assert formula_cells(new) > 1000  # a report of formulas, not only values
    assert new == old


@pytest.mark.parametrize("name", ["starter", "every-kind"])
def test_assumption_workbook_is_byte_identical_to_xlsxwriter_s_own_preparation(name):
    """The check column's formulas (thousands of characters each) are what XlsxWriter would store."""
    if name == "starter":
        settings, rows, scenarios = starter("starter")
        kwargs = {"guide": True, "sources": starter_sources()}
    else:
        settings, rows, scenarios = every_kind()
        kwargs = {}
    new = workbook_bytes(settings, rows, scenarios, **kwargs)
    assert formula_cells(new) > 20
    assert new == workbook_bytes(settings, rows, scenarios, worksheet_class=Worksheet, **kwargs)


FORMULAS = [
    "=SUM(B4:M4)*12", "=IF(A1<0,A1,0)", "{=MAX(A1:A3)}", "=INDEX(Monthly!$C$5:$DV$5,1,Summary!$C$4)",
    '="SORT(" & A1', "=_xlfn.STDEV.S(A1:A9)", "=XSINGLE(A1)", "=SINGLE(A1)", "=TINGLE(A1)", "= INGLE(A1)", "=MYSORT(A1)", "=ISORT(A1)",
    "=a.SORT(A1)", "=LET(x,1,x)", "=FILTER(A1:A3,B1:B3>0)", "=sort(A1:A3)",
] + [f"=1+{name}(A1:A3)" for name in DYNAMIC_FUNCTIONS]


@pytest.mark.parametrize("future", [False, True])
@pytest.mark.parametrize("formula", FORMULAS)
def test_formula_preparation_equals_xlsxwriter_s(formula, future):
    ours, theirs = FinalFormulaWorksheet(), Worksheet()
    ours.use_future_functions = theirs.use_future_functions = future
    assert ours._prepare_formula(formula) == theirs._prepare_formula(formula)
    assert ours._prepare_formula(formula, True) == theirs._prepare_formula(formula, True)


def test_formulas_xlsxwriter_rewrites_are_rewritten():
    """The combined search finds each name (else the comparison above would compare two no-ops)."""
    ws = FinalFormulaWorksheet()
    rewritten = [name for name in DYNAMIC_FUNCTIONS if ws._prepare_formula(f"=1+{name}(A1)") != f"1+{name}(A1)"]
    assert rewritten == list(DYNAMIC_FUNCTIONS)
    assert ws._prepare_formula("=TINGLE(A1)") == "_xlfn.SINGLE(A1)"  # XlsxWriter's own pattern, kept


# ------------------------------------------------------------------------------------------------
# Charts drawn in parallel: the same bytes whatever the number of processes and the order
# ------------------------------------------------------------------------------------------------
from cashcast.reports.html import charts as chart_module  # noqa: E402
from cashcast.reports.html.page import HtmlReport, html_report  # noqa: E402
from cashcast.reports.html.render import Pending, deferred, draw_all, later  # noqa: E402


def test_html_report_is_the_same_whatever_the_number_of_chart_processes(outcomes):
    outcome = outcomes["openai"]
    one = html_report(outcome, jobs=1)
    assert html_report(outcome, jobs=3) == one
    assert one.count("<svg") >= 20  # the charts are in the page, drawn


def svgs(chart) -> list[str]:
    """A chart's SVG, or each panel's of small multiples (a ChartSet)."""
    return [p.svg for p in chart.panels] if hasattr(chart, "panels") else [chart.svg]


def test_charts_drawn_in_any_order_and_measuring_text_once_are_the_same(outcomes):
    """Each chart is a function of its own data: drawn last to first, each text measured as matplotlib
    does (the report measures each once, :mod:`cashcast.reports.html.measure_once`), every SVG is the
    same; and matplotlib's own functions are back after the report's charts are drawn."""
    from matplotlib import font_manager, text

    measure, font_of = text._get_text_metrics_with_cache, text.get_font
    outcome = outcomes["xiaoice_rmb"]
    forward, backward = HtmlReport(outcome), HtmlReport(outcome)
    forward.drawing.wait()
    assert (text._get_text_metrics_with_cache, text.get_font) == (measure, font_of)
    assert "_find_fonts_by_props" not in vars(font_manager.fontManager)
    for chart in reversed(backward.drawing.charts):
        chart.fill(chart.draw())
    assert len(forward.drawing.charts) >= 20
    assert [svgs(c) for c in backward.drawing.charts] == [svgs(c) for c in forward.drawing.charts]
    assert len({c.id for c in forward.drawing.charts}) == len(forward.drawing.charts)


def test_a_chart_asked_for_outside_deferred_is_drawn_at_once():
    months = [dt.date(2023, m, 1) for m in range(1, 13)]
    cash = np.linspace(5e6, -1e6, 12)
    drawn = later(chart_module.cash_chart)("c", "Cash", months, cash, "USD", 0.0, [], 10)
    assert type(drawn) is chart_module.Chart and "<svg" in drawn.svg
    with deferred() as pending:
        waiting = later(chart_module.cash_chart)("c", "Cash", months, cash, "USD", 0.0, [], 10)
    assert pending == [waiting] and isinstance(waiting, Pending) and not hasattr(waiting, "svg")
    draw_all(pending, jobs=2)  # one chart: drawn here, not in a pool
    assert waiting.svg == drawn.svg and waiting.id == "c"


def test_cli_outputs_are_the_same_with_one_or_several_processes(tmp_path):
    from cashcast.reports.cli.main import main

    path = EXAMPLES[0]
    for jobs in (1, 2):
        assert main(["run", str(path), "--out", str(tmp_path / str(jobs)), "--samples", "200",
                     "--jobs", str(jobs)]) == 0
    one = sorted(p.name for p in (tmp_path / "1").iterdir() if p.is_file())
    assert len(one) >= 5
    for name in one:
        assert (tmp_path / "2" / name).read_bytes() == (tmp_path / "1" / name).read_bytes(), name
