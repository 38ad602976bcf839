"""Formula text for the Excel report: the Excel evaluation context of :mod:`cashcast.models.engine.expr`, and the KPIs.

A line's monthly formula is never written here: it is ``line.expr.xl(ctx)`` with the
:class:`ExcelContext` below standing for one month column of a model sheet. Only the key figures,
which are reductions over whole rows (first month below the cash floor, peak funding need, NPV),
are formulas of this module; each mirrors one function of :mod:`cashcast.models.analysis.kpi`, and the parity tests
hold the two to the same numbers. IRR, which needs a search for its guess, is in
:mod:`cashcast.reports.excel.irr`.
"""
from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.utility import quote_sheetname, xl_col_to_name


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
# Key figures (mirror models/kpi.py); every argument is A1 text of a row range or a cell
# ------------------------------------------------------------------------------------------------
NEVER, UNDEFINED = "never", "n/a"


def below_floor_flag(closing_cash: str) -> str:
    """1 where the month's closing cash is below the cash floor (kpi.cash_out_month's condition)."""
    return f"=({closing_cash}<settings__minimum_cash)*1"


def break_even_flag(ttm_ocf: str) -> str:
    """1 where trailing-twelve-month operating cash flow is 0 or more (kpi.break_even_month's)."""
    return f"=({ttm_ocf}>=0)*1"


def first_flag_date(dates: str, flags: str) -> str:
    """The date of the first month whose flag is 1, or "never" (cash-out and break-even month)."""
    return f'=IFERROR(INDEX({dates},MATCH(1,{flags},0)),"{NEVER}")'


def first_flag_index(flags: str) -> str:
    """Months from the start to the first flagged month, or "never" (the runway)."""
    return f'=IFERROR(MATCH(1,{flags},0)-1,"{NEVER}")'


def peak_funding_need(cumulative_ocf: str) -> str:
    """The deepest cumulative operating deficit, 0 if there is none."""
    return f"=MAX(0,-MIN({cumulative_ocf}))"


MONTHLY_RATE = "((1+settings__discount_rate)^(1/12)-1)"


def npv(first: str, rest: str | None) -> str:
    """NPV with the first month undiscounted: Excel's NPV discounts its first value, so the first
    month is added outside it."""
    return f"={first}" if rest is None else f"=NPV({MONTHLY_RATE},{rest})+{first}"


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
