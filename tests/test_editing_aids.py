"""The assumption workbook as an editing tool (issue 17, items 1 and 2): the Lists sheet, the dropdowns
and the live check column.

One LibreOffice run recalculates three workbooks (a module fixture): one holding every typed mistake the
check column covers, the ``cashcast new`` starter and the flagship example. The check column must name
each mistake in its row in cashcast's words, show nothing on the clean workbooks, and agree row by row
with ``cashcast check``.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest

from cashcast.models.kinds import KINDS
from cashcast.models.kinds.base import PERIODS, TEXT_CHOICES
from cashcast.models.reading.cells import unit_problem
from cashcast.models.reading.checks import validate
from cashcast.models.reading.sources import SOURCE_KINDS
from cashcast.models.reading.specs import DISTRIBUTIONS, SETTINGS
from cashcast.models.reading.workbook import read_workbook
from cashcast.reports.excel.assumptions import starter, starter_sources, write_assumption_workbook
from cashcast.reports.excel.editing.lists import CURRENCIES, lists, param_keys
from cashcast.reports.excel.editing.validations import dimension_of
from cashcast.testing import FORCE_RECALC
from tests.helpers import EXAMPLES

SHEETS = ("Assumptions", "Settings", "Sources")
# The mistakes typed, each (sheet, what the row's check cell must say); the row is found by the test.
MISTAKES = {
    "kind": ("Assumptions", "unknown kind 'licencing'"),
    "unit": ("Assumptions", "unit 'USD/mo' does not fit"),
    "low above high": ("Assumptions", "low 0.05 is above high 0.03"),
    "outside": ("Assumptions", "value 0.2 lies outside low..high (0.03..0.1)"),
    "duplicate": ("Assumptions", "duplicate row: Team.employees"),
    "source": ("Assumptions", "unknown source 'Z9'"),
    "distribution": ("Assumptions", "unknown distribution 'betta'"),
    "parameter": ("Assumptions", "unknown parameter 'prize' for kind 'subscription'"),
    "scenario column": ("Assumptions", "unknown column 'downside'"),
    "setting": ("Settings", "unknown setting 'horizon'"),
    "currency": ("Settings", "'dollars' is not a currency code"),
    "source kind": ("Sources", "unknown kind 'blog' for source 'S2'"),
}


def mistaken_workbook(path: Path) -> dict[str, int]:
    """The starter with one typed mistake per kind of problem; returns the row of each (1-based)."""
    settings, rows, scenarios = starter("mistakes")
    settings = [s if s[0] != "currency" else ("currency", "dollars", s[2]) for s in settings]
    settings.append(("horizon", 60, "a mistyped horizon_months"))
    sources = [*starter_sources(), dataclasses.replace(starter_sources()[0], id="S2", kind="blog")]
    by = {(r.block, r.parameter): i for i, r in enumerate(rows)}
    edits = {("Pro plan", "audience"): {"kind": "licencing"}, ("Pro plan", "price"): {"unit": "USD/mo"},
             ("Pro plan", "conversion"): {"low": 0.05, "high": 0.03},
             ("Serving", "cost_per_user"): {"value": 0.2},
             ("Team", "cost_per_employee"): {"source": "S1 §2; Z9"},
             ("Seed round", "amount"): {"distribution": "betta", "low": 2_000_000, "high": 4_000_000},
             ("Pro plan", "churn"): {"parameter": "prize"}}
    for key, change in edits.items():
        rows[by[key]] = dataclasses.replace(rows[by[key]], **change)
    rows.append(dataclasses.replace(rows[by[("Team", "employees")]]))
    write_assumption_workbook(path, settings, rows, scenarios, sources=sources)
    book = openpyxl.load_workbook(path)  # the Scenarios sheet renames downside: its column is now unknown
    book["Scenarios"]["A3"] = "downturn"
    probe = book.create_sheet("Probe")  # the dependent parameter list as the dropdown evaluates it
    for r, kind in enumerate(("subscription", "Funding", "debt"), start=1):
        probe.cell(r, 1, kind)
        probe.cell(r, 2, f'=INDEX(INDIRECT("cashcast_params_"&LOWER(A{r})),1,1)')
        probe.cell(r, 3, f'=ROWS(INDIRECT("cashcast_params_"&LOWER(A{r})))')
    book.save(path)
    row = {k: by[key] + 2 for k, key in zip(("kind", "unit", "low above high", "outside", "source",
                                             "distribution", "parameter"), edits)}
    names = [s[0] for s in settings]
    return {**row, "duplicate": len(rows) + 1, "scenario column": 1, "setting": names.index("horizon") + 2,
            "currency": names.index("currency") + 2, "source kind": 3}


def recalculate(paths: list[Path], out: Path) -> None:
    """Recalculate several workbooks in one LibreOffice run (forced on load by a fresh profile)."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is not installed"
    with tempfile.TemporaryDirectory(prefix="cashcast-lo-") as home:
        profile = Path(home) / "profile" / "user"
        profile.mkdir(parents=True)
        (profile / "registrymodifications.xcu").write_text(FORCE_RECALC, encoding="utf-8")
        subprocess.run([soffice, f"-env:UserInstallation={(Path(home) / 'profile').as_uri()}", "--headless",
                        "--norestore", "--nolockcheck", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                        "--outdir", str(out), *map(str, paths)], env={**os.environ, "HOME": home},
                       capture_output=True, timeout=600)
    for p in paths:
        assert (out / p.name).exists(), f"LibreOffice wrote no recalculated {p.name}"


