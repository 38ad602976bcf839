"""Formula text for the Excel report: the Excel evaluation context of :mod:`cashcast.models.engine.expr`, and the KPIs.

A line's monthly formula is never written here: it is ``line.expr.xl(ctx)`` with the
:class:`ExcelContext` below standing for one month column of a model sheet. Likewise a key figure's
formula is its registry definition's ``xl`` (:mod:`cashcast.models.analysis.kpis`) with the
:class:`KpiContext` below standing for the sheet's whole rows; the parity tests hold the numpy and
Excel values to the same numbers. IRR's live guess search is in :mod:`cashcast.reports.excel.irr`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from xlsxwriter.utility import quote_sheetname, xl_col_to_name

from cashcast.models.analysis.reductions import NEVER, UNDEFINED


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
    KeyError here rather than becoming ``#NAME?`` in the workbook.
    """

    rows: dict[str, int]
    names: frozenset[str]
    t: int = 0
    first_col: int = 3
    index_row: int = 2
    date_row: int = 3

    def at(self, t: int) -> "ExcelContext":
        """The same sheet, month ``t``."""
        return ExcelContext(self.rows, self.names, t, self.first_col, self.index_row, self.date_row)

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
    ``months``; "n/a" when either is not a number ("never", an undefined IRR).

    >>> difference("E8", "$D8", True)
    '=IF(AND(ISNUMBER(E8),ISNUMBER($D8)),(YEAR(E8)-YEAR($D8))*12+MONTH(E8)-MONTH($D8),"n/a")'
    """
    diff = f"(YEAR({other})-YEAR({base}))*12+MONTH({other})-MONTH({base})" if months else f"{other}-{base}"
    return f'=IF(AND(ISNUMBER({other}),ISNUMBER({base})),{diff},"{UNDEFINED}")'


def rank_score(figure: str, better: int, fallback: str) -> str:
    """A score where larger is better: the figure (negated when smaller is better), or ``fallback``
    when it is not a number (never counted as past the horizon, n/a as the worst)."""
    return f"=IF(ISNUMBER({figure}),{'' if better > 0 else '-'}{figure},{fallback})"


def stable_rank(scores: str, mine: str, earlier: str | None) -> str:
    """1 + the scores above mine + the equal scores of earlier scenarios: numpy's stable argsort.

    >>> stable_rank("$D$40:$F$40", "E40", "$D$40:$D$40")
    '=1+SUMPRODUCT(($D$40:$F$40>E40)*1)+SUMPRODUCT(($D$40:$D$40=E40)*1)'
    """
    formula = f"=1+SUMPRODUCT(({scores}>{mine})*1)"
    return formula + (f"+SUMPRODUCT(({earlier}={mine})*1)" if earlier else "")


def ranked_name(names: str, ranks: str, position: int) -> str:
    """The name of the scenario ranked ``position`` (1 = best)."""
    return f"=INDEX({names},MATCH({position},{ranks},0))"
