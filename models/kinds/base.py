"""What every block kind shares: the kind record, a model line, and the context a builder works in.

A kind is one record (:class:`KindSpec`): what a workbook may say about it (its parameters), its
builder (which wires a block's rows into the kind's formulas) and the explicit list of the formulas
it uses, which the HTML report's methodology prints. Each kind lives in a module of its own beside
this one; :mod:`cashcast.models.kinds` lists them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from cashcast.models.engine.expr import (DaysInMonth, Exp, Expr, If, Max, Min, MonthIndex, MonthOfYear,
                                         MonthsSince, Num, Param, Year, lift)
from cashcast.models.engine import constants
from cashcast.models.engine.annual import END, SUM
from cashcast.models.engine.annual import of as annual_of
from cashcast.models.engine.names import fx_name

if TYPE_CHECKING:  # the loader imports the kinds registry, so the kinds import it only for types
    from cashcast.models.reading.data import Block, Row, Workbook

# per year ÷ 12 (a named constant: Excel shows MONTHS_PER_YEAR, numpy uses 12)
MONTHS_PER_YEAR = constants.MONTHS_PER_YEAR

# Statement categories: where a block line sits in the three statements (see
# :mod:`cashcast.models.statements.lines`, whose lines are sums over lines by category).
CATEGORIES: dict[str, str] = {
    "revenue": "revenue (income statement)",
    "cost_of_revenue": "cost of revenue (income statement, above gross profit)",
    "research_development": "research & development (operating expense)",
    "sales_marketing": "sales & marketing (operating expense)",
    "general_administrative": "general & administrative (operating expense)",
    "capital_expenditure": "capital expenditure: paid in cash (investing), not an expense",
    "depreciation": "depreciation: an expense (income statement), not cash",
    "stock_compensation": "stock-based compensation: an expense, not cash (memo line)",
    "interest": "interest paid (cash cost, below operating income)",
    "credits_used": "costs paid with in-kind credits (memo line: the amount no cash paid)",
    "credits_received": "in-kind credits received for equity (memo line)",
    "equity": "equity funding (financing)",
    "debt_drawn": "debt drawn (financing)",
    "debt_repaid": "debt repaid (financing; a line of role repayment)",
    "shares_issued": "shares a valued round's investors bought (ownership, not money)",
}
# A line of these roles must say where it sits in the statements
CATEGORISED_ROLES = ("revenue", "cost", "funding", "repayment", "memo")
S_CURVE_SPREAD = constants.S_CURVE_SPREAD  # 2 ln 9: logistic steepness that spans 10%→90% over one "width"


# The statement categories a cost line may have (a `cost` block's `category` row names one).
COST_CATEGORIES = ("cost_of_revenue", "research_development", "sales_marketing", "general_administrative")
REPAYMENTS = ("bullet", "linear")  # how a `debt` block repays: all at the term's end, or in equal monthly parts
# Parameters given as text, by dimension: the values each may take (None: the name of another block)
RECURRING = ("yes", "no")  # whether a plain `revenue` block is recurring (counts in ARR)
TEXT_CHOICES: dict[str, tuple[str, ...] | None] = {"category": COST_CATEGORIES, "repayment": REPAYMENTS,
                                                   "recurring": RECURRING,
                                                   "block": None}
PERIODS = ("month", "year", "day")  # the periods a money flow may be typed in; each converts to the others


def per_period(amount, typed: str, wanted: str, days_in_month=None):
    """An amount of money per ``typed`` period restated per ``wanted`` period, in the month at hand.

    ``per month = per year / 12 = per day × days in the month``; the one conversion every money flow
    (``USD/year``, ``USD/month``, ``USD/day``) goes through. ``days_in_month`` defaults to the month's
    own (an expression); give a number to evaluate it by hand.

    Article 004: $700K a day is $21.7M in a 31-day month; licensing's $1M a year is $83,333.33 a month.

    >>> per_period(700_000, "day", "month", 31)
    21700000
    >>> round(per_period(1_000_000, "year", "month"), 2)
    83333.33
    >>> per_period(20, "month", "year")
    240
    """
    if typed == wanted:
        return amount
    days = DaysInMonth() if days_in_month is None else days_in_month
    if typed == "year":
        monthly = amount / MONTHS_PER_YEAR
    else:
        monthly = amount * days if typed == "day" else amount
    if wanted == "year":
        return monthly * MONTHS_PER_YEAR
    return monthly / days if wanted == "day" else monthly


def period_of(unit_or_dimension: str) -> str | None:
    """The period of a money-flow unit or dimension (``USD/year`` → ``year``), None for any other.

    >>> period_of("RMB/day"), period_of("money/month"), period_of("USD/run"), period_of("USD")
    ('day', 'month', None, None)
    """
    per = unit_or_dimension.partition("/")[2].strip()
    return per if per in PERIODS else None


@dataclass(frozen=True)
class ParamSpec:
    """One parameter a kind accepts: its name, dimension (see ``specs.DIMENSIONS``) and meaning.

    ``plausible`` is the range (low, high; None for no limit) a real value falls in: a value outside it
    is valid but probably mistyped, and a warning says so (``0.21`` typed for 0.21% reads as 21%).
    """

    name: str
    dimension: str
    doc: str
    required: bool = True
    plausible: tuple[float | None, float | None] | None = None

    def plausible_doc(self) -> str:
        """The plausible range in words, for the reference tables ('' when there is none).

        >>> ParamSpec("churn", "percent", "", plausible=(None, 0.3)).plausible_doc()
        'plausible: up to 30%'
        """
        return plausible_doc(self.plausible, self.dimension == "percent")


def plausible_doc(plausible: tuple[float | None, float | None] | None, percent: bool, per: str = "") -> str:
    """A plausible range (low, high; None for no limit) in words: ``plausible: up to 10%``.

    >>> plausible_doc((-0.9, 3.0), True, " a year")
    'plausible: -90% to 300% a year'
    """
    if plausible is None:
        return ""
    lo, hi = (None if x is None else f"{x:.0%}" if percent else f"{x:,g}" for x in plausible)
    text = f"{lo} to {hi}" if lo is not None and hi is not None else f"up to {hi}" if hi else f"at least {lo}"
    return f"plausible: {text}{per}"


@dataclass
class Line:
    """One model line: its definition and how reports should present it.

    ``role`` is revenue, cost or funding for a block's cash line (these add up to the totals), detail
    for a block's intermediate line (subscribers, ...), memo for non-cash lines (depreciation) and
    total for the model's totals. ``annual`` says how the line folds into a year
    (:mod:`cashcast.models.engine.annual`): ``sum`` for a flow, ``end`` for a balance, ``mean`` for
    a level such as a monthly audience. ``stock=True`` (a balance) without ``annual`` means ``end``;
    anything else without it means ``sum``. ``category`` (a key of :data:`CATEGORIES`) places a
    block line in the statements: every line of a role in :data:`CATEGORISED_ROLES` has one.
    """

    name: str
    expr: Expr
    label: str
    unit: str
    role: str
    block: str | None = None
    stock: bool = False
    category: str | None = None
    annual: str = ""

    def __post_init__(self):
        self.annual = annual_of(self.annual or (END if self.stock else SUM)).key


@dataclass(frozen=True)
class KindSpec:
    """A kind of block, whole: what a workbook may say about it, how it builds, which formulas it uses.

    ``build`` turns one block's rows (a :class:`BlockContext`) into its lines; ``formulas`` are the
    pure functions it uses, in the order the report explains them. ``modes`` are alternative ways to
    give the same quantity: exactly one group must be complete. ``category`` is where the kind's
    revenue, cost or funding line sits in the statements (a key of :data:`CATEGORIES`).
    """

    name: str
    role: str  # revenue | cost | funding
    category: str
    doc: str
    params: tuple[ParamSpec, ...]
    build: Callable[[BlockContext], list[Line]]
    formulas: tuple[Callable, ...] = ()
    modes: tuple[tuple[str, ...], ...] = ()
    timed: bool = True  # has start_month / end_month

    def param(self, name: str) -> ParamSpec | None:
        for p in self.all_params():
            if p.name == name:
                return p
        return None

    def all_params(self) -> tuple[ParamSpec, ...]:
        if not self.timed:
            return self.params
        return self.params + (
            ParamSpec("start_month", "date", "first month the block is active (default: model start)", False),
            ParamSpec("end_month", "date", "last month the block is active (default: none)", False),
        )


TRANCHE = "t"  # the modifier of a funding ``amount@YYYY-MM`` row (a tranche): t202306
GROWTH_YEAR = "growth_y"  # the modifier of a ``<parameter>.growth@YEAR`` row: growth_y2026


def compound(rate, months, months_per_period):
    """``factor = (1 + rate)^(months / months per period)``: growth compounded over (part of) a period.

    A rate per year has 12 months per period, a rate per month 1; months before the reference are
    negative and shrink the value.

    Article 001's visits growing 119.4% in a month: 1 billion × 2.194 = 2.194 billion. A yearly 50%
    then 20% (``audience.growth@2026``): 100 million × 1.5 × 1.2 = 180 million two years on.

    >>> compound(1.194, 1, 1) * 1e9
    2194000000.0
    >>> round(100e6 * compound(0.5, 12, 12) * compound(0.2, 12, 12))
    180000000
    """
    return (1 + rate) ** (months / months_per_period)


def _clip(x: Expr, lo: Expr | None, hi: Expr | None) -> Expr:
    x = Max(x, lo) if lo is not None else x
    return Min(x, hi) if hi is not None else x


def _factor(segments, ref: Expr | None, m: Expr) -> Expr:
    """The growth from ``ref`` (None: the block's start) to month ``m``: each rate compounded over the
    months of its own period that lie between them (negative when ``m`` is before ``ref``)."""
    out: Expr = Num(1)
    for rate, per, lo, hi in segments:
        if ref is None and lo is None and hi is None:
            months = m  # one rate for ever, counted from the block's start: the plain .growth
        else:
            months = _clip(m, lo, hi) - _clip(lift(0) if ref is None else ref, lo, hi)
        grown = compound(rate, months, per)
        out = grown if isinstance(out, Num) else out * grown
    return out


# ------------------------------------------------------------------------------------------------
# Wiring a block's rows into the formulas
# ------------------------------------------------------------------------------------------------
class BlockContext:
    """What a builder needs: parameters as expressions (time shape and FX applied) and activity."""

    def __init__(self, block: Block, workbook: Workbook, link_line, category: str | None = None):
        self.block, self.workbook, self._link_line = block, workbook, link_line
        self.slug = block.slug
        # The kind's statement category, for its revenue, cost and funding lines; a kind whose rows
        # choose one (a cost or headcount block's ``category`` row) passes it to ``line`` instead.
        self.category = category

    def has(self, name: str) -> bool:
        return name in self.block.rows

    def _raw(self, row: Row) -> Expr:
        """A row as typed, in the model's currency and in its parameter's period (``USD/year`` typed for
        a monthly amount is divided by 12 inside the formula, so the input stays as typed)."""
        if row.link is not None:
            return self._link_line(row)
        expr: Expr = Param(row.key)
        if row.currency and row.currency != self.workbook.settings.currency:
            expr = expr * Param(fx_name(row.currency))
        typed, wanted = period_of(row.unit), period_of(row.dimension)
        if typed and wanted:
            expr = per_period(expr, typed, wanted)
        return expr

    def raw(self, row: Row) -> Expr:
        """A row as typed (see ``_raw``): a tranche's amount, which has no time shape of its own."""
        return self._raw(row)

    def cost_lines_of(self, name: str) -> list[str]:
        """The names of the cost lines of the block called ``name`` (any case; none if no such block)."""
        from cashcast.models.kinds import KINDS  # the registry imports this module
        target = next((b for b in self.workbook.blocks.values() if b.name.lower() == name.lower()), None)
        if target is None or target.kind == "funding":
            return []
        kind = KINDS[target.kind]
        ctx = BlockContext(target, self.workbook, self._link_line, kind.category)
        return [ln.name for ln in kind.build(ctx) if ln.role == "cost"]

    def months_in(self) -> Expr:
        """Months since the block's start (or the model's start): the clock time shapes run on."""
        start = self.block.rows.get("start_month")
        return MonthsSince(Param(start.key)) if start else MonthIndex()

    def p(self, name: str) -> Expr:
        """A parameter, shaped over time: ramp, S-curve, or growth and values per year."""
        row = self.block.rows[name]
        value = self._raw(row)
        shapes = self.block.shapes.get(name, {})
        if not shapes:
            return value
        m = self.months_in()
        if "ramp_months" in shapes:
            start = self._raw(shapes["ramp_from"]) if "ramp_from" in shapes else Num(0)
            progress = Min(1, Max(0, m / Param(shapes["ramp_months"].key)))
            return start + (value - start) * progress
        if "s_curve_midpoint" in shapes:
            mid, width = Param(shapes["s_curve_midpoint"].key), Param(shapes["s_curve_width"].key)
            return value / (1 + Exp(-S_CURVE_SPREAD / width * (m - mid)))
        return self._grown(value, shapes)

    def _grown(self, value: Expr, shapes: dict[str, Row]) -> Expr:
        """Growth by year and levels by year (README "Growth by year and anchors"): the level of the
        latest ``@YEAR`` anchor in force (else the plain row at the block's start), times the growth
        of each period of rates between that reference and this month."""
        m = self.months_in()
        segments = self._growth_segments(shapes)
        out = value * _factor(segments, None, m) if segments else value
        for year, r in sorted((int(k[1:]), r) for k, r in shapes.items() if k.startswith("y")):
            level = self._raw(r)
            grown = level * _factor(segments, self.january(year), m) if segments else level
            out = If(Year().ge(year), grown, out)
        return out

    def _growth_segments(self, shapes: dict[str, Row]) -> list[tuple[Expr, int, Expr | None, Expr | None]]:
        """(rate, months per rate period, from, to) on the block's clock: the plain ``.growth`` until the
        first ``.growth@YEAR``, each of those from its January to the next one's (open ends are None)."""
        yearly = sorted((int(k[len(GROWTH_YEAR):]), r) for k, r in shapes.items() if k.startswith(GROWTH_YEAR))
        starts = [self.january(y) for y, _r in yearly]
        rows = [(shapes.get("growth"), None)] + [(r, j) for (_y, r), j in zip(yearly, starts)]
        ends = starts + [None]
        return [(Param(r.key), 1 if r.unit == "%/month" else MONTHS_PER_YEAR, lo, hi)
                for (r, lo), hi in zip(rows, ends) if r is not None]

    def january(self, year: int) -> Expr:
        """January of ``year`` on the block's clock (months since the block's start; the same in every
        month, written with the month's own date so that Excel needs no literal month number)."""
        return self.months_in() - ((Year() - year) * MONTHS_PER_YEAR + MonthOfYear() - 1)

    def date(self, name: str) -> Expr:
        return Param(self.block.rows[name].key)

    def active(self) -> Expr:
        """1 in the months from start_month to end_month (inclusive), else 0."""
        start = self.block.rows.get("start_month")
        end = self.block.rows.get("end_month")
        if start is None and end is None:
            return Num(1)
        # Whole months since each date, not the month index against the date: numpy holds a date as
        # months since the model start but Excel holds a real date, and MonthsSince is right in both.
        flags = []
        if start:
            flags.append(MonthsSince(Param(start.key)).ge(0))
        if end:
            flags.append(MonthsSince(Param(end.key)).le(0))
        return flags[0] if len(flags) == 1 else flags[0] * flags[1]

    def text(self, name: str, default: str) -> str:
        """A parameter given as text (a category), or ``default`` when the block has no such row."""
        row = self.block.rows.get(name)
        return row.text if row is not None and row.text else default

    def line(self, item: str, expr: Expr, label: str, unit: str, role: str, stock=False,
             category: str | None = None, annual: str = "") -> Line:
        """A line of this block; a revenue, cost or funding line takes the kind's category unless
        ``category`` names another."""
        if category is None and role in ("revenue", "cost", "funding"):
            category = self.category
        return Line(f"{self.slug}.{item}", expr, f"{self.block.name}: {label}", unit, role,
                    self.block.name, stock, category=category, annual=annual)

    def money(self, per: str = "/month") -> str:
        """The unit of a money line: the model currency per month, e.g. ``USD/month``."""
        return self.workbook.settings.currency + per
