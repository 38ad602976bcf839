"""The **Checks** sheet: the report checks itself, live, and Summary shows one master check.

Each row is one check: a difference that is 0 when the model is sound (a live formula), a tolerance
(an input), and whether the difference is within it (``=ABS(difference)<=tolerance``). Per scenario of
the run, over its model sheet and its statements sheet:

* the balance sheet balances and the cash statement ties to cash (each check line's largest absolute
  difference over the months);
* the cash identity: closing cash at the horizon = opening cash + Σ net change in cash;
* parts add up to totals: the revenue blocks to total revenue, the cost blocks to total costs;
* the statements' totals: net income and net change in cash summed over the years equal the sums of
  their months, total assets at the last year-end equal the last month's.

Then, per sheet (but this one), no error cells: ``{=SUM(IF(ISERROR(range),1,0))}`` over its used range
(on Summary, below the master check, which reads this sheet), an array formula, which Excel,
LibreOffice and Gnumeric all evaluate cell by cell (Gnumeric's SUMPRODUCT does not). ``All checks pass`` is the AND of the
OK column; Summary's master check (:func:`write_master`) reads the same column and is green when all
pass, red otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.utility import quote_sheetname
from xlsxwriter.worksheet import Worksheet

from cashcast.models.engine.names import setting_name
from cashcast.models.statements.checks import HALF_CENT, check_results

from cashcast.reports.i18n import _, _noop
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.formulas import cell, row_range
from cashcast.reports.excel.layout import ASSUMPTIONS, CHECKS, FIRST_MONTH_COL, SUMMARY, year_spans
from cashcast.reports.excel.sheets.statements import statement_rows
from cashcast.reports.excel.styles import print_setup

HEADER_ROW, ALL_ROW = 4, 2                      # 0-based rows: the table's header, "All checks pass"
LABEL, SCENARIO, KEY, DIFFERENCE, TOLERANCE, OK = range(6)
MASTER_ROW, MASTER_COL = 2, 2                   # Summary!C3 (rows above it are not error-counted)
PASS, FAIL = "#C6EFCE", "#FFC7CE"               # green and red fills of a check's result
PER_SCENARIO = ("check_balance", "check_cash", "cash_identity", "parts_revenue", "parts_costs",
                "annual_net_income", "annual_net_change_in_cash", "annual_total_assets")
LABELS = {
    "check_balance": _noop("Balance sheet balances: largest |assets − liabilities − equity| over the months"),
    "check_cash": _noop("Cash flow statement ties to cash: largest difference over the months"),
    "cash_identity": _noop("Closing cash at the horizon − opening cash − Σ net change in cash"),
    "parts_revenue": _noop("Revenue blocks add up to total revenue: Σ blocks − Σ total"),
    "parts_costs": _noop("Cost blocks add up to total costs: Σ blocks − Σ total"),
    "annual_net_income": _noop("Statements: net income, Σ years − Σ months"),
    "annual_net_change_in_cash": _noop("Statements: net change in cash, Σ years − Σ months"),
    "annual_total_assets": _noop("Statements: total assets, last year-end − last month"),
    "errors": _noop("No error cells: count of error cells in the used range"),
}


@dataclass(frozen=True)
class Check:
    """One row of the sheet: its key (see :data:`LABELS`), its scenario or sheet, its formula and cache."""

    key: str
    where: str
    formula: str
    cached: float


def checked_sheets(book: Book) -> list[str]:
    """The sheets counted for errors: every tab but this one."""
    return [ws.name for ws in book.wb.worksheets() if ws.name != CHECKS]


def row_count(book: Book) -> int:
    return len(PER_SCENARIO) * len(book.run.scenarios) + len(checked_sheets(book))


def ok_range(book: Book) -> str:
    """The OK column's cells, as Summary's master check reads them."""
    first = HEADER_ROW + 1
    return f"{CHECKS}!{cell(first, OK, True, True)}:{cell(first + row_count(book) - 1, OK, True, True)}"


def write_master(book: Book, ws: Worksheet) -> None:
    """Summary's master check: TRUE (green) when every check passes, FALSE (red) otherwise."""
    st = book.st
    ws.write_string(MASTER_ROW, 0, _("All checks pass (the Checks sheet: balances, cash, totals, no errors)"),
                    st.text)
    ws.write_formula(MASTER_ROW, MASTER_COL, f"=AND({ok_range(book)})", _result(book), True)
    _colour(book, ws, MASTER_ROW, MASTER_ROW, MASTER_COL)


def _result(book: Book):
    return book.st.number("General", bold=True, right=True)


def _colour(book: Book, ws: Worksheet, first: int, last: int, col: int) -> None:
    """Green where the check is TRUE, red otherwise."""
    green = book.wb.add_format({"bg_color": PASS, "font_color": "#006100"})
    red = book.wb.add_format({"bg_color": FAIL, "font_color": "#9C0006"})
    top = cell(first, col)
    ws.conditional_format(first, col, last, col, {"type": "formula", "criteria": f"={top}=TRUE", "format": green})
    ws.conditional_format(first, col, last, col, {"type": "formula", "criteria": f"={top}<>TRUE", "format": red})


