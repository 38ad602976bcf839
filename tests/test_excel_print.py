"""The Excel report as LibreOffice prints it, and its checks after LibreOffice's recalculation.

One soffice call (recalculation forced by its profile) prints to PDF: every example report; a copy of
the RMB report whose widest sheet (Scenario xiaoice-scale) prints whole; a copy of the flagship with a
model cell overwritten (a check broken on purpose). Then, from the PDFs' text (pdftotext):

* the flagship prints in under 40 pages (pdfinfo);
* no cell of any example shows "###" (its column too narrow for its formatted value);
* the RMB report writes money in 万/亿 as the HTML does (¥5.51亿), never in millions (¥551.4M);
* Summary's master check reads TRUE after the recalculation, FALSE once a check is broken.

These tests never skip: without LibreOffice or poppler they fail.
"""
from __future__ import annotations

import math
from decimal import Decimal
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from cashcast.reports import fmt
from cashcast.reports.excel.sheets.checks import FAIL, MASTER_COL, MASTER_ROW, PASS
from cashcast.reports.excel.styles import YI
from cashcast.reports.excel.widths import formatted, text_width
from tests.helpers import EXAMPLES
from tests.test_excel_parity import FORCE_RECALC

pytestmark = pytest.mark.filterwarnings("ignore:Unable to read chart:UserWarning")

FLAGSHIP, RMB, WIDEST = "openai", "xiaoice_rmb", "Scenario xiaoice-scale"
MAX_PAGES = 40
MASTER = f"{chr(ord('A') + MASTER_COL)}{MASTER_ROW + 1}"   # Summary!C3


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; `make test` installs LibreOffice and poppler-utils")
    return path


def to_pdf(paths: list[Path], folder: Path) -> dict[str, Path]:
    """Each workbook printed to PDF by one headless LibreOffice, recalculation forced; {stem: pdf}."""
    home = folder / "home"
    (home / "profile" / "user").mkdir(parents=True)
    (home / "profile" / "user" / "registrymodifications.xcu").write_text(FORCE_RECALC)
    out = folder / "pdf"
    cmd = [_tool("soffice"), f"-env:UserInstallation={(home / 'profile').as_uri()}", "--headless", "--norestore",
           "--nolockcheck", "--convert-to", "pdf", "--outdir", str(out), *map(str, paths)]
    log = subprocess.run(cmd, env={**os.environ, "HOME": str(home)}, capture_output=True, text=True, timeout=900)
    pdfs = {p.stem: out / f"{p.stem}.pdf" for p in paths}
    missing = [s for s, pdf in pdfs.items() if not pdf.exists()]
    assert not missing, f"LibreOffice printed no {missing}: {(log.stdout + log.stderr)[-2000:]}"
    return pdfs


def pdf_text(pdf: Path) -> str:
    return subprocess.run([_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _break_a_check(source: Path, target: Path) -> None:
    """The flagship with one month of the base scenario's total revenue typed over as a number: the
    revenue blocks no longer add up to it."""
    wb = openpyxl.load_workbook(source)
    ws = wb["Scenario base"]
    row = next(r for r in ws.iter_rows(min_row=5) if r[2].value == "revenue")
    row[20].value = 12345.0
    wb.save(target)


def _print_whole(source: Path, target: Path, title: str) -> None:
    """The report with sheet ``title`` printed whole, at 100%, with no print area."""
    wb = openpyxl.load_workbook(source)
    ws = wb[title]
    ws.print_area = None
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = 100
    wb.save(target)


@pytest.fixture(scope="module")
def printed(tmp_path_factory, example_reports):
    """{name: (run, xlsx, pdf text, pages)} for every example (conftest's shared reports, copied here)
    and the two copies, one soffice call."""
    folder = tmp_path_factory.mktemp("print")
    runs, files = {}, []
    for path in EXAMPLES:
        run, data = example_reports[path.stem]
        file = folder / f"{path.stem}.xlsx"
        file.write_bytes(data)
        runs[path.stem] = run
        files.append(file)
    broken, whole = folder / "broken.xlsx", folder / "whole.xlsx"
    _break_a_check(folder / f"{FLAGSHIP}.xlsx", broken)
    _print_whole(folder / f"{RMB}.xlsx", whole, WIDEST)
    files += [broken, whole]
    pdfs = to_pdf(files, folder)
    return {f.stem: (runs.get(f.stem), f, pdf_text(pdfs[f.stem]), pdf_pages(pdfs[f.stem])) for f in files}


def test_the_flagship_prints_in_under_40_pages(printed):
    _run, _file, text, pages = printed[FLAGSHIP]
    assert pages < MAX_PAGES
    assert text.count("\f") >= pages - 1 and "Statements base" in text and "Checks" in text


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES] + ["whole"])
def test_no_cell_shows_hashes_at_the_default_widths(printed, name):
    _run, _file, text, _pages = printed[name]
    assert "###" not in text


