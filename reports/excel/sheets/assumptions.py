"""The **Assumptions** sheet: every input in blue, and the defined names the model reads.

Per row the base value and an override per scenario (blank = as base), the value in force in each
scenario (formulas) and the value *in use*, picked by the selector on Summary. Each assumption's
defined name (``chatgpt_plus__price``, ``settings__opening_cash``, ``fx__usd``; see
:mod:`cashcast.models.engine.names`) points at its in-use cell; on each scenario sheet a sheet-scoped
name of the same text points at that scenario's "in force" cell. Data validation against the
row's Low and High cells.
"""
from __future__ import annotations

import datetime as dt
import re

from xlsxwriter.format import Format
from xlsxwriter.utility import quote_sheetname
from xlsxwriter.worksheet import Worksheet

from cashcast.models.reading import wording
from cashcast.models.reading.sources import _unknown
from cashcast.models.reading.specs import DISTRIBUTIONS
from cashcast.reports import fmt
from cashcast.reports.excel.editing import validations
from cashcast.reports.i18n import _, unit
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.cells import cell_value
from cashcast.reports.excel.formulas import cell
from cashcast.reports.excel.sheets import sources
from cashcast.reports.excel.layout import ASSUMPTIONS, INDEX_NAME, SOURCES, InputRow
from cashcast.reports.excel.sheets.sources import register_rows
from cashcast.reports.excel.styles import PERCENT, print_setup


def write(book: Book, ws: Worksheet) -> None:
    """Inputs in blue (base and scenario overrides), the value in force per scenario, the value in
    use; defined names for the model; data validation from low/high."""
    st, A, s = book.st, book.alayout, book.workbook.settings
    ws.write_string(0, 0, _("Assumptions of {workbook}", workbook=book.workbook.name), st.title)
    ws.write_string(1, 0, _("Blue cells are inputs: change one and the whole model recalculates. A blank "
                            "scenario cell means 'as base'. The model reads the 'in use' column: the "
                            "values of the scenario chosen on Summary."), st.note)
    ws.write_string(2, 0, _("Fixed by the report's layout: start {start}, {months}, currency {currency}. "
                            "Change them in the assumption workbook and run cashcast again.",
                            start=fmt.month_of(s.start_month), months=fmt.months(s.horizon_months),
                            currency=s.currency), st.note)
    header = [_("Block"), _("Parameter"), _("Unit"), _("In use (scenario chosen on Summary)"),
              *A.scenarios, _("Low"), _("High"), _("Distribution"), _("Source"), _("Notes"), _("Defined name"),
              *[_("In force: {scenario}", scenario=n) for n in A.scenarios]]
    for c, text in enumerate(header):
        ws.write_string(A.header_row, c, text, st.header)
    ws.write_string(A.header_row - 1, A.base_col, _("Inputs: base, then overrides per scenario"), st.note)
    ws.write_string(A.header_row - 1, A.effective_col(A.scenarios[0]),
                    _("Formulas: value in force per scenario"), st.note)
    for i, row in enumerate(book.inputs):
        _assumption_row(book, ws, A.first_body_row + i, row)
    last = A.first_body_row + len(book.inputs) - 1
    _dropdowns(book, ws, A.first_body_row, last)
    ws.freeze_panes(A.first_body_row, A.unit_col + 1)
    ws.autofilter(A.header_row, 0, last, A.last_col)
    _widths(book, ws)
    ws.set_row(A.header_row, 30)
    print_setup(ws, header_rows=A.header_row + 1, title_cols=2, fit_width=False)


def _widths(book: Book, ws: Worksheet) -> None:
    A = book.alayout
    widths = {A.block_col: 22, A.param_col: 26, A.unit_col: 15, A.in_use_col: 18}
    for c in range(A.base_col, A.after_inputs):
        widths[c] = 15
    info = A.info_cols
    widths.update({info["low"]: 13, info["high"]: 13, info["distribution"]: 11, info["source"]: 40,
                   info["notes"]: 60, info["defined name"]: 34})
    for c in range(A.effective_col(A.scenarios[0]), A.last_col + 1):
        widths[c] = 15
    for c, w in widths.items():
        ws.set_column(c, c, w)


