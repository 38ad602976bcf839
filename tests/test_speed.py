"""What makes `cashcast run` fast must not change what it writes.

* The Excel report written with :class:`~cashcast.reports.excel.worksheet.FinalFormulaWorksheet`
  (formulas stored without XlsxWriter's per-formula regular expressions) is byte-identical to the one
  written with XlsxWriter's own worksheet, for every example workbook.
* The worksheet's formula preparation equals XlsxWriter's for formulas that XlsxWriter rewrites too
  (dynamic-array functions, array braces, its ``\\SINGLE\\(`` pattern), so a formula with one of them
  could never be stored differently.
"""
from __future__ import annotations

import io
import zipfile

import pytest
from xlsxwriter.worksheet import Worksheet

from cashcast.models.analysis.pipeline import compute
from cashcast.reports.excel.report import excel_bytes
from cashcast.reports.excel.worksheet import DYNAMIC_FUNCTIONS, FinalFormulaWorksheet
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
