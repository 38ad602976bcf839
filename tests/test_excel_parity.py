"""Parity of the Excel report with numpy, with LibreOffice Calc as the real spreadsheet client.

LibreOffice recalculates the reports headless, with recalculation forced by its profile, and every
formula cell must then equal the value cashcast computed (1e-9 relative), with no error anywhere:

* the report as written but with every cached value zeroed (so the values compared are
  LibreOffice's own recalculation, not the cache cashcast wrote);
* a copy per scenario with the Summary selector set to it and every cached result dropped
  (``excel_checks.select_scenario``);
* a copy with inputs edited (subscription price doubled, a funding round moved six months), against
  cashcast's run of the assumption workbook with the same edits.

The every-kind workbook has receivable and payable days above 0 and Settings scenario values (its
slow scenario's opening cash, minimum cash, discount rate and receivable days), so the working-capital
lines and the settings the selector switches are checked like every other formula.

Every report carries the uncertainty parts (a small Monte Carlo): the live scenario comparison on
Summary is checked like every other formula, and the Sensitivity and Simulation sheets (values)
must come through LibreOffice unchanged and error-free.

All copies of all examples are recalculated by one soffice call. These tests never skip: without
LibreOffice they fail.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from cashcast.models.analysis.scenarios import Run, run_file
from cashcast.models.analysis.uncertainty import analyse
from cashcast.models.reading.workbook import Row, ordinal_to_date
from cashcast.reports.excel.report import excel_bytes
from tests.excel_checks import (
    EXAMPLE_NAMES, as_number, error_cells, example_path, formula_cells, matches, mismatches, open_report,
    select_scenario,
)

from cashcast.testing import FORCE_RECALC  # the one LibreOffice recalc-on-load setting

pytestmark = pytest.mark.filterwarnings("ignore:Unable to read chart:UserWarning")

MONTHS_MOVED = 6
SAMPLES, SEED = 500, 0   # the Monte Carlo of the reports: small, the sheets' shape is what matters
VALUE_SHEETS = ("Sensitivity ", "Simulation ")  # each followed by a scenario's name


def recalculate(paths: list[Path], folder: Path, processes: int = 2) -> dict[Path, Path]:
    """Recalculate workbooks with headless LibreOffice, recalculation forced on load; {input:
    recalculated copy}. The files are shared among a few soffice processes, each with its own
    profile and HOME. soffice exits 0 even when it fails, so the outputs' existence is checked."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed (soffice not on PATH); `make test` installs "
                    "libreoffice-calc-nogui")
    out = folder / "recalculated"
    running = []
    for k in range(processes):
        batch = paths[k::processes]
        if not batch:
            continue
        home = folder / f"home{k}"
        (home / "profile" / "user").mkdir(parents=True)
        (home / "profile" / "user" / "registrymodifications.xcu").write_text(FORCE_RECALC)
        cmd = [soffice, f"-env:UserInstallation={(home / 'profile').as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
               *map(str, batch)]
        running.append(subprocess.Popen(cmd, env={**os.environ, "HOME": str(home)}, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True))
    logs = [proc.communicate(timeout=900)[0] for proc in running]
    result = {p: out / p.name for p in paths}
    missing = [p.name for p, q in result.items() if not q.exists()]
    assert not missing, f"LibreOffice wrote no {missing}: {' '.join(logs)[-2000:]}"
    return result


def cache_as_zero(data: bytes, pattern: re.Pattern) -> bytes:
    """The workbook with the cached result of every formula cell ``pattern`` matches (a cell's opening
    up to ``<v>`` as group 1, ``</v>`` as group 2) written as 0."""
    src, buf = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = pattern.sub(rb"\g<1>0\g<2>", body)
            dst.writestr(info, body)
    return buf.getvalue()


