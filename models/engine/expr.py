"""The expression vocabulary: one definition of each model line, two evaluations.

Every line of a cashcast model (subscribers, subscription revenue, inference cost, closing cash, ...)
is an expression tree built from the small, spreadsheet-shaped vocabulary in this module. Each node
knows two things and nothing else:

* ``np(ctx)`` — its numpy value, vectorised over months and over scenarios or samples. Arrays are laid
  out months × paths, shape ``(T, S)`` (a row per month, a column per scenario or sample); anything
  that does not vary by path stays ``(T, 1)`` or ``(1, S)`` and broadcasts.
* ``xl(ctx)`` — its Excel formula text for one month's cell, referring to assumptions by defined name
  and to other lines by cell address.

Evaluation context (``ctx``) objects are provided by :mod:`cashcast.models.engine.model` (numpy) and by the Excel
report (formula text); this module only fixes the protocol they follow:

numpy context: ``ctx.param(name)``, ``ctx.line(name)``, ``ctx.prev(name)``, ``ctx.month_index()``,
``ctx.year()``, ``ctx.month_of_year()``, ``ctx.days_in_month()``, ``ctx.rolling_sum(name, n)``.

Excel context: ``ctx.param(name)``, ``ctx.line(name)``, ``ctx.prev(name)`` (``None`` in the first
month), ``ctx.month_index()``, ``ctx.month_date()``, ``ctx.rolling_sum(name, n)``.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Iterable

import numpy as np


def _fmt_number(value: float) -> str:
    """Render a literal for Excel: integers without a decimal point, others with full precision."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


class Expr:
    """Base of every node. Arithmetic operators build new nodes, so a block reads like its equation."""

    def np(self, ctx):  # pragma: no cover - abstract
        raise NotImplementedError

    def xl(self, ctx) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def children(self) -> tuple["Expr", ...]:
        return ()

    # -- operator sugar -------------------------------------------------------------------------
    def __add__(self, other):
        return BinOp("+", self, lift(other))

    def __radd__(self, other):
        return BinOp("+", lift(other), self)

    def __sub__(self, other):
        return BinOp("-", self, lift(other))

    def __rsub__(self, other):
        return BinOp("-", lift(other), self)

    def __mul__(self, other):
        return BinOp("*", self, lift(other))

    def __rmul__(self, other):
        return BinOp("*", lift(other), self)

    def __truediv__(self, other):
        return BinOp("/", self, lift(other))

    def __rtruediv__(self, other):
        return BinOp("/", lift(other), self)

    def __pow__(self, other):
        return BinOp("^", self, lift(other))

    def __neg__(self):
        return BinOp("-", Num(0), self)

    # comparisons return nodes (1.0 / 0.0), named to avoid clashing with __eq__ used by dataclasses
    def ge(self, other):
        return BinOp(">=", self, lift(other))

    def gt(self, other):
        return BinOp(">", self, lift(other))

    def le(self, other):
        return BinOp("<=", self, lift(other))

    def lt(self, other):
        return BinOp("<", self, lift(other))

    # -- graph helpers --------------------------------------------------------------------------
    def walk(self) -> Iterable["Expr"]:
        yield self
        for child in self.children():
            yield from child.walk()

    def line_refs(self) -> set[str]:
        """Lines this expression needs in the same month (a dependency for ordering)."""
        return {n.name for n in self.walk() if isinstance(n, (LineRef, RollingSum))}

    def prev_refs(self) -> set[str]:
        """Lines this expression reads from the previous month."""
        return {n.name for n in self.walk() if isinstance(n, Prev)}


def lift(value) -> Expr:
    """Turn a Python number into a literal node; leave nodes alone."""
    if isinstance(value, Expr):
        return value
    if isinstance(value, (int, float)) and math.isfinite(value):
        return Num(float(value))
    raise TypeError(f"cannot use {value!r} in a line expression")


@dataclass(frozen=True, eq=False)
class Num(Expr):
    """A literal number, e.g. the 12 in ``annual_fee / 12``. Excel: ``12``."""

    value: float

    def np(self, ctx):
        return np.float64(self.value)

    def xl(self, ctx) -> str:
        return _fmt_number(self.value)


