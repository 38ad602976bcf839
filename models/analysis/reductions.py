"""Reductions: a whole line (every month) folded to one figure per path — the vocabulary of the KPIs.

A line (:mod:`cashcast.models.engine.expr`) gives one value per month; a reduction reads whole lines
and gives one value per path: the first month a condition holds, the deepest deficit, the last
month's value, the NPV or the IRR. Like a line, each reduction is defined once and knows two things:

* ``np(ctx)`` — its numpy value, shape ``(S,)``, from lines laid out months × paths ``(T, S)``.
  Context: ``ctx.line(name)`` (a (T, S) array) and ``ctx.param(name)`` (a setting such as
  ``settings__discount_rate``).
* ``xl(ctx)`` — its Excel formula for one cell of a model sheet. Context: ``ctx.range(name, skip=0)``
  (the line's row, from month ``skip`` to the last, absolute A1), ``ctx.first(name)`` and
  ``ctx.last(name)`` (one month's cell), ``ctx.dates()`` (the row of month dates), ``ctx.indices()``
  (the row of month numbers 0, 1, …), ``ctx.months`` (how many), ``ctx.flags(key)`` (the row of a
  :class:`Flag`), ``ctx.last_date()``, ``ctx.last_flag(key)`` and ``ctx.last_mark(key)`` (the last month's cells
  of the dates, a flag and a :class:`LastMonth` row), ``ctx.param(name)`` (a defined name) and ``ctx.irr(name)`` (the IRR search's
  formula, see :mod:`cashcast.reports.excel.irr`).

Month results are 0-based month indices with NaN for "never within the horizon"; the Excel cell
shows :data:`NEVER` instead, and :data:`UNDEFINED` where a figure has no value (an IRR of flows that
do not change sign exactly once, a recovery of cash that never ran short). A month may lie after
the horizon (the month the horizon's burn would empty the cash).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy

from cashcast.models.analysis import kpi
from cashcast.models.analysis.yearly import PerYear  # noqa: F401  (the yearly reductions live there)
from cashcast.models.engine.constants import LONGEST_MONTHS, MONTHS_PER_YEAR, NA_TEXT, NEVER_TEXT, NONE_TEXT
from cashcast.models.engine.expr import BinOp, Expr, Param

# The words the Excel cells show, in English; a formula names them (NEVER_TEXT, …: the Constants block
# holds each in the report's language)
NEVER, UNDEFINED = NEVER_TEXT.text, NA_TEXT.text
NONE = NONE_TEXT.text   # a helper cell with no month yet (text: MAX, COUNT and MATCH skip it)
CENTURY = LONGEST_MONTHS.value   # months: a cash-out month implied further than this after the horizon is "never"
COMPARISONS = (">=", ">", "<=", "<")


@dataclass(frozen=True)
class Flag:
    """A helper row: 1 in the months where a condition over lines holds, else 0.

    ``condition`` is a comparison in the line vocabulary, e.g. ``LineRef("closing_cash").lt(
    Param("settings__minimum_cash"))``, or a product of comparisons (a trailing-twelve-month sum
    ≥ 0 *and* a full twelve-month window). The Excel report writes the flag as a row of the model
    sheet, ``=(D12<settings__minimum_cash)*1``; the reductions below read its 1s and 0s. ``words``:
    the condition as the README shows it, where it is more than one comparison.
    """

    key: str
    label: str
    condition: Expr
    words: str = ""

    def lines(self) -> frozenset[str]:
        """The lines the condition reads."""
        return frozenset(self.condition.line_refs())

    def np(self, ctx) -> numpy.ndarray:
        """The condition for every month and path: (T, S), 1.0 where it holds."""
        return self.condition.np(ctx)

    @property
    def text(self) -> str:
        """The condition as the README shows it: ``closing_cash < settings__minimum_cash``."""
        if self.words:
            return self.words
        c = self.condition
        bound = c.b.name if isinstance(c.b, Param) else c.b.xl(None)
        return f"{c.a.name} {c.op} {bound}"

    def xl(self, ctx) -> str:
        """One month's cell; ``ctx`` is an Excel month context (``ctx.line``, ``ctx.param``)."""
        c = self.condition
        if isinstance(c, BinOp) and c.op in COMPARISONS:
            return f"=({c.a.xl(ctx)}{c.op}{c.b.xl(ctx)})*1"
        return f"={c.xl(ctx)}"