def write(book: Book, ws: Worksheet) -> None:
    """The checks, a row each, with the result of all of them on top."""
    st = book.st
    ws.write_string(0, 0, _("Checks"), st.title)
    ws.write_string(1, 0, _("Each difference is a live formula; it passes when within its tolerance (blue, an "
                            "input). Summary's master check is green when every check passes."), st.note)
    for c, text in enumerate((_("Check"), _("Scenario or sheet"), _("Key"), _("Difference"), _("Tolerance"),
                              _("OK"))):
        ws.write_string(HEADER_ROW, c, text, st.header)
    checks = [c for name in book.run.scenarios for c in scenario_checks(book, name)] + error_checks(book)
    assert len(checks) == row_count(book)
    money = st.number("#,##0.00")
    for r, check in enumerate(checks, start=HEADER_ROW + 1):
        ws.write_string(r, LABEL, _(LABELS[check.key]), st.text)
        ws.write_string(r, SCENARIO, check.where, st.text)
        ws.write_string(r, KEY, check.key, st.key)
        if check.key == "errors":   # an array formula: Gnumeric's SUMPRODUCT takes ISERROR(range) as one value
            ws.write_array_formula(r, DIFFERENCE, r, DIFFERENCE, check.formula, st.number("0"), check.cached)
        else:
            ws.write_formula(r, DIFFERENCE, check.formula, money, check.cached)
        tolerance = 0 if check.key == "errors" else HALF_CENT
        ws.write_number(r, TOLERANCE, tolerance, st.number("0.000", input_=True))
        ws.write_formula(r, OK, f"=ABS({cell(r, DIFFERENCE)})<={cell(r, TOLERANCE)}", _result(book), True)
    last = HEADER_ROW + len(checks)
    ws.write_string(ALL_ROW, 0, _("All checks pass"), st.section)
    ws.write_formula(ALL_ROW, OK, f"=AND({cell(HEADER_ROW + 1, OK, True, True)}:{cell(last, OK, True, True)})",
                     _result(book), True)
    _colour(book, ws, ALL_ROW, ALL_ROW, OK)
    _colour(book, ws, HEADER_ROW + 1, last, OK)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    for c, width in ((LABEL, 70), (SCENARIO, 22), (KEY, 24), (DIFFERENCE, 14), (TOLERANCE, 10), (OK, 8)):
        ws.set_column(c, c, width)
    print_setup(ws, header_rows=HEADER_ROW + 1, tall=1)


def scenario_checks(book: Book, scenario: str) -> list[Check]:
    """The checks of one scenario, over its model sheet and its statements sheet."""
    j, L = book.run.scenarios.index(scenario), book.layout
    model, statements = book.scenario_sheets[scenario], book.statement_sheets[scenario]
    column = lambda name: book.run.result.column(name, j)  # noqa: E731
    months = lambda name: row_range(L.rows[name], FIRST_MONTH_COL, L.last_col, model)  # noqa: E731
    last = lambda name: f"{quote_sheetname(model)}!{cell(L.rows[name], L.last_col)}"  # noqa: E731
    out = [Check(r.name, scenario, f"=MAX(MAX({months(r.name)}),-MIN({months(r.name)}))", r.largest_difference)
           for r in check_results(column)]
    opening = _in_force(book, "opening_cash", scenario)
    identity = float(column("closing_cash")[-1] - book.workbook.settings.value("opening_cash", scenario)
                     - column("net_change_in_cash").sum())
    out.append(Check("cash_identity", scenario, f"={last('closing_cash')}-{opening}-SUM({months('net_change_in_cash')})",
                     identity))
    for role, total in (("revenue", "revenue"), ("cost", "costs")):
        parts = [n for n, line in book.model.lines.items() if line.role == role]
        sums = "+".join(f"SUM({months(n)})" for n in parts) or "0"
        cached = float(sum(column(n).sum() for n in parts) - column(total).sum())
        out.append(Check(f"parts_{total}", scenario, f"={sums}-SUM({months(total)})", cached))
    years = len(year_spans(book.run.months))
    row = statement_rows(book)
    for name in ("net_income", "net_change_in_cash"):
        annual = row_range(row[name], FIRST_MONTH_COL, FIRST_MONTH_COL + years - 1, statements)
        out.append(Check(f"annual_{name}", scenario, f"=SUM({annual})-SUM({months(name)})",
                         float(sum(book.run.annual(name, j)) - column(name).sum())))
    year_end = f"{quote_sheetname(statements)}!{cell(row['total_assets'], FIRST_MONTH_COL + years - 1)}"
    out.append(Check("annual_total_assets", scenario, f"={year_end}-{last('total_assets')}",
                     float(book.run.annual("total_assets", j)[-1] - column("total_assets")[-1])))
    return out


def _in_force(book: Book, setting: str, scenario: str) -> str:
    """The Assumptions cell holding a setting's value in force in a scenario."""
    A = book.alayout
    r = A.first_body_row + next(i for i, row in enumerate(book.inputs) if row.key == setting_name(setting))
    return f"{ASSUMPTIONS}!{cell(r, A.effective_col(scenario), True, True)}"


def error_checks(book: Book) -> list[Check]:
    """Per sheet, the count of error cells in its used range (on Summary, below the master check)."""
    out = []
    for ws in book.wb.worksheets():
        if ws.name == CHECKS:
            continue
        top = MASTER_ROW + 1 if ws.name == SUMMARY else 0
        bottom, right = max(ws.dim_rowmax or 0, top), max(ws.dim_colmax or 0, 0)
        used = f"{quote_sheetname(ws.name)}!{cell(top, 0, True, True)}:{cell(bottom, right, True, True)}"
        out.append(Check("errors", ws.name, f"{{=SUM(IF(ISERROR({used}),1,0))}}", 0))
    return out