def _plain(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _folded(name: str, op, reflected: bool = False):
    """A Const's operator: with a plain number on the other side, plain arithmetic on the constant's
    value (so a formula's doctest with numbers gives a number); with a node, the node ``Expr`` builds."""
    def method(self, other):
        if _plain(other):
            return op(other, self.value) if reflected else op(self.value, other)
        return getattr(Expr, name)(self, other)
    method.__name__ = name
    return method


@dataclass(frozen=True, eq=False)
class Const(Expr):
    """A named constant, e.g. the 12 of ``annual_fee / MONTHS_PER_YEAR``. Excel: its defined name,
    which points at a cell of the report's Constants block (:mod:`cashcast.models.engine.constants`
    lists them), so no formula carries a bare number other than 0 and 1.

    Against a plain number it folds to a plain number (``MONTHS_PER_YEAR * 20 == 240``); against a
    node it builds a node, ``(plus__annual_fee/MONTHS_PER_YEAR)`` in Excel.

    >>> twelve = Const("MONTHS_PER_YEAR", 12)
    >>> twelve * 20, scalar(Num(1) / twelve) == 1 / 12, (Num(0) - twelve).xl(None)
    (240, True, '(0-MONTHS_PER_YEAR)')
    """

    name: str
    value: float
    meaning: str = ""

    def np(self, ctx):
        return np.float64(self.value)

    def xl(self, ctx) -> str:
        return self.name

    __add__ = _folded("__add__", operator.add)
    __radd__ = _folded("__radd__", operator.add, reflected=True)
    __sub__ = _folded("__sub__", operator.sub)
    __rsub__ = _folded("__rsub__", operator.sub, reflected=True)
    __mul__ = _folded("__mul__", operator.mul)
    __rmul__ = _folded("__rmul__", operator.mul, reflected=True)
    __truediv__ = _folded("__truediv__", operator.truediv)
    __rtruediv__ = _folded("__rtruediv__", operator.truediv, reflected=True)
    __pow__ = _folded("__pow__", operator.pow)


@dataclass(frozen=True, eq=False)
class Param(Expr):
    """An assumption, one value per scenario or sample. Excel: its defined name, e.g. ``plus__price``."""

    name: str

    def np(self, ctx):
        return ctx.param(self.name)

    def xl(self, ctx) -> str:
        return ctx.param(self.name)


@dataclass(frozen=True, eq=False)
class LineRef(Expr):
    """Another line in the same month. Excel: that line's cell in the same column."""

    name: str

    def np(self, ctx):
        return ctx.line(self.name)

    def xl(self, ctx) -> str:
        return ctx.line(self.name)


@dataclass(frozen=True, eq=False)
class Prev(Expr):
    """A line's value in the previous month, or ``initial`` in the first month.

    This is how recurrences are written: ``closing_cash = Prev(closing_cash, opening_cash) +
    net_cash_flow``. Excel: the cell one column to the left, or the initial expression in the first
    month's column.
    """

    name: str
    initial: Expr

    def children(self):
        return (self.initial,)

    def np(self, ctx):
        return ctx.prev(self.name, self.initial)

    def xl(self, ctx) -> str:
        ref = ctx.prev(self.name)
        return self.initial.xl(ctx) if ref is None else ref


# Python's operators rather than np.add & co.: numpy then reuses the buffer of a temporary operand
# (an intermediate result nobody else holds) instead of allocating a fresh months × paths array for
# every step, which makes large evaluations several times faster. Same ufuncs, same results.
_NP_BINOPS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "^": operator.pow,
    ">=": lambda a, b: np.greater_equal(a, b).astype(float),
    ">": lambda a, b: np.greater(a, b).astype(float),
    "<=": lambda a, b: np.less_equal(a, b).astype(float),
    "<": lambda a, b: np.less(a, b).astype(float),
}


@dataclass(frozen=True, eq=False)
class BinOp(Expr):
    """Arithmetic or a comparison (1 when true, 0 when false). Excel: ``(a*b)``, ``(a>=b)``."""

    op: str
    a: Expr
    b: Expr

    def children(self):
        return (self.a, self.b)

    def np(self, ctx):
        return _NP_BINOPS[self.op](self.a.np(ctx), self.b.np(ctx))

    def xl(self, ctx) -> str:
        text = f"({self.a.xl(ctx)}{self.op}{self.b.xl(ctx)})"
        if self.op in (">=", ">", "<=", "<"):
            # A comparison in Excel is TRUE/FALSE; multiplying by 1 gives the 1/0 numpy uses.
            return f"({text}*1)"
        return text


@dataclass(frozen=True, eq=False)
class If(Expr):
    """``IF(condition, then, otherwise)``; the condition is true where it is non-zero."""

    cond: Expr
    then: Expr
    otherwise: Expr

    def children(self):
        return (self.cond, self.then, self.otherwise)

    def np(self, ctx):
        return np.where(self.cond.np(ctx) != 0, self.then.np(ctx), self.otherwise.np(ctx))

    def xl(self, ctx) -> str:
        return f"IF({self.cond.xl(ctx)}<>0,{self.then.xl(ctx)},{self.otherwise.xl(ctx)})"


@dataclass(frozen=True, eq=False)
class Func(Expr):
    """``MIN``, ``MAX`` (two or more arguments) and ``EXP`` (one)."""

    name: str
    args: tuple[Expr, ...]

    _NP = {"MIN": np.minimum, "MAX": np.maximum}

    def children(self):
        return self.args

    def np(self, ctx):
        values = [a.np(ctx) for a in self.args]
        if self.name == "EXP":
            return np.exp(values[0])
        out = values[0]
        for v in values[1:]:
            out = self._NP[self.name](out, v)
        return out

    def xl(self, ctx) -> str:
        return f"{self.name}({','.join(a.xl(ctx) for a in self.args)})"


