"""The Excel report's sheets come from one registry, and the parameter names from one scheme.

``reports/excel/report.py``'s ``SHEETS`` is the list the writer loops over: the written workbook holds
exactly its tabs, in its order, and every sheet module of ``reports/excel/sheets/`` is reached from it.
"""
from __future__ import annotations

import importlib
import io
import pkgutil

import openpyxl
import pytest
import xlsxwriter

from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.uncertainty import analyse
from cashcast.models.engine.constants import CONSTANTS, WORDS
from cashcast.models.engine.names import block_slug, fx_name, param_name, setting_name
from cashcast.reports.excel import sheets
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.report import SHEETS, excel_bytes
from tests.report_fixtures import known_workbook


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_file(known_workbook(tmp_path_factory.mktemp("sheets")))


def _tabs(run, analysis) -> list[str]:
    """The tab titles the registry lists for this report (the workbook object is never written)."""
    wb = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    book = Book.of(run, wb, analysis)
    return [title for sheet in SHEETS for title in sheet.tabs(book)]


@pytest.mark.parametrize("samples", [None, 0, 50], ids=["no analysis", "no simulation", "simulation"])
def test_the_workbook_holds_the_registry_s_tabs_in_order(run, samples):
    analysis = None if samples is None else analyse(run, samples, 0)
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes(run, analysis)), read_only=True)
    assert book.sheetnames == _tabs(run, analysis)
    assert book.sheetnames[0] == "Summary"
    assert [n for n in book.sheetnames if n.startswith("Sensitivity")] == (
        [f"Sensitivity {s}" for s in run.scenarios] if analysis is not None else [])
    assert [n for n in book.sheetnames if n.startswith("Simulation")] == (
        [f"Simulation {s}" for s in run.scenarios] if samples else [])
    assert book.sheetnames[-2:] == ["Scenario base", "Scenario no-sales"]


def test_every_sheet_module_is_reached_from_the_registry():
    writers = {sheet.write.__module__ for sheet in SHEETS}
    modules = {f"{sheets.__name__}.{info.name}" for info in pkgutil.iter_modules(sheets.__path__)}
    # comparison.py is part of Summary, written by summary.py when the report has an analysis
    assert modules - writers == {f"{sheets.__name__}.comparison"}
    summary = importlib.import_module(f"{sheets.__name__}.summary")
    assert summary.comparison is importlib.import_module(f"{sheets.__name__}.comparison")


def test_the_parameter_name_scheme_round_trips():
    assert setting_name("minimum_cash") == "settings__minimum_cash"
    assert fx_name("RMB") == "fx__rmb"
    assert param_name("api", "unit_price") == "api__unit_price"
    assert block_slug(param_name("api", "runs_per_year", "y2025")) == "api"


def test_every_assumption_cell_is_named_by_the_scheme(run):
    """The Assumptions sheet's defined names are exactly the workbook's settings, rates and rows; the
    other workbook-level names are the selector's and the named constants (Monthly's Constants block)."""
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes(run)))
    settings = run.workbook.settings
    expected = {setting_name(s) for s in ("opening_cash", "minimum_cash", "discount_rate", "receivable_days",
                                          "payable_days")}
    expected |= {fx_name(code) for code in settings.fx}
    expected |= {r.key for r in run.workbook.rows if r.link is None}
    constants = {c.name for c in (*CONSTANTS, *WORDS)}
    assert constants <= set(book.defined_names)
    named = set(book.defined_names) - {"selected_scenario", "scenario_index"} - constants
    assert named == expected


def test_statement_lines_sit_in_their_statements_sections(run):
    """Each statement line is placed under its own statement's heading on the model sheets, never in
    "Other lines" (a name clash once grouped them under one-letter headings)."""
    from cashcast.models.statements.lines import STATEMENT_LINES, STATEMENTS
    from cashcast.reports.excel.layout import sections

    placed = dict(sections(run.model))
    assert "Other lines" not in placed
    for title in STATEMENTS:
        expected = [s.name for s in STATEMENT_LINES if s.section == title and s.name in run.model.lines]
        assert expected and placed[title][-len(expected):] == expected
