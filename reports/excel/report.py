"""The Excel report: a workbook that is itself the model, recalculated by any spreadsheet engine.

``excel_bytes(run, analysis)`` renders a :class:`~cashcast.models.analysis.scenarios.Run` as .xlsx bytes with these sheets:

* **Summary** — the scenario selector (a dropdown) and the key figures: column C for the scenario
  the selector picks, then one live column per scenario of the run; the scenario list; the charts
  (cash balance with funding rounds, revenue by block, costs by block).
* **Assumptions** — every input in blue: per row the base value, an override per scenario (blank =
  as base), the value in force in each scenario (formulas) and the value *in use*, picked by the
  selector. Each assumption's defined name (``chatgpt_plus__price``, ``settings__opening_cash``,
  ``fx__usd``) points at its in-use cell.
* **Monthly** — every line, one column per month: the formula of ``line.expr.xl(ctx)``, referring to
  assumptions by defined name and to lines by cell; helper flag rows and the key figures below.
* **Annual** — sums of the months (year-end values for balances), formulas over Monthly.
* **Statements <scenario>** — per scenario, the income statement, cash flow statement and balance
  sheet per year, formulas over that scenario's model sheet, and the checks' largest differences over
  all months (live formulas).
* **Cap table** (only when a funding round states a valuation) — each round's terms and the ownership
  after it, formulas over the assumptions (:mod:`cashcast.reports.excel.sheets.cap_table`).
* **Sensitivity <scenario>**, **Simulation <scenario>** (only with an ``analysis``, :func:`cashcast.models.analysis.uncertainty.analyse`
  of the run: a Sensitivity sheet per scenario, a Simulation sheet per scenario when it simulated) — the tornado and the Monte Carlo, values computed by
  cashcast and marked as such; Summary then also compares the scenarios with the baseline (live
  formulas).
* **Sources** — where each figure comes from.
* **Checks** — the report checking itself, live: balances, the cash identity, parts adding up to
  totals, the statements' totals, no error cell on any sheet; each against a tolerance cell. Summary's
  master check (C3) is the AND of them all, green or red (:mod:`cashcast.reports.excel.sheets.checks`).
* **Analyst checks** (only when the assumption workbook has a Checks sheet) — each expected figure
  against a live formula over its scenario's sheet (:mod:`cashcast.reports.excel.sheets.analyst_checks`).
* **Scenario <name>** — one copy of the Monthly model per scenario of the run. Its formulas are the
  same text as Monthly's; sheet-scoped defined names make each assumption name there mean that
  scenario's "in force" cell, so every scenario's key figures are live at once.

Once every sheet is written, each column is widened to its widest formatted value
(:mod:`cashcast.reports.excel.widths`), then a sheet's ``finish`` sets what depends on the widths (the
model sheets' print scale). Every formula cell also carries the value numpy computed (for the scenario the selector starts on),
so readers that do not calculate (pandas, previewers) see numbers. Text is always written as text.
Document properties are fixed: the same run gives byte-identical bytes.

The writer is this module: :func:`excel_bytes` makes the XlsxWriter workbook and the
:class:`~cashcast.reports.excel.book.Book` (the state every sheet shares) and loops over
:data:`SHEETS`, the registry of sheets; each sheet is a module of :mod:`cashcast.reports.excel.sheets`.
A new sheet is a module there and one entry in :data:`SHEETS`.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Callable

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from cashcast.models.analysis.scenarios import Run
from cashcast.models.analysis.uncertainty import Uncertainty

from cashcast.reports.excel.book import Book
from cashcast.reports.excel.layout import (
    ANNUAL, ASSUMPTIONS, CHECKS, MONTHLY, SOURCES, SUMMARY,
)
from cashcast.reports.excel.sheets import (analyst_checks, annual, assumptions, cap_table, checks, model, sensitivity, simulation,
                                          sources, statements, summary)
from cashcast.reports.excel.widths import fit_columns
from cashcast.reports.excel.worksheet import FinalFormulaWorksheet

FIXED_PROPERTIES = {"title": "cashcast report", "author": "cashcast", "company": "",
                    "comments": "Written by cashcast: a live model; every projected number is a formula.",
                    "created": dt.datetime(2023, 1, 1)}


@dataclass(frozen=True)
class Sheet:
    """One entry of the registry: the tabs a sheet adds to a report, and how each is filled in."""

    tabs: Callable[[Book], list[str]]            # its tab titles in this report ([] when it has none)
    write: Callable[[Book, Worksheet], None]     # fills one of its tabs
    fill: int                                    # its turn when the tabs are filled in (see write_sheets)
    finish: Callable[[Book, Worksheet], None] | None = None  # after the column widths are fitted


def one(title: str, present: Callable[[Book], bool] = lambda book: True) -> Callable[[Book], list[str]]:
    """The tabs of a sheet that appears once, when ``present``."""
    return lambda book: [title] if present(book) else []


def _simulation_tabs(book: Book) -> list[str]:
    return list(book.simulation_sheets.values())


def _sensitivity_tabs(book: Book) -> list[str]:
    return list(book.sensitivity_sheets.values())


def _scenario_tabs(book: Book) -> list[str]:
    return [book.scenario_sheets[name] for name in book.run.scenarios]


# The sheets in tab order
SHEETS: tuple[Sheet, ...] = (
    Sheet(one(SUMMARY), summary.write, fill=8),
    Sheet(one(ASSUMPTIONS), assumptions.write, fill=1),
    Sheet(one(MONTHLY), model.write_monthly, fill=2, finish=model.print_monthly),
    Sheet(one(ANNUAL), annual.write, fill=4),
    Sheet(statements.tabs, statements.write, fill=9),
    Sheet(one(cap_table.TITLE, cap_table.present), cap_table.write, fill=10),
    Sheet(_sensitivity_tabs, sensitivity.write, fill=6),
    Sheet(_simulation_tabs, simulation.write, fill=7),
    Sheet(one(SOURCES), sources.write, fill=5),
    Sheet(one(CHECKS), checks.write, fill=11),
    Sheet(one(analyst_checks.TITLE, analyst_checks.present), analyst_checks.write, fill=10),
    Sheet(_scenario_tabs, model.write_scenario, fill=3, finish=model.print_scenario),
)


def excel_bytes(run: Run, analysis: Uncertainty | None = None, *,
                worksheet_class: type = FinalFormulaWorksheet) -> bytes:
    """The Excel report of a run as .xlsx bytes (see the module docstring for its sheets); with
    ``analysis`` (``cashcast.models.analysis.uncertainty.analyse(run, ...)``) also the uncertainty sheets.
    ``worksheet_class``: the XlsxWriter worksheet the sheets are written with (XlsxWriter's own gives
    the same bytes, more slowly; :mod:`cashcast.reports.excel.worksheet`)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False})
    wb.worksheet_class = worksheet_class
    wb.set_properties(FIXED_PROPERTIES)
    write_sheets(Book.of(run, wb, analysis))
    wb.close()
    return buf.getvalue()


def write_sheets(book: Book) -> None:
    """Add every tab first, in :data:`SHEETS`' order (sheet-scoped names need their sheet), then fill
    them in by ``fill``: Summary last, as it gathers the others. The fill order also fixes the order
    in which XlsxWriter numbers shared strings, formats and charts, so keeping it keeps the bytes."""
    tabs = [(sheet, book.wb.add_worksheet(title)) for sheet in SHEETS for title in sheet.tabs(book)]
    for sheet, ws in sorted(tabs, key=lambda tab: tab[0].fill):
        sheet.write(book, ws)
    for sheet, ws in tabs:
        fit_columns(ws)
        if sheet.finish is not None:
            sheet.finish(book, ws)
    tabs[0][1].activate()