def Min(*args) -> Expr:
    return Func("MIN", tuple(lift(a) for a in args))


def Max(*args) -> Expr:
    return Func("MAX", tuple(lift(a) for a in args))


def Exp(arg) -> Expr:
    return Func("EXP", (lift(arg),))


@dataclass(frozen=True, eq=False)
class MonthIndex(Expr):
    """Months since the model's start: 0 in the first month. Excel: the month-number header cell."""

    def np(self, ctx):
        return ctx.month_index()

    def xl(self, ctx) -> str:
        return ctx.month_index()


@dataclass(frozen=True, eq=False)
class Year(Expr):
    """The calendar year of the month. Excel: ``YEAR(<month date>)``."""

    def np(self, ctx):
        return ctx.year()

    def xl(self, ctx) -> str:
        return f"YEAR({ctx.month_date()})"


@dataclass(frozen=True, eq=False)
class MonthOfYear(Expr):
    """The calendar month (1 for January … 12 for December). Excel: ``MONTH(<month date>)``."""

    def np(self, ctx):
        return ctx.month_of_year()

    def xl(self, ctx) -> str:
        return f"MONTH({ctx.month_date()})"


@dataclass(frozen=True, eq=False)
class DaysInMonth(Expr):
    """Calendar days in the month (28–31). Excel: ``DAY(EOMONTH(<month date>,0))``."""

    def np(self, ctx):
        return ctx.days_in_month()

    def xl(self, ctx) -> str:
        return f"DAY(EOMONTH({ctx.month_date()},0))"


@dataclass(frozen=True, eq=False)
class MonthsSince(Expr):
    """Whole months from a date assumption to this month (negative before it).

    numpy holds a date assumption as its month index from the model start, so this is ``t - date``;
    Excel holds a real date, so it is ``(YEAR(month)-YEAR(date))*MONTHS_PER_YEAR+MONTH(month)-MONTH(date)``,
    written once per date on a helper row of the model sheet where the context has one
    (``ctx.months_since(name)`` gives its cell) and every line reads that cell.
    """

    date: Expr

    def children(self):
        return (self.date,)

    def np(self, ctx):
        return ctx.month_index() - self.date.np(ctx)

    def xl(self, ctx) -> str:
        helper = getattr(ctx, "months_since", None)
        found = helper(self.date.name) if helper is not None and isinstance(self.date, Param) else None
        if found is not None:
            return found
        from cashcast.models.engine.constants import MONTHS_PER_YEAR   # it imports this module
        m, d = ctx.month_date(), self.date.xl(ctx)
        return f"((YEAR({m})-YEAR({d}))*{MONTHS_PER_YEAR.name}+MONTH({m})-MONTH({d}))"

    @staticmethod
    def dates(exprs: Iterable["Expr"]) -> list[str]:
        """The date assumptions the expressions count months since, each once, in order met."""
        found: dict[str, None] = {}
        for expr in exprs:
            for node in expr.walk():
                if isinstance(node, MonthsSince) and isinstance(node.date, Param):
                    found.setdefault(node.date.name)
        return list(found)


@dataclass(frozen=True, eq=False)
class RollingSum(Expr):
    """Sum of a line over the trailing ``months`` months (fewer at the start of the model).

    Excel: ``SUM(<first cell>:<this cell>)`` over that window of the line's row.
    """

    name: str
    months: int

    def np(self, ctx):
        return ctx.rolling_sum(self.name, self.months)

    def xl(self, ctx) -> str:
        return ctx.rolling_sum(self.name, self.months)


def Sum(terms: Iterable[Expr]) -> Expr:
    """The sum of several expressions; an empty sum is 0. Excel: ``(a+b+c)``."""
    terms = [lift(t) for t in terms]
    if not terms:
        return Num(0.0)
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out


def Between(value: Expr, low: Expr, high: Expr | None) -> Expr:
    """1 where ``low <= value`` (and ``value <= high`` when given), else 0."""
    cond = lift(value).ge(low)
    if high is not None:
        cond = cond * lift(value).le(high)
    return cond


class _ScalarContext:
    """Evaluates expressions of plain numbers (no assumptions, month 0) for doctests."""

    def month_index(self):
        return 0.0

    def param(self, name):
        raise KeyError(f"scalar() cannot evaluate assumption {name!r}")

    line = prev = year = month_of_year = days_in_month = rolling_sum = param


def scalar(value) -> float:
    """The number an expression of plain numbers stands for: ``scalar(Max(1, 2)) == 2.0``."""
    if not isinstance(value, Expr):
        return float(value)
    with np.errstate(all="ignore"):  # as in the engine: an IF's unchosen branch may divide by zero
        return float(value.np(_ScalarContext()))