def _input_format(book: Book, row: InputRow, value, *, input_=True) -> Format:
    if row.is_date:
        fmt = "yyyy-mm"
    elif row.unit.startswith("%"):
        fmt = PERCENT
    elif isinstance(value, float) and not value.is_integer():
        fmt = "#,##0.0#########"
    else:
        fmt = "#,##0"
    return book.st.number(fmt, input_=input_, grey=not input_)


def _write_value(book: Book, ws: Worksheet, r: int, c: int, row: InputRow, value, *, input_=True) -> None:
    fmt = _input_format(book, row, value if value is not None else row.base, input_=input_)
    if value is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), fmt)
    else:
        ws.write_number(r, c, value, fmt)


def _assumption_row(book: Book, ws: Worksheet, r: int, row: InputRow) -> None:
    st, A = book.st, book.alayout
    ws.write_string(r, A.block_col, row.block, st.text)
    ws.write_string(r, A.param_col, row.parameter, st.text)
    ws.write_string(r, A.unit_col, unit(row.unit), st.text)
    info = A.info_cols
    target = sources.link_to(book.workbook, row.source)
    if target is None:
        ws.write_string(r, info["source"], row.source, st.text)
    else:  # a link to the first cited source's row of the Sources sheet
        ws.write_url(r, info["source"], target, st.text, row.source, "See this source on the Sources sheet")
    ws.write_string(r, info["notes"], row.notes, st.text)
    if row.key is None:  # a linked count: the block builder reads the line, not an input
        ws.write_string(r, A.base_col, row.base, st.note)
        ws.write_string(r, info["defined name"], _("(linked line, not an input)"), st.key)
        return
    for scenario in A.scenarios:
        value = row.base if scenario == A.scenarios[0] else row.overrides.get(scenario)
        _write_value(book, ws, r, A.input_col(scenario), row, value)
    _validate(book, ws, r, row)
    for name in ("low", "high"):
        if getattr(row, name) is not None:
            _write_value(book, ws, r, info[name], row, getattr(row, name), input_=False)
    ws.write_string(r, info["distribution"], row.distribution, st.text)
    ws.write_string(r, info["defined name"], row.key, st.key)
    _in_force(book, ws, r, row)


def _in_force(book: Book, ws: Worksheet, r: int, row: InputRow) -> None:
    """The value in force per scenario and in use (formulas), and the names pointing at them."""
    A = book.alayout
    base = cell(r, A.base_col, abs_col=True)
    fmt = _input_format(book, row, row.base, input_=False)
    for scenario in A.scenarios:
        typed = cell(r, A.input_col(scenario))
        formula = f"={base}" if scenario == A.scenarios[0] else f'=IF({typed}="",{base},{typed})'
        ws.write_formula(r, A.effective_col(scenario), formula, fmt, cell_value(row.value(scenario)))
    first, last = A.effective_col(A.scenarios[0]), A.effective_col(A.scenarios[-1])
    in_use = f"=INDEX({cell(r, first, abs_col=True)}:{cell(r, last, abs_col=True)},1,{INDEX_NAME})"
    ws.write_formula(r, A.in_use_col, in_use, book.st.number(fmt.num_format, bold=True),
                     cell_value(row.value(book.selected)))
    book.define(row.key, f"={ASSUMPTIONS}!{cell(r, A.in_use_col, True, True)}")
    for scenario, sheet in book.scenario_sheets.items():
        book.define(f"{quote_sheetname(sheet)}!{row.key}",
                    f"={ASSUMPTIONS}!{cell(r, A.effective_col(scenario), True, True)}")