def check_column(path: Path) -> dict[str, dict[int, str]]:
    """Each sheet's check column as {row: text} (the header row's too), from the recalculated values."""
    book = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for title in SHEETS:
        if title not in book.sheetnames:
            continue
        ws = book[title]
        col = next(c.column for c in ws[1] if str(c.value or "").startswith("check"))
        out[title] = {r: str(ws.cell(r, col).value) for r in range(1, ws.max_row + 1)
                      if ws.cell(r, col).value not in (None, "")}
    return out


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("editing")
    bad, new = folder / "mistakes.xlsx", folder / "starter.xlsx"
    rows = mistaken_workbook(bad)
    settings, srows, scenarios = starter("starter")
    write_assumption_workbook(new, settings, srows, scenarios, guide=True, sources=starter_sources())
    flagship = folder / "openai.xlsx"
    shutil.copy(next(p for p in EXAMPLES if p.stem == "openai"), flagship)
    out = folder / "out"
    recalculate([bad, new, flagship], out)
    return {"rows": rows, "bad": out / bad.name, "clean": [out / new.name, out / flagship.name], "typed": bad}


def test_each_mistake_is_named_in_its_row(recalculated):
    got = check_column(recalculated["bad"])
    for mistake, (sheet, words) in MISTAKES.items():
        row = recalculated["rows"][mistake]
        assert words in got[sheet].get(row, "").split("; "), (mistake, row, got[sheet])
    assert got["Assumptions"][1].startswith("check: 9 problems")  # 8 rows and the column, got["Assumptions"][1]


def test_a_clean_workbook_shows_none(recalculated):
    for path in recalculated["clean"]:
        got = check_column(path)
        assert got and all(col == {1: "check"} for col in got.values()), (path.name, got)


def _problems_by_row(path: Path) -> dict[tuple[str, int], list[str]]:
    out: dict[tuple[str, int], list[str]] = {}
    for p in validate(read_workbook(path)):
        if p.sheet in SHEETS and p.cell:
            out.setdefault((p.sheet, int(p.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))), []).append(p.message)
    return out


COVERED = ("unknown kind", "unit '", "low ", "value ", "duplicate row", "unknown source", "unknown distribution",
           "unknown parameter", "unknown column", "unknown setting", "setting '", "'dollars'", "source id")


def test_the_check_column_agrees_with_cashcast_check_row_by_row(recalculated):
    """Every phrase of a marked row is the start of a cashcast problem at that row; every cashcast
    problem of a kind the column covers is marked in its row."""
    path = recalculated["bad"]
    problems = _problems_by_row(path)
    marked = check_column(path)
    for sheet, col in marked.items():
        for row, text in col.items():
            phrases = text.split("; ")[1:] if row == 1 else text.split("; ")
            for phrase in phrases:
                assert any(m.startswith(phrase) for m in problems.get((sheet, row), [])), (sheet, row, phrase)
    for (sheet, row), messages in problems.items():
        for m in messages:
            if m.startswith(COVERED):
                assert any(m.startswith(p) for p in marked[sheet].get(row, "").split("; ")), (sheet, row, m)


