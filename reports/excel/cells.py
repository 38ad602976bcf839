"""How a value is written into a cell of the Excel report, shared by the sheet modules.

* The live sheets (Monthly, the scenario sheets, Summary) cache numpy's value beside each formula:
  :func:`cell_value`, :func:`kpi_value`, and :func:`kpi_format` for a key figure's cell.
* The computed sheets (Sensitivity, Simulation) write values, not formulas: a month as its date
  ("mmm yyyy") or the text "never", a key figure, an assumption's value.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.reductions import NEVER, UNDEFINED
from cashcast.models.analysis.scenarios import Run
from cashcast.models.reading.data import month_ordinal, ordinal_to_date

from cashcast.reports.i18n import _
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.layout import excel_serial
from cashcast.reports.excel.styles import DATE, MONEY, MONTHS, PERCENT, money_millions


def cell_value(value):
    """A spreadsheet value as the number a formula caches: dates as serial numbers.

    >>> cell_value(dt.date(2023, 1, 1)), cell_value(0.25)
    (44927, 0.25)
    """
    if isinstance(value, dt.date):
        return excel_serial(value)
    return value


def kpi_value(run: Run, kpi: registry.Kpi, j: int):
    """numpy's key figure for scenario column j as the cell caches it ("never", "n/a" in the report's
    language, a serial)."""
    v = run.kpis[kpi.name][j] if kpi.name in run.kpis else np.nan
    if kpi.is_date:
        return _(NEVER) if not np.isfinite(v) else excel_serial(month_date(run.months, v))
    if kpi.kind == "months":
        return _(NEVER) if not np.isfinite(v) else int(v)
    if kpi.kind == "rate":
        return _(UNDEFINED) if not np.isfinite(v) else float(v)
    return float(v)


def kpi_format(book: Book, kpi: registry.Kpi, compact: bool, value=None) -> Format:
    """A key figure's format: a month, months, a percentage, or money (in millions when compact; in
    RMB the 万/亿 unit that fits ``value``)."""
    formats = {"month": DATE, "months": MONTHS, "rate": "0.0%"}
    amount = value if isinstance(value, (int, float)) else None
    money = money_millions(book.currency, amount) if compact else MONEY
    return book.st.number(formats.get(kpi.kind, money), bold=True, right=True)


# -- values computed by cashcast (Sensitivity, Simulation) ------------------------------------------
def month_date(months: list[dt.date], index: float) -> dt.date | None:
    """The first day of month ``index`` of the horizon (extrapolated outside it); None for NaN.

    >>> month_date([dt.date(2023, 11, 1)], 3.0)
    datetime.date(2024, 2, 1)
    """
    if not np.isfinite(index):
        return None
    return ordinal_to_date(month_ordinal(months[0]) + int(round(float(index))))


def right(book: Book, num_format: str, **kw) -> Format:
    """A number format aligned right, so that a text result ("never") lines up with the numbers."""
    return book.st.number(num_format, right=True, **kw)


def write_month(book: Book, ws: Worksheet, r: int, c: int, index: float, **kw) -> None:
    """A month index as its date ("mmm yyyy"), or the text "never"."""
    day = month_date(book.run.months, index)
    if day is None:
        ws.write_string(r, c, _(NEVER), right(book, DATE, **kw))
    else:
        ws.write_datetime(r, c, dt.datetime(day.year, day.month, 1), right(book, DATE, **kw))


def write_kpi(book: Book, ws: Worksheet, r: int, c: int, kpi: str, x: float, **kw) -> None:
    """A key figure: a month, a runway in months, or money in millions; NaN as "never"/"n/a"."""
    if registry.named(kpi).is_date:
        write_month(book, ws, r, c, x, **kw)
    elif registry.named(kpi).kind == "months":
        if np.isfinite(x):
            ws.write_number(r, c, int(x), right(book, MONTHS, **kw))
        else:
            ws.write_string(r, c, _(NEVER), right(book, MONTHS, **kw))
    elif np.isfinite(x):
        ws.write_number(r, c, float(x), right(book, money_millions(book.currency, x), **kw))
    else:
        ws.write_string(r, c, _(UNDEFINED), right(book, MONEY, **kw))


def write_input(book: Book, ws: Worksheet, r: int, c: int, dimension: str, unit: str, x: float) -> None:
    """An assumption's value in spreadsheet terms: a date, a percentage, or a number."""
    if dimension == "date":
        write_month(book, ws, r, c, x)
        return
    if unit.startswith("%"):
        fmt = PERCENT
    elif float(x).is_integer():
        fmt = "#,##0"
    else:
        fmt = "#,##0.0#########"
    ws.write_number(r, c, float(x), right(book, fmt))
