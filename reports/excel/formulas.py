"""Formula text for the Excel report: the Excel evaluation context of :mod:`cashcast.models.engine.expr`, and the KPIs.

A line's monthly formula is never written here: it is ``line.expr.xl(ctx)`` with the
:class:`ExcelContext` below standing for one month column of a model sheet. Likewise a key figure's
formula is its registry definition's ``xl`` (:mod:`cashcast.models.analysis.kpis`) with the
:class:`KpiContext` below standing for the sheet's whole rows; the parity tests hold the numpy and
Excel values to the same numbers. IRR's live guess search is in :mod:`cashcast.reports.excel.irr`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

from xlsxwriter.utility import quote_sheetname, xl_col_to_name

from cashcast.models.engine.constants import MONTHS_PER_YEAR, NA_TEXT


def cell(row: int, col: int, abs_row: bool = False, abs_col: bool = False) -> str:
    """A1 text of a 0-based (row, col): ``cell(0, 3) == 'D1'``, ``cell(0, 3, True, True) == '$D$1'``."""
    return f"{'$' if abs_col else ''}{xl_col_to_name(col)}{'$' if abs_row else ''}{row + 1}"


def row_range(row: int, first_col: int, last_col: int, sheet: str | None = None) -> str:
    """Absolute A1 range along one row, optionally on another sheet: ``'Monthly'!$D$9:$O$9``."""
    text = f"{cell(row, first_col, True, True)}:{cell(row, last_col, True, True)}"
    return f"{quote_sheetname(sheet)}!{text}" if sheet else text


@dataclass(frozen=True)
class ExcelContext:
    """One month column of a model sheet, as the ``xl()`` protocol of :mod:`cashcast.models.engine.expr` sees it.

    ``rows`` maps each line to its 0-based sheet row; month ``t`` sits in column ``first_col + t``;
    ``index_row`` holds the month numbers (0, 1, 2, ...) and ``date_row`` the first-of-month dates.
    ``names`` are the defined names an assumption may be referred to by; an unknown one raises
    KeyError here rather than becoming ``#NAME?`` in the workbook. ``since`` maps a date assumption to
    its months-since helper row, which a :class:`~cashcast.models.engine.expr.MonthsSince` of it reads
    instead of repeating the arithmetic in every cell.
    """

    rows: dict[str, int]
    names: frozenset[str]
    t: int = 0
    first_col: int = 3
    index_row: int = 2
    date_row: int = 3
    since: dict[str, int] = field(default_factory=dict)

    def at(self, t: int) -> "ExcelContext":
        """The same sheet, month ``t``."""
        return replace(self, t=t)

    def without_helpers(self) -> "ExcelContext":
        """The same month, writing months since a date in full (the helper rows' own formulas)."""
        return replace(self, since={})

    def months_since(self, date: str) -> str | None:
        """The months-since helper cell of a date assumption in this month, None without one."""
        row = self.since.get(date)
        return None if row is None else cell(row, self.col)

    @property
    def col(self) -> int:
        return self.first_col + self.t

    def param(self, name: str) -> str:
        """An assumption: its defined name."""
        if name not in self.names:
            raise KeyError(f"no defined name for assumption {name!r}")
        return name

    def line(self, name: str) -> str:
        """Another line, same month: its cell in this column."""
        return cell(self.rows[name], self.col)

    def prev(self, name: str) -> str | None:
        """A line last month: the cell one column left; None in the first month."""
        return None if self.t == 0 else cell(self.rows[name], self.col - 1)

    def month_index(self) -> str:
        """The month number header of this column (0 in the first month)."""
        return cell(self.index_row, self.col, abs_row=True)

    def month_date(self) -> str:
        """The first-of-month date header of this column."""
        return cell(self.date_row, self.col, abs_row=True)

    def rolling_sum(self, name: str, months: int) -> str:
        """``SUM`` of the line over the trailing ``months`` months, fewer at the model's start."""
        r = self.rows[name]
        first = max(self.first_col, self.col - months + 1)
        return f"SUM({cell(r, first)}:{cell(r, self.col)})"


def line_formula(expr, ctx: ExcelContext) -> str:
    """The cell formula of a line's expression in ctx's month: ``'=' + expr.xl(ctx)``."""
    return "=" + expr.xl(ctx)


# ------------------------------------------------------------------------------------------------
# Key figures: the Excel context of the KPI reductions (cashcast.models.analysis.reductions)
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KpiContext:
    """A model sheet as a KPI's reduction sees it: whole rows of lines, the date row, flag rows.

    A key figure's formula is ``kpi.definition.xl(KpiContext(...))``; ``irr`` gives the formula of
    the live IRR search for a line's row (:mod:`cashcast.reports.excel.irr`).
    """

    rows: dict[str, int]
    flag_rows: dict[str, int]
    first_col: int
    last_col: int
    date_row: int
    irr_of: Callable[[str], str]
    index_row: int = 2
    mark_rows: dict[str, int] = field(default_factory=dict)

    @property
    def months(self) -> int:
        return self.last_col - self.first_col + 1

    def range(self, name: str, skip: int = 0) -> str | None:
        """The line's row from month ``skip`` to the last, absolute; None when that is empty."""
        first = self.first_col + skip
        return None if first > self.last_col else row_range(self.rows[name], first, self.last_col)

    def first(self, name: str) -> str:
        """The line's first month cell (relative, as the NPV formula writes it)."""
        return cell(self.rows[name], self.first_col)

    def last(self, name: str) -> str:
        """The line's last month cell."""
        return cell(self.rows[name], self.last_col)

    def dates(self) -> str:
        return row_range(self.date_row, self.first_col, self.last_col)

    def indices(self) -> str:
        """The row of month numbers (0 in the first month)."""
        return row_range(self.index_row, self.first_col, self.last_col)

    def flags(self, key: str) -> str:
        return row_range(self.flag_rows[key], self.first_col, self.last_col)

    def last_date(self) -> str:
        """The last month's date cell (absolute)."""
        return cell(self.date_row, self.last_col, True, True)

    def last_flag(self, key: str) -> str:
        """A flag's last month cell (absolute)."""
        return cell(self.flag_rows[key], self.last_col, True, True)

    def last_mark(self, key: str) -> str:
        """A running last-month helper row's last cell (absolute): the last such month of the horizon."""
        return cell(self.mark_rows[key], self.last_col, True, True)

    def param(self, name: str) -> str:
        """A setting: its defined name."""
        return name

    def irr(self, name: str) -> str:
        return self.irr_of(name)


# ------------------------------------------------------------------------------------------------
# Scenario comparison on Summary (mirror models/uncertainty.py's compare_scenarios)
# ------------------------------------------------------------------------------------------------
def difference(other: str, base: str, months: bool) -> str:
    """A scenario's key figure minus the baseline's: calendar months between two month dates when
    ``months``; "n/a" (``NA_TEXT``) when either is not a number ("never", an undefined IRR).

    >>> difference("E8", "$D8", True)
    '=IF(AND(ISNUMBER(E8),ISNUMBER($D8)),(YEAR(E8)-YEAR($D8))*MONTHS_PER_YEAR+MONTH(E8)-MONTH($D8),NA_TEXT)'
    """
    twelve = MONTHS_PER_YEAR.name
    diff = f"(YEAR({other})-YEAR({base}))*{twelve}+MONTH({other})-MONTH({base})" if months else f"{other}-{base}"
    return f"=IF(AND(ISNUMBER({other}),ISNUMBER({base})),{diff},{NA_TEXT.name})"


def rank_score(figure: str, better: int, fallback: str | None) -> str:
    """A score where larger is better: the figure (negated when smaller is better), or ``fallback``
    (a formula) when it is not a number: "never" counted as past the horizon; without a fallback the
    text "n/a" (``NA_TEXT``), which :func:`stable_rank` ranks below every number.

    >>> rank_score("D8", -1, None)
    '=IF(ISNUMBER(D8),-D8,NA_TEXT)'
    """
    sign = "" if better > 0 else "-"
    otherwise = NA_TEXT.name if fallback is None else f"{sign}{fallback}"
    return f"=IF(ISNUMBER({figure}),{sign}{figure},{otherwise})"


def stable_rank(scores: str, mine: str, earlier: str | None) -> str:
    """1 + the scores above mine + the equal scores of earlier scenarios: numpy's stable argsort. A
    score "n/a" (text) ranks after every number, after the earlier "n/a"s. Text compares above every
    number in all three engines, so a number's count of scores above it leaves the texts out
    (``COLUMNS − COUNT`` of them); ``ISNUMBER`` of a range is not an array inside SUMPRODUCT in Gnumeric.

    >>> stable_rank("$D$40:$F$40", "E40", "$D$40:$D$40")
    '=IF(ISNUMBER(E40),1+SUMPRODUCT(($D$40:$F$40>E40)*1)-(COLUMNS($D$40:$F$40)-COUNT($D$40:$F$40))+SUMPRODUCT(($D$40:$D$40=E40)*1),1+COUNT($D$40:$F$40)+SUMPRODUCT(($D$40:$D$40=E40)*1))'
    """
    number = f"1+SUMPRODUCT(({scores}>{mine})*1)-(COLUMNS({scores})-COUNT({scores}))"
    text = f"1+COUNT({scores})"
    if earlier:
        number += f"+SUMPRODUCT(({earlier}={mine})*1)"
        text += f"+SUMPRODUCT(({earlier}={mine})*1)"
    return f"=IF(ISNUMBER({mine}),{number},{text})"


def ranked_name(names: str, ranks: str, position: str) -> str:
    """The name of the scenario ranked ``position`` (a formula of the position, 1 = best).

    >>> ranked_name("$D$7:$F$7", "$D$60:$F$60", "COLUMNS($C50:D50)")
    '=INDEX($D$7:$F$7,1,MATCH(COLUMNS($C50:D50),$D$60:$F$60,0))'
    """
    return f"=INDEX({names},1,MATCH({position},{ranks},0))"