@dataclass(frozen=True)
class LastMonth:
    """A helper row: in each month, the number of the last month so far whose flag equals ``value``
    ("none" before the first). Its last cell is the last such month of the horizon: a running row is
    how a spreadsheet finds a last match portably (``SUMPRODUCT(MAX(...))`` is not an array formula
    in Gnumeric). Excel: ``=IF(D88=0,D$3,C91)``, the first month ``=IF(D88=0,D$3,NONE_TEXT)``.
    """

    flag: Flag
    value: int

    @property
    def key(self) -> str:
        return f"{self.flag.key}.last_{self.value}"

    @property
    def label(self) -> str:
        return f"Last month number so far with {self.flag.key} = {self.value} ({NONE}: not yet)"

    def np(self, ctx) -> numpy.ndarray:
        """(T, S): the running last month number, NaN before the first."""
        hits = self.flag.np(ctx) == self.value
        months = numpy.arange(hits.shape[0], dtype=float)[:, None]
        return numpy.fmax.accumulate(numpy.where(hits, months, numpy.nan), axis=0)

    def xl(self, flag: str, index: str, before: str | None) -> str:
        """One month's cell: its flag cell, its month-number cell, last month's cell (None: the first)."""
        return f'=IF({flag}={self.value},{index},{before if before else NONE_TEXT.name})'


class Reduction:
    """Base of every reduction: lines read, helper flags and running rows needed, numpy value, Excel formula."""

    line: str

    def lines(self) -> frozenset[str]:
        return frozenset({self.line})

    def flags(self) -> tuple[Flag, ...]:
        return ()

    def marks(self) -> tuple[LastMonth, ...]:
        """The running last-month helper rows the formula reads."""
        return ()

    @property
    def text(self) -> str:  # pragma: no cover - abstract
        """The definition in words, for the README's KPI table."""
        raise NotImplementedError

    def np(self, ctx) -> numpy.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def xl(self, ctx) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class OnFlag(Reduction):
    """A reduction over one helper flag row: it reads that flag's lines and needs that flag."""

    flag: Flag

    def lines(self) -> frozenset[str]:
        return self.flag.lines()

    def flags(self) -> tuple[Flag, ...]:
        return (self.flag,)


@dataclass(frozen=True)
class FirstMonth(OnFlag):
    """The first month whose flag is 1: as a month date (``as_date``) or as months from the start.

    numpy: :func:`cashcast.models.analysis.kpi.first_month`. Excel:
    ``IFERROR(INDEX(dates,1,MATCH(1,flags,0)),NEVER_TEXT)``, or ``IFERROR(MATCH(1,flags,0)-1,NEVER_TEXT)``.
    """

    as_date: bool

    @property
    def text(self) -> str:
        what = "the month" if self.as_date else "months from the start to the month"
        return f"{what} of the first `{self.flag.text}`"

    def np(self, ctx) -> numpy.ndarray:
        return kpi.first_month(self.flag.np(ctx))

    def xl(self, ctx) -> str:
        found = f"MATCH(1,{ctx.flags(self.flag.key)},0)"
        if self.as_date:
            return f"=IFERROR(INDEX({ctx.dates()},1,{found}),{NEVER_TEXT.name})"
        return f"=IFERROR({found}-1,{NEVER_TEXT.name})"


@dataclass(frozen=True)
class Deficit(Reduction):
    """The deepest negative value of a line, as a positive amount; 0 if it never goes below 0.

    numpy: :func:`cashcast.models.analysis.kpi.peak_funding_need`. Excel: ``MAX(0,-MIN(row))``.
    """

    line: str

    @property
    def text(self) -> str:
        return f"`max(0, −min({self.line}))`"

    def np(self, ctx) -> numpy.ndarray:
        return kpi.peak_funding_need(ctx.line(self.line))

    def xl(self, ctx) -> str:
        return f"=MAX(0,-MIN({ctx.range(self.line)}))"


@dataclass(frozen=True)
class Last(Reduction):
    """The line's value in the last month. Excel: that cell."""

    line: str

    @property
    def text(self) -> str:
        return f"`{self.line}` in the last month"

    def np(self, ctx) -> numpy.ndarray:
        return ctx.line(self.line)[-1].copy()

    def xl(self, ctx) -> str:
        return f"={ctx.last(self.line)}"