def shown(value, row: InputRow) -> str:
    """A low or high as the reports write the row's unit: a month, a percentage, money or a count.

    >>> usd, share = InputRow("Ads", "market_size", "USD/year", "k", 1e9, {}), InputRow("Ads", "share", "%", "k", 0, {})
    >>> shown(5e8, usd), shown(1.5e9, usd), shown(0.015, share)
    ('$500M', '$1.5B', '1.5%')
    >>> shown(5.5e8, InputRow("Fans", "tickets", "RMB", "k", 1e9, {})), shown(1.5e9, InputRow("F", "a", "users", "k", 0, {}))
    ('¥5.5亿', '1.5B')
    """
    if row.is_date:
        return f"{value:%Y-%m}"
    if row.unit.startswith("%"):
        return fmt.percent_exact(value)
    code = row.unit.split("/")[0]
    if re.fullmatch(r"[A-Z]{3}", code):
        return fmt.money(value, code)
    return fmt.number(value)


def _validate(book: Book, ws: Worksheet, r: int, row: InputRow) -> None:
    """Data validation of the input cells against the row's Low and High cells (a warning, not a
    refusal); the messages give the unit and the range as the reports write the row's unit ("from $500M
    to $1.5B"), or, without a range, the unit and the workbook's value as an example."""
    lo, hi = row.low, row.high
    A = book.alayout
    if lo is None and hi is None:
        example = shown(row.base, row) if row.base is not None else ""
        ws.data_validation(r, A.base_col, r, A.after_inputs - 1, {
            "validate": "any", "input_title": _("Input"),
            "input_message": _("Unit: {unit}. For example {value} (the assumption workbook's value).",
                               unit=unit(row.unit), value=example)})
        return
    info = book.alayout.info_cols
    low, high = (f"={cell(r, info[name], True, True)}" for name in ("low", "high"))
    if lo is not None and hi is not None:
        rule = {"criteria": "between", "minimum": low, "maximum": high}
        text = _("from {low} to {high}", low=shown(lo, row), high=shown(hi, row))
    elif lo is not None:
        rule = {"criteria": ">=", "value": low}
        text = _("at least {value}", value=shown(lo, row))
    else:
        rule = {"criteria": "<=", "value": high}
        text = _("at most {value}", value=shown(hi, row))
    rule.update({"validate": "date" if row.is_date else "decimal", "error_type": "warning",
                 "input_title": _("Range"), "input_message": _("Unit: {unit}. The assumption workbook's range: "
                                                               "{text}.", unit=unit(row.unit), text=text),
                 "error_title": _("Outside the range"),
                 "error_message": _("The assumption workbook gives a range {text}. Keep this value?", text=text)})
    ws.data_validation(r, A.base_col, r, A.after_inputs - 1, rule)


def _dropdowns(book: Book, ws: Worksheet, first: int, last: int) -> None:
    """The distribution (one of the registry's) and the source (an id of the Sources sheet's register,
    a warning: a citation adds locators) of every row, with cashcast's own error words; the live model
    reads neither, the assumption workbook does."""
    info = book.alayout.info_cols
    ws.data_validation(first, info["distribution"], last, info["distribution"], {
        "validate": "list", "source": list(DISTRIBUTIONS), "ignore_blank": True,
        "error_title": _("Distribution"), "error_message": validations.fit(
            wording.unknown_distribution(validations.TYPED, DISTRIBUTIONS))})
    ids = register_rows(book.workbook)
    if ids:
        top, bottom = min(ids.values()) + 1, max(ids.values()) + 1
        ws.data_validation(first, info["source"], last, info["source"], {
            "validate": "list", "source": f"={quote_sheetname(SOURCES)}!$A${top}:$A${bottom}", "error_type": "warning",
            "error_title": _("Source"), "error_message": validations.fit(
                _unknown(validations.TYPED, dict.fromkeys(ids)))})