def test_the_whole_widest_sheet_is_printed_and_its_numbers_are_in_it(printed):
    """The RMB report's xiaoice-scale sheet, printed whole, shows its largest closing cash in full."""
    _none, _file, whole, pages = printed["whole"]
    rmb = printed[RMB][0]
    j = rmb.scenarios.index(WIDEST.removeprefix("Scenario "))
    largest = float(np.abs(rmb.result.column("closing_cash", j)).max())
    assert pages > printed[RMB][3] and f"{round(largest):,}" in whole


def test_rmb_money_reads_in_wan_and_yi(printed):
    """Summary's money key figures of the RMB report: ¥x.xx亿 (or 万), as LibreOffice prints them."""
    run, _file, text, _pages = printed[RMB]
    summary = text.split("\f")[0]
    shown = 0
    for name in ("peak_funding_need", "npv", "ending_cash"):
        value = float(run.kpis[name][0])
        if math.isfinite(value) and abs(value) >= YI:
            expected = f"¥{abs(value) / YI:.2f}亿"
            assert expected in summary, (name, expected)
            assert Decimal(fmt.money(abs(value), "RMB")[1:-1]) == Decimal(expected[1:-1]), name  # as the HTML reads
            shown += 1
    assert shown >= 2
    assert not re.search(r"¥[\d,.]+M", text)


def test_the_master_check_is_true_after_recalculation_and_false_once_broken(printed):
    ok, broken = printed[FLAGSHIP][2].split("\f")[0], printed["broken"][2].split("\f")[0]
    line = lambda page: next(s for s in page.splitlines() if s.strip().startswith("All checks pass"))  # noqa: E731
    assert line(ok).split()[-1] == "TRUE"
    assert line(broken).split()[-1] == "FALSE"
    checks = [p for p in printed["broken"][2].split("\f") if p.lstrip().startswith("Checks")]
    failed = [s for s in "\n".join(checks).splitlines() if s.rstrip().endswith("FALSE")]
    assert any("Revenue blocks add up" in s and "base" in s for s in failed), failed
    assert all(("base" in s or s.lstrip().startswith("All checks")) for s in failed), failed


def test_the_master_check_is_green_when_true_and_red_otherwise(printed):
    ws = openpyxl.load_workbook(printed[FLAGSHIP][1])["Summary"]
    rules = [(rule.formula[0], rule.dxf.fill.bgColor.rgb)
             for cf in ws.conditional_formatting if MASTER in str(cf.sqref) for rule in cf.rules]
    assert sorted(rules) == sorted([(f"{MASTER}=TRUE", f"FF{PASS[1:]}"), (f"{MASTER}<>TRUE", f"FF{FAIL[1:]}")])


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_every_number_fits_its_column(printed, name):
    """Every number, date and formula result of every sheet fits its column at its number format
    (the widths the PDF test above holds to LibreOffice's drawing)."""
    wb = openpyxl.load_workbook(printed[name][1], data_only=True)   # formulas as their cached values
    narrow = []
    for ws in wb.worksheets:
        widths = {col: d.width for d in ws.column_dimensions.values() for col in range(d.min, d.max + 1)}
        for row in ws.iter_rows():
            for c in row:
                if c.data_type != "n" or c.value is None:
                    continue
                need = text_width(formatted(c.value, c.number_format), bool(c.font and c.font.b))
                if need > widths.get(c.column, 8.43):
                    narrow.append((ws.title, c.coordinate, c.number_format))
    assert not narrow[:5]


def test_validation_refers_to_the_low_and_high_cells_and_speaks_in_the_row_s_units(printed):
    """Assumptions' data validation reads the Low/High cells (an edit there moves the range), and its
    messages write amounts as the reports do ($220B), never in scientific notation."""
    ws = openpyxl.load_workbook(printed[FLAGSHIP][1])["Assumptions"]
    header = {c.value: c.column_letter for c in ws[5] if c.value}
    rows = {ws[f"{header['Defined name']}{r[0].row}"].value: r[0].row for r in ws.iter_rows(min_row=6)}
    rules = ws.data_validations.dataValidation
    assert rules and all("e+" not in (dv.prompt or "") + (dv.error or "") for dv in rules)
    market = rows["advertising__market_size"]
    (dv,) = [dv for dv in rules if str(dv.sqref).startswith(f"{header['base']}{market}")]
    assert (dv.formula1, dv.formula2) == (f"${header['Low']}${market}", f"${header['High']}${market}")
    assert "from $220B to $300B" in dv.prompt