def zero_cached_values(data: bytes) -> bytes:
    """The report with every numeric formula result cached as 0 (a stale cache)."""
    return cache_as_zero(data, re.compile(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?><f>[^<]*</f><v>)[^<]*(</v>)'))


def edits(run: Run) -> list[tuple[Row, object]]:
    """The edits an investor tries: double the first subscription price, move the first funding
    round six months later."""
    rows = run.workbook.rows
    price = next(r for r in rows if r.kind == "subscription" and r.parameter == "price" and r.link is None)
    when = next(r for r in rows if r.kind == "funding" and r.parameter == "month")
    moved = ordinal_to_date(int(when.value) + MONTHS_MOVED)
    return [(price, price.value * 2), (when, dt.datetime(moved.year, moved.month, 1))]


def edit_report(data: bytes, target: Path, changes=()) -> None:
    """Edit a report's base input cells as an investor would (openpyxl, which drops every cached
    value)."""
    wb = open_report(data)
    ws = wb["Assumptions"]
    header = {c.value: c.column for c in ws[5] if c.value}
    rows = {r[header["Defined name"] - 1].value: r for r in ws.iter_rows(min_row=6)}
    for row, value in changes:
        rows[row.key][header["base"] - 1].value = value
    wb.save(target)


def edit_assumptions(source: Path, target: Path, changes) -> None:
    """The same edits made in the assumption workbook itself (its value cells)."""
    wb = openpyxl.load_workbook(source)
    for row, value in changes:
        wb["Assumptions"][row.cells["value"]] = value
    wb.save(target)


@dataclass
class Case:
    """One workbook LibreOffice recalculates, and the cashcast run it must agree with."""

    example: str
    name: str
    file: Path
    run: Run
    recalculated: Path | None = None

    def report(self):
        return openpyxl.load_workbook(self.file)

    def values(self):
        return openpyxl.load_workbook(self.recalculated, data_only=True)


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[tuple[str, str], Case]:
    """Every case of every example, recalculated by one LibreOffice run."""
    folder = tmp_path_factory.mktemp("parity")
    found: dict[tuple[str, str], Case] = {}

    def add(example, name, run, data=None):
        file = folder / f"{example}__{name}.xlsx"
        if data is not None:
            file.write_bytes(data)
        found[(example, name)] = Case(example, name, file, run)
        return file

    for example in EXAMPLE_NAMES:
        path = example_path(example, folder)
        run = run_file(path)
        data = excel_bytes(run, analyse(run, SAMPLES, SEED))
        add(example, "stale-cache", run, zero_cached_values(data))
        for scenario in run.workbook.scenario_names:
            add(example, f"selected-{scenario}", run, select_scenario(data, scenario))
        changes = edits(run)
        edited_inputs = folder / f"{example}__inputs-edited.xlsx"
        edit_assumptions(path, edited_inputs, changes)
        edited_run = run_file(edited_inputs)
        edit_report(data, add(example, "inputs-edited", edited_run), changes=changes)
    recalculated = recalculate([c.file for c in found.values()], folder)
    for case in found.values():
        case.recalculated = recalculated[case.file]
    return found


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_recalculated_report_equals_numpy_and_has_no_error(cases, example):
    """The report as written, its cached values zeroed: after LibreOffice's forced recalculation
    every formula cell holds numpy's value again, so the values are LibreOffice's own."""
    case = cases[(example, "stale-cache")]
    stale = open_report(case.file.read_bytes(), values=True)
    assert stale["Monthly"]["D7"].value == 0 and stale["Summary"]["D11"].value == 0
    values = case.values()
    assert not error_cells(values)
    assert not mismatches(values, case.report(), case.run)


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_every_scenario_selected_recalculates_to_numpys_figures(cases, example):
    """The selector switches the whole model (Monthly, Annual, Summary's column C, the Assumptions'
    in-use column); the per-scenario sheets stay on their scenarios; no errors in any scenario."""
    selected = {name: c for (ex, name), c in cases.items() if ex == example and name.startswith("selected-")}
    assert len(selected) == len(next(iter(selected.values())).run.workbook.scenario_names) >= 2
    failures = {}
    report = cases[(example, "stale-cache")].report()  # the formulas, read once: the copies differ in C4 only
    for name, case in selected.items():
        values = case.values()
        report["Summary"]["C4"] = name.removeprefix("selected-")
        problems = error_cells(values)[:5] + mismatches(values, report, case.run, limit=5)
        if values["Summary"]["C4"].value != name.removeprefix("selected-"):
            problems.append(f"selector reads {values['Summary']['C4'].value!r}")
        if problems:
            failures[name] = problems
    assert not failures


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_inputs_edited_in_the_report_recalculate_like_the_same_edit_in_the_assumptions(cases, example):
    case = cases[(example, "inputs-edited")]
    before = cases[(example, "stale-cache")].run
    assert (case.run.result["closing_cash"] != before.result["closing_cash"]).any()  # the edits matter
    values = case.values()
    assert not error_cells(values)
    assert not mismatches(values, case.report(), case.run)


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_the_uncertainty_sheets_come_through_recalculation_unchanged(cases, example):
    """Sensitivity and Simulation hold values, not formulas (but the evidence shares, which the
    parity test checks): LibreOffice keeps every one of them."""
    case = cases[(example, "stale-cache")]
    written, values = open_report(case.file.read_bytes(), values=True), case.values()
    formulas = formula_cells(case.report())
    sheets = [n for n in written.sheetnames if n.startswith(VALUE_SHEETS)]
    assert len(sheets) == 2 * len(case.run.scenarios)
    for name in sheets:
        cells = {c.coordinate: as_number(c.value) for r in written[name].iter_rows() for c in r
                 if c.value is not None and (name, c.coordinate) not in formulas}
        assert len(cells) > 20, name
        wrong = [(k, v, values[name][k].value) for k, v in cells.items() if not matches(values[name][k].value, v)]
        assert not wrong, (name, wrong[:5])


def line_row(values, key: str) -> list:
    """A line's monthly values on the recalculated Monthly sheet (its key in column C)."""
    ws = values["Monthly"]
    row = next(r for r in ws.iter_rows(min_row=5) if r[2].value == key)
    return [c.value for c in row[3:] if c.value is not None]


def test_working_capital_and_settings_by_scenario_are_recalculated_by_libreoffice(cases):
    """The every-kind cases carry working capital and Settings scenario values: LibreOffice's own
    recalculation gives receivables, payables and cash that differ between the scenarios selected, as
    numpy's do (a selector that left the settings at base, or a working-capital line stuck at 0, fails)."""
    base, slow = cases[("every-kind", "selected-base")], cases[("every-kind", "selected-slow")]
    settings = base.run.workbook.settings
    assert settings.overridden_in("slow") == ["opening_cash", "minimum_cash", "discount_rate", "receivable_days"]
    assert settings.receivable_days > 0 and settings.payable_days > 0
    got = {name: case.values() for name, case in (("base", base), ("slow", slow))}
    for key in ("receivables", "payables", "change_in_working_capital", "closing_cash"):
        for j, name in enumerate(base.run.scenarios):
            want = base.run.result.column(key, j)
            row = line_row(got[name], key)
            assert len(row) == len(want) and all(matches(a, e) for a, e in zip(row, want)), (key, name)
        assert line_row(got["base"], key) != line_row(got["slow"], key), key
    assert all(x > 0 for x in line_row(got["base"], "receivables")[2:])
    assert got["slow"]["Summary"]["C4"].value == "slow"