def test_the_lists_are_the_registries():
    """The Lists sheet's lists are exactly what the reader accepts (so they cannot drift)."""
    got = lists()
    assert got["kinds"] == list(KINDS) and got["distributions"] == list(DISTRIBUTIONS)
    assert got["settings"] == list(SETTINGS) and got["source_kinds"] == list(SOURCE_KINDS)
    assert got["periods"] == list(PERIODS) and got["text_dimensions"] == list(TEXT_CHOICES)
    for kind in KINDS.values():
        assert got[f"params_{kind.name}"] == [p.name for p in kind.all_params()]
        for p in kind.all_params():
            assert (f"{kind.name}.{p.name}", p.dimension) in param_keys()
    assert got["param_keys"] == [k for k, _d in param_keys()]
    assert {u.split("/")[0] for u in got["units"] if u[0].isupper()} == set(CURRENCIES)


def test_the_lists_sheet_is_last_protected_and_named(tmp_path):
    path = tmp_path / "new.xlsx"
    settings, rows, scenarios = starter("x")
    write_assumption_workbook(path, settings, rows, scenarios, guide=True, sources=starter_sources())
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[-1]
    assert ws.title == "Lists" and ws.protection.sheet and not ws.protection.password
    names = book.defined_names
    for name, values in lists().items():
        cells = ws[names[f"cashcast_{name}"].attr_text.split("!")[1].replace("$", "")]
        assert [row[0].value for row in cells] == values, name
    assert names["cashcast_scenarios"].attr_text.startswith("Scenarios!$A$2")
    assert names["cashcast_source_ids"].attr_text.startswith("Sources!$A$2")


def test_the_dropdowns_carry_cashcast_s_own_messages(tmp_path):
    path = tmp_path / "new.xlsx"
    settings, rows, scenarios = starter("x")
    write_assumption_workbook(path, settings, rows, scenarios, sources=starter_sources())
    book = openpyxl.load_workbook(path)
    found = {}
    for dv in book["Assumptions"].data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            found[rng.coord.rstrip("0123456789")[:1] + ":" + str(dv.formula1)] = dv
    kind = found["B:cashcast_kinds"]
    assert kind.error.startswith("unknown kind '…'; valid kinds: subscription") and kind.errorStyle in (None, "stop")
    param = next(dv for k, dv in found.items() if k.startswith("C:INDIRECT"))
    assert param.errorStyle == "warning" and param.error.startswith("unknown parameter '…'")
    source = found["I:cashcast_source_ids"]
    assert source.errorStyle == "warning" and source.error.startswith("unknown source '…'")
    assert found["H:cashcast_distributions"].error.startswith("unknown distribution '…'; valid: pert")
    price = next(dv for dv in book["Assumptions"].data_validations.dataValidation
                 if "D5" in str(dv.sqref) and dv.type is None)
    assert price.prompt.startswith("Unit: e.g. USD/month (or USD/year, USD/day); e.g. 20.")


def test_the_report_s_assumptions_sheet_has_the_dropdowns_and_units():
    """The report's Assumptions sheet: distribution and source dropdowns in cashcast's words, and every
    input cell's message gives its unit (with the range, or the workbook's value as an example)."""
    import io

    from cashcast.models.analysis.scenarios import run_file
    from cashcast.reports.excel.report import excel_bytes

    run = run_file(next(p for p in EXAMPLES if p.stem == "openai"))
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes(run)))
    ws = book["Assumptions"]
    dvs = ws.data_validations.dataValidation
    lists_ = [dv for dv in dvs if dv.type == "list"]
    assert any(dv.error.startswith("unknown distribution '…'; valid: pert") and dv.errorStyle in (None, "stop")
               for dv in lists_)
    source = next(dv for dv in lists_ if "Sources" in str(dv.formula1))
    assert source.errorStyle == "warning" and source.error.startswith("unknown source '…'")
    inputs = [dv for dv in dvs if dv.type != "list"]
    named = {str(c.value) for col in ws.iter_cols() for c in col if str(c.value) in book.defined_names}
    assert len(inputs) == len(named) > len(run.workbook.rows) // 2  # one per input row (settings too)
    assert all(dv.prompt.startswith("Unit: ") for dv in inputs), [dv.prompt for dv in inputs][:3]


def _gnumeric_sheets(path: Path, folder: Path) -> list[list[list[str]]]:
    """Every sheet of ``path`` recalculated by Gnumeric, as CSV rows."""
    import csv

    ssconvert = shutil.which("ssconvert")
    assert ssconvert, "Gnumeric (ssconvert) is not installed"
    subprocess.run([ssconvert, "--recalc", "-S", str(path), str(folder / "sheet.csv")], capture_output=True,
                   timeout=600)
    out, k = [], 0
    while (folder / f"sheet.csv.{k}").exists():
        with open(folder / f"sheet.csv.{k}", encoding="utf-8", newline="") as f:
            out.append(list(csv.reader(f)))
        k += 1
    return out