@dataclass(frozen=True)
class Npv(Reduction):
    """Net present value of a monthly line at an annual rate, the first month undiscounted.

    numpy: :func:`cashcast.models.analysis.kpi.npv`. Excel's NPV discounts its first value, so the
    first month is added outside it: ``NPV(((1+rate)^(1/MONTHS_PER_YEAR)-1),E9:O9)+D9``.
    """

    line: str
    rate: str   # the setting holding the annual rate

    @property
    def text(self) -> str:
        return f"NPV of `{self.line}` at `{self.rate}`, the first month undiscounted"

    def np(self, ctx) -> numpy.ndarray:
        return kpi.npv(ctx.line(self.line), ctx.param(self.rate))

    def xl(self, ctx) -> str:
        first, rest = ctx.first(self.line), ctx.range(self.line, skip=1)
        monthly = f"((1+{ctx.param(self.rate)})^(1/{MONTHS_PER_YEAR.name})-1)"
        return f"={first}" if rest is None else f"=NPV({monthly},{rest})+{first}"


@dataclass(frozen=True)
class Irr(Reduction):
    """Annualised internal rate of return of a monthly line; NaN (Excel "n/a") where undefined.

    numpy: :func:`cashcast.models.analysis.kpi.irr`, a root search per path. Excel's IRR needs a
    guess near the root, which the report searches for live on helper rows: ``ctx.irr`` gives it.
    """

    line: str

    @property
    def text(self) -> str:
        return f"IRR of `{self.line}`, annualised"

    def np(self, ctx) -> numpy.ndarray:
        return kpi.irr(ctx.line(self.line))

    def xl(self, ctx) -> str:
        return ctx.irr(self.line)


# ------------------------------------------------------------------------------------------------
# Honest cash and break-even figures: the low point, the gap, the recovery, the burn at the horizon
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lowest(Reduction):
    """The line's lowest value (``as_month``: the first month it is reached). Excel: ``MIN(row)``,
    ``INDEX(dates,1,MATCH(MIN(row),row,0))``."""

    line: str
    as_month: bool = False

    @property
    def text(self) -> str:
        return f"the month of the lowest `{self.line}`" if self.as_month else f"`min({self.line})`"

    def np(self, ctx) -> numpy.ndarray:
        values = ctx.line(self.line)
        return kpi.lowest_month(values) if self.as_month else values.min(axis=0)

    def xl(self, ctx) -> str:
        row = ctx.range(self.line)
        return f"=INDEX({ctx.dates()},1,MATCH(MIN({row}),{row},0))" if self.as_month else f"=MIN({row})"


@dataclass(frozen=True)
class Gap(Reduction):
    """How far a line's lowest value falls below a setting, 0 if never: the funding gap.

    numpy: :func:`cashcast.models.analysis.kpi.funding_gap`. Excel: ``MAX(0,floor-MIN(row))``.
    """

    line: str
    floor: str   # the setting holding the floor

    @property
    def text(self) -> str:
        return f"`max(0, {self.floor} − min({self.line}))`"

    def np(self, ctx) -> numpy.ndarray:
        return kpi.funding_gap(ctx.line(self.line), ctx.param(self.floor))

    def xl(self, ctx) -> str:
        return f"=MAX(0,{ctx.param(self.floor)}-MIN({ctx.range(self.line)}))"


@dataclass(frozen=True)
class Count(OnFlag):
    """How many months a flag holds. Excel: ``SUM(flags)``."""


    @property
    def text(self) -> str:
        return f"the number of months with `{self.flag.text}`"

    def np(self, ctx) -> numpy.ndarray:
        return self.flag.np(ctx).sum(axis=0)

    def xl(self, ctx) -> str:
        return f"=SUM({ctx.flags(self.flag.key)})"


@dataclass(frozen=True)
class AfterLast(OnFlag):
    """The month after the last one whose flag equals ``value``: from it to the horizon, the flag
    differs. numpy: :func:`cashcast.models.analysis.kpi.after_last`. Excel: the last such month's
    number is the last cell of a :class:`LastMonth` row, and the month after it is found by its number
    (``MATCH(last+1,numbers,0)``); "n/a" where no month has the value, "never" where the last one does."""

    value: int
    words: str

    @property
    def text(self) -> str:
        return self.words

    def marks(self) -> tuple[LastMonth, ...]:
        return (LastMonth(self.flag, self.value),)

    def np(self, ctx) -> numpy.ndarray:
        return kpi.after_last(self.flag.np(ctx) == self.value)

    def xl(self, ctx) -> str:
        last = ctx.last_mark(self.marks()[0].key)
        after = f"MATCH({last}+1,{ctx.indices()},0)"   # the column of the month after it
        return (f"=IF(ISTEXT({last}),{NA_TEXT.name},IF({last}>=MAX({ctx.indices()}),{NEVER_TEXT.name},"
                f"INDEX({ctx.dates()},1,{after})))")


