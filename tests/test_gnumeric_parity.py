"""A second, independent spreadsheet engine: Gnumeric recalculates every example report.

LibreOffice is the parity tests' engine (tests/test_excel_parity.py); Gnumeric (Debian `gnumeric`,
`ssconvert --recalc`, installed by the Makefile's system-deps) is another code base, with its own
reading of the formulas. It recalculates a copy of each example report per scenario, the Summary
selector set to that scenario and every cached result dropped (``excel_checks.select_scenario``), so
the values read back are Gnumeric's own, and every formula cell must equal numpy within 1e-9 relative, with no error
cell anywhere. Gnumeric rounds some products in the last bit unlike numpy (a depreciation of
199,999,999.99999523 there is 200,000,000 here), so a balance that returns to 0 is held to 1e-9 of
the largest size it has had, as a check line is to its balances. A formula that only Excel and LibreOffice read the same way (``INDEX`` of one row with a
single index is ``#REF!`` in Gnumeric) fails here.

One ssconvert run per report copy, all made once per session by one fixture. These tests never skip:
without Gnumeric they fail.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from cashcast.models.analysis.scenarios import Run
from tests.excel_checks import error_cells, mismatches, open_report, select_scenario
from tests.helpers import EXAMPLES

pytestmark = pytest.mark.filterwarnings("ignore:Unable to read chart:UserWarning",
                                        "ignore:Workbook contains no default style:UserWarning")
EXAMPLE_IDS = [p.stem for p in EXAMPLES]


@dataclass
class Recalculated:
    """One report copy with the selector on one scenario, and Gnumeric's recalculation of it."""

    run: Run
    scenario: str
    written: Path
    recalculated: Path
    report: bytes


def gnumeric(source: Path, target: Path) -> None:
    """``ssconvert --recalc`` source → target; it may exit 0 without writing, so the file is checked."""
    ssconvert = shutil.which("ssconvert")
    if ssconvert is None:
        pytest.fail("Gnumeric is not installed (ssconvert not on PATH); `make test` installs gnumeric")
    done = subprocess.run([ssconvert, "--recalc", str(source), str(target)], capture_output=True, text=True,
                          timeout=600)
    assert target.exists(), f"ssconvert wrote no {target.name}: {done.stderr[-2000:]}"


@pytest.fixture(scope="session")
def recalculated(tmp_path_factory, example_reports) -> dict[str, list[Recalculated]]:
    """Every example report (conftest's ``example_reports``), one copy per scenario, each recalculated
    by Gnumeric."""
    folder = tmp_path_factory.mktemp("gnumeric")
    found: dict[str, list[Recalculated]] = {}
    for path in EXAMPLES:
        run, data = example_reports[path.stem]
        found[path.stem] = []
        for k, scenario in enumerate(run.workbook.scenario_names):
            written = folder / f"{path.stem}__{k}.xlsx"
            written.write_bytes(select_scenario(data, scenario))
            target = folder / "recalculated" / written.name
            target.parent.mkdir(exist_ok=True)
            gnumeric(written, target)
            found[path.stem].append(Recalculated(run, scenario, written, target, data))
    return found


@pytest.mark.parametrize("example", EXAMPLE_IDS)
def test_gnumeric_recalculates_every_scenario_to_numpys_figures(recalculated, example):
    """Every formula cell of every scenario's copy equals numpy (1e-9 relative), no error cell, and
    the selector reads the scenario; so both engines and numpy agree on the whole report."""
    copies = recalculated[example]
    assert len(copies) == len(copies[0].run.workbook.scenario_names) >= 2
    failures = {}
    report = open_report(copies[0].report)  # the formulas, read once: the copies differ in C4 only
    for copy in copies:
        values = openpyxl.load_workbook(copy.recalculated, data_only=True)
        report["Summary"]["C4"] = copy.scenario
        problems = error_cells(values)[:5] + mismatches(values, report, copy.run, limit=5, balances=True)
        if values["Summary"]["C4"].value != copy.scenario:
            problems.append(f"selector reads {values['Summary']['C4'].value!r}")
        if problems:
            failures[copy.scenario] = problems
    assert not failures


def test_gnumeric_reads_a_one_row_index_with_a_single_index_as_an_error(tmp_path):
    """Why the report writes ``INDEX(range, 1, k)``: Gnumeric gives ``#REF!`` for ``INDEX(one row, k)``
    (Excel and LibreOffice read it as the k-th cell), and the two-index form it computes alike."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([37, 41, 43])
    ws["A2"], ws["A3"] = "=INDEX($A$1:$C$1,2)", "=INDEX($A$1:$C$1,1,2)"
    source, target = tmp_path / "index.xlsx", tmp_path / "index-recalculated.xlsx"
    wb.save(source)
    gnumeric(source, target)
    values = openpyxl.load_workbook(target, data_only=True).active
    assert values["A2"].value == "#REF!" and values["A3"].value == 41
