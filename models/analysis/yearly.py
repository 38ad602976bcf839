"""Yearly reductions: a figure for each calendar year of the horizon — the vocabulary of the yearly KPIs.

Like a reduction (:mod:`cashcast.models.analysis.reductions`), each is defined once and knows two things:

* ``np(ctx, spans)`` — its numpy value, shape ``(years, S)``, from lines laid out months × paths;
  ``spans`` holds (year, first month, last month) per year, ``ctx.line(name)`` a (T, S) line and
  ``ctx.result.model`` the model (which blocks are recurring revenue).
* ``xl(cells)`` — the Excel formula of one year's cell on the Annual sheet. ``cells.span(line)``
  gives the A1 references of the line's first and last month of that year on the Monthly sheet,
  ``cells.before(line)`` the month before the year (None in the first year), ``cells.model`` the model.

A year with no value (a gross margin without revenue, a burn multiple without ARR growth) is NaN:
null in the JSON and CSV, "—" in the HTML tables and :data:`UNDEFINED` ("n/a") on the Annual sheet.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy

from cashcast.models.engine import annual, constants

UNDEFINED = constants.NA_TEXT.text   # Excel shows it by its name, NA_TEXT (in the report's language)
MONTHS_PER_YEAR = constants.MONTHS_PER_YEAR.value   # numpy uses the value, Excel the name
# Recurring revenue: what a customer pays again every month or year under a standing agreement, the
# revenue lines of subscription and licensing blocks, and of plain `revenue` blocks whose `recurring`
# row says yes. Usage (metered calls), advertising and other plain revenue are not: they are paid as
# consumed or as a total the model cannot call recurring.
RECURRING_KINDS = ("subscription", "licensing")
# A denominator below half a cent (revenue, ARR growth) gives no ratio: a quotient of noise.
HALF_CENT = constants.HALF_CENT.value
NAMED = {MONTHS_PER_YEAR: constants.MONTHS_PER_YEAR.name, HALF_CENT: constants.HALF_CENT.name}


def recurring_lines(model) -> list[str]:
    """The revenue lines of the model's recurring blocks (subscription, licensing, and plain revenue
    marked ``recurring`` yes), in block order."""
    names = [f"{b.slug}.revenue" for b in model.workbook.blocks.values() if is_recurring(b)]
    return [n for n in names if n in model.lines]


def is_recurring(block) -> bool:
    """A subscription or licensing block, or a plain revenue block whose ``recurring`` row is yes."""
    row = block.rows.get("recurring")
    return block.kind in RECURRING_KINDS or (row is not None and (row.text or "").lower() == "yes")


@dataclass(frozen=True)
class PerYear:
    """A line folded into each calendar year (:mod:`cashcast.models.engine.annual`), times a sign:
    net burn is ``−average(operating_cash_flow)`` over the year's months. Excel: the fold over the
    year's cells of the line's row, ``=-AVERAGE(Monthly!D9:O9)``.
    """

    line: str
    fold: str        # a key of cashcast.models.engine.annual.AGGREGATIONS
    sign: int = 1

    def lines(self, model=None) -> frozenset[str]:
        return frozenset({self.line})

    @property
    def text(self) -> str:
        word = {"sum": "the sum", "end": "the year-end value", "mean": "the monthly average"}[self.fold]
        return f"{'−' if self.sign < 0 else ''}{word} of `{self.line}` over the year's months"

    def np(self, ctx, spans: list[tuple[int, int, int]]) -> numpy.ndarray:
        values, fold = ctx.line(self.line), annual.of(self.fold)
        return self.sign * numpy.stack([fold.np(values[a:b + 1]) for _year, a, b in spans])

    def xl(self, cells) -> str:
        formula = annual.of(self.fold).xl(*cells.span(self.line))
        return f"=-{formula[1:]}" if self.sign < 0 else formula


@dataclass(frozen=True)
class YearEndRunRate:
    """Annual recurring revenue at the year end: 12 × the recurring revenue lines (subscription and
    licensing blocks, plain revenue marked recurring) in the year's last month; 0 in a model without them. Excel:
    ``=MONTHS_PER_YEAR*(Monthly!O9+Monthly!O12)``."""

    @property
    def text(self) -> str:
        kinds = " and ".join(RECURRING_KINDS)
        return (f"{MONTHS_PER_YEAR} × the revenue of the {kinds} blocks, and of plain revenue blocks with "
                "`recurring` yes, in the year's last month (usage, advertising and other plain revenue are "
                "not recurring)")

    def lines(self, model) -> frozenset[str]:
        return frozenset(recurring_lines(model))

    def np(self, ctx, spans: list[tuple[int, int, int]]) -> numpy.ndarray:
        result = ctx.result
        monthly = numpy.zeros((result.model.horizon, result.size))
        for name in recurring_lines(result.model):
            monthly = monthly + ctx.line(name)
        return MONTHS_PER_YEAR * numpy.stack([monthly[b] for _year, _a, b in spans])

    def cells_sum(self, model, cell_of) -> str:
        """The sum of the recurring lines' cells (``cell_of(line)``), "0" without any."""
        names = recurring_lines(model)
        return f"({'+'.join(cell_of(n) for n in names)})" if names else "0"

    def xl(self, cells) -> str:
        return f"={NAMED[MONTHS_PER_YEAR]}*{self.cells_sum(cells.model, lambda n: cells.span(n)[1])}"