def test_libreoffice_and_gnumeric_evaluate_the_dependent_list_and_the_checks_alike(recalculated, tmp_path):
    """The parameter dropdown's INDIRECT of a kind's named list, and the check column, in both engines."""
    book = openpyxl.load_workbook(recalculated["bad"], data_only=True)
    want = {k.name: [p.name for p in k.all_params()] for k in KINDS.values()}
    lo_probe = [[c.value for c in row] for row in book["Probe"].iter_rows()]
    assert lo_probe == [[k, want[k.lower()][0], len(want[k.lower()])] for k in ("subscription", "Funding", "debt")]
    titles = book.sheetnames
    gnumeric = _gnumeric_sheets(recalculated["typed"], tmp_path)
    gn_probe = gnumeric[titles.index("Probe")]
    assert [[r[0], r[1], float(r[2])] for r in gn_probe] == lo_probe
    ws, gn = book["Assumptions"], gnumeric[titles.index("Assumptions")]
    col = next(c.column for c in ws[1] if str(c.value).startswith("check"))
    lo_col = [str(ws.cell(r, col).value or "") for r in range(1, len(gn) + 1)]
    assert [row[col - 1] if len(row) >= col else "" for row in gn] == lo_col


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_row_s_unit_dropdown_offers_the_units_of_its_parameter(example):
    """Each written row's unit dropdown lists its own unit and only units the reader accepts for the row's
    parameter: a price offers USD/month, never %; a share offers %, never USD."""
    ws = openpyxl.load_workbook(example)["Assumptions"]
    head = [c.value for c in ws[1]]
    col = head.index("unit") + 1
    offered = {cell: dv.formula1 for dv in ws.data_validations.dataValidation
               for cell in str(dv.sqref).split() if cell.startswith("E") and ":" not in cell}
    rows = [r for r in ws.iter_rows(min_row=2) if r[1].value and r[2].value]
    assert rows and len(offered) == len(rows)
    for r in rows:
        dim = dimension_of(r[1].value, r[2].value)
        unit, listed = r[col - 1].value or "", offered[f"E{r[0].row}"].strip('"').split(",")
        assert unit in listed if dim not in TEXT_CHOICES else listed == [dim], (r[0].row, unit, listed)
        assert all(unit_problem(u, dim)[1] is None for u in listed if dim not in TEXT_CHOICES), (r[0].row, listed)
        assert ("%" in listed) == (dim in ("percent",)) and ("USD" in listed) == (dim == "money"), (r[0].row, listed)


def _longest_formula(path: Path) -> tuple[int, str]:
    wb = openpyxl.load_workbook(path)
    return max(((len(c.value), f"{ws.title}!{c.coordinate}") for ws in wb.worksheets for r in ws.iter_rows()
                for c in r if isinstance(c.value, str) and c.value.startswith("=")), default=(0, ""))


def test_every_aid_formula_fits_excel_s_limit(tmp_path, make_workbook):
    # Excel refuses a formula over 8,192 characters (LibreOffice and Gnumeric take longer ones); each
    # scenario column adds to the check column's header, which drops the columns' names past the limit
    for path in EXAMPLES:
        assert _longest_formula(path)[0] <= 8_192, path.name
    from tests.helpers import row
    scenarios = [(f"s{i:02d}", "") for i in range(40)]
    rows = [row("Rent", "opex", "monthly_amount", 1_000, "USD/month", overrides={s: 900 for s, _ in scenarios})]
    many = make_workbook(rows, scenarios=[("base", "")] + scenarios)
    length, where = _longest_formula(many)
    assert length <= 8_192, where
    header = openpyxl.load_workbook(many)["Assumptions"].cell(1, 11 + 40).value
    assert header.startswith('=IF(SUMPRODUCT((AY2:AY') and "unknown column" not in header
    two = [("base", ""), ("s00", ""), ("s01", "")]
    few = openpyxl.load_workbook(make_workbook(rows, scenarios=two, name="few.xlsx"))["Assumptions"]
    assert "unknown column" in few.cell(1, 11 + 2).value   # a few columns keep their names in the header