@dataclass(frozen=True)
class FirstAfter(OnFlag):
    """The first month whose flag equals ``value`` after the flag's first 1 (a return to losses
    after break-even). numpy: :func:`cashcast.models.analysis.kpi.first_after`. Excel: MATCH in the
    flags after the first 1; "n/a" where the flag is never 1, "never" where the value never follows."""

    value: int
    words: str

    @property
    def text(self) -> str:
        return self.words

    def np(self, ctx) -> numpy.ndarray:
        flags = self.flag.np(ctx)
        return kpi.first_after(flags == self.value, flags == 1)

    def xl(self, ctx) -> str:
        flags = ctx.flags(self.flag.key)
        start = f"MATCH(1,{flags},0)"
        rest = f"INDEX({flags},1,{start}+1):{ctx.last_flag(self.flag.key)}"
        return (f"=IF(ISNA({start}),{NA_TEXT.name},IFERROR(INDEX({ctx.dates()},1,"
                f"{start}+MATCH({self.value},{rest},0)),{NEVER_TEXT.name}))")


@dataclass(frozen=True)
class RunwayAtHorizon(Reduction):
    """Whole months the cash above the floor lasts after the horizon at the last three months'
    average burn of ``flow``; ``as_date``: the first month after the horizon it would be below the
    floor (the last month + 1 + those months). NaN ("never") where the horizon ends without burning
    or the cash would last more than :data:`CENTURY` months. With ``below`` (the below-the-floor flag),
    a date for cash already below the floor in the last month is the month it last fell below it (the
    start of its final run below the floor), not a month after the horizon: a company out of cash since
    Jun 2025 does not "run out in Jan 2033".

    numpy: :func:`cashcast.models.analysis.kpi.runway_at_horizon`. Excel:
    ``IF(-AVERAGE(last 3)>0,INT(MAX(0,cash-floor)/-AVERAGE(last 3)),NEVER_TEXT)`` ("never" also past
    ``LONGEST_MONTHS``), and for the date,
    first ``IF(last flag=1, the month after the last 0 flag, …)``.
    """

    line: str    # the cash balance
    flow: str    # the flow whose negative is the burn
    floor: str   # the setting holding the floor
    as_date: bool
    window: int = 3
    below: Flag | None = None

    def lines(self) -> frozenset[str]:
        return frozenset({self.line, self.flow}) | (self.below.lines() if self.below else frozenset())

    def flags(self) -> tuple[Flag, ...]:
        return (self.below,) if self.below else ()

    def marks(self) -> tuple[LastMonth, ...]:
        return (LastMonth(self.below, 0),) if self.below and self.as_date else ()

    @property
    def text(self) -> str:
        runway = (f"`floor(max(0, {self.line} − {self.floor}) ÷ burn)` in the last month, burn = "
                  f"−(average `{self.flow}` of the last {self.window} months), when burn > 0")
        if not self.as_date:
            return runway
        already = (f"; if `{self.below.text}` in the last month, the month after the last month without it"
                   if self.below else "")
        return f"the last month + 1 + {runway}{already}"

    def np(self, ctx) -> numpy.ndarray:
        months = kpi.runway_at_horizon(ctx.line(self.line), ctx.line(self.flow), ctx.param(self.floor),
                                       self.window)
        months = numpy.where(months <= CENTURY, months, numpy.nan)
        if not self.as_date:
            return months
        horizon = ctx.line(self.line).shape[0]
        if self.below is None:
            return months + horizon
        below = self.below.np(ctx).astype(bool)
        return numpy.where(below[-1], kpi.start_of_last_run(below), months + horizon)

    def xl(self, ctx) -> str:
        window = min(self.window, ctx.months)
        burn = f"(-AVERAGE({ctx.range(self.flow, skip=ctx.months - window)}))"
        runway = f"INT(MAX(0,{ctx.last(self.line)}-{ctx.param(self.floor)})/{burn})"
        shown = runway
        if self.as_date:
            last = ctx.last_date()
            shown = f"DATE(YEAR({last}),MONTH({last})+1+{runway},1)"
        formula = f"IF({burn}>0,IF({runway}>{LONGEST_MONTHS.name},{NEVER_TEXT.name},{shown}),{NEVER_TEXT.name})"
        if not (self.as_date and self.below):
            return f"={formula}"
        above = ctx.last_mark(self.marks()[0].key)   # the last month not below the floor
        start = (f"IF(ISTEXT({above}),INDEX({ctx.dates()},1,1),"
                 f"INDEX({ctx.dates()},1,MATCH({above}+1,{ctx.indices()},0)))")
        return f"=IF({ctx.last_flag(self.below.key)}=1,{start},{formula})"