@dataclass(frozen=True)
class YearRatio:
    """The ratio of two lines' sums over the year: gross margin is Σ gross_profit ÷ Σ revenue.
    NaN ("n/a") where the denominator's sum is at most half a cent. Excel:
    ``=IF(SUM(rev)>HALF_CENT,SUM(gp)/SUM(rev),NA_TEXT)``."""

    numerator: str
    denominator: str

    def lines(self, model=None) -> frozenset[str]:
        return frozenset({self.numerator, self.denominator})

    @property
    def text(self) -> str:
        return (f"Σ `{self.numerator}` ÷ Σ `{self.denominator}` over the year's months; null when the "
                f"year's `{self.denominator}` is at most half a cent")

    def np(self, ctx, spans: list[tuple[int, int, int]]) -> numpy.ndarray:
        top, bottom = ctx.line(self.numerator), ctx.line(self.denominator)
        num = numpy.stack([top[a:b + 1].sum(axis=0) for _y, a, b in spans])
        den = numpy.stack([bottom[a:b + 1].sum(axis=0) for _y, a, b in spans])
        with numpy.errstate(all="ignore"):
            return numpy.where(den > HALF_CENT, num / numpy.where(den > HALF_CENT, den, 1.0), numpy.nan)

    def xl(self, cells) -> str:
        num = annual.of(annual.SUM).xl(*cells.span(self.numerator))[1:]
        den = annual.of(annual.SUM).xl(*cells.span(self.denominator))[1:]
        return f"=IF({den}>{NAMED[HALF_CENT]},{num}/{den},{constants.NA_TEXT.name})"


@dataclass(frozen=True)
class BurnMultiple:
    """Net burn ÷ net new ARR for the year: ``−Σ flow`` over the year's months ÷ (ARR at the year end
    − ARR at the previous year end, 0 before the first month). NaN ("n/a") when ARR did not grow by
    more than half a cent; negative when the year generated cash while ARR grew. Excel:
    ``=IF(new>HALF_CENT,-SUM(ocf)/new,NA_TEXT)`` with ``new = MONTHS_PER_YEAR*(Dec cells) −
    MONTHS_PER_YEAR*(previous Dec cells)``."""

    flow: str
    arr: YearEndRunRate = YearEndRunRate()

    def lines(self, model) -> frozenset[str]:
        return frozenset({self.flow}) | self.arr.lines(model)

    @property
    def text(self) -> str:
        return (f"−Σ `{self.flow}` over the year ÷ net new ARR (`arr` at the year end − `arr` at the "
                "previous year end, 0 before the first month); null when ARR did not grow")

    def np(self, ctx, spans: list[tuple[int, int, int]]) -> numpy.ndarray:
        arr = self.arr.np(ctx, spans)
        new = arr - numpy.concatenate([numpy.zeros_like(arr[:1]), arr[:-1]])
        flow = ctx.line(self.flow)
        burn = -numpy.stack([flow[a:b + 1].sum(axis=0) for _y, a, b in spans])
        with numpy.errstate(all="ignore"):
            return numpy.where(new > HALF_CENT, burn / numpy.where(new > HALF_CENT, new, 1.0), numpy.nan)

    def xl(self, cells) -> str:
        end = self.arr.cells_sum(cells.model, lambda n: cells.span(n)[1])
        previous = (self.arr.cells_sum(cells.model, cells.before) if cells.before(self.flow) is not None
                    else "0")
        new = f"({NAMED[MONTHS_PER_YEAR]}*{end}-{NAMED[MONTHS_PER_YEAR]}*{previous})"
        burn = annual.of(annual.SUM).xl(*cells.span(self.flow))[1:]
        return f"=IF({new}>{NAMED[HALF_CENT]},-{burn}/{new},{constants.NA_TEXT.name})"
