"""The KPI registry: every key figure defined once, in :data:`KPIS`, which every output loops over.

A :class:`Kpi` holds its name (the JSON key), its one label, what it measures, its kind (``month``:
a month date; ``months``: a count of months; ``money``; ``rate``: a fraction per year), which
direction is better, and **one definition**: a reduction (:mod:`cashcast.models.analysis.reductions`)
that gives both the numpy value of every path and the Excel formula of the report's key-figure cell.
Which analyses use a KPI (simulation, tornado, solve) are attributes of its record.

Adding a KPI means adding its record here and its test; the JSON, CSV summary, Excel sheets, HTML
tables, CLI summary and the analyses pick it up from :data:`KPIS`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from cashcast.models.analysis import kpi
from cashcast.models.analysis.reductions import (
    AfterLast, Count, Deficit, FirstAfter, FirstMonth, Flag, Gap, Irr, Last, Lowest, Npv,
    CENTURY, Reduction, RunwayAtHorizon,
)
from cashcast.models.analysis.yearly import BurnMultiple, PerYear, YearEndRunRate, YearRatio
from cashcast.models.engine.annual import MEAN, year_spans
from cashcast.models.engine.constants import MONTHS_PER_YEAR
from cashcast.models.engine.expr import LineRef, MonthIndex, Num, Param
from cashcast.models.engine.names import setting_name

KINDS = ("month", "months", "money", "rate")
# "Better" in words, by kind and direction (+1: larger is better)
BETTER_WORDS = {("month", 1): "later", ("month", -1): "earlier", ("months", 1): "longer",
                ("months", -1): "shorter", ("money", 1): "larger", ("money", -1): "smaller",
                ("rate", 1): "larger", ("rate", -1): "smaller"}

BELOW_FLOOR = Flag("flag.below_minimum_cash", "Closing cash below the cash floor (minimum_cash)",
                   LineRef("closing_cash").lt(Param(setting_name("minimum_cash"))))
# break-even needs a full trailing window: month 11 (the twelfth, MONTHS_PER_YEAR − 1) is the first
BREAK_EVEN = Flag("flag.break_even", "Trailing-12-month operating cash flow ≥ 0, over a full 12 months",
                  LineRef("ttm_operating_cash_flow").ge(Num(0)) * MonthIndex().ge(MONTHS_PER_YEAR - Num(1)),
                  words="ttm_operating_cash_flow >= 0 and month_index >= 11")
MINIMUM, RATE = setting_name("minimum_cash"), setting_name("discount_rate")


@dataclass(frozen=True)
class Kpi:
    """One key figure; see the module docstring.

    ``better`` is +1 when larger is better (a later cash-out, a longer runway), −1 when smaller is.
    ``batch``: computed for every column of the batch analyses (IRR, a root search per path, is not).
    ``simulated`` / ``swung`` / ``sort``: 1-based position among the KPIs the Monte Carlo summarises,
    the tornado swings, and the tornado's sort keys (None: not used there). ``target``: how a solve
    target for it is written and when it is met (None: not solvable). ``documented_by``: the numpy
    function whose docstring the HTML report quotes for it. ``summary``: a column of the short table
    ``cashcast run`` prints. ``null``: what a null (JSON) value means, where it can be null.
    ``toned``: the HTML card may colour the value good or bad. ``note``: a function of the
    definition's line (one path) that says in words why the value is null (the JSON's
    ``<name>_note``). ``never_beyond``: a month figure that may lie past the horizon (the burn at
    the horizon's runway), whose "never" ranks past every month it can take, not at the horizon.
    """

    name: str
    label: str
    description: str
    kind: str
    better: int
    definition: Reduction
    batch: bool = True
    simulated: int | None = None
    swung: int | None = None
    sort: int | None = None
    target: str | None = None
    documented_by: Callable | None = None
    summary: bool = False
    null: str = ""
    toned: bool = True
    note: Callable | None = None
    never_beyond: bool = False

    def __post_init__(self):
        if self.kind not in KINDS or self.better not in (1, -1):
            raise ValueError(f"KPI {self.name}: kind {self.kind!r} or better {self.better!r} invalid")

    @property
    def is_month(self) -> bool:
        """A month date or a count of months: NaN is "never", counted as past the horizon."""
        return self.kind in ("month", "months")

    @property
    def is_date(self) -> bool:
        return self.kind == "month"

    def never_rank(self, horizon: int) -> int:
        """The month number (or count) "never" ranks as: the horizon (the first month past it), or,
        for a figure that may lie past the horizon, past every value it can take.

        >>> named("cash_out_month").never_rank(120), named("runway_at_horizon_month").never_rank(120)
        (120, 1321)
        """
        if not self.never_beyond:
            return horizon
        return CENTURY + 1 + (horizon if self.is_date else 0)

    @property
    def phrase(self) -> str:
        """The label inside a sentence: 'cash-out month', 'NPV'.

        >>> named("cash_out_month").phrase, named("npv").phrase
        ('cash-out month', 'NPV')
        """
        return self.label if self.label[1:2].isupper() else self.label[:1].lower() + self.label[1:]

    @property
    def better_word(self) -> str:
        """Which way is better, in words: 'later' for the cash-out month, 'smaller' for the peak need."""
        return BETTER_WORDS[self.kind, self.better]

    @property
    def title(self) -> str:
        """The label with what it measures, as a key-figure row of the Excel report shows it."""
        return f"{self.label} ({self.description})"

    @property
    def never_is_best(self) -> bool:
        """"never" is a valid solve target value (never running out), and the best one."""
        return self.is_month and self.better > 0


FLOOR = "below the cash floor (minimum_cash)"
NOT_BURNING = f"not burning cash over the last three months, or lasting over {CENTURY} months more"
KPIS: tuple[Kpi, ...] = (
    Kpi("cash_out_month", "Cash-out month", "first month below the cash floor", "month", +1,
        FirstMonth(BELOW_FLOOR, as_date=True), simulated=1, swung=2, summary=True,
        target="YYYY-MM or never: cash runs out in that month or later, or never",
        documented_by=kpi.cash_out_month, null="never within the horizon"),
    Kpi("cash_recovers_month", "Cash recovers", "first month from which cash stays at or above the "
        "floor, after a shortfall", "month", -1,
        AfterLast(BELOW_FLOOR, 1, "the month after the last `closing_cash < settings__minimum_cash`"),
        null="cash never falls below the floor, or is still below it in the last month",
        toned=False, documented_by=kpi.after_last),
    Kpi("runway_months", "Runway", "months from the start to the cash-out month", "months", +1,
        FirstMonth(BELOW_FLOOR, as_date=False), simulated=2, swung=1, sort=1, summary=True,
        target="N or never: a runway of N months or more", documented_by=kpi.runway_months,
        null="never within the horizon"),
    Kpi("cash_low", "Lowest cash", "the lowest closing cash of the horizon", "money", +1,
        Lowest("closing_cash")),
    Kpi("cash_low_month", "Lowest-cash month", "first month at the lowest closing cash", "month", +1,
        Lowest("closing_cash", as_month=True), toned=False),
    Kpi("funding_gap", "Funding gap", "least extra cash that keeps cash at or above the floor", "money",
        -1, Gap("closing_cash", MINIMUM), documented_by=kpi.funding_gap),
    Kpi("raise_by_month", "Raise by", "month the funding gap is first needed (the cash-out month)",
        "month", +1, FirstMonth(BELOW_FLOOR, as_date=True), null="no gap: nothing to raise"),
    Kpi("months_short", "Months short", f"months with cash {FLOOR}", "months", -1, Count(BELOW_FLOOR)),
    Kpi("runway_at_horizon_months", "Runway at the horizon", "whole months the cash lasts after the "
        "horizon at the last three months' burn", "months", +1,
        RunwayAtHorizon("closing_cash", "operating_cash_flow", MINIMUM, as_date=False), never_beyond=True,
        null=NOT_BURNING, documented_by=kpi.runway_at_horizon),
    Kpi("runway_at_horizon_month", "Cash-out at the horizon's burn", "month the cash would fall below "
        "the floor after the horizon at the last three months' burn; if it is already below the floor in "
        "the last month, the month it last fell below it", "month", +1,
        RunwayAtHorizon("closing_cash", "operating_cash_flow", MINIMUM, as_date=True, below=BELOW_FLOOR),
        summary=True,
        never_beyond=True, null=NOT_BURNING),
    Kpi("break_even_month", "Break-even month", "first with a full trailing twelve months of operating "
        "cash flow ≥ 0", "month", -1, FirstMonth(BREAK_EVEN, as_date=True), simulated=3, swung=3, sort=2,
        summary=True, target="YYYY-MM: break-even in that month or earlier",
        documented_by=kpi.break_even_month, null="never within the horizon"),
    Kpi("sustained_break_even_month", "Sustained break-even", "first month from which the trailing "
        "twelve months stay ≥ 0 to the horizon", "month", -1,
        AfterLast(BREAK_EVEN, 0, f"the month after the last without `{BREAK_EVEN.text}`"),
        null="never within the horizon: the trailing twelve months are below 0 in the last month"),
    Kpi("returns_to_loss_month", "Returns to loss", "first month after break-even whose trailing twelve "
        "months are below 0", "month", +1,
        FirstAfter(BREAK_EVEN, 0, f"the first month without `{BREAK_EVEN.text}` after break-even"),
        null="no break-even, or no loss after it", documented_by=kpi.first_after, summary=True),
    Kpi("peak_funding_need", "Peak funding need", "deepest cumulative operating deficit", "money", -1,
        Deficit("cumulative_operating_cash_flow"), simulated=4, summary=True,
        target="an amount: a peak funding need of at most that", documented_by=kpi.peak_funding_need),
    Kpi("npv", "NPV", "of the monthly operating cash flows, first month undiscounted", "money", +1,
        Npv("operating_cash_flow", RATE), simulated=6, swung=4, sort=3,
        target="an amount: an NPV of at least that", documented_by=kpi.npv),
    Kpi("irr", "IRR", "of the monthly operating cash flows, annualised", "rate", +1,
        Irr("operating_cash_flow"), batch=False, documented_by=kpi.irr, note=kpi.irr_note,
        null="the flows do not change sign exactly once (`irr_note` says why)"),
    Kpi("ending_cash", "Ending cash", "cash at the end of the horizon", "money", +1, Last("closing_cash"),
        simulated=5, target="an amount: closing cash at the horizon of at least that"),
)


YEARLY_KINDS = ("money", "rate", "multiple")   # a multiple: a plain ratio, shown as 1.5×


@dataclass(frozen=True)
class YearlyKpi:
    """A key figure per calendar year (one value for each year of the horizon, every path): its
    name (the key under ``annual.kpis`` in the JSON), label, what it measures, its kind (``money``,
    ``rate`` — a fraction shown as a percentage — or ``multiple``, a plain ratio), which way is
    better and one definition, a yearly reduction (:mod:`cashcast.models.analysis.yearly`) with
    ``np(ctx, spans)`` and ``xl(cells)``. The JSON's annual tables, the annual CSV, the Excel
    Annual sheet and the HTML annual tables loop over :data:`YEARLY`; a year without a value
    (NaN) is null there, "n/a" on the Annual sheet.
    """

    name: str
    label: str
    description: str
    kind: str
    better: int
    definition: PerYear | YearEndRunRate | YearRatio | BurnMultiple

    def __post_init__(self):
        if self.kind not in YEARLY_KINDS or self.better not in (1, -1):
            raise ValueError(f"yearly KPI {self.name}: kind {self.kind!r} or better {self.better!r} invalid")

    @property
    def better_word(self) -> str:
        return BETTER_WORDS.get((self.kind, self.better), "larger" if self.better > 0 else "smaller")


YEARLY: tuple[YearlyKpi, ...] = (
    YearlyKpi("net_burn", "Net burn", "average a month; negative: cash generated", "money", -1,
              PerYear("operating_cash_flow", MEAN, sign=-1)),
    YearlyKpi("gross_margin_year", "Gross margin", "gross profit ÷ revenue over the whole year, not "
              "December's alone", "rate", +1,
              YearRatio("gross_profit", "revenue")),
    YearlyKpi("arr", "ARR", "annual recurring revenue at the year end: 12 × December's subscription "
              "and licensing revenue", "money", +1, YearEndRunRate()),
    YearlyKpi("burn_multiple", "Burn multiple", "the year's net burn ÷ its net new ARR; negative: cash "
              "generated", "multiple", -1, BurnMultiple("operating_cash_flow")),
)


def evaluate_yearly(result) -> dict[str, np.ndarray]:
    """Every yearly KPI for every year and path: ``{name: (years, S)}``."""
    ctx, spans = ResultLines(result), year_spans(result.model.workbook.months())
    return {k.name: k.definition.np(ctx, spans) for k in YEARLY}


def named(name: str) -> Kpi:
    """The registry's record of a KPI name; KeyError for a name it does not hold."""
    for k in KPIS:
        if k.name == name:
            return k
    raise KeyError(name)


def _ordered(position: str) -> tuple[Kpi, ...]:
    return tuple(sorted((k for k in KPIS if getattr(k, position) is not None),
                        key=lambda k: getattr(k, position)))


def simulated() -> tuple[Kpi, ...]:
    """The KPIs the Monte Carlo summarises, in its order."""
    return _ordered("simulated")


def swung() -> tuple[Kpi, ...]:
    """The KPIs of the tornado, in its order."""
    return _ordered("swung")


def sort_keys() -> tuple[Kpi, ...]:
    """The tornado's sort keys: largest swing of the first, ties broken by the next."""
    return _ordered("sort")


def solvable() -> tuple[Kpi, ...]:
    """The KPIs a solve can target."""
    return tuple(k for k in KPIS if k.target is not None)


def flags() -> tuple[Flag, ...]:
    """The helper flags the KPIs read, each once, in the order of first use."""
    out: dict[str, Flag] = {}
    for k in KPIS:
        for f in k.definition.flags():
            out.setdefault(f.key, f)
    return tuple(out.values())


def marks() -> tuple:
    """The running last-month helper rows the KPIs read (:class:`~cashcast.models.analysis.reductions.LastMonth`),
    each once, in the order of first use."""
    out: dict = {}
    for k in KPIS:
        for m in k.definition.marks():
            out.setdefault(m.key, m)
    return tuple(out.values())


def batch_lines() -> frozenset[str]:
    """The lines the batch KPIs read: a batch evaluation may free every other line early."""
    return frozenset().union(*(k.definition.lines() for k in KPIS if k.batch))


@dataclass(frozen=True)
class ResultLines:
    """The numpy context of a reduction: a result's lines (months × paths) and the settings."""

    result: object   # cashcast.models.engine.model.Result

    def line(self, name: str) -> np.ndarray:
        return self.result[name]

    def param(self, name: str):
        """A setting as evaluated: one number when every path has the same (the usual case), else its
        value per path (S,), e.g. an opening cash that differs by scenario or is varied."""
        given = (self.result.params or {}).get(name)
        if given is None:
            return self.result.model.workbook.setting_params()[name]
        values = np.broadcast_to(np.asarray(given, dtype=float).reshape(-1), (self.result.size,))
        return float(values[0]) if np.all(values == values[0]) else values

    def month_index(self) -> np.ndarray:
        """The month numbers 0, 1, … as a column (T, 1), for flags that read the month."""
        return np.arange(self.result.model.horizon, dtype=float)[:, None]


def evaluate(result, batch_only: bool = False) -> dict[str, np.ndarray]:
    """Every KPI (or only the batch ones) for every path of a result, by its definition."""
    ctx = ResultLines(result)
    return {k.name: k.definition.np(ctx) for k in KPIS if k.batch or not batch_only}


def notes(result) -> dict[str, list[str | None]]:
    """Why a KPI is null, per scenario column, for the KPIs that say so: ``{"irr_note": [...]}``."""
    return {f"{k.name}_note": [k.note(result.column(k.definition.line, j)) for j in range(result.size)]
            for k in KPIS if k.note is not None}


def reference_markdown() -> str:
    """The README's KPI table, made from :data:`KPIS` (tests/test_readme.py checks the README holds
    exactly this text).

    >>> reference_markdown().splitlines()[2].startswith("| `cash_out_month` | Cash-out month | month |")
    True
    """
    def uses(k: Kpi) -> str:
        marks = [("simulation", k.simulated), ("tornado", k.swung), ("solve", k.target)]
        return ", ".join(name for name, used in marks if used is not None) or "—"

    out = ["| KPI | label | kind | better | definition | null when | used by |",
           "|---|---|---|---|---|---|---|"]
    out += [f"| `{k.name}` | {k.label} | {k.kind} | {k.better_word} | "
            f"{k.definition.text} | {k.null or '—'} | {uses(k)} |" for k in KPIS]
    return "\n".join(out) + "\n"


def yearly_reference_markdown() -> str:
    """The README's table of the yearly KPIs, made from :data:`YEARLY`.

    >>> yearly_reference_markdown().splitlines()[2].startswith("| `net_burn` | Net burn (average a month")
    True
    """
    out = ["| KPI per year | label | kind | better | definition |", "|---|---|---|---|---|"]
    out += [f"| `{k.name}` | {k.label} ({k.description}) | {k.kind} | {k.better_word} | "
            f"{k.definition.text} |" for k in YEARLY]
    return "\n".join(out) + "\n"
