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
from cashcast.models.analysis.reductions import Deficit, FirstMonth, Flag, Irr, Last, Npv, Reduction
from cashcast.models.engine.expr import LineRef, Num, Param
from cashcast.models.engine.names import setting_name

KINDS = ("month", "months", "money", "rate")
# "Better" in words, by kind and direction (+1: larger is better)
BETTER_WORDS = {("month", 1): "later", ("month", -1): "earlier", ("months", 1): "longer",
                ("months", -1): "shorter", ("money", 1): "larger", ("money", -1): "smaller",
                ("rate", 1): "larger", ("rate", -1): "smaller"}

BELOW_FLOOR = Flag("flag.below_minimum_cash", "Closing cash below the cash floor (minimum_cash)",
                   LineRef("closing_cash").lt(Param(setting_name("minimum_cash"))))
BREAK_EVEN = Flag("flag.ttm_operating_cash_flow_non_negative", "Trailing-12-month operating cash flow ≥ 0",
                  LineRef("ttm_operating_cash_flow").ge(Num(0)))


@dataclass(frozen=True)
class Kpi:
    """One key figure; see the module docstring.

    ``better`` is +1 when larger is better (a later cash-out, a longer runway), −1 when smaller is.
    ``batch``: computed for every column of the batch analyses (IRR, a root search per path, is not).
    ``simulated`` / ``swung`` / ``sort``: 1-based position among the KPIs the Monte Carlo summarises,
    the tornado swings, and the tornado's sort keys (None: not used there). ``target``: how a solve
    target for it is written and when it is met (None: not solvable). ``documented_by``: the numpy
    function whose docstring the HTML report quotes for it. ``summary``: a column of the short table
    ``cashcast run`` prints.
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


KPIS: tuple[Kpi, ...] = (
    Kpi("cash_out_month", "Cash-out month", "first month below the cash floor", "month", +1,
        FirstMonth(BELOW_FLOOR, as_date=True), simulated=1, swung=2, summary=True,
        target="YYYY-MM or never: cash runs out in that month or later, or never",
        documented_by=kpi.cash_out_month),
    Kpi("runway_months", "Runway", "months from the start to the cash-out month", "months", +1,
        FirstMonth(BELOW_FLOOR, as_date=False), simulated=2, swung=1, sort=1, summary=True,
        target="N or never: a runway of N months or more", documented_by=kpi.runway_months),
    Kpi("break_even_month", "Break-even month", "first with trailing-12-month operating cash flow ≥ 0",
        "month", -1, FirstMonth(BREAK_EVEN, as_date=True), simulated=3, swung=3, sort=2, summary=True,
        target="YYYY-MM: break-even in that month or earlier", documented_by=kpi.break_even_month),
    Kpi("peak_funding_need", "Peak funding need", "deepest cumulative operating deficit", "money", -1,
        Deficit("cumulative_operating_cash_flow"), simulated=4, summary=True,
        target="an amount: a peak funding need of at most that", documented_by=kpi.peak_funding_need),
    Kpi("npv", "NPV", "of the monthly operating cash flows, first month undiscounted", "money", +1,
        Npv("operating_cash_flow", setting_name("discount_rate")), simulated=6, swung=4, sort=3,
        target="an amount: an NPV of at least that", documented_by=kpi.npv),
    Kpi("irr", "IRR", "of the monthly operating cash flows, annualised", "rate", +1,
        Irr("operating_cash_flow"), batch=False, documented_by=kpi.irr),
    Kpi("ending_cash", "Ending cash", "cash at the end of the horizon", "money", +1, Last("closing_cash"),
        simulated=5, target="an amount: closing cash at the horizon of at least that"),
)


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


def batch_lines() -> frozenset[str]:
    """The lines the batch KPIs read: a batch evaluation may free every other line early."""
    return frozenset().union(*(k.definition.lines() for k in KPIS if k.batch))


@dataclass(frozen=True)
class ResultLines:
    """The numpy context of a reduction: a result's lines (months × paths) and the settings."""

    result: object   # cashcast.models.engine.model.Result

    def line(self, name: str) -> np.ndarray:
        return self.result[name]

    def param(self, name: str) -> float:
        return self.result.model.workbook.setting_params()[name]


def evaluate(result, batch_only: bool = False) -> dict[str, np.ndarray]:
    """Every KPI (or only the batch ones) for every path of a result, by its definition."""
    ctx = ResultLines(result)
    return {k.name: k.definition.np(ctx) for k in KPIS if k.batch or not batch_only}


def reference_markdown() -> str:
    """The README's KPI table, made from :data:`KPIS` (tests/test_readme.py checks the README holds
    exactly this text).

    >>> reference_markdown().splitlines()[2].startswith("| `cash_out_month` | Cash-out month | month |")
    True
    """
    def uses(k: Kpi) -> str:
        marks = [("simulation", k.simulated), ("tornado", k.swung), ("solve", k.target)]
        return ", ".join(name for name, used in marks if used is not None) or "—"

    out = ["| KPI | label | kind | better | definition | used by |", "|---|---|---|---|---|---|"]
    out += [f"| `{k.name}` | {k.label} | {k.kind} | {k.better_word} | "
            f"{k.definition.text} | {uses(k)} |" for k in KPIS]
    return "\n".join(out) + "\n"
