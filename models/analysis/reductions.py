"""Reductions: a whole line (every month) folded to one figure per path — the vocabulary of the KPIs.

A line (:mod:`cashcast.models.engine.expr`) gives one value per month; a reduction reads whole lines
and gives one value per path: the first month a condition holds, the deepest deficit, the last
month's value, the NPV or the IRR. Like a line, each reduction is defined once and knows two things:

* ``np(ctx)`` — its numpy value, shape ``(S,)``, from lines laid out months × paths ``(T, S)``.
  Context: ``ctx.line(name)`` (a (T, S) array) and ``ctx.param(name)`` (a setting such as
  ``settings__discount_rate``).
* ``xl(ctx)`` — its Excel formula for one cell of a model sheet. Context: ``ctx.range(name, skip=0)``
  (the line's row, from month ``skip`` to the last, absolute A1), ``ctx.first(name)`` and
  ``ctx.last(name)`` (one month's cell), ``ctx.dates()`` (the row of month dates), ``ctx.flags(key)``
  (the row of a :class:`Flag`), ``ctx.param(name)`` (a defined name) and ``ctx.irr(name)`` (the
  IRR search's formula, see :mod:`cashcast.reports.excel.irr`).

Month results are 0-based month indices with NaN for "never within the horizon"; the Excel cell
shows :data:`NEVER` instead, and :data:`UNDEFINED` where a figure has no value (an IRR of flows that
never change sign).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy

from cashcast.models.analysis import kpi
from cashcast.models.engine.expr import BinOp, Param

NEVER, UNDEFINED = "never", "n/a"


@dataclass(frozen=True)
class Flag:
    """A helper row: 1 in the months where a comparison of a line holds, else 0.

    ``condition`` is a comparison in the line vocabulary, e.g. ``LineRef("closing_cash").lt(
    Param("settings__minimum_cash"))``. The Excel report writes the flag as a row of the model
    sheet, ``=(D12<settings__minimum_cash)*1``; :class:`FirstMonth` finds its first 1.
    """

    key: str
    label: str
    condition: BinOp

    @property
    def line(self) -> str:
        """The line the condition reads (its left side)."""
        return self.condition.a.name

    def np(self, ctx) -> numpy.ndarray:
        """The condition for every month and path: (T, S), 1.0 where it holds."""
        return self.condition.np(ctx)

    @property
    def text(self) -> str:
        """The condition as the README shows it: ``closing_cash < settings__minimum_cash``."""
        c = self.condition
        bound = c.b.name if isinstance(c.b, Param) else c.b.xl(None)
        return f"{self.line} {c.op} {bound}"

    def xl(self, ctx) -> str:
        """One month's cell; ``ctx`` is an Excel month context (``ctx.line``, ``ctx.param``)."""
        c = self.condition
        return f"=({c.a.xl(ctx)}{c.op}{c.b.xl(ctx)})*1"


class Reduction:
    """Base of every reduction: lines read, helper flags needed, numpy value, Excel formula."""

    line: str

    def lines(self) -> frozenset[str]:
        return frozenset({self.line})

    def flags(self) -> tuple[Flag, ...]:
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
class FirstMonth(Reduction):
    """The first month whose flag is 1: as a month date (``as_date``) or as months from the start.

    numpy: :func:`cashcast.models.analysis.kpi.first_month`. Excel:
    ``IFERROR(INDEX(dates,MATCH(1,flags,0)),"never")``, or ``IFERROR(MATCH(1,flags,0)-1,"never")``.
    """

    flag: Flag
    as_date: bool

    def lines(self) -> frozenset[str]:
        return frozenset({self.flag.line})

    def flags(self) -> tuple[Flag, ...]:
        return (self.flag,)

    @property
    def text(self) -> str:
        what = "the month" if self.as_date else "months from the start to the month"
        return f"{what} of the first `{self.flag.text}`"

    def np(self, ctx) -> numpy.ndarray:
        return kpi.first_month(self.flag.np(ctx))

    def xl(self, ctx) -> str:
        found = f"MATCH(1,{ctx.flags(self.flag.key)},0)"
        if self.as_date:
            return f'=IFERROR(INDEX({ctx.dates()},{found}),"{NEVER}")'
        return f'=IFERROR({found}-1,"{NEVER}")'


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
    first month is added outside it: ``NPV(((1+rate)^(1/12)-1),E9:O9)+D9``.
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
        monthly = f"((1+{ctx.param(self.rate)})^(1/12)-1)"
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
